import "./support/browser";
import { axeViolations } from "./support/axe";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AppointmentTracker } from "../../components/AppointmentTracker";
import { parseSuggestedSlots } from "../../components/AppointmentTracker/AppointmentTracker";
import type { SlotSuggestion } from "../../plugins/steps/nextSessionSuggestion";
import { AttendanceValues, ReferralMethodValues, ReferralSourceValues, SessionModeValues } from "../../solution/generated/dataverse";
import { platformError } from "./support/fakeWebApi";
import { daysFromNow, mount, personWithEngagement, personWithoutEngagement } from "./support/scenario";

const loadCalls = (calls: { method: string }[]) => calls.filter((c) => c.method === "retrieveMultipleRecords");

describe("Six-appointment tracker", () => {
  it("loads with at most two Web API requests and is the named landmark", async () => {
    const { webAPI, contactId } = personWithEngagement([{ days: -14, attendance: "attended" }]);
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(screen.getByRole("region", { name: "Six-appointment tracker" })).toBeTruthy();
    await screen.findByText("1 of 6 sessions attended");
    expect(webAPI.calls).toHaveLength(2);
    const expanded = webAPI.calls.find((c) => c.options?.includes("$expand="))?.options ?? "";
    for (const navigation of ["sprx_engagement_Appointments(", "sprx_engagement_sprx_goal(", "sprx_engagement_sprx_closurecheck(", "sprx_engagement_sprx_wellbeingscore("]) {
      expect(expanded).toContain(navigation);
    }
  });

  it("starts an engagement only once the form is complete, says what is missing and focuses the first field to fix", async () => {
    const { webAPI, contactId } = personWithoutEngagement();
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    await user.click(await screen.findByRole("button", { name: "Start engagement" }));
    expect(screen.getByText("Choose who referred the person.")).toBeTruthy();
    expect(screen.getByText("The engagement can only start once the person has agreed.")).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(/Referred by/)));
    expect(webAPI.writes()).toHaveLength(0);

    await user.selectOptions(screen.getByLabelText(/Referred by/), "gp");
    await user.click(screen.getByRole("button", { name: "Start engagement" }));
    expect(screen.getByText("Enter the name of the person or service who referred.")).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(/Referrer's name/)));
    await user.type(screen.getByLabelText(/Referrer's name/), "Dr Example");
    await user.type(screen.getByLabelText("Referrer's role"), "Practice nurse");
    await user.type(screen.getByLabelText("Referrer's organisation"), "Riverside Surgery");
    await user.type(screen.getByLabelText(/Referrer's email/), "not-an-address");
    await user.selectOptions(screen.getByLabelText("Referral method"), "electronic");
    await user.type(screen.getByLabelText(/Reason for referral/), "Feeling isolated since retiring");
    await user.click(screen.getByLabelText(/agrees to work with the service/));
    await user.click(screen.getByLabelText(/outcome may be shared with the referrer/));
    await user.click(screen.getByRole("button", { name: "Start engagement" }));
    expect(screen.getByText("Enter an email address like name@example.org.")).toBeTruthy();
    expect(webAPI.writes()).toHaveLength(0);
    await user.clear(screen.getByLabelText(/Referrer's email/));
    await user.type(screen.getByLabelText(/Referrer's email/), "referrals@riverside.example");
    await user.click(screen.getByRole("button", { name: "Start engagement" }));

    await screen.findByText("Engagement started.");
    const [created] = webAPI.writes();
    expect(created.entity).toBe("sprx_engagement");
    expect(created.data).toMatchObject({
      "sprx_contactid@odata.bind": `/contacts(${contactId})`,
      sprx_referralsource: ReferralSourceValues.gp,
      sprx_referralreason: "Feeling isolated since retiring",
      sprx_referrername: "Dr Example",
      sprx_referrerrole: "Practice nurse",
      sprx_referrerorganisation: "Riverside Surgery",
      sprx_referreremail: "referrals@riverside.example",
      sprx_referralmethod: ReferralMethodValues.electronic,
      sprx_consent: true,
      sprx_consenttoshare: true,
    });
    expect(await screen.findByText("0 of 6 sessions attended")).toBeTruthy();
  });

  it("books the next session as an appointment regarding the engagement", async () => {
    const { webAPI, contactId, engagementId } = personWithEngagement([{ days: -10, attendance: "attended" }]);
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    const when = daysFromNow(7).toISOString().slice(0, 11) + "10:00";
    // The date as the user writes it (dd/MM/yyyy in their settings), the time as hh:mm.
    await user.type(await screen.findByRole("textbox", { name: /^Session date/ }), when.slice(0, 10).split("-").reverse().join("/"));
    await user.type(screen.getByRole("textbox", { name: /^Start time/ }), "10:00");
    await user.selectOptions(screen.getByLabelText("How it is held"), "phone");
    await user.click(screen.getByRole("button", { name: "Book session 2" }));

    await screen.findByText("Session 2 booked.");
    const booking = webAPI.writes().find((c) => c.entity === "appointment");
    expect(booking?.method).toBe("createRecord");
    expect(booking?.data).toMatchObject({
      subject: "Social prescribing session 2",
      scheduledstart: `${when}:00.000Z`,
      scheduledend: `${when.slice(0, 11)}11:00:00.000Z`,
      sprx_sessionnumber: 2,
      sprx_mode: SessionModeValues.phone,
      sprx_attendance: AttendanceValues.planned,
      "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
    });
    expect(await screen.findByText("Session 2: Reviewing")).toBeTruthy();
  });

  it("records attendance with the session's etag and shows the DNA streak in words", async () => {
    const { webAPI, contactId, sessionIds } = personWithEngagement([
      { days: -21, attendance: "attended" },
      { days: -14, attendance: "didNotAttend" },
      { days: -2, attendance: "planned" },
    ]);
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(await screen.findByText("Missed in a row: 1")).toBeTruthy();

    await user.selectOptions(screen.getByLabelText("Attendance for session 2"), "didNotAttend");
    await user.click(screen.getByRole("button", { name: "Record attendance" }));

    await screen.findByText("Attendance for session 2 saved.");
    const read = webAPI.calls.find((c) => c.method === "retrieveRecord");
    expect(read).toMatchObject({ entity: "appointment", id: sessionIds[2] });
    expect(webAPI.writes()).toEqual([
      { method: "updateRecord", entity: "appointment", id: sessionIds[2], data: { sprx_attendance: AttendanceValues.didNotAttend } },
    ]);
    expect(await screen.findByText("Missed in a row: 2")).toBeTruthy();
  });

  it("reschedules a booked session to a new time in the user's calendar", async () => {
    const { webAPI, contactId, sessionIds } = personWithEngagement([{ days: 2, attendance: "planned" }]);
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    await user.click(await screen.findByRole("button", { name: "Reschedule" }));
    const when = daysFromNow(4).toISOString().slice(0, 11) + "14:30";
    const date = screen.getByRole("textbox", { name: "New date for session 1" });
    const time = screen.getByRole("textbox", { name: "New start time for session 1" });
    await user.clear(date);
    await user.type(date, when.slice(0, 10).split("-").reverse().join("/"));
    await user.clear(time);
    await user.type(time, "14:30");
    await user.click(screen.getByRole("button", { name: "Save new time" }));
    await screen.findByText("Session 1 rescheduled.");
    expect(webAPI.row("appointment", sessionIds[0])).toMatchObject({ scheduledstart: `${when}:00.000Z`, scheduledend: `${when.slice(0, 11)}15:30:00.000Z` });
  });

  it("offers only cancellation for a session still to come", async () => {
    const { webAPI, contactId } = personWithEngagement([{ days: 3, attendance: "planned" }]);
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    const select = await screen.findByLabelText("Attendance for session 1");
    const options = within(select).getAllByRole("option").map((o) => o.textContent);
    expect(options).toEqual(["Choose…", "Cancelled by the person", "Cancelled by the service"]);
  });

  it("shows the window in words as well as the bar, and the overdue state", async () => {
    const { webAPI, contactId } = personWithEngagement([{ days: -40, attendance: "attended" }]);
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(await screen.findByText(/Overdue: no session booked/)).toBeTruthy();
    const bar = screen.getByRole("img");
    expect(bar.getAttribute("aria-label")).toMatch(/^Window from \d{4}-\d{2}-\d{2}, closing from .* Today is week 6\.$/);
  });

  it("asks for an extension once the plan is used up, instead of booking", async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ days: -70 + i * 10, attendance: "attended" as const }));
    const { webAPI, contactId, engagementId } = personWithEngagement(six, { sprx_extensionrequests: 1 });
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    await screen.findByText("6 of 6 sessions attended");
    expect(screen.queryByRole("button", { name: /Book session/ })).toBeNull();
    await user.type(screen.getByLabelText(/Why more sessions would help/), "Starting a new group next month");
    await user.click(screen.getByRole("button", { name: "Ask for an extension" }));
    await screen.findByText("Extension request sent to the supervisor.");
    expect(webAPI.row("sprx_engagement", engagementId)).toMatchObject({ sprx_extensionrequests: 2, sprx_extensionreason: "Starting a new group next month" });
  });

  it("keeps the choice and explains when someone else changed the session first", async () => {
    const { webAPI, contactId, sessionIds } = personWithEngagement([{ days: -1, attendance: "planned" }]);
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    const select = await screen.findByLabelText("Attendance for session 1");
    webAPI.touch("appointment", sessionIds[0], { sprx_mode: SessionModeValues.video });
    await user.selectOptions(select, "attended");
    await user.click(screen.getByRole("button", { name: "Record attendance" }));

    expect(await screen.findByRole("alert")).toHaveProperty("textContent", expect.stringContaining("Someone else changed this engagement"));
    expect(webAPI.writes()).toHaveLength(0);
    await waitFor(() => expect(screen.getByText("Video", { selector: "span" })).toBeTruthy());
    expect(screen.getByLabelText<HTMLSelectElement>("Attendance for session 1").value).toBe("attended");
  });

  it("shows a load failure with Retry, and recovers", async () => {
    const { webAPI, contactId } = personWithEngagement([]);
    webAPI.failNext("retrieveMultipleRecords", platformError(0x80040220, "Principal user is missing prvReadsprx_engagement privilege"));
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Principal user is missing prvReadsprx_engagement privilege");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("0 of 6 sessions attended")).toBeTruthy();
    expect(loadCalls(webAPI.calls).length).toBeGreaterThanOrEqual(4);
  });

  it("lists earlier engagements for a re-referral", async () => {
    const { webAPI, contactId } = personWithEngagement([], { statecode: 1, statuscode: 2, sprx_closurereason: 727000000, sprx_closedon: "2026-01-10T10:00:00Z", sprx_sessionsattended: 6 });
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(await screen.findByText("Start a new engagement (re-referral)")).toBeTruthy();
    expect(screen.getByText(/ENG-000001: referred .*, closed 2026-01-10 10:00 \(Goals met\), 6 sessions attended/)).toBeTruthy();
  });

  it("has no axe-core violations with sessions, badges, the window bar and the booking form", async () => {
    const { webAPI, contactId } = personWithEngagement(
      [
        { days: -30, attendance: "attended" },
        { days: -20, attendance: "didNotAttend" },
        { days: -2, attendance: "planned" },
      ],
      { sprx_suggestedslots: JSON.stringify([daysFromNow(3).toISOString()]) },
    );
    const { container } = mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    await screen.findByText("1 of 6 sessions attended");
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe("suggested slots", () => {
  const now = new Date("2026-03-01T09:00:00Z");
  it("reads what the server's suggestion step stores, and offers the slots when booking", async () => {
    const first = daysFromNow(3);
    first.setUTCHours(10, 0, 0, 0);
    const stored: SlotSuggestion = {
      suggestedOn: new Date().toISOString(), latestDay: "2099-01-01", overdue: false, source: "workingDays",
      slots: [{ start: first.toISOString(), end: new Date(first.getTime() + 3_600_000).toISOString() }],
    };
    expect(parseSuggestedSlots(JSON.stringify(stored), new Date()).map((s) => s.start.toISOString())).toEqual([first.toISOString()]);

    const { webAPI, contactId } = personWithEngagement([{ days: -7, attendance: "attended" }], { sprx_suggestedslots: JSON.stringify(stored) });
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    const offered = await screen.findByRole("group", { name: "Suggested times:" });
    await user.click(within(offered).getAllByRole("button")[0]);
    await user.click(screen.getByRole("button", { name: "Book session 2" }));
    await screen.findByText("Session 2 booked.");
    expect(webAPI.writes()[0].data).toMatchObject({ scheduledstart: first.toISOString() });
  });

  it("reads ISO strings and {start, end}, keeps only future ones, and ignores anything else", () => {
    const slots = parseSuggestedSlots(
      JSON.stringify(["2026-03-02T10:00:00Z", { start: "2026-03-03T14:00:00Z", end: "2026-03-03T15:00:00Z" }, "2026-02-01T10:00:00Z", 7, "soon"]),
      now,
    );
    expect(slots.map((s) => s.start.toISOString())).toEqual(["2026-03-02T10:00:00.000Z", "2026-03-03T14:00:00.000Z"]);
    expect(slots[1].end?.toISOString()).toBe("2026-03-03T15:00:00.000Z");
    expect(parseSuggestedSlots("{not json", now)).toEqual([]);
    expect(parseSuggestedSlots(null, now)).toEqual([]);
  });
});
