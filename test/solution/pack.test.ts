import * as fs from "node:fs";
import * as path from "node:path";
import { PackError, packSolution, zipFileName, type PackResult } from "../../solution/codegen/package";
import { columnsOf } from "../../solution/codegen/metadata";
import { fetchColumns } from "../../solution/codegen/validate";
import { CONTACT_FORM } from "../../solution/forms";
import { SHIPPED_CHARTS, SUPERVISOR_VIEWS } from "../../solution/views";
import { SCHEMAS, fakeControls, fetchElements, orderedParser, unzip, xmllintErrors } from "./packFixture";

/**
 * Elements and attributes Dataverse writes today that the 2018 schemas do not
 * know. The first group is the list in reference/README.md; the second is what
 * a cloud flow adds to customizations.xml (its definition file and its
 * connection references), which no export in reference/solutions contains.
 */
const NEWER_THAN_SCHEMA = [
  "AutoNumberFormat", "CascadeArchive", "IsRetrieveAuditEnabled", "IsAutoAssigned", "OptimizedFor", "EnableCollapsibleGroups", "AIModels",
  "OrganizationVersion", "OrganizationSchemaType", "CRMServerServiceabilityVersion", "headerdensity",
];
const CLOUD_FLOW_ELEMENTS = ["JsonFileName", "connectionreferences"];
/** An app's state and navigation, which a current export writes (reference/solutions/cis) and the 2018 schema does not know. */
const APP_MODULE_ELEMENTS = ["statecode", "statuscode", "NavigationType"];

function stripElements(xml: string, names: readonly string[]): string {
  let out = xml;
  for (const name of names) {
    out = out.replace(new RegExp(`<${name}\\b[^>]*/>`, "g"), "").replace(new RegExp(`<${name}\\b[^>]*>[\\s\\S]*?</${name}>`, "g"), "");
  }
  return out;
}

interface Packed {
  readonly result: PackResult;
  readonly files: Map<string, string>;
  readonly root: string;
}

function pack(declared: Parameters<typeof fakeControls>[0], built: Parameters<typeof fakeControls>[1], managed = false): Packed {
  const { root, componentsDir, builtControlsDir } = fakeControls(declared, built);
  const result = packSolution({ componentsDir, builtControlsDir, outDir: path.join(root, "dist"), managed });
  return { result, files: unzip(result.zipPath), root };
}

const ALL_CONTROLS = ["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"] as const;
const roots: string[] = [];
let full: Packed;
let bare: Packed;

beforeAll(() => {
  full = pack(ALL_CONTROLS, ALL_CONTROLS);
  bare = pack([], []);
  roots.push(full.root, bare.root);
});

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

const customizations = () => full.files.get("customizations.xml") ?? "";

describe("customizations.xml", () => {
  it("validates against CustomizationsSolution.xsd except for elements newer than the schema", () => {
    const errors = xmllintErrors(customizations(), path.join(SCHEMAS, "CustomizationsSolution.xsd"), full.root);
    const allowed = new Set([...NEWER_THAN_SCHEMA, ...CLOUD_FLOW_ELEMENTS, ...APP_MODULE_ELEMENTS]);
    const unexpected = errors.filter((e) => {
      const named = /(?:Element|attribute) '([^']+)'(?:, attribute '([^']+)')?/.exec(e);
      return !named || !allowed.has(named[2] ?? named[1]);
    });
    expect(unexpected).toEqual([]);
  });

  it("validates with no error at all once those newer elements are taken out", () => {
    // An unexpected element hides the rest of its parent from the validator; this pass sees everything.
    const stripped = stripElements(customizations(), [...NEWER_THAN_SCHEMA, ...CLOUD_FLOW_ELEMENTS, ...APP_MODULE_ELEMENTS]);
    expect(stripped.length).toBeLessThan(customizations().length);
    expect(xmllintErrors(stripped, path.join(SCHEMAS, "CustomizationsSolution.xsd"), full.root)).toEqual([]);
  });

  it("would report a real defect", () => {
    const broken = customizations().replace("<querytype>0</querytype>", "<querytype>zero</querytype>");
    expect(xmllintErrors(broken, path.join(SCHEMAS, "CustomizationsSolution.xsd"), full.root).join("\n")).toMatch(/querytype/);
  });

  it("carries the tables, the autonumbered engagement name, audited columns and global choices", () => {
    const xml = customizations();
    for (const table of ["sprx_engagement", "sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore"]) expect(xml).toContain(`<entity Name="${table}">`);
    expect(xml).toContain("<AutoNumberFormat>ENG-{SEQNUM:6}</AutoNumberFormat>");
    expect(xml).toMatch(/<EntityKey>\s*<Name>sprx_closurecheck_engagement_item<\/Name>[\s\S]*?<AttributeName>sprx_engagementid<\/AttributeName>\s*<AttributeName>sprx_item<\/AttributeName>/);
    expect(xml).toMatch(/<attribute PhysicalName="sprx_attendance">[\s\S]*?<OptionSetName>sprx_attendance<\/OptionSetName>/);
    expect(xml).toMatch(/<optionset Name="sprx_closurereason"[^>]*>\s*<OptionSetType>picklist<\/OptionSetType>\s*<IsGlobal>1<\/IsGlobal>/);
    expect(xml).toMatch(/<option value="727000003" ExternalValue="">\s*<labels>\s*<label description="Disengaged"/);
    expect(xml).toMatch(/<attribute PhysicalName="sprx_sensitivenotes">[\s\S]*?<IsSecured>1<\/IsSecured>/);
    const custom = xml.match(/<attribute PhysicalName="sprx_(?!\w+id")[^"]+">[\s\S]*?<\/attribute>/g) ?? [];
    expect(custom.length).toBeGreaterThan(60);
    for (const attribute of custom) expect(attribute).toContain("<IsAuditEnabled>1</IsAuditEnabled>");
    expect(xml).toMatch(/<status value="2" state="1">\s*<labels>\s*<label description="Closed"/);
  });

  it("cascades goals, checks and scores from their engagement and protects a person with engagements", () => {
    const relationship = (name: string) => new RegExp(`<EntityRelationship Name="${name}">[\\s\\S]*?</EntityRelationship>`).exec(customizations())?.[0] ?? "";
    for (const child of ["sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore"]) {
      expect(relationship(`sprx_engagement_${child}`)).toContain("<CascadeDelete>Cascade</CascadeDelete>");
      expect(relationship(`sprx_engagement_${child}`)).toContain("<CascadeAssign>Cascade</CascadeAssign>");
    }
    expect(relationship("sprx_contact_sprx_engagement")).toContain("<CascadeDelete>Restrict</CascadeDelete>");
    expect(relationship("sprx_contact_sprx_engagement")).toContain("<ReferencedEntityName>Contact</ReferencedEntityName>");
  });
});

describe("views and charts in the zip", () => {
  it("every FetchXML validates against Fetch.xsd", () => {
    const fetches = fetchElements(customizations());
    expect(fetches.length).toBeGreaterThanOrEqual(SUPERVISOR_VIEWS.length + 2);
    const failures = fetches.flatMap((f) => xmllintErrors(f, path.join(SCHEMAS, "Fetch.xsd"), full.root).map((e) => `${e}\n${f}`));
    expect(failures).toEqual([]);
  });

  it("every attribute a view's FetchXML or layout names exists on its table", () => {
    const queries = customizations().match(/<savedquery>[\s\S]*?<\/savedquery>/g) ?? [];
    expect(queries.length).toBeGreaterThanOrEqual(SUPERVISOR_VIEWS.length);
    const problems: string[] = [];
    for (const query of queries) {
      const fetch = fetchElements(query)[0] ?? "";
      const { rootEntity, byTable, rootAttributes, linkAttributes } = fetchColumns(fetch);
      for (const [table, used] of byTable) {
        for (const column of used) if (!columnsOf(table)?.has(column)) problems.push(`${table}.${column}`);
      }
      for (const [, cell] of query.matchAll(/<cell name="([^"]+)"/g)) {
        // "alias.column": a linked table's column, fetched by the link-entity with that alias.
        const [alias, linked] = cell.split(".");
        if (linked !== undefined) {
          const link = linkAttributes.get(alias);
          if (!link || !columnsOf(link.table)?.has(linked) || !link.attributes.has(linked)) problems.push(`layout ${String(rootEntity)}.${cell} not fetched by a link-entity`);
          continue;
        }
        if (!columnsOf(rootEntity ?? "")?.has(cell)) problems.push(`layout ${String(rootEntity)}.${cell}`);
        if (!rootAttributes.has(cell)) problems.push(`layout ${String(rootEntity)}.${cell} not fetched`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("chart data descriptions validate against VisualizationDataDescription.xsd", () => {
    const definitions = customizations().match(/<datadefinition>[\s\S]*?<\/datadefinition>/g) ?? [];
    expect(definitions).toHaveLength(SHIPPED_CHARTS.length);
    for (const definition of definitions) {
      expect(xmllintErrors(definition, path.join(SCHEMAS, "VisualizationDataDescription.xsd"), full.root)).toEqual([]);
      expect(definition).toMatch(/aggregate="(count|avg|sum)"/);
    }
  });
});

describe("solution.xml", () => {
  const rootComponents = (files: Map<string, string>) =>
    [...(files.get("solution.xml") ?? "").matchAll(/<RootComponent type="(\d+)"(?: id="\{([^}]+)\}")?(?: schemaName="([^"]+)")?/g)]
      .map(([, type, id, schemaName]) => ({ type: Number(type), id, schemaName }));

  it("every root component is present in the zip", () => {
    const xml = customizations();
    const components = rootComponents(full.files);
    expect(new Set(components.map((c) => c.type))).toEqual(new Set([1, 9, 20, 26, 29, 60, 62, 66, 70, 80, 380]));
    const missing = components.filter(({ type, id, schemaName }) => {
      switch (type) {
        case 1: return !new RegExp(`<Name [^>]*>${schemaName}</Name>`, "i").test(xml);
        case 9: return !xml.includes(`<optionset Name="${schemaName}"`);
        case 20: return !xml.includes(`<Role id="{${id}}"`);
        case 26: return !xml.includes(`<savedqueryid>{${id}}</savedqueryid>`);
        case 29: {
          const file = /<JsonFileName>\/([^<]+)<\/JsonFileName>/.exec(xml)?.[1] ?? "";
          return !xml.includes(`WorkflowId="{${id}}"`) || !full.files.has(file);
        }
        case 60: return !xml.includes(`<formid>{${id}}</formid>`);
        case 62: return !xml.includes(`<SiteMapUniqueName>${schemaName}</SiteMapUniqueName>`);
        case 66: return !xml.includes(`<Name>${schemaName}</Name>`) || !full.files.has(`Controls/${schemaName}/ControlManifest.xml`);
        case 70: return !xml.includes(`fieldsecurityprofileid="{${id}}"`);
        case 80: return !xml.includes(`<UniqueName>${schemaName}</UniqueName>`);
        case 380: return !full.files.has(`environmentvariabledefinitions/${schemaName}/environmentvariabledefinition.xml`);
        default: return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it("states the managed flag, and the managed zip is named as an export names it", () => {
    expect(full.files.get("solution.xml")).toContain("<Managed>0</Managed>");
    expect(path.basename(full.result.zipPath)).toBe("SocialPrescribingEngagement_1_0_0_0.zip");
    const managed = pack(ALL_CONTROLS, ALL_CONTROLS, true);
    roots.push(managed.root);
    expect(managed.files.get("solution.xml")).toContain("<Managed>1</Managed>");
    expect(path.basename(managed.result.zipPath)).toBe(zipFileName(true));
    expect(zipFileName(true)).toMatch(/_managed\.zip$/);
  });

  it("names the publisher prefix and option value prefix", () => {
    const manifest = orderedParser.parse(full.files.get("solution.xml") ?? "") as { ImportExportXml: { SolutionManifest: { UniqueName: string; Publisher: { CustomizationPrefix: string; CustomizationOptionValuePrefix: string } } } };
    expect(manifest.ImportExportXml.SolutionManifest.UniqueName).toBe("SocialPrescribingEngagement");
    expect(manifest.ImportExportXml.SolutionManifest.Publisher.CustomizationPrefix).toBe("sprx");
    expect(manifest.ImportExportXml.SolutionManifest.Publisher.CustomizationOptionValuePrefix).toBe("72700");
  });
});

describe("controls", () => {
  it("every control placed on a form is in Controls/ and declared in CustomControls", () => {
    const placed = [...customizations().matchAll(/<customControl formFactor="\d" name="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(placed)).toEqual(new Set(ALL_CONTROLS.map((c) => `sprx_SocialPrescribing.${c}`)));
    for (const name of placed) {
      expect(full.files.has(`Controls/${name}/ControlManifest.xml`)).toBe(true);
      expect(full.files.has(`Controls/${name}/bundle.js`)).toBe(true);
      expect(customizations()).toContain(`<FileName>/Controls/${name}/ControlManifest.xml</FileName>`);
    }
    expect([...full.files.keys()].filter((f) => f.endsWith(".map"))).toEqual([]);
  });

  it("binds each control to the contact's column through its bound property", () => {
    expect(customizations()).toMatch(/<customControl formFactor="2" name="sprx_SocialPrescribing.AppointmentTracker">\s*<parameters>\s*<contact>fullname<\/contact>/);
  });

  it("without controls, the tab says where each one will appear and nothing is in Controls/", () => {
    const xml = bare.files.get("customizations.xml") ?? "";
    expect([...bare.files.keys()].filter((f) => f.startsWith("Controls/"))).toEqual([]);
    expect(xml).not.toContain("<customControl formFactor");
    expect(xml).toContain("components/StageGuidance");
    expect(bare.files.get("solution.xml")).not.toContain('type="66"');
    expect(bare.result.counts.controls).toBe(0);
  });

  it("refuses a control that exists in components/ but was not built", () => {
    const { root, componentsDir, builtControlsDir } = fakeControls(ALL_CONTROLS, ["AppointmentTracker"]);
    roots.push(root);
    const outDir = path.join(root, "dist");
    expect(() => packSolution({ componentsDir, builtControlsDir, outDir, managed: false })).toThrow(PackError);
    expect(() => packSolution({ componentsDir, builtControlsDir, outDir, managed: false })).toThrow(/StageGuidance[\s\S]*ClosureChecklist[\s\S]*npm run build/);
    expect(fs.existsSync(outDir)).toBe(false);
  });
});

describe("packing refuses declarations naming columns that do not exist", () => {
  it("a view with an unknown column fails with the view and column named, and writes no zip", () => {
    const { root, componentsDir, builtControlsDir } = fakeControls([], []);
    roots.push(root);
    const outDir = path.join(root, "dist");
    const bad = { ...SUPERVISOR_VIEWS[0], columns: [...SUPERVISOR_VIEWS[0].columns, { name: "sprx_nosuchcolumn", width: 100 }] };
    const views = [bad, ...SUPERVISOR_VIEWS.slice(1)];
    expect(() => packSolution({ componentsDir, builtControlsDir, outDir, managed: false, views })).toThrow(
      /view "My active caseload" shows column "sprx_nosuchcolumn" in its layout, which does not exist on sprx_engagement/,
    );
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it("a condition on an unknown column fails too", () => {
    const { root, componentsDir, builtControlsDir } = fakeControls([], []);
    roots.push(root);
    const bad = { ...SUPERVISOR_VIEWS[2], fetchXml: SUPERVISOR_VIEWS[2].fetchXml.replace("sprx_nextsessionon", "sprx_nextsession") };
    expect(() => packSolution({ componentsDir, builtControlsDir, outDir: path.join(root, "dist"), managed: false, views: [bad] }))
      .toThrow(/names column "sprx_nextsession", which does not exist on sprx_engagement/);
  });

  it("a form placing an unknown column fails", () => {
    const { root, componentsDir, builtControlsDir } = fakeControls([], []);
    roots.push(root);
    const form = { ...CONTACT_FORM, tabs: [{ name: "t", label: "T", sections: [{ name: "s", label: "S", cells: [{ kind: "field" as const, column: "nickname" }] }] }] };
    expect(() => packSolution({ componentsDir, builtControlsDir, outDir: path.join(root, "dist"), managed: false, forms: [form] }))
      .toThrow(/form "Contact – Social prescribing" places column "nickname", which does not exist on contact/);
  });
});

describe("the rest of a real export", () => {
  it("[Content_Types].xml covers every file extension in the zip", () => {
    const types = full.files.get("[Content_Types].xml") ?? "";
    expect([...(full.result.files.get("[Content_Types].xml") ?? []).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const declared = new Set([...types.matchAll(/<Default Extension="([^"]+)"/g)].map((m) => m[1]));
    const used = new Set([...full.files.keys()].map((f) => path.extname(f).slice(1).toLowerCase()).filter(Boolean));
    expect([...used].filter((e) => !declared.has(e))).toEqual([]);
    expect(used).toEqual(new Set(["xml", "js", "resx", "json"]));
  });

  it("ships the closure business event of contract (f)", () => {
    const api = full.files.get("customapis/sprx_OnEngagementClosed/customapi.xml") ?? "";
    expect(api).toContain('<customapi uniquename="sprx_OnEngagementClosed">');
    expect(api).toContain("<allowedcustomprocessingsteptype>1</allowedcustomprocessingsteptype>");
    expect(api).toContain("<bindingtype>0</bindingtype>");
    expect(api).toContain("<isfunction>0</isfunction>");
    expect(api).not.toContain("plugintypeid");
    const parameter = (name: string) => full.files.get(`customapis/sprx_OnEngagementClosed/customapirequestparameters/${name}/customapirequestparameter.xml`) ?? "";
    expect(parameter("EngagementId")).toContain("<type>12</type>");
    expect(parameter("ContactId")).toContain("<type>12</type>");
    expect(parameter("ClosureReason")).toContain("<type>7</type>");
    expect(parameter("ClosedOn")).toContain("<type>1</type>");
    expect(parameter("SessionsAttended")).toContain("<type>7</type>");
    expect([...full.files.keys()].filter((f) => f.includes("customapiresponseproperties"))).toEqual([]);
  });

  it("ships environment variables with the domain's defaults", () => {
    const value = (name: string) => /<defaultvalue>([^<]*)<\/defaultvalue>/.exec(full.files.get(`environmentvariabledefinitions/${name}/environmentvariabledefinition.xml`) ?? "")?.[1];
    expect(value("sprx_PlannedSessions")).toBe("6");
    expect(value("sprx_WindowTargetWeeks")).toBe("12");
    expect(value("sprx_WindowLimitWeeks")).toBe("16");
    expect(value("sprx_LongestGapDays")).toBe("21");
    expect(value("sprx_DnaThreshold")).toBe("2");
    expect(value("sprx_WebhookBaseUrl")).toBeUndefined();
    expect(full.files.get("environmentvariabledefinitions/sprx_WebhookBaseUrl/environmentvariabledefinition.xml")).toContain("<type>100000000</type>");
  });

  it("ships the sample flow triggered by the business event, with connection references", () => {
    const file = [...full.files.keys()].find((f) => f.startsWith("Workflows/")) ?? "";
    expect(file).toBe("Workflows/Notifyreferreronclosure-5369B9CD-933E-49C0-8205-2E138F6243CF.json");
    const flow = JSON.parse(full.files.get(file) ?? "{}") as {
      properties: { connectionReferences: Record<string, { connection: { connectionReferenceLogicalName: string } }>; definition: { triggers: Record<string, { inputs: { host: { operationId: string }; parameters: Record<string, string> } }> } };
    };
    const trigger = Object.values(flow.properties.definition.triggers)[0];
    expect(trigger.inputs.host.operationId).toBe("BusinessEventsTrigger");
    // The catalog and category by unique name (test/solution/catalog.test.ts checks both are shipped).
    expect(trigger.inputs.parameters).toEqual({ catalog: "sprx_SocialPrescribingEngagement", category: "sprx_Engagements", "subscriptionRequest/entityname": "none", "subscriptionRequest/sdkmessagename": "sprx_OnEngagementClosed" });
    const references = Object.values(flow.properties.connectionReferences).map((r) => r.connection.connectionReferenceLogicalName);
    for (const reference of references) expect(customizations()).toContain(`<connectionreference connectionreferencelogicalname="${reference}">`);
    expect(Object.keys(flow.properties.connectionReferences).sort()).toEqual(["shared_commondataserviceforapps", "shared_office365"]);
  });

  it("the app lists components the solution ships, and roles give each job its depth", () => {
    const xml = customizations();
    const app = /<AppModule>[\s\S]*?<\/AppModule>/.exec(xml)?.[0] ?? "";
    for (const [, id] of app.matchAll(/<AppModuleComponent type="(?:26|59|60)" id="\{([^}]+)\}"/g)) expect(xml.split(id).length).toBeGreaterThan(2);
    for (const [, id] of app.matchAll(/<Role id="\{([^}]+)\}"/g)) expect(xml).toContain(`<Role id="{${id}}" name=`);
    const role = (name: string) => new RegExp(`<Role id="[^"]+" name="${name}">[\\s\\S]*?</Role>`).exec(xml)?.[0] ?? "";
    expect(role("Social Prescribing Link Worker")).toContain('<RolePrivilege name="prvReadsprx_engagement" level="Basic"/>');
    expect(role("Social Prescribing Link Worker")).not.toContain("prvDeletesprx_engagement");
    expect(role("Social Prescribing Link Worker")).toContain('<RolePrivilege name="prvReadContact" level="Local"/>');
    expect(role("Social Prescribing Supervisor")).toContain('<RolePrivilege name="prvWritesprx_engagement" level="Local"/>');
    expect(role("Social Prescribing Administrator")).toContain('<RolePrivilege name="prvWriteEnvironmentVariableValue" level="Global"/>');
    expect(xml).toMatch(/<FieldPermission>\s*<EntityName>sprx_engagement<\/EntityName>\s*<AttributeName>sprx_sensitivenotes<\/AttributeName>/);
  });

  it("reports what it packed", () => {
    expect(full.result.counts).toMatchObject({ tables: 8, charts: SHIPPED_CHARTS.length, roles: 4, apps: 1, controls: 4, customApis: 1, eventCatalogs: 2, cloudFlows: 1, environmentVariables: 9 });
    expect(full.result.counts.views).toBeGreaterThanOrEqual(SUPERVISOR_VIEWS.length);
    expect(full.result.counts.files).toBe(full.files.size);
  });
});
