/**
 * customizations.xml from the schema and the solution declarations, element
 * for element like a real export (compare ../shared/reference/solutions/poly,
 * cls, cis and cic). Each part is built separately so the SolutionPackager
 * source layout can file them one per file.
 */
import { SOCIAL_PRESCRIBING_APP, type AppDeclaration } from "../app";
import { CLOUD_FLOWS, flowFileName, type CloudFlowDeclaration } from "../flows";
import { FORM_CONTROLS, FORMS, type FormCell, type FormDeclaration } from "../forms";
import { type DashboardDeclaration, DASHBOARDS, dashboardXml } from "../dashboards";
import { stableGuid } from "../ids";
import type { ChoiceDeclaration, ColumnDeclaration, RelationshipDeclaration, TableDeclaration } from "../schema/model";
import { schema } from "../schema/schema";
import { primaryIdAttribute } from "../schema/systemColumns";
import { FIELD_SECURITY_PROFILES, ROLES, rolePrivileges, type FieldSecurityProfileDeclaration, type RoleDeclaration } from "../security";
import { SYSTEM_VIEWS, QueryType } from "../systemViews";
import { PEOPLE_VIEWS, SHIPPED_CHARTS, SHIPPED_VIEWS, type ChartDeclaration, type ViewColumn, type ViewDeclaration } from "../views";
import { braced, descriptions, displaynames, el, labels, localizedNames, parseFragment, text, type XmlNode } from "../xml";
import type { ControlInfo } from "./controls";
import { columnLabel, tableDeclaration } from "./metadata";

const VERSION = "1.0.0.0";
const flag = (value: boolean) => (value ? "1" : "0");

/** The built-in tables the solution extends, by logical name, with their schema and display names. */
const BUILT_IN_TABLES: Readonly<Record<string, { schemaName: string; displayName: string }>> = {
  contact: { schemaName: "Contact", displayName: "Contact" },
  account: { schemaName: "Account", displayName: "Account" },
  appointment: { schemaName: "Appointment", displayName: "Appointment" },
  systemuser: { schemaName: "SystemUser", displayName: "User" },
};

export function entitySchemaName(logicalName: string): string {
  return BUILT_IN_TABLES[logicalName]?.schemaName ?? logicalName;
}

// ---------------------------------------------------------------- attributes

const DISPLAY_MASK = "ValidForAdvancedFind|ValidForForm|ValidForGrid";

function attributeCommon(logicalName: string, options: { custom: boolean; required: string; displayMask?: string; secured?: boolean; audit?: boolean }): XmlNode[] {
  return [
    text("Name", logicalName),
    text("LogicalName", logicalName),
    text("RequiredLevel", options.required),
    text("DisplayMask", options.displayMask ?? DISPLAY_MASK),
    text("ImeMode", "auto"),
    text("ValidForUpdateApi", "1"),
    text("ValidForReadApi", "1"),
    text("ValidForCreateApi", "1"),
    text("IsCustomField", flag(options.custom)),
    text("IsAuditEnabled", flag(options.audit ?? true)),
    text("IsSecured", flag(options.secured ?? false)),
    text("IntroducedVersion", VERSION),
    text("IsCustomizable", "1"),
    text("IsRenameable", "1"),
    text("CanModifySearchSettings", "1"),
    text("CanModifyRequirementLevelSettings", "1"),
    text("CanModifyAdditionalSettings", "1"),
    text("SourceType", "0"),
    text("IsGlobalFilterEnabled", "0"),
    text("IsSortableEnabled", "0"),
    text("CanModifyGlobalFilterSettings", "1"),
    text("CanModifyIsSortableSettings", "1"),
    text("IsDataSourceSecret", "0"),
  ];
}

function booleanOptionSet(table: string, column: ColumnDeclaration & { type: { kind: "boolean" } }): XmlNode {
  return el("optionset", { Name: `${table}_${column.logicalName}` },
    text("OptionSetType", "bit"),
    text("IntroducedVersion", VERSION),
    text("IsCustomizable", "1"),
    displaynames(column.displayName),
    descriptions(column.description),
    el("options", null,
      el("option", { value: 1 }, labels(column.type.trueLabel)),
      el("option", { value: 0 }, labels(column.type.falseLabel))));
}

/** The type-specific elements of a declared column. */
function typeElements(table: string, column: ColumnDeclaration): XmlNode[] {
  const t = column.type;
  switch (t.kind) {
    case "string":
      return [text("Type", "nvarchar"), text("Format", t.format ?? "text"), text("MaxLength", t.maxLength), text("Length", t.maxLength * 2)];
    case "memo":
      return [text("Type", "ntext"), text("Format", "text"), text("MaxLength", t.maxLength)];
    case "integer":
      return [text("Type", "int"), text("Format", "none"), text("MinValue", t.min), text("MaxValue", t.max)];
    case "decimal":
      return [text("Type", "decimal"), text("MinValue", t.min), text("MaxValue", t.max), text("Accuracy", t.precision)];
    case "boolean":
      return [text("Type", "bit"), text("AppDefaultValue", t.defaultValue ? 1 : 0), booleanOptionSet(table, { ...column, type: t })];
    case "date":
      // DateOnly: a referral date is the same day wherever it is read.
      return [text("Type", "datetime"), text("Format", "date"), text("Behavior", 2), text("CanChangeDateTimeBehavior", "0")];
    case "datetime":
      return [text("Type", "datetime"), text("Format", "datetime"), text("Behavior", 1), text("CanChangeDateTimeBehavior", "1")];
    case "choice":
      return [text("Type", "picklist"), text("AppDefaultValue", t.defaultValue ?? -1), text("OptionSetName", t.choice)];
    case "multichoice":
      return [text("Type", "multiselectpicklist"), text("AppDefaultValue", -1), text("OptionSetName", t.choice)];
    case "lookup":
      return [text("Type", "lookup"), text("LookupStyle", "single"), el("LookupTypes")];
  }
}

function columnAttribute(table: TableDeclaration, column: ColumnDeclaration): XmlNode {
  // Type first and its specifics after the common settings, in the order an export writes them.
  const [type, ...specifics] = typeElements(table.logicalName, column);
  return el("attribute", { PhysicalName: column.logicalName },
    type,
    ...attributeCommon(column.logicalName, { custom: true, required: column.required ?? "none", secured: column.secured }),
    ...specifics,
    displaynames(column.displayName),
    descriptions(column.description));
}

function primaryKeyAttribute(table: TableDeclaration): XmlNode {
  const id = primaryIdAttribute(table);
  return el("attribute", { PhysicalName: id },
    text("Type", "primarykey"),
    ...attributeCommon(id, { custom: false, required: "systemrequired", displayMask: "ValidForAdvancedFind|RequiredForGrid", audit: false }),
    displaynames(table.displayName),
    descriptions("Unique identifier for entity instances"));
}

function primaryNameAttribute(table: TableDeclaration): XmlNode[] {
  const name = table.primaryName;
  if (!name) return [];
  return [el("attribute", { PhysicalName: name.logicalName },
    text("Type", "nvarchar"),
    ...attributeCommon(name.logicalName, {
      custom: true,
      // An autonumbered name is filled by the platform, so it cannot be required on create.
      required: name.autoNumberFormat ? "none" : "required",
      displayMask: `PrimaryName|${DISPLAY_MASK}|RequiredForForm`,
    }),
    name.autoNumberFormat ? text("AutoNumberFormat", name.autoNumberFormat) : null,
    text("Format", "text"),
    text("MaxLength", name.maxLength),
    text("Length", name.maxLength * 2),
    displaynames(name.displayName),
    descriptions(`${name.displayName} of the ${table.displayName.toLowerCase()}.`))];
}

function stateAttributes(table: TableDeclaration): XmlNode[] {
  const statuses = table.statuses ?? [
    { state: 0, stateLabel: "Active", value: 1, label: "Active" },
    { state: 1, stateLabel: "Inactive", value: 2, label: "Inactive" },
  ];
  const states = [0, 1].map((state) => {
    const first = statuses.find((s) => s.state === state);
    if (!first) throw new Error(`${table.logicalName} declares no status reason for state ${state}.`);
    return el("state", { value: state, defaultstatus: first.value, invariantname: first.stateLabel }, labels(first.stateLabel));
  });
  const what = table.displayName;
  return [
    el("attribute", { PhysicalName: "statecode" },
      text("Type", "state"),
      ...attributeCommon("statecode", { custom: false, required: "systemrequired" }),
      el("optionset", { Name: `${table.logicalName}_statecode` },
        text("OptionSetType", "state"), text("IntroducedVersion", VERSION), text("IsCustomizable", "1"),
        displaynames("Status"), descriptions(`Status of the ${what}`), el("states", null, ...states)),
      displaynames("Status"),
      descriptions(`Status of the ${what}`)),
    el("attribute", { PhysicalName: "statuscode" },
      text("Type", "status"),
      ...attributeCommon("statuscode", { custom: false, required: "none" }),
      el("optionset", { Name: `${table.logicalName}_statuscode` },
        text("OptionSetType", "status"), text("IntroducedVersion", VERSION), text("IsCustomizable", "1"),
        displaynames("Status Reason"), descriptions(`Reason for the status of the ${what}`),
        el("statuses", null, ...statuses.map((s) => el("status", { value: s.value, state: s.state }, labels(s.label))))),
      displaynames("Status Reason"),
      descriptions(`Reason for the status of the ${what}`)),
  ];
}

// ---------------------------------------------------------------- entity info

function customEntityInfo(table: TableDeclaration): XmlNode {
  return el("EntityInfo", null,
    el("entity", { Name: table.logicalName },
      el("LocalizedNames", null, el("LocalizedName", { description: table.displayName, languagecode: 1033 })),
      el("LocalizedCollectionNames", null, el("LocalizedCollectionName", { description: table.pluralName, languagecode: 1033 })),
      descriptions(table.description),
      table.keys?.length ? el("EntityKeys", null, ...table.keys.map((key) =>
        el("EntityKey", null,
          text("Name", key.name),
          text("LogicalName", key.name),
          text("IntroducedVersion", VERSION),
          text("IsCustomizable", "1"),
          displaynames(key.displayName),
          el("EntityKeyAttributes", null, ...key.columns.map((c) => text("AttributeName", c)))))) : null,
      el("attributes", null,
        primaryKeyAttribute(table),
        ...primaryNameAttribute(table),
        ...stateAttributes(table),
        ...table.columns.map((c) => columnAttribute(table, c))),
      text("EntitySetName", table.entitySetName),
      text("HasRelatedNotes", "True"),
      text("HasRelatedActivities", table.hasActivities ? "True" : "False"),
      text("IsDuplicateCheckSupported", "0"),
      text("IsBusinessProcessEnabled", "0"),
      text("IsRequiredOffline", "0"),
      text("IsInteractionCentricEnabled", "0"),
      text("IsCollaboration", "0"),
      text("AutoRouteToOwnerQueue", "0"),
      text("IsConnectionsEnabled", "0"),
      text("IsDocumentManagementEnabled", "0"),
      text("AutoCreateAccessTeams", "0"),
      text("IsOneNoteIntegrationEnabled", "0"),
      text("IsKnowledgeManagementEnabled", "0"),
      text("IsSLAEnabled", "0"),
      text("IsDocumentRecommendationsEnabled", "0"),
      text("IsBPFEntity", "0"),
      text("OwnershipTypeMask", "UserOwned"),
      // Table and column auditing on: engagement records are care records.
      text("IsAuditEnabled", "1"),
      text("IsActivity", "0"),
      text("ActivityTypeMask", ""),
      text("IsActivityParty", "0"),
      text("IsReplicated", "0"),
      text("IsReplicationUserFiltered", "0"),
      text("IsMailMergeEnabled", "0"),
      text("IsVisibleInMobile", "0"),
      text("IsVisibleInMobileClient", "1"),
      text("IsReadOnlyInMobileClient", "0"),
      text("IsOfflineInMobileClient", "0"),
      text("DaysSinceRecordLastModified", "0"),
      text("MobileOfflineFilters", ""),
      text("IsMapiGridEnabled", "1"),
      text("IsReadingPaneEnabled", "1"),
      // On for a table that ships a quick-create form, so "+ New" opens it.
      text("IsQuickCreateEnabled", flag(FORMS.some((f) => f.table === table.logicalName && f.type === "quick"))),
      text("SyncToExternalSearchIndex", "0"),
      text("IntroducedVersion", VERSION),
      text("IsCustomizable", "1"),
      text("IsRenameable", "1"),
      text("IsMappable", "1"),
      text("CanModifyAuditSettings", "1"),
      text("CanModifyMobileVisibility", "1"),
      text("CanModifyMobileClientVisibility", "1"),
      text("CanModifyMobileClientReadOnly", "1"),
      text("CanModifyMobileClientOffline", "1"),
      text("CanModifyConnectionSettings", "1"),
      text("CanModifyDuplicateDetectionSettings", "1"),
      text("CanModifyMailMergeSettings", "1"),
      text("CanModifyQueueSettings", "1"),
      text("CanCreateAttributes", "1"),
      text("CanCreateForms", "1"),
      text("CanCreateCharts", "1"),
      text("CanCreateViews", "1"),
      text("CanModifyAdditionalSettings", "1"),
      text("CanEnableSyncToExternalSearchIndex", "1"),
      text("EnforceStateTransitions", "0"),
      text("CanChangeHierarchicalRelationship", "1"),
      text("EntityHelpUrlEnabled", "0"),
      text("ChangeTrackingEnabled", "1"),
      text("CanChangeTrackingBeEnabled", "1"),
      text("IsEnabledForExternalChannels", "0")));
}

/**
 * A built-in table: marked unmodified, with only the columns the solution adds,
 * as an export writes a table included without its metadata (RootComponent
 * behavior 2), so an import never re-states the platform's definition of it:
 * the "Edit objects" segmentation of an existing table, without "Include table
 * metadata" (https://learn.microsoft.com/power-platform/alm/segmented-solutions-alm).
 * CustomizationsSolution.xsd allows `unmodified` on <entity> beside <attributes>.
 */
function existingEntityInfo(table: TableDeclaration | undefined, logicalName: string): XmlNode {
  return el("EntityInfo", null,
    el("entity", { Name: entitySchemaName(logicalName), unmodified: 1 },
      el("attributes", null, ...(table?.columns ?? []).map((c) => columnAttribute(table!, c)))));
}

// ---------------------------------------------------------------- views and charts

interface SavedQueryInput {
  readonly savedQueryId: string;
  readonly name: string;
  readonly description?: string;
  readonly table: string;
  readonly queryType: number;
  readonly isDefault: boolean;
  readonly fetchXml: string;
  readonly columns: readonly ViewColumn[];
  /** Default true; the table's system views are not deletable, as in a real export. */
  readonly canBeDeleted?: boolean;
}

function layoutXml(table: string, columns: readonly ViewColumn[]): XmlNode {
  const decl = tableDeclaration(table);
  const jump = decl?.primaryName?.logicalName ?? decl?.existing?.primaryNameAttribute ?? columns[0]?.name;
  const id = decl ? primaryIdAttribute(decl) : `${table}id`;
  return el("layoutxml", null,
    el("grid", { name: "resultset", jump, select: 1, icon: 1, preview: 1 },
      el("row", { name: "result", id }, ...columns.map((c) => el("cell", { name: c.name, width: c.width })))));
}

export function savedQuery(view: SavedQueryInput): XmlNode {
  return el("savedquery", null,
    text("IsCustomizable", "1"),
    text("CanBeDeleted", flag(view.canBeDeleted ?? true)),
    text("isquickfindquery", flag(view.queryType === QueryType.quickFind)),
    text("isprivate", "0"),
    text("isdefault", flag(view.isDefault)),
    text("savedqueryid", braced(view.savedQueryId)),
    layoutXml(view.table, view.columns),
    text("querytype", view.queryType),
    el("fetchxml", null, parseFragment(view.fetchXml)),
    text("IntroducedVersion", VERSION),
    localizedNames(view.name),
    view.description ? descriptions(view.description) : null);
}

/** Supervisor and system views of one table. */
export function viewsOf(table: string, views: readonly ViewDeclaration[] = [...SHIPPED_VIEWS, ...PEOPLE_VIEWS]): SavedQueryInput[] {
  return [
    ...views.filter((v) => v.table === table).map((v) => ({ ...v, queryType: QueryType.public, isDefault: v.isDefault ?? false })),
    ...SYSTEM_VIEWS.filter((v) => v.table === table),
  ];
}

export function visualization(chart: ChartDeclaration): XmlNode {
  return el("visualization", null,
    text("savedqueryvisualizationid", braced(chart.savedQueryVisualizationId)),
    el("datadescription", null, parseFragment(chart.dataDescription)),
    el("presentationdescription", null, parseFragment(chart.presentationDescription)),
    text("isdefault", flag(chart.isDefault ?? false)),
    text("IsCustomizable", "1"),
    text("IntroducedVersion", VERSION),
    localizedNames(chart.name),
    descriptions(chart.description));
}

// ---------------------------------------------------------------- forms

/** Control class ids of the platform's field controls, by column kind. */
const CLASS_ID = {
  text: "{4273EDBD-AC1D-40d3-9FB2-095C621B552D}",
  email: "{ADA2203E-B4CD-49be-9DDF-234642B43B52}",
  url: "{71716B6C-711E-476c-8AB8-5D11542BFB47}",
  memo: "{E0DECE4B-6FC8-4a8f-A065-082708572369}",
  integer: "{C6D124CA-7EDA-4a60-AEA9-7FB8D318B68F}",
  decimal: "{C3EFE0C3-0EC6-42be-8349-CBD9079DFD8E}",
  datetime: "{5B773807-9FB2-42db-97C3-7A91EFF8ADFF}",
  choice: "{3EF39988-22BB-4f0b-BBBE-64B5A3748AEE}",
  multichoice: "{4AA28AB7-9C13-4F57-A73D-AD894D048B5F}",
  boolean: "{67FAC785-CD58-4f9f-ABB3-4B7DDC6ED5ED}",
  lookup: "{270BD3DB-D9AF-4782-9025-509E298DEC0A}",
  status: "{5D68B988-0661-4db2-BC3E-17598AD3BE6C}",
  subgrid: "{E7A81278-8635-4d9e-8D4D-59480B391C5B}",
} as const;

/** Built-in columns placed on forms, with their control kind. */
const BUILT_IN_COLUMN_CONTROLS: Readonly<Record<string, keyof typeof CLASS_ID>> = {
  firstname: "text", lastname: "text", fullname: "text", mobilephone: "text", telephone1: "text", address1_postalcode: "text",
  emailaddress1: "email", birthdate: "datetime", ownerid: "lookup", statuscode: "status",
  subject: "text", location: "text", scheduledstart: "datetime", scheduledend: "datetime", regardingobjectid: "lookup",
};

function classIdOf(table: string, column: string): string {
  const declared = tableDeclaration(table)?.columns.find((c) => c.logicalName === column);
  if (declared) {
    const t = declared.type;
    if (t.kind === "string") return t.format === "email" ? CLASS_ID.email : t.format === "url" ? CLASS_ID.url : CLASS_ID.text;
    return CLASS_ID[t.kind === "date" ? "datetime" : t.kind];
  }
  if (tableDeclaration(table)?.primaryName?.logicalName === column) return CLASS_ID.text;
  const builtIn = BUILT_IN_COLUMN_CONTROLS[column];
  if (!builtIn) throw new Error(`Form on ${table} places column "${column}", which the schema does not declare.`);
  return CLASS_ID[builtIn];
}

interface FormBuild {
  readonly cells: XmlNode[];
  readonly controlDescriptions: XmlNode[];
}

function cellXml(form: FormDeclaration, cell: FormCell, path: string, controls: readonly ControlInfo[], out: { controlDescriptions: XmlNode[] }): XmlNode {
  const id = braced(stableGuid("form", form.formId, path));
  switch (cell.kind) {
    case "field":
      return el("cell", { id, showlabel: "true", locklevel: "0" },
        labels(columnLabel(form.table, cell.column)),
        el("control", { id: cell.column, classid: classIdOf(form.table, cell.column), datafieldname: cell.column, disabled: cell.readOnly ? "true" : "false" }));
    case "subgrid":
      return el("cell", { id, showlabel: "true", locklevel: "0", rowspan: 8, colspan: 1, auto: "false" },
        labels(cell.label),
        el("control", { indicationOfSubgrid: "true", id: cell.name, classid: CLASS_ID.subgrid },
          el("parameters", null,
            text("ViewId", braced(cell.viewId)),
            text("IsUserView", "false"),
            text("RelationshipName", cell.relationship),
            text("TargetEntityType", cell.table),
            text("AutoExpand", "Fixed"),
            text("EnableQuickFind", "false"),
            text("EnableViewPicker", "false"),
            text("EnableJumpBar", "false"),
            text("ChartGridMode", "Grid"),
            text("RecordsPerPage", "6"))));
    case "control": {
      const info = FORM_CONTROLS[cell.control];
      const control = controls.find((c) => c.name === cell.control);
      if (!control) {
        return el("cell", { id, showlabel: "true", locklevel: "0" },
          labels(`${info.label}: appears here once the ${cell.control} control (components/${cell.control}) is built into this solution.`));
      }
      const uniqueId = braced(stableGuid("form", form.formId, path, "control"));
      const bound = control.properties.filter((p) => p.usage === "bound");
      const parameters = () => el("parameters", null, ...bound.map((p) => text(p.name, cell.boundColumn)));
      out.controlDescriptions.push(
        el("controlDescription", { forControl: uniqueId },
          el("customControl", { id: CLASS_ID.text }, el("parameters", null, text("datafieldname", cell.boundColumn))),
          // Web, phone and tablet all show the code component.
          ...[0, 1, 2].map((formFactor) => el("customControl", { formFactor, name: control.fullName }, parameters()))));
      return el("cell", { id, showlabel: "false", locklevel: "0" },
        labels(info.label),
        el("control", { id: `${cell.boundColumn}_${cell.control.toLowerCase()}`, classid: CLASS_ID.text, datafieldname: cell.boundColumn, disabled: "false", uniqueid: uniqueId }));
    }
  }
}

export function systemForm(form: FormDeclaration, controls: readonly ControlInfo[]): XmlNode {
  const out: FormBuild = { cells: [], controlDescriptions: [] };
  const tabs = form.tabs.map((tab) =>
    el("tab", { name: tab.name, verticallayout: "true", id: braced(stableGuid("form", form.formId, tab.name)), IsUserDefined: "0", expanded: "true" },
      labels(tab.label),
      el("columns", null,
        el("column", { width: "100%" },
          el("sections", null,
            ...tab.sections.map((section) => {
              const perRow = section.columns ?? 1;
              const cells = section.cells.map((cell, i) => cellXml(form, cell, `${tab.name}/${section.name}/${i}`, controls, out));
              const rows: XmlNode[] = [];
              for (let i = 0; i < cells.length; i += perRow) rows.push(el("row", null, ...cells.slice(i, i + perRow)));
              return el("section", {
                name: section.name, showlabel: "true", showbar: "false", columns: perRow === 2 ? "11" : "1",
                id: braced(stableGuid("form", form.formId, tab.name, section.name)), IsUserDefined: "0",
              }, labels(section.label), el("rows", null, ...rows));
            }))))));
  return el("systemform", null,
    text("formid", braced(form.formId)),
    text("IntroducedVersion", VERSION),
    text("FormPresentation", "1"),
    text("FormActivationState", "1"),
    el("form", null,
      el("tabs", null, ...tabs),
      out.controlDescriptions.length > 0 ? el("controlDescriptions", null, ...out.controlDescriptions) : null),
    text("IsCustomizable", "1"),
    text("CanBeDeleted", "1"),
    localizedNames(form.name),
    descriptions(form.description));
}

/** A plain main form for a child table: its own columns in one section. */
function defaultMainForm(table: TableDeclaration): FormDeclaration {
  const columns = [table.primaryName?.logicalName, ...table.columns.map((c) => c.logicalName), "ownerid"].filter((c): c is string => Boolean(c));
  return {
    formId: stableGuid("systemform", table.logicalName, "main"),
    table: table.logicalName,
    name: table.displayName,
    description: `Main form of the ${table.displayName.toLowerCase()}.`,
    tabs: [{
      name: "tab_general",
      label: "General",
      sections: [{
        name: "section_general", label: table.displayName, columns: 2,
        cells: columns.map((column): FormCell => ({ kind: "field", column, ...(table.columns.find((c) => c.logicalName === column)?.maintainedByServer ? { readOnly: true } : {}) })),
      }],
    }],
  };
}

/** Every form the solution ships, declared and default, by table. */
export function formsOf(table: string, forms: readonly FormDeclaration[] = FORMS): FormDeclaration[] {
  const declared = forms.filter((f) => f.table === table);
  const decl = tableDeclaration(table);
  if (declared.some((f) => (f.type ?? "main") === "main") || !decl || decl.existing) return declared;
  return [defaultMainForm(decl), ...declared];
}

// ---------------------------------------------------------------- entities

/** The form types shipped, in the order an export groups them. */
export const FORM_TYPES = ["main", "quick"] as const;

const EMPTY_RIBBON = el("RibbonDiffXml", null,
  el("CustomActions"),
  el("Templates", null, el("RibbonTemplates", { Id: "Mscrm.Templates" })),
  el("CommandDefinitions"),
  el("RuleDefinitions", null, el("TabDisplayRules"), el("DisplayRules"), el("EnableRules")),
  el("LocLabels"));

/** The tables in the solution: custom ones first, then the built-in ones it extends. */
export function solutionTables(forms: readonly FormDeclaration[] = FORMS): string[] {
  const custom = schema.tables.filter((t) => !t.existing).map((t) => t.logicalName);
  const extended = [...new Set([...schema.tables.filter((t) => t.existing).map((t) => t.logicalName), ...forms.map((f) => f.table)])]
    .filter((t) => !custom.includes(t))
    .sort();
  return [...custom, ...extended];
}

export interface EntityParts {
  readonly logicalName: string;
  readonly schemaName: string;
  readonly displayName: string;
  readonly isCustom: boolean;
  readonly info: XmlNode;
  readonly forms: readonly { form: FormDeclaration; xml: XmlNode }[];
  readonly views: readonly { id: string; xml: XmlNode }[];
  readonly charts: readonly { id: string; xml: XmlNode }[];
}

export function entityParts(logicalName: string, declarations: SolutionDeclarations): EntityParts {
  const { controls, views, forms } = declarations;
  const decl = tableDeclaration(logicalName);
  const isCustom = Boolean(decl && !decl.existing);
  return {
    logicalName,
    schemaName: entitySchemaName(logicalName),
    displayName: decl?.displayName ?? BUILT_IN_TABLES[logicalName]?.displayName ?? logicalName,
    isCustom,
    info: isCustom && decl ? customEntityInfo(decl) : existingEntityInfo(decl, logicalName),
    forms: formsOf(logicalName, forms).map((form) => ({ form, xml: systemForm(form, controls) })),
    views: viewsOf(logicalName, views).map((v) => ({ id: v.savedQueryId, xml: savedQuery(v) })),
    charts: SHIPPED_CHARTS.filter((c) => c.table === logicalName).map((c) => ({ id: c.savedQueryVisualizationId, xml: visualization(c) })),
  };
}

export function entityXml(parts: EntityParts): XmlNode {
  return el("Entity", null,
    el("Name", { LocalizedName: parts.displayName, OriginalName: parts.displayName }, parts.schemaName),
    parts.info,
    parts.forms.length > 0 ? el("FormXml", null, ...FORM_TYPES
      .map((type) => parts.forms.filter((f) => (f.form.type ?? "main") === type))
      .filter((forms) => forms.length > 0)
      .map((forms) => el("forms", { type: forms[0].form.type ?? "main" }, ...forms.map((f) => f.xml)))) : null,
    parts.views.length > 0 ? el("SavedQueries", null, el("savedqueries", null, ...parts.views.map((v) => v.xml))) : null,
    parts.charts.length > 0 ? el("Visualizations", null, ...parts.charts.map((c) => c.xml)) : null,
    EMPTY_RIBBON);
}

// ---------------------------------------------------------------- relationships, choices, security

const CASCADE = {
  // Goals, checks and scores belong to their engagement: they follow its owner and go with it.
  parental: { assign: "Cascade", delete: "Cascade", reparent: "Cascade", share: "Cascade", unshare: "Cascade", archive: "Cascade" },
  referential: { assign: "NoCascade", delete: "RemoveLink", reparent: "NoCascade", share: "NoCascade", unshare: "NoCascade", archive: "NoCascade" },
  // A person with engagements cannot be deleted by accident: the service record stays.
  restrict: { assign: "NoCascade", delete: "Restrict", reparent: "NoCascade", share: "NoCascade", unshare: "NoCascade", archive: "Restrict" },
} as const;

/** Relationships the solution creates; the activity relationship comes with "activities enabled". */
export function solutionRelationships(): RelationshipDeclaration[] {
  return schema.relationships.filter((r) => r.lookup !== "regardingobjectid");
}

export function relationshipXml(r: RelationshipDeclaration): XmlNode {
  const c = CASCADE[r.cascade];
  const lookup = tableDeclaration(r.referencingTable)?.columns.find((col) => col.logicalName === r.lookup);
  return el("EntityRelationship", { Name: r.name },
    text("EntityRelationshipType", "OneToMany"),
    text("IsCustomizable", "1"),
    text("IntroducedVersion", VERSION),
    text("IsHierarchical", "0"),
    text("ReferencingEntityName", entitySchemaName(r.referencingTable)),
    text("ReferencedEntityName", entitySchemaName(r.referencedTable)),
    text("CascadeAssign", c.assign),
    text("CascadeDelete", c.delete),
    text("CascadeArchive", c.archive),
    text("CascadeReparent", c.reparent),
    text("CascadeShare", c.share),
    text("CascadeUnshare", c.unshare),
    text("ReferencingAttributeName", r.lookup),
    el("RelationshipDescription", null, descriptions(lookup?.description ?? "")),
    el("EntityRelationshipRoles", null,
      el("EntityRelationshipRole", null,
        text("NavPaneDisplayOption", "UseCollectionName"),
        text("NavPaneArea", "Details"),
        text("NavPaneOrder", "10000"),
        text("NavigationPropertyName", r.navigationProperty),
        text("RelationshipRoleType", "1")),
      el("EntityRelationshipRole", null,
        text("NavigationPropertyName", r.collectionProperty),
        text("RelationshipRoleType", "0"))));
}

export function optionSetXml(choice: ChoiceDeclaration): XmlNode {
  return el("optionset", { Name: choice.name, localizedName: choice.displayName, description: choice.description },
    text("OptionSetType", "picklist"),
    text("IsGlobal", "1"),
    text("IntroducedVersion", VERSION),
    text("IsCustomizable", "1"),
    displaynames(choice.displayName),
    descriptions(choice.description),
    el("options", null, ...choice.options.map((o) => el("option", { value: o.value, ExternalValue: "" }, labels(o.label)))));
}

export function roleXml(role: RoleDeclaration): XmlNode {
  return el("Role", { id: braced(role.roleId), name: role.name },
    text("IsCustomizable", "1"),
    text("IntroducedVersion", VERSION),
    el("RolePrivileges", null, ...rolePrivileges(role).map(([name, level]) => el("RolePrivilege", { name, level }))));
}

export function fieldSecurityProfileXml(profile: FieldSecurityProfileDeclaration): XmlNode {
  return el("FieldSecurityProfile", { name: profile.name, description: profile.description, fieldsecurityprofileid: braced(profile.profileId) },
    el("FieldPermissions", null, ...profile.permissions.map((p) =>
      el("FieldPermission", null, text("EntityName", p.table), text("AttributeName", p.column), text("CanRead", p.read), text("CanUpdate", p.update), text("CanCreate", p.create)))));
}

// ---------------------------------------------------------------- flows, app

export function workflowXml(flow: CloudFlowDeclaration): XmlNode {
  return el("Workflow", { WorkflowId: braced(flow.workflowId), Name: flow.name, Description: flow.description },
    text("JsonFileName", `/${flowFileName(flow)}`),
    text("Type", "1"),
    text("Subprocess", "0"),
    // Category 5: a modern (cloud) flow.
    text("Category", "5"),
    text("Mode", "0"),
    text("Scope", "4"),
    text("OnDemand", "0"),
    text("TriggerOnCreate", "0"),
    text("TriggerOnDelete", "0"),
    text("AsyncAutodelete", "0"),
    text("SyncWorkflowLogOnFailure", "0"),
    // Draft: it needs connections for its connection references before it can be turned on.
    text("StateCode", "0"),
    text("StatusCode", "1"),
    text("RunAs", "1"),
    text("IsTransacted", "1"),
    text("IntroducedVersion", VERSION),
    text("IsCustomizable", "1"),
    text("BusinessProcessType", "0"),
    text("PrimaryEntity", "none"),
    localizedNames(flow.name),
    descriptions(flow.description));
}

export function connectionReferencesXml(flows: readonly CloudFlowDeclaration[]): XmlNode | null {
  const references = [...new Map(flows.flatMap((f) => f.connectionReferences).map((c) => [c.logicalName, c])).values()];
  if (references.length === 0) return null;
  return el("connectionreferences", null, ...references.map((c) =>
    el("connectionreference", { connectionreferencelogicalname: c.logicalName },
      text("connectionreferencedisplayname", c.displayName),
      text("connectorid", `/providers/Microsoft.PowerApps/apis/${c.apiName}`),
      text("iscustomizable", "1"),
      text("promptingbehavior", "0"),
      text("statecode", "0"),
      text("statuscode", "1"))));
}

/** Dataverse's default app icon web resource, present in every environment. */
const DEFAULT_APP_ICON = "953b9fac-1e5e-e611-80d6-00155ded156f";

export function appModuleXml(app: AppDeclaration): XmlNode {
  return el("AppModule", null,
    text("UniqueName", app.uniqueName),
    text("IntroducedVersion", VERSION),
    text("WebResourceId", DEFAULT_APP_ICON),
    // State and navigation as a current export writes them (reference/solutions/cis): active, and
    // NavigationType 0, the single-session site-map navigation. Newer than the 2018 schema.
    el("OptimizedFor"),
    text("statecode", "0"),
    text("statuscode", "1"),
    text("FormFactor", "1"),
    text("ClientType", "4"),
    text("NavigationType", "0"),
    el("AppModuleComponents", null,
      ...app.tables.map((t) => el("AppModuleComponent", { type: 1, schemaName: t })),
      ...app.formIds.map((id) => el("AppModuleComponent", { type: 60, id: braced(id) })),
      ...app.viewIds.map((id) => el("AppModuleComponent", { type: 26, id: braced(id) })),
      ...app.chartIds.map((id) => el("AppModuleComponent", { type: 59, id: braced(id) })),
      el("AppModuleComponent", { type: 62, schemaName: app.uniqueName })),
    el("AppModuleRoleMaps", null, ...app.roleIds.map((id) => el("Role", { id: braced(id) }))),
    localizedNames(app.name),
    descriptions(app.description));
}

export function appModuleSiteMapXml(app: AppDeclaration): XmlNode {
  const title = (t: string) => el("Titles", null, el("Title", { LCID: 1033, Title: t }));
  return el("AppModuleSiteMap", null,
    text("SiteMapUniqueName", app.uniqueName),
    el("SiteMap", { IntroducedVersion: "7.0.0.0" },
      el("Area", { Id: app.siteMap.areaId, ShowGroups: "true", IntroducedVersion: "7.0.0.0" },
        title(app.siteMap.areaTitle),
        ...app.siteMap.groups.map((g) =>
          el("Group", { Id: g.id, IntroducedVersion: "7.0.0.0", IsProfile: "false" },
            title(g.title),
            ...g.subAreas.map((s) =>
              el("SubArea", { Id: s.id, Entity: s.table, Url: s.url, Client: "All,Outlook,OutlookLaptopClient,OutlookWorkstationClient,Web", AvailableOffline: "true", PassParams: "false", Sku: "All,OnPremise,Live,SPLA" },
                title(s.title))))))),
    localizedNames(app.name));
}

export function customControlXml(control: ControlInfo): XmlNode {
  return el("CustomControl", null, text("Name", control.fullName), text("FileName", `/Controls/${control.fullName}/ControlManifest.xml`));
}

// ---------------------------------------------------------------- the document

export interface CustomizationsParts {
  readonly entities: readonly EntityParts[];
  readonly roles: readonly { role: RoleDeclaration; xml: XmlNode }[];
  readonly workflows: readonly { flow: CloudFlowDeclaration; xml: XmlNode }[];
  readonly fieldSecurityProfiles: readonly XmlNode[];
  readonly relationships: readonly XmlNode[];
  readonly optionSets: readonly { choice: ChoiceDeclaration; xml: XmlNode }[];
  readonly customControls: readonly XmlNode[];
  readonly siteMaps: readonly { app: AppDeclaration; xml: XmlNode }[];
  readonly appModules: readonly { app: AppDeclaration; xml: XmlNode }[];
  readonly connectionReferences: XmlNode | null;
  readonly dashboards: readonly { dashboard: DashboardDeclaration; xml: XmlNode }[];
}

/** What varies between a real pack and a test's: the controls found, and the views and forms to ship. */
export interface SolutionDeclarations {
  readonly controls: readonly ControlInfo[];
  readonly views: readonly ViewDeclaration[];
  readonly forms: readonly FormDeclaration[];
}

export function declarationsWith(controls: readonly ControlInfo[], overrides: Partial<Omit<SolutionDeclarations, "controls">> = {}): SolutionDeclarations {
  return { controls, views: overrides.views ?? [...SHIPPED_VIEWS, ...PEOPLE_VIEWS], forms: overrides.forms ?? FORMS };
}

export function customizationsParts(declarations: SolutionDeclarations): CustomizationsParts {
  const apps = [SOCIAL_PRESCRIBING_APP];
  const { controls } = declarations;
  return {
    entities: solutionTables(declarations.forms).map((t) => entityParts(t, declarations)),
    roles: ROLES.map((role) => ({ role, xml: roleXml(role) })),
    workflows: CLOUD_FLOWS.map((flow) => ({ flow, xml: workflowXml(flow) })),
    fieldSecurityProfiles: FIELD_SECURITY_PROFILES.map(fieldSecurityProfileXml),
    relationships: solutionRelationships().map(relationshipXml),
    optionSets: schema.choices.map((choice) => ({ choice, xml: optionSetXml(choice) })),
    customControls: controls.map(customControlXml),
    siteMaps: apps.map((app) => ({ app, xml: appModuleSiteMapXml(app) })),
    appModules: apps.map((app) => ({ app, xml: appModuleXml(app) })),
    connectionReferences: connectionReferencesXml(CLOUD_FLOWS),
    dashboards: DASHBOARDS.map((dashboard) => ({ dashboard, xml: dashboardXml(dashboard, VERSION) })),
  };
}

/**
 * The whole document, or (for the SolutionPackager layout) the document with
 * the parts that live in their own files left empty.
 */
export function customizationsXml(parts: CustomizationsParts, options: { split?: boolean } = {}): XmlNode {
  const inline = !options.split;
  return el("ImportExportXml", { "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
    el("Entities", null, ...(inline ? parts.entities.map(entityXml) : [])),
    el("Roles", null, ...(inline ? parts.roles.map((r) => r.xml) : [])),
    el("Workflows", null, ...(inline ? parts.workflows.map((w) => w.xml) : [])),
    el("FieldSecurityProfiles", null, ...parts.fieldSecurityProfiles),
    el("Templates"),
    el("EntityMaps"),
    el("EntityRelationships", null, ...(inline ? parts.relationships : [])),
    el("OrganizationSettings"),
    el("optionsets", null, ...(inline ? parts.optionSets.map((o) => o.xml) : [])),
    // Before CustomControls, in the order of the schema's sequence; their own files in the source layout.
    el("Dashboards", null, ...(inline ? parts.dashboards.map((d) => d.xml) : [])),
    // In the source layout each control's element lives in Controls/<name>/ControlManifest.xml.data.xml.
    el("CustomControls", null, ...(inline ? parts.customControls : [])),
    // The schema wants at least one app in <AppModules>, so the split layout leaves both out.
    inline ? el("AppModuleSiteMaps", null, ...parts.siteMaps.map((s) => s.xml)) : null,
    inline ? el("AppModules", null, ...parts.appModules.map((a) => a.xml)) : null,
    el("EntityDataProviders"),
    parts.connectionReferences,
    el("Languages", null, text("Language", 1033)));
}
