import { type ClosureSummaryInput, closureSummaryHtml, dayToIso } from "../../domain";
import { ClosureReasonValues, type EngagementRow, Tables } from "../../solution/generated/dataverse";
import { currentValue, numberOf } from "../context";
import { DataverseError } from "../dataverse/client";
import { GraphUnavailable } from "../graph/graphMail";
import { keyOf, loadSessions, sessionRecord } from "./records";
import { baselineAndLatest, loadScores, scoredRows } from "./wellbeingRecords";
import { connectionCounts, summaryConnections } from "./connectionSummary";
import { done, skipped, type StepHandler, type StepServices } from "./types";

export const CLOSURE_EVENT = "sprx_OnEngagementClosed";

const COLUMNS = [
  "sprx_engagementid", "statecode", "sprx_name", "_sprx_contactid_value", "sprx_closurereason", "sprx_closedon", "sprx_closureeventon",
  "sprx_referrernotifiedon", "sprx_consenttoshare", "sprx_referreremail", "sprx_referraldate", "sprx_referralreason", "sprx_whatmatters",
  "sprx_nextsteps", "sprx_gpactionrequired", "sprx_gpactiondetail", "sprx_sessionsattended", "sprx_connectionsmade", "sprx_connectionsattended",
] as const;

/**
 * After closure (async): raise sprx_OnEngagementClosed once per closure and,
 * with consent to share, email the closure summary to the referrer once.
 *
 * Dataverse may deliver this step more than once (retries, or a second
 * worker racing the first). Each side effect is claimed first with a
 * conditional PATCH on the row's etag: only the delivery whose PATCH
 * succeeds acts; the others get 412 and stand down. A claim is released if
 * its action fails, so the retry Dataverse makes after our 503 can act.
 * "This closure" is the operation's OperationCreatedOn, the same on every
 * retry: a claim older than it belongs to an earlier closure.
 */
export const afterClosure: StepHandler = async (context, services) => {
  const closedNow = numberOf(currentValue(context, "statecode")) === 1 || context.sizeExceeded;
  if (!closedNow) return skipped("not a closure");
  const { dataverse, logger } = services;
  const id = context.primaryId;
  const closureStarted = context.operationCreatedOn ?? services.clock();
  // Dataverse keeps date-times to the second, so the stored claim is compared with the start truncated likewise.
  const startedToTheSecond = Math.floor(closureStarted.getTime() / 1000) * 1000;
  const claimedForThisClosure = (value: string | null | undefined) => !!value && Date.parse(value) >= startedToTheSecond;
  // A claim is never stamped before the operation, even if this host's clock runs behind Dataverse's.
  const claimStamp = () => new Date(Math.max(services.clock().getTime(), closureStarted.getTime())).toISOString();

  let engagement = await dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, COLUMNS);
  if (engagement.statecode !== 1) return skipped("reopened since");
  let writes = 0;

  if (!claimedForThisClosure(engagement.sprx_closureeventon)) {
    const now = claimStamp();
    const closedOn = engagement.sprx_closedon && claimedForThisClosure(engagement.sprx_closedon) ? engagement.sprx_closedon : now;
    if (!(await claim(services, engagement, { sprx_closureeventon: now, sprx_closedon: closedOn }))) return skipped("another delivery raised the event");
    writes++;
    try {
      await dataverse.executeAction(CLOSURE_EVENT, {
        EngagementId: id,
        ContactId: engagement._sprx_contactid_value,
        ClosureReason: engagement.sprx_closurereason,
        ClosedOn: closedOn,
        SessionsAttended: engagement.sprx_sessionsattended ?? 0,
        ...(await connectionCounts(services, id)),
      });
    } catch (error) {
      await dataverse.update(Tables.engagement.entitySetName, id, { sprx_closureeventon: null });
      throw error;
    }
    logger.info("closure.eventRaised", { table: Tables.engagement.logicalName, recordId: id });
    engagement = await dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, COLUMNS);
  }

  if (!engagement.sprx_consenttoshare || !engagement.sprx_referreremail) return done(writes);
  if (claimedForThisClosure(engagement.sprx_referrernotifiedon)) return done(writes);
  if (!services.graph) {
    logger.info("closure.referrerNotConfigured", { table: Tables.engagement.logicalName, recordId: id });
    return done(writes);
  }
  if (!(await claim(services, engagement, { sprx_referrernotifiedon: claimStamp() }))) return done(writes);
  writes++;
  try {
    const summary = await summaryInput(services, engagement);
    await services.graph.sendMail({
      to: engagement.sprx_referreremail,
      subject: `Social prescribing outcome ${engagement.sprx_name ?? ""}`.trim(),
      html: closureSummaryHtml(summary),
    });
  } catch (error) {
    await dataverse.update(Tables.engagement.entitySetName, id, { sprx_referrernotifiedon: null });
    if (error instanceof GraphUnavailable) {
      // The closure stands; Dataverse delivers the step again after a 503 and the email goes then.
      logger.warn("closure.referrerDeferred", { table: Tables.engagement.logicalName, recordId: id, status: error.status });
      return { kind: "retry", reason: "Microsoft Graph unavailable" };
    }
    throw error;
  }
  logger.info("closure.referrerNotified", { table: Tables.engagement.logicalName, recordId: id });
  return done(writes);
};

/** A conditional PATCH on the row's etag; false when another delivery changed the row first. */
async function claim(services: StepServices, engagement: EngagementRow, changes: Partial<EngagementRow>): Promise<boolean> {
  const etag = engagement["@odata.etag"];
  try {
    await services.dataverse.update(Tables.engagement.entitySetName, engagement.sprx_engagementid!, changes, { ifMatch: etag ?? "*" });
    return true;
  } catch (error) {
    if (error instanceof DataverseError && error.preconditionFailed) {
      services.logger.info("closure.claimLost", { table: Tables.engagement.logicalName, recordId: engagement.sprx_engagementid ?? undefined });
      return false;
    }
    throw error;
  }
}

async function summaryInput(services: StepServices, engagement: EngagementRow): Promise<ClosureSummaryInput> {
  const { dataverse, calendar } = services;
  const id = engagement.sprx_engagementid!;
  const [person, sessionRows, goalRows, scoreRows, connections] = await Promise.all([
    engagement._sprx_contactid_value
      ? dataverse.retrieve<{ fullname?: string | null }>("contacts", engagement._sprx_contactid_value, ["fullname"])
      : Promise.resolve({ fullname: null }),
    loadSessions(dataverse, id),
    dataverse.retrieveMultiple<{ sprx_name?: string | null; sprx_supportarranged?: string | null; sprx_helped?: boolean | null }>(
      Tables.goal.entitySetName,
      { select: ["sprx_name", "sprx_supportarranged", "sprx_helped"], filter: `_sprx_engagementid_value eq ${id}` },
    ),
    loadScores(dataverse, id),
    summaryConnections(dataverse, id),
  ]);
  const scores = scoredRows(scoreRows);
  const wellbeing = (["ons4", "ucla3"] as const).flatMap((instrument) => {
    const { baseline } = baselineAndLatest(scores, instrument);
    const closing = scores.filter((s) => s.instrument === instrument && s.timepoint === "closing").at(-1);
    if (!baseline && !closing) return [];
    return [{ label: instrument === "ons4" ? "ONS4 personal wellbeing" : "UCLA 3-item loneliness", baseline: baseline?.score, closing: closing?.score }];
  });
  const goalNames = goalRows.flatMap((g) => (g.sprx_name ? [g.sprx_name] : []));
  return {
    personName: person.fullname ?? "",
    referralDate: engagement.sprx_referraldate ?? undefined,
    referralReason: engagement.sprx_referralreason ?? "",
    whatMatters: goalNames.length ? goalNames : engagement.sprx_whatmatters ? [engagement.sprx_whatmatters] : [],
    contacts: sessionRows.flatMap((row) => {
      const session = sessionRecord(row);
      return session ? [{ day: dayToIso(calendar.dayOf(session.start)), mode: session.mode, attendance: session.attendance }] : [];
    }),
    supportArranged: goalRows.flatMap((g) => (g.sprx_supportarranged ? [{ description: g.sprx_supportarranged, helped: g.sprx_helped ?? null }] : [])),
    connections,
    wellbeing,
    closureReason: keyOf(ClosureReasonValues, engagement.sprx_closurereason) ?? "other",
    closedOn: dayToIso(calendar.dayOf(new Date(engagement.sprx_closedon ?? services.clock()))),
    nextSteps: engagement.sprx_nextsteps ?? "",
    gpAction: { required: engagement.sprx_gpactionrequired === true, detail: engagement.sprx_gpactiondetail ?? undefined },
  };
}
