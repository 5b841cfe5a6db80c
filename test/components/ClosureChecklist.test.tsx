import "./support/browser";
import { axeViolations } from "./support/axe";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ClosureChecklist } from "../../components/ClosureChecklist";
import { ClosureCheckItemValues, ClosureReasonValues, ConnectionStatusValues, InstrumentValues, TimepointValues } from "../../solution/generated/dataverse";
import { closureCheckLabel, DEFAULT_CONFIGURATION, requiredChecks } from "../../domain";
import { directFetch, jsonResponse, platformError, type FakeWebApi } from "./support/fakeWebApi";
import { USER_ID } from "./support/fakeContext";
import { daysFromNow, isoDay, mount, personWithEngagement } from "./support/scenario";

const closeButton = () => screen.getByRole("button", { name: "Close engagement" });

/** Closing asks first; the dialog's own button confirms. */
async function confirmClosure(user: ReturnType<typeof userEvent.setup>): Promise<string> {
  const dialog = await screen.findByRole("alertdialog", { name: "Close this engagement?" });
  const said = dialog.textContent ?? "";
  await user.click(within(dialog).getByRole("button", { name: "Close engagement" }));
  return said;
}

/** An engagement closing with "goals met": every ticked check done, a closing measure stored, nothing booked. */
function readyToClose(): ReturnType<typeof personWithEngagement> {
  const scenario = personWithEngagement(
    Array.from({ length: 6 }, (_, i) => ({ days: -60 + i * 10, attendance: "attended" as const })),
    { sprx_closurereason: ClosureReasonValues.goalsMet },
  );
  tickAll(scenario.webAPI, scenario.engagementId);
  scenario.webAPI.seed("sprx_wellbeingscore", {
    _sprx_engagementid_value: scenario.engagementId,
    sprx_instrument: InstrumentValues.ucla3,
    sprx_timepoint: TimepointValues.closing,
    sprx_completedon: isoDay(daysFromNow(-1)),
    sprx_ucla_companionship: 1,
    sprx_ucla_leftout: 1,
    sprx_ucla_isolated: 2,
  });
  // "Community support in place" is proved by a connection the person went to.
  scenario.webAPI.seed("sprx_connection", {
    _sprx_engagementid_value: scenario.engagementId, sprx_status: ConnectionStatusValues.attended,
    sprx_referredon: isoDay(daysFromNow(-30)), sprx_attendedon: isoDay(daysFromNow(-20)),
  });
  return scenario;
}

function tickAll(webAPI: FakeWebApi, engagementId: string, except: string[] = []): void {
  for (const item of requiredChecks("goalsMet", DEFAULT_CONFIGURATION)) {
    if (item === "futureSessionsCancelled" || item === "closingWellbeingRecorded" || except.includes(item)) continue;
    webAPI.seed("sprx_closurecheck", {
      _sprx_engagementid_value: engagementId,
      sprx_item: ClosureCheckItemValues[item],
      sprx_done: true,
      sprx_doneon: daysFromNow(-1).toISOString(),
      _sprx_donebyid_value: USER_ID,
    });
  }
}

describe("Closure checklist", () => {
  it("keeps Close engagement disabled, listing what is missing, until the checklist is complete", async () => {
    const { webAPI, contactId } = personWithEngagement([{ days: 5, attendance: "planned" }], { sprx_closurereason: ClosureReasonValues.goalsMet });
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    expect(screen.getByRole("region", { name: "Closure checklist" })).toBeTruthy();
    await screen.findByText('Checks for "Goals met"');
    expect(webAPI.calls).toHaveLength(2);
    expect(closeButton().getAttribute("aria-disabled")).toBe("true");
    const missing = screen.getByRole("heading", { name: "Still to do before closing" }).nextElementSibling as HTMLElement;
    expect(within(missing).getByText(/1 future session still booked/)).toBeTruthy();
    expect(within(missing).getByText(/no closing wellbeing measure is stored/)).toBeTruthy();
    expect(within(missing).getByText("Write a closure summary for the referrer")).toBeTruthy();
    expect(within(missing).getByText(`${closureCheckLabel("referrerInformed")}: not done yet`)).toBeTruthy();
  });

  it("saves the chosen reason and shows the checks that reason needs", async () => {
    const { webAPI, contactId, engagementId } = personWithEngagement([]);
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    await user.selectOptions(await screen.findByLabelText(/Closure reason/), "movedAway");
    await screen.findByText("Closure reason saved.");
    expect(webAPI.row("sprx_engagement", engagementId)?.sprx_closurereason).toBe(ClosureReasonValues.movedAway);
    for (const item of requiredChecks("movedAway", DEFAULT_CONFIGURATION)) expect(screen.getAllByText(closureCheckLabel(item)).length).toBeGreaterThan(0);
    expect(screen.queryByText(closureCheckLabel("achievementsCelebrated"))).toBeNull();
  });

  it("ticks a check with who and when, as a row bound to the engagement and the user", async () => {
    const { webAPI, contactId, engagementId } = personWithEngagement([], { sprx_closurereason: ClosureReasonValues.notRightTime });
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    const label = closureCheckLabel("returnRouteExplained");
    await user.type(await screen.findByLabelText(`Note on "${label}"`), "Gave the leaflet");
    await user.click(screen.getByRole("checkbox", { name: label }));
    await screen.findByText(`"${label}" ticked.`);
    const created = webAPI.writes().find((c) => c.entity === "sprx_closurecheck");
    expect(created?.data).toMatchObject({
      sprx_item: ClosureCheckItemValues.returnRouteExplained,
      sprx_done: true,
      sprx_note: "Gave the leaflet",
      "sprx_donebyid@odata.bind": `/systemusers(${USER_ID})`,
      "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`,
    });
    expect(typeof created?.data?.sprx_doneon).toBe("string");
    expect(await screen.findByText(/^Ticked by you on /)).toBeTruthy();
  });

  it("closes with state, status and reason; shows the server's refusal and keeps what was typed", async () => {
    const { webAPI, contactId, engagementId } = readyToClose();
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    await screen.findByText('Checks for "Goals met"');
    expect(closeButton().getAttribute("aria-disabled")).toBe("true");
    await user.type(screen.getByRole("textbox", { name: /^Closure summary/ }), "Six sessions; now part of a walking group");
    await user.type(screen.getByLabelText("Next steps"), "Keep going to the group");
    await waitFor(() => expect(closeButton().getAttribute("aria-disabled")).toBeNull());

    webAPI.failNext("updateRecord", platformError(0x80040265, "The referrer has not been told of the outcome yet."));
    await user.click(closeButton());
    await confirmClosure(user);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The referrer has not been told of the outcome yet.");
    expect(screen.getByRole<HTMLTextAreaElement>("textbox", { name: /^Closure summary/ }).value).toBe("Six sessions; now part of a walking group");
    expect(screen.getByLabelText<HTMLTextAreaElement>("Next steps").value).toBe("Keep going to the group");

    await user.click(closeButton());
    await confirmClosure(user);
    expect(await screen.findByRole("heading", { name: "Engagement ENG-000001 is closed" })).toBeTruthy();
    expect(webAPI.row("sprx_engagement", engagementId)).toMatchObject({
      statecode: 1,
      statuscode: 2,
      sprx_closurereason: ClosureReasonValues.goalsMet,
      sprx_closuresummary: "Six sessions; now part of a walking group",
      sprx_nextsteps: "Keep going to the group",
    });
    expect(screen.queryByRole("button", { name: "Reopen" })).toBeNull();
  });

  it("after the server refuses a closure, shows the checklist as the server holds it now", async () => {
    const { webAPI, contactId, engagementId } = readyToClose();
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    await screen.findByText('Checks for "Goals met"');
    await user.type(screen.getByRole("textbox", { name: /^Closure summary/ }), "Six sessions");
    await waitFor(() => expect(closeButton().getAttribute("aria-disabled")).toBeNull());
    const label = closureCheckLabel("referrerInformed");
    expect(screen.getByRole("checkbox", { name: label })).toHaveProperty("checked", true);

    // A colleague unticks a check meanwhile; the server refuses the closure because of it.
    const check = webAPI.rows("sprx_closurecheck").find((r) => r._sprx_engagementid_value === engagementId && r.sprx_item === ClosureCheckItemValues.referrerInformed);
    webAPI.touch("sprx_closurecheck", String(check?.sprx_closurecheckid), { sprx_done: false });
    webAPI.failNext("updateRecord", platformError(0x80040265, `This engagement cannot be closed yet: ${label}: not done yet.`));
    await user.click(closeButton());
    await confirmClosure(user);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("cannot be closed yet");
    expect(document.activeElement).toBe(alert);
    await waitFor(() => expect(screen.getByRole("checkbox", { name: label })).toHaveProperty("checked", false));
    expect(screen.getByRole<HTMLTextAreaElement>("textbox", { name: /^Closure summary/ }).value).toBe("Six sessions");
  });

  it("asks before closing, saying what follows; Not yet closes nothing", async () => {
    const { webAPI, contactId, engagementId } = readyToClose();
    webAPI.touch("sprx_engagement", engagementId, { sprx_consenttoshare: true });
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    await screen.findByText('Checks for "Goals met"');
    await user.type(screen.getByRole("textbox", { name: /^Closure summary/ }), "Six sessions");
    await waitFor(() => expect(closeButton().getAttribute("aria-disabled")).toBeNull());
    await user.click(closeButton());
    const dialog = await screen.findByRole("alertdialog", { name: "Close this engagement?" });
    expect(dialog.textContent).toContain("The referrer is emailed the closure summary.");
    expect(dialog.textContent).toContain("The person leaves your active caseload.");
    expect(dialog.textContent).toContain("Only a supervisor can reopen it.");
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Close engagement" })));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(document.activeElement).toBe(closeButton());
    await user.click(closeButton());
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Not yet" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(webAPI.writes().filter((w) => w.entity === "sprx_engagement")).toEqual([]);
  });

  it("saves every changed note with one Save notes, each note labelled without repeating its check", async () => {
    const { webAPI, contactId, engagementId } = personWithEngagement([], { sprx_closurereason: ClosureReasonValues.notRightTime });
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId });
    const first = closureCheckLabel("returnRouteExplained");
    const second = closureCheckLabel("referrerInformed");
    await user.type(await screen.findByRole("textbox", { name: `Note on "${first}"` }), "Gave the leaflet");
    await user.type(screen.getByRole("textbox", { name: `Note on "${second}"` }), "Letter sent");
    expect(screen.getAllByText("Note", { selector: "label" }).length).toBeGreaterThanOrEqual(2);
    expect(screen.queryByText(`Note on "${first}"`)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Save notes" }));
    await screen.findByText("Notes saved.");
    const notes = webAPI.rows("sprx_closurecheck").filter((r) => r._sprx_engagementid_value === engagementId).map((r) => r.sprx_note).sort();
    expect(notes).toEqual(["Gave the leaflet", "Letter sent"]);
    expect(screen.getByRole("button", { name: "Save notes" })).toHaveProperty("disabled", true);
  });

  it("lets a supervisor reopen a closed engagement", async () => {
    const { webAPI, contactId, engagementId } = personWithEngagement([], { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.disengaged, sprx_closuresummary: "No reply to three calls" });
    const user = userEvent.setup();
    mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId, supervisor: true });
    expect(await screen.findByText("No reply to three calls")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Reopen" }));
    await screen.findByText("Engagement reopened.");
    expect(webAPI.row("sprx_engagement", engagementId)).toMatchObject({ statecode: 0, statuscode: 1 });
    expect(await screen.findByLabelText(/Closure reason/)).toBeTruthy();
  });

  it("on a 412 from If-Match, says someone else changed it, loads the newer state and keeps the note", async () => {
    const { webAPI, contactId, engagementId } = personWithEngagement([], { sprx_closurereason: ClosureReasonValues.notRightTime });
    const checkId = webAPI.seed("sprx_closurecheck", {
      _sprx_engagementid_value: engagementId,
      sprx_item: ClosureCheckItemValues.referrerInformed,
      sprx_done: false,
    });
    const { fetch: fetchStub, sent } = directFetch(webAPI, () => {
      webAPI.touch("sprx_closurecheck", checkId, { sprx_done: true, sprx_doneon: daysFromNow(0).toISOString() });
      return jsonResponse(412, { error: { code: "0x80060882", message: "The version of the existing record doesn't match" } });
    });
    const original = window.fetch;
    window.fetch = fetchStub;
    try {
      const user = userEvent.setup();
      mount(ClosureChecklist, { control: "ClosureChecklist", webAPI, contactId, clientUrl: "https://contoso.crm11.dynamics.com" });
      const label = closureCheckLabel("referrerInformed");
      await user.type(await screen.findByLabelText(`Note on "${label}"`), "Letter sent to the GP");
      const etagSeen = webAPI.row("sprx_closurecheck", checkId)?.["@odata.etag"];
      await user.click(screen.getByRole("button", { name: "Save notes" }));

      expect(await screen.findByRole("alert")).toHaveProperty("textContent", expect.stringContaining("Someone else changed this engagement"));
      const patch = sent.find((r) => r.init?.method === "PATCH");
      expect(patch?.url).toBe(`https://contoso.crm11.dynamics.com/api/data/v9.2/sprx_closurechecks(${checkId})`);
      expect(patch?.init?.headers).toMatchObject({ "If-Match": etagSeen });
      const reads = sent.filter((r) => r.init?.method === "GET");
      expect(reads.length).toBe(4);
      for (const read of reads) expect(read.init?.headers).toMatchObject({ "If-None-Match": "null" });
      await waitFor(() => expect(screen.getByRole("checkbox", { name: label })).toHaveProperty("checked", true));
      expect(screen.getByLabelText<HTMLTextAreaElement>(`Note on "${label}"`).value).toBe("Letter sent to the GP");
    } finally {
      window.fetch = original;
    }
  });

  it("has no axe-core violations, open and closed", async () => {
    const open = readyToClose();
    const first = mount(ClosureChecklist, { control: "ClosureChecklist", webAPI: open.webAPI, contactId: open.contactId });
    await screen.findByText('Checks for "Goals met"');
    expect(await axeViolations(first.container)).toEqual([]);
    first.unmount();
    const closed = personWithEngagement([], { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet });
    const second = mount(ClosureChecklist, { control: "ClosureChecklist", webAPI: closed.webAPI, contactId: closed.contactId, supervisor: true });
    await screen.findByRole("button", { name: "Reopen" });
    expect(await axeViolations(second.container)).toEqual([]);
  });
});
