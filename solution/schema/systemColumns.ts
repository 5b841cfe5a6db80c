import type { TableDeclaration } from "./model";

/**
 * Columns Dataverse gives every table, or that the built-in appointment
 * already has. The schema declares only what the solution adds; these complete
 * the picture for the row types and for checking that views and forms name
 * real columns.
 */
export type SystemColumnKind = "id" | "string" | "memo" | "integer" | "boolean" | "datetime" | "state" | "status" | "lookup" | "bigint";

export interface SystemColumn {
  readonly logicalName: string;
  readonly kind: SystemColumnKind;
  readonly description: string;
}

/** Present on every user- or team-owned table, custom or built-in. */
const OWNED_TABLE_COLUMNS: readonly SystemColumn[] = [
  { logicalName: "statecode", kind: "state", description: "Status: 0 Active, 1 Inactive (for activities 1 Completed, 2 Canceled, 3 Scheduled)." },
  { logicalName: "statuscode", kind: "status", description: "Status reason." },
  { logicalName: "createdon", kind: "datetime", description: "When the row was created." },
  { logicalName: "modifiedon", kind: "datetime", description: "When the row was last modified." },
  { logicalName: "createdby", kind: "lookup", description: "Who created the row." },
  { logicalName: "modifiedby", kind: "lookup", description: "Who last modified the row." },
  { logicalName: "ownerid", kind: "lookup", description: "The user or team that owns the row." },
  { logicalName: "owningbusinessunit", kind: "lookup", description: "Business unit of the owner." },
  { logicalName: "versionnumber", kind: "bigint", description: "Row version; the Web API's @odata.etag is derived from it." },
];

/** The built-in appointment columns the product reads and writes. */
const APPOINTMENT_COLUMNS: readonly SystemColumn[] = [
  { logicalName: "subject", kind: "string", description: "Subject of the appointment." },
  { logicalName: "description", kind: "memo", description: "Details of the appointment." },
  { logicalName: "location", kind: "string", description: "Where the session is held." },
  { logicalName: "scheduledstart", kind: "datetime", description: "Scheduled start." },
  { logicalName: "scheduledend", kind: "datetime", description: "Scheduled end." },
  { logicalName: "scheduleddurationminutes", kind: "integer", description: "Scheduled duration in minutes." },
  { logicalName: "actualstart", kind: "datetime", description: "Actual start." },
  { logicalName: "actualend", kind: "datetime", description: "Actual end." },
  { logicalName: "isalldayevent", kind: "boolean", description: "Whether it is an all-day event." },
  { logicalName: "regardingobjectid", kind: "lookup", description: "The record the appointment is about (the engagement)." },
];

export function primaryIdAttribute(table: TableDeclaration): string {
  return table.existing?.primaryIdAttribute ?? `${table.logicalName}id`;
}

/** System and built-in columns of a table, the primary id first. */
export function systemColumns(table: TableDeclaration): readonly SystemColumn[] {
  const id: SystemColumn = { logicalName: primaryIdAttribute(table), kind: "id", description: `Unique identifier of the ${table.displayName.toLowerCase()}.` };
  return [id, ...OWNED_TABLE_COLUMNS, ...(table.logicalName === "appointment" ? APPOINTMENT_COLUMNS : [])];
}

/** Every column name a query or form may use on the table: declared, primary name and system columns. */
export function knownColumns(table: TableDeclaration): ReadonlySet<string> {
  const names = new Set<string>(systemColumns(table).map((c) => c.logicalName));
  if (table.primaryName) names.add(table.primaryName.logicalName);
  if (table.existing) names.add(table.existing.primaryNameAttribute);
  for (const column of table.columns) names.add(column.logicalName);
  return names;
}
