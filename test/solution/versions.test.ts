/**
 * Issue 12, point 2: raising the solution version raises every control's
 * manifest version, so model-driven apps stop serving the cached bundle.
 * "the version in the ControlManifest.Input.xml must at minimum have its PATCH
 * incremented for the change to be detected", and MAJOR.MINOR are kept equal
 * to the solution's:
 * https://learn.microsoft.com/power-apps/developer/component-framework/code-components-alm#versioning-and-deploying-updates
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { controlManifestSources, controlVersionFor } from "../../solution/codegen/controls";
import { generateAll } from "../../solution/codegen/outputs";
import { PackError, packSolution } from "../../solution/codegen/package";
import { schema } from "../../solution/schema/schema";
import { fakeControls, manifestVersion, unzip, type ControlName } from "./packFixture";

const ALL: readonly ControlName[] = ["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"];
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** Semantic-version order of MAJOR.MINOR.PATCH. */
const compare = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

describe("the control version follows the solution version", () => {
  it("keeps MAJOR.MINOR and folds BUILD and REVISION into PATCH", () => {
    expect(controlVersionFor("1.0.0.0")).toBe("1.0.0");
    expect(controlVersionFor("1.0.0.1")).toBe("1.0.1");
    expect(controlVersionFor("1.0.1.0")).toBe("1.0.1000");
    expect(controlVersionFor("1.2.3.4")).toBe("1.2.3004");
    expect(controlVersionFor("2.0.0.0")).toBe("2.0.0");
  });

  it("rises whenever the solution version rises", () => {
    const part = fc.integer({ min: 0, max: 50 });
    const version = fc.tuple(part, part, part, fc.integer({ min: 0, max: 999 }));
    fc.assert(fc.property(version, version, (a, b) => {
      const [va, vb] = [a.join("."), b.join(".")];
      const order = Math.sign(compare(va, vb));
      expect(Math.sign(compare(controlVersionFor(va), controlVersionFor(vb)))).toBe(order);
    }));
  });

  it("refuses a version it cannot follow, saying what to do", () => {
    expect(() => controlVersionFor("1.0.0")).toThrow(/MAJOR\.MINOR\.BUILD\.REVISION/);
    expect(() => controlVersionFor("1.0.0.1000")).toThrow(/raise BUILD instead/);
  });
});

describe("npm run generate keeps each ControlManifest.Input.xml in step", () => {
  it("the committed manifests carry the version of the committed solution version", () => {
    const files = generateAll();
    const manifests = [...files.keys()].filter((f) => /^components\/\w+\/ControlManifest\.Input\.xml$/.test(f));
    expect(manifests.sort()).toEqual(ALL.map((c) => `components/${c}/ControlManifest.Input.xml`).sort());
    for (const file of manifests) expect(manifestVersion(files.get(file) ?? "")).toBe(controlVersionFor(schema.solution.version));
  });

  it("raising the solution version changes only the version attribute of every manifest", () => {
    const now = generateAll();
    const raised = generateAll({ componentsDir: path.resolve(__dirname, "../../components"), version: "1.0.1.0" });
    for (const control of ALL) {
      const file = `components/${control}/ControlManifest.Input.xml`;
      expect(manifestVersion(raised.get(file) ?? "")).toBe("1.0.1000");
      expect(raised.get(file)?.replace(/version="1\.0\.1000"/, "")).toBe(now.get(file)?.replace(`version="${controlVersionFor(schema.solution.version)}"`, ""));
    }
    expect(raised.get("solution/src/Other/Solution.xml")).toContain("<Version>1.0.1.0</Version>");
  });
});

describe("npm run pack for 1.0.0.0 and again after raising the version", () => {
  /** What `npm run generate` then `npm run build` do to a control: stamp the Input manifest, and build it to out/controls. */
  function generateAndBuild(version: string): { componentsDir: string; builtControlsDir: string; root: string } {
    const fake = fakeControls(ALL, ALL);
    roots.push(fake.root);
    for (const [file, content] of controlManifestSources(fake.componentsDir, fake.componentsDir, version)) {
      fs.writeFileSync(path.join(fake.componentsDir, file), content);
      fs.writeFileSync(path.join(fake.builtControlsDir, path.dirname(file), "ControlManifest.xml"), content);
    }
    return fake;
  }

  function pack(version: string) {
    const built = generateAndBuild(version);
    const result = packSolution({ ...built, outDir: path.join(built.root, "dist"), managed: false, version });
    const files = unzip(result.zipPath);
    const versions = new Map([...files].filter(([f]) => /^Controls\/[^/]+\/ControlManifest\.xml$/.test(f)).map(([f, xml]) => [f.split("/")[1], manifestVersion(xml)]));
    return { zip: path.basename(result.zipPath), solutionXml: files.get("solution.xml") ?? "", versions };
  }

  it("every control's version rose", () => {
    const before = pack("1.0.0.0");
    const after = pack("1.0.1.0");
    expect(before.zip).toBe("SocialPrescribingEngagement_1_0_0_0.zip");
    expect(after.zip).toBe("SocialPrescribingEngagement_1_0_1_0.zip");
    expect(after.solutionXml).toContain("<Version>1.0.1.0</Version>");
    expect(before.versions.size).toBe(ALL.length);
    expect([...after.versions.keys()].sort()).toEqual([...before.versions.keys()].sort());
    for (const [control, version] of after.versions) {
      expect(compare(version ?? "", before.versions.get(control) ?? "")).toBeGreaterThan(0);
    }
  });

  it("refuses a build made before the version was raised: the app would keep the old bundle", () => {
    const stale = generateAndBuild("1.0.0.0");
    expect(() => packSolution({ ...stale, outDir: path.join(stale.root, "dist"), managed: false, version: "1.0.0.1" }))
      .toThrow(PackError);
    expect(() => packSolution({ ...stale, outDir: path.join(stale.root, "dist"), managed: false, version: "1.0.0.1" }))
      .toThrow(/AppointmentTracker has version 1\.0\.0, but solution version 1\.0\.0\.1 needs 1\.0\.1\. Run npm run generate, then npm run build/);
    expect(fs.existsSync(path.join(stale.root, "dist"))).toBe(false);
  });
});
