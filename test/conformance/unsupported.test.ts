import { WEBHOOK_APP_USER } from "../../emulator/seed/security";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { idFrom } from "../emulator/support/localDataverse";
import { type FaultEnvironment, startFaultEnvironment } from "../faults/support/environment";
import { type Conformance, clientError, startConformance } from "./support/client";

/**
 * Issue 10 item 8: what the local Dataverse does not do answers with a
 * Dataverse-shaped error that says so (501, "The local Dataverse does not
 * support …"), never a silently different result; and the bypass headers
 * that it does honour, for the caller allowed to send them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/bypass-custom-business-logic
 */

describe("features the local Dataverse does not support", () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await startConformance();
  });
  afterAll(async () => {
    await c.close();
  });

  const engagement = "de0a0002-0000-4000-8000-000000000001";
  it.each([
    ["change tracking", "GET", "contacts?$select=fullname", undefined, { Prefer: "odata.track-changes" }],
    ["bypassing single steps", "POST", "contacts", { lastname: "Step" }, { "MSCRM.BypassBusinessLogicExecutionStepIds": "00000000-0000-0000-0000-000000000001" }],
    ["a Dataverse message it lacks", "GET", "RetrieveTotalRecordCount(EntityNames=['contact'])", undefined, {}],
    ["a raw value segment", "GET", `sprx_engagements(${engagement})/sprx_name/$value`, undefined, {}],
    ["deep insert through a navigation URL", "POST", `sprx_engagements(${engagement})/sprx_engagement_sprx_goal`, { sprx_name: "x" }, {}],
    ["a bound action it lacks", "POST", "contacts/Microsoft.Dynamics.CRM.UpsertMultiple", { Targets: [] }, {}],
    ["changing table definitions", "PATCH", "EntityDefinitions(LogicalName='contact')", { DisplayName: null }, {}],
    ["a hierarchy query function", "GET", `systemusers?$filter=${encodeURIComponent(`Microsoft.Dynamics.CRM.UnderOrEqual(PropertyName='systemuserid',PropertyValue='${FOUNDATION.adminUserId}')`)}`, undefined, {}],
    ["a documented date function it lacks", "GET", `sprx_engagements?$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.LastWeek(PropertyName='createdon')")}`, undefined, {}],
    ["a documented FetchXML operator it lacks", "GET", `systemusers?fetchXml=${encodeURIComponent(`<fetch><entity name="systemuser"><filter><condition attribute="systemuserid" operator="under" value="${FOUNDATION.adminUserId}" /></filter></entity></fetch>`)}`, undefined, {}],
    ["a FetchXML link-type it lacks", "GET", `contacts?fetchXml=${encodeURIComponent(`<fetch><entity name="contact"><link-entity name="sprx_engagement" from="sprx_contactid" to="contactid" link-type="exists" /></entity></fetch>`)}`, undefined, {}],
    ["an $apply transformation it lacks", "GET", `sprx_goals?$apply=${encodeURIComponent("topcount(2,sprx_importance)")}`, undefined, {}],
  ] as const)("%s → 501 with the not-supported message, and writes nothing", async (_name, method, path, body, headers) => {
    const before = await c.env.request("GET", "contacts/$count");
    const response = await c.env.request(method, path, body, headers);
    expect(response.status).toBe(501);
    expect(response.json.error?.code).toMatch(/^0x[0-9a-f]{8}$/);
    expect(response.json.error?.message).toMatch(/^The local Dataverse does not support /);
    expect((await c.env.request("GET", "contacts/$count")).text).toBe(before.text);
  });

  it("reaches DynamicsWebApi as an ordinary error with the status and code", async () => {
    const error = await clientError(c.client.retrieveMultiple({ collection: "contacts", select: ["fullname"], trackChanges: true }));
    expect(error.status).toBe(501);
    expect(error.message).toMatch(/^The local Dataverse does not support change tracking/);
  });

  it("still answers 404 0x8006088a for a name that is not a Dataverse resource at all", async () => {
    const response = await c.env.request("GET", "Account");
    expect(response.status).toBe(404);
    expect(response.json.error?.code).toBe("0x8006088a");
  });
});

describe("bypassing custom logic", () => {
  let f: FaultEnvironment;
  beforeAll(async () => {
    f = await startFaultEnvironment();
  });
  afterAll(async () => {
    await f.close();
  });

  const newEngagement = async (headers: Record<string, string> = {}) => {
    const contact = idFrom(await f.env.request("POST", "contacts", { firstname: "Bea", lastname: "Bypass" }));
    const response = await f.env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${contact})`, sprx_referraldate: "2025-01-01" }, headers);
    expect(response.status).toBe(204);
    await f.idle();
    return idFrom(response);
  };
  const checklist = async (id: string) => (await f.env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${id}`)).json.value ?? [];
  const close = (id: string, headers: Record<string, string> = {}) => f.env.request("PATCH", `sprx_engagements(${id})`, { statecode: 1, statuscode: 2 }, headers);

  it("runs every step without the headers", async () => {
    const id = await newEngagement();
    expect((await checklist(id)).length).toBeGreaterThan(0);
    const refused = await close(id);
    expect(refused.status).toBe(400);
    expect(refused.json.error?.code).toBe("0x80040265");
  });

  it("skips async steps with MSCRM.BypassBusinessLogicExecution: CustomAsync", async () => {
    const id = await newEngagement({ "MSCRM.BypassBusinessLogicExecution": "CustomAsync" });
    expect(await checklist(id)).toEqual([]);
  });

  it("skips sync steps with MSCRM.BypassCustomPluginExecution: true (the open checklist no longer blocks closing)", async () => {
    const id = await newEngagement();
    const closed = await close(id, { "MSCRM.BypassCustomPluginExecution": "true" });
    expect(closed.status).toBe(204);
  });

  it("refuses the bypass for another caller, and a bypass value it does not know", async () => {
    const id = await newEngagement();
    // Another existing user (an id that matches no user is ignored, as Dataverse does): the webhook's application user.
    const other = await close(id, { "MSCRM.BypassCustomPluginExecution": "true", MSCRMCallerID: WEBHOOK_APP_USER.id });
    expect(other.status).toBe(501);
    const wrong = await close(id, { "MSCRM.BypassBusinessLogicExecution": "Everything" });
    expect(wrong.status).toBe(400);
    expect((await f.env.request("GET", `sprx_engagements(${id})?$select=statecode`)).json.statecode).toBe(0);
  });
});
