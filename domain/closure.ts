import { type EngagementConfiguration, withBookedSessionsCheck } from "./configuration";
import type { Problem } from "./problems";
import { type ClosureCheckItem, type ClosureReason, CLOSURE_REASONS, isOneOf } from "./vocabulary";
import { closureCheckLabel } from "./guidance";
import { type CommunitySupportProof, communitySupportProblem } from "./community";

export interface ClosureFacts {
  readonly reason?: string | null;
  /** Items ticked on the engagement's checklist. */
  readonly done: ReadonlySet<ClosureCheckItem> | readonly ClosureCheckItem[];
  readonly summary?: string | null;
  /** Planned sessions still in the future: they must be cancelled first. */
  readonly openFutureSessions: number;
  /** Whether a closing wellbeing measure is stored (checked, not just ticked). */
  readonly closingWellbeingRecorded: boolean;
  /**
   * "Community support in place" as the record proves it (an attended
   * connection, or a waiver with its reason). When given, the check is judged
   * from it instead of the tick; callers that know the connections give it.
   */
  readonly communitySupport?: CommunitySupportProof;
}

export interface MissingItem extends Problem {
  readonly item?: ClosureCheckItem;
}

export interface ClosureVerdict {
  readonly canClose: boolean;
  readonly required: readonly ClosureCheckItem[];
  readonly missing: readonly MissingItem[];
}

/**
 * Checks the record proves by itself — no booked future sessions, a stored
 * closing measure. Ticking them would be taking them on trust, so the
 * checklist shows them as facts and closure judges them from the record.
 */
export const CHECKS_PROVED_FROM_RECORD: ReadonlySet<ClosureCheckItem> = new Set<ClosureCheckItem>(["futureSessionsCancelled", "closingWellbeingRecorded"]);

/** The checks the chosen reason needs, in checklist order (booked sessions always among them). */
export function requiredChecks(reason: ClosureReason, config: EngagementConfiguration): readonly ClosureCheckItem[] {
  return withBookedSessionsCheck(config.requiredChecks[reason]);
}

/**
 * Whether an engagement may close, with every missing item and why — never
 * only the first, so the worker sees the whole list at once. Two checks are
 * proved from the record alone, neither taken on trust nor asked for twice:
 * no future sessions left open, and a closing wellbeing measure actually stored.
 */
export function validateClosure(facts: ClosureFacts, config: EngagementConfiguration): ClosureVerdict {
  if (!Number.isInteger(facts.openFutureSessions) || facts.openFutureSessions < 0) {
    throw new RangeError(`openFutureSessions must be a whole number of sessions (was ${String(facts.openFutureSessions)})`);
  }
  const reason = facts.reason && isOneOf(CLOSURE_REASONS, facts.reason) ? facts.reason : undefined;
  const missing: MissingItem[] = reason ? [] : [{ code: "closure.reason", message: "Choose a closure reason" }];
  // Without a reason, only the check that every reason shares can be judged.
  const required = reason ? requiredChecks(reason, config) : [];
  const checks = reason ? required : withBookedSessionsCheck([]);
  const done = new Set(facts.done);
  for (const item of checks) {
    if (item === "futureSessionsCancelled") {
      if (facts.openFutureSessions > 0) {
        missing.push({
          code: "closure.futureSessions",
          item,
          message: `${closureCheckLabel(item)}: ${facts.openFutureSessions} future ${facts.openFutureSessions === 1 ? "session" : "sessions"} still booked`,
        });
      }
      continue;
    }
    if (item === "closingWellbeingRecorded") {
      if (!facts.closingWellbeingRecorded) {
        missing.push({ code: "closure.closingWellbeing", item, message: `${closureCheckLabel(item)}: no closing wellbeing measure is stored` });
      }
      continue;
    }
    if (item === "communitySupportConfirmed" && facts.communitySupport) {
      const problem = communitySupportProblem(facts.communitySupport);
      if (problem) missing.push({ code: "closure.communitySupport", item, message: `${closureCheckLabel(item)}: ${problem}` });
      continue;
    }
    if (!done.has(item)) missing.push({ code: "closure.check", item, message: `${closureCheckLabel(item)}: not done yet` });
  }
  missing.push(...summaryProblem(facts));
  return { canClose: missing.length === 0, required, missing };
}

function summaryProblem(facts: ClosureFacts): MissingItem[] {
  return facts.summary && facts.summary.trim().length > 0
    ? []
    : [{ code: "closure.summary", message: "Write a closure summary for the referrer" }];
}

export interface ChecklistProgress {
  readonly required: number;
  readonly done: number;
  /** Every check the reason needs is satisfied (the summary is judged separately, at closing). */
  readonly complete: boolean;
}

/**
 * Checklist progress as supervisors filter on it, judged exactly as closure
 * is: the two record-proved items count as done only when the record proves them.
 */
export function checklistProgress(facts: ClosureFacts, config: EngagementConfiguration): ChecklistProgress {
  const verdict = validateClosure(facts, config);
  const unmet = new Set(verdict.missing.flatMap((m) => (m.item ? [m.item] : [])));
  const done = verdict.required.filter((item) => !unmet.has(item)).length;
  return { required: verdict.required.length, done, complete: verdict.required.length > 0 && done === verdict.required.length };
}
