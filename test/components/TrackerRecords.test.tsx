import "./support/browser";
import { screen, within } from "@testing-library/react";
import { AppointmentTracker } from "../../components/AppointmentTracker";
import { ClosureReasonValues } from "../../solution/generated/dataverse";
import userEvent from "@testing-library/user-event";
import { daysFromNow, isoDay, mount, personWithEngagement, personWithoutEngagement } from "./support/scenario";

describe("Six-appointment tracker: records as they are (issue 13)", () => {
  it("5 shows a missed session for what it is, and the next booking takes the number the person will experience", async () => {
    const { webAPI, contactId } = personWithEngagement([
      { days: -40, attendance: "attended" },
      { days: -30, attendance: "attended" },
      { days: -20, attendance: "attended" },
      { days: -10, attendance: "didNotAttend" },
      { days: -5, attendance: "cancelledByPerson" },
    ]);
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(await screen.findByText("Missed — would have been session 4")).toBeTruthy();
    expect(screen.getByText("Cancelled — would have been session 4")).toBeTruthy();
    expect(screen.queryByText(/not counted in the plan/)).toBeNull();
    expect(screen.getByRole("heading", { name: "Book session 4" })).toBeTruthy();
  });

  it("11 keeps a closed engagement's sessions readable, with no way to change them", async () => {
    const { webAPI, contactId } = personWithEngagement(
      [
        { days: -40, attendance: "attended" },
        { days: -30, attendance: "didNotAttend" },
        { days: -20, attendance: "attended" },
      ],
      { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.notRightTime, sprx_closedon: "2026-01-10T10:00:00Z", sprx_sessionsattended: 2 },
    );
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(await screen.findByRole("heading", { name: "Engagement ENG-000001 (closed)" })).toBeTruthy();
    const sessions = screen.getByRole("heading", { name: "Sessions" }).closest("section") as HTMLElement;
    expect(within(sessions).getAllByRole("listitem")).toHaveLength(3);
    expect(within(sessions).getByText(/^Session 2:/)).toBeTruthy();
    expect(within(sessions).getByText("Missed — would have been session 2")).toBeTruthy();
    expect(within(sessions).queryByRole("button")).toBeNull();
    expect(screen.getByText("2 sessions attended")).toBeTruthy();
    expect(screen.getByText(/ENG-000001: referred .*, closed .*\(Not the right time/)).toBeTruthy();
  });

  it("12 says 1 session, not 1 sessions", async () => {
    const { webAPI, contactId } = personWithEngagement([{ days: -40, attendance: "attended" }], {
      statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.movedAway, sprx_closedon: "2026-01-10T10:00:00Z", sprx_sessionsattended: 1,
    });
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId });
    expect(await screen.findByText("1 session attended")).toBeTruthy();
    expect(screen.getByText(/, 1 session attended$/)).toBeTruthy();
  });

  it("13 types and shows dates in the user's own format from their settings, whatever the browser's language", async () => {
    const { webAPI, contactId } = personWithoutEngagement();
    const user = userEvent.setup();
    mount(AppointmentTracker, { control: "AppointmentTracker", webAPI, contactId, datePattern: "M/d/yyyy" });
    const field = await screen.findByRole("textbox", { name: /Referral date/ });
    const today = daysFromNow(0);
    expect((field as HTMLInputElement).value).toBe(`${today.getUTCMonth() + 1}/${today.getUTCDate()}/${today.getUTCFullYear()}`);
    expect(screen.getByText("Format m/d/yyyy")).toBeTruthy();

    await user.clear(field);
    await user.type(field, "2/30/2026");
    await user.click(screen.getByRole("button", { name: "Start engagement" }));
    expect(screen.getByText("Enter the referral date as m/d/yyyy.")).toBeTruthy();

    const earlier = daysFromNow(-10);
    await user.clear(field);
    await user.type(field, `${earlier.getUTCMonth() + 1}/${earlier.getUTCDate()}/${earlier.getUTCFullYear()}`);
    await user.selectOptions(screen.getByLabelText(/Referred by/), "selfReferral");
    await user.type(screen.getByLabelText(/Reason for referral/), "Wants to meet people");
    await user.click(screen.getByLabelText(/agrees to work with the service/));
    await user.click(screen.getByRole("button", { name: "Start engagement" }));
    await screen.findByText("Engagement started.");
    expect(webAPI.writes()[0].data).toMatchObject({ sprx_referraldate: isoDay(earlier) });
    expect(webAPI.writes()[0].data).not.toHaveProperty("sprx_referrername");
  });
});
