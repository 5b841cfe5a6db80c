import * as fs from "node:fs";
import * as path from "node:path";
import { choices, schema } from "../schema/schema";
import { controlManifestSources, findControls } from "./controls";
import { generateRowTypes, ROW_TYPES_PATH } from "./rowTypes";
import { isStagedBuildOutput, SOURCE_ROOT, sourceLayout } from "./sourceLayout";

/** Every generated file, keyed by its path relative to the repository root. */
export type GeneratedFiles = ReadonlyMap<string, string>;

export interface GenerateOptions {
  /** Where the code components live; the contact form places those that exist. */
  readonly componentsDir: string;
  /** The solution version (default schema.solution.version); every control's manifest version follows it. */
  readonly version?: string;
}

export const REPO_ROOT = path.resolve(__dirname, "../..");

export function generateAll(options: GenerateOptions = { componentsDir: path.join(REPO_ROOT, "components") }): GeneratedFiles {
  const choiceKeys = Object.fromEntries(Object.entries(choices).map(([key, decl]) => [decl.name, key]));
  const files = new Map<string, string>();
  files.set(ROW_TYPES_PATH, generateRowTypes(schema, choiceKeys));
  const version = options.version ?? schema.solution.version;
  for (const [file, content] of sourceLayout(findControls(options.componentsDir), version)) files.set(`${SOURCE_ROOT}/${file}`, content);
  for (const [file, content] of controlManifestSources(options.componentsDir, REPO_ROOT, version)) files.set(file, content);
  return files;
}

export interface Drift {
  readonly path: string;
  readonly problem: "missing" | "differs" | "not generated";
}

/** Folders owned entirely by the generator: a file there that it no longer produces is stale. */
export const GENERATED_FOLDERS: readonly string[] = [SOURCE_ROOT];

function listFiles(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

/** Compares the generated files with what is on disk under `root`. */
export function findDrift(root: string, files: GeneratedFiles): Drift[] {
  const drift: Drift[] = [];
  for (const [file, content] of files) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) drift.push({ path: file, problem: "missing" });
    else if (fs.readFileSync(full, "utf8") !== content) drift.push({ path: file, problem: "differs" });
  }
  for (const folder of GENERATED_FOLDERS) {
    for (const file of listFiles(root, folder)) {
      // A control's built files, copied in by `npm run build`, are the build's, not stale output.
      if (file.startsWith(`${SOURCE_ROOT}/`) && isStagedBuildOutput(file.slice(SOURCE_ROOT.length + 1))) continue;
      if (!files.has(file)) drift.push({ path: file, problem: "not generated" });
    }
  }
  return drift;
}

/** Writes the generated files and removes stale ones from generator-owned folders. */
export function writeAll(root: string, files: GeneratedFiles): { written: number; removed: number } {
  let written = 0;
  let removed = 0;
  for (const { path: file, problem } of findDrift(root, files)) {
    const full = path.join(root, file);
    if (problem === "not generated") {
      fs.rmSync(full);
      removed++;
    } else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, files.get(file) ?? "");
      written++;
    }
  }
  return { written, removed };
}
