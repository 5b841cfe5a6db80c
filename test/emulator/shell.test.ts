import { SUPERVISOR_VIEWS } from "../../solution/views";
import { SCENARIOS, seedDemoData } from "../../emulator/seed/demoData";
import { type TestEnvironment, startTestDataverse } from "./support/localDataverse";

const NOW = new Date("2025-11-24T12:00:00Z");
const FIRST_CONTACT = "de0a0001-0000-4000-8000-000000000001";
let env: TestEnvironment;
beforeEach(async () => {
  env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
});
afterEach(async () => {
  await env.close();
});

describe("app shell", () => {
  it("lists every person with a link to their contact page, on an accessible page", async () => {
    const home = await env.request("GET", "/");
    expect(home.status).toBe(200);
    expect(home.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(home.text).toMatch(/<html lang="en-GB">/);
    expect(home.text).toMatch(/<main id="main">/);
    expect(home.text).toMatch(/<nav aria-label="Local environment">/);
    expect(home.text.match(/href="\/contacts\/[0-9a-f-]{36}"/g)).toHaveLength(SCENARIOS.length);
  });

  it("shows the contact, their engagement and says plainly that the controls are not built yet", async () => {
    const page = await env.request("GET", `/contacts/${FIRST_CONTACT}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("ENG-000001");
    expect(page.text).toContain("Establishing");
    expect(page.text).toContain("npm run build");
    expect((await env.request("GET", "/contacts/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("runs every supervisor view as a table with the view's columns", async () => {
    const page = await env.request("GET", "/views");
    for (const view of SUPERVISOR_VIEWS) expect(page.text).toContain(`aria-label="${view.name.replace(/&/g, "&amp;")}"`);
    expect(page.text).toContain("Closed as disengaged (1)");
  });

  it("escapes what it shows", async () => {
    await env.request("PATCH", `contacts(${FIRST_CONTACT})`, { firstname: "<script>alert(1)</script>" });
    const page = await env.request("GET", "/");
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect(page.text).toContain("&lt;script&gt;");
  });

  it("resets to the demo data with POST /_emulator/reset, and refuses GET", async () => {
    await env.request("DELETE", "sprx_engagements(de0a0002-0000-4000-8000-000000000001)");
    await env.request("POST", "sprx_OnEngagementClosed", { EngagementId: FIRST_CONTACT, ContactId: FIRST_CONTACT, ClosureReason: 727000000, ClosedOn: "2025-01-01T00:00:00Z", SessionsAttended: 1 });
    expect((await env.request("GET", "/_emulator/reset")).status).toBe(405);
    const reset = await env.request("POST", "/_emulator/reset");
    expect(reset.status).toBe(200);
    expect((await env.request("GET", "sprx_engagements?$count=true&$select=sprx_name")).json["@odata.count"]).toBe(SCENARIOS.length);
    expect((await env.request("GET", "/_emulator/events")).json.value).toEqual([]);
  });

  it("deleting an engagement deletes its sessions, goals, checks and scores with it", async () => {
    const id = "de0a0002-0000-4000-8000-000000000005";
    const count = async (set: string, lookup: string) => (await env.request("GET", `${set}?$count=true&$filter=${lookup} eq ${id}`)).json["@odata.count"];
    expect(await count("sprx_closurechecks", "_sprx_engagementid_value")).toBeGreaterThan(0);
    expect(await count("appointments", "_regardingobjectid_value")).toBeGreaterThan(0);
    expect((await env.request("DELETE", `sprx_engagements(${id})`)).status).toBe(204);
    expect(await count("sprx_closurechecks", "_sprx_engagementid_value")).toBe(0);
    expect(await count("appointments", "_regardingobjectid_value")).toBe(0);
    expect(await count("sprx_goals", "_sprx_engagementid_value")).toBe(0);
  });
});
