import { measureProblems, type MeasureInput, dayFromIso } from "../../domain";
import { type EngagementRow, InstrumentValues, Tables, TimepointValues, type WellbeingScoreRow } from "../../solution/generated/dataverse";
import type { AttributeValue } from "../context";
import { currentValue, numberOf, referenceOf } from "../context";
import { keyOf } from "./records";
import { skipped, type StepHandler } from "./types";
import { userDayFormatter } from "./userSettings";
import { answersOf, loadScores, WELLBEING_COLUMNS } from "./wellbeingRecords";

const ANSWER_COLUMNS = [
  "sprx_ons4_satisfied", "sprx_ons4_worthwhile", "sprx_ons4_happy", "sprx_ons4_anxious", "sprx_ucla_companionship", "sprx_ucla_leftout", "sprx_ucla_isolated",
] as const;

const CLOSED = { code: "wellbeing.engagementClosed", message: "the engagement is closed; reopen it before changing its wellbeing measures" };

/** A date-only column as "YYYY-MM-DD", however it arrived (a Date from the context, text from the Web API). */
function isoDay(value: AttributeValue | string | null | undefined): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  return typeof value === "string" && value ? value.slice(0, 10) : undefined;
}

/**
 * Wellbeing measure validation (sync, PreValidation on create and update, so
 * any client — the form, a flow, an import — meets the same rules). Refuses,
 * with every reason at once: an instrument item unanswered or out of range,
 * no date, a date in the future or before the referral, and a second
 * baseline or closing measure of the same instrument on one engagement —
 * and any new or changed measure on a closed engagement. (Deletes are not
 * refused: a closed engagement deleted as a whole deletes its measures too.)
 */
export const wellbeingValidation: StepHandler = async (context, services) => {
  const { dataverse } = services;
  const stored =
    context.message === "Update"
      ? await dataverse.retrieve<WellbeingScoreRow>(Tables.wellbeingScore.entitySetName, context.primaryId, WELLBEING_COLUMNS)
      : undefined;
  const has = (column: string) => !context.sizeExceeded && column in context.target;
  const value = (column: string) => (has(column) ? currentValue(context, column) : (stored as Record<string, AttributeValue> | undefined)?.[column]);

  const engagementId = has("sprx_engagementid") ? referenceOf(context.target.sprx_engagementid)?.id : stored?._sprx_engagementid_value ?? undefined;
  const instrument = keyOf(InstrumentValues, numberOf(value("sprx_instrument")));
  const timepoint = keyOf(TimepointValues, numberOf(value("sprx_timepoint")));
  if (!instrument || !timepoint) {
    return {
      kind: "rejected",
      summary: "This wellbeing measure cannot be saved",
      problems: [{ code: "wellbeing.kind", message: "choose the instrument and the timepoint from the known options" }],
    };
  }
  const answers = answersOf(Object.fromEntries(ANSWER_COLUMNS.map((c) => [c, numberOf(value(c)) ?? null])));
  const measure: MeasureInput = { id: context.primaryId, instrument, timepoint, completedOn: isoDay(value("sprx_completedon")), answers };

  const [engagement, others] = engagementId
    ? await Promise.all([
        dataverse.retrieve<EngagementRow>(Tables.engagement.entitySetName, engagementId, ["sprx_referraldate", "statecode"]),
        loadScores(dataverse, engagementId),
      ])
    : [undefined, []];
  let referralDay;
  try {
    referralDay = engagement?.sprx_referraldate ? dayFromIso(engagement.sprx_referraldate) : undefined;
  } catch {
    referralDay = undefined;
  }
  const facts = {
    referralDay,
    today: services.calendar.dayOf(services.clock()),
    others: others.flatMap((row) => {
      const i = keyOf(InstrumentValues, row.sprx_instrument);
      const t = keyOf(TimepointValues, row.sprx_timepoint);
      return i && t ? [{ id: row.sprx_wellbeingscoreid ?? undefined, instrument: i, timepoint: t }] : [];
    }),
  };
  let problems = measureProblems(measure, facts);
  if (engagement?.statecode === 1) problems = [CLOSED, ...problems];
  if (problems.some((p) => p.code === "wellbeing.dateInFuture" || p.code === "wellbeing.beforeReferral")) {
    problems = [...(engagement?.statecode === 1 ? [CLOSED] : []), ...measureProblems(measure, facts, await userDayFormatter(context, services))];
  }
  if (problems.length > 0) return { kind: "rejected", summary: "This wellbeing measure cannot be saved", problems };
  return skipped("measure is valid");
};
