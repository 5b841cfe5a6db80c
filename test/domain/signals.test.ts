import { type EngagementFacts, type GoalRecord, conversationGuidance, reviewGoal, signalReason } from "../../domain";
import { evaluate, session } from "./fixtures";

const goal = (createdOn: string, status: GoalRecord["status"] = "inProgress", reviewsSinceProgress = 0): GoalRecord => ({
  createdOn: new Date(createdOn),
  status,
  reviewsSinceProgress,
});

/** Three sessions attended: the third (9 February) starts building independence. */
const threeAttended = [
  session("2026-01-12T10:00:00Z", "attended"),
  session("2026-01-26T10:00:00Z", "attended"),
  session("2026-02-09T10:00:00Z", "attended"),
  session("2026-02-23T10:00:00Z", "planned"),
];
const now = "2026-02-20T12:00:00Z";
const kinds = (facts: EngagementFacts, at = now) => evaluate(facts, at).signals.map((s) => s.kind);

describe("courageous-conversation signals", () => {
  it("sees two goals added after building independence began as late goal growth", () => {
    const facts: EngagementFacts = {
      closed: false,
      sessions: threeAttended,
      goals: [goal("2026-01-12T11:00:00Z"), goal("2026-02-10T09:00:00Z"), goal("2026-02-16T09:00:00Z")],
    };
    expect(evaluate(facts, now).signals).toEqual([{ kind: "lateGoalGrowth", values: { goals: 2 } }]);
  });

  it("does not count one late goal, or goals added before the stage began", () => {
    expect(
      kinds({ closed: false, sessions: threeAttended, goals: [goal("2026-01-27T09:00:00Z"), goal("2026-02-02T09:00:00Z"), goal("2026-02-10T09:00:00Z")] }),
    ).toEqual([]);
  });

  it("does not call new goals late while the engagement is still reviewing", () => {
    const twoAttended = threeAttended.slice(0, 2);
    expect(kinds({ closed: false, sessions: twoAttended, goals: [goal("2026-01-27T09:00:00Z"), goal("2026-02-02T09:00:00Z")] }, "2026-02-05T12:00:00Z")).toEqual([]);
  });

  it("sees stalled goals when every open goal has gone two reviews without progress", () => {
    const facts: EngagementFacts = {
      closed: false,
      sessions: threeAttended.slice(0, 2),
      goals: [goal("2026-01-12T11:00:00Z", "inProgress", 3), goal("2026-01-12T11:00:00Z", "notStarted", 2), goal("2026-01-12T11:00:00Z", "achieved", 0)],
    };
    expect(evaluate(facts, now).signals).toEqual([{ kind: "stalledGoals", values: { goals: 2, reviews: 2 } }]);
  });

  it("does not see stalling while one open goal is moving, or when no goal is open", () => {
    const moving = [goal("2026-01-12T11:00:00Z", "inProgress", 3), goal("2026-01-12T11:00:00Z", "inProgress", 1)];
    expect(kinds({ closed: false, sessions: threeAttended, goals: moving })).toEqual([]);
    const finished = [goal("2026-01-12T11:00:00Z", "achieved", 4), goal("2026-01-12T11:00:00Z", "setAside", 4)];
    expect(kinds({ closed: false, sessions: threeAttended, goals: finished })).toEqual([]);
  });

  it("sees repeated extension requests at the threshold, not under it", () => {
    expect(evaluate({ closed: false, sessions: threeAttended, extension: { approved: true, additionalSessions: 2, requests: 2 } }, now).signals).toEqual([
      { kind: "repeatedExtensions", values: { requests: 2 } },
    ]);
    expect(kinds({ closed: false, sessions: threeAttended, extension: { approved: false, additionalSessions: 0, requests: 1 } })).toEqual([]);
  });

  it("raises several signals together, and none once the engagement is closed", () => {
    const troubled: EngagementFacts = {
      closed: false,
      sessions: [...threeAttended.slice(0, 3), session("2026-02-16T10:00:00Z", "didNotAttend"), session("2026-02-18T10:00:00Z", "didNotAttend")],
      extension: { approved: false, additionalSessions: 0, requests: 3 },
      goals: [goal("2026-02-10T09:00:00Z", "inProgress", 2), goal("2026-02-11T09:00:00Z", "notStarted", 2)],
    };
    expect(kinds(troubled)).toEqual(["dnaStreak", "repeatedExtensions", "lateGoalGrowth", "stalledGoals"]);
    expect(kinds({ ...troubled, closed: true })).toEqual([]);
  });
});

describe("goal reviews", () => {
  it("resets the count when confidence rises or the goal is achieved", () => {
    expect(reviewGoal({ confidence: 4, reviewsSinceProgress: 3 }, { confidence: 5, status: "inProgress" })).toBe(0);
    expect(reviewGoal({ confidence: 7, reviewsSinceProgress: 2 }, { confidence: 7, status: "achieved" })).toBe(0);
  });

  it("counts one more review when confidence stays or falls", () => {
    expect(reviewGoal({ confidence: 4, reviewsSinceProgress: 1 }, { confidence: 4, status: "inProgress" })).toBe(2);
    expect(reviewGoal({ confidence: 6, reviewsSinceProgress: 0 }, { confidence: 3, status: "notStarted" })).toBe(1);
  });
});

describe("conversation guidance", () => {
  it("shows nothing without a signal", () => {
    expect(conversationGuidance([])).toBeUndefined();
  });

  it("offers the three approaches and says why, with the numbers", () => {
    const card = conversationGuidance([
      { kind: "dnaStreak", values: { count: 3, threshold: 2 } },
      { kind: "beyondPlan", values: { booked: 8, planned: 6 } },
    ]);
    expect(card?.title).toBeTruthy();
    expect(card?.intro).toBeTruthy();
    expect(card?.prompts.map((p) => p.approach)).toEqual(["appreciative", "exploratory", "redirect"]);
    for (const prompt of card?.prompts ?? []) expect(prompt.text.length).toBeGreaterThan(20);
    expect(card?.reasons).toHaveLength(2);
    expect(card?.reasons[0]).toMatch(/\b3\b.*\b2\b/);
    expect(card?.reasons[1]).toMatch(/\b8\b.*\b6\b/);
  });

  it.each([
    ["dnaStreak", { count: 4, threshold: 2 }],
    ["beyondPlan", { booked: 9, planned: 6 }],
    ["repeatedExtensions", { requests: 3 }],
    ["lateGoalGrowth", { goals: 5 }],
    ["stalledGoals", { goals: 2, reviews: 3 }],
  ] as const)("fills every placeholder of the %s reason", (kind, values) => {
    const reason = signalReason(kind, values);
    for (const value of Object.values(values)) expect(reason).toContain(String(value));
    expect(reason).not.toMatch(/[{}]/);
  });
});
