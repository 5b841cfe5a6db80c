import type { FetchContext } from "../fetchxml/fetchXml";
import type { AttributeMetadata, EntityMetadata } from "../metadata/metadata";
import type { Row } from "../storage/database";
import { asText } from "../storage/text";
import type { ShippedSolution } from "./shipped";

/**
 * What a person sees in a grid cell or a read-only field: the formatted value
 * in the user's locale and time zone (en-GB and Europe/London unless the
 * caller says otherwise), as a model-driven app shows it — dd/MM/yyyy dates,
 * HH:mm times, choice labels, lookup names.
 */

export interface UserSettings {
  /** The acting user (systemuser id) and their business unit: saved queries' eq-userid / eq-businessid use them. */
  readonly userId: string;
  readonly businessUnitId: string;
  readonly locale: string;
  readonly timeZone: string;
  /** The user's name and whether they supervise (write beyond their own records), for the hosted controls. */
  readonly name?: string;
  readonly supervisor?: boolean;
  /** Row and column security for the acting user; absent, every row and column (the local administrator). */
  readonly access?: {
    readonly readScope?: FetchContext["readScope"];
    readonly mask?: FetchContext["mask"];
    readonly canRead?: (entity: EntityMetadata, row: Row) => boolean;
  };
}

const dateFormats = new Map<string, { date: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat; number: Intl.NumberFormat }>();
function formats(user: Pick<UserSettings, "locale" | "timeZone">) {
  const key = `${user.locale}|${user.timeZone}`;
  let found = dateFormats.get(key);
  if (!found) {
    found = {
      date: new Intl.DateTimeFormat(user.locale, { timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric" }),
      dateTime: new Intl.DateTimeFormat(user.locale, { timeZone: user.timeZone, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
      number: new Intl.NumberFormat(user.locale),
    };
    dateFormats.set(key, found);
  }
  return found;
}

/** The value a Web API JSON record carries for a column (lookups as `_x_value`), formatted for the user. */
export function formatValue(attribute: AttributeMetadata | undefined, record: Record<string, unknown>, key: string, user: Pick<UserSettings, "locale" | "timeZone">): string {
  const value = record[key];
  const annotated = record[`${key}@OData.Community.Display.V1.FormattedValue`];
  if (value === null || value === undefined || value === "") return "";
  const f = formats(user);
  switch (attribute?.kind) {
    case "date": {
      // Date-only columns have no time zone: the calendar day as stored.
      const day = asText(value).slice(0, 10);
      return /^\d{4}-\d{2}-\d{2}$/.test(day) ? f.date.format(new Date(`${day}T00:00:00Z`)) : asText(value);
    }
    case "datetime": {
      const when = new Date(asText(value));
      return Number.isNaN(when.getTime()) ? asText(value) : f.dateTime.format(when).replace(",", "");
    }
    case "integer": case "bigint": case "decimal":
      return typeof value === "number" ? f.number.format(value) : asText(value);
    default:
      return asText(annotated ?? value);
  }
}

/** Built-in columns' display names as Dataverse gives them (the solution's own columns come from Entity.xml). */
const BUILT_IN: Readonly<Record<string, string>> = {
  fullname: "Full Name", firstname: "First Name", lastname: "Last Name", birthdate: "Birthday", emailaddress1: "Email",
  mobilephone: "Mobile Phone", telephone1: "Business Phone", address1_postalcode: "ZIP/Postal Code", ownerid: "Owner",
  owningbusinessunit: "Owning Business Unit", createdon: "Created On", modifiedon: "Modified On", createdby: "Created By",
  modifiedby: "Modified By", statecode: "Status", statuscode: "Status Reason", subject: "Subject", scheduledstart: "Start Time",
  scheduledend: "End Time", regardingobjectid: "Regarding", description: "Description", activityid: "Activity",
  contactid: "Contact", preferredcontactmethodcode: "Preferred Method of Contact",
};

export function columnLabel(solution: ShippedSolution, table: string, column: string): string {
  const shipped = solution.columns.get(table)?.get(column)?.displayName;
  return shipped || BUILT_IN[column] || column;
}

export function isRequired(solution: ShippedSolution, table: string, column: string): boolean {
  return solution.columns.get(table)?.get(column)?.required === true;
}
