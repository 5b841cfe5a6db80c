/**
 * The views every table needs besides the supervisor views: the public
 * "Active …" view, Quick Find, Advanced Find, Associated and Lookup views, and
 * the "Sessions" view of appointments that the engagement form's grid shows.
 */
import { CHILD_GRID_VIEW } from "./forms";
import { stableGuid } from "./ids";
import type { TableDeclaration } from "./schema/model";
import { schema } from "./schema/schema";
import { primaryIdAttribute } from "./schema/systemColumns";
import type { ViewColumn } from "./views";

/** savedquery querytype values. */
export const QueryType = { public: 0, advancedFind: 1, associated: 2, quickFind: 4, lookup: 64 } as const;

export interface SystemViewDeclaration {
  readonly savedQueryId: string;
  readonly name: string;
  readonly table: string;
  readonly queryType: (typeof QueryType)[keyof typeof QueryType];
  readonly isDefault: boolean;
  readonly fetchXml: string;
  readonly columns: readonly ViewColumn[];
}

/** Columns shown for each custom table, after its primary name. */
const LIST_COLUMNS: Readonly<Record<string, readonly ViewColumn[]>> = {
  sprx_engagement: [{ name: "sprx_contactid", width: 180 }, { name: "sprx_stage", width: 140 }, { name: "sprx_referraldate", width: 110 }, { name: "ownerid", width: 150 }],
  sprx_goal: [{ name: "sprx_status", width: 120 }, { name: "sprx_importance", width: 100 }, { name: "sprx_confidence", width: 100 }, { name: "sprx_reviewdate", width: 110 }],
  sprx_closurecheck: [{ name: "sprx_item", width: 260 }, { name: "sprx_done", width: 80 }, { name: "sprx_doneon", width: 140 }, { name: "sprx_donebyid", width: 150 }],
  sprx_wellbeingscore: [{ name: "sprx_instrument", width: 180 }, { name: "sprx_timepoint", width: 110 }, { name: "sprx_completedon", width: 110 }, { name: "sprx_ucla_total", width: 90 }],
};

function fetchXml(table: TableDeclaration, columns: readonly ViewColumn[], filter: string, extra = ""): string {
  const id = primaryIdAttribute(table);
  const attributes = [id, ...columns.map((c) => c.name)].map((n) => `<attribute name="${n}" />`).join("");
  const name = table.primaryName?.logicalName ?? table.existing?.primaryNameAttribute ?? id;
  return `<fetch version="1.0" mapping="logical"><entity name="${table.logicalName}">${attributes}<order attribute="${name}" descending="false" />` +
    `${filter ? `<filter type="and">${filter}</filter>` : ""}${extra}</entity></fetch>`;
}

function viewsOf(table: TableDeclaration): SystemViewDeclaration[] {
  if (!table.primaryName) return [];
  const columns = [{ name: table.primaryName.logicalName, width: 200 }, ...(LIST_COLUMNS[table.logicalName] ?? [])];
  const active = `<condition attribute="statecode" operator="eq" value="0" />`;
  const quickFind = `<filter type="or" isquickfindfields="1"><condition attribute="${table.primaryName.logicalName}" operator="like" value="{0}" /></filter>`;
  const id = (kind: string) => stableGuid("savedquery", table.logicalName, kind);
  const childGridView = (CHILD_GRID_VIEW as Readonly<Record<string, string>>)[table.logicalName];
  // The engagement's default public view is the supervisors' "My active caseload".
  const activeIsDefault = table.logicalName !== "sprx_engagement";
  const view = (kind: string, name: string, queryType: SystemViewDeclaration["queryType"], isDefault: boolean, xml: string, savedQueryId = id(kind)): SystemViewDeclaration =>
    ({ savedQueryId, name, table: table.logicalName, queryType, isDefault, fetchXml: xml, columns });
  return [
    view("active", `Active ${table.pluralName.toLowerCase()}`, QueryType.public, activeIsDefault, fetchXml(table, columns, active), childGridView),
    view("quickfind", `Quick Find active ${table.pluralName.toLowerCase()}`, QueryType.quickFind, true, fetchXml(table, columns, active, quickFind)),
    view("advancedfind", `${table.displayName} Advanced Find view`, QueryType.advancedFind, true, fetchXml(table, columns, "")),
    view("associated", `${table.displayName} associated view`, QueryType.associated, true, fetchXml(table, columns, active)),
    view("lookup", `${table.displayName} lookup view`, QueryType.lookup, true, fetchXml(table, columns, active)),
  ];
}

const SESSIONS_VIEW: SystemViewDeclaration = {
  savedQueryId: CHILD_GRID_VIEW.appointment,
  name: "Sessions",
  table: "appointment",
  queryType: QueryType.public,
  isDefault: false,
  columns: [{ name: "sprx_sessionnumber", width: 80 }, { name: "subject", width: 200 }, { name: "scheduledstart", width: 150 }, { name: "sprx_attendance", width: 150 }, { name: "sprx_mode", width: 110 }],
  fetchXml:
    `<fetch version="1.0" mapping="logical"><entity name="appointment"><attribute name="activityid" /><attribute name="sprx_sessionnumber" /><attribute name="subject" />` +
    `<attribute name="scheduledstart" /><attribute name="sprx_attendance" /><attribute name="sprx_mode" /><order attribute="scheduledstart" descending="false" />` +
    `<filter type="and"><condition attribute="sprx_sessionnumber" operator="not-null" /></filter></entity></fetch>`,
};

export const SYSTEM_VIEWS: readonly SystemViewDeclaration[] = [...schema.tables.flatMap(viewsOf), SESSIONS_VIEW];
