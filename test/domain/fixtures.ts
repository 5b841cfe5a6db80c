import {
  type Attendance,
  type EngagementFacts,
  type SessionMode,
  type SessionRecord,
  DEFAULT_CONFIGURATION,
  calendarForTimeZone,
  evaluateEngagement,
} from "../../domain";

/** The link worker's calendar in every scenario: UK time, with its clock changes. */
export const london = calendarForTimeZone("Europe/London");

export function session(start: string, attendance: Attendance, extra: { mode?: SessionMode; number?: number } = {}): SessionRecord {
  return { start: new Date(start), attendance, ...extra };
}

/**
 * The model engagement: referred on Monday 5 January 2026, five sessions held
 * fortnightly then three-weekly (the last across the spring clock change) and
 * the sixth booked for 13 April, week 14 of the 12–16 week window.
 */
export const sixSessionEngagement: EngagementFacts = {
  referralDate: "2026-01-05",
  closed: false,
  sessions: [
    session("2026-01-12T10:00:00Z", "attended", { mode: "inPerson", number: 1 }),
    session("2026-01-26T10:00:00Z", "attended", { mode: "phone", number: 2 }),
    session("2026-02-09T10:00:00Z", "attended", { mode: "inPerson", number: 3 }),
    session("2026-03-02T10:00:00Z", "attended", { mode: "video", number: 4 }),
    session("2026-03-23T10:00:00Z", "attended", { mode: "inPerson", number: 5 }),
    session("2026-04-13T10:00:00+01:00", "planned", { mode: "inPerson", number: 6 }),
  ],
};

export function evaluate(facts: EngagementFacts, now: string, config = DEFAULT_CONFIGURATION) {
  return evaluateEngagement(facts, config, london, new Date(now));
}
