/**
 * Which of the form's code components exist in components/, read from their
 * ControlManifest.Input.xml. A control that does not exist yet is shown on the
 * form as a label saying where it will appear.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { FORM_CONTROLS, type FormControlName } from "../forms";
import { schema } from "../schema/schema";

export interface ControlProperty {
  readonly name: string;
  readonly ofType: string;
  readonly usage: "bound" | "input" | "output";
  readonly required: boolean;
}

export interface ControlInfo {
  /** The folder and constructor name, e.g. AppointmentTracker. */
  readonly name: FormControlName;
  readonly namespace: string;
  readonly constructor: string;
  readonly version: string;
  /** `<prefix>_<namespace>.<constructor>`: the name forms and the Controls/ folder use. */
  readonly fullName: string;
  readonly properties: readonly ControlProperty[];
}

interface ManifestControl {
  "@_namespace"?: string;
  "@_constructor"?: string;
  "@_version"?: string;
  property?: { "@_name": string; "@_of-type"?: string; "@_usage"?: string; "@_required"?: string }[];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (name) => name === "property" });

/**
 * `<prefix>_<namespace>.<constructor>`, as pac names a control in a solution. A
 * namespace that already carries the publisher prefix keeps it once.
 */
export function controlFullName(namespace: string, constructor: string): string {
  const prefix = `${schema.publisher.prefix}_`;
  return `${namespace.startsWith(prefix) ? "" : prefix}${namespace}.${constructor}`;
}

/** Reads a control manifest (source or built), failing with the file named when it is not one. */
export function readControlManifest(file: string, name: FormControlName): ControlInfo {
  const parsed = parser.parse(fs.readFileSync(file, "utf8")) as { manifest?: { control?: ManifestControl } };
  const control = parsed.manifest?.control;
  if (!control?.["@_namespace"] || !control["@_constructor"]) {
    throw new Error(`${file} is not a control manifest: <manifest><control namespace=… constructor=…> is missing.`);
  }
  const namespace = control["@_namespace"];
  const constructor = control["@_constructor"];
  return {
    name,
    namespace,
    constructor,
    version: control["@_version"] ?? "1.0.0",
    fullName: controlFullName(namespace, constructor),
    properties: (control.property ?? []).map((p) => ({
      name: p["@_name"],
      ofType: p["@_of-type"] ?? "SingleLine.Text",
      usage: (p["@_usage"] ?? "input") as ControlProperty["usage"],
      required: p["@_required"] === "true",
    })),
  };
}

/** The form controls present in `componentsDir` (components/<Name>/ControlManifest.Input.xml). */
export function findControls(componentsDir: string): ControlInfo[] {
  return (Object.keys(FORM_CONTROLS) as FormControlName[])
    .map((name) => ({ name, file: path.join(componentsDir, name, "ControlManifest.Input.xml") }))
    .filter(({ file }) => fs.existsSync(file))
    .map(({ name, file }) => readControlManifest(file, name));
}

/**
 * The control version that follows a solution version. A model-driven app keeps
 * serving its cached bundle until the manifest's version rises, and Microsoft's
 * guidance keeps MAJOR.MINOR of the control equal to the solution's
 * (https://learn.microsoft.com/power-apps/developer/component-framework/code-components-alm#versioning-and-deploying-updates).
 * The solution's BUILD and REVISION both go into PATCH (BUILD × 1000 + REVISION),
 * so raising any part of the solution version raises every control's version.
 */
export function controlVersionFor(solutionVersion: string): string {
  const parts = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(solutionVersion);
  if (!parts) throw new Error(`Solution version "${solutionVersion}" is not MAJOR.MINOR.BUILD.REVISION.`);
  const [major, minor, build, revision] = parts.slice(1).map(Number);
  if (revision >= 1000) throw new Error(`Solution version "${solutionVersion}": keep REVISION below 1000 so that control versions keep rising (raise BUILD instead).`);
  return `${major}.${minor}.${build * 1000 + revision}`;
}

const CONTROL_VERSION = /(<control\b[^>]*?\bversion=")([^"]*)(")/;

/** A control manifest's text with its `<control version>` set; fails naming the file when there is none. */
export function withControlVersion(manifestXml: string, version: string, file: string): string {
  if (!CONTROL_VERSION.test(manifestXml)) throw new Error(`${file} has no <control version="…"> attribute to keep in step with the solution version.`);
  return manifestXml.replace(CONTROL_VERSION, `$1${version}$3`);
}

/**
 * Each control's ControlManifest.Input.xml with its version following the
 * solution's, keyed by path relative to `root`: `npm run generate` writes them
 * and `--check` reports one that was edited by hand or not regenerated.
 */
export function controlManifestSources(componentsDir: string, root: string, solutionVersion: string): Map<string, string> {
  const version = controlVersionFor(solutionVersion);
  const files = new Map<string, string>();
  for (const name of Object.keys(FORM_CONTROLS) as FormControlName[]) {
    const file = path.join(componentsDir, name, "ControlManifest.Input.xml");
    if (!fs.existsSync(file)) continue;
    files.set(path.relative(root, file).split(path.sep).join("/"), withControlVersion(fs.readFileSync(file, "utf8"), version, file));
  }
  return files;
}
