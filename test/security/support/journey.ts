import { AttendanceValues, ClosureCheckItemValues, ClosureReasonValues, ConnectionStatusValues, InstrumentValues, StageValues, TimepointValues } from "../../../solution/generated/dataverse";
import { type TestResponse, idFrom } from "../../emulator/support/localDataverse";
import type { Requester } from "./securedEnvironment";

/**
 * A link worker's whole engagement, through the Web API as the contact form
 * and its controls drive it: start, book, attend, a goal, a wellbeing
 * measure, the closure checks, close. Every call must succeed; the first
 * refusal fails the journey with Dataverse's error, which names what is missing.
 */

export class JourneyRefused extends Error {
  constructor(readonly step: string, readonly response: TestResponse) {
    super(`${step}: ${response.status} ${response.json.error?.code ?? ""} ${response.json.error?.message ?? response.text}`);
    this.name = "JourneyRefused";
  }
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function engagementJourney(request: Requester, idle: () => Promise<void>, contactId: string, options: { consentToShare?: boolean } = {}): Promise<string> {
  const expectOk = async (step: string, response: Promise<TestResponse>): Promise<TestResponse> => {
    const answered = await response;
    if (answered.status >= 300) throw new JourneyRefused(step, answered);
    return answered;
  };
  await expectOk("open the contact", request("GET", `contacts(${contactId})?$select=fullname`));
  const engagementId = idFrom(await expectOk("start the engagement", request("POST", "sprx_engagements", {
    "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: day(-30).slice(0, 10), sprx_consent: true,
    sprx_consenttoshare: options.consentToShare === true, sprx_referreremail: "referrals@surgery.invalid",
  })));
  await idle();
  const sessionId = idFrom(await expectOk("book a session", request("POST", "appointments", {
    subject: "Session", scheduledstart: day(-7), scheduledend: day(-7).replace(/T(\d\d)/, (_m, h: string) => `T${String((Number(h) + 1) % 24).padStart(2, "0")}`),
    "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
  })));
  await expectOk("record attendance", request("PATCH", `appointments(${sessionId})`, { sprx_attendance: AttendanceValues.attended }));
  await expectOk("add a goal", request("POST", "sprx_goals", {
    sprx_name: "Join a walking group", "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_importance: 8, sprx_confidence: 5,
  }));
  // Community support (issue 15): find a service in the directory, connect the person, record that they went.
  const services = (await expectOk("search the directory", request("GET", "sprx_communityservices?$select=sprx_name&$top=1"))).json.value ?? [];
  if (services.length !== 1) throw new Error("The worker cannot read the community directory");
  const connectionId = idFrom(await expectOk("connect the person to a service", request("POST", "sprx_connections", {
    sprx_name: String(services[0].sprx_name), "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`,
    "sprx_serviceid@odata.bind": `/sprx_communityservices(${String(services[0].sprx_communityserviceid)})`,
    sprx_status: ConnectionStatusValues.referred, sprx_suggestedon: day(-6).slice(0, 10), sprx_referredon: day(-6).slice(0, 10),
  })));
  await idle();
  await expectOk("record that the person went", request("PATCH", `sprx_connections(${connectionId})`, { sprx_status: ConnectionStatusValues.attended, sprx_attendedon: day(-2).slice(0, 10) }));
  await expectOk("record a wellbeing measure", request("POST", "sprx_wellbeingscores", {
    "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline,
    sprx_completedon: day(-7).slice(0, 10), sprx_ucla_companionship: 2, sprx_ucla_leftout: 2, sprx_ucla_isolated: 2,
  }));
  await idle();
  const engagement = await expectOk("read the engagement back", request("GET", `sprx_engagements(${engagementId})?$select=sprx_stage,sprx_sessionsattended`));
  if (engagement.json.sprx_stage !== StageValues.reviewing || engagement.json.sprx_sessionsattended !== 1) {
    throw new Error(`The webhook steps did not maintain the engagement: ${JSON.stringify(engagement.json)}`);
  }
  const checks = (await expectOk("read the closure checks", request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`))).json.value ?? [];
  const needed: number[] = [ClosureCheckItemValues.returnRouteExplained, ClosureCheckItemValues.referrerInformed];
  if (checks.filter((c) => needed.includes(Number(c.sprx_item))).length !== needed.length) throw new Error(`The worker cannot see the checks they need: ${checks.length} visible`);
  for (const check of checks.filter((c) => needed.includes(Number(c.sprx_item)))) {
    await expectOk("tick a closure check", request("PATCH", `sprx_closurechecks(${String(check.sprx_closurecheckid)})`, { sprx_done: true }));
  }
  await idle();
  await expectOk("close the engagement", request("PATCH", `sprx_engagements(${engagementId})`, {
    statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.notRightTime, sprx_closuresummary: "Agreed to pause for now.",
  }));
  await idle();
  return engagementId;
}
