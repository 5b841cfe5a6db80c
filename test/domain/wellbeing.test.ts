import {
  dayFormatter,
  dayFromIso,
  measureProblems,
  type Ons4Answers,
  type Ucla3Answers,
  RuleViolation,
  anxietyBand,
  ons4Band,
  scoreOns4,
  scoreUcla3,
  scoreWellbeing,
  wellbeingChange,
} from "../../domain";

const ons4 = (satisfied: number, worthwhile: number, happy: number, anxious: number) => scoreOns4({ satisfied, worthwhile, happy, anxious });
const ucla3 = (companionship: number, leftOut: number, isolated: number) => scoreUcla3({ companionship, leftOut, isolated });

function problemsOf(action: () => unknown) {
  try {
    action();
  } catch (error) {
    if (error instanceof RuleViolation) return error.problems;
    throw error;
  }
  throw new Error("expected a RuleViolation");
}

describe("ONS4 bands", () => {
  it.each([
    [0, "low"],
    [4, "low"],
    [5, "medium"],
    [6, "medium"],
    [7, "high"],
    [8, "high"],
    [9, "veryHigh"],
    [10, "veryHigh"],
  ])("life satisfaction, worthwhile and happiness: %i is %s", (value, band) => {
    expect(ons4Band(value)).toBe(band);
    expect(ons4(value, value, value, 0).bands).toMatchObject({ satisfied: band, worthwhile: band, happy: band });
  });

  it.each([
    [0, "veryLow"],
    [1, "veryLow"],
    [2, "low"],
    [3, "low"],
    [4, "medium"],
    [5, "medium"],
    [6, "high"],
    [10, "high"],
  ])("anxiety: %i is %s", (value, band) => {
    expect(anxietyBand(value)).toBe(band);
    expect(ons4(5, 5, 5, value).bands.anxious).toBe(band);
  });

  it("keeps the answers it scored", () => {
    expect(ons4(3, 6, 8, 7)).toEqual({
      instrument: "ons4",
      items: { satisfied: 3, worthwhile: 6, happy: 8, anxious: 7 },
      bands: { satisfied: "low", worthwhile: "medium", happy: "high", anxious: "high" },
    });
  });
});

describe("UCLA 3-item loneliness", () => {
  it("totals 3 to 9 and calls 6 or more lonely", () => {
    expect(ucla3(1, 1, 1)).toMatchObject({ total: 3, band: "notLonely" });
    expect(ucla3(2, 2, 1)).toMatchObject({ total: 5, band: "notLonely" });
    expect(ucla3(2, 2, 2)).toMatchObject({ total: 6, band: "lonely" });
    expect(ucla3(3, 3, 3)).toMatchObject({ total: 9, band: "lonely" });
  });

  it("scores through the instrument key as well", () => {
    expect(scoreWellbeing("ucla3", { companionship: 3, leftOut: 2, isolated: 2 })).toMatchObject({ instrument: "ucla3", total: 7 });
    expect(scoreWellbeing("ons4", { satisfied: 9, worthwhile: 9, happy: 9, anxious: 1 })).toMatchObject({ instrument: "ons4" });
    expect(() => scoreWellbeing("wemwbs" as "ons4", {})).toThrow(RangeError);
  });
});

describe("invalid answers", () => {
  it("lists every missing, out-of-range or fractional ONS4 item", () => {
    const answers: Ons4Answers = { satisfied: null, worthwhile: 11, happy: 7.5, anxious: undefined };
    const problems = problemsOf(() => scoreOns4(answers));
    expect(problems.map((p) => p.code)).toEqual(["wellbeing.ons4.missing", "wellbeing.ons4.range", "wellbeing.ons4.range", "wellbeing.ons4.missing"]);
    expect(problems.map((p) => p.message)).toEqual([
      "satisfied is missing",
      "worthwhile must be a whole number from 0 to 10",
      "happy must be a whole number from 0 to 10",
      "anxious is missing",
    ]);
  });

  it.each([-1, 11, Number.NaN, Number.POSITIVE_INFINITY, 2.5])("rejects ONS4 anxiety %p", (anxious) => {
    expect(problemsOf(() => ons4(5, 5, 5, anxious)).map((p) => p.code)).toEqual(["wellbeing.ons4.range"]);
  });

  it.each([0, 4, 1.5, Number.NaN])("rejects a UCLA item of %p", (value) => {
    expect(problemsOf(() => ucla3(2, value, 2))).toEqual([{ code: "wellbeing.ucla3.range", message: "leftOut must be a whole number from 1 to 3" }]);
  });

  it("rejects missing UCLA items, each named", () => {
    const answers = { companionship: 2 } as unknown as Ucla3Answers;
    expect(problemsOf(() => scoreUcla3(answers)).map((p) => p.message)).toEqual(["leftOut is missing", "isolated is missing"]);
  });

  it("rejects a number sent as text rather than guessing", () => {
    const answers = { satisfied: "7", worthwhile: 5, happy: 5, anxious: 5 } as unknown as Ons4Answers;
    expect(problemsOf(() => scoreOns4(answers)).map((p) => p.code)).toEqual(["wellbeing.ons4.range"]);
  });
});

describe("change from baseline to closing", () => {
  it("calls rising satisfaction, worth and happiness better, and falling anxiety better", () => {
    const changes = wellbeingChange(ons4(3, 4, 4, 8), ons4(6, 4, 3, 5));
    expect(changes).toEqual([
      { measure: "satisfied", from: 3, to: 6, change: 3, improved: true },
      { measure: "worthwhile", from: 4, to: 4, change: 0, improved: false },
      { measure: "happy", from: 4, to: 3, change: -1, improved: false },
      { measure: "anxious", from: 8, to: 5, change: -3, improved: true },
    ]);
  });

  it("calls rising anxiety worse", () => {
    expect(wellbeingChange(ons4(5, 5, 5, 2), ons4(5, 5, 5, 6)).at(-1)).toMatchObject({ change: 4, improved: false });
  });

  it("calls falling loneliness better", () => {
    expect(wellbeingChange(ucla3(3, 3, 2), ucla3(2, 1, 2))).toEqual([{ measure: "total", from: 8, to: 5, change: -3, improved: true }]);
    expect(wellbeingChange(ucla3(1, 1, 2), ucla3(2, 2, 2))).toEqual([{ measure: "total", from: 4, to: 6, change: 2, improved: false }]);
  });

  it("refuses to compare different instruments", () => {
    expect(() => wellbeingChange(ons4(5, 5, 5, 5), ucla3(2, 2, 2))).toThrow(RangeError);
  });
});

describe("measure rules (issue 13)", () => {
  const today = dayFromIso("2026-03-02");
  const answers = { satisfied: 6, worthwhile: 6, happy: 6, anxious: 3 };
  it("a complete measure on a day between the referral and today passes", () => {
    expect(measureProblems({ instrument: "ons4", timepoint: "baseline", completedOn: "2026-03-02", answers }, { today, referralDay: dayFromIso("2026-01-05"), others: [] })).toEqual([]);
  });
  it("lists every problem at once, dates in the user's format", () => {
    const problems = measureProblems(
      { instrument: "ons4", timepoint: "baseline", completedOn: "2026-03-03", answers: { happy: 7 } },
      { today, referralDay: dayFromIso("2026-01-05"), others: [{ id: "a", instrument: "ons4", timepoint: "baseline" }] },
      dayFormatter("M/d/yyyy"),
    );
    expect(problems.map((p) => p.code)).toEqual([
      "wellbeing.ons4.missing", "wellbeing.ons4.missing", "wellbeing.ons4.missing", "wellbeing.dateInFuture", "wellbeing.duplicateTimepoint",
    ]);
    expect(problems[3].message).toBe("it is dated 3/3/2026, which has not come yet");
  });
  it("a review measure may be taken many times; a corrected baseline is not its own twin", () => {
    const others = [{ id: "a", instrument: "ons4" as const, timepoint: "review" as const }, { id: "b", instrument: "ons4" as const, timepoint: "baseline" as const }];
    expect(measureProblems({ instrument: "ons4", timepoint: "review", completedOn: "2026-03-01", answers }, { today, others })).toEqual([]);
    expect(measureProblems({ id: "b", instrument: "ons4", timepoint: "baseline", completedOn: "2026-03-01", answers }, { today, others })).toEqual([]);
  });
  it("a date before the referral is refused", () => {
    const problems = measureProblems({ instrument: "ons4", timepoint: "review", completedOn: "2026-01-04", answers }, { today, referralDay: dayFromIso("2026-01-05"), others: [] });
    expect(problems).toEqual([{ code: "wellbeing.beforeReferral", message: "it is dated 04/01/2026, before the referral date 05/01/2026" }]);
  });
});
