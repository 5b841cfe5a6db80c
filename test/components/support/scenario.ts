import { render, screen, within, type RenderResult } from "@testing-library/react";
import { AttendanceValues, SessionModeValues } from "../../../solution/generated/dataverse";
import { FakeWebApi, newId } from "./fakeWebApi";
import { fakeContext, type FakeContextOptions } from "./fakeContext";

export const DAY = 86_400_000;
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export interface Scenario {
  readonly webAPI: FakeWebApi;
  readonly contactId: string;
  readonly engagementId?: string;
}

/** A person with an open engagement and sessions at the given day offsets and attendances. */
export function personWithEngagement(
  sessions: readonly { days: number; attendance: keyof typeof AttendanceValues }[] = [],
  engagement: Record<string, unknown> = {},
): Scenario & { engagementId: string; sessionIds: string[] } {
  const webAPI = new FakeWebApi();
  const contactId = newId();
  const engagementId = webAPI.seed("sprx_engagement", {
    sprx_name: "ENG-000001",
    _sprx_contactid_value: contactId,
    statecode: 0,
    statuscode: 1,
    sprx_referraldate: isoDay(daysFromNow(-60)),
    sprx_plannedsessions: 6,
    sprx_extensionrequests: 0,
    ...engagement,
  });
  const sessionIds = sessions.map((s, i) =>
    webAPI.seed("appointment", {
      subject: `Social prescribing session ${i + 1}`,
      scheduledstart: daysFromNow(s.days).toISOString(),
      scheduledend: new Date(daysFromNow(s.days).getTime() + 3_600_000).toISOString(),
      sprx_attendance: AttendanceValues[s.attendance],
      sprx_mode: SessionModeValues.inPerson,
      _regardingobjectid_value: engagementId,
    }),
  );
  return { webAPI, contactId, engagementId, sessionIds };
}

export function personWithoutEngagement(): Scenario {
  return { webAPI: new FakeWebApi(), contactId: newId() };
}

interface ControlClass {
  new (): { init(context: ComponentFramework.Context<never>): void; updateView(context: ComponentFramework.Context<never>): React.ReactElement };
}

/** Mounts a control the way the platform does: construct, init, updateView, render the element. */
export function mount(Control: ControlClass, options: FakeContextOptions): RenderResult & { region: HTMLElement } {
  const context = fakeContext(options);
  const control = new Control();
  control.init(context);
  const result = render(control.updateView(context));
  return { ...result, region: screen.getByRole("region") };
}

export { screen, within };
