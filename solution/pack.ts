/**
 * `npm run pack` → dist/SocialPrescribingEngagement_<version>.zip, an
 * unmanaged solution ready to import; `npm run pack -- --managed` for a
 * managed one. Needs no pac CLI and no .NET.
 */
import * as path from "node:path";
import { REPO_ROOT } from "./codegen/outputs";
import { PackError, packSolution } from "./codegen/package";

const managed = process.argv.includes("--managed");

try {
  const result = packSolution({
    componentsDir: path.join(REPO_ROOT, "components"),
    builtControlsDir: path.join(REPO_ROOT, "out", "controls"),
    outDir: path.join(REPO_ROOT, "dist"),
    managed,
  });
  console.log(`Packed ${managed ? "managed" : "unmanaged"} solution: ${path.relative(process.cwd(), result.zipPath)}`);
  for (const [what, count] of Object.entries(result.counts)) console.log(`  ${what.padEnd(22)} ${count}`);
  console.log(`  pack time              ${result.milliseconds.toFixed(0)} ms`);
} catch (error) {
  if (error instanceof PackError) {
    console.error(`Cannot pack the solution: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
