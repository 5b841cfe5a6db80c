import * as http from "node:http";
import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";

/**
 * Oversized and hostile requests: each is answered with a Dataverse-shaped
 * 4xx before anything is written, and the local Dataverse stays up. Foreign
 * Host names (DNS rebinding) and cross-site browser requests are refused on
 * the Web API, the app and /_emulator/*.
 */

jest.setTimeout(60_000);
let env: TestEnvironment;
let port: number;
beforeAll(async () => {
  env = await startTestDataverse({ seed: (store) => void store });
  port = Number(new URL(env.dataverse.url()).port);
});
afterAll(() => env.close());

interface RawAnswer {
  status: number;
  body: string;
}

/** A request with exactly these headers (fetch will not send a foreign Host). */
function raw(method: string, path: string, headers: Record<string, string | number>, body?: string | ((request: http.ClientRequest) => void)): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on("error", reject);
    if (typeof body === "function") body(request);
    else request.end(body);
  });
}

const contactCount = async () => Number((await env.request("GET", "contacts?$count=true&$select=contactid")).json["@odata.count"]);
const dataverseShaped = (answer: RawAnswer) => (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
const json = { "Content-Type": "application/json" };
const person = JSON.stringify({ firstname: "Abu", lastname: "Se" });

describe("who may call the local Dataverse", () => {
  it("refuses a foreign Host (DNS rebinding) on the Web API, the app and /_emulator/*", async () => {
    const before = await contactCount();
    for (const [method, path] of [["POST", "/api/data/v9.2/contacts"], ["GET", "/"], ["GET", "/_emulator/events"], ["POST", "/_emulator/reset"]] as const) {
      const answer = await raw(method, path, { Host: "attacker.example:80", ...json }, method === "POST" ? person : undefined);
      expect(answer.status).toBe(400);
      expect(dataverseShaped(answer).message).toMatch(/Invalid Hostname/);
    }
    expect(await contactCount()).toBe(before);
  });

  it("refuses cross-site requests: another Origin, Sec-Fetch-Site cross-site, a non-JSON simple POST", async () => {
    const before = await contactCount();
    expect((await raw("POST", "/api/data/v9.2/contacts", { ...json, Origin: "https://evil.example" }, person)).status).toBe(403);
    expect((await raw("POST", "/api/data/v9.2/contacts", { ...json, "Sec-Fetch-Site": "cross-site" }, person)).status).toBe(403);
    const simple = await raw("POST", "/api/data/v9.2/contacts", { "Content-Type": "text/plain" }, person);
    expect(simple.status).toBe(415);
    expect(dataverseShaped(simple).code).toMatch(/^0x/);
    expect((await raw("POST", "/api/data/v9.2/sprx_OnEngagementClosed", { "Content-Type": "text/plain;charset=UTF-8", Origin: "https://evil.example" }, "{}")).status).toBe(403);
    expect((await raw("POST", "/_emulator/reset", { Origin: "https://evil.example" })).status).toBe(403);
    expect((await raw("POST", "/_emulator/reset", { "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await raw("POST", "/_emulator/reset", { "Content-Type": "application/x-www-form-urlencoded" }, "a=1")).status).toBe(415);
    expect(await contactCount()).toBe(before);
    // The app itself (same origin) and programs (no Origin) still may.
    expect((await raw("POST", "/api/data/v9.2/contacts", { ...json, Origin: `http://127.0.0.1:${port}` }, person)).status).toBe(204);
    expect((await raw("POST", "/api/data/v9.2/contacts", { ...json, Host: `localhost:${port}` }, person)).status).toBe(204);
    expect(await contactCount()).toBe(before + 2);
  });
});

describe("limits, answered with 4xx and the service up", () => {
  it("a body declared over 128 MB is refused before it is read", async () => {
    const answer = await raw("POST", "/api/data/v9.2/contacts", { ...json, "Content-Length": 600 * 1024 * 1024 }, (request) => {
      request.write("{");
    });
    expect(answer.status).toBe(413);
    expect(dataverseShaped(answer).message).toMatch(/128 MB/);
  });

  it("a streamed body that grows past 128 MB is cut off with 413", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const answer = await raw("POST", "/api/data/v9.2/contacts", { ...json, "Transfer-Encoding": "chunked" }, (request) => {
      let sent = 0;
      const pump = () => {
        while (sent < 140 && !request.destroyed) {
          sent++;
          if (!request.write(chunk)) return void request.once("drain", pump);
        }
        request.end();
      };
      request.on("error", () => undefined);
      pump();
    }).catch((error: Error) => ({ status: -1, body: error.message }));
    // Either the 413 arrives, or the server closed the connection on the over-long stream right after answering it.
    expect([413, -1]).toContain(answer.status);
    expect((await env.request("GET", "contacts?$top=1")).status).toBe(200);
  });

  it("a $batch of more than 1,000 requests is refused and runs none of them", async () => {
    const before = await contactCount();
    const part = `--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nPOST contacts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${person}\r\n`;
    const response = await env.request("POST", "$batch", `${part.repeat(1001)}--b--\r\n`, { "Content-Type": "multipart/mixed; boundary=b" });
    expect(response.status).toBe(400);
    expect(response.json.error?.message).toMatch(/1000/);
    expect(await contactCount()).toBe(before);
  });

  it("a URL over 32 KB answers 414, one past Node's header limit a Dataverse-shaped 431, never an empty one", async () => {
    const long = await raw("GET", `/api/data/v9.2/contacts?$filter=${encodeURIComponent(`lastname eq '${"x".repeat(40_000)}'`)}`, {});
    expect(long.status).toBe(414);
    expect(dataverseShaped(long).code).toMatch(/^0x/);
    const huge = await raw("GET", `/api/data/v9.2/contacts?$filter=${"y".repeat(120_000)}`, {});
    expect(huge.status).toBe(431);
    expect(dataverseShaped(huge).message).toMatch(/32768/);
    expect((await env.request("GET", "contacts?$top=1")).status).toBe(200);
  });

  it("an over-deep query answers 400", async () => {
    const deep = `${"(".repeat(200)}lastname eq 'x'${")".repeat(200)}`;
    const response = await env.request("GET", `contacts?$filter=${encodeURIComponent(deep)}`);
    expect(response.status).toBe(400);
    const fetchXml = `<fetch><entity name="contact">${"<filter>".repeat(100)}${"</filter>".repeat(100)}</entity></fetch>`;
    expect((await env.request("GET", `contacts?fetchXml=${encodeURIComponent(fetchXml)}`)).status).toBe(400);
    expect((await env.request("GET", "contacts?$top=1")).status).toBe(200);
  });

  it("refuses invalid UTF-8, a malformed URL and the all-zero GUID as a key, storing nothing", async () => {
    const before = await contactCount();
    const rawBytes = await new Promise<RawAnswer>((resolve, reject) => {
      const request = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/data/v9.2/contacts", headers: { Host: `127.0.0.1:${port}`, ...json } }, (response) => {
        let text = "";
        response.on("data", (c: Buffer) => (text += c.toString("utf8")));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on("error", reject);
      request.end(Buffer.concat([Buffer.from('{"lastname":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    });
    expect(rawBytes.status).toBe(400);
    expect(dataverseShaped(rawBytes).message).toMatch(/UTF-8/);
    expect((await raw("GET", "/api/data/v9.2/contacts?$filter=%E0%A4%A", {})).status).toBe(400);
    const zero = await env.request("PATCH", "contacts(00000000-0000-0000-0000-000000000000)", { lastname: "Zero" });
    expect(zero.status).toBe(400);
    const zeroCreate = await env.request("POST", "contacts", { contactid: "00000000-0000-0000-0000-000000000000", lastname: "Zero" });
    expect(zeroCreate.status).toBe(400);
    expect(await contactCount()).toBe(before);
  });

  it("a write answered as a failure is not committed: return=representation with a bad $select", async () => {
    const before = await contactCount();
    const response = await env.request("POST", "contacts?$select=nosuchcolumn", { lastname: "Represented" }, { Prefer: "return=representation" });
    expect(response.status).toBe(400);
    expect(await contactCount()).toBe(before);
  });
});
