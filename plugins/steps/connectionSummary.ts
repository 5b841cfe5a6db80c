import { linkingSuccess, type SummaryConnection } from "../../domain";
import { type CommunityServiceRow, type ConnectionRow, Tables } from "../../solution/generated/dataverse";
import { communityChoices } from "../../solution/schema/community";
import type { DataverseClient } from "../dataverse/client";
import { connectionFacts } from "./connectionRecords";
import { CONNECTION_FACT_COLUMNS } from "./records";
import type { StepServices } from "./types";

/** The engagement's connections for the closure event and the message back (issue 15). */

export function engagementConnections(dataverse: DataverseClient, engagementId: string): Promise<ConnectionRow[]> {
  return dataverse.retrieveMultiple<ConnectionRow>(Tables.connection.entitySetName, {
    select: [...CONNECTION_FACT_COLUMNS, "_sprx_serviceid_value", "createdon"],
    filter: `_sprx_engagementid_value eq ${engagementId}`,
    orderby: "createdon asc",
  });
}

/** Counts carried by the closure event: connections made and attended, recounted from the rows. */
export async function connectionCounts(services: Pick<StepServices, "dataverse">, engagementId: string): Promise<{ ConnectionsMade: number; ConnectionsAttended: number }> {
  const rows = await engagementConnections(services.dataverse, engagementId);
  const success = linkingSuccess(rows.map(connectionFacts));
  return { ConnectionsMade: success.made, ConnectionsAttended: success.attended };
}

const categoryLabel = (value: number | null | undefined) => communityChoices.serviceCategory.options.find((o) => o.value === value)?.label;

/** Each connection with its service's name and category, for the PRSB message back. */
export async function summaryConnections(dataverse: DataverseClient, engagementId: string): Promise<SummaryConnection[]> {
  const rows = await engagementConnections(dataverse, engagementId);
  const ids = [...new Set(rows.flatMap((r) => (r._sprx_serviceid_value ? [r._sprx_serviceid_value] : [])))];
  // A handful per engagement, read once per closure email.
  const services = await Promise.all(
    ids.map((id) => dataverse.retrieve<CommunityServiceRow>(Tables.communityService.entitySetName, id, ["sprx_communityserviceid", "sprx_name", "sprx_category"])),
  );
  const byId = new Map(services.map((s) => [s.sprx_communityserviceid?.toLowerCase(), s]));
  return rows.map((row) => {
    const facts = connectionFacts(row);
    const service = byId.get(row._sprx_serviceid_value?.toLowerCase());
    const category = categoryLabel(service?.sprx_category);
    return {
      service: service?.sprx_name ?? "A community service",
      ...(category ? { category } : {}),
      status: facts.status,
      referredOn: facts.referredOn,
      attendedOn: facts.attendedOn,
      reason: facts.outcomeReason,
    };
  });
}
