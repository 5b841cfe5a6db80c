import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type LocalEnvironment, startLocalEnvironment } from "../../emulator/start";
import type { TestResponse } from "../emulator/support/localDataverse";
import { close, closureEvents, newEngagement, PERSON, prepareClosure, type Requester } from "./support/engagements";

/**
 * Microsoft Graph unavailable when an engagement closes. The whole local
 * environment runs as `npm start` runs it: the webhook service in its own
 * process, sending mail with the real Graph client to the HTTPS Graph
 * stand-in. The closure never waits on Graph; the email goes on Dataverse's
 * retry, or the failed system job reports it, and it is never sent twice.
 */

jest.setTimeout(60_000);
let folder: string;
let local: LocalEnvironment;
let api: Requester;
const logLines: string[] = [];

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-graph-outage-"));
  local = await startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory: folder, asyncRetryDelayMs: 50, print: (line) => logLines.push(line) });
  api = {
    async request(method, route, body, headers = {}) {
      const url = route.startsWith("/") ? `${local.url}${route.slice(1)}` : `${local.url}api/data/v9.2/${route}`;
      const response = await fetch(url, { method, headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: (text ? JSON.parse(text) : {}) as TestResponse["json"] };
    },
  };
});
afterAll(async () => {
  await local.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

const idle = async () => {
  for (let i = 0; i < 5; i++) await local.dataverse.pipeline.whenIdle();
};

async function closeWithConsent(): Promise<string> {
  const { engagementId } = await newEngagement(api, { sprx_consenttoshare: true, sprx_referreremail: PERSON.referrerEmail });
  await idle();
  await prepareClosure(api, engagementId);
  await idle();
  const closed = await close(api, engagementId);
  expect(closed.status).toBe(204);
  return engagementId;
}

const sendMails = () => local.graph.received.filter((r) => r.path.endsWith("/sendMail"));

describe("closure while Microsoft Graph is unavailable", () => {
  it("Graph answering 503 once: the closure stands, the email goes on the retry, once", async () => {
    const before = sendMails().length;
    local.graph.failNext(1, 503);
    const engagementId = await closeWithConsent();
    expect((await api.request("GET", `sprx_engagements(${engagementId})?$select=statecode`)).json.statecode).toBe(1);
    await idle();
    expect(sendMails().slice(before).map((r) => r.status)).toEqual([503, 202]);
    expect(await closureEvents(api, engagementId)).toHaveLength(1);
    const engagement = await api.request("GET", `sprx_engagements(${engagementId})?$select=sprx_referrernotifiedon`);
    expect(engagement.json.sprx_referrernotifiedon).not.toBeNull();
  });

  it("Graph down through every retry: the closure stands, the event is raised once, the email is never sent, the failed job reports the unsent email", async () => {
    const before = sendMails().length;
    local.graph.failNext(10, 503);
    const engagementId = await closeWithConsent();
    await idle();
    local.graph.failNext(0);
    expect((await api.request("GET", `sprx_engagements(${engagementId})?$select=statecode,sprx_referrernotifiedon`)).json).toMatchObject({ statecode: 1, sprx_referrernotifiedon: null });
    // The first attempt and Dataverse-like retries, all refused by Graph.
    expect(sendMails().slice(before).map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(await closureEvents(api, engagementId)).toHaveLength(1);
    const failed = (await api.request("GET", "/_emulator/async")).json.value?.filter((r) => String(r.stepName).includes("afterClosure") && r.status === "failed") ?? [];
    expect(failed.length).toBeGreaterThan(0);
  });

  it("no line the webhook service or the environment logged carries the person's name or the referrer's email", () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) for (const personal of Object.values(PERSON)) expect(line).not.toContain(personal);
  });
});
