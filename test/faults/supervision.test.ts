import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type LocalEnvironment, startLocalEnvironment } from "../../emulator/start";
import type { TestResponse } from "../emulator/support/localDataverse";
import { checklistRows, close, closureEvents, newEngagement, PERSON, prepareClosure, type Requester, settle } from "./support/engagements";

/**
 * `npm start` supervises the webhook service: killed with SIGKILL while async
 * work is under way, it is noticed, logged and restarted, and the work is
 * then done exactly once. And `npm start` itself stops cleanly on SIGTERM.
 */

jest.setTimeout(60_000);
const REPO_ROOT = path.resolve(__dirname, "../..");
let folder: string;
let local: LocalEnvironment;
let api: Requester;
const lines: string[] = [];

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-supervision-"));
  local = await startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory: folder, asyncRetryDelayMs: 200, print: (line) => lines.push(line) });
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

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the supervised webhook service", () => {
  it("killed with SIGKILL during async work is restarted, and every closure then has one event and one email", async () => {
    const made = await Promise.all([1, 2, 3].map(() => newEngagement(api, { sprx_consenttoshare: true, sprx_referreremail: PERSON.referrerEmail })));
    await settle(api);
    for (const { engagementId } of made) await prepareClosure(api, engagementId);
    await settle(api);
    const mailsBefore = local.graph.received.filter((r) => r.path.endsWith("/sendMail") && r.status === 202).length;

    const pid = local.webhook.pid();
    expect(pid).toBeDefined();
    const restarted = local.webhook.nextRestart();
    // Closures acknowledged, their async steps due: the service dies under them.
    for (const { engagementId } of made) expect((await close(api, engagementId)).status).toBe(204);
    process.kill(pid!, "SIGKILL");
    await restarted;
    expect(alive(pid!)).toBe(false);
    expect(local.webhook.pid()).not.toBe(pid);
    expect(lines.some((l) => l.includes("stopped unexpectedly"))).toBe(true);
    await settle(api);

    for (const { engagementId } of made) {
      expect(await closureEvents(api, engagementId)).toHaveLength(1);
      const items = (await checklistRows(api, engagementId)).map((c) => Number(c.sprx_item));
      expect(new Set(items).size).toBe(items.length);
    }
    const mails = local.graph.received.filter((r) => r.path.endsWith("/sendMail") && r.status === 202).length - mailsBefore;
    expect(mails).toBe(made.length);
  });
});

describe("npm start", () => {
  it("stops cleanly on SIGTERM: exit code 0, the webhook service gone with it", async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-sigterm-"));
    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "emulator/start.ts")], {
      cwd: REPO_ROOT, env: { ...process.env, PORT: "0", PLUGIN_PORT: "0", SPRX_DATA_DIR: data }, stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const webhookUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const match = /Webhook service\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (match && output.includes("Press Ctrl-C")) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`npm start stopped early (${String(code)})`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(fetch(webhookUrl)).rejects.toThrow();
    fs.rmSync(data, { recursive: true, force: true });
  });
});
