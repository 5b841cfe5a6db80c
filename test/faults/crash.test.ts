import * as fs from "node:fs";
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { OutgoingMail } from "../../plugins/graph/graphMail";
import { createWebhookServer } from "../../plugins/host/nodeServer";
import { main as registerMain } from "../../plugins/register";
import { readSettings, serviceOptions, silentLogger } from "../../plugins/service";
import { AttendanceValues } from "../../solution/generated/dataverse";
import type { TestResponse } from "../emulator/support/localDataverse";
import { type ChildDataverse, killHard, startChildDataverse } from "./support/childDataverse";
import { bookSession, close, closureEvents, newEngagement, PERSON, prepareClosure, type Requester, settle } from "./support/engagements";

/**
 * `kill -9` of the local Dataverse during a burst of sessions and closures
 * from several clients, with async work queued and running. After a restart
 * on the same database every acknowledged write is there, every rollup
 * equals what the session rows say, and every closed engagement has exactly
 * one closure event and one email to the referrer.
 */

jest.setTimeout(60_000);
const KEY = "crash-webhook-key-0123456789";
const ENV = { SPRX_ASYNC_RETRY_DELAY_MS: "100", SPRX_DELIVERY_TIMEOUT_MS: "10000" };
let folder: string;
let running: ChildDataverse;
let service: http.Server;
const mail: OutgoingMail[] = [];

function requester(base: () => string): Requester {
  return {
    async request(method, route, body, headers = {}) {
      const url = route.startsWith("/") ? `${base()}${route.slice(1)}` : `${base()}api/data/v9.2/${route}`;
      const response = await fetch(url, { method, headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: (text ? JSON.parse(text) : {}) as TestResponse["json"] };
    },
  };
}
const api = requester(() => running.url);

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-crash-"));
  running = await startChildDataverse(path.join(folder, "sprx.db"), 0, ENV);
  const settings = readSettings({ SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: running.url, SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0" });
  const wired = serviceOptions(settings, {}, silentLogger);
  service = createWebhookServer({
    ...wired,
    stepServices: (correlationId) => ({
      ...wired.stepServices(correlationId),
      graph: { sendMail: (m) => Promise.resolve(void mail.push(m)), getSchedule: () => Promise.resolve([]) },
    }),
  });
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  const lines: string[] = [];
  const code = await registerMain(
    ["--url", running.url, "--webhook", `http://127.0.0.1:${(service.address() as AddressInfo).port}/api/dataverse-webhook`],
    { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(lines.join("\n"));
});
afterAll(async () => {
  await killHard(running);
  service.closeAllConnections();
  await new Promise<void>((resolve) => service.close(() => resolve()));
  fs.rmSync(folder, { recursive: true, force: true });
});

describe("kill -9 of the local Dataverse during a burst", () => {
  it("loses no acknowledged write, leaves every rollup right and every closure with one event and one email", async () => {
    const engagements: { engagementId: string; name: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const { engagementId } = await newEngagement(api, { sprx_consenttoshare: true, sprx_referreremail: PERSON.referrerEmail });
      engagements.push({ engagementId, name: "" });
    }
    await settle(api);
    for (const e of engagements) {
      await prepareClosure(api, e.engagementId);
      e.name = String((await api.request("GET", `sprx_engagements(${e.engagementId})?$select=sprx_name`)).json.sprx_name);
    }
    await settle(api);

    // Eight clients' worth of work at once: two attended sessions, then the closure, per engagement.
    const acknowledged = { sessions: [] as string[], closures: [] as string[] };
    let answered = 0;
    let killed: Promise<void> | undefined;
    const onAnswer = () => {
      if (++answered === 9) killed = killHard(running);
    };
    await Promise.all(
      engagements.map(async ({ engagementId }) => {
        try {
          for (const offset of [-14, -7]) {
            const made = await bookSession(api, engagementId, offset, AttendanceValues.attended);
            onAnswer();
            if (made.status !== 204) return;
            acknowledged.sessions.push(/\(([0-9a-f-]{36})\)$/.exec(made.headers.get("OData-EntityId") ?? "")![1]);
          }
          const closed = await close(api, engagementId);
          onAnswer();
          if (closed.status === 204) acknowledged.closures.push(engagementId);
        } catch {
          // The connection died with the process: not acknowledged.
        }
      }),
    );
    await killed;
    expect(running.child.signalCode).toBe("SIGKILL");

    running = await startChildDataverse(path.join(folder, "sprx.db"), running.port, ENV);
    await settle(api);

    for (const id of acknowledged.sessions) expect((await api.request("GET", `appointments(${id})?$select=activityid`)).status).toBe(200);
    for (const { engagementId, name } of engagements) {
      const sessions = (await api.request("GET", `appointments?$select=sprx_attendance&$filter=_regardingobjectid_value eq ${engagementId}`)).json.value ?? [];
      const engagement = (await api.request("GET", `sprx_engagements(${engagementId})?$select=statecode,sprx_sessionsattended`)).json;
      expect(engagement.sprx_sessionsattended ?? 0).toBe(sessions.filter((s) => s.sprx_attendance === AttendanceValues.attended).length);
      if (acknowledged.closures.includes(engagementId)) expect(engagement.statecode).toBe(1);
      const closedOnce = engagement.statecode === 1 ? 1 : 0;
      expect(await closureEvents(api, engagementId)).toHaveLength(closedOnce);
      expect(mail.filter((m) => m.subject.includes(name))).toHaveLength(closedOnce);
    }
  });
});
