import { type Calendar, type CalendarDay, addDays, dayFromIso, daysBetween, dayToIso } from "./calendar";
import type { EngagementConfiguration } from "./configuration";
import { type DayFormatter, dayFormatter } from "./dateFormat";
import type { Problem } from "./problems";
import { stageFor } from "./stage";
import type { Attendance, GoalStatus, SessionMode, SignalKind, Stage } from "./vocabulary";

/** One appointment of the engagement, as the domain needs it. */
export interface SessionRecord {
  readonly id?: string;
  /** The stored session number, if any; the domain works out its own. */
  readonly number?: number;
  readonly start: Date;
  readonly attendance: Attendance;
  readonly mode?: SessionMode;
}

export interface GoalRecord {
  readonly id?: string;
  readonly createdOn: Date;
  readonly status: GoalStatus;
  /** Reviews in a row with no gain in confidence and no goal achieved (see reviewGoal). */
  readonly reviewsSinceProgress: number;
}

export interface ExtensionFacts {
  readonly approved: boolean;
  readonly additionalSessions: number;
  readonly requests: number;
}

export interface EngagementFacts {
  /** Date-only, "YYYY-MM-DD". */
  readonly referralDate?: string;
  readonly closed: boolean;
  readonly sessions: readonly SessionRecord[];
  readonly extension?: ExtensionFacts;
  readonly goals?: readonly GoalRecord[];
}

export interface SessionView extends SessionRecord {
  /**
   * Attended or booked sessions before this one + 1. Missed and cancelled
   * sessions use no slot of the plan: a missed session 2 is rebooked as session 2.
   */
  readonly sessionNumber: number;
  /** Week of the engagement, 1 for the week of the first session, in the user's calendar. */
  readonly week: number;
  readonly day: string;
  readonly isPast: boolean;
}

export interface Signal {
  readonly kind: SignalKind;
  /** Values the guidance text is filled with; never personal data. */
  readonly values: Readonly<Record<string, number>>;
}

export interface EngagementState {
  readonly stage: Stage;
  readonly plannedSessions: number;
  readonly sessionsAttended: number;
  readonly sessionsDidNotAttend: number;
  readonly sessionsCancelled: number;
  readonly sessionsBooked: number;
  readonly consecutiveDidNotAttend: number;
  readonly firstSessionOn?: Date;
  readonly lastSessionOn?: Date;
  readonly nextSessionOn?: Date;
  readonly windowStart?: string;
  readonly windowTargetEnd?: string;
  readonly windowEnd?: string;
  /** Week of the engagement today; undefined until the first session's day comes. */
  readonly weekNow?: number;
  readonly sessions: readonly SessionView[];
  readonly overdue: boolean;
  readonly pastWindow: boolean;
  readonly beyondPlanWithoutExtension: boolean;
  readonly unrecordedPastSessions: number;
  readonly longGaps: readonly { readonly from: string; readonly to: string; readonly days: number }[];
  readonly signals: readonly Signal[];
}

const HELD: ReadonlySet<Attendance> = new Set(["attended", "didNotAttend", "planned"]);

function byStart(a: SessionRecord, b: SessionRecord): number {
  return a.start.getTime() - b.start.getTime();
}

/**
 * Week of the engagement, 1 for the week of the first session. A session
 * cancelled before the first one was ever held belongs to week 1 too: the
 * engagement has no week before it begins.
 */
function weekOf(firstDay: CalendarDay, day: CalendarDay): number {
  return Math.max(1, Math.floor(daysBetween(firstDay, day) / 7) + 1);
}

/** Sessions the plan allows, counting an approved extension. */
export function allowedSessions(config: EngagementConfiguration, extension?: ExtensionFacts): number {
  return config.plannedSessions + (extension?.approved ? Math.max(0, extension.additionalSessions) : 0);
}

/**
 * Everything the tracker, the guidance panel, the webhook's rollups and the
 * supervisor views derive from an engagement's sessions, in one pass.
 */
export function evaluateEngagement(
  facts: EngagementFacts,
  config: EngagementConfiguration,
  calendar: Calendar,
  now: Date,
): EngagementState {
  const today = calendar.dayOf(now);
  const sorted = [...facts.sessions].sort(byStart);
  const anchor = sorted.find((s) => HELD.has(s.attendance));
  const anchorDay = anchor ? calendar.dayOf(anchor.start) : undefined;

  let slotsUsed = 0;
  const sessions: SessionView[] = sorted.map((s) => {
    const day = calendar.dayOf(s.start);
    const view: SessionView = {
      ...s,
      sessionNumber: slotsUsed + 1,
      week: anchorDay === undefined ? 1 : weekOf(anchorDay, day),
      day: dayToIso(day),
      isPast: s.start.getTime() <= now.getTime(),
    };
    if (s.attendance === "attended" || s.attendance === "planned") slotsUsed++;
    return view;
  });

  const count = (a: Attendance) => sorted.filter((s) => s.attendance === a).length;
  const sessionsAttended = count("attended");
  const sessionsDidNotAttend = count("didNotAttend");
  const sessionsCancelled = count("cancelledByPerson") + count("cancelledByService");
  const upcoming = sorted.filter((s) => s.attendance === "planned" && s.start.getTime() > now.getTime());
  const unrecordedPastSessions = sorted.filter((s) => s.attendance === "planned" && s.start.getTime() <= now.getTime()).length;

  let consecutiveDidNotAttend = 0;
  for (const s of [...sorted].reverse()) {
    if (s.attendance === "didNotAttend") consecutiveDidNotAttend++;
    else if (s.attendance === "attended") break;
  }

  const attendedSessions = sorted.filter((s) => s.attendance === "attended");
  const lastSession = attendedSessions.at(-1);
  const nextSession = upcoming[0];

  const windowStart = anchorDay;
  const windowTargetEnd = windowStart === undefined ? undefined : addDays(windowStart, config.windowTargetWeeks * 7);
  const windowEnd = windowStart === undefined ? undefined : addDays(windowStart, config.windowLimitWeeks * 7);

  const active = !facts.closed;
  const referralDay = facts.referralDate ? dayFromIso(facts.referralDate) : undefined;
  const lastContactDay = lastSession ? calendar.dayOf(lastSession.start) : referralDay;
  const overdue =
    active &&
    nextSession === undefined &&
    lastContactDay !== undefined &&
    daysBetween(lastContactDay, today) > config.longestGapDays;
  const pastWindow = active && windowEnd !== undefined && today > windowEnd;
  const allowed = allowedSessions(config, facts.extension);
  const sessionsBooked = sessionsAttended + upcoming.length;
  const beyondPlanWithoutExtension = active && sessionsBooked > allowed;

  const longGaps: { from: string; to: string; days: number }[] = [];
  const contactDays = sorted.filter((s) => s.attendance === "attended" || s.attendance === "planned").map((s) => calendar.dayOf(s.start));
  for (let i = 1; i < contactDays.length; i++) {
    const days = daysBetween(contactDays[i - 1], contactDays[i]);
    if (days > config.longestGapDays) longGaps.push({ from: dayToIso(contactDays[i - 1]), to: dayToIso(contactDays[i]), days });
  }

  const stage = stageFor(sessionsAttended, config.plannedSessions, facts.closed);
  const signals = active
    ? courageousConversationSignals({ facts, config, sessions, sessionsBooked, consecutiveDidNotAttend })
    : [];

  return {
    stage,
    plannedSessions: allowed,
    sessionsAttended,
    sessionsDidNotAttend,
    sessionsCancelled,
    sessionsBooked,
    consecutiveDidNotAttend,
    firstSessionOn: anchor?.start,
    lastSessionOn: lastSession?.start,
    nextSessionOn: nextSession?.start,
    windowStart: windowStart === undefined ? undefined : dayToIso(windowStart),
    windowTargetEnd: windowTargetEnd === undefined ? undefined : dayToIso(windowTargetEnd),
    windowEnd: windowEnd === undefined ? undefined : dayToIso(windowEnd),
    weekNow: anchorDay === undefined || today < anchorDay ? undefined : weekOf(anchorDay, today),
    sessions,
    overdue,
    pastWindow,
    beyondPlanWithoutExtension,
    unrecordedPastSessions,
    longGaps,
    signals,
  };
}

interface SignalInput {
  readonly facts: EngagementFacts;
  readonly config: EngagementConfiguration;
  readonly sessions: readonly SessionView[];
  readonly sessionsBooked: number;
  readonly consecutiveDidNotAttend: number;
}

/**
 * When a courageous conversation is worth having, and why. Each signal names
 * a pattern the worker can see for themselves: missed sessions, an engagement
 * that keeps growing past its plan, or goals that multiply late or stop moving
 * — the usual signs of dependency or of a service that no longer fits.
 */
export function courageousConversationSignals(input: SignalInput): Signal[] {
  const { facts, config, sessions, sessionsBooked, consecutiveDidNotAttend } = input;
  const signals: Signal[] = [];
  if (consecutiveDidNotAttend >= config.dnaThreshold) {
    signals.push({ kind: "dnaStreak", values: { count: consecutiveDidNotAttend, threshold: config.dnaThreshold } });
  }
  if (sessionsBooked > config.plannedSessions) {
    signals.push({ kind: "beyondPlan", values: { booked: sessionsBooked, planned: config.plannedSessions } });
  }
  const requests = facts.extension?.requests ?? 0;
  if (requests >= config.extensionRequestThreshold) {
    signals.push({ kind: "repeatedExtensions", values: { requests } });
  }
  const goals = facts.goals ?? [];
  const buildingStartedWith = sessions.find(
    (s) => s.attendance === "attended" && stageFor(s.sessionNumber, config.plannedSessions, false) === "buildingIndependence",
  );
  if (buildingStartedWith) {
    const late = goals.filter((g) => g.createdOn.getTime() > buildingStartedWith.start.getTime()).length;
    if (late >= 2) signals.push({ kind: "lateGoalGrowth", values: { goals: late } });
  }
  const open = goals.filter((g) => g.status === "notStarted" || g.status === "inProgress");
  if (open.length > 0 && open.every((g) => g.reviewsSinceProgress >= 2)) {
    signals.push({ kind: "stalledGoals", values: { goals: open.length, reviews: Math.min(...open.map((g) => g.reviewsSinceProgress)) } });
  }
  return signals;
}

/** After a goal review: reset on progress (more confidence, or achieved), otherwise count one more. */
export function reviewGoal(
  before: { readonly confidence: number; readonly reviewsSinceProgress: number },
  after: { readonly confidence: number; readonly status: GoalStatus },
): number {
  return after.confidence > before.confidence || after.status === "achieved" ? 0 : before.reviewsSinceProgress + 1;
}

/**
 * Input that cannot be right: sessions before the referral, attendance
 * recorded for a session that has not happened, stored numbers that run
 * against the dates. Every problem is returned, none thrown. Dates in the
 * messages are in the user's format (dd/MM/yyyy unless told otherwise).
 */
export function sessionProblems(facts: EngagementFacts, calendar: Calendar, now: Date, formatDay: DayFormatter = dayFormatter(undefined)): Problem[] {
  const problems: Problem[] = [];
  const referralDay = facts.referralDate ? dayFromIso(facts.referralDate) : undefined;
  const sorted = [...facts.sessions].sort(byStart);
  sorted.forEach((s, index) => {
    const label = `the session on ${formatDay(calendar.dayOf(s.start))}`;
    if (referralDay !== undefined && calendar.dayOf(s.start) < referralDay) {
      problems.push({ code: "session.beforeReferral", message: `${label} is before the referral date ${formatDay(referralDay)}` });
    }
    if ((s.attendance === "attended" || s.attendance === "didNotAttend") && s.start.getTime() > now.getTime()) {
      problems.push({ code: "session.attendanceInFuture", message: `${label} has not happened yet, so its attendance cannot be recorded` });
    }
    const previous = sorted.slice(0, index).filter((p) => p.number !== undefined).at(-1);
    if (s.number !== undefined && previous?.number !== undefined && s.number < previous.number) {
      problems.push({
        code: "session.outOfOrder",
        message: `${label} is numbered ${s.number} but comes after session ${previous.number}`,
      });
    }
  });
  return problems;
}

/** The number a new session would get, and whether the plan allows it. */
export function nextSessionNumber(facts: EngagementFacts, config: EngagementConfiguration): { number: number; allowed: boolean } {
  const attended = facts.sessions.filter((s) => s.attendance === "attended").length;
  const planned = facts.sessions.filter((s) => s.attendance === "planned").length;
  const number = attended + planned + 1;
  return { number, allowed: number <= allowedSessions(config, facts.extension) };
}

export type { CalendarDay };
