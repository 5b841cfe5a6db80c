import { SCENARIOS, seedDemoData } from "../../emulator/seed/demoData";
import { LINK_WORKERS } from "../../emulator/seed/users";
import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";

/**
 * Share: GrantAccess gives one user rights on one record; the Share privilege
 * and each granted right are checked on the record for the one who shares.
 * https://learn.microsoft.com/en-us/dotnet/api/microsoft.crm.sdk.messages.grantaccessrequest
 */

const [, PRIYA, TOMASZ] = LINK_WORKERS;
const engagementOf = (worker: (typeof LINK_WORKERS)[number]) => {
  const index = SCENARIOS.findIndex((s, i) => LINK_WORKERS[i % LINK_WORKERS.length].id === worker.id && !s.closed);
  return `de0a0002-0000-4000-8000-${(index + 1).toString(16).padStart(12, "0")}`;
};
const grant = (engagementId: string, userId: string, mask: string) => ({
  Target: { "@odata.type": "Microsoft.Dynamics.CRM.sprx_engagement", sprx_engagementid: engagementId },
  PrincipalAccess: { Principal: { "@odata.type": "Microsoft.Dynamics.CRM.systemuser", systemuserid: userId }, AccessMask: mask },
});

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData });
});
afterAll(async () => {
  await env.close();
});

it("a worker shares their engagement with a colleague in another hub: read it, then write it once granted", async () => {
  const engagement = engagementOf(PRIYA);
  const asTomasz = { MSCRMCallerID: TOMASZ.id };
  expect((await env.request("GET", `sprx_engagements(${engagement})?$select=sprx_name`, undefined, asTomasz)).status).toBe(403);

  expect((await env.request("POST", "GrantAccess", grant(engagement, TOMASZ.id, "ReadAccess"), { MSCRMCallerID: PRIYA.id })).status).toBe(204);
  expect((await env.request("GET", `sprx_engagements(${engagement})?$select=sprx_name`, undefined, asTomasz)).status).toBe(200);
  const list = await env.request("GET", "sprx_engagements?$select=sprx_name", undefined, asTomasz);
  expect((list.json.value ?? []).map((r) => r.sprx_engagementid)).toContain(engagement);
  const write = await env.request("PATCH", `sprx_engagements(${engagement})`, { sprx_nextsteps: "Shared notes." }, asTomasz);
  expect(write.status).toBe(403);
  expect(write.json.error?.message).toContain("WriteAccess");

  expect((await env.request("POST", "GrantAccess", grant(engagement, TOMASZ.id, "WriteAccess"), { MSCRMCallerID: PRIYA.id })).status).toBe(204);
  expect((await env.request("PATCH", `sprx_engagements(${engagement})`, { sprx_nextsteps: "Shared notes." }, asTomasz)).status).toBe(204);
});

it("refuses to share what the caller may not share, or rights they do not hold on it", async () => {
  const notHers = await env.request("POST", "GrantAccess", grant(engagementOf(TOMASZ), PRIYA.id, "ReadAccess"), { MSCRMCallerID: PRIYA.id });
  expect(notHers.status).toBe(403);
  expect(notHers.json.error?.message).toContain("ShareAccess");
  // A link worker may not delete engagements, so cannot give anyone that right either.
  const deleteRight = await env.request("POST", "GrantAccess", grant(engagementOf(PRIYA), TOMASZ.id, "DeleteAccess"), { MSCRMCallerID: PRIYA.id });
  expect(deleteRight.status).toBe(403);
  expect(deleteRight.json.error?.message).toContain("prvDeletesprx_engagement");
  const malformed = await env.request("POST", "GrantAccess", { Target: {} }, { MSCRMCallerID: PRIYA.id });
  expect(malformed.status).toBe(400);
});
