/**
 * `npm run generate` writes every file derived from the schema and the
 * solution declarations; `npm run generate -- --check` only compares, and
 * exits 1 naming each file that is out of date (CI runs it).
 */
import * as path from "node:path";
import { findDrift, generateAll, writeAll } from "./codegen/outputs";

const root = path.resolve(__dirname, "..");
const files = generateAll();

if (process.argv.includes("--check")) {
  const drift = findDrift(root, files);
  if (drift.length > 0) {
    console.error("Generated files are out of date with solution/schema and the solution declarations:");
    for (const d of drift) console.error(`  ${d.path}: ${d.problem}`);
    console.error("Run `npm run generate` and commit the result.");
    process.exit(1);
  }
  console.log(`Generated files are up to date (${files.size} files).`);
} else {
  const { written, removed } = writeAll(root, files);
  console.log(`Generated ${files.size} files: ${written} written, ${removed} stale removed, ${files.size - written} unchanged.`);
}
