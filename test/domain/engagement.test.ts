import {
  type EngagementFacts,
  DEFAULT_CONFIGURATION,
  allowedSessions,
  configure,
  nextSessionNumber,
  sessionProblems,
} from "../../domain";
import { evaluate, london, session, sixSessionEngagement } from "./fixtures";

describe("six sessions over 12–16 weeks", () => {
  const state = evaluate(sixSessionEngagement, "2026-04-01T12:00:00+01:00");

  it("counts what happened and what is booked", () => {
    expect(state).toMatchObject({
      stage: "closing",
      plannedSessions: 6,
      sessionsAttended: 5,
      sessionsDidNotAttend: 0,
      sessionsCancelled: 0,
      sessionsBooked: 6,
      consecutiveDidNotAttend: 0,
      unrecordedPastSessions: 0,
    });
  });

  it("knows the first, last and next session", () => {
    expect(state.firstSessionOn?.toISOString()).toBe("2026-01-12T10:00:00.000Z");
    expect(state.lastSessionOn?.toISOString()).toBe("2026-03-23T10:00:00.000Z");
    expect(state.nextSessionOn?.toISOString()).toBe("2026-04-13T09:00:00.000Z");
  });

  it("numbers the sessions and the weeks they fall in", () => {
    expect(state.sessions.map((s) => [s.sessionNumber, s.day, s.week, s.isPast])).toEqual([
      [1, "2026-01-12", 1, true],
      [2, "2026-01-26", 3, true],
      [3, "2026-02-09", 5, true],
      [4, "2026-03-02", 8, true],
      [5, "2026-03-23", 11, true],
      [6, "2026-04-13", 14, false],
    ]);
  });

  it("opens the window at the first session, aims to close by week 12 and closes by week 16", () => {
    expect([state.windowStart, state.windowTargetEnd, state.windowEnd]).toEqual(["2026-01-12", "2026-04-06", "2026-05-04"]);
    expect(state.weekNow).toBe(12);
  });

  it("raises no flag and no signal on a steady engagement", () => {
    expect(state).toMatchObject({ overdue: false, pastWindow: false, beyondPlanWithoutExtension: false, longGaps: [], signals: [] });
  });

  it("follows the configured window", () => {
    const config = configure({ windowTargetWeeks: 10, windowLimitWeeks: 14 });
    const custom = evaluate(sixSessionEngagement, "2026-04-01T12:00:00+01:00", config);
    expect([custom.windowTargetEnd, custom.windowEnd]).toEqual(["2026-03-23", "2026-04-20"]);
  });

  it("has no window and no week before any session is booked", () => {
    const empty = evaluate({ referralDate: "2026-01-05", closed: false, sessions: [] }, "2026-01-06T09:00:00Z");
    expect(empty).toMatchObject({ stage: "establishing", sessionsBooked: 0, overdue: false, longGaps: [] });
    expect([empty.windowStart, empty.windowEnd, empty.weekNow, empty.firstSessionOn, empty.nextSessionOn]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("has no current week until the first booked session's day", () => {
    const booked = { closed: false, sessions: [session("2026-01-12T10:00:00Z", "planned")] };
    expect(evaluate(booked, "2026-01-09T09:00:00Z").weekNow).toBeUndefined();
    expect(evaluate(booked, "2026-01-12T08:00:00Z").weekNow).toBe(1);
    expect(evaluate(booked, "2026-01-09T09:00:00Z").windowStart).toBe("2026-01-12");
  });
});

describe("did-not-attend streaks", () => {
  const first = session("2026-01-12T10:00:00Z", "attended");
  const now = "2026-03-01T12:00:00Z";

  it("counts consecutive missed sessions, and a cancellation neither breaks nor adds to the streak", () => {
    const state = evaluate(
      {
        closed: false,
        sessions: [
          first,
          session("2026-01-26T10:00:00Z", "didNotAttend"),
          session("2026-02-02T10:00:00Z", "cancelledByPerson"),
          session("2026-02-09T10:00:00Z", "didNotAttend"),
          session("2026-02-16T10:00:00Z", "cancelledByService"),
        ],
      },
      now,
    );
    expect(state).toMatchObject({ sessionsAttended: 1, sessionsDidNotAttend: 2, sessionsCancelled: 2, consecutiveDidNotAttend: 2 });
    expect(state.signals).toEqual([{ kind: "dnaStreak", values: { count: 2, threshold: 2 } }]);
  });

  it("is reset by an attended session", () => {
    const state = evaluate(
      {
        closed: false,
        sessions: [
          first,
          session("2026-01-19T10:00:00Z", "didNotAttend"),
          session("2026-01-26T10:00:00Z", "didNotAttend"),
          session("2026-02-02T10:00:00Z", "attended"),
          session("2026-02-09T10:00:00Z", "didNotAttend"),
        ],
      },
      now,
    );
    expect(state.sessionsDidNotAttend).toBe(3);
    expect(state.consecutiveDidNotAttend).toBe(1);
    expect(state.signals).toEqual([]);
  });

  it("signals over the threshold too, and not under it", () => {
    const missed = (n: number): EngagementFacts => ({
      closed: false,
      sessions: [first, ...Array.from({ length: n }, (_, i) => session(`2026-02-0${i + 1}T10:00:00Z`, "didNotAttend"))],
    });
    expect(evaluate(missed(1), now).signals).toEqual([]);
    expect(evaluate(missed(3), now).signals).toEqual([{ kind: "dnaStreak", values: { count: 3, threshold: 2 } }]);
    expect(evaluate(missed(2), now, configure({ dnaThreshold: 3 })).signals).toEqual([]);
  });
});

describe("overdue", () => {
  const lastAttended: EngagementFacts = { referralDate: "2026-01-05", closed: false, sessions: [session("2026-01-12T10:00:00Z", "attended")] };

  it("is overdue when the last attended session is older than the longest gap and nothing is booked", () => {
    expect(evaluate(lastAttended, "2026-02-02T12:00:00Z").overdue).toBe(false); // 21 days
    expect(evaluate(lastAttended, "2026-02-03T12:00:00Z").overdue).toBe(true); // 22 days
  });

  it("counts from the referral when nothing has been attended", () => {
    const referred: EngagementFacts = { referralDate: "2026-01-05", closed: false, sessions: [session("2026-01-12T10:00:00Z", "didNotAttend")] };
    expect(evaluate(referred, "2026-01-26T12:00:00Z").overdue).toBe(false);
    expect(evaluate(referred, "2026-01-27T12:00:00Z").overdue).toBe(true);
  });

  it("is not overdue with a session booked", () => {
    const booked = { ...lastAttended, sessions: [...lastAttended.sessions, session("2026-03-02T10:00:00Z", "planned")] };
    expect(evaluate(booked, "2026-02-20T12:00:00Z").overdue).toBe(false);
  });

  it("is never overdue once closed", () => {
    expect(evaluate({ ...lastAttended, closed: true }, "2026-06-01T12:00:00Z").overdue).toBe(false);
  });

  it("follows the configured gap", () => {
    expect(evaluate(lastAttended, "2026-02-03T12:00:00Z", configure({ longestGapDays: 28 })).overdue).toBe(false);
  });
});

describe("past the window", () => {
  it("is past the window the day after week 16 ends, and not while closed", () => {
    const facts: EngagementFacts = { closed: false, sessions: [session("2026-01-12T10:00:00Z", "attended")] };
    expect(evaluate(facts, "2026-05-04T22:00:00+01:00").pastWindow).toBe(false);
    expect(evaluate(facts, "2026-05-05T00:30:00+01:00").pastWindow).toBe(true);
    expect(evaluate({ ...facts, closed: true }, "2026-06-01T12:00:00Z").pastWindow).toBe(false);
  });
});

describe("beyond the plan", () => {
  const seventhBooked: EngagementFacts = {
    ...sixSessionEngagement,
    sessions: [
      ...sixSessionEngagement.sessions.slice(0, 5),
      session("2026-04-13T10:00:00+01:00", "attended", { mode: "inPerson" }),
      session("2026-04-27T10:00:00+01:00", "planned"),
    ],
  };
  const now = "2026-04-20T12:00:00+01:00";

  it("flags a seventh session without an approved extension", () => {
    const state = evaluate(seventhBooked, now);
    expect(state).toMatchObject({ sessionsBooked: 7, plannedSessions: 6, beyondPlanWithoutExtension: true });
    expect(state.signals).toContainEqual({ kind: "beyondPlan", values: { booked: 7, planned: 6 } });
  });

  it("does not flag it when an extension is approved, but still names the pattern for a conversation", () => {
    const state = evaluate({ ...seventhBooked, extension: { approved: true, additionalSessions: 2, requests: 1 } }, now);
    expect(state).toMatchObject({ plannedSessions: 8, beyondPlanWithoutExtension: false });
    expect(state.signals).toEqual([{ kind: "beyondPlan", values: { booked: 7, planned: 6 } }]);
  });

  it("still flags it while the extension is only requested", () => {
    const state = evaluate({ ...seventhBooked, extension: { approved: false, additionalSessions: 2, requests: 1 } }, now);
    expect(state).toMatchObject({ plannedSessions: 6, beyondPlanWithoutExtension: true });
  });
});

describe("gaps and unrecorded sessions", () => {
  it("lists each gap between contacts longer than the longest gap; missed sessions are not contact", () => {
    const state = evaluate(
      {
        closed: false,
        sessions: [
          session("2026-01-12T10:00:00Z", "attended"),
          session("2026-01-26T10:00:00Z", "didNotAttend"),
          session("2026-02-10T10:00:00Z", "attended"),
          session("2026-03-03T10:00:00Z", "attended"),
          session("2026-03-30T10:00:00+01:00", "planned"),
        ],
      },
      "2026-03-10T12:00:00Z",
    );
    expect(state.longGaps).toEqual([
      { from: "2026-01-12", to: "2026-02-10", days: 29 },
      { from: "2026-03-03", to: "2026-03-30", days: 27 },
    ]);
  });

  it("counts past sessions whose attendance was never recorded, and does not treat them as next", () => {
    const state = evaluate(
      {
        closed: false,
        sessions: [session("2026-01-12T10:00:00Z", "attended"), session("2026-01-26T10:00:00Z", "planned"), session("2026-02-09T10:00:00Z", "planned")],
      },
      "2026-02-01T12:00:00Z",
    );
    expect(state.unrecordedPastSessions).toBe(1);
    expect(state.nextSessionOn?.toISOString()).toBe("2026-02-09T10:00:00.000Z");
    expect(state.sessionsBooked).toBe(2);
  });
});

describe("session numbering", () => {
  const rebooked: EngagementFacts = {
    closed: false,
    sessions: [
      session("2026-01-26T10:00:00Z", "didNotAttend"),
      session("2026-01-12T10:00:00Z", "attended"),
      session("2026-02-02T10:00:00Z", "planned"),
      session("2026-02-09T10:00:00Z", "cancelledByService"),
      session("2026-02-16T10:00:00Z", "planned"),
    ],
  };

  it("rebooks a missed session 2 as session 2, and a cancelled slot is used by the next booking", () => {
    const state = evaluate(rebooked, "2026-01-30T12:00:00Z");
    expect(state.sessions.map((s) => [s.day, s.attendance, s.sessionNumber])).toEqual([
      ["2026-01-12", "attended", 1],
      ["2026-01-26", "didNotAttend", 2],
      ["2026-02-02", "planned", 2],
      ["2026-02-09", "cancelledByService", 3],
      ["2026-02-16", "planned", 3],
    ]);
  });

  it("gives the next booking the next free number, and says whether the plan allows it", () => {
    expect(nextSessionNumber(rebooked, DEFAULT_CONFIGURATION)).toEqual({ number: 4, allowed: true });
    expect(nextSessionNumber(sixSessionEngagement, DEFAULT_CONFIGURATION)).toEqual({ number: 7, allowed: false });
    expect(nextSessionNumber({ ...sixSessionEngagement, extension: { approved: true, additionalSessions: 2, requests: 1 } }, DEFAULT_CONFIGURATION)).toEqual({
      number: 7,
      allowed: true,
    });
    expect(nextSessionNumber({ closed: false, sessions: [] }, DEFAULT_CONFIGURATION)).toEqual({ number: 1, allowed: true });
  });

  it("allows the planned sessions plus an approved extension only", () => {
    expect(allowedSessions(DEFAULT_CONFIGURATION)).toBe(6);
    expect(allowedSessions(DEFAULT_CONFIGURATION, { approved: false, additionalSessions: 3, requests: 1 })).toBe(6);
    expect(allowedSessions(DEFAULT_CONFIGURATION, { approved: true, additionalSessions: 3, requests: 1 })).toBe(9);
    expect(allowedSessions(DEFAULT_CONFIGURATION, { approved: true, additionalSessions: -2, requests: 1 })).toBe(6);
    expect(allowedSessions(configure({ plannedSessions: 8 }))).toBe(8);
  });
});

describe("sessions that cannot be right", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("returns nothing for a sound record", () => {
    expect(sessionProblems(sixSessionEngagement, london, new Date("2026-04-01T12:00:00+01:00"))).toEqual([]);
  });

  it("returns every problem together: before the referral, attendance in the future, numbers out of order", () => {
    const problems = sessionProblems(
      {
        referralDate: "2026-01-05",
        closed: false,
        sessions: [
          session("2026-01-02T10:00:00Z", "attended", { number: 1 }),
          session("2026-01-26T10:00:00Z", "attended", { number: 3 }),
          session("2026-02-09T10:00:00Z", "attended", { number: 2 }),
          session("2026-03-09T10:00:00Z", "didNotAttend", { number: 4 }),
        ],
      },
      london,
      now,
    );
    expect(problems.map((p) => p.code)).toEqual(["session.beforeReferral", "session.outOfOrder", "session.attendanceInFuture"]);
    expect(problems[0].message).toBe("the session on 02/01/2026 is before the referral date 05/01/2026");
    expect(problems[1].message).toContain("numbered 2");
    expect(problems[1].message).toContain("after session 3");
    expect(problems[2].message).toContain("09/03/2026");
  });

  it("accepts a session on the referral day, a rebooked number and a planned future session", () => {
    const problems = sessionProblems(
      {
        referralDate: "2026-01-05",
        closed: false,
        sessions: [
          session("2026-01-05T09:00:00Z", "attended", { number: 1 }),
          session("2026-01-19T09:00:00Z", "didNotAttend", { number: 2 }),
          session("2026-01-26T09:00:00Z", "attended", { number: 2 }),
          session("2026-03-09T10:00:00Z", "planned", { number: 3 }),
        ],
      },
      london,
      now,
    );
    expect(problems).toEqual([]);
  });

  it("rejects an impossible referral date rather than guessing", () => {
    const facts: EngagementFacts = { referralDate: "2026-02-30", closed: false, sessions: [] };
    expect(() => sessionProblems(facts, london, now)).toThrow(RangeError);
    expect(() => evaluate(facts, "2026-03-01T12:00:00Z")).toThrow('Not a calendar date: "2026-02-30"');
  });

  it("judges the referral date by the user's calendar day", () => {
    // 00:30 BST on 30 March is 29 March in UTC, but the referral day in the UK.
    const facts: EngagementFacts = { referralDate: "2026-03-30", closed: false, sessions: [session("2026-03-30T00:30:00+01:00", "attended")] };
    expect(sessionProblems(facts, london, new Date("2026-04-01T00:00:00Z"))).toEqual([]);
  });
});
