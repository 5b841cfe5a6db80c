import { CONNECTION_STATUSES, SERVICE_CATEGORIES, linkingSuccess } from "../../domain";
import { ORGANISATIONS, SERVICES } from "../../emulator/seed/communityDirectory";
import { seedDemoData } from "../../emulator/seed/demoData";
import { COMMUNITY_CHARTS, COMMUNITY_VIEWS, LOW_UPTAKE_MINIMUM_MADE, LOW_UPTAKE_PERCENT } from "../../solution/communityViews";
import { ConnectionStatusValues, ServiceCategoryValues } from "../../solution/generated/dataverse";
import { type TestEnvironment, startTestDataverse } from "./support/localDataverse";

/** The demo directory and connections, and the community views and chart run against them (issue 15). */
const NOW = new Date("2025-11-24T12:00:00Z");
const TODAY = "2025-11-24";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
});
afterAll(async () => {
  await env.close();
});

const all = async (path: string) => {
  const response = await env.request("GET", path);
  expect(response.status).toBe(200);
  return response.json.value ?? [];
};
const runView = (name: string) => {
  const view = COMMUNITY_VIEWS.find((v) => v.name === name);
  if (!view) throw new Error(`No view named ${name}`);
  return all(`${view.table === "sprx_connection" ? "sprx_connections" : "sprx_communityservices"}?fetchXml=${encodeURIComponent(view.fetchXml)}`);
};

describe("the demo directory", () => {
  it("has at least 25 services from at least 12 invented organisations, in every category", async () => {
    expect(SERVICES.length).toBeGreaterThanOrEqual(25);
    expect(ORGANISATIONS.length).toBeGreaterThanOrEqual(12);
    const services = await all("sprx_communityservices?$select=sprx_category,_sprx_providerid_value");
    expect(services).toHaveLength(SERVICES.length);
    expect(new Set(services.map((s) => s._sprx_providerid_value)).size).toBe(ORGANISATIONS.length);
    expect(new Set(services.map((s) => s.sprx_category))).toEqual(new Set(SERVICE_CATEGORIES.map((c) => ServiceCategoryValues[c])));
  });

  it("holds connections in every state across the demo engagements, with the engagements' rollups matching their rows", async () => {
    const connections = await all("sprx_connections?$select=sprx_status,sprx_referredon,_sprx_engagementid_value");
    expect(new Set(connections.map((c) => c.sprx_status))).toEqual(new Set(CONNECTION_STATUSES.map((s) => ConnectionStatusValues[s])));
    expect(new Set(connections.map((c) => c._sprx_engagementid_value)).size).toBeGreaterThan(10);
    const engagements = await all("sprx_engagements?$select=sprx_engagementid,sprx_connectionsmade,sprx_connectionsattended&$filter=sprx_connectionsmade ne null");
    for (const e of engagements) {
      const mine = connections.filter((c) => c._sprx_engagementid_value === e.sprx_engagementid).map((c) => ({
        status: CONNECTION_STATUSES.find((s) => ConnectionStatusValues[s] === c.sprx_status)!, referredOn: c.sprx_referredon as string | null,
      }));
      expect({ made: e.sprx_connectionsmade, attended: e.sprx_connectionsattended }).toEqual({ made: linkingSuccess(mine).made, attended: linkingSuccess(mine).attended });
    }
  });
});

describe("community views against the demo data", () => {
  it("connections awaiting follow-up: open referrals whose follow-up day is today or earlier", async () => {
    const rows = await runView("Connections awaiting follow-up");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect([ConnectionStatusValues.referred, ConnectionStatusValues.notAttended]).toContain(row.sprx_status);
      expect(String(row.sprx_followupon) <= TODAY).toBe(true);
    }
    const due = await all(`sprx_connections?$select=sprx_connectionid&$filter=sprx_followupon le ${TODAY}`);
    expect(rows).toHaveLength(due.length);
  });

  it("services by category and by area list only active services; low uptake lists what its description says", async () => {
    const byCategory = await runView("Community services by category");
    expect(byCategory).toHaveLength(SERVICES.filter((s) => !s.paused).length);
    expect((await runView("Community services by area")).map((s) => s.sprx_area)).toEqual([...SERVICES.filter((s) => !s.paused).map((s) => s.area)].sort());
    const low = await runView("Services with low uptake");
    const expected = await all(`sprx_communityservices?$select=sprx_name&$filter=statecode eq 0 and sprx_connectionsmade ge ${LOW_UPTAKE_MINIMUM_MADE} and sprx_uptake lt ${LOW_UPTAKE_PERCENT}`);
    expect(low.map((s) => s.sprx_name).sort()).toEqual(expected.map((s) => s.sprx_name).sort());
  });

  it("the chart 'Linking success by service category' sums made and attended per category, adding up to the rows", async () => {
    const chart = COMMUNITY_CHARTS[0];
    expect(chart.name).toBe("Linking success by service category");
    const fetchXml = /<fetch[\s>][\s\S]*<\/fetch>/.exec(chart.dataDescription)![0];
    const groups = await all(`sprx_communityservices?fetchXml=${encodeURIComponent(fetchXml)}`);
    expect(groups.length).toBeGreaterThan(3);
    const connections = await all("sprx_connections?$select=sprx_status,sprx_referredon");
    const success = linkingSuccess(connections.map((c) => ({ status: CONNECTION_STATUSES.find((s) => ConnectionStatusValues[s] === c.sprx_status)!, referredOn: c.sprx_referredon as string | null })));
    expect(groups.reduce((sum, g) => sum + Number(g.made ?? 0), 0)).toBe(success.made);
    expect(groups.reduce((sum, g) => sum + Number(g.attended ?? 0), 0)).toBe(success.attended);
  });
});
