import { CLOSURE_REASONS, DEFAULT_CONFIGURATION, RuleViolation, configure, requiredChecks } from "../../domain";

function problemsOf(action: () => unknown): readonly { code: string; message: string }[] {
  try {
    action();
  } catch (error) {
    if (error instanceof RuleViolation) return error.problems;
    throw error;
  }
  throw new Error("expected a RuleViolation");
}

describe("engagement configuration", () => {
  it("defaults to six sessions over a 12–16 week window, a 21-day gap and a DNA threshold of 2", () => {
    const config = configure();
    expect(config).toMatchObject({
      plannedSessions: 6,
      windowTargetWeeks: 12,
      windowLimitWeeks: 16,
      longestGapDays: 21,
      dnaThreshold: 2,
      extensionRequestThreshold: 2,
    });
    expect(config.requiredChecks).toEqual(DEFAULT_CONFIGURATION.requiredChecks);
    expect(Object.keys(config.requiredChecks).sort()).toEqual([...CLOSURE_REASONS].sort());
  });

  it("applies overrides and keeps the defaults it was not given", () => {
    const config = configure({ plannedSessions: 8, longestGapDays: 28, windowTargetWeeks: undefined });
    expect(config.plannedSessions).toBe(8);
    expect(config.longestGapDays).toBe(28);
    expect(config.windowTargetWeeks).toBe(12);
    expect(config.dnaThreshold).toBe(2);
  });

  it("replaces the checks of one closure reason, without duplicates, and leaves the others alone", () => {
    const config = configure({ requiredChecks: { other: ["referrerInformed", "returnRouteExplained", "referrerInformed"] } });
    expect(requiredChecks("other", config)).toEqual(["referrerInformed", "returnRouteExplained", "futureSessionsCancelled"]);
    expect(requiredChecks("goalsMet", config)).toEqual(DEFAULT_CONFIGURATION.requiredChecks.goalsMet);
  });

  it("accepts a window that opens and closes in the same week", () => {
    expect(configure({ windowTargetWeeks: 14, windowLimitWeeks: 14 }).windowLimitWeeks).toBe(14);
  });

  it.each([
    ["no sessions", { plannedSessions: 0 }, "configuration.plannedSessions"],
    ["a fractional session count", { plannedSessions: 6.5 }, "configuration.plannedSessions"],
    ["a gap of no days", { longestGapDays: 0 }, "configuration.longestGapDays"],
    ["a fractional DNA threshold", { dnaThreshold: 1.5 }, "configuration.dnaThreshold"],
    ["a missing number", { extensionRequestThreshold: Number.NaN }, "configuration.extensionRequestThreshold"],
    ["a window that ends before it starts to close", { windowTargetWeeks: 16, windowLimitWeeks: 12 }, "configuration.window"],
  ])("rejects %s", (_name, overrides, code) => {
    expect(problemsOf(() => configure(overrides)).map((p) => p.code)).toEqual([code]);
  });

  it("rejects an unknown check and an unknown closure reason", () => {
    const problems = problemsOf(() => configure({ requiredChecks: { goalsMet: ["achievementsCelebrated", "cakeEaten"], finished: ["referrerInformed"] } }));
    expect(problems.map((p) => p.code)).toEqual(["configuration.closureCheck", "configuration.closureReason"]);
    expect(problems[0].message).toContain('"cakeEaten"');
    expect(problems[1].message).toContain('"finished"');
  });

  it("rejects a closure reason whose checks are not a list", () => {
    const problems = problemsOf(() => configure({ requiredChecks: { other: "referrerInformed" as unknown as string[] } }));
    expect(problems).toEqual([expect.objectContaining({ code: "configuration.closureCheck" })]);
    expect(problems[0].message).toContain("other");
  });

  it("lists every problem of an impossible configuration at once", () => {
    const error = (() => {
      try {
        configure({
          plannedSessions: 0,
          windowTargetWeeks: 16,
          windowLimitWeeks: 12,
          longestGapDays: 2.5,
          dnaThreshold: -1,
          requiredChecks: { goalsMet: ["celebrationCake"], finished: [] },
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RuleViolation);
    const violation = error as RuleViolation;
    expect(violation.problems.map((p) => p.code).sort()).toEqual(
      [
        "configuration.plannedSessions",
        "configuration.longestGapDays",
        "configuration.dnaThreshold",
        "configuration.window",
        "configuration.closureCheck",
        "configuration.closureReason",
      ].sort(),
    );
    // The summary message carries every reason too, for logs and error dialogs.
    for (const problem of violation.problems) expect(violation.message).toContain(problem.message);
    expect(violation.message).toMatch(/^Invalid engagement configuration: /);
  });
});
