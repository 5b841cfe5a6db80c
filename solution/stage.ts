/**
 * Run by `npm run build` after the controls are built: puts their files into
 * solution/src/Controls/ so the SolutionPackager layout is complete.
 */
import * as path from "node:path";
import { REPO_ROOT } from "./codegen/outputs";
import { PackError } from "./codegen/package";
import { stageBuiltControls } from "./codegen/stageControls";
import { SOURCE_ROOT } from "./codegen/sourceLayout";

try {
  const written = stageBuiltControls({
    componentsDir: path.join(REPO_ROOT, "components"),
    builtControlsDir: path.join(REPO_ROOT, "out", "controls"),
    sourceRoot: path.join(REPO_ROOT, SOURCE_ROOT),
  });
  console.log(`build: staged ${written.length} control files into ${SOURCE_ROOT}/Controls/ for pac solution pack`);
} catch (error) {
  if (error instanceof PackError) {
    console.error(`build: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
