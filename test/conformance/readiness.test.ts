import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { STEP_REGISTRATIONS } from "../../plugins/registrations";
import { type LocalEnvironment, startLocalEnvironment } from "../../emulator/start";

/**
 * Item 1 of issue 10: `POST /_emulator/reset` leaves the environment as a
 * fresh `npm start` would (plug-in step registrations included), and nothing
 * is served before the steps are registered: until then every request gets
 * 503 with Retry-After, which Dataverse clients already honour
 * (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#retry-operations).
 */

jest.setTimeout(180_000);

const API = "api/data/v9.2/";
const SEEDED_CONTACT = "de0a0001-0000-4000-8000-000000000001";

async function json(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> & { value?: Record<string, unknown>[] } }> {
  const response = await fetch(url, { ...init, headers: { Accept: "application/json", "Content-Type": "application/json", ...(init?.headers as Record<string, string> | undefined) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function engagementBody(): string {
  return JSON.stringify({ "sprx_contactid@odata.bind": `/contacts(${SEEDED_CONTACT})`, sprx_referraldate: "2025-01-01" });
}

/** The closure checklist rows the async engagementCreated step writes for a new engagement. */
async function checklistRows(url: string, engagementId: string): Promise<number> {
  await fetch(`${url}_emulator/idle`);
  const checks = await json(`${url}${API}sprx_closurechecks?$count=true&$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`);
  return Number(checks.body["@odata.count"]);
}

/** A close attempt on an engagement whose checklist is open: the sync closureValidation step must refuse it. */
async function closeOpenEngagement(url: string): Promise<{ status: number; code?: string }> {
  const open = await json(`${url}${API}sprx_engagements?$select=sprx_engagementid&$filter=statecode eq 0 and sprx_checklistcomplete eq false&$top=1`);
  const id = String(open.body.value?.[0]?.sprx_engagementid);
  const answer = await json(`${url}${API}sprx_engagements(${id})`, { method: "PATCH", body: JSON.stringify({ statecode: 1, statuscode: 2 }) });
  return { status: answer.status, code: (answer.body.error as { code?: string } | undefined)?.code };
}

describe("readiness on start", () => {
  let dataDirectory: string;
  let environment: LocalEnvironment | undefined;
  afterAll(async () => {
    await environment?.stop();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it("refuses with 503 + Retry-After until the steps are registered, so the first write it accepts runs the rules", async () => {
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-ready-"));
    const port = await freePort();
    const starting = startLocalEnvironment({ port, pluginPort: 0, dataDirectory, print: () => undefined });
    let settled = false;
    starting.then(() => (settled = true), () => (settled = true));
    const refusals: { status: number; retryAfter: string | null }[] = [];
    let created: Response | undefined;
    // Write at the first moment the port answers anything but "not ready".
    while (!created) {
      let response: Response | undefined;
      try {
        response = await fetch(`http://127.0.0.1:${port}/${API}sprx_engagements`, { method: "POST", headers: { "Content-Type": "application/json" }, body: engagementBody() });
      } catch {
        if (settled) break; // start-up failed: the expectation below reports it
        await new Promise((resolve) => setTimeout(resolve, 20)); // not listening yet
        continue;
      }
      if (response.status === 503) {
        refusals.push({ status: response.status, retryAfter: response.headers.get("Retry-After") });
        await response.text();
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      created = response;
    }
    environment = await starting;
    expect(created?.status).toBe(204);
    for (const refusal of refusals) expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    const id = /\(([0-9a-f-]{36})\)$/.exec(created?.headers.get("OData-EntityId") ?? "")?.[1] ?? "";
    expect(await checklistRows(environment.url, id)).toBeGreaterThan(0);
  });
});

describe("reset between cases", () => {
  let dataDirectory: string;
  let environment: LocalEnvironment;
  beforeAll(async () => {
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-reset-"));
    environment = await startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory, print: () => undefined });
  });
  afterAll(async () => {
    await environment.stop();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const reset = await fetch(`${environment.url}_emulator/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
  });

  it("keeps every step registration", async () => {
    const steps = await json(`${environment.url}${API}sdkmessageprocessingsteps?$count=true&$select=name`);
    expect(steps.body["@odata.count"]).toBe(STEP_REGISTRATIONS.length);
  });

  it("still runs the async rules after a reset: a new engagement gets its checklist", async () => {
    const created = await fetch(`${environment.url}${API}sprx_engagements`, { method: "POST", headers: { "Content-Type": "application/json" }, body: engagementBody() });
    expect(created.status).toBe(204);
    const id = /\(([0-9a-f-]{36})\)$/.exec(created.headers.get("OData-EntityId") ?? "")?.[1] ?? "";
    expect(await checklistRows(environment.url, id)).toBeGreaterThan(0);
  });

  it("still runs the sync rules after a reset: an open checklist blocks closing", async () => {
    expect(await closeOpenEngagement(environment.url)).toEqual({ status: 400, code: "0x80040265" });
  });

  it("and again after another reset", async () => {
    expect(await closeOpenEngagement(environment.url)).toEqual({ status: 400, code: "0x80040265" });
  });
});
