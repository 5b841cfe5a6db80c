import { type ConnectionFacts, type ConnectionStatus, DEFAULT_COMMUNITY_CONFIGURATION, type CommunityConfiguration } from "../../domain";
import { type ConnectionRow, ConnectionStatusValues, Tables } from "../../solution/generated/dataverse";
import { type StepContext, referenceOf } from "../context";
import type { AttributeValue } from "../context/values";
import { keyOf } from "./records";
import type { StepServices } from "./types";

/** Connection rows ↔ the domain's connection facts (issue 15). */

export const CONNECTION_COLUMNS = [
  "sprx_connectionid", "_sprx_engagementid_value", "_sprx_serviceid_value", "_sprx_goalid_value", "sprx_status", "sprx_kind", "createdon",
  "sprx_suggestedon", "sprx_referredon", "sprx_attendedon", "sprx_outcomeon", "sprx_outcomereason", "sprx_followupon",
] as const;

/** The date columns of a connection, as the domain names them. */
const DATE_COLUMNS = {
  suggestedOn: "sprx_suggestedon",
  referredOn: "sprx_referredon",
  attendedOn: "sprx_attendedon",
  outcomeOn: "sprx_outcomeon",
} as const;

/** A status value the choice does not have is kept as text so the domain names it, never guessed. */
export function statusOf(value: number | null | undefined): ConnectionStatus {
  return keyOf(ConnectionStatusValues, value) ?? (`option ${String(value)}` as ConnectionStatus);
}

export function connectionFacts(row: Partial<ConnectionRow>): ConnectionFacts {
  return {
    status: statusOf(row.sprx_status ?? ConnectionStatusValues.suggested),
    suggestedOn: row.sprx_suggestedon ?? null,
    referredOn: row.sprx_referredon ?? null,
    attendedOn: row.sprx_attendedon ?? null,
    outcomeOn: row.sprx_outcomeon ?? null,
    outcomeReason: row.sprx_outcomereason ?? null,
  };
}

/**
 * A date-only value from the execution context: Dataverse sends DateOnly
 * columns as midnight UTC, so the ISO day is the UTC date; text passes through.
 */
function dayText(value: AttributeValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  // Anything else (a number, a reference) is no date: the domain reports it as such.
  return typeof value === "string" ? value : "not a date";
}

/** The stored row with the operation's Target laid over it: the connection as it would be saved. */
export function withTarget(stored: Partial<ConnectionRow>, target: Readonly<Record<string, AttributeValue>>): Partial<ConnectionRow> {
  const next: Partial<ConnectionRow> = { ...stored };
  if ("sprx_status" in target) next.sprx_status = typeof target.sprx_status === "number" ? target.sprx_status : null;
  for (const column of Object.values(DATE_COLUMNS)) if (column in target) next[column] = dayText(target[column]);
  if ("sprx_outcomereason" in target) next.sprx_outcomereason = typeof target.sprx_outcomereason === "string" ? target.sprx_outcomereason : null;
  for (const lookup of ["sprx_engagementid", "sprx_serviceid", "sprx_goalid"] as const) {
    if (lookup in target) next[`_${lookup}_value`] = referenceOf(target[lookup])?.id ?? null;
  }
  return next;
}

export function communityConfiguration(services: StepServices): CommunityConfiguration {
  return services.community ?? DEFAULT_COMMUNITY_CONFIGURATION;
}

/** The engagement (and service) a connection belongs to, before and after the operation. */
export function connectionOwners(context: StepContext): { engagements: Set<string>; services: Set<string> } {
  const engagements = new Set<string>();
  const services = new Set<string>();
  for (const image of [context.preImage, context.postImage, context.message === "Delete" ? undefined : context.target]) {
    const engagement = referenceOf(image?.sprx_engagementid)?.id;
    const service = referenceOf(image?.sprx_serviceid)?.id;
    if (engagement) engagements.add(engagement.toLowerCase());
    if (service) services.add(service.toLowerCase());
  }
  return { engagements, services };
}

export const connectionsOf = (dataverse: StepServices["dataverse"], filter: string): Promise<ConnectionRow[]> =>
  dataverse.retrieveMultiple<ConnectionRow>(Tables.connection.entitySetName, { select: CONNECTION_COLUMNS, filter });
