import fc from "fast-check";
import type { AddressInfo } from "node:net";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { handleWebhookRequest, silentLogger, type WebhookAuth, type WebhookServiceOptions } from "../../plugins/service";
import { startLocalEnvironment } from "../../emulator/start";
import { remoteExecutionContext, asDataverseJson } from "../plugins/support/remoteContext";

/**
 * Every webhook request without the right key is refused, whatever auth
 * style the endpoint uses and whatever is sent instead; and the local
 * Dataverse listens on loopback only.
 */

const KEY = "the-right-webhook-key-0123456789";
jest.setTimeout(60_000);

const STYLES: readonly WebhookAuth[] = [
  { kind: "WebhookKey", key: KEY },
  { kind: "HttpHeader", headers: { "x-api-key": KEY } },
  { kind: "HttpQueryString", parameters: { key: KEY } },
];

/** No step may run for a refused request: any call to the services fails the test. */
const options = (auth: WebhookAuth): WebhookServiceOptions => ({
  auth,
  logger: silentLogger,
  stepServices: () => {
    throw new Error("A step ran for an unauthorised request");
  },
});

const body = asDataverseJson(remoteExecutionContext({ message: "Update", table: "appointment", id: "a0a0a0a0-0000-4000-8000-000000000001", stage: 40, mode: 1 }));
const request = (query: Record<string, string>, headers: Record<string, string>) => ({ method: "POST", path: "/api/dataverse-webhook", query, headers, body });

describe("webhook authentication", () => {
  const notTheKey = fc.string({ maxLength: 64 }).filter((s) => s !== KEY);
  const names = fc.constantFrom("code", "key", "x-api-key", "x-functions-key", "authorization", "Code", "KEY");

  it.each(STYLES.map((s) => [s.kind, s] as const))("%s: any key but the right one, in any header or query parameter, is refused with 401", async (_kind, auth) => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(names, notTheKey, { maxKeys: 4 }), fc.dictionary(names.map((n) => n.toLowerCase()), notTheKey, { maxKeys: 4 }), async (query, headers) => {
        const answer = await handleWebhookRequest(request(query, headers), options(auth));
        expect(answer.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });

  it.each(STYLES.map((s) => [s.kind, s] as const))("%s: the key is only accepted where that style carries it", async (kind, auth) => {
    const places: Record<string, { query: Record<string, string>; headers: Record<string, string> }> = { WebhookKey: { query: { code: KEY }, headers: {} }, HttpHeader: { query: {}, headers: { "x-api-key": KEY } }, HttpQueryString: { query: { key: KEY }, headers: {} } };
    const where = places[kind];
    const accepted = await handleWebhookRequest(request(where.query, where.headers), { ...options(auth), stepServices: () => ({}) as never, handlers: { sessionBookkeeping: () => Promise.resolve({ kind: "skipped", reason: "test" }) } });
    expect(accepted.status).not.toBe(401);
    // The right key in the wrong place is still refused.
    const misplaced =
      kind === "HttpHeader" ? request({ "x-api-key": KEY, key: KEY, code: KEY }, {})
      : kind === "WebhookKey" ? request({ key: KEY, "x-api-key": KEY }, { key: KEY, code: KEY })
      : request({}, { "x-api-key": KEY, key: KEY });
    expect((await handleWebhookRequest(misplaced, options(auth))).status).toBe(401);
  });

  it("WebhookKey also takes the key from an x-api-key header, as the design's contract says", async () => {
    const handlers = { sessionBookkeeping: () => Promise.resolve({ kind: "skipped" as const, reason: "test" }) };
    const viaHeader = await handleWebhookRequest(request({}, { "x-api-key": KEY }), { ...options(STYLES[0]), stepServices: () => ({}) as never, handlers });
    expect(viaHeader.status).not.toBe(401);
    expect((await handleWebhookRequest(request({}, { "x-api-key": `${KEY}x` }), options(STYLES[0]))).status).toBe(401);
  });

  it("a key that only shares a prefix, differs in case or carries whitespace is refused", async () => {
    for (const given of [KEY.slice(0, -1), `${KEY}x`, KEY.toUpperCase(), ` ${KEY}`, `${KEY} `, ""]) {
      expect((await handleWebhookRequest(request({ code: given }, {}), options(STYLES[0]))).status).toBe(401);
    }
  });

  it("any body with the right key gets 200, 400 or 413, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue().map((v) => JSON.stringify(v))), async (text) => {
        const answer = await handleWebhookRequest({ ...request({ code: KEY }, {}), body: text }, { ...options(STYLES[0]), stepServices: () => ({}) as never, handlers: { sessionBookkeeping: () => Promise.resolve({ kind: "skipped", reason: "test" }) } });
        expect([200, 400, 413]).toContain(answer.status);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the local Dataverse's network exposure", () => {
  it("`npm start`'s environment listens on 127.0.0.1 only, and logs no seeded person's name", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-loopback-"));
    const lines: string[] = [];
    const environment = await startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory: folder, print: (line) => lines.push(line) });
    try {
      expect((environment.dataverse.server.address() as AddressInfo).address).toBe("127.0.0.1");
      expect(new URL(environment.url).hostname).toBe("127.0.0.1");
      const people = (await (await fetch(`${environment.url}api/data/v9.2/contacts?$select=firstname,lastname`)).json()) as { value: { firstname: string | null; lastname: string | null }[] };
      expect(people.value.length).toBeGreaterThan(0);
      const names = people.value.flatMap((p) => [p.firstname, p.lastname]).filter((n): n is string => !!n && n.length > 2);
      for (const line of lines) for (const name of names) expect(line).not.toContain(name);
    } finally {
      await environment.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
