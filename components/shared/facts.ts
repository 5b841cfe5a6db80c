import {
  configure,
  evaluateEngagement,
  scoreWellbeing,
  type Calendar,
  type EngagementConfiguration,
  type EngagementFacts,
  type EngagementState,
  type GoalRecord,
  type Instrument,
  type SessionRecord,
  type Timepoint,
  type WellbeingScore,
} from "../../domain";
import type { ContactEngagements } from "./store";
import {
  AttendanceValues,
  GoalStatusValues,
  InstrumentValues,
  SessionModeValues,
  TimepointValues,
  keyOf,
  type AppointmentRow,
  type EngagementRow,
  type WellbeingScoreRow,
} from "./rows";

/** The rows of an engagement read as the domain's facts; rows the domain cannot place are left out, never guessed. */
export function sessionRecords(rows: readonly AppointmentRow[]): SessionRecord[] {
  const sessions: SessionRecord[] = [];
  for (const row of rows) {
    const start = row.scheduledstart ? new Date(row.scheduledstart) : undefined;
    if (!row.activityid || !start || Number.isNaN(start.getTime())) continue;
    sessions.push({
      id: row.activityid,
      number: row.sprx_sessionnumber ?? undefined,
      start,
      attendance: keyOf(AttendanceValues, row.sprx_attendance) ?? "planned",
      mode: keyOf(SessionModeValues, row.sprx_mode),
    });
  }
  return sessions;
}

export function isClosed(engagement: EngagementRow | undefined): boolean {
  return engagement?.statecode === 1;
}

/** The organisation's defaults with this engagement's own planned sessions. */
export function configurationFor(engagement: EngagementRow | undefined): EngagementConfiguration {
  const planned = engagement?.sprx_plannedsessions;
  return configure(planned ? { plannedSessions: planned } : {});
}

export function engagementFacts(data: ContactEngagements): EngagementFacts {
  const engagement = data.engagement;
  const goals: GoalRecord[] = data.goals.map((g) => ({
    id: g.sprx_goalid ?? undefined,
    createdOn: new Date(g.createdon ?? 0),
    status: keyOf(GoalStatusValues, g.sprx_status) ?? "notStarted",
    reviewsSinceProgress: g.sprx_reviewssinceprogress ?? 0,
  }));
  return {
    referralDate: engagement?.sprx_referraldate ?? undefined,
    closed: isClosed(engagement),
    sessions: sessionRecords(data.sessions),
    extension: {
      approved: engagement?.sprx_extensionapproved === true,
      additionalSessions: engagement?.sprx_extensionsessions ?? 0,
      requests: engagement?.sprx_extensionrequests ?? 0,
    },
    goals,
  };
}

/** The engagement as every control sees it: the same domain evaluation, now, in the user's calendar. */
export function evaluate(data: ContactEngagements, calendar: Calendar, now: Date): EngagementState {
  return evaluateEngagement(engagementFacts(data), configurationFor(data.engagement), calendar, now);
}

export interface ScoredMeasure {
  readonly id: string;
  readonly instrument: Instrument;
  readonly timepoint: Timepoint;
  readonly completedOn: string;
  readonly score: WellbeingScore;
}

type AnswerColumn = "sprx_ons4_satisfied" | "sprx_ons4_worthwhile" | "sprx_ons4_happy" | "sprx_ons4_anxious" | "sprx_ucla_companionship" | "sprx_ucla_leftout" | "sprx_ucla_isolated";

const ANSWER_COLUMNS: Record<Instrument, Record<string, AnswerColumn>> = {
  ons4: { satisfied: "sprx_ons4_satisfied", worthwhile: "sprx_ons4_worthwhile", happy: "sprx_ons4_happy", anxious: "sprx_ons4_anxious" },
  ucla3: { companionship: "sprx_ucla_companionship", leftOut: "sprx_ucla_leftout", isolated: "sprx_ucla_isolated" },
};

export function answerColumn(instrument: Instrument, item: string): string {
  return ANSWER_COLUMNS[instrument][item];
}

/** Stored measures scored by the domain, oldest first; an incomplete row is skipped rather than shown wrong. */
export function scoredMeasures(rows: readonly WellbeingScoreRow[]): ScoredMeasure[] {
  const measures: ScoredMeasure[] = [];
  for (const row of rows) {
    const instrument = keyOf(InstrumentValues, row.sprx_instrument);
    const timepoint = keyOf(TimepointValues, row.sprx_timepoint);
    if (!instrument || !timepoint || !row.sprx_wellbeingscoreid) continue;
    const answers = Object.fromEntries(Object.entries(ANSWER_COLUMNS[instrument]).map(([item, column]) => [item, row[column]]));
    try {
      const score = scoreWellbeing(instrument, answers);
      measures.push({ id: row.sprx_wellbeingscoreid, instrument, timepoint, completedOn: row.sprx_completedon ?? "", score });
    } catch {
      // An incomplete row (e.g. imported with a missing item) has no score to show.
    }
  }
  return measures.sort((a, b) => (a.completedOn < b.completedOn ? -1 : a.completedOn > b.completedOn ? 1 : 0));
}
