import {
  type ClosureSummaryInput,
  closureReasonLabel,
  closureSummaryHtml,
  closureSummarySections,
  closureSummaryText,
  escapeHtml,
  scoreOns4,
  scoreUcla3,
} from "../../domain";

const input: ClosureSummaryInput = {
  personName: "Sam Example",
  referralDate: "2026-01-05",
  referralReason: "Low mood after retiring; few social contacts",
  whatMatters: ["Getting out of the house twice a week", "Gardening again"],
  contacts: [
    { day: "2026-03-02", mode: "video", attendance: "attended" },
    { day: "2026-01-12", mode: "inPerson", attendance: "attended" },
    { day: "2026-01-26", mode: "phone", attendance: "attended" },
    { day: "2026-02-02", mode: "phone", attendance: "didNotAttend" },
    { day: "2026-02-09", mode: "inPerson", attendance: "attended" },
    { day: "2026-02-16", attendance: "cancelledByPerson" },
    { day: "2026-03-23", mode: "inPerson", attendance: "attended" },
    { day: "2026-04-13", mode: "inPerson", attendance: "attended" },
  ],
  supportArranged: [
    { description: "Community allotment group", helped: true },
    { description: "Walking for health", helped: null },
    { description: "Online peer forum", helped: false },
  ],
  wellbeing: [
    {
      label: "ONS4",
      baseline: scoreOns4({ satisfied: 3, worthwhile: 4, happy: 3, anxious: 7 }),
      closing: scoreOns4({ satisfied: 6, worthwhile: 6, happy: 3, anxious: 4 }),
    },
    { label: "UCLA-3", baseline: scoreUcla3({ companionship: 3, leftOut: 3, isolated: 2 }) },
  ],
  closureReason: "goalsMet",
  closedOn: "2026-04-13",
  nextSteps: "Keep going to the allotment group; call the service again if things get harder",
  gpAction: { required: false },
};

const section = (heading: string, summary = input) => closureSummarySections(summary).find((s) => s.heading === heading)?.lines;

describe("message back to the GP and referrer", () => {
  it("follows the PRSB order of sections", () => {
    expect(closureSummarySections(input).map((s) => s.heading)).toEqual([
      "Person",
      "Reason for referral",
      "What matters to the person",
      "Contacts",
      "Support and activities arranged",
      "Wellbeing measures",
      "Outcome",
      "Next steps",
      "Action for the GP",
    ]);
  });

  it("counts the contacts held and missed, with the first and last dates (in any record order) and the modes", () => {
    expect(section("Contacts")).toEqual(["6 sessions held, 1 missed, from 2026-01-12 to 2026-04-13, in person, by phone, by video"]);
    expect(section("Contacts", { ...input, contacts: [] })).toEqual(["0 sessions held"]);
  });

  it("separates what was arranged from what was tried and did not help", () => {
    expect(section("Support and activities arranged")).toEqual([
      "Community allotment group",
      "Walking for health",
      "Tried and did not help:",
      "Online peer forum",
    ]);
    expect(section("Support and activities arranged", { ...input, supportArranged: [] })).toEqual(["None arranged"]);
  });

  it("gives the wellbeing scores at the start and the end, and says which is missing", () => {
    const [ons4, ucla] = section("Wellbeing measures") ?? [];
    expect(ons4).toContain("at the start satisfaction 3, worthwhile 4, happiness 3, anxiety 7");
    expect(ons4).toContain("at the end satisfaction 6, worthwhile 6, happiness 3, anxiety 4");
    expect(ons4).toContain("satisfied 3 → 6 (better)");
    expect(ons4).toContain("happy 3 → 3 (no change)");
    expect(ons4).toContain("anxious 7 → 4 (better)");
    expect(ucla).toBe("UCLA-3: no closing score");
    expect(section("Wellbeing measures", { ...input, wellbeing: [] })).toEqual(["No measures recorded"]);
  });

  it("describes loneliness scores and a worsening", () => {
    const lines = section("Wellbeing measures", {
      ...input,
      wellbeing: [{ label: "UCLA-3", baseline: scoreUcla3({ companionship: 1, leftOut: 2, isolated: 2 }), closing: scoreUcla3({ companionship: 2, leftOut: 2, isolated: 3 }) }],
    });
    expect(lines).toEqual(["UCLA-3: at the start loneliness 5 of 9 (not lonely); at the end loneliness 7 of 9 (lonely). total 5 → 7 (worse)"]);
  });

  it("states the outcome and next steps", () => {
    expect(section("Outcome")).toEqual([`Closed on 2026-04-13: ${closureReasonLabel("goalsMet")}`]);
    expect(section("Next steps")).toEqual([input.nextSteps]);
    expect(section("Reason for referral", { ...input, referralReason: "" })).toEqual(["Not recorded"]);
    expect(section("What matters to the person", { ...input, whatMatters: [] })).toEqual(["Not recorded"]);
  });

  it("says plainly whether the GP needs to act", () => {
    expect(section("Action for the GP")).toEqual(["No action needed by the GP."]);
    expect(section("Action for the GP", { ...input, gpAction: { required: true, detail: "Please review the medication for sleep" } })).toEqual([
      "Action needed: Please review the medication for sleep",
    ]);
  });

  it("writes plain text with each section's heading and indented lines", () => {
    const text = closureSummaryText(input);
    expect(text.startsWith("Person\n  Sam Example\n  Referred on 2026-01-05\n\nReason for referral\n")).toBe(true);
    expect(text).toContain("\n\nAction for the GP\n  No action needed by the GP.");
  });

  it("escapes whatever the record holds in HTML", () => {
    const hostile: ClosureSummaryInput = {
      ...input,
      personName: "<script>alert('x')</script>",
      whatMatters: ['<img src=x onerror="steal()">'],
      nextSteps: "Tea & biscuits > nothing",
    };
    const html = closureSummaryHtml(hostile);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("<li>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</li>");
    expect(html).toContain("&lt;img src=x onerror=&quot;steal()&quot;&gt;");
    expect(html).toContain("Tea &amp; biscuits &gt; nothing");
    expect(html.match(/<h2>/g)).toHaveLength(9);
    expect(escapeHtml(`a&b<c>"d"'e'`)).toBe("a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;");
  });
});
