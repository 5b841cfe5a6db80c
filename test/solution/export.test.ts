/**
 * Issue 12, points 3, 4, 5, 7 and 9, over the packed zip: what a real export of
 * the solution would carry, compared with the exports in
 * ../shared/reference/solutions where they show the element.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { packSolution } from "../../solution/codegen/package";
import { SEEDED_PEOPLE, seedDemoData } from "../../emulator/seed/demoData";
import { fakeControls, SHARED, unzip, type ControlName } from "./packFixture";
import { startTestDataverse, idFrom, type TestEnvironment } from "../emulator/support/localDataverse";

const ALL: readonly ControlName[] = ["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"];
const REFERENCE = path.join(SHARED, "reference", "solutions");
const reference = (name: string, file: string) => fs.readFileSync(path.join(REFERENCE, name, file), "utf8");

let root: string;
let unmanaged: Map<string, string>;
let managed: Map<string, string>;
let managedZip: string;

beforeAll(() => {
  const fake = fakeControls(ALL, ALL);
  root = fake.root;
  unmanaged = unzip(packSolution({ ...fake, outDir: path.join(root, "dist"), managed: false }).zipPath);
  managedZip = packSolution({ ...fake, outDir: path.join(root, "dist"), managed: true }).zipPath;
  managed = unzip(managedZip);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const customizations = () => unmanaged.get("customizations.xml") ?? "";
const savedQueries = (xml: string) => (xml.match(/<savedquery>[\s\S]*?<\/savedquery>/g) ?? []).map((q) => ({
  id: /<savedqueryid>\{([^}]+)\}/.exec(q)?.[1] ?? "",
  name: (/<LocalizedName description="([^"]*)"/.exec(q)?.[1] ?? "").replace(/&apos;/g, "'").replace(/&amp;/g, "&"),
  queryType: Number(/<querytype>(\d+)/.exec(q)?.[1]),
  canBeDeleted: /<CanBeDeleted>(\d)/.exec(q)?.[1],
  entity: /<entity name="([^"]+)"/.exec(q)?.[1] ?? "",
  fetch: /<fetch[\s>][\s\S]*<\/fetch>/.exec(q)?.[0] ?? "",
  xml: q,
}));
const entityBlock = (xml: string, schemaName: string) => new RegExp(`<Entity>\\s*<Name [^>]*>${schemaName}</Name>[\\s\\S]*?</Entity>`).exec(xml)?.[0] ?? "";
/** Child element names of the first `<parent>` in document order. */
function childNames(xml: string, parent: string): string[] {
  const block = new RegExp(`<${parent}(?:\\s[^>]*)?>([\\s\\S]*?)</${parent}>`).exec(xml)?.[1] ?? "";
  const names: string[] = [];
  let depth = 0;
  for (const [, close, name, selfClosing] of block.matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    if (close) depth--;
    else {
      if (depth === 0) names.push(name);
      if (!selfClosing) depth++;
    }
  }
  return names;
}

describe("3. the contact form's engagements grid", () => {
  const contactForm = () => /<systemform>\s*<formid>\{e0d2c9dc-9dda-4fbb-9782-7d617144ace2\}[\s\S]*?<\/systemform>/.exec(customizations())?.[0] ?? "";
  const gridView = () => /<control indicationOfSubgrid="true" id="Engagements"[\s\S]*?<ViewId>\{([^}]+)\}<\/ViewId>/.exec(contactForm())?.[1] ?? "";

  it("uses a view made for it: every engagement of the person, any state, any owner", () => {
    const view = savedQueries(customizations()).find((q) => q.id === gridView());
    expect(view?.name).toBe("Person's engagements");
    expect(view?.entity).toBe("sprx_engagement");
    expect(view?.queryType).toBe(0);
    expect(view?.fetch).not.toContain("<condition");
    expect(view?.xml).toMatch(/<cell name="statecode"/);
    expect(view?.xml).toMatch(/<cell name="sprx_closedon"/);
    // The app offers it, since the app lists the engagement views it shows.
    expect(/<AppModule>[\s\S]*<\/AppModule>/.exec(customizations())?.[0]).toContain(`<AppModuleComponent type="26" id="{${gridView()}}"/>`);
  });
});

/**
 * No reference export carries a built-in table. Microsoft's table segmentation: an existing table added
 * with only its changed objects and without "Include table metadata" carries none of the table's own
 * properties (https://learn.microsoft.com/power-platform/alm/segmented-solutions-alm); the schema
 * (reference/schemas/CustomizationsSolution.xsd) marks such an <entity> with unmodified="1".
 */
describe("4. extended system tables", () => {
  it.each(["Contact", "Appointment"])("%s is marked unmodified and carries only the solution's own columns", (table) => {
    const block = entityBlock(customizations(), table);
    expect(block).toMatch(new RegExp(`<entity Name="${table}" unmodified="1">`));
    // Nothing of the platform's definition: no names, entity settings, or the platform's columns.
    const entity = /<entity Name[\s\S]*?<\/entity>/.exec(block)?.[0] ?? "";
    expect(childNames(entity, "entity")).toEqual(["attributes"]);
    for (const [, name] of entity.matchAll(/<attribute PhysicalName="([^"]+)"/g)) expect(name).toMatch(/^sprx_/);
    // Included without its metadata (behavior 2), as solution.xml says.
    expect(unmanaged.get("solution.xml")).toContain(`<RootComponent type="1" schemaName="${table.toLowerCase()}" behavior="2"/>`);
  });
});

describe("5. and 3. the grids' views against the local Dataverse", () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await startTestDataverse({ seed: seedDemoData, now: () => new Date("2025-11-24T12:00:00Z") });
  }, 60_000);
  afterAll(async () => env.close());

  /** The view's FetchXML with the grid's relationship filter added, as a subgrid runs it. */
  const asSubgrid = (fetch: string, column: string, id: string) => fetch.replace(/<\/entity>\s*<\/fetch>$/, `<filter type="and"><condition attribute="${column}" operator="eq" value="${id}" /></filter></entity></fetch>`);
  const run = async (set: string, fetch: string) => {
    const response = await env.request("GET", `${set}?fetchXml=${encodeURIComponent(fetch.replace(/>\s+</g, "><"))}`);
    expect([response.status, response.json.error?.message]).toEqual([200, undefined]);
    return response.json.value ?? [];
  };

  it("Sessions shows a session booked a moment ago, before the service numbers it", async () => {
    const engagement = (await env.request("GET", "sprx_engagements?$select=sprx_engagementid&$filter=statecode eq 0&$top=1")).json.value?.[0]?.sprx_engagementid as string;
    const booked = await env.request("POST", "appointments", {
      subject: "Session", scheduledstart: "2025-11-26T10:00:00Z", scheduledend: "2025-11-26T11:00:00Z",
      "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagement})`,
    });
    expect(booked.status).toBe(204);
    const id = idFrom(booked);
    const sessions = savedQueries(customizations()).find((q) => q.name === "Sessions");
    const rows = await run("appointments", asSubgrid(sessions?.fetch ?? "", "regardingobjectid", engagement));
    const row = rows.find((r) => r.activityid === id);
    expect(row).toBeDefined();
    expect(row?.sprx_sessionnumber ?? null).toBeNull();
    // And the view is for sessions: an appointment about nothing is not one.
    const other = idFrom(await env.request("POST", "appointments", { subject: "Team meeting", scheduledstart: "2025-11-26T12:00:00Z", scheduledend: "2025-11-26T13:00:00Z" }));
    expect((await run("appointments", sessions?.fetch ?? "")).some((r) => r.activityid === other)).toBe(false);
  });

  it("Person's engagements shows the closed engagement that My active caseload hid", async () => {
    const closed = (await env.request("GET", "sprx_engagements?$select=_sprx_contactid_value&$filter=statecode eq 1&$top=1")).json.value?.[0]?._sprx_contactid_value as string;
    expect(SEEDED_PEOPLE).toBeGreaterThan(0);
    const all = (await env.request("GET", `sprx_engagements?$select=sprx_engagementid&$filter=_sprx_contactid_value eq ${closed}`)).json.value ?? [];
    const queries = savedQueries(customizations());
    const person = queries.find((q) => q.name === "Person's engagements");
    const caseload = queries.find((q) => q.name === "My active caseload");
    const shown = await run("sprx_engagements", asSubgrid(person?.fetch ?? "", "sprx_contactid", closed));
    const before = await run("sprx_engagements", asSubgrid(caseload?.fetch ?? "", "sprx_contactid", closed));
    expect(shown.map((r) => r.sprx_engagementid).sort()).toEqual(all.map((r) => r.sprx_engagementid).sort());
    expect(before.length).toBeLessThan(shown.length);
  });
});

describe("7. the managed package", () => {
  it("differs from the unmanaged one only in solution.xml's Managed flag and the file name", () => {
    // Microsoft: a solution changes type only by importing it and exporting it again; SolutionPackager cannot
    // convert (https://learn.microsoft.com/power-platform/alm/solution-packager-tool#managed-and-unmanaged-solutions).
    // A cdsproj with SolutionPackageType Managed packs the same unmanaged sources as a managed zip
    // (https://learn.microsoft.com/power-apps/developer/component-framework/code-components-alm#building-cdsproj-solution-projects);
    // `npm run pack -- --managed` does that and no more.
    expect([...managed.keys()].sort()).toEqual([...unmanaged.keys()].sort());
    for (const [file, content] of unmanaged) {
      if (file === "solution.xml") continue;
      expect(managed.get(file)).toBe(content);
    }
    expect(managed.get("solution.xml")).toBe((unmanaged.get("solution.xml") ?? "").replace("<Managed>0</Managed>", "<Managed>1</Managed>"));
    expect(path.basename(managedZip)).toBe("SocialPrescribingEngagement_1_0_0_0_managed.zip");
  });

  it("the README says what only Dataverse can do", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8").replace(/\s+/g, " ");
    expect(readme.includes("pac solution export --name SocialPrescribingEngagement --managed")).toBe(true);
    expect(readme.includes("only Dataverse turns an unmanaged solution into a managed one")).toBe(true);
  });
});

describe("9. as the platform's own components are", () => {
  const ours = () => savedQueries(customizations());
  const poly = () => savedQueries(reference("poly", "customizations.xml"));

  it("system views cannot be deleted; the supervisors' own views can, as in the reference export", () => {
    const systemTypes = new Set([1, 2, 4, 64]);
    // In poly, the Active/Inactive public views and the Advanced Find, Associated, Quick Find and Lookup views are not deletable.
    for (const q of poly().filter((p) => systemTypes.has(p.queryType) || /^(Active|Inactive) /.test(p.name))) expect(q.canBeDeleted).toBe("0");
    for (const q of ours().filter((p) => systemTypes.has(p.queryType) || /^(Active|Inactive) /.test(p.name))) expect([q.name, q.canBeDeleted]).toEqual([q.name, "0"]);
    expect(ours().find((q) => q.name === "My active caseload")?.canBeDeleted).toBe("1");
  });

  it.each(["sprx_engagement", "sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore"])("%s has an Inactive view like poly's tables", (table) => {
    const inactive = ours().filter((q) => q.entity === table && q.name.startsWith("Inactive "));
    expect(inactive).toHaveLength(1);
    expect(inactive[0].fetch).toMatch(/<condition attribute="statecode" operator="eq" value="1"\/>/);
    expect(inactive[0].queryType).toBe(0);
    expect(poly().filter((q) => q.name.startsWith("Inactive ")).length).toBeGreaterThan(0);
  });

  it("goals and sessions have quick-create forms, laid out as poly's", () => {
    for (const table of ["sprx_goal", "Appointment"]) {
      const block = entityBlock(customizations(), table);
      expect(block).toMatch(/<forms type="quick">\s*<systemform>/);
    }
    expect(entityBlock(customizations(), "sprx_goal")).toContain("<IsQuickCreateEnabled>1</IsQuickCreateEnabled>");
    const quick = (xml: string) => /<forms type="quick">\s*(<systemform>[\s\S]*?<\/systemform>)/.exec(xml)?.[1] ?? "";
    expect(childNames(quick(entityBlock(customizations(), "sprx_goal")), "systemform")).toEqual(
      [...childNames(quick(reference("poly", "customizations.xml")), "systemform"), "Descriptions"],
    );
    // The session form is in solution.xml on its own, since appointment is a built-in table.
    expect(unmanaged.get("solution.xml")).toContain('<RootComponent type="60" id="{c85f3b1a-0e92-4d47-b6a3-9f18e2c7d504}" behavior="0"/>');
  });

  it("the app carries state and navigation in the order a current export writes them", () => {
    const ourApp = childNames(customizations(), "AppModule");
    const cis = childNames(reference("cis", "customizations.xml"), "AppModule");
    expect(ourApp).toEqual(cis.filter((name) => ourApp.includes(name)));
    for (const element of ["statecode", "statuscode", "NavigationType", "OptimizedFor"]) expect(ourApp).toContain(element);
    const app = /<AppModule>[\s\S]*?<\/AppModule>/.exec(customizations())?.[0] ?? "";
    expect(app).toMatch(/<statecode>0<\/statecode>\s*<statuscode>1<\/statuscode>/);
  });

  it("the publisher carries its description and both address records, element for element like the exports", () => {
    const solutionXml = unmanaged.get("solution.xml") ?? "";
    expect(childNames(solutionXml, "Publisher")).toEqual(childNames(reference("capi", "solution.xml"), "Publisher"));
    expect(childNames(solutionXml, "Addresses")).toEqual(["Address", "Address"]);
    expect(childNames(solutionXml, "Address")).toEqual(childNames(reference("cis", "solution.xml"), "Address"));
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" }).parse(solutionXml) as { ImportExportXml: { SolutionManifest: { Publisher: { Descriptions: { Description: { "@_description": string } } } } } };
    expect(parsed.ImportExportXml.SolutionManifest.Publisher.Descriptions.Description["@_description"].length).toBeGreaterThan(40);
  });
});
