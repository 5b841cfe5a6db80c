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
 * worker racing the first). The event is raised in one change set with a
 * conditional PATCH of its stamp on the row's etag: both commit or neither,
 * and of racing deliveries only one commits. The email cannot share a
 * transaction, so it is claimed first (a conditional PATCH), released if
 * sending fails so Dataverse's retry can send it, and marked done once sent;
 * a claim left pending by a delivery that died half-way (the service killed)
 * is taken over by the next one.
 * "This closure" is the operation's OperationCreatedOn, the same on every
 * retry: a claim older than it belongs to an earlier closure. An update whose
 * pre-image is already closed is never a closure, however late it comes.
 */
export const afterClosure: StepHandler = async (context, services) => {
  const closedNow = numberOf(currentValue(context, "statecode")) === 1 || context.sizeExceeded;
  if (!closedNow) return skipped("not a closure");
  // A closing update sent again to a row that was already closed (a resend, a second tab, an import run twice),
  // however much later, is no new closure: only a reopen followed by a closure is. The pre-image tells.
  if (numberOf(context.preImage?.statecode) === 1) return skipped("already closed before this update");
  const { dataverse, logger } = services;
  const id = context.primaryId;
  const closureStarted = context.operationCreatedOn ?? services.clock();
  // Dataverse keeps date-times to the second, so claims are compared with the start truncated likewise.
  const startedToTheSecond = Math.floor(closureStarted.getTime() / 1000) * 1000;
  const stateOf = (value: string | null | undefined) => claimState(value, startedToTheSecond);
  const pendingStamp = new Date(startedToTheSecond).toISOString();
  // "Done" is stamped after the start's second, even if this host's clock runs behind Dataverse's.
  const doneStamp = () => new Date(Math.max(services.clock().getTime(), startedToTheSecond + 1000)).toISOString();

  let engagement = await dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, COLUMNS);
  if (engagement.statecode !== 1) return skipped("reopened since");
  let writes = 0;

  if (stateOf(engagement.sprx_closureeventon) === "none") {
    // Closed on is the moment of the closure itself (the operation's time), not when this step happens to run.
    const closedOn = stateOf(engagement.sprx_closedon) !== "none" && engagement.sprx_closedon ? engagement.sprx_closedon : pendingStamp;
    // The event carries the linking-success counts, recounted from the connections (issue 15).
    const counts = await connectionCounts(services, id);
    if (!(await raiseOnce(services, engagement, closedOn, doneStamp(), (row) => stateOf(row.sprx_closureeventon) === "none", counts))) {
      return skipped("another delivery raised the event");
    }
    writes++;
    logger.info("closure.eventRaised", { table: Tables.engagement.logicalName, recordId: id });
    engagement = await dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, COLUMNS);
  }

  if (!engagement.sprx_consenttoshare || !engagement.sprx_referreremail) return done(writes);
  if (stateOf(engagement.sprx_referrernotifiedon) === "done") return done(writes);
  if (!services.graph) {
    logger.info("closure.referrerNotConfigured", { table: Tables.engagement.logicalName, recordId: id });
    return done(writes);
  }
  const summary = await summaryInput(services, engagement);
  if (!(await claim(services, engagement, { sprx_referrernotifiedon: pendingStamp }, (row) => row.statecode === 1 && stateOf(row.sprx_referrernotifiedon) === "none"))) return done(writes);
  writes++;
  try {
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
  await dataverse.update(Tables.engagement.entitySetName, id, { sprx_referrernotifiedon: doneStamp() });
  logger.info("closure.referrerNotified", { table: Tables.engagement.logicalName, recordId: id });
  return done(writes);
};

/**
 * A claim of one side effect for the closure that started at `start`: none
 * (empty, or stamped for an earlier closure), pending (stamped with the
 * start's own second: a delivery took it and has not finished), or done
 * (stamped later, after the action). A pending claim found by a later
 * delivery is one whose delivery died (Dataverse sends a job again only after
 * the earlier attempt failed), so it is taken over.
 */
function claimState(value: string | null | undefined, start: number): "none" | "pending" | "done" {
  const time = value ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time) || time < start) return "none";
  return time === start ? "pending" : "done";
}

/**
 * The event and its stamp in one change set, so they commit together or not
 * at all: a delivery killed half-way leaves either both (the next one stands
 * down) or neither (the next one raises it). The stamp's PATCH is
 * conditional on the row's etag, so of two deliveries racing only one
 * commits; after a 412 the row is read again and, if no one raised the event
 * meanwhile (only a rollup changed the row), it is tried again.
 */
async function raiseOnce(
  services: StepServices, engagement: EngagementRow, closedOn: string, stamp: string, free: (row: EngagementRow) => boolean, counts: Readonly<Record<string, number>>,
): Promise<boolean> {
  const id = engagement.sprx_engagementid!;
  let row = engagement;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await services.dataverse.changeSet([
        { method: "PATCH", path: `${Tables.engagement.entitySetName}(${id})`, body: { sprx_closureeventon: stamp, sprx_closedon: closedOn }, headers: { "If-Match": row["@odata.etag"] ?? "*" } },
        {
          method: "POST",
          path: CLOSURE_EVENT,
          body: { EngagementId: id, ContactId: row._sprx_contactid_value, ClosureReason: row.sprx_closurereason, ClosedOn: closedOn, SessionsAttended: row.sprx_sessionsattended ?? 0, ...counts },
        },
      ]);
      return true;
    } catch (error) {
      if (!(error instanceof DataverseError && error.preconditionFailed)) throw error;
    }
    row = await services.dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, COLUMNS);
    if (row.statecode !== 1 || !free(row)) break;
  }
  services.logger.info("closure.claimLost", { table: Tables.engagement.logicalName, recordId: id });
  return false;
}

/**
 * A conditional PATCH on the row's etag. On 412 the row is read again: if
 * another delivery claimed it meanwhile (`free` says no) this one stands
 * down; if something else changed the row (a rollup), it claims again.
 */
async function claim(services: StepServices, engagement: EngagementRow, changes: Partial<EngagementRow>, free: (row: EngagementRow) => boolean): Promise<boolean> {
  const id = engagement.sprx_engagementid!;
  let row = engagement;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await services.dataverse.update(Tables.engagement.entitySetName, id, changes, { ifMatch: row["@odata.etag"] ?? "*" });
      return true;
    } catch (error) {
      if (!(error instanceof DataverseError && error.preconditionFailed)) throw error;
    }
    row = await services.dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, id, COLUMNS);
    if (!free(row)) break;
  }
  services.logger.info("closure.claimLost", { table: Tables.engagement.logicalName, recordId: id });
  return false;
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
