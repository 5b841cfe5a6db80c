import Database from "better-sqlite3";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { FOUNDATION, messageFilterId } from "../../emulator/seed/foundation";

/**
 * A write interrupted mid-request: the local Dataverse runs in its own
 * process on a file database and is killed with SIGKILL while a `$batch`
 * change set is half-way through (its transaction open, some rows already
 * inserted). After a restart the database passes SQLite's integrity check
 * and holds none of the change set: all or nothing.
 */

const REPO_ROOT = path.resolve(__dirname, "../..");
const API = "api/data/v9.2/";
jest.setTimeout(60_000);

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
}

function startDataverse(file: string): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "support/dataverseProcess.ts"), file], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.once("exit", (code) => reject(new Error(`The local Dataverse stopped during start-up (${String(code)})`)));
  });
}

function killHard(running: Running): Promise<void> {
  return new Promise((resolve) => {
    running.child.once("exit", () => resolve());
    running.child.kill("SIGKILL");
  });
}

async function api(running: Running, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${running.url}${API}${route}`, {
    method,
    headers: { Accept: "application/json", ...(typeof body === "object" ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const idOf = (response: { headers: Headers }) => /\(([0-9a-f-]{36})\)$/.exec(response.headers.get("OData-EntityId") ?? "")?.[1] ?? "";

/** A change set creating `count` goals on one engagement, one request per goal. */
function changeSet(engagementId: string, count: number, marker: string): { body: string; contentType: string } {
  const batch = "batch_interrupted";
  const changes = "changeset_interrupted";
  const parts = Array.from({ length: count }, (_, i) =>
    [
      `--${changes}`, "Content-Type: application/http", "Content-Transfer-Encoding: binary", `Content-ID: ${i + 1}`, "",
      `POST /${API}sprx_goals HTTP/1.1`, "Content-Type: application/json", "",
      JSON.stringify({ sprx_name: `${marker} ${i + 1}`, sprx_importance: 5, "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})` }),
    ].join("\r\n"),
  );
  const body = [`--${batch}`, `Content-Type: multipart/mixed; boundary=${changes}`, "", ...parts, `--${changes}--`, `--${batch}--`, ""].join("\r\n");
  return { body, contentType: `multipart/mixed; boundary=${batch}` };
}

/** A webhook endpoint for a sync PostOperation step on goal create: answers the first `answered` deliveries, then holds the next one. */
async function holdingEndpoint(answered: number): Promise<{ url: string; held: Promise<void>; close(): Promise<void> }> {
  let count = 0;
  let reached: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (reached = resolve));
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      count++;
      if (count <= answered) response.writeHead(200).end();
      else reached();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/dataverse-webhook`,
    held,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function registerSyncGoalStep(running: Running, url: string): Promise<void> {
  const endpoint = await api(running, "POST", "serviceendpoints", { name: "holding endpoint", contract: 8, url, messageformat: 2, authtype: 4, authvalue: "holding-key-0123456789" });
  expect(endpoint.status).toBe(204);
  const step = await api(running, "POST", "sdkmessageprocessingsteps", {
    name: "hold goal create", stage: 40, mode: 0, rank: 1, supporteddeployment: 0, asyncautodelete: false,
    "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${idOf(endpoint)})`,
    "sdkmessageid@odata.bind": `/sdkmessages(${FOUNDATION.messages.Create})`,
    "sdkmessagefilterid@odata.bind": `/sdkmessagefilters(${messageFilterId("Create", "sprx_goal")})`,
  });
  expect(step.status).toBe(204);
}

function inspect(file: string, marker: string): { integrity: string; goals: number } {
  const db = new Database(file);
  try {
    const integrity = (db.pragma("integrity_check", { simple: true }) as string);
    const goals = (db.prepare(`SELECT COUNT(*) AS n FROM "sprx_goal" WHERE "sprx_name" LIKE ?`).get(`${marker}%`) as { n: number }).n;
    return { integrity, goals };
  } finally {
    db.close();
  }
}

describe("a local Dataverse killed during a write", () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-interrupted-"));
    file = path.join(folder, "sprx.db");
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  async function engagementOn(running: Running): Promise<string> {
    const contact = await api(running, "POST", "contacts", { firstname: "Kit", lastname: "Interrupted" });
    const engagement = await api(running, "POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${idOf(contact)})`, sprx_referraldate: "2026-01-05" });
    expect(engagement.status).toBe(204);
    return idOf(engagement);
  }

  it("a change set killed after 30 of its 50 inserts leaves an intact database without any of them", async () => {
    let running = await startDataverse(file);
    const engagementId = await engagementOn(running);
    const endpoint = await holdingEndpoint(30);
    try {
      await registerSyncGoalStep(running, endpoint.url);
      const { body, contentType } = changeSet(engagementId, 50, "Interrupted goal");
      const write = fetch(`${running.url}${API}$batch`, { method: "POST", headers: { "Content-Type": contentType }, body }).catch(() => "connection lost");
      await endpoint.held;
      // 30 goals are inserted in the open transaction and the 31st waits on its step: kill now.
      await killHard(running);
      expect(await write).toBe("connection lost");
    } finally {
      await endpoint.close();
    }

    expect(inspect(file, "Interrupted goal")).toEqual({ integrity: "ok", goals: 0 });
    running = await startDataverse(file);
    try {
      const goals = await api(running, "GET", `sprx_goals?$select=sprx_name&$filter=_sprx_engagementid_value eq ${engagementId}`);
      expect(JSON.parse(goals.text)).toMatchObject({ value: [] });
      // The engagement written before the kill is still there, and the database takes writes again
      // once the step whose endpoint is gone is unregistered (while registered, it fails every goal create).
      const steps = JSON.parse((await api(running, "GET", "sdkmessageprocessingsteps?$select=name&$filter=name eq 'hold goal create'")).text) as { value: { sdkmessageprocessingstepid: string }[] };
      expect(steps.value).toHaveLength(1);
      expect((await api(running, "DELETE", `sdkmessageprocessingsteps(${steps.value[0].sdkmessageprocessingstepid})`)).status).toBe(204);
      expect((await api(running, "GET", `sprx_engagements(${engagementId})?$select=sprx_referraldate`)).status).toBe(200);
      const again = await api(running, "POST", "sprx_goals", { sprx_name: "After restart", sprx_importance: 7, "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})` });
      expect(again.status).toBe(204);
    } finally {
      await killHard(running);
    }
    expect(inspect(file, "After restart")).toEqual({ integrity: "ok", goals: 1 });
  });

  it("the same change set left to finish commits all 50 goals (the control for the test above)", async () => {
    const running = await startDataverse(file);
    try {
      const engagementId = await engagementOn(running);
      const { body, contentType } = changeSet(engagementId, 50, "Committed goal");
      const response = await fetch(`${running.url}${API}$batch`, { method: "POST", headers: { "Content-Type": contentType }, body });
      expect(response.status).toBe(200);
      expect((await response.text()).match(/HTTP\/1\.1 204/g)).toHaveLength(50);
    } finally {
      await killHard(running);
    }
    expect(inspect(file, "Committed goal")).toEqual({ integrity: "ok", goals: 50 });
  });
});
