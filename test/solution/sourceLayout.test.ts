/**
 * Issue 12, point 6: `pac solution pack --folder solution/src` and `dotnet
 * build` of the cdsproj get a folder SolutionPackager can pack. There is no
 * .NET here, so the folder is checked against the layout Microsoft documents
 * for a solution holding code components, "Using Solution Packager with code
 * components":
 * https://learn.microsoft.com/power-apps/developer/component-framework/code-components-alm#using-solution-packager-with-code-components
 *   Controls/<prefix_namespace.ControlName>/{bundle.js, ControlManifest.xml, ControlManifest.xml.data.xml, …}
 *   Entities/<Table>/{Entity.xml, RibbonDiff.xml, FormXml/main/{id}.xml}
 *   Other/{Customizations.xml, Solution.xml}
 * "The only files that are required are the *.data.xml files … After each code
 * component is built, the files in the out folder are copied over into the
 * respective control folder."
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findDrift, generateAll, writeAll } from "../../solution/codegen/outputs";
import { PackError, packSolution } from "../../solution/codegen/package";
import { SOURCE_ROOT } from "../../solution/codegen/sourceLayout";
import { stageBuiltControls } from "../../solution/codegen/stageControls";
import { fakeControls, unzip, type ControlName } from "./packFixture";

const repoRoot = path.resolve(__dirname, "../..");
const ALL: readonly ControlName[] = ["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"];
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A repository-like folder holding only solution/src, generated for the fake controls. */
function generatedSource(componentsDir: string): { root: string; files: Map<string, string> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-src-"));
  roots.push(root);
  const files = new Map([...generateAll({ componentsDir })].filter(([file]) => file.startsWith(`${SOURCE_ROOT}/`)));
  writeAll(root, files);
  return { root, files };
}

const listUnder = (dir: string) => fs.readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
  .sort();

describe("solution/src as generated", () => {
  const files = generateAll();
  const src = (p: string) => files.get(`${SOURCE_ROOT}/${p}`) ?? "";

  it("has Controls/<prefix_namespace.ControlName>/ControlManifest.xml.data.xml for each control, naming its folder", () => {
    const dataFiles = [...files.keys()].filter((f) => f.startsWith(`${SOURCE_ROOT}/Controls/`));
    expect(dataFiles.map((f) => f.split("/")[3]).sort()).toEqual(ALL.map((c) => `sprx_SocialPrescribing.${c}`).sort());
    for (const file of dataFiles) {
      const name = file.split("/")[3];
      expect(file).toBe(`${SOURCE_ROOT}/Controls/${name}/ControlManifest.xml.data.xml`);
      expect(files.get(file)).toContain(`<Name>${name}</Name>`);
      expect(files.get(file)).toContain(`<FileName>/Controls/${name}/ControlManifest.xml</FileName>`);
    }
  });

  it("declares each control exactly once: in its .data.xml, not again in Other/Customizations.xml", () => {
    expect(src("Other/Customizations.xml")).not.toContain("<CustomControl>");
    const declared = [...files.values()].flatMap((content) => [...content.matchAll(/<CustomControl\b[^>]*>\s*<Name>([^<]+)<\/Name>/g)].map((m) => m[1]));
    expect(declared.sort()).toEqual(ALL.map((c) => `sprx_SocialPrescribing.${c}`).sort());
    const roots66 = [...src("Other/Solution.xml").matchAll(/<RootComponent type="66" schemaName="([^"]+)"/g)].map((m) => m[1]);
    expect(roots66.sort()).toEqual(declared.sort());
  });

  it("files the documented parts where the article shows them", () => {
    for (const file of ["Other/Customizations.xml", "Other/Solution.xml", "Entities/Contact/Entity.xml", "Entities/Contact/RibbonDiff.xml", "Entities/Contact/FormXml/main/{e0d2c9dc-9dda-4fbb-9782-7d617144ace2}.xml"]) {
      expect(src(file)).not.toBe("");
    }
  });

  it("git keeps the .data.xml files and ignores the build output copied beside them", () => {
    const ignored = (file: string) => {
      try {
        execFileSync("git", ["check-ignore", "-q", "--no-index", file], { cwd: repoRoot, stdio: "pipe" });
        return true;
      } catch {
        return false;
      }
    };
    const folder = `${SOURCE_ROOT}/Controls/sprx_SocialPrescribing.AppointmentTracker`;
    expect(ignored(`${folder}/ControlManifest.xml.data.xml`)).toBe(false);
    for (const built of ["bundle.js", "ControlManifest.xml", "strings/AppointmentTracker.1033.resx"]) expect(ignored(`${folder}/${built}`)).toBe(true);
  });
});

describe("npm run build stages the built controls into solution/src", () => {
  it("leaves each control folder complete for SolutionPackager, with the same files the zip carries", () => {
    const fake = fakeControls(ALL, ALL);
    roots.push(fake.root);
    const { root, files } = generatedSource(fake.componentsDir);
    const sourceRoot = path.join(root, SOURCE_ROOT);
    fs.writeFileSync(path.join(sourceRoot, "Controls/sprx_SocialPrescribing.StageGuidance/old.js"), "left from an earlier build");
    stageBuiltControls({ componentsDir: fake.componentsDir, builtControlsDir: fake.builtControlsDir, sourceRoot });

    const zipped = unzip(packSolution({ ...fake, outDir: path.join(fake.root, "dist"), managed: false }).zipPath);
    const zipControls = [...zipped.keys()].filter((f) => f.startsWith("Controls/"));
    const staged = listUnder(path.join(sourceRoot, "Controls")).map((f) => `Controls/${f}`);
    expect(staged).toEqual([...zipControls, ...ALL.map((c) => `Controls/sprx_SocialPrescribing.${c}/ControlManifest.xml.data.xml`)].sort());
    for (const control of ALL) {
      for (const file of ["bundle.js", "ControlManifest.xml", `strings/${control}.1033.resx`]) expect(staged).toContain(`Controls/sprx_SocialPrescribing.${control}/${file}`);
    }
    expect(staged.some((f) => f.endsWith(".map") || f.endsWith("old.js"))).toBe(false);
    // The staged files are the build's: `npm run generate -- --check` stays green with them in place.
    expect(findDrift(root, files)).toEqual([]);
  });

  it("still reports a stray generated file among them", () => {
    const fake = fakeControls(ALL, ALL);
    roots.push(fake.root);
    const { root, files } = generatedSource(fake.componentsDir);
    const stray = `${SOURCE_ROOT}/Controls/sprx_SocialPrescribing.Removed/ControlManifest.xml.data.xml`;
    fs.mkdirSync(path.dirname(path.join(root, stray)), { recursive: true });
    fs.writeFileSync(path.join(root, stray), "<CustomControl/>");
    expect(findDrift(root, files)).toEqual([{ path: stray, problem: "not generated" }]);
  });

  it("refuses to stage before npm run generate, and a control that was not built", () => {
    const fake = fakeControls(ALL, ["AppointmentTracker"]);
    roots.push(fake.root);
    const sourceRoot = path.join(generatedSource(fake.componentsDir).root, SOURCE_ROOT);
    expect(() => stageBuiltControls({ componentsDir: fake.componentsDir, builtControlsDir: fake.builtControlsDir, sourceRoot })).toThrow(/StageGuidance[\s\S]*npm run build/);

    const built = fakeControls(ALL, ALL);
    roots.push(built.root);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-src-"));
    roots.push(empty);
    expect(() => stageBuiltControls({ componentsDir: built.componentsDir, builtControlsDir: built.builtControlsDir, sourceRoot: empty })).toThrow(PackError);
    expect(() => stageBuiltControls({ componentsDir: built.componentsDir, builtControlsDir: built.builtControlsDir, sourceRoot: empty })).toThrow(/ControlManifest\.xml\.data\.xml is missing\. Run npm run generate first/);
    expect(listUnder(empty)).toEqual([]);
  });
});
