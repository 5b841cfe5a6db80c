import { STAGES, attendedWhenStageBegins, stageFor, stageRank } from "../../domain";

/** Stage after 0, 1, 2, … attended sessions, up to two beyond the plan. */
const stagesOver = (planned: number) => Array.from({ length: planned + 3 }, (_, attended) => stageFor(attended, planned, false));

describe("stage as the focus of the next session", () => {
  it("follows the six-session model: 0 establishing, 1–2 reviewing, 3–4 building independence, 5+ closing", () => {
    expect(stagesOver(6)).toEqual([
      "establishing",
      "reviewing",
      "reviewing",
      "buildingIndependence",
      "buildingIndependence",
      "closing",
      "closing",
      "closing",
      "closing",
    ]);
  });

  it("is closed once the engagement closes, however many sessions were attended", () => {
    for (const attended of [0, 1, 3, 6, 9]) expect(stageFor(attended, 6, true)).toBe("closed");
  });

  it.each([
    [1, ["establishing", "closing", "closing", "closing"]],
    [2, ["establishing", "closing", "closing", "closing", "closing"]],
    [3, ["establishing", "reviewing", "closing", "closing", "closing", "closing"]],
    [4, ["establishing", "reviewing", "buildingIndependence", "closing", "closing", "closing", "closing"]],
    [
      8,
      ["establishing", "reviewing", "reviewing", "reviewing", "buildingIndependence", "buildingIndependence", "buildingIndependence", "closing", "closing", "closing", "closing"],
    ],
  ])("splits a plan of %i sessions as documented", (planned, expected) => {
    expect(stagesOver(planned)).toEqual(expected);
  });

  it("splits a plan of 12: session 1 establishes, 2–6 review, 7–11 build independence, 12 closes", () => {
    const stages = stagesOver(12);
    expect(stages[0]).toBe("establishing");
    expect(stages.slice(1, 6)).toEqual(Array(5).fill("reviewing"));
    expect(stages.slice(6, 11)).toEqual(Array(5).fill("buildingIndependence"));
    expect(stages.slice(11)).toEqual(Array(4).fill("closing"));
  });

  it("tells the tracker when each stage begins", () => {
    expect(STAGES.map((stage) => attendedWhenStageBegins(stage, 6))).toEqual([0, 1, 3, 5, undefined]);
    expect(attendedWhenStageBegins("buildingIndependence", 8)).toBe(4);
    expect(attendedWhenStageBegins("reviewing", 2)).toBeUndefined();
  });

  it("ranks stages in the order an engagement moves through them", () => {
    expect(STAGES.map(stageRank)).toEqual([0, 1, 2, 3, 4]);
  });
});
