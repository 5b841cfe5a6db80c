import { DataverseClient, DataverseError } from "../../plugins/dataverse/client";
import { isLoopbackUrl } from "../../plugins/dataverse/credentials";
import { readSettings, SettingsError } from "../../plugins/service";
import { type FakeDataverse, startFakeDataverse } from "./support/fakeDataverse";

let dataverse: FakeDataverse;
let sleeps: number[];
let client: DataverseClient;

beforeEach(async () => {
  dataverse = await startFakeDataverse();
  sleeps = [];
  client = new DataverseClient({
    url: dataverse.url,
    accessToken: () => Promise.resolve("token-123"),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    maxDelayMs: 5000,
    correlationId: "11111111-2222-4333-8444-555555555555",
  });
});
afterEach(() => dataverse.close());

describe("DataverseClient", () => {
  it("follows @odata.nextLink until every page is read", async () => {
    for (let i = 0; i < 7; i++) dataverse.insert("sprx_goals", { sprx_name: `g${i}`, _sprx_engagementid_value: "e0e0e0e0-0000-4000-8000-000000000001" });
    const rows = await client.retrieveMultiple<{ sprx_name: string }>("sprx_goals", { select: ["sprx_name"], filter: "_sprx_engagementid_value eq e0e0e0e0-0000-4000-8000-000000000001" }, 3);
    expect(rows.map((r) => r.sprx_name).sort()).toEqual(["g0", "g1", "g2", "g3", "g4", "g5", "g6"]);
    expect(dataverse.requests.filter((r) => r.method === "GET")).toHaveLength(3);
    expect(dataverse.requests[0].headers.prefer).toBe("odata.maxpagesize=3");
  });

  describe("retrieve with $expand", () => {
    const engagement = "e0e0e0e0-0000-4000-8000-000000000001";
    const other = "e0e0e0e0-0000-4000-8000-000000000002";
    type Goal = { sprx_name: string; sprx_importance?: number };
    type WithGoals = { sprx_name: string; sprx_engagement_sprx_goal: Goal[] };
    const goals = { sprx_engagement_sprx_goal: { select: ["sprx_name"], filter: "sprx_importance ge 5", orderby: "sprx_name desc" } };

    beforeEach(() => {
      dataverse.insert("sprx_engagements", { sprx_engagementid: engagement, sprx_name: "ENG-1", statecode: 0 });
      for (const [name, importance] of [["a", 9], ["b", 2], ["c", 7], ["d", 5], ["e", 8]] as const) {
        dataverse.insert("sprx_goals", { sprx_name: name, sprx_importance: importance, _sprx_engagementid_value: engagement });
      }
      dataverse.insert("sprx_goals", { sprx_name: "z", sprx_importance: 10, _sprx_engagementid_value: other });
    });

    it("reads a row and its related rows in one request, each with its own $select, $filter and $orderby", async () => {
      const row = await client.retrieve<WithGoals>("sprx_engagements", engagement, ["sprx_name"], goals);
      expect(row.sprx_name).toBe("ENG-1");
      expect(row).not.toHaveProperty("statecode");
      expect(row.sprx_engagement_sprx_goal.map((g) => g.sprx_name)).toEqual(["e", "d", "c", "a"]);
      expect(row.sprx_engagement_sprx_goal[0]).not.toHaveProperty("sprx_importance");
      expect(dataverse.requests).toHaveLength(1);
      expect(dataverse.requests[0].path).toBe(
        `sprx_engagements(${engagement})?$select=sprx_name&$expand=sprx_engagement_sprx_goal($select=sprx_name;$filter=sprx_importance ge 5;$orderby=sprx_name desc)`,
      );
      // Expanded collections can come from a cache; Microsoft's advice is to opt out of it.
      expect(dataverse.requests[0].headers["if-none-match"]).toBe("null");
    });

    it("follows an expanded collection's @odata.nextLink until it holds every related row", async () => {
      dataverse.expansionPageSize = 1;
      const row = await client.retrieve<WithGoals & Record<string, unknown>>("sprx_engagements", engagement, ["sprx_name"], goals);
      expect(row.sprx_engagement_sprx_goal.map((g) => g.sprx_name)).toEqual(["e", "d", "c", "a"]);
      expect(row).not.toHaveProperty("sprx_engagement_sprx_goal@odata.nextLink");
      expect(dataverse.requests.map((r) => r.path.split("?")[0])).toEqual([
        `sprx_engagements(${engagement})`,
        `sprx_engagements(${engagement})/sprx_engagement_sprx_goal`,
      ]);
    });

    it("answers an unknown navigation property with Dataverse's 400, not an empty list", async () => {
      const error = (await client.retrieve("sprx_engagements", engagement, ["sprx_name"], { sprx_engagement_sprx_goals: {} }).catch((e: unknown) => e)) as DataverseError;
      expect(error).toBeInstanceOf(DataverseError);
      expect(error).toMatchObject({ status: 400, transient: false });
      expect(error.message).toMatch(/sprx_engagement_sprx_goals/);
    });
  });

  it("sends the bearer token and correlation id, reads the new id from OData-EntityId, and updates with If-Match", async () => {
    const id = await client.create("sprx_goals", { sprx_name: "walk" });
    expect(dataverse.row("sprx_goals", id)?.sprx_name).toBe("walk");
    expect(dataverse.requests[0].headers).toMatchObject({ authorization: "Bearer token-123", "x-ms-correlation-request-id": "11111111-2222-4333-8444-555555555555" });

    await client.update("sprx_goals", id, { sprx_name: "walk further" });
    expect(dataverse.requests.at(-1)?.headers["if-match"]).toBe("*");
    const etag = dataverse.row("sprx_goals", id)!["@odata.etag"] as string;
    await expect(client.update("sprx_goals", id, { sprx_name: "stale" }, { ifMatch: 'W/"1"' })).rejects.toMatchObject({ status: 412, preconditionFailed: true });
    expect(dataverse.row("sprx_goals", id)?.sprx_name).toBe("walk further");
    await client.update("sprx_goals", id, { sprx_name: "current" }, { ifMatch: etag });
    expect(dataverse.row("sprx_goals", id)?.sprx_name).toBe("current");
  });

  it("never turns an update of a missing row into a create", async () => {
    await expect(client.update("sprx_goals", "99999999-0000-4000-8000-000000000000", { sprx_name: "x" })).rejects.toMatchObject({ status: 404, code: "0x80040217" });
    expect(dataverse.rows("sprx_goals")).toEqual([]);
  });

  it("parses Dataverse's error shape and does not retry a 4xx", async () => {
    const error = (await client.retrieve("sprx_goals", "99999999-0000-4000-8000-000000000000").catch((e: unknown) => e)) as DataverseError;
    expect(error).toBeInstanceOf(DataverseError);
    expect(error).toMatchObject({ status: 404, code: "0x80040217", notFound: true, transient: false });
    expect(sleeps).toEqual([]);
  });

  it("retries 429 after Retry-After seconds, capped, and 502/504 with growing backoff", async () => {
    dataverse.fail((r) => r.method === "GET", 1, 429, { "Retry-After": "60" });
    dataverse.fail((r) => r.method === "GET", 1, 502);
    dataverse.fail((r) => r.method === "GET", 1, 504);
    expect(await client.retrieveMultiple("sprx_goals")).toEqual([]);
    expect(sleeps[0]).toBe(5000);
    expect(sleeps[2]).toBeGreaterThan(sleeps[1]);
    expect(sleeps).toHaveLength(3);
  });

  it("calls an unbound custom API with POST and its parameters", async () => {
    await client.executeAction("sprx_OnEngagementClosed", { EngagementId: "e", ClosureReason: 727000000 });
    expect(dataverse.actions).toEqual([{ name: "sprx_OnEngagementClosed", body: { EngagementId: "e", ClosureReason: 727000000 } }]);
    expect(dataverse.requests[0]).toMatchObject({ method: "POST", path: "sprx_OnEngagementClosed" });
  });
});

describe("service settings", () => {
  const base = { SPRX_WEBHOOK_KEY: "a-long-enough-secret-key", SPRX_DATAVERSE_URL: "https://contoso.crm.dynamics.com" };

  it("reads defaults and the domain configuration from the environment", () => {
    const settings = readSettings({ ...base, SPRX_PLANNED_SESSIONS: "8", SPRX_WEBHOOK_AUTH: "HttpHeader" });
    expect(settings).toMatchObject({ port: 8090, timeZone: "Europe/London", dataverseAuth: "managed-identity", auth: { kind: "HttpHeader", headers: { "x-api-key": base.SPRX_WEBHOOK_KEY } } });
    expect(settings.configuration.plannedSessions).toBe(8);
    expect(settings.graphSender).toBeUndefined();
  });

  it("refuses a bad configuration with every problem named and no secret echoed", () => {
    let error: unknown;
    try {
      readSettings({ SPRX_WEBHOOK_KEY: "short", SPRX_DATAVERSE_URL: "https://contoso.crm.dynamics.com", SPRX_DATAVERSE_AUTH: "none", SPRX_TIME_ZONE: "Mars/Olympus", SPRX_WINDOW_TARGET_WEEKS: "20" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const message = (error as Error).message;
    expect(message).toMatch(/SPRX_WEBHOOK_KEY/);
    expect(message).toMatch(/only accepted for a Dataverse on this machine/);
    expect(message).toMatch(/SPRX_TIME_ZONE/);
    expect(message).toMatch(/window/);
    expect(message).not.toContain("short");
  });

  it("knows a loopback URL", () => {
    expect(isLoopbackUrl("http://127.0.0.1:8080")).toBe(true);
    expect(isLoopbackUrl("http://localhost:8080")).toBe(true);
    expect(isLoopbackUrl("https://contoso.crm.dynamics.com")).toBe(false);
  });
});
