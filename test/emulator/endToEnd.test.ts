import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookServer } from "../../plugins/host/nodeServer";
import { main as registerMain } from "../../plugins/register";
import { STEP_REGISTRATIONS } from "../../plugins/registrations";
import { readSettings, serviceOptions, silentLogger } from "../../plugins/service";
import { AttendanceValues, ClosureCheckItemValues, ClosureReasonValues, StageValues, TimepointValues, InstrumentValues } from "../../solution/generated/dataverse";
import { type TestEnvironment, idFrom, startTestDataverse } from "./support/localDataverse";

/**
 * The local Dataverse with the real webhook service and the real
 * registration command, wired as `npm start` wires them.
 */
const KEY = "local-test-key-0123456789";
let env: TestEnvironment;
let webhook: http.Server;

beforeAll(async () => {
  env = await startTestDataverse();
  const settings = readSettings({ SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: env.dataverse.url(), SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0" });
  webhook = createWebhookServer(serviceOptions(settings, {}, silentLogger));
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const lines: string[] = [];
  const code = await registerMain(
    ["--url", env.dataverse.url(), "--webhook", `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/dataverse-webhook`],
    { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(lines.join("\n"));
});
afterAll(async () => {
  await env.close();
  await new Promise<void>((resolve) => { webhook.closeAllConnections(); webhook.close(() => resolve()); });
});

const idle = () => env.request("GET", "/_emulator/idle");
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const events = async () => (await env.request("GET", "/_emulator/events")).json.value ?? [];

async function newEngagement(): Promise<{ contactId: string; engagementId: string }> {
  const contactId = idFrom(await env.request("POST", "contacts", { firstname: "Fen", lastname: "Example" }));
  const created = await env.request("POST", "sprx_engagements", {
    "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: days(-60).slice(0, 10), sprx_consenttoshare: false,
  });
  expect(created.status).toBe(204);
  await idle();
  return { contactId, engagementId: idFrom(created) };
}

async function bookSession(engagementId: string, start: string): Promise<string> {
  const response = await env.request("POST", "appointments", {
    subject: "Session", scheduledstart: start, scheduledend: start.replace(/T(\d\d)/, (_m, h: string) => `T${String(Number(h) + 1).padStart(2, "0")}`),
    "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
  });
  if (response.status !== 204) throw new Error(response.text);
  return idFrom(response);
}

describe("with the real webhook service", () => {
  it("the registration command wrote one step row per registration, bound to a Webhook endpoint", async () => {
    const steps = await env.request("GET", "sdkmessageprocessingsteps?$select=name,stage,mode&$count=true");
    expect(steps.json["@odata.count"]).toBe(STEP_REGISTRATIONS.length);
    const endpoints = await env.request("GET", "serviceendpoints?$select=contract,authtype,url");
    expect(endpoints.json.value).toEqual([expect.objectContaining({ contract: 8, authtype: 4 })]);
  });

  it("a new engagement gets its closure checklist from the async step", async () => {
    const { engagementId } = await newEngagement();
    const checks = await env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`);
    expect((checks.json.value ?? []).length).toBeGreaterThan(5);
    const engagement = await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_stage,sprx_checksrequired`);
    expect(engagement.json.sprx_stage).toBe(StageValues.establishing);
  });

  it("booking and attending a session updates the engagement's stored stage and counts", async () => {
    const { engagementId } = await newEngagement();
    const sessionId = await bookSession(engagementId, days(-2));
    await idle();
    let engagement = await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_stage,sprx_sessionsattended,sprx_sessionsbooked,sprx_firstsessionon`);
    expect(engagement.json).toMatchObject({ sprx_stage: StageValues.establishing, sprx_sessionsattended: 0 });
    expect(engagement.json.sprx_firstsessionon).not.toBeNull();
    expect((await env.request("PATCH", `appointments(${sessionId})`, { sprx_attendance: AttendanceValues.attended })).status).toBe(204);
    await idle();
    engagement = await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_stage,sprx_sessionsattended,sprx_lastsessionon`);
    expect(engagement.json).toMatchObject({ sprx_stage: StageValues.reviewing, sprx_sessionsattended: 1 });
    expect((await env.request("GET", `appointments(${sessionId})?$select=sprx_sessionnumber`)).json.sprx_sessionnumber).toBe(1);
    const failed = (await env.request("GET", "/_emulator/async")).json.value?.filter((r) => r.status === "failed");
    expect(failed).toEqual([]);
  });

  it("a closure with a missing check answers 400, leaves the engagement active and raises no event", async () => {
    const { engagementId } = await newEngagement();
    const before = (await events()).length;
    const response = await env.request("PATCH", `sprx_engagements(${engagementId})`, {
      statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet, sprx_closuresummary: "Done well.",
    });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe("0x80040265");
    expect(response.json.error?.message).toMatch(/not done yet|closing wellbeing/i);
    await idle();
    expect((await env.request("GET", `sprx_engagements(${engagementId})?$select=statecode`)).json.statecode).toBe(0);
    expect(await events()).toHaveLength(before);
  });

  it("a complete closure raises exactly one event", async () => {
    const { contactId, engagementId } = await newEngagement();
    const checks = (await env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`)).json.value ?? [];
    const needed: number[] = [ClosureCheckItemValues.returnRouteExplained, ClosureCheckItemValues.referrerInformed];
    for (const check of checks.filter((c) => needed.includes(Number(c.sprx_item)))) {
      expect((await env.request("PATCH", `sprx_closurechecks(${String(check.sprx_closurecheckid)})`, { sprx_done: true })).status).toBe(204);
    }
    await idle();
    const before = (await events()).length;
    const closed = await env.request("PATCH", `sprx_engagements(${engagementId})`, {
      statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.notRightTime, sprx_closuresummary: "Agreed to pause for now.",
    });
    expect(closed.status).toBe(204);
    await idle();
    const raised = (await events()).slice(before);
    const parameters: unknown = expect.objectContaining({ EngagementId: engagementId, ContactId: contactId, ClosureReason: ClosureReasonValues.notRightTime });
    expect(raised).toEqual([expect.objectContaining({ name: "sprx_OnEngagementClosed", parameters })]);
    // Touching the closed engagement again does not raise it twice.
    await env.request("PATCH", `sprx_engagements(${engagementId})`, { sprx_nextsteps: "Call if things change." });
    await idle();
    expect((await events()).slice(before)).toHaveLength(1);
  });

  it("scores a wellbeing measure on the server", async () => {
    const { engagementId } = await newEngagement();
    const id = idFrom(await env.request("POST", "sprx_wellbeingscores", {
      "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline,
      sprx_completedon: days(0).slice(0, 10), sprx_ucla_companionship: 3, sprx_ucla_leftout: 2, sprx_ucla_isolated: 3,
    }));
    await idle();
    expect((await env.request("GET", `sprx_wellbeingscores(${id})?$select=sprx_ucla_total`)).json.sprx_ucla_total).toBe(8);
  });
});
