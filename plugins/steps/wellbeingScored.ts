import { RuleViolation, scoreWellbeing, wellbeingChange } from "../../domain";
import {
  AnxietyBandValues,
  type EngagementRow,
  InstrumentValues,
  LonelinessBandValues,
  Ons4BandValues,
  Tables,
  type WellbeingScoreRow,
} from "../../solution/generated/dataverse";
import { referenceOf } from "../context";
import { keyOf } from "./records";
import { recomputeEngagement } from "./sessionBookkeeping";
import { answersOf, baselineAndLatest, loadScores, scoredRows, WELLBEING_COLUMNS } from "./wellbeingRecords";
import { done, skipped, type StepHandler, type StepServices } from "./types";

const COMPUTED = [
  "sprx_ons4_satisfied_band", "sprx_ons4_worthwhile_band", "sprx_ons4_happy_band", "sprx_ons4_anxious_band", "sprx_ucla_total", "sprx_ucla_band",
] as const;

/**
 * Wellbeing score created or changed (async): totals and bands computed here
 * from the stored answers — never the client's numbers — then the
 * engagement's change (latest minus baseline) and its checklist progress
 * (the closing-measure check). Answers that cannot be scored leave the row
 * unscored and are logged by rule code only. On delete only the engagement's
 * rollups are recomputed, from the measures that remain.
 */
export const wellbeingScored: StepHandler = async (context, services) => {
  const { dataverse } = services;
  if (context.message === "Delete") {
    const engagement = referenceOf(context.preImage?.sprx_engagementid);
    if (!engagement) return skipped("not a measure of an engagement");
    return done(await engagementRollups(engagement.id, services));
  }
  const row = await dataverse.retrieve<WellbeingScoreRow>(Tables.wellbeingScore.entitySetName, context.primaryId, WELLBEING_COLUMNS);
  const instrument = keyOf(InstrumentValues, row.sprx_instrument);
  if (!instrument) return skipped("unknown instrument");

  const computed: Partial<Record<(typeof COMPUTED)[number] | "sprx_scoredon", number | string | null>> = {};
  try {
    const score = scoreWellbeing(instrument, answersOf(row));
    if (score.instrument === "ons4") {
      computed.sprx_ons4_satisfied_band = Ons4BandValues[score.bands.satisfied];
      computed.sprx_ons4_worthwhile_band = Ons4BandValues[score.bands.worthwhile];
      computed.sprx_ons4_happy_band = Ons4BandValues[score.bands.happy];
      computed.sprx_ons4_anxious_band = AnxietyBandValues[score.bands.anxious];
    } else {
      computed.sprx_ucla_total = score.total;
      computed.sprx_ucla_band = LonelinessBandValues[score.band];
    }
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    services.logger.warn("wellbeing.unscored", {
      table: Tables.wellbeingScore.logicalName,
      recordId: context.primaryId,
      codes: error.problems.map((p) => p.code),
    });
  }
  const scored = Object.keys(computed).length > 0;
  for (const column of COMPUTED) computed[column] ??= null;
  computed.sprx_scoredon = scored ? services.clock().toISOString() : null;

  let writes = 0;
  const changed = COMPUTED.some((c) => (row[c] ?? null) !== computed[c]) || (row.sprx_scoredon ?? null) !== null !== scored;
  if (changed) {
    await dataverse.update(Tables.wellbeingScore.entitySetName, context.primaryId, computed);
    writes++;
  }

  const engagementId = row._sprx_engagementid_value;
  if (engagementId) writes += await engagementRollups(engagementId, services);
  services.logger.info(scored ? "wellbeing.scored" : "wellbeing.cleared", { table: Tables.wellbeingScore.logicalName, recordId: context.primaryId, count: writes });
  return done(writes);
};

/** The engagement's change since baseline and its checklist progress, from the measures stored now; returns the writes. */
async function engagementRollups(engagementId: string, services: StepServices): Promise<number> {
  const { dataverse } = services;
  let writes = 0;
  {
    const rows = scoredRows(await loadScores(dataverse, engagementId));
    const ons4 = baselineAndLatest(rows, "ons4");
    const ucla = baselineAndLatest(rows, "ucla3");
    const satisfied = ons4.baseline && ons4.latest
      ? wellbeingChange(ons4.baseline.score, ons4.latest.score).find((c) => c.measure === "satisfied")?.change ?? null
      : null;
    const loneliness = ucla.baseline && ucla.latest ? wellbeingChange(ucla.baseline.score, ucla.latest.score)[0]?.change ?? null : null;
    const engagement = await dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, engagementId, ["sprx_ons4satisfiedchange", "sprx_uclachange"]);
    const changes: Partial<EngagementRow> = {};
    if ((engagement.sprx_ons4satisfiedchange ?? null) !== satisfied) changes.sprx_ons4satisfiedchange = satisfied;
    if ((engagement.sprx_uclachange ?? null) !== loneliness) changes.sprx_uclachange = loneliness;
    if (Object.keys(changes).length > 0) {
      await dataverse.update(Tables.engagement.entitySetName, engagementId, changes);
      writes++;
    }
  }
  // A closing measure created, moved to another timepoint or deleted changes the closing-measure check.
  return writes + (await recomputeEngagement(engagementId, services));
}
