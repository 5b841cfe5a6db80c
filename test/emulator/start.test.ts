import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STEP_REGISTRATIONS } from "../../plugins/registrations";
import { SCENARIOS, SEEDED_PEOPLE } from "../../emulator/seed/demoData";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { type LocalEnvironment, startLocalEnvironment } from "../../emulator/start";

jest.setTimeout(60_000);

/** `npm start` as a function: Graph stand-in, local Dataverse, webhook service process, registration. */
describe("the local environment", () => {
  let dataDirectory: string;
  let environment: LocalEnvironment | undefined;
  const lines: string[] = [];

  beforeAll(() => {
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-start-"));
  });
  afterEach(async () => {
    await environment?.stop();
    environment = undefined;
  });
  afterAll(() => {
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  const start = () => startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory, print: (line) => lines.push(line) });
  const get = async (url: string, cookie?: string) => {
    const response = await fetch(url, { headers: { Accept: "application/json", ...(cookie ? { Cookie: cookie } : {}) } });
    return { status: response.status, text: await response.text() };
  };

  it("starts seeded and registered, serves the shell, and runs the steps through the webhook process", async () => {
    environment = await start();
    const { url } = environment;
    const contacts = JSON.parse((await get(`${url}api/data/v9.2/contacts?$count=true&$select=fullname`)).text) as { "@odata.count": number; value: { fullname: string }[] };
    expect(contacts["@odata.count"]).toBe(SEEDED_PEOPLE);
    const steps = JSON.parse((await get(`${url}api/data/v9.2/sdkmessageprocessingsteps?$count=true&$select=name`)).text) as { "@odata.count": number };
    expect(steps["@odata.count"]).toBe(STEP_REGISTRATIONS.length);
    const home = await get(url);
    expect(home.status).toBe(200);
    expect(home.text).toContain(contacts.value[0].fullname);
    // /views opens the app's engagement views, as the link worker the shell acts as by default;
    // the local administrator sees every engagement in "Ready to close" through its model-driven URL.
    const views = await get(`${url}views`);
    expect(views.status).toBe(200);
    expect(views.text).toContain("Acting as <strong>Alex Marlow</strong>");
    expect((await get(`${url}main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=82574562-1fd8-457d-9ed8-8da61dce7058`, `sprx_caller=${FOUNDATION.adminUserId}`)).text).toContain('Ready to close <span class="count">(2 records)</span>');
    expect((await get(`${url}outbox`)).status).toBe(200);
    expect(fs.statSync(path.join(dataDirectory, "webhook.key")).mode & 0o077).toBe(0);

    const created = await fetch(`${url}api/data/v9.2/sprx_engagements`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ "sprx_contactid@odata.bind": `/contacts(de0a0001-0000-4000-8000-000000000001)`, sprx_referraldate: "2025-01-01" }),
    });
    expect(created.status).toBe(204);
    const id = /\(([0-9a-f-]{36})\)$/.exec(created.headers.get("OData-EntityId") ?? "")?.[1] ?? "";
    await get(`${url}_emulator/idle`);
    const checks = JSON.parse((await get(`${url}api/data/v9.2/sprx_closurechecks?$count=true&$select=sprx_item&$filter=_sprx_engagementid_value eq ${id}`)).text) as { "@odata.count": number };
    expect(checks["@odata.count"]).toBeGreaterThan(0);

    // The seeded "ready to close" engagement with consent to share: closing it raises the event and emails the referrer through Graph.
    const readyId = "de0a0002-0000-4000-8000-000000000015";
    const closed = await fetch(`${url}api/data/v9.2/sprx_engagements(${readyId})`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "If-Match": "*" },
      body: JSON.stringify({ statecode: 1, statuscode: 2 }),
    });
    expect(closed.status).toBe(204);
    await get(`${url}_emulator/idle`);
    const events = JSON.parse((await get(`${url}_emulator/events`)).text) as { value: { parameters: { EngagementId: string } }[] };
    expect(events.value.map((e) => e.parameters.EngagementId)).toEqual([readyId]);
    expect(environment.graph.received.filter((r) => r.path.endsWith("/sendMail") && r.status === 202)).toHaveLength(1);
    // The outbox shows the message back itself: to the referrer, listing the community support that took.
    const outbox = (await get(`${url}outbox`)).text;
    expect(outbox).toContain("referrals@riverside-surgery.invalid");
    expect(outbox).toMatch(/Support and activities arranged[\s\S]*: went from \d{4}-\d{2}-\d{2}/);
  });

  it("keeps its data across a restart and does not seed twice", async () => {
    environment = await start();
    const engagements = JSON.parse((await get(`${environment.url}api/data/v9.2/sprx_engagements?$count=true&$select=sprx_name`)).text) as { "@odata.count": number };
    expect(engagements["@odata.count"]).toBe(SCENARIOS.length + 1);
  });
});
