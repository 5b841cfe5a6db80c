import { numberOf } from "../context";
import { recomputeEngagement } from "./sessionBookkeeping";
import { done, skipped, type StepHandler } from "./types";

/**
 * Engagement closed or reopened (async, after commit): the stored stage and
 * the other rollups follow the state — closed when the engagement closes
 * (no signals or flags on a closed case), and worked out again from the
 * sessions when a supervisor reopens it. Supervisors' views filter on the
 * stored stage, so it must never keep the stage from before the closure.
 * The rollup columns it writes are not filtering attributes of any
 * engagement step, so the write triggers nothing further.
 */
export const engagementStateChanged: StepHandler = async (context, services) => {
  if (!("statecode" in context.target) && !context.sizeExceeded) return skipped("state unchanged");
  if (numberOf(context.target.statecode) === numberOf(context.preImage?.statecode) && context.preImage) return skipped("state unchanged");
  return done(await recomputeEngagement(context.primaryId, services));
};
