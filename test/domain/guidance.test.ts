import {
  BARRIERS,
  CLOSURE_CHECK_ITEMS,
  CLOSURE_REASONS,
  SIGNAL_KINDS,
  STAGES,
  barrierGuidance,
  catalogueFor,
  closureCheckLabel,
  closureReasonLabel,
  en,
  stageGuidance,
  stageName,
  text,
} from "../../domain";

/** Real text, not a blank or a stray key: a few words at least. */
function expectSentence(value: string): void {
  expect(value).toMatch(/\S.{8,}/);
}

describe("guidance content", () => {
  it.each(STAGES.filter((stage) => stage !== "closed"))("prepares the worker for the %s stage", (stage) => {
    const guidance = stageGuidance(stage);
    expect(guidance.stage).toBe(stage);
    expect(guidance.title).toMatch(/\S/);
    expectSentence(guidance.purpose);
    expect(guidance.prompts.length).toBeGreaterThanOrEqual(3);
    expect(guidance.toCover.length).toBeGreaterThanOrEqual(3);
    for (const line of [...guidance.prompts, ...guidance.toCover]) expectSentence(line);
    expect(new Set(guidance.prompts).size).toBe(guidance.prompts.length);
  });

  it("ends with a title and a purpose for a closed engagement", () => {
    const guidance = stageGuidance("closed");
    expect(guidance).toMatchObject({ title: "Closed", prompts: [], toCover: [] });
    expectSentence(guidance.purpose);
  });

  it("gives every stage a name", () => {
    expect(STAGES.map((stage) => stageName(stage))).toEqual(["Establishing", "Reviewing", "Building independence", "Closing", "Closed"]);
  });

  it.each(BARRIERS)("says what helps with %s and where to signpost", (barrier) => {
    const guidance = barrierGuidance(barrier);
    expect(guidance.barrier).toBe(barrier);
    expect(guidance.title).toMatch(/\S/);
    expectSentence(guidance.whatHelps);
    expectSentence(guidance.signpost);
  });

  it("labels every closure reason and every checklist item, each differently", () => {
    const reasons = CLOSURE_REASONS.map((reason) => closureReasonLabel(reason));
    const checks = CLOSURE_CHECK_ITEMS.map((item) => closureCheckLabel(item));
    for (const label of [...reasons, ...checks]) expect(label).toMatch(/\S/);
    expect(new Set(reasons).size).toBe(CLOSURE_REASONS.length);
    expect(new Set(checks).size).toBe(CLOSURE_CHECK_ITEMS.length);
    expect(closureReasonLabel("redirected")).toBe("Redirected to more suitable support");
  });

  it("has a reason text for every signal", () => {
    for (const kind of SIGNAL_KINDS) expect(en[`signal.${kind}`]).toMatch(/\{\w+\}/);
  });

  it("falls back from a regional tag to its language, and to English for a language it lacks", () => {
    expect(catalogueFor("en-GB")).toBe(en);
    expect(catalogueFor("EN")).toBe(en);
    expect(catalogueFor("cy-GB")).toBe(en);
    expect(catalogueFor()).toBe(en);
  });

  it("fills the placeholders it is given and leaves the others visible", () => {
    expect(text("signal.dnaStreak", { count: 2 })).toBe("2 sessions in a row were missed (the prompt appears at {threshold}).");
  });
});
