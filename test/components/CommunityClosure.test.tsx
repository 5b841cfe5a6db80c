import "./support/browser";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ClosureChecklist } from "../../components/ClosureChecklist";
import { ClosureCheckItemValues, ClosureReasonValues, InstrumentValues, TimepointValues } from "../../solution/generated/dataverse";
import { DEFAULT_CONFIGURATION, requiredChecks } from "../../domain";
import { daysFromNow, isoDay, mount, personWithEngagement } from "./support/scenario";

/** The closure checklist judges "community support in place" from the record, as the server does (issue 15). */

function everythingButCommunitySupport() {
  const scenario = personWithEngagement(
    Array.from({ length: 6 }, (_, i) => ({ days: -60 + i * 10, attendance: "attended" as const })),
    { sprx_closurereason: ClosureReasonValues.goalsMet, sprx_closuresummary: "Six sessions." },
  );
  for (const item of requiredChecks("goalsMet", DEFAULT_CONFIGURATION)) {
    if (item === "futureSessionsCancelled" || item === "closingWellbeingRecorded") continue;
    scenario.webAPI.seed("sprx_closurecheck", { _sprx_engagementid_value: scenario.engagementId, sprx_item: ClosureCheckItemValues[item], sprx_done: true, sprx_doneon: daysFromNow(-1).toISOString() });
  }
  scenario.webAPI.seed("sprx_wellbeingscore", {
    _sprx_engagementid_value: scenario.engagementId, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.closing,
    sprx_completedon: isoDay(daysFromNow(-1)), sprx_ucla_companionship: 1, sprx_ucla_leftout: 1, sprx_ucla_isolated: 2,
  });
  return scenario;
}

const closeButton = () => screen.getByRole("button", { name: "Close engagement" });

describe("community support at closure", () => {
  it("a tick alone does not prove it; the tick with a reason waives it", async () => {
    const { webAPI, contactId } = everythingButCommunitySupport();
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    const missing = await screen.findByRole("region", { name: "Still to do before closing" });
    expect(within(missing).getByText(/Community support in place confirmed: no connection the person went to is recorded/)).toBeTruthy();
    expect(closeButton().getAttribute("aria-disabled")).toBe("true");

    await user.type(screen.getByRole("textbox", { name: /Note.*Community support in place confirmed/ }), "Already part of a running club; no new support wanted");
    await user.click(screen.getByRole("button", { name: "Save notes" }));
    await screen.findByText("Notes saved.");
    expect(closeButton().getAttribute("aria-disabled")).toBeNull();
  });
});
