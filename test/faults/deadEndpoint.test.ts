import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";
import { registerEndpoint, registerStep } from "../emulator/support/registration";
import { type WebhookReceiver, startWebhookReceiver } from "../emulator/support/webhookReceiver";

/**
 * One endpoint hung or unreachable does not stall the async work of the
 * others: its jobs wait (postponed, or holding at most part of the slots)
 * while the healthy endpoint's jobs all complete.
 */

jest.setTimeout(60_000);
let env: TestEnvironment;
let healthy: WebhookReceiver;
let hung: WebhookReceiver;
let release: () => void = () => undefined;

beforeAll(async () => {
  env = await startTestDataverse({ asyncRetries: 2, asyncRetryDelayMs: 100 });
  healthy = await startWebhookReceiver();
  hung = await startWebhookReceiver();
  const held = new Promise<void>((resolve) => (release = resolve));
  hung.answer("hung-step", async () => {
    await held;
    return { status: 200 };
  });
  await registerStep(env, await registerEndpoint(env, healthy.url), { name: "healthy-step", message: "Create", table: "contact", stage: 40, mode: 1 });
  await registerStep(env, await registerEndpoint(env, hung.url), { name: "hung-step", message: "Create", table: "contact", stage: 40, mode: 1 });
  // Port 9 (discard) on loopback: nothing listens, every attempt is refused at once.
  await registerStep(env, await registerEndpoint(env, "http://127.0.0.1:9/api/dataverse-webhook"), { name: "unreachable-step", message: "Create", table: "contact", stage: 40, mode: 1 });
});
afterAll(async () => {
  release();
  await env.close();
  await healthy.close();
  await hung.close();
});

const jobs = async (name: string) =>
  (await env.request("GET", `asyncoperations?$select=statecode,statuscode,retrycount&$filter=name eq '${name}'`)).json.value ?? [];

describe("async work with a hung and an unreachable endpoint", () => {
  it("still completes every job of the healthy endpoint", async () => {
    // The healthy endpoint's twelfth delivery is the event awaited, while the hung one holds its requests.
    let answered = 0;
    const allHealthy = new Promise<void>((resolve) =>
      healthy.answer("healthy-step", () => {
        if (++answered === 12) resolve();
        return { status: 200 };
      }),
    );
    for (let i = 0; i < 12; i++) expect((await env.request("POST", "contacts", { lastname: `Endpoint ${i}` })).status).toBe(204);
    await allHealthy;
    const done = await jobs("healthy-step");
    expect(done).toHaveLength(12);
    expect(hung.deliveries.length).toBeLessThanOrEqual(6);

    release();
    await env.request("GET", "/_emulator/idle");
    expect((await jobs("healthy-step")).every((j) => j.statuscode === 30)).toBe(true);
    expect((await jobs("hung-step")).every((j) => j.statuscode === 30)).toBe(true);
    const unreachable = await jobs("unreachable-step");
    expect(unreachable).toHaveLength(12);
    // Refused every time: postponed twice with growing waits, then failed.
    expect(unreachable.every((j) => j.statuscode === 31 && j.retrycount === 2)).toBe(true);
  });
});
