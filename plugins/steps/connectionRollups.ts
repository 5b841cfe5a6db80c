import { linkingSuccess } from "../../domain";
import { type CommunityServiceRow, type EngagementRow, Tables } from "../../solution/generated/dataverse";
import type { DataverseClient } from "../dataverse/client";
import { CLOSURE_ROWS, closureFactsOf, storeProgress } from "./checklist";
import { connectionFacts, connectionOwners, connectionsOf } from "./connectionRecords";
import { ENGAGEMENT_COLUMNS, loadEngagementWith } from "./records";
import { done, skipped, type StepHandler } from "./types";

/**
 * Linking success (async, after commit): recounts, from the rows, the
 * connections made and attended on the engagement (and its checklist
 * progress, since an attended connection proves "community support in
 * place") and on the service (with its uptake). Recounted, never
 * incremented, so a retried or repeated delivery changes nothing.
 */
export const connectionRollups: StepHandler = async (context, services) => {
  const { dataverse } = services;
  const owners = connectionOwners(context);
  if (context.message !== "Delete" && (owners.engagements.size === 0 || owners.services.size === 0)) {
    const row = await dataverse.retrieve<{ _sprx_engagementid_value?: string | null; _sprx_serviceid_value?: string | null }>(
      Tables.connection.entitySetName, context.primaryId, ["_sprx_engagementid_value", "_sprx_serviceid_value"],
    );
    if (row._sprx_engagementid_value) owners.engagements.add(row._sprx_engagementid_value.toLowerCase());
    if (row._sprx_serviceid_value) owners.services.add(row._sprx_serviceid_value.toLowerCase());
  }
  if (owners.engagements.size === 0 && owners.services.size === 0) return skipped("connection belongs to nothing");
  let writes = 0;
  for (const id of owners.engagements) writes += (await engagementRollups(dataverse, id, services)) ? 1 : 0;
  for (const id of owners.services) writes += (await serviceRollups(dataverse, id)) ? 1 : 0;
  services.logger.info("connection.rollups", { table: Tables.connection.logicalName, recordId: context.primaryId });
  return done(writes);
};

async function engagementRollups(dataverse: DataverseClient, id: string, services: Parameters<StepHandler>[1]): Promise<boolean> {
  const related = await loadEngagementWith(dataverse, id, CLOSURE_ROWS, [...ENGAGEMENT_COLUMNS, "sprx_closuresummary", "sprx_connectionsmade", "sprx_connectionsattended"]);
  const engagement: EngagementRow = related.engagement;
  const success = linkingSuccess(related.connections.map(connectionFacts));
  const extra: Partial<EngagementRow> = {};
  if ((engagement.sprx_connectionsmade ?? null) !== success.made) extra.sprx_connectionsmade = success.made;
  if ((engagement.sprx_connectionsattended ?? null) !== success.attended) extra.sprx_connectionsattended = success.attended;
  // A closed engagement keeps the checklist progress it closed with.
  if (engagement.statecode === 1) {
    if (Object.keys(extra).length === 0) return false;
    await dataverse.update(Tables.engagement.entitySetName, id, extra);
    return true;
  }
  const facts = closureFactsOf(related, services.clock(), { reasonValue: engagement.sprx_closurereason, summary: engagement.sprx_closuresummary });
  return storeProgress(dataverse, engagement, facts, services.configuration, extra);
}

async function serviceRollups(dataverse: DataverseClient, id: string): Promise<boolean> {
  const [service, rows] = await Promise.all([
    dataverse.retrieve<CommunityServiceRow>(Tables.communityService.entitySetName, id, ["sprx_communityserviceid", "sprx_connectionsmade", "sprx_connectionsattended", "sprx_uptake"]),
    connectionsOf(dataverse, `_sprx_serviceid_value eq ${id}`),
  ]);
  const success = linkingSuccess(rows.map(connectionFacts));
  const wanted: Partial<CommunityServiceRow> = {
    sprx_connectionsmade: success.made,
    sprx_connectionsattended: success.attended,
    sprx_uptake: success.rate === null ? null : Math.round(success.rate * 100),
  };
  const changes = Object.fromEntries(Object.entries(wanted).filter(([column, value]) => (service[column as keyof CommunityServiceRow] ?? null) !== value));
  if (Object.keys(changes).length === 0) return false;
  await dataverse.update(Tables.communityService.entitySetName, id, changes);
  return true;
}
