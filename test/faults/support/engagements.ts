import { ClosureCheckItemValues, ClosureReasonValues } from "../../../solution/generated/dataverse";
import { idFrom, type TestEnvironment } from "../../emulator/support/localDataverse";

/** The person every fault test works with: distinctive, so a log line carrying it is easy to find. */
export const PERSON = { firstname: "Ashcombe", lastname: "Quillfeather", referrerEmail: "referrer.quillfeather@practice.invalid" } as const;

/** Anything that can send Web API requests the way the emulator tests do. */
export type Requester = Pick<TestEnvironment, "request">;

/** Engagements made through the Web API, as the controls make them. */

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function newEngagement(env: Requester, extra: Record<string, unknown> = {}): Promise<{ contactId: string; engagementId: string }> {
  const contactId = idFrom(await env.request("POST", "contacts", { firstname: PERSON.firstname, lastname: PERSON.lastname }));
  const created = await env.request("POST", "sprx_engagements", {
    "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: day(-60).slice(0, 10), sprx_consenttoshare: false, ...extra,
  });
  if (created.status !== 204) throw new Error(`Creating an engagement failed: ${created.status}`);
  return { contactId, engagementId: idFrom(created) };
}

export async function checklistRows(env: Requester, engagementId: string): Promise<Record<string, unknown>[]> {
  return (await env.request("GET", `sprx_closurechecks?$select=sprx_item,sprx_done,sprx_note&$filter=_sprx_engagementid_value eq ${engagementId}`)).json.value ?? [];
}

/** Ticks the checks a "not the right time" closure needs (the checklist rows come from an async step). */
export async function prepareClosure(env: Requester, engagementId: string): Promise<void> {
  const needed: number[] = [ClosureCheckItemValues.returnRouteExplained, ClosureCheckItemValues.referrerInformed];
  for (const check of (await checklistRows(env, engagementId)).filter((c) => needed.includes(Number(c.sprx_item)))) {
    const done = await env.request("PATCH", `sprx_closurechecks(${String(check.sprx_closurecheckid)})`, { sprx_done: true });
    if (done.status !== 204) throw new Error(`Ticking a check failed: ${done.status}`);
  }
}

export function close(env: Requester, engagementId: string) {
  return env.request("PATCH", `sprx_engagements(${engagementId})`, {
    statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.notRightTime, sprx_closuresummary: "Agreed to pause for now.",
  });
}

export async function closureEvents(env: Requester, engagementId: string): Promise<Record<string, unknown>[]> {
  const events = (await env.request("GET", "/_emulator/events")).json.value ?? [];
  return events.filter((e) => (e.parameters as Record<string, unknown> | undefined)?.EngagementId === engagementId);
}

export function bookSession(env: Requester, engagementId: string, offsetDays: number, attendance?: number) {
  const start = day(offsetDays);
  return env.request("POST", "appointments", {
    subject: "Session", scheduledstart: start, scheduledend: new Date(Date.parse(start) + 3_600_000).toISOString(),
    ...(attendance === undefined ? {} : { sprx_attendance: attendance }),
    "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
  });
}

/** Waits until the local Dataverse has no async work left (a step's writes can queue more). */
export async function settle(env: Requester): Promise<void> {
  for (let i = 0; i < 5; i++) await env.request("GET", "/_emulator/idle");
}

/** An engagement closed through the Web API, its async work done. */
export async function closedEngagement(env: Requester, extra: Record<string, unknown> = {}): Promise<string> {
  const { engagementId } = await newEngagement(env, extra);
  await settle(env);
  await prepareClosure(env, engagementId);
  await settle(env);
  const closed = await close(env, engagementId);
  if (closed.status !== 204) throw new Error(`Closing an engagement failed: ${closed.status}`);
  await settle(env);
  return engagementId;
}
