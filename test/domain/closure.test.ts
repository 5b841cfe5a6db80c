import {
  type ClosureCheckItem,
  type ClosureFacts,
  CLOSURE_REASONS,
  DEFAULT_CONFIGURATION,
  checklistProgress,
  closureCheckLabel,
  configure,
  requiredChecks,
  validateClosure,
} from "../../domain";
import { evaluate, session } from "./fixtures";

const config = DEFAULT_CONFIGURATION;

describe("checks each closure reason requires", () => {
  it.each([
    [
      "goalsMet",
      ["achievementsCelebrated", "stayingWellPlanAgreed", "communitySupportConfirmed", "closingWellbeingRecorded", "referrerInformed", "futureSessionsCancelled"],
    ],
    ["redirected", ["alternativeSupportDiscussed", "alternativeSupportArranged", "referrerInformed", "futureSessionsCancelled"]],
    ["notRightTime", ["returnRouteExplained", "referrerInformed", "futureSessionsCancelled"]],
    ["disengaged", ["contactAttemptsMade", "returnRouteExplained", "referrerInformed", "futureSessionsCancelled"]],
    ["movedAway", ["onwardSignpostingGiven", "referrerInformed", "futureSessionsCancelled"]],
    ["deceased", ["referrerInformed", "futureSessionsCancelled"]],
    ["other", ["referrerInformed", "futureSessionsCancelled"]],
  ] as const)("%s requires its own checks", (reason, checks) => {
    expect(requiredChecks(reason, config)).toEqual(checks);
  });

  it("always requires that no sessions are left booked, whatever the organisation configures", () => {
    const custom = configure({ requiredChecks: { deceased: [] } });
    expect(requiredChecks("deceased", custom)).toEqual(["futureSessionsCancelled"]);
    // A configuration built by hand, not through configure(), gets the same guarantee.
    const handMade = { ...config, requiredChecks: { ...config.requiredChecks, other: ["referrerInformed"] as const } };
    expect(requiredChecks("other", handMade)).toEqual(["referrerInformed", "futureSessionsCancelled"]);
  });

  it("can be closed for every reason once its own checks are done", () => {
    for (const reason of CLOSURE_REASONS) {
      const verdict = validateClosure(
        { reason, done: requiredChecks(reason, config), openFutureSessions: 0, closingWellbeingRecorded: true, summary: "Ended well." },
        config,
      );
      expect({ reason, ...verdict }).toMatchObject({ reason, canClose: true, missing: [] });
    }
  });
});

describe("validateClosure", () => {
  const nothingDone: ClosureFacts = { reason: "goalsMet", done: [], openFutureSessions: 2, closingWellbeingRecorded: false, summary: "" };

  it("lists every missing item of a planned closure at once, each with a plain reason", () => {
    const verdict = validateClosure(nothingDone, config);
    expect(verdict.canClose).toBe(false);
    expect(verdict.missing.map((m) => [m.code, m.item])).toEqual([
      ["closure.check", "achievementsCelebrated"],
      ["closure.check", "stayingWellPlanAgreed"],
      ["closure.check", "communitySupportConfirmed"],
      ["closure.closingWellbeing", "closingWellbeingRecorded"],
      ["closure.check", "referrerInformed"],
      ["closure.futureSessions", "futureSessionsCancelled"],
      ["closure.summary", undefined],
    ]);
    expect(verdict.missing[0].message).toBe(`${closureCheckLabel("achievementsCelebrated")}: not done yet`);
    expect(verdict.missing[5].message).toContain("2 future sessions still booked");
  });

  it("proves the closing measure and the cancelled sessions from the record, not from a tick", () => {
    const ticked: ClosureCheckItem[] = [...requiredChecks("goalsMet", config)];
    const verdict = validateClosure({ ...nothingDone, done: ticked, summary: "Goals met." , openFutureSessions: 1 }, config);
    expect(verdict.missing.map((m) => m.code)).toEqual(["closure.closingWellbeing", "closure.futureSessions"]);
    expect(verdict.canClose).toBe(false);
  });

  it("accepts a stored closing measure without its tick", () => {
    const done = requiredChecks("goalsMet", config).filter((item) => item !== "closingWellbeingRecorded");
    const verdict = validateClosure({ reason: "goalsMet", done, openFutureSessions: 0, closingWellbeingRecorded: true, summary: "Goals met." }, config);
    expect(verdict).toEqual({ canClose: true, required: requiredChecks("goalsMet", config), missing: [] });
  });

  it("asks for a reason, and still reports booked sessions and a blank summary", () => {
    for (const reason of [undefined, null, "", "finished"]) {
      const verdict = validateClosure({ reason, done: [], openFutureSessions: 1, closingWellbeingRecorded: false, summary: "   " }, config);
      expect(verdict.canClose).toBe(false);
      expect(verdict.required).toEqual([]);
      expect(verdict.missing.map((m) => m.code)).toEqual(["closure.reason", "closure.futureSessions", "closure.summary"]);
    }
  });

  it("treats a whitespace summary as missing", () => {
    const done = requiredChecks("other", config);
    expect(validateClosure({ reason: "other", done, openFutureSessions: 0, closingWellbeingRecorded: false, summary: " \n\t" }, config).missing).toEqual([
      { code: "closure.summary", message: "Write a closure summary for the referrer" },
    ]);
  });

  it("follows the organisation's own checks", () => {
    const custom = configure({ requiredChecks: { other: ["referrerInformed", "returnRouteExplained"] } });
    const verdict = validateClosure({ reason: "other", done: ["referrerInformed"], openFutureSessions: 0, closingWellbeingRecorded: false, summary: "x" }, custom);
    expect(verdict.missing.map((m) => m.item)).toEqual(["returnRouteExplained"]);
  });

  it.each([-1, 1.5, Number.NaN])("rejects an impossible count of booked sessions (%p)", (openFutureSessions) => {
    expect(() => validateClosure({ ...nothingDone, openFutureSessions }, config)).toThrow(RangeError);
  });
});

describe("an early, redirected closure", () => {
  // After two sessions the person and the worker agree that specialist support suits them better.
  const sessions = [
    session("2026-01-12T10:00:00Z", "attended"),
    session("2026-01-26T10:00:00Z", "attended"),
    session("2026-02-09T10:00:00Z", "planned"),
  ];
  const now = "2026-02-02T12:00:00Z";
  const openFuture = (state: ReturnType<typeof evaluate>) => state.sessions.filter((s) => s.attendance === "planned" && !s.isPast).length;

  it("cannot close while session 3 is still booked, and needs no closing measure", () => {
    const state = evaluate({ closed: false, sessions }, now);
    const verdict = validateClosure(
      {
        reason: "redirected",
        done: ["alternativeSupportDiscussed", "alternativeSupportArranged", "referrerInformed"],
        openFutureSessions: openFuture(state),
        closingWellbeingRecorded: false,
        summary: "Referred on to the community mental health team.",
      },
      config,
    );
    expect(verdict.missing.map((m) => m.code)).toEqual(["closure.futureSessions"]);
  });

  it("closes once session 3 is cancelled, and the engagement is then closed with no flags", () => {
    const cancelled = [...sessions.slice(0, 2), session("2026-02-09T10:00:00Z", "cancelledByService")];
    const open = evaluate({ closed: false, sessions: cancelled }, now);
    const verdict = validateClosure(
      {
        reason: "redirected",
        done: new Set<ClosureCheckItem>(["alternativeSupportDiscussed", "alternativeSupportArranged", "referrerInformed"]),
        openFutureSessions: openFuture(open),
        closingWellbeingRecorded: false,
        summary: "Referred on to the community mental health team.",
      },
      config,
    );
    expect(verdict.canClose).toBe(true);
    const closed = evaluate({ closed: true, sessions: cancelled }, "2026-06-01T12:00:00Z");
    expect(closed).toMatchObject({ stage: "closed", sessionsAttended: 2, sessionsCancelled: 1, overdue: false, pastWindow: false, signals: [] });
  });
});

describe("checklistProgress", () => {
  const config = configure();
  it("counts record-proved items only when the record proves them", () => {
    const progress = checklistProgress(
      { reason: "goalsMet", done: ["achievementsCelebrated", "stayingWellPlanAgreed", "closingWellbeingRecorded"], openFutureSessions: 1, closingWellbeingRecorded: false },
      config,
    );
    expect(progress).toEqual({ required: 6, done: 2, complete: false });
  });
  it("is complete when every required check is met, whatever the summary", () => {
    const progress = checklistProgress(
      { reason: "deceased", done: ["referrerInformed"], openFutureSessions: 0, closingWellbeingRecorded: false, summary: "" },
      config,
    );
    expect(progress).toEqual({ required: 2, done: 2, complete: true });
  });
  it("is never complete without a reason", () => {
    expect(checklistProgress({ done: [], openFutureSessions: 0, closingWellbeingRecorded: true }, config).complete).toBe(false);
  });
});
