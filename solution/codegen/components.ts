/**
 * solution.xml and the files that live outside customizations.xml: custom
 * APIs, environment variable definitions and cloud flows, laid out as a
 * real export lays them out (compare reference/solutions/capi).
 */
import { SOCIAL_PRESCRIBING_APP } from "../app";
import { CUSTOM_APIS, type CustomApiDeclaration } from "../businessEvent";
import { CATALOG_ASSIGNMENTS, CATALOGS, type CatalogAssignmentDeclaration, type CatalogDeclaration } from "../catalog";
import { ENVIRONMENT_VARIABLES, type EnvironmentVariableDeclaration } from "../environmentVariables";
import { CLOUD_FLOWS, flowClientData, flowFileName } from "../flows";
import { schema } from "../schema/schema";
import { FIELD_SECURITY_PROFILES, ROLES } from "../security";
import { buildDocument, braced, descriptions, el, localizedNames, text, type XmlNode } from "../xml";
import type { ControlInfo } from "./controls";
import { solutionTables } from "./customizations";
import { FORMS } from "../forms";
import { SYSTEM_VIEWS } from "../systemViews";
import { tableDeclaration } from "./metadata";

/** Solution component types used in RootComponents. */
export const ComponentType = {
  entity: 1,
  optionSet: 9,
  role: 20,
  savedQuery: 26,
  workflow: 29,
  systemForm: 60,
  customControl: 66,
  fieldSecurityProfile: 70,
  appModule: 80,
  siteMap: 62,
  environmentVariableDefinition: 380,
} as const;

export interface RootComponent {
  readonly type: number;
  readonly schemaName?: string;
  readonly id?: string;
  /** 0 include subcomponents; 2 a built-in table that only carries what the solution adds. */
  readonly behavior: 0 | 2;
}

export function rootComponents(controls: readonly ControlInfo[]): RootComponent[] {
  const tables = solutionTables();
  const builtIn = new Set(tables.filter((t) => !tableDeclaration(t) || tableDeclaration(t)?.existing));
  return [
    ...tables.map((t): RootComponent => ({ type: ComponentType.entity, schemaName: t, behavior: builtIn.has(t) ? 2 : 0 })),
    ...schema.choices.map((c): RootComponent => ({ type: ComponentType.optionSet, schemaName: c.name, behavior: 0 })),
    ...ROLES.map((r): RootComponent => ({ type: ComponentType.role, id: r.roleId, behavior: 0 })),
    // Forms and views added to built-in tables are listed on their own, as their table is only a shell.
    ...FORMS.filter((f) => builtIn.has(f.table)).map((f): RootComponent => ({ type: ComponentType.systemForm, id: f.formId, behavior: 0 })),
    ...SYSTEM_VIEWS.filter((v) => builtIn.has(v.table)).map((v): RootComponent => ({ type: ComponentType.savedQuery, id: v.savedQueryId, behavior: 0 })),
    ...CLOUD_FLOWS.map((f): RootComponent => ({ type: ComponentType.workflow, id: f.workflowId, behavior: 0 })),
    ...FIELD_SECURITY_PROFILES.map((p): RootComponent => ({ type: ComponentType.fieldSecurityProfile, id: p.profileId, behavior: 0 })),
    ...controls.map((c): RootComponent => ({ type: ComponentType.customControl, schemaName: c.fullName, behavior: 0 })),
    { type: ComponentType.siteMap, schemaName: SOCIAL_PRESCRIBING_APP.uniqueName, behavior: 0 },
    { type: ComponentType.appModule, schemaName: SOCIAL_PRESCRIBING_APP.uniqueName, behavior: 0 },
    ...ENVIRONMENT_VARIABLES.map((v): RootComponent => ({ type: ComponentType.environmentVariableDefinition, schemaName: v.schemaName, behavior: 0 })),
  ];
}

export interface SolutionIdentity {
  readonly version: string;
  readonly managed: boolean;
}

/** The publisher address fields an export writes, in its order. */
const ADDRESS_FIELDS = [
  "City", "County", "Country", "Fax", "FreightTermsCode", "ImportSequenceNumber", "Latitude", "Line1", "Line2", "Line3", "Longitude", "Name",
  "PostalCode", "PostOfficeBox", "PrimaryContactName", "ShippingMethodCode", "StateOrProvince", "Telephone1", "Telephone2", "Telephone3",
  "TimeZoneRuleVersionNumber", "UPSZone", "UTCOffset", "UTCConversionTimeZoneCode",
] as const;

export function solutionManifestXml(identity: SolutionIdentity, controls: readonly ControlInfo[]): string {
  const { publisher, solution } = schema;
  const nil = (name: string) => el(name, { "xsi:nil": "true" });
  const root = el("ImportExportXml", { version: "9.2.0.0", SolutionPackageVersion: "9.2", languagecode: 1033, generatedBy: "CrmLive", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
    el("SolutionManifest", null,
      text("UniqueName", solution.uniqueName),
      localizedNames(solution.displayName),
      descriptions("Six-appointment tracker, stage guidance and closure checklist for social prescribing link workers, with supervisor views and a closure business event."),
      text("Version", identity.version),
      text("Managed", identity.managed ? 1 : 0),
      el("Publisher", null,
        text("UniqueName", publisher.uniqueName),
        localizedNames(publisher.displayName),
        descriptions(publisher.description),
        publisher.emailAddress ? text("EMailAddress", publisher.emailAddress) : nil("EMailAddress"),
        publisher.supportingWebsiteUrl ? text("SupportingWebsiteUrl", publisher.supportingWebsiteUrl) : nil("SupportingWebsiteUrl"),
        text("CustomizationPrefix", publisher.prefix),
        text("CustomizationOptionValuePrefix", publisher.optionValuePrefix),
        // Every export in reference/solutions carries the publisher's two address records, fields nil when unset.
        el("Addresses", null, ...[1, 2].map((n) => el("Address", null,
          text("AddressNumber", n),
          text("AddressTypeCode", 1),
          ...ADDRESS_FIELDS.slice(0, ADDRESS_FIELDS.indexOf("ShippingMethodCode")).map(nil),
          text("ShippingMethodCode", 1),
          ...ADDRESS_FIELDS.slice(ADDRESS_FIELDS.indexOf("ShippingMethodCode") + 1).map(nil))))),
      el("RootComponents", null, ...rootComponents(controls).map((c) =>
        el("RootComponent", { type: c.type, ...(c.id ? { id: braced(c.id) } : {}), ...(c.schemaName ? { schemaName: c.schemaName } : {}), behavior: c.behavior }))),
      el("MissingDependencies")));
  return buildDocument(root, { declaration: false });
}

const label = (name: "description" | "displayname", value: string) =>
  el(name, { default: value }, el("label", { description: value, languagecode: 1033 }));

export function environmentVariableXml(v: EnvironmentVariableDeclaration): string {
  return buildDocument(el("environmentvariabledefinition", { schemaname: v.schemaName },
    v.defaultValue !== undefined ? text("defaultvalue", v.defaultValue) : null,
    label("description", v.description),
    label("displayname", v.displayName),
    text("introducedversion", "1.0.0.0"),
    text("iscustomizable", "1"),
    text("isrequired", v.isRequired ? 1 : 0),
    text("secretstore", "0"),
    text("type", v.type)), { declaration: false });
}

export function customApiFiles(api: CustomApiDeclaration): Map<string, string> {
  const folder = `customapis/${api.uniqueName}`;
  const files = new Map<string, string>();
  files.set(`${folder}/customapi.xml`, buildDocument(el("customapi", { uniquename: api.uniqueName },
    text("allowedcustomprocessingsteptype", api.allowedCustomProcessingStepType),
    text("bindingtype", api.bindingType),
    label("description", api.description),
    label("displayname", api.displayName),
    text("iscustomizable", "1"),
    text("isfunction", api.isFunction ? 1 : 0),
    text("isprivate", "0"),
    text("name", api.uniqueName),
    text("workflowsdkstepenabled", "0")), { declaration: false }));
  for (const p of api.requestParameters) {
    files.set(`${folder}/customapirequestparameters/${p.uniqueName}/customapirequestparameter.xml`, buildDocument(el("customapirequestparameter", { uniquename: p.uniqueName },
      label("description", p.description),
      label("displayname", p.displayName),
      text("iscustomizable", "1"),
      text("isoptional", p.isOptional ? "1" : "0"),
      text("name", p.uniqueName),
      text("type", p.type)), { declaration: false }));
  }
  return files;
}

/**
 * catalogs/<uniquename>/catalog.xml, in the layout the catalog article gives for
 * solution files (the folder is named after the catalog's unique name; a
 * category names its parent in <parentcatalogid><uniquename>):
 * https://learn.microsoft.com/power-apps/developer/data-platform/catalog-catalogassignment#create-a-catalog-with-solution-files
 */
export function catalogXml(catalog: CatalogDeclaration): string {
  return buildDocument(el("catalog", { uniquename: catalog.uniqueName },
    label("description", catalog.description),
    label("displayname", catalog.displayName),
    text("iscustomizable", "0"),
    text("name", catalog.name),
    catalog.parent ? el("parentcatalogid", null, text("uniquename", catalog.parent)) : null), { declaration: false });
}

/**
 * Assets/catalogassignments.xml: every assignment in one file, each naming its
 * category and the custom API by unique name (same article, "Create a
 * CatalogAssignment with solution files").
 */
export function catalogAssignmentsXml(assignments: readonly CatalogAssignmentDeclaration[]): string {
  return buildDocument(el("catalogassignments", null, ...assignments.map((a) =>
    el("catalogassignment", { "catalogid.uniquename": a.catalog, "object.uniquename": a.object, objectidtype: a.objectType },
      text("iscustomizable", "0"),
      text("name", a.name)))), { declaration: false });
}

/** customapis/, catalogs/, Assets/, environmentvariabledefinitions/ and Workflows/ files, keyed by path inside the solution. */
export function componentFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const catalog of CATALOGS) files.set(`catalogs/${catalog.uniqueName}/catalog.xml`, catalogXml(catalog));
  if (CATALOG_ASSIGNMENTS.length > 0) files.set("Assets/catalogassignments.xml", catalogAssignmentsXml(CATALOG_ASSIGNMENTS));
  for (const api of CUSTOM_APIS) for (const [p, content] of customApiFiles(api)) files.set(p, content);
  for (const v of ENVIRONMENT_VARIABLES) files.set(`environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`, environmentVariableXml(v));
  for (const flow of CLOUD_FLOWS) files.set(flowFileName(flow), flowClientData(flow));
  return files;
}

export type { XmlNode };
