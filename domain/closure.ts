import type { EngagementConfiguration } from "./configuration";
import type { Problem } from "./problems";
import { type ClosureCheckItem, type ClosureReason, CLOSURE_REASONS, isOneOf } from "./vocabulary";
import { closureCheckLabel } from "./guidance";

export interface ClosureFacts {
  readonly reason?: string | null;
  /** Items ticked on the engagement's checklist. */
  readonly done: ReadonlySet<ClosureCheckItem> | readonly ClosureCheckItem[];
  readonly summary?: string | null;
  /** Planned sessions still in the future: they must be cancelled first. */
  readonly openFutureSessions: number;
  /** Whether a closing wellbeing measure is stored (checked, not just ticked). */
  readonly closingWellbeingRecorded: boolean;
}

export interface MissingItem extends Problem {
  readonly item?: ClosureCheckItem;
}

export interface ClosureVerdict {
  readonly canClose: boolean;
  readonly required: readonly ClosureCheckItem[];
  readonly missing: readonly MissingItem[];
}

/** The checks the chosen reason needs, in checklist order. */
export function requiredChecks(reason: ClosureReason, config: EngagementConfiguration): readonly ClosureCheckItem[] {
  return config.requiredChecks[reason];
}

/**
 * Whether an engagement may close, with every missing item and why — never
 * only the first, so the worker sees the whole list at once. Two checks are
 * proved from the record, not taken on trust: no future sessions left open,
 * and a closing wellbeing measure actually stored.
 */
export function validateClosure(facts: ClosureFacts, config: EngagementConfiguration): ClosureVerdict {
  const missing: MissingItem[] = [];
  if (!facts.reason || !isOneOf(CLOSURE_REASONS, facts.reason)) {
    missing.push({ code: "closure.reason", message: "Choose a closure reason" });
    return { canClose: false, required: [], missing: [...missing, ...summaryProblem(facts)] };
  }
  const required = requiredChecks(facts.reason, config);
  const done = new Set(facts.done);
  for (const item of required) {
    if (item === "futureSessionsCancelled") {
      if (facts.openFutureSessions > 0) {
        missing.push({
          code: "closure.futureSessions",
          item,
          message: `${closureCheckLabel(item)}: ${facts.openFutureSessions} future session(s) still booked`,
        });
      }
      continue;
    }
    if (item === "closingWellbeingRecorded" && !facts.closingWellbeingRecorded) {
      missing.push({ code: "closure.closingWellbeing", item, message: `${closureCheckLabel(item)}: no closing wellbeing measure is stored` });
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
