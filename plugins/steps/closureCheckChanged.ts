import { type ClosureCheckRow, Tables } from "../../solution/generated/dataverse";
import { referenceOf } from "../context";
import { CLOSURE_ROWS, closureFactsOf, storeProgress } from "./checklist";
import { loadEngagementWith } from "./records";
import { done, skipped, type StepHandler } from "./types";

/**
 * Closure checks changed, or the closure reason did (async): keeps checks
 * done / required and "checklist complete" on the engagement, judged by the
 * domain as closure itself is, so supervisors can filter on them.
 * Recounted from the rows, so a retry writes nothing new.
 */
export const closureCheckChanged: StepHandler = async (context, services) => {
  const { dataverse } = services;
  if (context.depth > 1 && context.message === "Create" && context.table === Tables.closureCheck.logicalName) {
    // Rows created by a write of this service (engagementCreated), which stores progress itself.
    return skipped("created by the service");
  }
  let engagementId: string | undefined;
  if (context.table === Tables.engagement.logicalName) {
    engagementId = context.primaryId;
  } else {
    const image = context.message === "Delete" ? context.preImage : (context.postImage ?? context.target);
    engagementId = referenceOf(image?.sprx_engagementid)?.id;
    if (!engagementId && context.message !== "Delete") {
      const row = await dataverse.retrieve<ClosureCheckRow>(Tables.closureCheck.entitySetName, context.primaryId, ["_sprx_engagementid_value"]);
      engagementId = row._sprx_engagementid_value ?? undefined;
    }
  }
  if (!engagementId) return skipped("check belongs to no engagement");

  const related = await loadEngagementWith(dataverse, engagementId, CLOSURE_ROWS);
  const { engagement } = related;
  const facts = closureFactsOf(related, services.clock(), { reasonValue: engagement.sprx_closurereason, summary: engagement.sprx_closuresummary });
  const wrote = await storeProgress(dataverse, engagement, facts, services.configuration);
  services.logger.info("checklist.progress", { table: Tables.engagement.logicalName, recordId: engagementId });
  return done(wrote ? 1 : 0);
};
