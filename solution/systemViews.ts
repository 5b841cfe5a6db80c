/**
 * The views every table needs besides the supervisor views: the public
 * "Active …" and "Inactive …" views, Quick Find, Advanced Find, Associated and
 * Lookup views; the "Sessions" view of appointments that the engagement form's
 * grid shows; and "Person's engagements", the contact form's grid.
 *
 * As in a real export (reference/solutions/poly), these system views cannot be
 * deleted (CanBeDeleted 0); the supervisor views can.
 */
import { CHILD_GRID_VIEW, PERSON_ENGAGEMENTS_VIEW } from "./forms";
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
  readonly description?: string;
  /** False for every view here: the platform's own views of a table cannot be deleted either. */
  readonly canBeDeleted: false;
}

/** Columns shown for each custom table, after its primary name. */
const LIST_COLUMNS: Readonly<Record<string, readonly ViewColumn[]>> = {
  sprx_engagement: [{ name: "sprx_contactid", width: 180 }, { name: "sprx_stage", width: 140 }, { name: "sprx_referraldate", width: 110 }, { name: "ownerid", width: 150 }],
  sprx_goal: [{ name: "sprx_status", width: 120 }, { name: "sprx_importance", width: 100 }, { name: "sprx_confidence", width: 100 }, { name: "sprx_reviewdate", width: 110 }],
  sprx_closurecheck: [{ name: "sprx_item", width: 260 }, { name: "sprx_done", width: 80 }, { name: "sprx_doneon", width: 140 }, { name: "sprx_donebyid", width: 150 }],
  sprx_communityservice: [{ name: "sprx_category", width: 200 }, { name: "sprx_area", width: 90 }, { name: "sprx_status", width: 90 }, { name: "sprx_providerid", width: 200 }],
  sprx_connection: [{ name: "sprx_serviceid", width: 220 }, { name: "sprx_status", width: 110 }, { name: "sprx_referredon", width: 110 }, { name: "sprx_attendedon", width: 110 }, { name: "sprx_followupon", width: 110 }],
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
    ({ savedQueryId, name, table: table.logicalName, queryType, isDefault, fetchXml: xml, columns, canBeDeleted: false });
  return [
    view("active", `Active ${table.pluralName.toLowerCase()}`, QueryType.public, activeIsDefault, fetchXml(table, columns, active), childGridView),
    view("inactive", `Inactive ${table.pluralName.toLowerCase()}`, QueryType.public, false, fetchXml(table, columns, `<condition attribute="statecode" operator="eq" value="1" />`)),
    view("quickfind", `Quick Find active ${table.pluralName.toLowerCase()}`, QueryType.quickFind, true, fetchXml(table, columns, active, quickFind)),
    view("advancedfind", `${table.displayName} Advanced Find view`, QueryType.advancedFind, true, fetchXml(table, columns, "")),
    view("associated", `${table.displayName} associated view`, QueryType.associated, true, fetchXml(table, columns, active)),
    view("lookup", `${table.displayName} lookup view`, QueryType.lookup, true, fetchXml(table, columns, active)),
  ];
}

/**
 * Appointments regarding an engagement, in date order. A session is one by
 * what it is about, not by its number: the service numbers a session after it
 * is booked, and the view shows it from the moment it is saved.
 */
const SESSIONS_VIEW: SystemViewDeclaration = {
  savedQueryId: CHILD_GRID_VIEW.appointment,
  name: "Sessions",
  description: "Appointments about an engagement, in date order, numbered or not yet numbered.",
  table: "appointment",
  queryType: QueryType.public,
  isDefault: false,
  canBeDeleted: false,
  columns: [{ name: "sprx_sessionnumber", width: 80 }, { name: "subject", width: 200 }, { name: "scheduledstart", width: 150 }, { name: "sprx_attendance", width: 150 }, { name: "sprx_mode", width: 110 }],
  fetchXml:
    `<fetch version="1.0" mapping="logical"><entity name="appointment"><attribute name="activityid" /><attribute name="sprx_sessionnumber" /><attribute name="subject" />` +
    `<attribute name="scheduledstart" /><attribute name="sprx_attendance" /><attribute name="sprx_mode" /><order attribute="scheduledstart" descending="false" />` +
    `<link-entity name="sprx_engagement" from="sprx_engagementid" to="regardingobjectid" link-type="inner" alias="engagement" /></entity></fetch>`,
};

/**
 * Every engagement of a person, open and closed, whoever owns it: the contact
 * form's grid (filtered to the person by its relationship). "My active
 * caseload" would hide closed engagements and colleagues' ones.
 */
const PERSON_ENGAGEMENTS: SystemViewDeclaration = {
  savedQueryId: PERSON_ENGAGEMENTS_VIEW,
  name: "Person's engagements",
  description: "All of a person's engagements, active and closed, whoever owns them; newest referral first.",
  table: "sprx_engagement",
  queryType: QueryType.public,
  isDefault: false,
  canBeDeleted: false,
  columns: [
    { name: "sprx_name", width: 120 }, { name: "sprx_referraldate", width: 110 }, { name: "sprx_stage", width: 140 }, { name: "statecode", width: 90 },
    { name: "sprx_closedon", width: 120 }, { name: "sprx_closurereason", width: 170 }, { name: "ownerid", width: 150 },
  ],
  fetchXml:
    `<fetch version="1.0" mapping="logical"><entity name="sprx_engagement"><attribute name="sprx_engagementid" /><attribute name="sprx_name" /><attribute name="sprx_referraldate" />` +
    `<attribute name="sprx_stage" /><attribute name="statecode" /><attribute name="sprx_closedon" /><attribute name="sprx_closurereason" /><attribute name="ownerid" />` +
    `<order attribute="sprx_referraldate" descending="true" /></entity></fetch>`,
};

export const SYSTEM_VIEWS: readonly SystemViewDeclaration[] = [...schema.tables.flatMap(viewsOf), SESSIONS_VIEW, PERSON_ENGAGEMENTS];
