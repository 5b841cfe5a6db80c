import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookServer } from "../../plugins/host/nodeServer";
import { main as registerMain } from "../../plugins/register";
import { readSettings, serviceOptions, silentLogger } from "../../plugins/service";
import {
  ClosureCheckItemValues, ClosureReasonValues, ConnectionKindValues, ConnectionStatusValues, InstrumentValues, ServiceCategoryValues, TimepointValues,
} from "../../solution/generated/dataverse";
import { type TestEnvironment, idFrom, startTestDataverse } from "./support/localDataverse";

/**
 * Connections to community services through the Web API of the local
 * Dataverse, with the real webhook service (issue 15): the lifecycle enforced
 * by the sync step (a refusal writes nothing), the follow-up date and linking
 * success written by the async steps, closure proving community support from
 * the record, and the closure event carrying the counts.
 */
const KEY = "local-test-key-0123456789";
let env: TestEnvironment;
let webhook: http.Server;

beforeAll(async () => {
  env = await startTestDataverse();
  const settings = readSettings({ SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: env.dataverse.url(), SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0", SPRX_FOLLOW_UP_DAYS: "10" });
  webhook = createWebhookServer(serviceOptions(settings, {}, silentLogger));
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const lines: string[] = [];
  const code = await registerMain(
    ["--url", env.dataverse.url(), "--webhook", `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/dataverse-webhook`],
    { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(lines.join("\n"));
}, 120_000);
afterAll(async () => {
  await env.close();
  await new Promise<void>((resolve) => { webhook.closeAllConnections(); webhook.close(() => resolve()); });
});

const idle = () => env.request("GET", "/_emulator/idle");
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const events = async () => (await env.request("GET", "/_emulator/events")).json.value ?? [];

async function newEngagement(): Promise<string> {
  const contactId = idFrom(await env.request("POST", "contacts", { firstname: "Jo", lastname: "Example" }));
  const created = await env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: day(-60) });
  expect(created.status).toBe(204);
  await idle();
  return idFrom(created);
}

async function newService(name: string, category: number): Promise<string> {
  const provider = idFrom(await env.request("POST", "accounts", { name: `${name} Trust` }));
  const created = await env.request("POST", "sprx_communityservices", { sprx_name: name, sprx_category: category, "sprx_providerid@odata.bind": `/accounts(${provider})` });
  expect(created.status).toBe(204);
  return idFrom(created);
}

const connect = (engagementId: string, serviceId: string, extra: Record<string, unknown>) =>
  env.request("POST", "sprx_connections", {
    sprx_name: "Connection", "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, "sprx_serviceid@odata.bind": `/sprx_communityservices(${serviceId})`,
    sprx_kind: ConnectionKindValues.introduced, ...extra,
  });

describe("connections through the Web API", () => {
  it("refuses 'attended' before 'referred' with a clear message and writes nothing", async () => {
    const engagementId = await newEngagement();
    const serviceId = await newService("Canal Choir", ServiceCategoryValues.artsMusicCulture);
    const refused = await connect(engagementId, serviceId, { sprx_status: ConnectionStatusValues.attended, sprx_attendedon: day(-1) });
    expect(refused.status).toBe(400);
    expect(refused.json.error?.code).toBe("0x80040265");
    expect(refused.json.error?.message).toMatch(/needs the date the person was referred/);
    const rows = await env.request("GET", `sprx_connections?$select=sprx_connectionid&$filter=_sprx_engagementid_value eq ${engagementId}`);
    expect(rows.json.value).toEqual([]);
  });

  it("refuses a move the lifecycle does not allow, and a future attendance, leaving the row as it was", async () => {
    const engagementId = await newEngagement();
    const serviceId = await newService("Walk and Talk", ServiceCategoryValues.physicalActivity);
    const id = idFrom(await connect(engagementId, serviceId, { sprx_status: ConnectionStatusValues.declined, sprx_outcomeon: day(-2) }));
    const back = await env.request("PATCH", `sprx_connections(${id})`, { sprx_status: ConnectionStatusValues.referred, sprx_referredon: day(-3) });
    expect(back.status).toBe(400);
    expect(back.json.error?.message).toMatch(/cannot go from declined to referred/);
    const second = idFrom(await connect(engagementId, serviceId, { sprx_status: ConnectionStatusValues.referred, sprx_referredon: day(-3) }));
    const future = await env.request("PATCH", `sprx_connections(${second})`, { sprx_status: ConnectionStatusValues.attended, sprx_attendedon: day(2) });
    expect(future.status).toBe(400);
    expect(future.json.error?.message).toMatch(/cannot be in the future/);
    const stored = await env.request("GET", `sprx_connections(${id})?$select=sprx_status,sprx_referredon`);
    expect(stored.json).toMatchObject({ sprx_status: ConnectionStatusValues.declined, sprx_referredon: null });
  });

  it("sets the follow-up date from the setting, clears it once settled, and keeps linking success on the engagement and the service", async () => {
    const engagementId = await newEngagement();
    const serviceId = await newService("Money Matters", ServiceCategoryValues.moneyDebtBenefits);
    const id = idFrom(await connect(engagementId, serviceId, { sprx_status: ConnectionStatusValues.referred, sprx_referredon: day(-12) }));
    await idle();
    expect((await env.request("GET", `sprx_connections(${id})?$select=sprx_followupon`)).json.sprx_followupon).toBe(day(-2));
    let engagement = await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_connectionsmade,sprx_connectionsattended`);
    expect(engagement.json).toMatchObject({ sprx_connectionsmade: 1, sprx_connectionsattended: 0 });

    // Followed up at the next session: Jo went.
    expect((await env.request("PATCH", `sprx_connections(${id})`, { sprx_status: ConnectionStatusValues.attended, sprx_attendedon: day(-5) })).status).toBe(204);
    await idle();
    expect((await env.request("GET", `sprx_connections(${id})?$select=sprx_followupon`)).json.sprx_followupon).toBeNull();
    engagement = await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_connectionsmade,sprx_connectionsattended`);
    expect(engagement.json).toMatchObject({ sprx_connectionsmade: 1, sprx_connectionsattended: 1 });
    const service = await env.request("GET", `sprx_communityservices(${serviceId})?$select=sprx_connectionsmade,sprx_connectionsattended,sprx_uptake`);
    expect(service.json).toMatchObject({ sprx_connectionsmade: 1, sprx_connectionsattended: 1, sprx_uptake: 100 });

    // Deleting it recounts both.
    expect((await env.request("DELETE", `sprx_connections(${id})`)).status).toBe(204);
    await idle();
    engagement = await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_connectionsmade`);
    expect(engagement.json.sprx_connectionsmade).toBe(0);
    expect((await env.request("GET", `sprx_communityservices(${serviceId})?$select=sprx_uptake`)).json.sprx_uptake).toBeNull();
    const failed = (await env.request("GET", "/_emulator/async")).json.value?.filter((r) => r.status === "failed");
    expect(failed).toEqual([]);
  });

  it("closure needs an attended connection or a waiver, and the event carries the counts", async () => {
    const engagementId = await newEngagement();
    const serviceId = await newService("Green Gym", ServiceCategoryValues.natureGreenSpaces);
    const checks = (await env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`)).json.value ?? [];
    const tick: number[] = [ClosureCheckItemValues.achievementsCelebrated, ClosureCheckItemValues.stayingWellPlanAgreed, ClosureCheckItemValues.referrerInformed, ClosureCheckItemValues.communitySupportConfirmed];
    for (const check of checks.filter((c) => tick.includes(Number(c.sprx_item)))) {
      expect((await env.request("PATCH", `sprx_closurechecks(${String(check.sprx_closurecheckid)})`, { sprx_done: true })).status).toBe(204);
    }
    await env.request("POST", "sprx_wellbeingscores", {
      "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.closing,
      sprx_completedon: day(0), sprx_ucla_companionship: 1, sprx_ucla_leftout: 1, sprx_ucla_isolated: 1,
    });
    const id = idFrom(await connect(engagementId, serviceId, { sprx_status: ConnectionStatusValues.referred, sprx_referredon: day(-20) }));
    await idle();
    const close = { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet, sprx_closuresummary: "Goals met." };

    // Ticked without a reason and nothing attended: not proved.
    const refused = await env.request("PATCH", `sprx_engagements(${engagementId})`, close);
    expect(refused.status).toBe(400);
    expect(refused.json.error?.message).toMatch(/Community support in place confirmed: no connection the person went to is recorded/);

    await env.request("PATCH", `sprx_connections(${id})`, { sprx_status: ConnectionStatusValues.attended, sprx_attendedon: day(-10) });
    await idle();
    const before = (await events()).length;
    expect((await env.request("PATCH", `sprx_engagements(${engagementId})`, close)).status).toBe(204);
    await idle();
    const raised = (await events()).slice(before);
    expect(raised).toEqual([expect.objectContaining({ name: "sprx_OnEngagementClosed", parameters: expect.objectContaining({ ConnectionsMade: 1, ConnectionsAttended: 1 }) as unknown })]);
  });

  it("refuses a new connection on a closed engagement, saying to reopen it", async () => {
    const engagementId = await newEngagement();
    const serviceId = await newService("Repair Café", ServiceCategoryValues.practicalHelp);
    const checks = (await env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`)).json.value ?? [];
    const referrer = checks.find((c) => Number(c.sprx_item) === ClosureCheckItemValues.referrerInformed);
    await env.request("PATCH", `sprx_closurechecks(${String(referrer?.sprx_closurecheckid)})`, { sprx_done: true });
    const closed = await env.request("PATCH", `sprx_engagements(${engagementId})`, { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.other, sprx_closuresummary: "Moved on." });
    expect(closed.status).toBe(204);
    const refused = await connect(engagementId, serviceId, { sprx_status: ConnectionStatusValues.suggested, sprx_suggestedon: day(0) });
    expect(refused.status).toBe(400);
    expect(refused.json.error?.message).toMatch(/the engagement is closed; reopen it/);
  });

  it("a waiver is the ticked check's reason", async () => {
    const engagementId = await newEngagement();
    const checks = (await env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`)).json.value ?? [];
    const community = checks.find((c) => Number(c.sprx_item) === ClosureCheckItemValues.communitySupportConfirmed);
    await env.request("PATCH", `sprx_closurechecks(${String(community?.sprx_closurecheckid)})`, { sprx_done: true, sprx_note: "Already part of a running club; no new support wanted" });
    await idle();
    const refused = await env.request("PATCH", `sprx_engagements(${engagementId})`, { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet, sprx_closuresummary: "x" });
    expect(refused.status).toBe(400);
    expect(refused.json.error?.message).not.toMatch(/Community support/);
  });
});
