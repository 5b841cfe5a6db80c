import { WEBHOOK_SERVICE, rolePrivileges } from "../../solution/security";
import { WEBHOOK_APP_USER } from "../../emulator/seed/security";
import { LINK_WORKERS } from "../../emulator/seed/users";
import { engagementJourney } from "./support/journey";
import { type SecuredEnvironment, startSecuredEnvironment } from "./support/securedEnvironment";

/**
 * The role the solution ships for the webhook service's application user
 * (solution/security.ts WEBHOOK_SERVICE) against what its steps use: the
 * local Dataverse records every privilege it checks for that user while a
 * whole engagement runs, with Graph configured so the email and free/busy
 * paths run too. Neither more nor less than the role holds.
 */
const sent: unknown[] = [];
let secured: SecuredEnvironment;
beforeAll(async () => {
  secured = await startSecuredEnvironment({
    graph: {
      sendMail: (message) => Promise.resolve(void sent.push(message)),
      getSchedule: () => Promise.resolve([]),
    },
  });
}, 60_000);
afterAll(async () => {
  await secured.close();
});

it("the plugin steps run as the webhook service's application user, using exactly the privileges of its shipped role", async () => {
  await engagementJourney(secured.as(LINK_WORKERS[1].id), secured.idle, "de0a0001-0000-4000-8000-000000000385", { consentToShare: true });
  expect(sent).toHaveLength(1);
  const used = [...(secured.env.dataverse.security.engine.used.get(WEBHOOK_APP_USER.id) ?? [])].sort();
  const held = rolePrivileges(WEBHOOK_SERVICE).map(([name]) => name).sort();
  expect(used).toEqual(held);
});

it("the application user's token gives it that role only: it cannot delete an engagement or impersonate", async () => {
  const asService = { Authorization: `Bearer ${secured.appToken}` };
  expect((await secured.env.request("GET", "WhoAmI", undefined, asService)).json.UserId).toBe(WEBHOOK_APP_USER.id);
  const engagement = (await secured.env.request("GET", "sprx_engagements?$select=sprx_name&$top=1")).json.value?.[0]?.sprx_engagementid;
  const refused = await secured.env.request("DELETE", `sprx_engagements(${String(engagement)})`, undefined, asService);
  expect(refused.status).toBe(403);
  expect(refused.json.error?.message).toContain("prvDeletesprx_engagement");
  const impersonating = await secured.env.request("GET", "WhoAmI", undefined, { ...asService, MSCRMCallerID: LINK_WORKERS[0].id });
  expect(impersonating.status).toBe(403);
});
