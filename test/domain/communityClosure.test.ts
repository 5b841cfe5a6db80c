import fc from "fast-check";
import {
  CONNECTION_STATUSES,
  type ClosureFacts,
  type ConnectionStatus,
  DEFAULT_CONFIGURATION,
  closureSummarySections,
  communitySupportProof,
  connectionLines,
  connectionProblems,
  dayFromIso,
  linkingSuccess,
  validateClosure,
} from "../../domain";

/** Community support at closure and in the message back (issue 15). */

const today = dayFromIso("2026-05-20");
const everyOtherCheck = ["achievementsCelebrated", "stayingWellPlanAgreed", "referrerInformed"] as const;
const goalsMet = (extra: Partial<ClosureFacts>): ClosureFacts => ({
  reason: "goalsMet",
  done: [...everyOtherCheck, "communitySupportConfirmed"],
  summary: "Done",
  openFutureSessions: 0,
  closingWellbeingRecorded: true,
  ...extra,
});

describe("the closure check 'community support in place'", () => {
  it("is proved by one attended connection, even with the box unticked", () => {
    const proof = communitySupportProof([{ status: "attended", referredOn: "2026-04-01" }]);
    expect(validateClosure(goalsMet({ done: [...everyOtherCheck], communitySupport: proof }), DEFAULT_CONFIGURATION).canClose).toBe(true);
  });

  it("is not proved by a tick alone when the record has no attended connection", () => {
    const proof = communitySupportProof([{ status: "referred", referredOn: "2026-04-01" }, { status: "declined", referredOn: "2026-04-01" }]);
    const verdict = validateClosure(goalsMet({ communitySupport: proof }), DEFAULT_CONFIGURATION);
    expect(verdict.canClose).toBe(false);
    expect(verdict.missing).toEqual([expect.objectContaining({ code: "closure.communitySupport", item: "communitySupportConfirmed" })]);
    expect(verdict.missing[0].message).toMatch(/record one as attended, or tick the check with the reason it is waived/);
  });

  it("is waived with a reason", () => {
    const proof = communitySupportProof([], "Already goes to a choir and a lunch club; no new support wanted");
    expect(proof).toEqual({ proved: true, basis: "waived" });
    expect(validateClosure(goalsMet({ communitySupport: proof }), DEFAULT_CONFIGURATION).canClose).toBe(true);
    expect(communitySupportProof([], "   ").proved).toBe(false);
  });

  it("is judged only when the closure reason needs it (a redirected closure does not)", () => {
    const verdict = validateClosure(
      { reason: "redirected", done: ["alternativeSupportDiscussed", "alternativeSupportArranged", "referrerInformed"], summary: "x", openFutureSessions: 0, closingWellbeingRecorded: false, communitySupport: communitySupportProof([]) },
      DEFAULT_CONFIGURATION,
    );
    expect(verdict.canClose).toBe(true);
  });

  it("property: proved exactly when some connection was attended (or stopped after going) or a waiver is given", () => {
    const status = fc.constantFrom(...CONNECTION_STATUSES);
    fc.assert(
      fc.property(fc.array(status, { maxLength: 8 }), fc.option(fc.string({ maxLength: 5 })), (statuses: ConnectionStatus[], waiver) => {
        const connections = statuses.map((s) => ({ status: s, referredOn: s === "suggested" ? null : "2026-04-01" }));
        const proof = communitySupportProof(connections, waiver);
        const went = statuses.some((s) => s === "attended" || s === "stopped");
        expect(proof.proved).toBe(went || (waiver ?? "").trim().length > 0);
        const verdict = validateClosure(goalsMet({ communitySupport: proof }), DEFAULT_CONFIGURATION);
        expect(verdict.canClose).toBe(proof.proved);
      }),
    );
  });
});

describe("a suggestion is not a connection made", () => {
  it("refuses a referral date on a suggested connection, so made counts only referrals", () => {
    expect(connectionProblems({ status: "suggested", referredOn: "2026-05-01" }, undefined, today).map((p) => p.code)).toEqual(["connection.referredOn"]);
    expect(linkingSuccess([{ status: "suggested" }, { status: "referred", referredOn: "2026-05-01" }]).made).toBe(1);
  });
});

describe("the message back lists the connections", () => {
  const connections = [
    { service: "Riverside Walking Group", category: "Physical activity", status: "attended" as const, referredOn: "2026-03-01", attendedOn: "2026-03-08" },
    { service: "Money Matters Advice", status: "referred" as const, referredOn: "2026-05-01" },
    { service: "Canal Choir", status: "stopped" as const, referredOn: "2026-03-01", attendedOn: "2026-03-10", reason: "Evening times clashed with caring" },
    { service: "Men's Shed", status: "declined" as const, referredOn: "2026-03-01" },
    { service: "Book Club", status: "notAttended" as const, referredOn: "2026-03-01" },
    { service: "Only suggested", status: "suggested" as const },
  ];

  it("puts what took under support arranged and what did not under 'tried and did not help'", () => {
    const lines = connectionLines(connections);
    expect(lines.arranged).toEqual([
      "Riverside Walking Group (Physical activity): went from 2026-03-08",
      "Money Matters Advice: referred on 2026-05-01, not yet known whether the person went",
    ]);
    expect(lines.didNotHelp).toEqual([
      "Canal Choir: went from 2026-03-10, then stopped: Evening times clashed with caring",
      "Men's Shed: declined",
      "Book Club: referred but did not go",
    ]);
  });

  it("merges them with the goals' own support in the PRSB section", () => {
    const sections = closureSummarySections({
      personName: "Sam", referralReason: "", whatMatters: [], contacts: [], wellbeing: [], closureReason: "goalsMet", closedOn: "2026-05-20",
      nextSteps: "", gpAction: { required: false }, supportArranged: [{ description: "Allotment", helped: true }], connections,
    });
    const support = sections.find((s) => s.heading === "Support and activities arranged");
    expect(support?.lines[0]).toBe("Allotment");
    expect(support?.lines).toContain("Riverside Walking Group (Physical activity): went from 2026-03-08");
    expect(support?.lines.indexOf("Tried and did not help:")).toBe(3);
    expect(support?.lines.join("\n")).not.toContain("Only suggested");
  });
});
