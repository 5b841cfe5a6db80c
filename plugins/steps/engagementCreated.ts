import { closureCheckLabel } from "../../domain";
import { ClosureCheckItemValues, type EngagementRow, StageValues, Tables } from "../../solution/generated/dataverse";
import { closureFacts, configuredItems, loadChecks, storeProgress } from "./checklist";
import { bindEngagement, keyOf, loadEngagement } from "./records";
import { recomputeEngagement } from "./sessionBookkeeping";
import { done, type StepHandler } from "./types";
import { currentValue, referenceOf } from "../context";

/**
 * Engagement created (async): one closure-check row per item the
 * configuration uses, the first stage, checklist progress and the rollups. Safe to run
 * twice: items that already have a row are not created again.
 */
export const engagementCreated: StepHandler = async (context, services) => {
  const { dataverse, configuration } = services;
  const engagement = await loadEngagement(dataverse, context.primaryId, [
    "sprx_engagementid", "sprx_stage", "sprx_closurereason", "sprx_closuresummary", "sprx_checksdone", "sprx_checksrequired", "sprx_checklistcomplete",
  ]);
  const existing = await loadChecks(dataverse, context.primaryId);
  const present = new Set(existing.flatMap((row) => keyOf(ClosureCheckItemValues, row.sprx_item) ?? []));

  // The service runs as its own application user: the rows it creates are given to the engagement's owner,
  // so a link worker who can see only their own records sees their checklist.
  const owner = referenceOf(currentValue(context, "ownerid")) ?? (context.userId ? { logicalName: "systemuser", id: context.userId } : undefined);
  const ownerBind = owner?.id ? { "ownerid@odata.bind": `/${owner.logicalName === "team" ? "teams" : "systemusers"}(${owner.id})` } : {};
  let writes = 0;
  for (const item of configuredItems(configuration)) {
    if (present.has(item)) continue;
    await dataverse.create(Tables.closureCheck.entitySetName, {
      sprx_name: closureCheckLabel(item),
      sprx_item: ClosureCheckItemValues[item],
      sprx_done: false,
      "sprx_engagementid@odata.bind": bindEngagement(context.primaryId),
      ...ownerBind,
    });
    writes++;
  }

  const facts = await closureFacts(dataverse, context.primaryId, services.clock(), {
    reasonValue: engagement.sprx_closurereason,
    summary: engagement.sprx_closuresummary,
  });
  const initial: Partial<EngagementRow> = engagement.sprx_stage === null || engagement.sprx_stage === undefined ? { sprx_stage: StageValues.establishing } : {};
  if (await storeProgress(dataverse, engagement, facts, configuration, initial)) writes++;
  // The rollups are there from the start (0 sessions attended, not empty until the first session).
  writes += await recomputeEngagement(context.primaryId, services);
  services.logger.info("checklist.created", { table: Tables.engagement.logicalName, recordId: context.primaryId, count: writes });
  return done(writes);
};
