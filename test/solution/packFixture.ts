import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { XMLParser } from "fast-xml-parser";

/** The shared reference folder beside the repository (or beside the folder of git worktrees that holds it). */
export const SHARED = [path.resolve(__dirname, "../../../shared"), path.resolve(__dirname, "../../../../shared")]
  .find((dir) => fs.existsSync(path.join(dir, "reference"))) ?? path.resolve(__dirname, "../../../shared");
export const SCHEMAS = path.join(SHARED, "reference", "schemas");

export type ControlName = "AppointmentTracker" | "StageGuidance" | "CommunitySupport" | "ClosureChecklist";

function manifest(name: ControlName, version: string): string {
  return `<?xml version="1.0" encoding="utf-8" ?>
<manifest>
  <control namespace="SocialPrescribing" constructor="${name}" version="${version}" display-name-key="${name}" description-key="${name}" control-type="virtual">
    <property name="contact" display-name-key="Contact" description-key="Contact" of-type="SingleLine.Text" usage="bound" required="true" />
    <resources>
      <code path="bundle.js" order="1" />
      <resx path="strings/${name}.1033.resx" version="1.0.0" />
    </resources>
  </control>
</manifest>
`;
}

/**
 * A temporary components/ and out/controls/ pair: `declared` controls have sources, `built` ones also have a
 * build; every manifest carries `version` (1.0.0 follows solution version 1.0.0.0).
 */
export function fakeControls(declared: readonly ControlName[], built: readonly ControlName[], version = "1.0.0"): { root: string; componentsDir: string; builtControlsDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-pack-"));
  const componentsDir = path.join(root, "components");
  const builtControlsDir = path.join(root, "out", "controls");
  for (const name of declared) {
    fs.mkdirSync(path.join(componentsDir, name), { recursive: true });
    fs.writeFileSync(path.join(componentsDir, name, "ControlManifest.Input.xml"), manifest(name, version));
  }
  for (const name of built) {
    const dir = path.join(builtControlsDir, name);
    fs.mkdirSync(path.join(dir, "strings"), { recursive: true });
    fs.writeFileSync(path.join(dir, "ControlManifest.xml"), manifest(name, version));
    fs.writeFileSync(path.join(dir, "bundle.js"), `/* ${name} */ var pcf_tools_${name} = {};\n`);
    fs.writeFileSync(path.join(dir, "bundle.js.map"), "{}");
    fs.writeFileSync(path.join(dir, "strings", `${name}.1033.resx`), `<?xml version="1.0" encoding="utf-8"?><root />\n`);
  }
  return { root, componentsDir, builtControlsDir };
}

export function unzip(zipPath: string): Map<string, string> {
  const entries = unzipSync(fs.readFileSync(zipPath));
  return new Map(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** xmllint's complaints about a document, one per line, without file names; empty when it validates. */
export function xmllintErrors(xml: string, schemaFile: string, dir: string): string[] {
  const file = path.join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(file, xml);
  try {
    execFileSync("xmllint", ["--noout", "--schema", schemaFile, file], { stdio: "pipe" });
    return [];
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    return stderr.split("\n").filter((l) => l.includes("validity error") || l.includes("parser error"))
      .map((l) => l.replace(/^[^:]*:\d+: /, ""));
  }
}

export const orderedParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, parseAttributeValue: false });

/** Every `<fetch>…</fetch>` element in a document, as text. */
export function fetchElements(xml: string): string[] {
  return xml.match(/<fetch[\s>][\s\S]*?<\/fetch>/g) ?? [];
}

/** `version` of `<control>` in a control manifest. */
export function manifestVersion(xml: string): string | undefined {
  return /<control\b[^>]*\bversion="([^"]*)"/.exec(xml)?.[1];
}
