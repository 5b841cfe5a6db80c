import "./support/browser";
import { screen } from "@testing-library/react";
import { StageGuidance } from "../../components/StageGuidance";
import { ClosureChecklist } from "../../components/ClosureChecklist";
import { ClosureReasonValues } from "../../solution/generated/dataverse";
import { mount, personWithEngagement } from "./support/scenario";

describe("labels as a Dynamics user expects them (issue 13, item 12)", () => {
  it("says a stage whose guidance has the stage's own name once: 'Closed', not 'Closed: Closed'", async () => {
    const { webAPI, contactId } = personWithEngagement([], { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet });
    mount(StageGuidance, { control: "StageGuidance", webAPI, contactId });
    expect(await screen.findByRole("heading", { name: "Closed" })).toBeTruthy();
    expect(screen.queryByText("Closed: Closed")).toBeNull();
  });

  it("counts one future session in the singular", async () => {
    const { webAPI, contactId } = personWithEngagement([{ days: 5, attendance: "planned" }], { sprx_closurereason: ClosureReasonValues.goalsMet });
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    expect(await screen.findByText("1 future session still booked: cancel it in the six-appointment tracker.")).toBeTruthy();
    expect(screen.queryByText(/session\(s\)/)).toBeNull();
  });

  it("keeps the plan and wellbeing in a section of their own, after the guidance", async () => {
    const { webAPI, contactId } = personWithEngagement([]);
    mount(StageGuidance, { control: "StageGuidance", webAPI, contactId });
    const plan = await screen.findByRole("heading", { name: "Plan and wellbeing", level: 3 });
    const goals = screen.getByRole("heading", { name: "The plan: what matters to the person" });
    expect(plan.compareDocumentPosition(goals) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(plan.parentElement?.contains(goals)).toBe(true);
    expect(plan.parentElement?.contains(screen.getByRole("heading", { name: /^Establishing/ }))).toBe(false);
  });
});
