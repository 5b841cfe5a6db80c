import { validateClosure } from "../../domain";
import { Tables } from "../../solution/generated/dataverse";
import { numberOf, stringOf } from "../context";
import { CLOSURE_ROWS, closureFactsOf } from "./checklist";
import { loadEngagementWith } from "./records";
import { skipped, type StepHandler } from "./types";

/**
 * Closure validation (sync, PreValidation on the Update that sets statecode
 * to Inactive — outside the transaction, so reading the engagement's rows
 * waits on no lock). The closure reason and summary may arrive in the same
 * update, so the Target wins over what is stored. validateClosure decides,
 * and the answer lists every missing item at once.
 */
export const closureValidation: StepHandler = async (context, services) => {
  const { dataverse } = services;
  const targetState = numberOf(context.target.statecode);
  // Without the Target (payload over 256 KB) the step only fires on state changes; judge it as a closure.
  if (targetState !== 1 && !(context.sizeExceeded && !("statecode" in context.target))) return skipped("not a closure");
  if (numberOf(context.preImage?.statecode) === 1) return skipped("already closed");

  const related = await loadEngagementWith(dataverse, context.primaryId, CLOSURE_ROWS, ["sprx_engagementid", "statecode", "sprx_closurereason", "sprx_closuresummary"]);
  const stored = related.engagement;
  if (context.sizeExceeded && stored.statecode === 1) return skipped("already closed");
  const facts = closureFactsOf(related, services.clock(), {
    reasonValue: "sprx_closurereason" in context.target ? numberOf(context.target.sprx_closurereason) : stored.sprx_closurereason,
    summary: "sprx_closuresummary" in context.target ? stringOf(context.target.sprx_closuresummary) : stored.sprx_closuresummary,
  });
  const verdict = validateClosure(facts, services.configuration);
  if (!verdict.canClose) return { kind: "rejected", summary: "This engagement cannot be closed yet", problems: verdict.missing };
  services.logger.info("closure.allowed", { table: Tables.engagement.logicalName, recordId: context.primaryId });
  return skipped("closure allowed");
};
