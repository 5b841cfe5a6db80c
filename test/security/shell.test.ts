import { seedDemoData } from "../../emulator/seed/demoData";
import { LINK_WORKERS, SUPERVISOR_USER } from "../../emulator/seed/users";
import { WEBHOOK_APP_USER } from "../../emulator/seed/security";
import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";

/** The app shell acts as one demo user at a time, a link worker by default, and shows who. */

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData });
});
afterAll(async () => {
  await env.close();
});

// The people view links each person's contact form by its model-driven URL.
const people = (html: string) => (html.match(/href="\/main\.aspx\?pagetype=entityrecord&amp;etn=contact&amp;id=[0-9a-f-]{36}"/g) ?? []).length;
const cookieOf = (setCookie: string | null) => (setCookie ?? "").split(";")[0];

describe("acting as a demo user", () => {
  it("acts as the first link worker by default, says so, and lists only the people of their hub", async () => {
    const home = await env.request("GET", "/");
    expect(home.text).toContain(`Acting as <strong>${LINK_WORKERS[0].firstname} ${LINK_WORKERS[0].lastname}</strong> (Link worker)`);
    expect(home.headers.get("Set-Cookie")).toMatch(new RegExp(`^sprx_caller=${LINK_WORKERS[0].id}; Path=/; SameSite=Strict; HttpOnly$`));
    const hub = await env.request("GET", "contacts?$count=true&$select=contactid", undefined, { MSCRMCallerID: LINK_WORKERS[0].id });
    expect(people(home.text)).toBe(hub.json["@odata.count"]);
    const everyone = await env.request("GET", "contacts?$count=true&$select=contactid");
    expect(people(home.text)).toBeLessThan(Number(everyone.json["@odata.count"]));
  });

  it("switches with the header's picker (a labelled select and a button), and the page's own API calls follow", async () => {
    const home = await env.request("GET", "/");
    expect(home.text).toMatch(/<label for="acting-user">Act as<\/label> <select id="acting-user" name="user"/);
    expect(home.text).not.toContain(WEBHOOK_APP_USER.id);
    const switched = await fetch(`${env.dataverse.url()}_shell/act-as`, {
      // A form from the shell's own page: the browser sends its Origin.
      method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: env.dataverse.url().slice(0, -1) }, body: `user=${SUPERVISOR_USER.id}`,
    });
    expect(switched.status).toBe(303);
    expect(switched.headers.get("Location")).toBe("/");
    const cookie = cookieOf(switched.headers.get("Set-Cookie"));
    expect(cookie).toBe(`sprx_caller=${SUPERVISOR_USER.id}`);
    const views = await env.request("GET", "/views", undefined, { Cookie: cookie });
    expect(views.text).toContain("Acting as <strong>Morgan Hale</strong> (Supervisor)");
    expect((await env.request("GET", "WhoAmI", undefined, { Cookie: cookie })).json.UserId).toBe(SUPERVISOR_USER.id);
  });

  it("refuses to act as someone who cannot sign in (the webhook's application user, or nobody)", async () => {
    for (const user of [WEBHOOK_APP_USER.id, "not-a-user"]) {
      const refused = await env.request("POST", "/_shell/act-as", `user=${user}`, { "Content-Type": "application/x-www-form-urlencoded", Origin: env.dataverse.url().slice(0, -1) });
      expect(refused.status).toBe(400);
    }
  });

  it("says plainly when the acting user may not open a person", async () => {
    const southContact = "de0a0001-0000-4000-8000-000000000003";
    const page = await env.request("GET", `/contacts/${southContact}`, undefined, { Cookie: `sprx_caller=${LINK_WORKERS[0].id}` });
    expect(page.status).toBe(403);
    expect(page.text).toContain("has no access to this record");
  });
});
