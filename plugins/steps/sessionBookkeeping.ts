import { type EngagementState, evaluateEngagement } from "../../domain";
import { type AppointmentRow, type EngagementRow, SignalValues, StageValues, Tables } from "../../solution/generated/dataverse";
import { referenceOf } from "../context";
import { CLOSURE_ROWS, closureFactsOf, progressChanges } from "./checklist";
import { engagementFacts, goalRecord, loadEngagementWith, plannedSessionsOf, SESSION_COLUMNS, sessionRecord } from "./records";
import { done, skipped, type StepHandler, type StepServices } from "./types";

/**
 * Session bookkeeping (async, after commit): the engagement's stored rollups
 * — stage, counts, first / last / next session, window, flags and signals —
 * recomputed by the domain from one read of the engagement with its
 * sessions, goals, checks and closing scores. Only changed columns are
 * written, and none of them is a filtering attribute of a session step, so
 * the write never triggers this step again.
 */
export const sessionBookkeeping: StepHandler = async (context, services) => {
  const engagements = new Set<string>();
  let regarding = referenceOf(context.postImage?.regardingobjectid ?? context.target.regardingobjectid);
  if (context.message === "Delete") regarding = referenceOf(context.preImage?.regardingobjectid);
  else if (context.sizeExceeded || (!regarding && context.message === "Create")) {
    // Images were dropped (payload over 256 KB), so read where the session points now.
    const session = await services.dataverse.retrieve<AppointmentRow>(Tables.appointment.entitySetName, context.primaryId, SESSION_COLUMNS);
    regarding = session._regardingobjectid_value ? { id: session._regardingobjectid_value, logicalName: Tables.engagement.logicalName } : undefined;
  }
  if (regarding?.logicalName === Tables.engagement.logicalName) engagements.add(regarding.id);
  // A session moved to another engagement changes the rollups of both.
  const before = referenceOf(context.preImage?.regardingobjectid);
  if (context.message === "Update" && before?.logicalName === Tables.engagement.logicalName) engagements.add(before.id);

  if (engagements.size === 0) return skipped("not a session of an engagement");
  let writes = 0;
  for (const engagementId of engagements) writes += await recomputeEngagement(engagementId, services);
  return done(writes);
};

/** Recomputes one engagement's rollups and session numbers; returns how many rows it wrote. */
export async function recomputeEngagement(engagementId: string, services: StepServices): Promise<number> {
  const { dataverse } = services;
  const related = await loadEngagementWith(dataverse, engagementId, ["goals", ...CLOSURE_ROWS]);
  const { engagement } = related;
  const config = { ...services.configuration, plannedSessions: plannedSessionsOf(engagement, services.configuration.plannedSessions) };
  const sessions = related.sessions.flatMap((row) => sessionRecord(row) ?? []);
  const state = evaluateEngagement(engagementFacts(engagement, sessions, related.goals.map(goalRecord)), config, services.calendar, services.clock());

  // Booked future sessions decide one closure check, so progress moves with the sessions.
  const facts = closureFactsOf(related, services.clock(), { reasonValue: engagement.sprx_closurereason, summary: null });
  let writes = 0;
  const changes = { ...changedRollups(engagement, state), ...progressChanges(engagement, facts, services.configuration) };
  if (Object.keys(changes).length > 0) {
    await dataverse.update(Tables.engagement.entitySetName, engagementId, changes);
    writes++;
  }
  for (const session of state.sessions) {
    if (session.id && session.number !== session.sessionNumber) {
      await dataverse.update(Tables.appointment.entitySetName, session.id, { sprx_sessionnumber: session.sessionNumber });
      writes++;
    }
  }
  services.logger.info("rollups.recomputed", { table: Tables.engagement.logicalName, recordId: engagementId, count: writes });
  return writes;
}

/** The rollup columns as the Web API stores them, and only those that differ from the row. */
export function changedRollups(row: EngagementRow, state: EngagementState): Partial<EngagementRow> {
  const signals = [...new Set(state.signals.map((s) => SignalValues[s.kind]))].sort((a, b) => a - b);
  const wanted: Partial<EngagementRow> = {
    sprx_stage: StageValues[state.stage],
    sprx_sessionsattended: state.sessionsAttended,
    sprx_sessionsdna: state.sessionsDidNotAttend,
    sprx_sessionscancelled: state.sessionsCancelled,
    sprx_sessionsbooked: state.sessionsBooked,
    sprx_consecutivedna: state.consecutiveDidNotAttend,
    sprx_firstsessionon: state.firstSessionOn?.toISOString() ?? null,
    sprx_lastsessionon: state.lastSessionOn?.toISOString() ?? null,
    sprx_nextsessionon: state.nextSessionOn?.toISOString() ?? null,
    sprx_windowstart: state.windowStart ?? null,
    sprx_windowtargetend: state.windowTargetEnd ?? null,
    sprx_windowend: state.windowEnd ?? null,
    sprx_beyondplan: state.beyondPlanWithoutExtension,
    sprx_conversationsuggested: state.signals.length > 0,
    sprx_conversationsignals: signals.length ? signals.join(",") : null,
  };
  const changes: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(wanted)) {
    if (!sameStored(row[column as keyof EngagementRow], value)) changes[column] = value;
  }
  return changes;
}

/** Equal as Dataverse stores them: instants compared as instants, option sets as sets. */
function sameStored(current: unknown, wanted: unknown): boolean {
  if ((current ?? null) === (wanted ?? null)) return true;
  if (typeof current === "string" && typeof wanted === "string") {
    if (/^\d{4}-\d{2}-\d{2}T/.test(current) && /^\d{4}-\d{2}-\d{2}T/.test(wanted)) return Date.parse(current) === Date.parse(wanted);
    if (/^[\d,]+$/.test(current) && /^[\d,]+$/.test(wanted)) {
      return current.split(",").map(Number).sort().join(",") === wanted.split(",").map(Number).sort().join(",");
    }
    return current.slice(0, 10) === wanted && /^\d{4}-\d{2}-\d{2}$/.test(wanted);
  }
  return false;
}
