/**
 * Copies the built controls (out/controls/<Name>/) into the SolutionPackager
 * source layout (solution/src/Controls/<prefix_namespace.Constructor>/), beside
 * the ControlManifest.xml.data.xml that `npm run generate` writes, so that
 * `pac solution pack --folder solution/src` (or SolutionPackager /action:Pack)
 * finds every file a control needs. This is the step Microsoft describes for a
 * solution that mixes code components with tables and apps:
 * https://learn.microsoft.com/power-apps/developer/component-framework/code-components-alm#using-solution-packager-with-code-components
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { schema } from "../schema/schema";
import { findControls } from "./controls";
import { builtControlFiles, PackError } from "./package";
import { controlFolder } from "./sourceLayout";

export interface StageOptions {
  readonly componentsDir: string;
  readonly builtControlsDir: string;
  /** The solution/src folder. */
  readonly sourceRoot: string;
  readonly version?: string;
}

/** Stages every control; returns the files written, relative to sourceRoot. Fails before writing anything when a control is missing or stale. */
export function stageBuiltControls(options: StageOptions): string[] {
  const controls = findControls(options.componentsDir);
  const files = builtControlFiles(controls, options.builtControlsDir, options.version ?? schema.solution.version);
  for (const control of controls) {
    const folder = path.join(options.sourceRoot, controlFolder(control));
    if (!fs.existsSync(path.join(folder, "ControlManifest.xml.data.xml"))) {
      throw new PackError(`${path.join(folder, "ControlManifest.xml.data.xml")} is missing. Run npm run generate first.`);
    }
    // Leave only the generated metadata, so a file the build no longer makes does not linger.
    for (const entry of fs.readdirSync(folder)) if (entry !== "ControlManifest.xml.data.xml") fs.rmSync(path.join(folder, entry), { recursive: true, force: true });
  }
  for (const [file, content] of files) {
    const target = path.join(options.sourceRoot, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return [...files.keys()].sort();
}
