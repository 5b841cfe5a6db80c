import { type Problem, connectionProblems } from "../../domain";
import { type ConnectionRow, ConnectionKindValues, type EngagementRow, Tables } from "../../solution/generated/dataverse";
import { numberOf, referenceOf } from "../context";
import { CONNECTION_COLUMNS, connectionFacts, withTarget } from "./connectionRecords";
import { keyOf } from "./records";
import { skipped, type StepHandler } from "./types";

/**
 * Connection validation (sync, PreValidation on Create and Update of
 * sprx_connection — outside the transaction, so the stored row and its
 * engagement are read without waiting on locks). The connection as it would
 * be saved is judged by the domain's lifecycle: no move the lifecycle does
 * not allow, every step dated, dates in order and none in the future. A
 * refusal lists every problem at once and nothing is written.
 */
export const connectionValidation: StepHandler = async (context, services) => {
  const { dataverse } = services;
  const stored: Partial<ConnectionRow> =
    context.message === "Update" ? await dataverse.retrieve<ConnectionRow>(Tables.connection.entitySetName, context.primaryId, CONNECTION_COLUMNS) : {};
  // Without the Target (payload over 256 KB) the stored row is all there is to judge.
  const next = context.sizeExceeded ? stored : withTarget(stored, context.target);
  const previous = context.message === "Update" ? connectionFacts(stored) : undefined;
  const today = services.calendar.dayOf(services.clock());
  const problems: Problem[] = [...connectionProblems(connectionFacts(next), previous, today)];

  const kind = numberOf(context.target.sprx_kind);
  if ("sprx_kind" in context.target && kind !== undefined && keyOf(ConnectionKindValues, kind) === undefined) {
    problems.push({ code: "connection.kind", message: "the kind is not one of signposted, introduced or formal referral" });
  }
  const engagementId = next._sprx_engagementid_value ?? referenceOf(context.target.sprx_engagementid)?.id;
  if (engagementId) {
    const engagement = await dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, engagementId, ["statecode"]);
    if (engagement.statecode === 1 && context.message === "Create") {
      problems.push({ code: "connection.engagementClosed", message: "the engagement is closed; reopen it before connecting the person to more support" });
    }
  }
  if (problems.length > 0) return { kind: "rejected", summary: "This connection cannot be saved", problems };
  return skipped("connection is valid");
};
