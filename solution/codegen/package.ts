/**
 * Builds the importable solution zip with Node alone: the same files a
 * Dataverse export holds ([Content_Types].xml, solution.xml,
 * customizations.xml, Controls/, customapis/, environmentvariabledefinitions/,
 * Workflows/), zipped with fflate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { strToU8, zipSync, type Zippable } from "fflate";
import type { FormDeclaration } from "../forms";
import { schema } from "../schema/schema";
import type { ViewDeclaration } from "../views";
import { buildDocument, el } from "../xml";
import { componentFiles, rootComponents, solutionManifestXml } from "./components";
import { controlVersionFor, findControls, readControlManifest, type ControlInfo } from "./controls";
import { customizationsParts, customizationsXml, declarationsWith } from "./customizations";
import { declarationProblems } from "./validate";

export interface PackOptions {
  /** Where code components are declared (components/<Name>/ControlManifest.Input.xml). */
  readonly componentsDir: string;
  /** Where `npm run build` puts them (out/controls/<Name>/). */
  readonly builtControlsDir: string;
  readonly outDir: string;
  readonly managed: boolean;
  /** The solution version (default schema.solution.version); each built control's manifest version must follow it. */
  readonly version?: string;
  /** Replace the shipped views or forms (tests use this to prove a bad one is refused). */
  readonly views?: readonly ViewDeclaration[];
  readonly forms?: readonly FormDeclaration[];
}

export interface PackResult {
  readonly zipPath: string;
  /** Every file in the zip, by path. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly counts: Readonly<Record<string, number>>;
  readonly milliseconds: number;
}

/** A problem with the sources that stops packing; its message says what to do. */
export class PackError extends Error {
  override name = "PackError";
}

const CONTENT_TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types";
/** Dataverse exports start [Content_Types].xml with a byte order mark. */
const BOM = "\uFEFF";

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

/**
 * The built files of each control keyed by their path in a solution
 * (Controls/<prefix_namespace.Constructor>/…), refusing a control that exists
 * in components/ but was not built, or was built before the version was raised.
 */
export function builtControlFiles(controls: readonly ControlInfo[], builtControlsDir: string, solutionVersion: string): Map<string, Uint8Array> {
  const expectedVersion = controlVersionFor(solutionVersion);
  const files = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const control of controls) {
    const dir = path.join(builtControlsDir, control.name);
    const manifest = path.join(dir, "ControlManifest.xml");
    if (!fs.existsSync(path.join(dir, "bundle.js")) || !fs.existsSync(manifest)) {
      missing.push(`${control.name} (expected ${path.join(dir, "bundle.js")} and ControlManifest.xml)`);
      continue;
    }
    const built = readControlManifest(manifest, control.name);
    if (built.fullName !== control.fullName) {
      throw new PackError(`The built ${control.name} (${built.fullName}) does not match components/${control.name} (${control.fullName}). Run npm run build first.`);
    }
    // An app serves its cached bundle until the version rises, so a stale build is refused.
    if (built.version !== expectedVersion) {
      throw new PackError(`The built ${control.name} has version ${built.version}, but solution version ${solutionVersion} needs ${expectedVersion}. Run npm run generate, then npm run build.`);
    }
    for (const file of listFiles(dir)) {
      // Source maps are for debugging the build, not for the environment.
      if (file.endsWith(".map")) continue;
      files.set(`Controls/${control.fullName}/${file}`, fs.readFileSync(path.join(dir, file)));
    }
  }
  if (missing.length > 0) {
    throw new PackError(`These controls exist in components/ but are not built: ${missing.join("; ")}. Run npm run build first.`);
  }
  return files;
}

function contentTypesXml(paths: Iterable<string>): string {
  const extensions = [...new Set([...paths].map((p) => path.posix.extname(p).slice(1).toLowerCase()).filter(Boolean))].sort();
  return BOM + buildDocument(el("Types", { xmlns: CONTENT_TYPES_NAMESPACE },
    ...extensions.map((extension) => el("Default", { Extension: extension, ContentType: extension === "xml" ? "text/xml" : "application/octet-stream" }))));
}

/** "1.0.0.0" → "SocialPrescribingEngagement_1_0_0_0.zip", as an export names it. */
export function zipFileName(managed: boolean, version: string = schema.solution.version): string {
  return `${schema.solution.uniqueName}_${version.replace(/\./g, "_")}${managed ? "_managed" : ""}.zip`;
}

export function packSolution(options: PackOptions): PackResult {
  const started = performance.now();
  const controls = findControls(options.componentsDir);
  const declarations = declarationsWith(controls, { views: options.views, forms: options.forms });
  const problems = declarationProblems(declarations);
  if (problems.length > 0) throw new PackError(`The solution declarations name things that do not exist:\n  ${problems.join("\n  ")}`);

  const version = options.version ?? schema.solution.version;
  const controlFiles = builtControlFiles(controls, options.builtControlsDir, version);
  const files = new Map<string, Uint8Array>();
  files.set("solution.xml", strToU8(solutionManifestXml({ version, managed: options.managed }, controls)));
  const parts = customizationsParts(declarations);
  files.set("customizations.xml", strToU8(buildDocument(customizationsXml(parts))));
  for (const [file, content] of controlFiles) files.set(file, content);
  for (const [file, content] of componentFiles()) files.set(file, strToU8(content));
  files.set("[Content_Types].xml", strToU8(contentTypesXml(files.keys())));

  const zippable: Zippable = {};
  for (const [file, content] of files) zippable[file] = content;
  const zip = zipSync(zippable, { level: 6 });
  fs.mkdirSync(options.outDir, { recursive: true });
  const zipPath = path.join(options.outDir, zipFileName(options.managed, version));
  fs.writeFileSync(zipPath, zip);

  const roots = rootComponents(controls);
  const counts = {
    tables: parts.entities.length,
    columns: parts.entities.reduce((n, e) => n + (schema.tables.find((t) => t.logicalName === e.logicalName)?.columns.length ?? 0), 0),
    choices: parts.optionSets.length,
    relationships: parts.relationships.length,
    forms: parts.entities.reduce((n, e) => n + e.forms.length, 0),
    views: parts.entities.reduce((n, e) => n + e.views.length, 0),
    charts: parts.entities.reduce((n, e) => n + e.charts.length, 0),
    roles: parts.roles.length,
    fieldSecurityProfiles: parts.fieldSecurityProfiles.length,
    apps: parts.appModules.length,
    controls: controls.length,
    environmentVariables: [...files.keys()].filter((f) => f.startsWith("environmentvariabledefinitions/")).length,
    customApis: [...files.keys()].filter((f) => /^customapis\/[^/]+\/customapi\.xml$/.test(f)).length,
    eventCatalogs: [...files.keys()].filter((f) => /^catalogs\/[^/]+\/catalog\.xml$/.test(f)).length,
    cloudFlows: parts.workflows.length,
    rootComponents: roots.length,
    files: files.size,
    bytes: zip.length,
  };
  return { zipPath, files, counts, milliseconds: performance.now() - started };
}
