import fc from "fast-check";
import {
  CONNECTION_STATUSES,
  CONNECTION_TRANSITIONS,
  type ConnectionFacts,
  type ConnectionStatus,
  SERVICE_CATEGORIES,
  canReach,
  communitySupportProof,
  connectionProblems,
  dayFromIso,
  dayToIso,
  addDays,
  followUpOn,
  followUpsDue,
  linkingSuccess,
  linkingSuccessBy,
} from "../../domain";

const today = dayFromIso("2026-05-20");
const codes = (facts: ConnectionFacts, previous?: ConnectionFacts) => connectionProblems(facts, previous, today).map((p) => p.code);

describe("the directory's vocabulary", () => {
  it("has the fourteen categories services are browsed by", () => {
    expect(SERVICE_CATEGORIES).toHaveLength(14);
    expect(new Set(SERVICE_CATEGORIES).size).toBe(14);
  });
});

describe("the connection lifecycle", () => {
  it("moves forward along its edges and never back", () => {
    expect(canReach("suggested", "attended")).toBe(true);
    expect(canReach("notAttended", "attended")).toBe(true);
    expect(canReach("attended", "stopped")).toBe(true);
    expect(canReach("attended", "referred")).toBe(false);
    expect(canReach("declined", "referred")).toBe(false);
    expect(canReach("stopped", "attended")).toBe(false);
  });

  it("accepts a well-dated history recorded at once", () => {
    expect(codes({ status: "suggested", suggestedOn: "2026-05-01" })).toEqual([]);
    expect(codes({ status: "referred", suggestedOn: "2026-05-01", referredOn: "2026-05-02" })).toEqual([]);
    expect(codes({ status: "attended", referredOn: "2026-05-02", attendedOn: "2026-05-09" })).toEqual([]);
    expect(codes({ status: "stopped", referredOn: "2026-05-02", attendedOn: "2026-05-09", outcomeOn: "2026-05-19", outcomeReason: "Moved shifts" })).toEqual([]);
    expect(codes({ status: "declined", outcomeOn: "2026-05-03" })).toEqual([]);
  });

  it("refuses attended without a referral, and attended in the future", () => {
    expect(codes({ status: "attended", attendedOn: "2026-05-09" })).toContain("connection.referredOn");
    expect(codes({ status: "attended", referredOn: "2026-05-02", attendedOn: "2026-05-21" })).toContain("connection.future");
  });

  it("refuses dates out of order and undated transitions, listing every problem", () => {
    expect(codes({ status: "attended", referredOn: "2026-05-10", attendedOn: "2026-05-09" })).toEqual(["connection.order"]);
    expect(codes({ status: "referred", suggestedOn: "2026-05-11", referredOn: "2026-05-10" })).toEqual(["connection.order"]);
    const stopped = codes({ status: "stopped", referredOn: "2026-05-02" });
    expect(stopped).toEqual(expect.arrayContaining(["connection.attendedOn", "connection.outcomeOn", "connection.outcomeReason"]));
    expect(codes({ status: "notAttended", referredOn: "2026-05-02" })).toEqual(["connection.outcomeOn"]);
  });

  it("refuses a move the lifecycle does not allow, and an attendance date on an open connection", () => {
    const attended: ConnectionFacts = { status: "attended", referredOn: "2026-05-02", attendedOn: "2026-05-09" };
    expect(codes({ status: "referred", referredOn: "2026-05-02" }, attended)).toContain("connection.transition");
    expect(codes({ status: "referred", referredOn: "2026-05-02", attendedOn: "2026-05-03" })).toContain("connection.attendedOn");
  });

  it("names an unreadable date instead of failing", () => {
    expect(codes({ status: "referred", referredOn: "2026-02-30" })).toEqual(["connection.referredOn"]);
    expect(codes({ status: "bogus" as ConnectionStatus })).toEqual(["connection.status"]);
  });

  it("never lets a stored connection say attended without an earlier-or-same referral date in the past (property)", () => {
    const day = fc.option(fc.integer({ min: -60, max: 10 }).map((offset) => dayToIso(addDays(today, offset))), { nil: undefined });
    fc.assert(
      fc.property(fc.constantFrom(...CONNECTION_STATUSES), day, day, day, day, fc.option(fc.constantFrom("", "reason"), { nil: undefined }), (status, suggestedOn, referredOn, attendedOn, outcomeOn, outcomeReason) => {
        const facts: ConnectionFacts = { status, suggestedOn, referredOn, attendedOn, outcomeOn, outcomeReason };
        if (connectionProblems(facts, undefined, today).length > 0) return;
        if (status === "attended" || status === "stopped") {
          expect(referredOn).toBeDefined();
          expect(attendedOn).toBeDefined();
          expect(dayFromIso(referredOn as string) <= dayFromIso(attendedOn as string)).toBe(true);
          expect(dayFromIso(attendedOn as string) <= today).toBe(true);
        }
        for (const date of [suggestedOn, referredOn, attendedOn, outcomeOn]) if (date) expect(dayFromIso(date) <= today).toBe(true);
      }),
    );
  });

  it("every status is reachable from suggested, and the transition table has no self-loops (property of the table)", () => {
    for (const status of CONNECTION_STATUSES) expect(canReach("suggested", status)).toBe(true);
    for (const [from, to] of Object.entries(CONNECTION_TRANSITIONS)) expect(to).not.toContain(from);
  });
});

describe("follow-up", () => {
  it("falls a set number of days after the referral while the outcome is unknown", () => {
    expect(followUpOn({ status: "referred", referredOn: "2026-05-01" })).toBe("2026-05-15");
    expect(followUpOn({ status: "referred", referredOn: "2026-05-01" }, { followUpDays: 7 })).toBe("2026-05-08");
    expect(followUpOn({ status: "notAttended", referredOn: "2026-05-01" })).toBe("2026-05-15");
    // Learnt on the 10th that the person has not gone yet: ask again a fortnight after that.
    expect(followUpOn({ status: "notAttended", referredOn: "2026-05-01", outcomeOn: "2026-05-10" })).toBe("2026-05-24");
    expect(followUpOn({ status: "suggested", referredOn: null })).toBeNull();
    expect(followUpOn({ status: "attended", referredOn: "2026-05-01" })).toBeNull();
    expect(followUpOn({ status: "declined", referredOn: "2026-05-01" })).toBeNull();
  });

  it("is due from its day on", () => {
    const connections = [
      { id: "a", status: "referred" as const, referredOn: "2026-05-06" },
      { id: "b", status: "referred" as const, referredOn: "2026-05-07" },
      { id: "c", status: "attended" as const, referredOn: "2026-04-01" },
    ];
    expect(followUpsDue(connections, today).map((c) => c.id)).toEqual(["a"]);
  });
});

describe("linking success", () => {
  const connections: (ConnectionFacts & { category: string })[] = [
    { category: "arts", status: "suggested" },
    { category: "arts", status: "declined", outcomeOn: "2026-05-01" },
    { category: "arts", status: "referred", referredOn: "2026-05-01" },
    { category: "arts", status: "attended", referredOn: "2026-05-01", attendedOn: "2026-05-02" },
    { category: "money", status: "stopped", referredOn: "2026-05-01", attendedOn: "2026-05-02" },
    { category: "money", status: "notAttended", referredOn: "2026-05-01" },
    { category: "money", status: "declined", referredOn: "2026-05-01" },
  ];

  it("counts a connection as made once the person was put in touch, and attended once they went", () => {
    expect(linkingSuccess(connections)).toEqual({ made: 5, attended: 2, rate: 0.4 });
    expect(linkingSuccess([])).toEqual({ made: 0, attended: 0, rate: null });
  });

  it("groups by any key, and the groups add up to the whole (property)", () => {
    const byCategory = linkingSuccessBy(connections, (c) => c.category);
    expect(byCategory.get("arts")).toEqual({ made: 2, attended: 1, rate: 0.5 });
    expect(byCategory.get("money")).toEqual({ made: 3, attended: 1, rate: 1 / 3 });
    fc.assert(
      fc.property(fc.array(fc.record({ status: fc.constantFrom(...CONNECTION_STATUSES), referredOn: fc.constantFrom(null, "2026-05-01"), key: fc.integer({ min: 0, max: 3 }) })), (rows) => {
        const whole = linkingSuccess(rows);
        const parts = [...linkingSuccessBy(rows, (r) => r.key).values()];
        expect(parts.reduce((n, p) => n + p.made, 0)).toBe(whole.made);
        expect(parts.reduce((n, p) => n + p.attended, 0)).toBe(whole.attended);
        expect(whole.attended).toBeLessThanOrEqual(whole.made);
      }),
    );
  });
});

describe("community support at closure", () => {
  it("is proved by a connection the person reached, or waived with a reason", () => {
    expect(communitySupportProof([{ status: "attended", referredOn: "2026-05-01" }])).toEqual({ proved: true, basis: "attended" });
    expect(communitySupportProof([{ status: "referred", referredOn: "2026-05-01" }])).toEqual({ proved: false, basis: "none" });
    expect(communitySupportProof([], "Redirected to the community mental health team")).toEqual({ proved: true, basis: "waived" });
    expect(communitySupportProof([], "   ")).toEqual({ proved: false, basis: "none" });
  });
});
