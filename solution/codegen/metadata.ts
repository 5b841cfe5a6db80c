/**
 * What the generators and checks know about every table the solution touches:
 * its declared columns, the system columns Dataverse adds, and the few
 * built-in contact columns the contact form places.
 */
import type { TableDeclaration } from "../schema/model";
import { schema } from "../schema/schema";
import { knownColumns } from "../schema/systemColumns";

/** Built-in columns of tables the schema does not declare, with their display names. */
const BUILT_IN_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  contact: {
    contactid: "Contact", fullname: "Full Name", firstname: "First Name", lastname: "Last Name", birthdate: "Birthday",
    emailaddress1: "Email", mobilephone: "Mobile Phone", telephone1: "Business Phone", address1_postalcode: "ZIP/Postal Code",
    parentcustomerid: "Company Name", ownerid: "Owner", statecode: "Status", statuscode: "Status Reason", createdon: "Created On", modifiedon: "Modified On",
  },
};

const SYSTEM_LABELS: Readonly<Record<string, string>> = {
  ownerid: "Owner", statecode: "Status", statuscode: "Status Reason", createdon: "Created On", modifiedon: "Modified On",
  createdby: "Created By", modifiedby: "Modified By", owningbusinessunit: "Owning Business Unit",
  subject: "Subject", scheduledstart: "Start Time", scheduledend: "End Time", location: "Location", regardingobjectid: "Regarding",
};

export function tableDeclaration(logicalName: string): TableDeclaration | undefined {
  return schema.tables.find((t) => t.logicalName === logicalName);
}

/** Every column a view, chart or form may name on the table; undefined for a table the solution does not know. */
export function columnsOf(table: string): ReadonlySet<string> | undefined {
  const decl = tableDeclaration(table);
  if (decl) return knownColumns(decl);
  const builtIn = BUILT_IN_COLUMNS[table];
  return builtIn ? new Set(Object.keys(builtIn)) : undefined;
}

/** The label a form shows for a column. */
export function columnLabel(table: string, column: string): string {
  const decl = tableDeclaration(table);
  const declared = decl?.columns.find((c) => c.logicalName === column);
  if (declared) return declared.displayName;
  if (decl?.primaryName?.logicalName === column) return decl.primaryName.displayName;
  return BUILT_IN_COLUMNS[table]?.[column] ?? SYSTEM_LABELS[column] ?? column;
}
