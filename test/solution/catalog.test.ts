/**
 * Issue 12, point 1: the closure event is in a catalog and category, so Power
 * Automate's "When an action is performed" trigger can offer it.
 *
 * No export in reference/solutions carries a catalog, so the layout is checked
 * against Microsoft's article, "Create Catalog and Catalog Assignments by
 * editing solution files":
 * https://learn.microsoft.com/power-apps/developer/data-platform/catalog-catalogassignment#create-catalog-and-catalog-assignments-by-editing-solution-files
 * and the trigger's fields against
 * https://learn.microsoft.com/power-automate/dataverse/action-trigger
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { packSolution } from "../../solution/codegen/package";
import { generateAll } from "../../solution/codegen/outputs";
import { SOURCE_ROOT } from "../../solution/codegen/sourceLayout";
import { CATALOGS, ENGAGEMENTS_CATEGORY, SOLUTION_CATALOG } from "../../solution/catalog";
import { fakeControls, unzip } from "./packFixture";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, isArray: (name) => ["catalogassignment", "label"].includes(name) });

interface LabelSet { "@_default": string; label: { "@_description": string; "@_languagecode": string }[] }
interface CatalogXml { catalog: { "@_uniquename": string; description: LabelSet; displayname: LabelSet; iscustomizable: string; name: string; parentcatalogid?: { uniquename: string } } }
interface AssignmentsXml { catalogassignments: { catalogassignment: { "@_catalogid.uniquename": string; "@_objectidtype": string; "@_object.uniquename"?: string; iscustomizable: string; name: string }[] } }
interface FlowJson { properties: { definition: { triggers: Record<string, { inputs: { host: { operationId: string }; parameters: Record<string, string> } }> } } }

let root: string;
let files: Map<string, string>;

beforeAll(() => {
  const fake = fakeControls([], []);
  root = fake.root;
  files = unzip(packSolution({ componentsDir: fake.componentsDir, builtControlsDir: fake.builtControlsDir, outDir: path.join(root, "dist"), managed: false }).zipPath);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const catalogsInZip = () => [...files.keys()].filter((f) => /^catalogs\/[^/]+\/catalog\.xml$/.test(f)).map((f) => ({ folder: f.split("/")[1], xml: parser.parse(files.get(f) ?? "") as CatalogXml }));

describe("the business-event catalog in the zip", () => {
  it("has one catalog.xml per catalog under catalogs/<uniquename>/, the element's uniquename matching its folder", () => {
    const catalogs = catalogsInZip();
    expect(catalogs.map((c) => c.folder).sort()).toEqual(CATALOGS.map((c) => c.uniqueName).sort());
    for (const { folder, xml } of catalogs) {
      expect(xml.catalog["@_uniquename"]).toBe(folder);
      // The article's elements: description and displayname with a default and 1033 labels, iscustomizable, name.
      for (const set of [xml.catalog.description, xml.catalog.displayname]) {
        expect(set["@_default"].length).toBeGreaterThan(0);
        expect(set.label).toEqual([{ "@_description": set["@_default"], "@_languagecode": "1033" }]);
      }
      expect(["0", "1"]).toContain(xml.catalog.iscustomizable);
      expect(xml.catalog.name.length).toBeGreaterThan(0);
    }
  });

  it("is two levels: the first names the solution, the category names it as parent", () => {
    const byName = new Map(catalogsInZip().map((c) => [c.folder, c.xml.catalog]));
    const first = byName.get(SOLUTION_CATALOG.uniqueName);
    const category = byName.get(ENGAGEMENTS_CATEGORY.uniqueName);
    expect(first?.parentcatalogid).toBeUndefined();
    expect(first?.displayname["@_default"]).toBe("Social Prescribing Engagement");
    expect(category?.parentcatalogid?.uniquename).toBe(SOLUTION_CATALOG.uniqueName);
    expect(category?.displayname["@_default"]).toBe("Engagements");
  });

  it("assigns sprx_OnEngagementClosed, a custom API the zip ships, to a second-level catalog, in Assets/catalogassignments.xml", () => {
    const assignments = (parser.parse(files.get("Assets/catalogassignments.xml") ?? "") as AssignmentsXml).catalogassignments.catalogassignment;
    const categories = new Set(catalogsInZip().filter((c) => c.xml.catalog.parentcatalogid).map((c) => c.folder));
    expect(assignments.length).toBeGreaterThan(0);
    for (const a of assignments) {
      expect(categories.has(a["@_catalogid.uniquename"])).toBe(true);
      expect(a["@_objectidtype"]).toBe("customapi");
      expect(files.has(`customapis/${a["@_object.uniquename"] ?? ""}/customapi.xml`)).toBe(true);
    }
    expect(assignments.map((a) => a["@_object.uniquename"])).toContain("sprx_OnEngagementClosed");
  });

  it("the sample flow's trigger names that catalog and category, and the action assigned to it", () => {
    const flowFile = [...files.keys()].find((f) => f.startsWith("Workflows/") && f.endsWith(".json")) ?? "";
    const trigger = Object.values((JSON.parse(files.get(flowFile) ?? "{}") as FlowJson).properties.definition.triggers)[0];
    expect(trigger.inputs.host.operationId).toBe("BusinessEventsTrigger");
    const { catalog, category } = trigger.inputs.parameters;
    const byName = new Map(catalogsInZip().map((c) => [c.folder, c.xml.catalog]));
    expect(byName.get(catalog)?.parentcatalogid).toBeUndefined();
    expect(byName.get(category)?.parentcatalogid?.uniquename).toBe(catalog);
    const assigned = (parser.parse(files.get("Assets/catalogassignments.xml") ?? "") as AssignmentsXml).catalogassignments.catalogassignment
      .filter((a) => a["@_catalogid.uniquename"] === category).map((a) => a["@_object.uniquename"]);
    expect(assigned).toContain(trigger.inputs.parameters["subscriptionRequest/sdkmessagename"]);
    expect(trigger.inputs.parameters["subscriptionRequest/entityname"]).toBe("none");
  });

  it("solution/src carries the same catalog files for pac solution pack", () => {
    const generated = generateAll();
    for (const file of [...files.keys()].filter((f) => f.startsWith("catalogs/") || f.startsWith("Assets/"))) {
      expect(generated.get(`${SOURCE_ROOT}/${file}`)).toBe(files.get(file));
    }
  });

  it("the README tells a maker the Catalog, Category, Table name and Action name the trigger shows", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const prose = readme.replace(/\s+/g, " ");
    const section = /Your own flows on closure:[\s\S]{0,900}/.exec(prose)?.[0] ?? "";
    expect(section).toContain(`**Catalog** "${SOLUTION_CATALOG.displayName}"`);
    expect(section).toContain(`**Category** "${ENGAGEMENTS_CATEGORY.displayName}"`);
    expect(section).toContain("**Table name** \"(none)\"");
    expect(section).toContain("**Action name** `sprx_OnEngagementClosed`");
  });
});
