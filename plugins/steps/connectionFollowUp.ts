import { followUpOn } from "../../domain";
import { type ConnectionRow, Tables } from "../../solution/generated/dataverse";
import { CONNECTION_COLUMNS, communityConfiguration, connectionFacts } from "./connectionRecords";
import { done, skipped, type StepHandler } from "./types";

/**
 * Follow-up date (async, after commit): when to ask whether the person went —
 * the organisation's follow-up days after the referral (SPRX_FOLLOW_UP_DAYS,
 * environment variable sprx_FollowUpDays, default 14), cleared once the
 * connection is settled. Read from the stored row and written only when it
 * differs, so a retried delivery writes nothing; its own write does not
 * fire it again (sprx_followupon is not among the filtering attributes).
 */
export const connectionFollowUp: StepHandler = async (context, services) => {
  const { dataverse } = services;
  if (context.message === "Delete") return skipped("deleted");
  const row = await dataverse.retrieve<ConnectionRow>(Tables.connection.entitySetName, context.primaryId, CONNECTION_COLUMNS);
  const wanted = followUpOn(connectionFacts(row), communityConfiguration(services));
  if ((row.sprx_followupon ?? null) === wanted) return skipped("follow-up date unchanged");
  await dataverse.update(Tables.connection.entitySetName, context.primaryId, { sprx_followupon: wanted });
  services.logger.info("connection.followUp", { table: Tables.connection.logicalName, recordId: context.primaryId });
  return done(1);
};
