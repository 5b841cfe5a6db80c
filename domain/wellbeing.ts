import { type CalendarDay, dayFromIso } from "./calendar";
import { type DayFormatter, dayFormatter } from "./dateFormat";
import { type Problem, RuleViolation, throwIfAny } from "./problems";
import type { Instrument, Timepoint } from "./vocabulary";

/**
 * Outcome measures that are free to use: ONS4 (the four ONS personal
 * wellbeing questions, 0–10 each) and the three-item UCLA loneliness scale
 * (1–3 each, total 3–9). Licensed measures (WEMWBS, SWEMWBS, MYCaW) are left
 * to configuration and never bundled.
 */

export const ONS4_ITEMS = ["satisfied", "worthwhile", "happy", "anxious"] as const;
export type Ons4Item = (typeof ONS4_ITEMS)[number];
export const UCLA3_ITEMS = ["companionship", "leftOut", "isolated"] as const;
export type Ucla3Item = (typeof UCLA3_ITEMS)[number];

export type Ons4Band = "low" | "medium" | "high" | "veryHigh";
export type AnxietyBand = "veryLow" | "low" | "medium" | "high";
export type LonelinessBand = "notLonely" | "lonely";

export type Ons4Answers = Readonly<Record<Ons4Item, number | null | undefined>>;
export type Ucla3Answers = Readonly<Record<Ucla3Item, number | null | undefined>>;

export interface Ons4Score {
  readonly instrument: "ons4";
  readonly items: Readonly<Record<Ons4Item, number>>;
  readonly bands: Readonly<{ satisfied: Ons4Band; worthwhile: Ons4Band; happy: Ons4Band; anxious: AnxietyBand }>;
}

export interface Ucla3Score {
  readonly instrument: "ucla3";
  readonly items: Readonly<Record<Ucla3Item, number>>;
  readonly total: number;
  readonly band: LonelinessBand;
}

export type WellbeingScore = Ons4Score | Ucla3Score;

const RANGE: Record<Instrument, { min: number; max: number; items: readonly string[] }> = {
  ons4: { min: 0, max: 10, items: ONS4_ITEMS },
  ucla3: { min: 1, max: 3, items: UCLA3_ITEMS },
};

function checkedItems(instrument: Instrument, answers: Readonly<Record<string, number | null | undefined>>): Record<string, number> {
  const { min, max, items } = RANGE[instrument];
  const problems: Problem[] = [];
  const result: Record<string, number> = {};
  for (const item of items) {
    const value = answers[item];
    if (value === null || value === undefined) {
      problems.push({ code: `wellbeing.${instrument}.missing`, message: `${item} is missing` });
    } else if (!Number.isInteger(value) || value < min || value > max) {
      problems.push({ code: `wellbeing.${instrument}.range`, message: `${item} must be a whole number from ${min} to ${max}` });
    } else {
      result[item] = value;
    }
  }
  throwIfAny(`Invalid ${instrumentName(instrument)} answers`, problems);
  return result;
}

export function ons4Band(value: number): Ons4Band {
  if (value <= 4) return "low";
  if (value <= 6) return "medium";
  if (value <= 8) return "high";
  return "veryHigh";
}

export function anxietyBand(value: number): AnxietyBand {
  if (value <= 1) return "veryLow";
  if (value <= 3) return "low";
  if (value <= 5) return "medium";
  return "high";
}

export function scoreOns4(answers: Ons4Answers): Ons4Score {
  const items = checkedItems("ons4", answers) as Record<Ons4Item, number>;
  return {
    instrument: "ons4",
    items,
    bands: {
      satisfied: ons4Band(items.satisfied),
      worthwhile: ons4Band(items.worthwhile),
      happy: ons4Band(items.happy),
      anxious: anxietyBand(items.anxious),
    },
  };
}

export function scoreUcla3(answers: Ucla3Answers): Ucla3Score {
  const items = checkedItems("ucla3", answers) as Record<Ucla3Item, number>;
  const total = items.companionship + items.leftOut + items.isolated;
  // 6 or more is the usual cut-off for loneliness on the three-item scale.
  return { instrument: "ucla3", items, total, band: total >= 6 ? "lonely" : "notLonely" };
}

export function scoreWellbeing(instrument: Instrument, answers: Readonly<Record<string, number | null | undefined>>): WellbeingScore {
  if (instrument === "ons4") return scoreOns4(answers);
  if (instrument === "ucla3") return scoreUcla3(answers);
  throw new RangeError(`Unknown wellbeing instrument "${String(instrument)}"`);
}

export interface MeasureChange {
  readonly measure: string;
  readonly from: number;
  readonly to: number;
  readonly change: number;
  /** True when the change is for the better: anxiety and loneliness improve as they fall. */
  readonly improved: boolean;
}

/** Item by item (and the UCLA total) from one score to a later one of the same instrument. */
export function wellbeingChange(before: WellbeingScore, after: WellbeingScore): MeasureChange[] {
  if (before.instrument !== after.instrument) throw new RangeError("Cannot compare scores of different instruments");
  const change = (measure: string, from: number, to: number, lowerIsBetter: boolean): MeasureChange => ({
    measure,
    from,
    to,
    change: to - from,
    improved: lowerIsBetter ? to < from : to > from,
  });
  if (before.instrument === "ons4" && after.instrument === "ons4") {
    return ONS4_ITEMS.map((item) => change(item, before.items[item], after.items[item], item === "anxious"));
  }
  if (before.instrument === "ucla3" && after.instrument === "ucla3") {
    return [change("total", before.total, after.total, true)];
  }
  return [];
}

/** A wellbeing measure as it would be stored, for the rules below. */
export interface MeasureInput {
  readonly id?: string;
  readonly instrument: Instrument;
  readonly timepoint: Timepoint;
  /** Date-only, "YYYY-MM-DD"; undefined when not given. */
  readonly completedOn?: string;
  readonly answers: Readonly<Record<string, number | null | undefined>>;
}

/** Timepoints an engagement has at most one of per instrument. */
export const SINGLE_TIMEPOINTS: ReadonlySet<Timepoint> = new Set<Timepoint>(["baseline", "closing"]);

/**
 * Everything wrong with a measure, all at once: every item of the instrument
 * answered and in range; dated, not in the future and not before the
 * referral; and only one baseline and one closing measure per instrument on
 * an engagement. Dates in the messages are in the user's format.
 */
export function measureProblems(
  measure: MeasureInput,
  context: { readonly referralDay?: CalendarDay; readonly today: CalendarDay; readonly others: readonly Pick<MeasureInput, "id" | "instrument" | "timepoint">[] },
  formatDay: DayFormatter = dayFormatter(undefined),
): Problem[] {
  const problems: Problem[] = [];
  try {
    scoreWellbeing(measure.instrument, measure.answers);
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    problems.push(...error.problems);
  }
  let day: CalendarDay | undefined;
  try {
    day = measure.completedOn ? dayFromIso(measure.completedOn) : undefined;
  } catch {
    problems.push({ code: "wellbeing.date", message: "the date it was completed is not a calendar date" });
  }
  if (!measure.completedOn) problems.push({ code: "wellbeing.date", message: "the date it was completed is missing" });
  if (day !== undefined && day > context.today) {
    problems.push({ code: "wellbeing.dateInFuture", message: `it is dated ${formatDay(day)}, which has not come yet` });
  }
  if (day !== undefined && context.referralDay !== undefined && day < context.referralDay) {
    problems.push({ code: "wellbeing.beforeReferral", message: `it is dated ${formatDay(day)}, before the referral date ${formatDay(context.referralDay)}` });
  }
  if (SINGLE_TIMEPOINTS.has(measure.timepoint)) {
    const twin = context.others.find((o) => o.id !== measure.id && o.instrument === measure.instrument && o.timepoint === measure.timepoint);
    if (twin) {
      problems.push({
        code: "wellbeing.duplicateTimepoint",
        message: `this engagement already has a ${measure.timepoint} ${instrumentName(measure.instrument)} measure; correct that one instead`,
      });
    }
  }
  return problems;
}

export function instrumentName(instrument: Instrument): string {
  return instrument === "ons4" ? "ONS4" : "UCLA-3";
}
