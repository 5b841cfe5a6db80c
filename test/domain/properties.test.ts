import fc from "fast-check";
import {
  type Attendance,
  type ClosureCheckItem,
  type ClosureFacts,
  type EngagementConfiguration,
  type SessionRecord,
  ATTENDANCES,
  CLOSURE_CHECK_ITEMS,
  CLOSURE_REASONS,
  DEFAULT_CONFIGURATION,
  ONS4_ITEMS,
  RuleViolation,
  UCLA3_ITEMS,
  configure,
  evaluateEngagement,
  requiredChecks,
  scoreOns4,
  scoreUcla3,
  stageFor,
  stageRank,
  utcCalendar,
  validateClosure,
} from "../../domain";
import { london } from "./fixtures";

const DAY = 86_400_000;
const START_2026 = Date.parse("2026-01-01T00:00:00Z");

const isNonDecreasing = (values: readonly number[]) => values.every((value, i) => i === 0 || values[i - 1] <= value);

/** Sessions in the order they happen: each one 1–21 days after the last, at any minute of the day. */
const sessionsOverTime = fc
  .array(fc.record({ gapDays: fc.integer({ min: 1, max: 21 }), minute: fc.integer({ min: 0, max: 1439 }), attendance: fc.constantFrom(...ATTENDANCES) }), {
    maxLength: 24,
  })
  .map((steps) => {
    let day = 0;
    return steps.map(({ gapDays, minute, attendance }): SessionRecord => {
      day += gapDays;
      return { start: new Date(START_2026 + day * DAY + minute * 60_000), attendance };
    });
  });

describe("the stage never goes backwards", () => {
  it("as attended sessions are counted by stageFor, for any plan of 1–20 sessions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.constantFrom(...ATTENDANCES), { maxLength: 30 }), (planned, outcomes) => {
        let attended = 0;
        const ranks = [stageRank(stageFor(0, planned, false))];
        for (const outcome of outcomes) {
          if (outcome === "attended") attended++;
          ranks.push(stageRank(stageFor(attended, planned, false)));
        }
        ranks.push(stageRank(stageFor(attended, planned, true)));
        expect(isNonDecreasing(ranks)).toBe(true);
        expect(ranks[0]).toBe(stageRank("establishing"));
        expect(ranks.at(-1)).toBe(stageRank("closed"));
      }),
    );
  });

  it("as sessions are added to an engagement over time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), sessionsOverTime, (planned, sessions) => {
        const config = configure({ plannedSessions: planned });
        const ranks = sessions.map((latest, i) => {
          const now = new Date(latest.start.getTime() + 3_600_000);
          return stageRank(evaluateEngagement({ closed: false, sessions: sessions.slice(0, i + 1) }, config, london, now).stage);
        });
        expect(isNonDecreasing(ranks)).toBe(true);
      }),
    );
  });
});

describe("closure never validates with anything missing", () => {
  const whitespace = fc.array(fc.constantFrom(" ", "\t", "\n"), { maxLength: 4 }).map((chars) => chars.join(""));
  const summary = fc.oneof(fc.constant(null), whitespace, fc.string({ minLength: 1 }));
  /** Sometimes the defaults, sometimes an organisation's own lists for a few reasons. */
  const configuration: fc.Arbitrary<EngagementConfiguration> = fc.oneof(
    fc.constant(DEFAULT_CONFIGURATION),
    fc
      .dictionary(fc.constantFrom(...CLOSURE_REASONS), fc.subarray([...CLOSURE_CHECK_ITEMS]), { maxKeys: 3 })
      .map((requiredChecksByReason) => configure({ requiredChecks: requiredChecksByReason })),
  );
  const closure = fc.record({
    reason: fc.constantFrom(...CLOSURE_REASONS),
    done: fc.subarray([...CLOSURE_CHECK_ITEMS]),
    openFutureSessions: fc.integer({ min: 0, max: 4 }),
    closingWellbeingRecorded: fc.boolean(),
    summary,
  });

  it("lists exactly the unmet requirements, and can close only when there are none", () => {
    fc.assert(
      fc.property(configuration, closure, (config, facts) => {
        const required = requiredChecks(facts.reason, config);
        const unmet = required.filter((item) => {
          if (item === "futureSessionsCancelled") return facts.openFutureSessions > 0;
          if (item === "closingWellbeingRecorded") return !facts.closingWellbeingRecorded;
          return !facts.done.includes(item);
        });
        const blankSummary = !facts.summary || facts.summary.trim() === "";
        const verdict = validateClosure(facts, config);

        expect(verdict.missing.filter((m) => m.item).map((m) => m.item)).toEqual(unmet);
        expect(verdict.missing.some((m) => m.code === "closure.summary")).toBe(blankSummary);
        expect(verdict.canClose).toBe(unmet.length === 0 && !blankSummary);
        if (facts.openFutureSessions > 0) expect(verdict.canClose).toBe(false);
      }),
    );
  });

  it("always closes when every requirement is met, whatever else is ticked", () => {
    fc.assert(
      fc.property(configuration, fc.constantFrom(...CLOSURE_REASONS), fc.subarray([...CLOSURE_CHECK_ITEMS]), fc.string({ minLength: 1 }), (config, reason, extra, text) => {
        const facts: ClosureFacts = {
          reason,
          done: new Set<ClosureCheckItem>([...requiredChecks(reason, config), ...extra]),
          openFutureSessions: 0,
          closingWellbeingRecorded: true,
          summary: `Summary: ${text}`,
        };
        expect(validateClosure(facts, config)).toMatchObject({ canClose: true, missing: [] });
      }),
    );
  });

  it("never closes without a known reason", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.string().filter((s) => !(CLOSURE_REASONS as readonly string[]).includes(s))), (reason) => {
        const verdict = validateClosure({ reason, done: [...CLOSURE_CHECK_ITEMS], openFutureSessions: 0, closingWellbeingRecorded: true, summary: "Done" }, DEFAULT_CONFIGURATION);
        expect(verdict.canClose).toBe(false);
        expect(verdict.missing.map((m) => m.code)).toEqual(["closure.reason"]);
      }),
    );
  });
});

describe("scoring accepts every valid answer and rejects every invalid one", () => {
  const notAWholeNumber = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  );
  const invalid = (min: number, max: number) =>
    fc.oneof(fc.integer({ max: min - 1 }), fc.integer({ min: max + 1 }), notAWholeNumber, fc.constantFrom(null, undefined));
  /** Answers where each item is independently valid or not, with the names of the invalid ones. */
  const answers = (items: readonly string[], min: number, max: number) =>
    fc
      .tuple(...items.map(() => fc.oneof(fc.integer({ min, max }).map((value) => ({ value, ok: true })), invalid(min, max).map((value) => ({ value, ok: false })))))
      .map((values) => ({
        answers: Object.fromEntries(items.map((item, i) => [item, values[i].value])),
        invalidItems: items.filter((_, i) => !values[i].ok),
      }));

  function check(score: (answers: Record<string, number | null | undefined>) => unknown, generated: { answers: Record<string, number | null | undefined>; invalidItems: string[] }) {
    if (generated.invalidItems.length === 0) {
      expect(score(generated.answers)).toMatchObject({ items: generated.answers });
      return;
    }
    let caught: unknown;
    try {
      score(generated.answers);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RuleViolation);
    const messages = (caught as RuleViolation).problems.map((p) => p.message);
    expect(messages).toHaveLength(generated.invalidItems.length);
    generated.invalidItems.forEach((item, i) => expect(messages[i].startsWith(`${item} `)).toBe(true));
  }

  it("ONS4: every item a whole number from 0 to 10", () => {
    fc.assert(fc.property(answers(ONS4_ITEMS, 0, 10), (generated) => check((a) => scoreOns4(a as Parameters<typeof scoreOns4>[0]), generated)));
  });

  it("UCLA-3: every item a whole number from 1 to 3", () => {
    fc.assert(fc.property(answers(UCLA3_ITEMS, 1, 3), (generated) => check((a) => scoreUcla3(a as Parameters<typeof scoreUcla3>[0]), generated)));
  });

  it("UCLA-3 totals stay within 3–9", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (companionship, leftOut, isolated) => {
        const { total, band } = scoreUcla3({ companionship, leftOut, isolated });
        expect(total).toBe(companionship + leftOut + isolated);
        expect(band).toBe(total >= 6 ? "lonely" : "notLonely");
      }),
    );
  });
});

describe("week numbers", () => {
  const anyInstant2026 = fc.integer({ min: START_2026, max: START_2026 + 365 * DAY }).map((ms) => new Date(ms));
  const anySessions = fc.array(fc.record({ start: anyInstant2026, attendance: fc.constantFrom<Attendance>(...ATTENDANCES) }), { maxLength: 20 });

  it.each([
    ["Europe/London", london],
    ["UTC", utcCalendar],
  ])("start at 1 and never fall in session order (%s)", (_zone, calendar) => {
    fc.assert(
      fc.property(anySessions, anyInstant2026, (sessions, now) => {
        const state = evaluateEngagement({ closed: false, sessions }, DEFAULT_CONFIGURATION, calendar, now);
        const weeks = state.sessions.map((s) => s.week);
        expect(weeks.every((week) => Number.isInteger(week) && week >= 1)).toBe(true);
        expect(isNonDecreasing(weeks)).toBe(true);
        expect(isNonDecreasing(state.sessions.map((s) => s.start.getTime()))).toBe(true);
        if (state.weekNow !== undefined) expect(state.weekNow).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
