import { readFileSync } from "node:fs";
import path from "node:path";
import { AttendanceValues } from "../../solution/generated/dataverse";
import { type Harness, ids, KEY, seedEngagement, seedSessions, startHarness, stepName } from "./support/harness";
import { option, ref, remoteExecutionContext, wcfDate } from "./support/remoteContext";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

function noStepContext() {
  // A Create of contact: a valid context no registration is for.
  return remoteExecutionContext({ message: "Create", table: "contact", id: ids.contact, stage: 40, mode: 1, target: { firstname: "Ada" } });
}

describe("webhook authentication", () => {
  const cases = [
    {
      name: "WebhookKey",
      auth: { kind: "WebhookKey", key: KEY } as const,
      good: { query: `?code=${KEY}` },
      wrong: { query: "?code=not-the-key-at-all-0000" },
    },
    {
      name: "HttpHeader",
      auth: { kind: "HttpHeader", headers: { "x-api-key": KEY } } as const,
      good: { query: "", headers: { "x-api-key": KEY } },
      wrong: { query: "", headers: { "x-api-key": `${KEY}x` } },
    },
    {
      name: "HttpQueryString",
      auth: { kind: "HttpQueryString", parameters: { key: KEY } } as const,
      good: { query: `?key=${KEY}` },
      wrong: { query: `?key=${KEY.slice(0, -1)}` },
    },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      let h: Harness;
      beforeAll(async () => {
        h = await startHarness({ auth: c.auth });
      });
      afterAll(() => h.close());

      it("answers 401 without detail when the key is missing", async () => {
        const response = await h.post(noStepContext(), { query: "" });
        expect(response).toEqual({ status: 401, text: "Unauthorized" });
      });

      it("answers 401 for a wrong key, before looking at the body", async () => {
        expect((await h.post("{not json", c.wrong)).status).toBe(401);
        expect((await h.post(noStepContext(), c.wrong)).status).toBe(401);
      });

      it("accepts the right key", async () => {
        expect((await h.post(noStepContext(), c.good)).status).toBe(200);
      });
    });
  }
});

describe("webhook input", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("answers 400 to malformed JSON", async () => {
    const response = await h.post('{"MessageName": "Update",');
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/not valid JSON/);
  });

  it("answers 400 to a context missing what a step needs, naming the field but never a value", async () => {
    const context = remoteExecutionContext({ message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1 });
    delete context.Stage;
    const missingStage = await h.post(context);
    expect(missingStage.status).toBe(400);
    expect(missingStage.text).toMatch(/Stage/);

    const badValue = remoteExecutionContext({
      message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1,
      target: { regardingobjectid: { __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts", Id: "Margaret Smith", LogicalName: "sprx_engagement" } },
    });
    const response = await h.post(badValue);
    expect(response.status).toBe(400);
    expect(response.text).not.toContain("Margaret");
  });

  it("answers 400 when an Update arrives without its Target and without the size-exceeded header", async () => {
    const response = await h.post(fixture("appointment-update-size-exceeded.json"));
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/Target/);
  });

  it("answers 413 to a body far larger than Dataverse ever sends", async () => {
    const response = await h.post(`{"padding":"${"x".repeat(1024 * 1024 + 10)}"}`);
    expect(response.status).toBe(413);
  });

  it("answers 200 without touching Dataverse when no step is registered for the context", async () => {
    const before = h.dataverse.requests.length;
    expect((await h.post(noStepContext())).status).toBe(200);
    const assign = remoteExecutionContext({ message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1, target: {} });
    assign.MessageName = "Assign";
    expect((await h.post(assign)).status).toBe(200);
    expect(h.dataverse.requests.length).toBe(before);
  });

  it("answers 405 to anything but POST and 404 to other paths", async () => {
    expect((await fetch(`${h.url}?code=${KEY}`)).status).toBe(405);
    expect((await fetch(h.url.replace("dataverse-webhook", "other"), { method: "POST", body: "{}" })).status).toBe(404);
  });
});

describe("the documented context fixture", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("recomputes both engagements when a session moves, from the fixture's images", async () => {
    const from = "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e";
    const to = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7";
    seedEngagement(h.dataverse, {}, from);
    seedEngagement(h.dataverse, {}, to);
    h.dataverse.insert("appointments", {
      activityid: "c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b",
      scheduledstart: "2026-01-01T10:00:00Z",
      sprx_attendance: AttendanceValues.attended,
      statecode: 1,
      _regardingobjectid_value: to,
    });
    const response = await h.post(fixture("appointment-update-async.json"));
    expect(response.status).toBe(200);
    expect(h.dataverse.row("sprx_engagements", to)?.sprx_sessionsattended).toBe(1);
    const patched = h.dataverse.writes().filter((w) => w.method === "PATCH").map((w) => w.path);
    expect(patched).toEqual(expect.arrayContaining([`sprx_engagements(${to})`, `sprx_engagements(${from})`]));
  });

  it("re-reads the session when Dataverse truncated the payload (x-ms-dynamics-msg-size-exceeded)", async () => {
    const engagement = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7";
    h.dataverse.insert("appointments", {
      activityid: "c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b",
      scheduledstart: "2026-01-01T10:00:00Z",
      sprx_attendance: AttendanceValues.didNotAttend,
      statecode: 1,
      _regardingobjectid_value: engagement,
    });
    const response = await h.post(fixture("appointment-update-size-exceeded.json"), { headers: { "x-ms-dynamics-msg-size-exceeded": "true" } });
    expect(response.status).toBe(200);
    expect(h.dataverse.requests.some((r) => r.method === "GET" && r.path.startsWith("appointments(c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b)"))).toBe(true);
    expect(h.dataverse.row("sprx_engagements", engagement)).toMatchObject({ sprx_sessionsattended: 0, sprx_sessionsdna: 1 });
  });
});

describe("transient failures", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["attended"]);
  });
  afterEach(() => h.close());

  const bookkeeping = () =>
    h.deliver({
      message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1,
      target: { sprx_attendance: option(AttendanceValues.attended) },
      postImage: { regardingobjectid: ref("sprx_engagement", ids.engagement), scheduledstart: wcfDate("2026-01-12T10:00:00Z") },
      stepName: stepName("sessionBookkeeping", "Update", "appointment"),
    });

  it("honours 429 Retry-After from Dataverse, then succeeds", async () => {
    h.dataverse.fail((r) => r.method === "GET" && r.path.startsWith("sprx_engagements("), 1, 429, { "Retry-After": "3" });
    expect((await bookkeeping()).status).toBe(200);
    expect(h.sleeps).toEqual([3000]);
    expect(h.dataverse.row("sprx_engagements", ids.engagement)?.sprx_sessionsattended).toBe(1);
  });

  it("backs off on 503 and answers 503 itself when Dataverse stays down, so Dataverse retries the async step", async () => {
    h.dataverse.fail((r) => r.method === "PATCH", 10, 503);
    const response = await bookkeeping();
    expect(response.status).toBe(503);
    expect(h.sleeps).toHaveLength(4);
    for (let i = 1; i < h.sleeps.length; i++) expect(h.sleeps[i]).toBeGreaterThan(h.sleeps[i - 1]);
  });

  it("never retries a 4xx, and answers 500 with a reference but no detail", async () => {
    h.dataverse.fail((r) => r.method === "PATCH", 1, 400);
    const response = await bookkeeping();
    expect(response.status).toBe(500);
    expect(response.text).toMatch(/Reference [0-9a-f-]{36}/);
    expect(response.text).not.toMatch(/Injected/);
    expect(h.sleeps).toEqual([]);
  });
});
