import { SUPERVISOR_VIEWS } from "../../solution/views";
import { seedDemoData } from "../../emulator/seed/demoData";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { HUBS, LINK_WORKERS, SUPERVISOR_USER } from "../../emulator/seed/users";
import type { Principal } from "../../emulator/security/engine";
import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";

/**
 * Depths, callers and the query paths, against the demo organisation.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/security-concepts
 */

const [ALEX, PRIYA, TOMASZ] = LINK_WORKERS;
let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData });
});
afterAll(async () => {
  await env.close();
});

const as = (userId: string) => ({ MSCRMCallerID: userId });
const engagement = () => env.dataverse.store.metadata.require("sprx_engagement");
const rowOwnedBy = (owner: string, bu: string) => ({ sprx_engagementid: "x", ownerid: { logicalName: "systemuser", id: owner }, owningbusinessunit: { logicalName: "businessunit", id: bu } });

describe("depths", () => {
  const principal = (): Principal => ({
    userId: SUPERVISOR_USER.id, businessUnitId: FOUNDATION.businessUnitId, subtree: [FOUNDATION.businessUnitId, HUBS.north.id, HUBS.south.id],
    teamIds: ["7ea70000-0000-4000-8000-000000000001"], isAdministrator: false, depths: new Map(), profileIds: [],
  });
  const reaches = (depth: "Basic" | "Local" | "Deep" | "Global", owner: string, bu: string) =>
    env.dataverse.security.engine.reaches(principal(), depth, engagement(), rowOwnedBy(owner, bu));

  it("user depth reaches rows the user or their team owns", () => {
    expect(reaches("Basic", SUPERVISOR_USER.id, HUBS.south.id)).toBe(true);
    expect(reaches("Basic", "7ea70000-0000-4000-8000-000000000001", HUBS.south.id)).toBe(true);
    expect(reaches("Basic", ALEX.id, FOUNDATION.businessUnitId)).toBe(false);
  });

  it("business unit depth reaches the user's own unit only; parent-child reaches the units below; organisation everything", () => {
    expect(reaches("Local", ALEX.id, FOUNDATION.businessUnitId)).toBe(true);
    expect(reaches("Local", ALEX.id, HUBS.north.id)).toBe(false);
    expect(reaches("Deep", ALEX.id, HUBS.north.id)).toBe(true);
    expect(reaches("Deep", ALEX.id, "0b5e2a14-6c3d-4f1e-8a9b-000000000000")).toBe(false);
    expect(reaches("Global", ALEX.id, "0b5e2a14-6c3d-4f1e-8a9b-000000000000")).toBe(true);
  });
});

describe("callers", () => {
  it("runs a request with no caller as the local administrator, and WhoAmI says who", async () => {
    expect((await env.request("GET", "WhoAmI")).json).toMatchObject({ UserId: FOUNDATION.adminUserId, BusinessUnitId: FOUNDATION.businessUnitId });
  });

  it("impersonates with CallerObjectId (the Entra object id) as with MSCRMCallerID", async () => {
    const objectId = `0bec7000-0000-4000-8000-${TOMASZ.id.slice(-12)}`;
    expect((await env.request("GET", "WhoAmI", undefined, { CallerObjectId: objectId })).json).toMatchObject({ UserId: TOMASZ.id, BusinessUnitId: HUBS.south.id });
  });

  it("ignores an impersonated id that matches no user, running as the signed-in user, as Dataverse does", async () => {
    // https://github.com/microsoft/PowerPlatform-DataverseServiceClient/issues/265
    const unknown = await env.request("GET", "WhoAmI", undefined, { ...as("00000000-0000-4000-8000-0000000000ff"), Cookie: `sprx_caller=${PRIYA.id}` });
    expect(unknown.json.UserId).toBe(PRIYA.id);
    expect((await env.request("GET", "WhoAmI", undefined, { CallerObjectId: "00000000-0000-4000-8000-0000000000ff" })).json.UserId).toBe(FOUNDATION.adminUserId);
  });

  it("runs every part of a $batch as the batch's caller", async () => {
    const body = ["--b1", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "", `GET ${env.apiUrl}sprx_engagements?$select=_ownerid_value HTTP/1.1`, "Accept: application/json", "", "--b1--", ""].join("\r\n");
    const response = await env.request("POST", "$batch", body, { "Content-Type": "multipart/mixed; boundary=b1", ...as(PRIYA.id) });
    expect(response.status).toBe(200);
    const owners = new Set([...response.text.matchAll(/"_ownerid_value":"([0-9a-f-]{36})"/g)].map((m) => m[1]));
    expect([...owners]).toEqual([PRIYA.id]);
  });
});

describe("every query path returns only readable rows", () => {
  it("$expand of a person's engagements hides another worker's; a single-valued expand of an unreadable row is null", async () => {
    const contacts = await env.request("GET", "contacts?$select=fullname,_ownerid_value&$expand=sprx_contact_sprx_engagement($select=_ownerid_value)", undefined, as(SUPERVISOR_USER.id));
    for (const contact of contacts.json.value ?? []) {
      for (const e of (contact.sprx_contact_sprx_engagement ?? []) as { _ownerid_value: string }[]) expect([ALEX.id, PRIYA.id]).toContain(e._ownerid_value);
    }
    const mine = await env.request("GET", "appointments?$select=subject&$expand=regardingobjectid_sprx_engagement_appointment($select=sprx_name)&$top=1", undefined, as(ALEX.id));
    expect(mine.json.value?.[0]?.regardingobjectid_sprx_engagement_appointment).not.toBeNull();
  });

  it("FetchXML aggregates count only what the caller may read", async () => {
    const fetch = `<fetch aggregate="true"><entity name="sprx_engagement"><attribute name="sprx_engagementid" alias="n" aggregate="count"/></entity></fetch>`;
    const count = async (userId?: string) => Number((await env.request("GET", `sprx_engagements?fetchXml=${encodeURIComponent(fetch)}`, undefined, userId ? as(userId) : {})).json.value?.[0]?.n);
    const all = await count();
    const alex = await count(ALEX.id);
    const north = await count(SUPERVISOR_USER.id);
    expect(alex).toBeGreaterThan(0);
    expect(north).toBeGreaterThan(alex);
    expect(all).toBeGreaterThan(north);
  });

  it("a link-entity to rows the caller cannot read drops them (inner) as Dataverse does", async () => {
    const fetch = `<fetch><entity name="contact"><attribute name="fullname"/><link-entity name="sprx_engagement" from="sprx_contactid" to="contactid" alias="e"><attribute name="ownerid"/></link-entity></entity></fetch>`;
    const rows = (await env.request("GET", `contacts?fetchXml=${encodeURIComponent(fetch)}`, undefined, as(PRIYA.id))).json.value ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row["e._ownerid_value"]).toBe(PRIYA.id);
  });

  it("the shipped views run as the caller", async () => {
    const view = SUPERVISOR_VIEWS.find((v) => v.name === "Closed this quarter");
    const rows = async (userId: string) => (await env.request("GET", `sprx_engagements?fetchXml=${encodeURIComponent(view?.fetchXml ?? "")}`, undefined, as(userId))).json.value ?? [];
    expect((await rows(TOMASZ.id)).every((r) => r._ownerid_value === TOMASZ.id)).toBe(true);
  });
});

// Last: it adds a team-owned engagement that Priya and Alex can then read.
describe("team ownership", () => {
  it("a row owned by a team is within user depth for each member, and no one else", async () => {
    const store = env.dataverse.store;
    const teamId = "7ea70000-0000-4000-8000-0000000000aa";
    store.insert(store.metadata.require("team"), { teamid: teamId, name: "North Hub duty team", businessunitid: { logicalName: "businessunit", id: HUBS.north.id }, versionnumber: store.nextSequence("version") });
    for (const member of [ALEX.id, PRIYA.id]) {
      store.insert(store.metadata.require("teammembership"), { teammembershipid: `7ea70000-0000-4000-8000-0000000001${member.slice(-2)}`, teamid: teamId, systemuserid: member, versionnumber: store.nextSequence("version") });
    }
    const created = await env.request("POST", "sprx_engagements", {
      "sprx_contactid@odata.bind": "/contacts(de0a0001-0000-4000-8000-000000000001)", sprx_referraldate: "2025-01-01", "ownerid@odata.bind": `/teams(${teamId})`,
    });
    expect(created.status).toBe(204);
    const id = /\(([0-9a-f-]{36})\)$/.exec(created.headers.get("OData-EntityId") ?? "")?.[1] ?? "";
    const row = await env.request("GET", `sprx_engagements(${id})?$select=_owningbusinessunit_value,_ownerid_value`);
    expect(row.json).toMatchObject({ _ownerid_value: teamId, _owningbusinessunit_value: HUBS.north.id });
    for (const member of [ALEX.id, PRIYA.id]) expect((await env.request("GET", `sprx_engagements(${id})?$select=sprx_name`, undefined, as(member))).status).toBe(200);
    expect((await env.request("GET", `sprx_engagements(${id})?$select=sprx_name`, undefined, as(TOMASZ.id))).status).toBe(403);
  });
});
