import { CLOSURE_CHECK_ITEMS, type ClosureCheckItem, type ClosureFacts, type EngagementConfiguration, checklistProgress, communitySupportProof } from "../../domain";
import {
  type AppointmentRow,
  type ClosureCheckRow,
  ClosureCheckItemValues,
  ClosureReasonValues,
  type EngagementRow,
  Tables,
} from "../../solution/generated/dataverse";
import type { DataverseClient } from "../dataverse/client";
import { connectionFacts } from "./connectionRecords";
import { attendanceOf, CHECK_COLUMNS, keyOf, loadEngagementWith, type RelatedRows } from "./records";

/** Every item any closure reason of this configuration needs, in checklist order. */
export function configuredItems(config: EngagementConfiguration): ClosureCheckItem[] {
  const used = new Set(Object.values(config.requiredChecks).flat());
  return CLOSURE_CHECK_ITEMS.filter((item) => used.has(item));
}

export function loadChecks(dataverse: DataverseClient, engagementId: string): Promise<ClosureCheckRow[]> {
  return dataverse.retrieveMultiple<ClosureCheckRow>(Tables.closureCheck.entitySetName, {
    select: CHECK_COLUMNS,
    filter: `_sprx_engagementid_value eq ${engagementId}`,
  });
}

export function doneItems(checks: readonly ClosureCheckRow[]): Set<ClosureCheckItem> {
  return new Set(checks.filter((c) => c.sprx_done === true).flatMap((c) => keyOf(ClosureCheckItemValues, c.sprx_item) ?? []));
}

/** Booked sessions still ahead: closure needs them cancelled first. */
export function openFutureSessions(sessions: readonly AppointmentRow[], now: Date): number {
  return sessions.filter((row) => attendanceOf(row) === "planned" && Date.parse(row.scheduledstart ?? "") > now.getTime()).length;
}

/** What a closure is judged on, read from the engagement's related rows. */
export type ClosureRows = Pick<RelatedRows, "checks" | "sessions" | "closingScores" | "connections">;
export const CLOSURE_ROWS = ["checks", "sessions", "closingScores", "connections"] as const satisfies readonly (keyof RelatedRows)[];

/**
 * The reason "community support in place" is waived: the note on that check
 * when it is ticked. A tick without a reason proves nothing by itself.
 */
export function communitySupportWaiver(checks: readonly ClosureCheckRow[]): string | null {
  const row = checks.find((c) => c.sprx_item === ClosureCheckItemValues.communitySupportConfirmed && c.sprx_done === true);
  return row?.sprx_note ?? null;
}

/**
 * What the domain judges a closure (or checklist progress) on: ticked
 * checks, booked future sessions, a stored closing wellbeing measure.
 * Reason and summary come from the caller, because a closing update may
 * carry them itself.
 */
export function closureFactsOf(
  rows: ClosureRows,
  now: Date,
  given: { readonly reasonValue: number | null | undefined; readonly summary: string | null | undefined },
): ClosureFacts {
  return {
    reason: keyOf(ClosureReasonValues, given.reasonValue) ?? null,
    done: doneItems(rows.checks),
    summary: given.summary ?? null,
    openFutureSessions: openFutureSessions(rows.sessions, now),
    closingWellbeingRecorded: rows.closingScores.length > 0,
    communitySupport: communitySupportProof(rows.connections.map(connectionFacts), communitySupportWaiver(rows.checks)),
  };
}

/** closureFactsOf, with the rows read in one request. */
export async function closureFacts(
  dataverse: DataverseClient,
  engagementId: string,
  now: Date,
  given: { readonly reasonValue: number | null | undefined; readonly summary: string | null | undefined },
): Promise<ClosureFacts> {
  return closureFactsOf(await loadEngagementWith(dataverse, engagementId, CLOSURE_ROWS, ["sprx_engagementid"]), now, given);
}

/** The checklist progress columns, as the domain judges them, that differ from the row. */
export function progressChanges(engagement: EngagementRow, facts: ClosureFacts, config: EngagementConfiguration): Partial<EngagementRow> {
  const progress = checklistProgress(facts, config);
  const wanted: Partial<EngagementRow> = {
    sprx_checksdone: progress.done,
    sprx_checksrequired: progress.required,
    sprx_checklistcomplete: progress.complete,
  };
  return Object.fromEntries(
    Object.entries(wanted).filter(([column, value]) => (engagement[column as keyof EngagementRow] ?? null) !== value),
  );
}

/** Writes checklist progress (and any extra columns) when something changed; returns whether it wrote. */
export async function storeProgress(
  dataverse: DataverseClient,
  engagement: EngagementRow,
  facts: ClosureFacts,
  config: EngagementConfiguration,
  extra: Partial<EngagementRow> = {},
): Promise<boolean> {
  const changes = { ...extra, ...progressChanges(engagement, facts, config) };
  if (Object.keys(changes).length === 0) return false;
  await dataverse.update(Tables.engagement.entitySetName, engagement.sprx_engagementid!, changes);
  return true;
}
