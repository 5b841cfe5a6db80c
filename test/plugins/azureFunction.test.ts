import { HttpRequest } from "@azure/functions";
import { type FakeDataverse, startFakeDataverse } from "./support/fakeDataverse";
import { ids } from "./support/harness";
import { asDataverseJson, remoteExecutionContext } from "./support/remoteContext";

/** The Azure Functions host is as thin as the Node one: the same core answers through it. */
const KEY = "function-test-key-0123456789";
let dataverse: FakeDataverse;
let dataverseWebhook: (request: HttpRequest) => Promise<{ status?: number; body?: unknown }>;

const saved = { ...process.env };

beforeAll(async () => {
  dataverse = await startFakeDataverse();
  Object.assign(process.env, { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: dataverse.url, SPRX_DATAVERSE_AUTH: "none" });
  // Outside the Functions runtime the library warns that it runs in test mode; capture that expected notice.
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    ({ dataverseWebhook } = await import("../../plugins/host/azureFunction"));
    expect(warn.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(/test mode/);
  } finally {
    warn.mockRestore();
  }
});
afterAll(async () => {
  process.env = saved;
  await dataverse.close();
});

const request = (query: Record<string, string>, body: string) =>
  new HttpRequest({ method: "POST", url: "https://sprx.azurewebsites.net/api/dataverse-webhook", query, body: { string: body }, headers: { "content-type": "application/json" } });

const noStep = asDataverseJson(remoteExecutionContext({ message: "Create", table: "contact", id: ids.contact, stage: 40, mode: 1, target: {} }));

it("answers 401 without the key and 200 to a context no step is for", async () => {
  expect((await dataverseWebhook(request({}, noStep))).status).toBe(401);
  expect((await dataverseWebhook(request({ code: KEY }, noStep))).status).toBe(200);
  expect(dataverse.requests).toEqual([]);
});

it("answers 400 to malformed JSON", async () => {
  expect((await dataverseWebhook(request({ code: KEY }, "{"))).status).toBe(400);
});
