import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findDrift, generateAll, writeAll } from "../../solution/codegen/outputs";
import { ROW_TYPES_PATH } from "../../solution/codegen/rowTypes";
import { SOURCE_ROOT } from "../../solution/codegen/sourceLayout";
import { entitySchemaName } from "../../solution/codegen/customizations";
import { CUSTOM_APIS } from "../../solution/businessEvent";
import { ENVIRONMENT_VARIABLES } from "../../solution/environmentVariables";
import { FORMS } from "../../solution/forms";
import { ROLES } from "../../solution/security";
import { CHARTS, SUPERVISOR_VIEWS } from "../../solution/views";
import { SCHEMAS, xmllintErrors } from "./packFixture";
import { choices, schema } from "../../solution/schema/schema";
import {
  AttendanceValues, ClosureCheckItemValues, ClosureReasonValues, StageValues, Tables,
  type AppointmentRow, type EngagementRow,
} from "../../solution/generated/dataverse";

const repoRoot = path.resolve(__dirname, "../..");

describe("generated files", () => {
  it("the committed files equal a fresh generation", () => {
    expect(findDrift(repoRoot, generateAll())).toEqual([]);
  });

  it("reports a hand-edited or missing file, and writeAll repairs it", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-gen-"));
    try {
      const files = generateAll();
      expect(findDrift(root, files).map((d) => d.problem)).toContain("missing");
      writeAll(root, files);
      expect(findDrift(root, files)).toEqual([]);
      fs.appendFileSync(path.join(root, ROW_TYPES_PATH), "// edited\n");
      const stray = `${SOURCE_ROOT}/Entities/sprx_engagement/SavedQueries/{00000000-0000-0000-0000-000000000000}.xml`;
      fs.writeFileSync(path.join(root, stray), "<savedqueries/>");
      expect(findDrift(root, files)).toEqual([{ path: ROW_TYPES_PATH, problem: "differs" }, { path: stray, problem: "not generated" }]);
      writeAll(root, files);
      expect(fs.existsSync(path.join(root, stray))).toBe(false);
      expect(findDrift(root, files)).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("row types (contract a)", () => {
  const source = generateAll().get(ROW_TYPES_PATH) ?? "";

  it("names each table's interface after its display name", () => {
    for (const name of ["EngagementRow", "AppointmentRow", "GoalRow", "ClosureCheckRow", "WellbeingScoreRow"]) {
      expect(source).toContain(`export interface ${name} {`);
    }
  });

  it("declares every field optional and nullable, lookups as _<name>_value", () => {
    const fieldLines = source.slice(0, source.indexOf("export const Tables")).split("\n").filter((l) => /^ {2}[\w"@.]+\??:/.test(l));
    expect(fieldLines.length).toBeGreaterThan(100);
    for (const line of fieldLines) expect(line).toMatch(/^ {2}[\w"@.]+\?: (string|number|boolean) \| null;$/);
    expect(source).toContain("_sprx_contactid_value?: string | null;");
    expect(source).toContain("_regardingobjectid_value?: string | null;");
    expect(source).not.toMatch(/^ {2}sprx_contactid\?/m);
  });

  it("types each column as the Web API serialises it", () => {
    const row: EngagementRow = {
      sprx_engagementid: "00000000-0000-0000-0000-000000000001",
      "@odata.etag": 'W/"1"',
      sprx_referraldate: "2026-01-05",
      sprx_lastsessionon: "2026-01-19T10:00:00Z",
      sprx_stage: StageValues.reviewing,
      sprx_barriers: `${727000000},${727000003}`,
      sprx_beyondplan: false,
      sprx_sessionsattended: 1,
      _ownerid_value: null,
    };
    const session: AppointmentRow = { activityid: "a", sprx_attendance: AttendanceValues.didNotAttend, scheduledstart: "2026-01-19T10:00:00Z" };
    expect(row.sprx_stage).toBe(727000001);
    expect(session.sprx_attendance).toBe(727000002);
  });

  it("exports every choice's option values keyed by domain key", () => {
    expect(StageValues).toEqual(Object.fromEntries(choices.stage.options.map((o) => [o.key, o.value])));
    expect(ClosureReasonValues.disengaged).toBe(727000003);
    expect(Object.keys(ClosureCheckItemValues)).toEqual(choices.closureCheckItem.options.map((o) => o.key));
    for (const key of Object.keys(choices)) {
      expect(source).toContain(`export const ${key[0].toUpperCase()}${key.slice(1)}Values = {`);
    }
  });

  it("lists every table's names in Tables", () => {
    expect(Object.values(Tables).map((t) => t.logicalName)).toEqual(schema.tables.map((t) => t.logicalName));
    expect(Tables.appointment.primaryIdAttribute).toBe("activityid");
    expect(Tables.closureCheck).toEqual({ logicalName: "sprx_closurecheck", entitySetName: "sprx_closurechecks", primaryIdAttribute: "sprx_closurecheckid" });
  });
});

describe("SolutionPackager source layout (solution/src)", () => {
  const files = generateAll();
  const src = (p: string) => files.get(`${SOURCE_ROOT}/${p}`);

  it("files each component where SolutionPackager expects it", () => {
    expect(src("Other/Solution.xml")).toContain("<UniqueName>SocialPrescribingEngagement</UniqueName>");
    for (const table of ["sprx_engagement", "sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore", "Appointment", "Contact"]) {
      expect(src(`Entities/${table}/Entity.xml`)).toBeDefined();
      expect(src(`Entities/${table}/RibbonDiff.xml`)).toBeDefined();
    }
    for (const form of FORMS) expect(src(`Entities/${entitySchemaName(form.table)}/FormXml/${form.type ?? "main"}/{${form.formId}}.xml`)).toContain(`<formid>{${form.formId}}</formid>`);
    for (const view of SUPERVISOR_VIEWS) expect(src(`Entities/sprx_engagement/SavedQueries/{${view.savedQueryId}}.xml`)).toContain(view.name);
    for (const chart of CHARTS) expect(src(`Entities/sprx_engagement/Visualizations/{${chart.savedQueryVisualizationId}}.xml`)).toContain("<datadefinition>");
    for (const choice of schema.choices) expect(src(`OptionSets/${choice.name}.xml`)).toContain(`<optionset Name="${choice.name}"`);
    for (const role of ROLES) expect(src(`Roles/${role.name}.xml`)).toContain(`<Role id="{${role.roleId}}"`);
    for (const v of ENVIRONMENT_VARIABLES) expect(src(`environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`)).toBeDefined();
    for (const api of CUSTOM_APIS) expect(src(`customapis/${api.uniqueName}/customapi.xml`)).toBeDefined();
    expect(src("AppModules/sprx_SocialPrescribing/AppModule.xml")).toContain("<UniqueName>sprx_SocialPrescribing</UniqueName>");
    expect(src("AppModuleSiteMaps/sprx_SocialPrescribing/AppModuleSiteMap.xml")).toContain("<SiteMapUniqueName>sprx_SocialPrescribing</SiteMapUniqueName>");
    const flow = [...files.keys()].find((f) => f.startsWith(`${SOURCE_ROOT}/Workflows/`) && f.endsWith(".json"));
    expect(flow && files.get(`${flow}.data.xml`)).toContain("<JsonFileName>");
  });

  it("leaves in Other/Customizations.xml only what SolutionPackager keeps there, and it validates", () => {
    const customizations = src("Other/Customizations.xml") ?? "";
    expect(customizations).toContain("<Entities/>");
    expect(customizations).toContain("<FieldSecurityProfiles>");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-src-"));
    try {
      const withoutFlowReferences = customizations.replace(/<connectionreferences>[\s\S]*?<\/connectionreferences>/, "");
      expect(xmllintErrors(withoutFlowReferences, path.join(SCHEMAS, "CustomizationsSolution.xsd"), dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a cdsproj for dotnet build over the same folder, which already holds the controls", () => {
    const project = fs.readFileSync(path.join(repoRoot, "solution/SocialPrescribingEngagement.cdsproj"), "utf8");
    expect(project).toContain("<SolutionRootPath>src</SolutionRootPath>");
    // A ProjectReference to the pcfproj would add each control a second time (test/solution/sourceLayout.test.ts).
    expect(project).not.toMatch(/<ProjectReference\b/);
    expect(project).toContain('<PackageReference Include="Microsoft.PowerApps.MSBuild.Solution"');
  });
});
