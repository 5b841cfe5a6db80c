import { type Instrument, type Timepoint, type WellbeingScore, scoreWellbeing } from "../../domain";
import { InstrumentValues, Tables, TimepointValues, type WellbeingScoreRow } from "../../solution/generated/dataverse";
import type { DataverseClient } from "../dataverse/client";
import { keyOf } from "./records";

export const WELLBEING_COLUMNS = [
  "sprx_wellbeingscoreid", "_sprx_engagementid_value", "sprx_instrument", "sprx_timepoint", "sprx_completedon", "createdon",
  "sprx_ons4_satisfied", "sprx_ons4_worthwhile", "sprx_ons4_happy", "sprx_ons4_anxious",
  "sprx_ucla_companionship", "sprx_ucla_leftout", "sprx_ucla_isolated",
  "sprx_ons4_satisfied_band", "sprx_ons4_worthwhile_band", "sprx_ons4_happy_band", "sprx_ons4_anxious_band", "sprx_ucla_total", "sprx_ucla_band", "sprx_scoredon",
] as const;

export function loadScores(dataverse: DataverseClient, engagementId: string): Promise<WellbeingScoreRow[]> {
  return dataverse.retrieveMultiple<WellbeingScoreRow>(Tables.wellbeingScore.entitySetName, {
    select: WELLBEING_COLUMNS,
    filter: `_sprx_engagementid_value eq ${engagementId}`,
  });
}

/** The stored answers in the domain's item names. */
export function answersOf(row: WellbeingScoreRow): Record<string, number | null | undefined> {
  return {
    satisfied: row.sprx_ons4_satisfied,
    worthwhile: row.sprx_ons4_worthwhile,
    happy: row.sprx_ons4_happy,
    anxious: row.sprx_ons4_anxious,
    companionship: row.sprx_ucla_companionship,
    leftOut: row.sprx_ucla_leftout,
    isolated: row.sprx_ucla_isolated,
  };
}

export interface ScoredRow {
  readonly row: WellbeingScoreRow;
  readonly instrument: Instrument;
  readonly timepoint: Timepoint;
  readonly score: WellbeingScore;
  readonly completedOn: string;
}

/** Rows scored from their answers, never from stored totals; rows that cannot be scored are left out. */
export function scoredRows(rows: readonly WellbeingScoreRow[]): ScoredRow[] {
  return rows.flatMap((row) => {
    const instrument = keyOf(InstrumentValues, row.sprx_instrument);
    const timepoint = keyOf(TimepointValues, row.sprx_timepoint);
    if (!instrument || !timepoint) return [];
    try {
      return [{ row, instrument, timepoint, score: scoreWellbeing(instrument, answersOf(row)), completedOn: row.sprx_completedon ?? row.createdon ?? "" }];
    } catch {
      return [];
    }
  });
}

/** The baseline and the latest later measure of one instrument. */
export function baselineAndLatest(rows: readonly ScoredRow[], instrument: Instrument): { baseline?: ScoredRow; latest?: ScoredRow } {
  const mine = rows.filter((r) => r.instrument === instrument).sort((a, b) => a.completedOn.localeCompare(b.completedOn));
  const baseline = mine.find((r) => r.timepoint === "baseline");
  const later = mine.filter((r) => r !== baseline && r.timepoint !== "baseline");
  return { baseline, latest: later.at(-1) };
}
