import { allowedSessions, type Problem, type SessionRecord, nextSessionNumber, sessionProblems } from "../../domain";
import { AttendanceValues, type AppointmentRow, Tables } from "../../solution/generated/dataverse";
import { currentValue, dateOf, numberOf, referenceOf } from "../context";
import { attendanceOf, engagementFacts, keyOf, loadEngagement, loadSessions, plannedSessionsOf, SESSION_COLUMNS, sessionRecord } from "./records";
import { skipped, type StepHandler } from "./types";
import { userDayFormatter } from "./userSettings";

/**
 * Session validation (sync, PreValidation — outside the transaction, so the
 * engagement and its other sessions can be read without waiting on locks).
 * Rejects, with every reason at once: a session on a closed engagement, one
 * beyond the allowed sessions without an approved extension, one before the
 * referral, attendance recorded for a session that has not happened.
 */
export const sessionValidation: StepHandler = async (context, services) => {
  let merged = (column: string) => currentValue(context, column);
  if (context.sizeExceeded && context.message === "Update") {
    // Without the Target we cannot know what changes; judge the stored session.
    const stored = await services.dataverse.retrieve<AppointmentRow>(Tables.appointment.entitySetName, context.primaryId, SESSION_COLUMNS);
    merged = (column) =>
      column === "regardingobjectid" && stored._regardingobjectid_value
        ? { id: stored._regardingobjectid_value, logicalName: Tables.engagement.logicalName }
        : (stored as Record<string, string | number | null | undefined>)[column] ?? undefined;
  }
  const regarding = referenceOf(merged("regardingobjectid"));
  if (regarding?.logicalName !== Tables.engagement.logicalName) return skipped("not a session of an engagement");
  const start = dateOf(merged("scheduledstart"));
  if (!start) return skipped("no start time yet");

  const [engagement, sessionRows] = await Promise.all([loadEngagement(services.dataverse, regarding.id), loadSessions(services.dataverse, regarding.id)]);
  const attendanceValue = numberOf(merged("sprx_attendance")) ?? AttendanceValues.planned;
  const session: SessionRecord = {
    id: context.primaryId,
    start,
    attendance: attendanceOf({ sprx_attendance: attendanceValue, statecode: numberOf(merged("statecode")) }),
  };
  const problems: Problem[] = [];
  if (keyOf(AttendanceValues, attendanceValue) === undefined) {
    problems.push({ code: "session.attendance", message: "the attendance is not one of the known options" });
  }
  if (engagement.statecode === 1) {
    problems.push({ code: "session.engagementClosed", message: "the engagement is closed; reopen it before adding or changing its sessions" });
  }

  const others = sessionRows.filter((row) => row.activityid !== context.primaryId).flatMap((row) => sessionRecord(row) ?? []);
  const config = { ...services.configuration, plannedSessions: plannedSessionsOf(engagement, services.configuration.plannedSessions) };
  const facts = engagementFacts(engagement, others);
  const usesASlot = session.attendance === "planned" || session.attendance === "attended";
  const wasCounted = sessionRows.some(
    (row) => row.activityid === context.primaryId && row._regardingobjectid_value === regarding.id && ["planned", "attended"].includes(attendanceOf(row)),
  );
  if (usesASlot && !wasCounted) {
    const next = nextSessionNumber(facts, config);
    if (!next.allowed) {
      problems.push({
        code: "session.beyondPlan",
        message: `this would be session ${next.number}, beyond the ${allowedSessions(config, facts.extension)} the plan allows; a supervisor must approve an extension first`,
      });
    }
  }
  const dated = sessionProblems({ ...facts, sessions: [session] }, services.calendar, services.clock());
  // Only a message that names a date costs the read of the user's settings.
  if (dated.length > 0) problems.push(...sessionProblems({ ...facts, sessions: [session] }, services.calendar, services.clock(), await userDayFormatter(context, services)));

  if (problems.length > 0) return { kind: "rejected", summary: "This session cannot be saved", problems };
  return skipped("session is valid");
};
