import { CLOSURE_CHECK_ITEMS, CLOSURE_REASONS, type ClosureCheckItem, type ClosureReason, isOneOf } from "./vocabulary";
import { type Problem, throwIfAny } from "./problems";

/**
 * How one organisation runs the model. Defaults follow the six-appointment,
 * 12–16 week pattern; each value is an environment variable in the solution.
 */
export interface EngagementConfiguration {
  readonly plannedSessions: number;
  /** The engagement should be closing from this week after the first session… */
  readonly windowTargetWeeks: number;
  /** …and closed by this one. */
  readonly windowLimitWeeks: number;
  readonly longestGapDays: number;
  /** Consecutive did-not-attends that suggest a courageous conversation. */
  readonly dnaThreshold: number;
  /** Extension requests at which the pattern itself is worth talking about. */
  readonly extensionRequestThreshold: number;
  readonly requiredChecks: Readonly<Record<ClosureReason, readonly ClosureCheckItem[]>>;
}

const PLANNED_ENDING: readonly ClosureCheckItem[] = [
  "achievementsCelebrated",
  "stayingWellPlanAgreed",
  "communitySupportConfirmed",
  "closingWellbeingRecorded",
  "referrerInformed",
  "futureSessionsCancelled",
];

export const DEFAULT_CONFIGURATION: EngagementConfiguration = {
  plannedSessions: 6,
  windowTargetWeeks: 12,
  windowLimitWeeks: 16,
  longestGapDays: 21,
  dnaThreshold: 2,
  extensionRequestThreshold: 2,
  requiredChecks: {
    goalsMet: PLANNED_ENDING,
    redirected: ["alternativeSupportDiscussed", "alternativeSupportArranged", "referrerInformed", "futureSessionsCancelled"],
    notRightTime: ["returnRouteExplained", "referrerInformed", "futureSessionsCancelled"],
    disengaged: ["contactAttemptsMade", "returnRouteExplained", "referrerInformed", "futureSessionsCancelled"],
    movedAway: ["onwardSignpostingGiven", "referrerInformed", "futureSessionsCancelled"],
    deceased: ["referrerInformed", "futureSessionsCancelled"],
    other: ["referrerInformed", "futureSessionsCancelled"],
  },
};

export type ConfigurationInput = Partial<Omit<EngagementConfiguration, "requiredChecks">> & {
  readonly requiredChecks?: Partial<Record<string, readonly string[]>>;
};

function wholeNumber(problems: Problem[], name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push({ code: `configuration.${name}`, message: `${name} must be a whole number from ${min} to ${max} (was ${String(value)})` });
  }
}

/**
 * Builds a configuration from defaults and overrides, rejecting an impossible
 * one with every problem listed.
 */
export function configure(overrides: ConfigurationInput = {}): EngagementConfiguration {
  const { requiredChecks: checkOverrides, ...numbers } = overrides;
  const merged = { ...DEFAULT_CONFIGURATION, ...stripUndefined(numbers) };
  const problems: Problem[] = [];
  wholeNumber(problems, "plannedSessions", merged.plannedSessions, 1, 52);
  wholeNumber(problems, "windowTargetWeeks", merged.windowTargetWeeks, 1, 104);
  wholeNumber(problems, "windowLimitWeeks", merged.windowLimitWeeks, 1, 104);
  wholeNumber(problems, "longestGapDays", merged.longestGapDays, 1, 365);
  wholeNumber(problems, "dnaThreshold", merged.dnaThreshold, 1, 52);
  wholeNumber(problems, "extensionRequestThreshold", merged.extensionRequestThreshold, 1, 52);
  if (merged.windowLimitWeeks < merged.windowTargetWeeks) {
    problems.push({
      code: "configuration.window",
      message: `the window cannot end (week ${merged.windowLimitWeeks}) before it starts to close (week ${merged.windowTargetWeeks})`,
    });
  }
  const requiredChecks: Record<ClosureReason, readonly ClosureCheckItem[]> = { ...DEFAULT_CONFIGURATION.requiredChecks };
  for (const [reason, items] of Object.entries(checkOverrides ?? {})) {
    if (!isOneOf(CLOSURE_REASONS, reason)) {
      problems.push({ code: "configuration.closureReason", message: `unknown closure reason "${reason}"` });
      continue;
    }
    if (items !== undefined && !Array.isArray(items)) {
      problems.push({ code: "configuration.closureCheck", message: `the closure checks for ${reason} must be a list` });
      continue;
    }
    const known: ClosureCheckItem[] = [];
    for (const item of items ?? []) {
      if (isOneOf(CLOSURE_CHECK_ITEMS, item)) known.push(item);
      else problems.push({ code: "configuration.closureCheck", message: `unknown closure check "${String(item)}" for ${reason}` });
    }
    requiredChecks[reason] = withBookedSessionsCheck(known);
  }
  throwIfAny("Invalid engagement configuration", problems);
  return { ...merged, requiredChecks };
}

/**
 * Whatever an organisation chooses, no engagement closes with sessions still
 * booked in the person's calendar, so that check is part of every list.
 */
export function withBookedSessionsCheck(items: readonly ClosureCheckItem[]): readonly ClosureCheckItem[] {
  return [...new Set<ClosureCheckItem>([...items, "futureSessionsCancelled"])];
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
