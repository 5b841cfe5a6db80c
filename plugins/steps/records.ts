import type { Attendance, EngagementFacts, GoalRecord, SessionMode, SessionRecord } from "../../domain";
import {
  AttendanceValues,
  type AppointmentRow,
  type ClosureCheckRow,
  type ConnectionRow,
  type EngagementRow,
  type GoalRow,
  GoalStatusValues,
  SessionModeValues,
  Tables,
  TimepointValues,
  type WellbeingScoreRow,
} from "../../solution/generated/dataverse";
import { schema } from "../../solution/schema/schema";
import type { DataverseClient, Expansions, Query } from "../dataverse/client";

/**
 * Dataverse rows ↔ the domain's facts. Option values are mapped to domain
 * keys here, once, with the generated option tables.
 */

export function keyOf<K extends string>(values: Readonly<Record<K, number>>, value: number | null | undefined): K | undefined {
  if (value === null || value === undefined) return undefined;
  return (Object.keys(values) as K[]).find((key) => values[key] === value);
}

export const ENGAGEMENT_COLUMNS = [
  "sprx_engagementid", "statecode", "statuscode", "sprx_name", "_sprx_contactid_value", "_ownerid_value", "sprx_referraldate",
  "sprx_plannedsessions", "sprx_extensionapproved", "sprx_extensionsessions", "sprx_extensionrequests",
  "sprx_stage", "sprx_sessionsattended", "sprx_sessionsdna", "sprx_sessionscancelled", "sprx_sessionsbooked", "sprx_consecutivedna",
  "sprx_firstsessionon", "sprx_lastsessionon", "sprx_nextsessionon", "sprx_windowstart", "sprx_windowtargetend", "sprx_windowend",
  "sprx_beyondplan", "sprx_conversationsuggested", "sprx_conversationsignals",
  "sprx_closurereason", "sprx_checksdone", "sprx_checksrequired", "sprx_checklistcomplete",
] as const;

export const SESSION_COLUMNS = ["activityid", "scheduledstart", "sprx_attendance", "sprx_mode", "sprx_sessionnumber", "statecode", "_regardingobjectid_value"] as const;
export const GOAL_COLUMNS = ["sprx_goalid", "createdon", "sprx_status", "sprx_reviewssinceprogress", "sprx_supportarranged", "sprx_helped"] as const;
export const CHECK_COLUMNS = ["sprx_closurecheckid", "sprx_item", "sprx_done", "sprx_note"] as const;
/** What linking success and the community-support proof are judged on. */
export const CONNECTION_FACT_COLUMNS = ["sprx_connectionid", "sprx_status", "sprx_referredon", "sprx_attendedon", "sprx_outcomeon", "sprx_outcomereason"] as const;

const APPOINTMENT_CANCELED = 2;

export function loadEngagement(dataverse: DataverseClient, id: string, columns: readonly string[] = ENGAGEMENT_COLUMNS): Promise<EngagementRow> {
  return dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, columns);
}

/** The engagement's sessions, in one query. */
export function loadSessions(dataverse: DataverseClient, engagementId: string): Promise<AppointmentRow[]> {
  return dataverse.retrieveMultiple<AppointmentRow>(Tables.appointment.entitySetName, {
    select: SESSION_COLUMNS,
    filter: `_regardingobjectid_value eq ${engagementId}`,
    orderby: "scheduledstart asc",
  });
}

/** The rows related to an engagement that its rollups and closure rules are judged on. */
export interface RelatedRows {
  readonly sessions: AppointmentRow[];
  readonly goals: GoalRow[];
  readonly checks: ClosureCheckRow[];
  /** Wellbeing measures at the closing timepoint; only whether one exists matters, so at most one is read. */
  readonly closingScores: WellbeingScoreRow[];
  /** Connections to community services (issue 15). */
  readonly connections: ConnectionRow[];
}

export type EngagementWith<R extends keyof RelatedRows> = { readonly engagement: EngagementRow } & Pick<RelatedRows, R>;

/** The engagement's collection-valued navigation property to a table, as the schema names it. */
function navigationTo(table: string): string {
  const relationship = schema.relationships.find((r) => r.referencedTable === Tables.engagement.logicalName && r.referencingTable === table);
  if (!relationship) throw new Error(`The schema relates no ${table} to the engagement`);
  return relationship.collectionProperty;
}

const RELATED: Readonly<Record<keyof RelatedRows, { readonly navigation: string; readonly query: Query }>> = {
  sessions: { navigation: navigationTo(Tables.appointment.logicalName), query: { select: SESSION_COLUMNS, orderby: "scheduledstart asc" } },
  goals: { navigation: navigationTo(Tables.goal.logicalName), query: { select: GOAL_COLUMNS } },
  checks: { navigation: navigationTo(Tables.closureCheck.logicalName), query: { select: CHECK_COLUMNS } },
  closingScores: {
    navigation: navigationTo(Tables.wellbeingScore.logicalName),
    query: { select: ["sprx_wellbeingscoreid"], filter: `sprx_timepoint eq ${TimepointValues.closing}`, top: 1 },
  },
  connections: { navigation: navigationTo(Tables.connection.logicalName), query: { select: CONNECTION_FACT_COLUMNS } },
};

/**
 * The engagement and the related rows asked for, in ONE Web API request
 * ($expand of collection-valued navigation properties), so a step costs one
 * read against the organisation's API request limits instead of one per table.
 * An engagement has tens of sessions, goals and checks, far below the size
 * at which Dataverse pages an expanded collection; should it page one all
 * the same, the client follows that collection's @odata.nextLink.
 */
export async function loadEngagementWith<R extends keyof RelatedRows>(
  dataverse: DataverseClient,
  engagementId: string,
  related: readonly R[],
  columns: readonly string[] = ENGAGEMENT_COLUMNS,
): Promise<EngagementWith<R>> {
  const expand: Expansions = Object.fromEntries(related.map((kind) => [RELATED[kind].navigation, RELATED[kind].query]));
  const row = await dataverse.retrieve<EngagementRow & Record<string, unknown>>(Tables.engagement.entitySetName, engagementId, columns, expand);
  const rows = {} as Record<R, unknown[]>;
  for (const kind of related) {
    const navigation = RELATED[kind].navigation;
    const value = row[navigation];
    if (!Array.isArray(value)) throw new Error(`Dataverse returned no ${navigation} rows for the expanded engagement`);
    rows[kind] = value;
    delete row[navigation];
  }
  return { engagement: row, ...(rows as unknown as Pick<RelatedRows, R>) };
}

export function attendanceOf(row: Pick<AppointmentRow, "sprx_attendance" | "statecode">): Attendance {
  const attendance = keyOf(AttendanceValues, row.sprx_attendance) ?? "planned";
  // An appointment cancelled in Outlook (server-side sync) never took place.
  return attendance === "planned" && row.statecode === APPOINTMENT_CANCELED ? "cancelledByService" : attendance;
}

export function sessionRecord(row: AppointmentRow): SessionRecord | undefined {
  if (!row.scheduledstart) return undefined;
  const start = new Date(row.scheduledstart);
  if (Number.isNaN(start.getTime())) return undefined;
  const mode: SessionMode | undefined = keyOf(SessionModeValues, row.sprx_mode);
  return {
    id: row.activityid ?? undefined,
    number: row.sprx_sessionnumber ?? undefined,
    start,
    attendance: attendanceOf(row),
    ...(mode ? { mode } : {}),
  };
}

export function goalRecord(row: GoalRow): GoalRecord {
  return {
    id: row.sprx_goalid ?? undefined,
    createdOn: new Date(row.createdon ?? 0),
    status: keyOf(GoalStatusValues, row.sprx_status) ?? "notStarted",
    reviewsSinceProgress: row.sprx_reviewssinceprogress ?? 0,
  };
}

export function engagementFacts(engagement: EngagementRow, sessions: readonly SessionRecord[], goals: readonly GoalRecord[] = []): EngagementFacts {
  return {
    referralDate: engagement.sprx_referraldate ?? undefined,
    closed: engagement.statecode === 1,
    sessions,
    goals,
    extension: {
      approved: engagement.sprx_extensionapproved === true,
      additionalSessions: engagement.sprx_extensionsessions ?? 0,
      requests: engagement.sprx_extensionrequests ?? 0,
    },
  };
}

/** Planned sessions per engagement override the organisation's default. */
export function plannedSessionsOf(engagement: EngagementRow, fallback: number): number {
  const planned = engagement.sprx_plannedsessions;
  return typeof planned === "number" && Number.isInteger(planned) && planned >= 1 ? planned : fallback;
}

export const bindEngagement = (id: string) => `/${Tables.engagement.entitySetName}(${id})`;
