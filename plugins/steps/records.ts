import type { Attendance, EngagementFacts, GoalRecord, SessionMode, SessionRecord } from "../../domain";
import {
  AttendanceValues,
  type AppointmentRow,
  type EngagementRow,
  type GoalRow,
  GoalStatusValues,
  SessionModeValues,
  Tables,
} from "../../solution/generated/dataverse";
import type { DataverseClient } from "../dataverse/client";

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

export function loadGoals(dataverse: DataverseClient, engagementId: string): Promise<GoalRow[]> {
  return dataverse.retrieveMultiple<GoalRow>(Tables.goal.entitySetName, {
    select: ["sprx_goalid", "createdon", "sprx_status", "sprx_reviewssinceprogress", "sprx_supportarranged", "sprx_helped"],
    filter: `_sprx_engagementid_value eq ${engagementId}`,
  });
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
