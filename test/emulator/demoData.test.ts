import { SUPERVISOR_VIEWS } from "../../solution/views";
import { StageValues } from "../../solution/generated/dataverse";
import { SCENARIOS, SEEDED_PEOPLE, seedDemoData } from "../../emulator/seed/demoData";
import { LINK_WORKERS, SUPERVISOR_USER } from "../../emulator/seed/users";
import { type TestEnvironment, startTestDataverse } from "./support/localDataverse";

/** A fixed day, so relative-date views and rollups give the same answer whenever the tests run. */
const NOW = new Date("2025-11-24T12:00:00Z");

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
});
afterAll(async () => {
  await env.close();
});

/** Situations of the engagements a query returns, by the reference the seed gives each scenario. */
function situations(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((r) => SCENARIOS[Number(String(r.sprx_name).slice(4)) - 1].situation).sort();
}

/** Runs a shipped view; as the local administrator unless a caller is given (MSCRMCallerID). */
async function runView(name: string, callerId?: string): Promise<Record<string, unknown>[]> {
  const view = SUPERVISOR_VIEWS.find((v) => v.name === name);
  if (!view) throw new Error(`No view named ${name}`);
  const response = await env.request("GET", `sprx_engagements?fetchXml=${encodeURIComponent(view.fetchXml)}`, undefined, callerId ? { MSCRMCallerID: callerId } : {});
  expect(response.status).toBe(200);
  return response.json.value ?? [];
}

const count = (situation: string) => SCENARIOS.filter((s) => s.situation === situation).length;

describe("demo data", () => {
  it("has about 30 people, each with one engagement, and link workers in one business unit", async () => {
    const contacts = await env.request("GET", "contacts?$count=true&$select=contactid");
    expect(contacts.json["@odata.count"]).toBe(SEEDED_PEOPLE);
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(28);
    const workers = await env.request("GET", "systemusers?$select=fullname&$filter=title eq 'Link worker'");
    expect(workers.json.value).toHaveLength(4);
  });

  it("stores the rollups the domain computes: stage follows sessions attended", async () => {
    const rows = (await env.request("GET", "sprx_engagements?$select=sprx_name,sprx_stage,sprx_sessionsattended,statecode")).json.value ?? [];
    for (const row of rows) {
      const attended = Number(row.sprx_sessionsattended);
      const expected = row.statecode === 1 ? StageValues.closed : attended === 0 ? StageValues.establishing : attended < 3 ? StageValues.reviewing : attended < 5 ? StageValues.buildingIndependence : StageValues.closing;
      expect({ name: row.sprx_name, stage: row.sprx_stage }).toEqual({ name: row.sprx_name, stage: expected });
    }
  });

  it("gives every engagement its closure checklist, goals and wellbeing scores", async () => {
    const checks = await env.request("GET", "sprx_closurechecks?$count=true&$select=sprx_item");
    expect(checks.json["@odata.count"]).toBe(SCENARIOS.length * 11);
    const closed = await env.request("GET", "sprx_engagements?$select=sprx_closurereason&$filter=statecode eq 1");
    expect(new Set(closed.json.value?.map((r) => r.sprx_closurereason)).size).toBe(7);
    const closingScores = await env.request("GET", "sprx_wellbeingscores?$count=true&$select=sprx_name&$filter=sprx_timepoint eq 727000002");
    expect(closingScores.json["@odata.count"]).toBe(2);
  });
});

describe("each shipped supervisor view returns exactly the engagements it should", () => {
  it("My active caseload: the caller's own active engagements", async () => {
    const rows = await runView("My active caseload", LINK_WORKERS[0].id);
    const mine = SCENARIOS.flatMap((s, i) => (i % 4 === 0 && !s.closed ? [s.situation] : [])).sort();
    expect(situations(rows)).toEqual(mine);
  });

  it("Team active caseload: every active engagement in the caller's business unit (the supervisor's hub)", async () => {
    const hub = SCENARIOS.flatMap((s, i) => (i % 4 < 2 && !s.closed ? [s.situation] : [])).sort();
    expect(situations(await runView("Team active caseload by link worker", SUPERVISOR_USER.id))).toEqual(hub);
  });

  it("Overdue: the overdue ones and the missed-session streak with nothing booked", async () => {
    expect(situations(await runView("Overdue: no session in 21 days"))).toEqual([...Array.from({ length: count("overdue") }, () => "overdue"), "missed sessions in a row"].sort());
  });

  it("Past the 16-week window", async () => {
    expect(situations(await runView("Past the 16-week window"))).toEqual(["past 16 weeks", "past 16 weeks"]);
  });

  it("Beyond planned sessions without extension", async () => {
    expect(situations(await runView("Beyond planned sessions without extension"))).toEqual(["beyond plan"]);
  });

  it("Ready to close", async () => {
    expect(situations(await runView("Ready to close"))).toEqual(["ready to close", "ready to close"]);
  });

  it("Courageous conversation suggested", async () => {
    expect(situations(await runView("Courageous conversation suggested"))).toEqual(["beyond plan", "extended", "missed sessions in a row", "missed sessions in a row"]);
  });

  it("Closed this quarter: one per closure reason", async () => {
    expect(await runView("Closed this quarter")).toHaveLength(7);
  });

  it("Closed as disengaged", async () => {
    expect(situations(await runView("Closed as disengaged"))).toEqual(["closed: disengaged"]);
  });

  it("covers every view the solution ships", () => {
    expect(SUPERVISOR_VIEWS.map((v) => v.name).sort()).toEqual([
      "Beyond planned sessions without extension", "Closed as disengaged", "Closed this quarter", "Courageous conversation suggested",
      "My active caseload", "Overdue: no session in 21 days", "Past the 16-week window", "Ready to close", "Team active caseload by link worker",
    ]);
  });
});
