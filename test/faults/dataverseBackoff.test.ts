import { DataverseClient, DataverseError } from "../../plugins/dataverse/client";
import { StageValues } from "../../solution/generated/dataverse";
import { type FakeDataverse, startFakeDataverse } from "../plugins/support/fakeDataverse";
import { type Harness, ids, seedEngagement, seedSessions, startHarness, stepName } from "../plugins/support/harness";

/**
 * Dataverse throttling (429 with Retry-After) and transient 5xx answers:
 * the service's Web API client waits as told, backs off, and completes. The
 * sleep is injected, so nothing here waits for real.
 */

describe("the webhook service's Dataverse client under throttling and transient failures", () => {
  let dataverse: FakeDataverse;
  let sleeps: number[];
  let client: DataverseClient;
  beforeEach(async () => {
    dataverse = await startFakeDataverse();
    sleeps = [];
    client = new DataverseClient({ url: dataverse.url, sleep: (ms) => { sleeps.push(ms); return Promise.resolve(); }, baseDelayMs: 100 });
  });
  afterEach(() => dataverse.close());

  it("waits the Retry-After of a 429, backs off through 503 and 502, then completes the write once", async () => {
    const id = seedEngagement(dataverse);
    dataverse.fail((r) => r.method === "PATCH", 1, 429, { "Retry-After": "7" });
    dataverse.fail((r) => r.method === "PATCH", 1, 503);
    dataverse.fail((r) => r.method === "PATCH", 1, 502);
    await client.update("sprx_engagements", id, { sprx_stage: StageValues.reviewing });

    expect(sleeps[0]).toBe(7000);
    expect(sleeps).toHaveLength(3);
    // Exponential backoff with jitter for the 5xx: the second wait is longer than the first base delay.
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[2]).toBeGreaterThanOrEqual(400);
    expect(dataverse.row("sprx_engagements", id)?.sprx_stage).toBe(StageValues.reviewing);
    expect(dataverse.writes().filter((w) => w.method === "PATCH")).toHaveLength(4);
  });

  it("caps a long Retry-After instead of stalling the delivery past Dataverse's 60 s timeout", async () => {
    const capped = new DataverseClient({ url: dataverse.url, sleep: (ms) => { sleeps.push(ms); return Promise.resolve(); }, maxDelayMs: 20_000 });
    dataverse.fail((r) => r.method === "GET", 1, 429, { "Retry-After": "300" });
    const rows = await capped.retrieveMultiple("sprx_engagements");
    expect(rows).toEqual([]);
    expect(sleeps).toEqual([20_000]);
  });

  it("gives up after its retries with a transient error, so the step can ask Dataverse to deliver again", async () => {
    dataverse.fail((r) => r.method === "GET", 10, 503);
    const failure = await client.retrieveMultiple("sprx_engagements").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataverseError);
    expect((failure as DataverseError).transient).toBe(true);
    expect(sleeps).toHaveLength(4);
  });

  it("retries a 500 on a read and completes, but never repeats a create that answered 500", async () => {
    dataverse.fail((r) => r.method === "GET", 2, 500);
    await expect(client.retrieveMultiple("sprx_engagements")).resolves.toEqual([]);
    expect(sleeps).toHaveLength(2);

    sleeps.length = 0;
    dataverse.fail((r) => r.method === "POST", 1, 500);
    const failure = await client.create("sprx_goals", { sprx_name: "walk" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataverseError);
    expect((failure as DataverseError).transient).toBe(false);
    expect((failure as DataverseError).code).toBe("0x80072321");
    expect(sleeps).toEqual([]);
    expect(dataverse.writes().filter((w) => w.method === "POST")).toHaveLength(1);
  });
});

describe("a whole delivery while Dataverse throttles", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(() => harness.close());

  const attendedDelivery = () => ({
    message: "Update" as const, table: "appointment", id: ids.session(2), stage: 40 as const, mode: 1 as const,
    stepName: stepName("sessionBookkeeping", "Update", "appointment"),
    target: { sprx_attendance: { __type: "OptionSetValue:http://schemas.microsoft.com/xrm/2011/Contracts", Value: 727000001 } },
    postImage: { regardingobjectid: { __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts", Id: ids.engagement, KeyAttributes: [], LogicalName: "sprx_engagement", Name: null, RowVersion: null } },
  });

  it("the session-bookkeeping step completes after 429 and 503 answers, writing the rollups once", async () => {
    seedEngagement(harness.dataverse);
    seedSessions(harness.dataverse, ["attended", "attended"]);
    harness.dataverse.fail((r) => r.method === "GET", 1, 429, { "Retry-After": "2" });
    harness.dataverse.fail((r) => r.method === "PATCH", 1, 503);
    const answer = await harness.deliver(attendedDelivery());
    expect(answer.status).toBe(200);
    expect(harness.sleeps).toContain(2000);
    expect(harness.dataverse.row("sprx_engagements", ids.engagement)).toMatchObject({ sprx_sessionsattended: 2, sprx_stage: StageValues.reviewing });
    const engagementWrites = harness.dataverse.writes().filter((w) => w.path.startsWith("sprx_engagements("));
    // One failed attempt (503) and one that landed.
    expect(engagementWrites).toHaveLength(2);
  });

  it("answers 503 when Dataverse stays throttled, so Dataverse delivers the step again later", async () => {
    seedEngagement(harness.dataverse);
    harness.dataverse.fail(() => true, 50, 429, { "Retry-After": "1" });
    const answer = await harness.deliver(attendedDelivery());
    expect(answer.status).toBe(503);
    expect(harness.dataverse.writes()).toEqual([]);
  });
});
