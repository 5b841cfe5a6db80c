import { ADMINISTRATOR, LINK_WORKER, SUPERVISOR } from "../../solution/security";
import { SUPERVISOR_VIEWS } from "../../solution/views";
import { SCENARIOS } from "../../emulator/seed/demoData";
import { ADMINISTRATOR_USER, DEMO_USERS, LINK_WORKERS, SUPERVISOR_USER } from "../../emulator/seed/users";
import { BASIC_USER } from "../../emulator/security/roles";
import { engagementJourney } from "./support/journey";
import { type SecuredEnvironment, startSecuredEnvironment } from "./support/securedEnvironment";

/**
 * Every shipped role, enforced by the local Dataverse from solution/security.ts.
 * Errors as Dataverse words them:
 * https://learn.microsoft.com/en-us/troubleshoot/power-platform/dataverse/user-permissions/client-errors
 */

const [ALEX, PRIYA, TOMASZ] = LINK_WORKERS;
/** Demo ids: contact / engagement n of the seed. */
const demo = (kind: number, n: number) => `de0a${kind.toString(16).padStart(4, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const ownerOf = (index: number) => LINK_WORKERS[index % LINK_WORKERS.length];
const NORTH = new Set([ALEX.id, PRIYA.id]);
const engagementOf = (worker: (typeof LINK_WORKERS)[number], closed = false) => {
  const index = SCENARIOS.findIndex((s, i) => ownerOf(i).id === worker.id && (s.closed !== undefined) === closed);
  return demo(2, index + 1);
};

let secured: SecuredEnvironment;
beforeAll(async () => {
  secured = await startSecuredEnvironment();
}, 60_000);
afterAll(async () => {
  await secured.close();
});

async function viewRows(name: string, userId: string): Promise<string[]> {
  const view = SUPERVISOR_VIEWS.find((v) => v.name === name);
  if (!view) throw new Error(`No view ${name}`);
  const response = await secured.as(userId)("GET", `sprx_engagements?fetchXml=${encodeURIComponent(view.fetchXml)}`);
  expect(response.status).toBe(200);
  return (response.json.value ?? []).map((r) => String(r.sprx_engagementid)).sort();
}

describe("demo users and their roles, as Dataverse exposes them", () => {
  it("reads every demo user's roles through systemuserroles_association", async () => {
    const response = await secured.env.request("GET", "systemusers?$select=fullname,title&$expand=systemuserroles_association($select=name)");
    expect(response.status).toBe(200);
    const roles = new Map((response.json.value ?? []).map((u) => [String(u.systemuserid), ((u.systemuserroles_association ?? []) as { name: string }[]).map((r) => r.name).sort()]));
    for (const worker of LINK_WORKERS) expect(roles.get(worker.id)).toEqual([BASIC_USER.name, LINK_WORKER.name].sort());
    expect(roles.get(SUPERVISOR_USER.id)).toEqual([BASIC_USER.name, SUPERVISOR.name].sort());
    expect(roles.get(ADMINISTRATOR_USER.id)).toEqual([ADMINISTRATOR.name, BASIC_USER.name].sort());
    const byRole = await secured.env.request("GET", `roles(${LINK_WORKER.roleId})/systemuserroles_association?$select=fullname`);
    expect((byRole.json.value ?? []).map((u) => u.systemuserid).sort()).toEqual(LINK_WORKERS.map((w) => w.id).sort());
  });

  it("puts the two hubs under the service and each user in one of them", async () => {
    const hubs = await secured.env.request("GET", "businessunits?$select=name,_parentbusinessunitid_value&$filter=_parentbusinessunitid_value ne null");
    expect((hubs.json.value ?? []).map((b) => b.name).sort()).toEqual(["North Hub", "South Hub"]);
    const me = await secured.as(PRIYA.id)("GET", "WhoAmI");
    expect(me.json).toMatchObject({ UserId: PRIYA.id, BusinessUnitId: PRIYA.businessUnitId });
    expect(DEMO_USERS).toHaveLength(6);
  });
});

describe("link worker", () => {
  it("works a whole engagement with only the Link Worker and Basic User roles", async () => {
    const engagementId = await engagementJourney(secured.as(ALEX.id), secured.idle, demo(1, 900));
    const closed = await secured.as(ALEX.id)("GET", `sprx_engagements(${engagementId})?$select=statecode,_ownerid_value`);
    expect(closed.json).toMatchObject({ statecode: 1, _ownerid_value: ALEX.id });
    const failed = (await secured.env.request("GET", "/_emulator/async")).json.value?.filter((r) => r.status === "failed");
    expect(failed).toEqual([]);
  });

  it("does not see another worker's engagements in lists, and is refused them by id and on update", async () => {
    const list = await secured.as(ALEX.id)("GET", "sprx_engagements?$select=sprx_name,_ownerid_value");
    expect(list.status).toBe(200);
    expect(new Set((list.json.value ?? []).map((r) => r._ownerid_value))).toEqual(new Set([ALEX.id]));
    for (const other of [engagementOf(PRIYA), engagementOf(TOMASZ)]) {
      const read = await secured.as(ALEX.id)("GET", `sprx_engagements(${other})`);
      expect(read.status).toBe(403);
      expect(read.json.error?.code).toBe("0x80048306");
      expect(read.json.error?.message).toContain("ReadAccess");
      expect(read.json.error?.message).toContain("prvReadsprx_engagement");
      const write = await secured.as(ALEX.id)("PATCH", `sprx_engagements(${other})`, { sprx_nextsteps: "Not mine to write." });
      expect(write.status).toBe(403);
      expect(write.json.error?.message).toContain("prvWritesprx_engagement");
    }
    const sessions = await secured.as(ALEX.id)("GET", `sprx_engagements(${engagementOf(ALEX)})?$expand=sprx_engagement_Appointments($select=subject)`);
    expect(sessions.status).toBe(200);
  });

  it("cannot delete an engagement: the role holds no Delete privilege, and the error names it", async () => {
    const refused = await secured.as(ALEX.id)("DELETE", `sprx_engagements(${engagementOf(ALEX)})`);
    expect(refused.status).toBe(403);
    expect(refused.json.error?.code).toBe("0x80040220");
    expect(refused.json.error?.message).toContain("prvDeletesprx_engagement");
  });

  it("cannot impersonate anyone (prvActOnBehalfOfAnotherUser)", async () => {
    const asShellUser = { Cookie: `sprx_caller=${ALEX.id}` };
    expect((await secured.env.request("GET", "WhoAmI", undefined, asShellUser)).json.UserId).toBe(ALEX.id);
    const refused = await secured.env.request("GET", "sprx_engagements?$select=sprx_name", undefined, { ...asShellUser, MSCRMCallerID: PRIYA.id });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toContain("prvActOnBehalfOfAnotherUser");
  });
});

describe("supervisor", () => {
  it("sees the business unit's caseload and nothing outside it", async () => {
    const list = await secured.as(SUPERVISOR_USER.id)("GET", "sprx_engagements?$select=sprx_name,_ownerid_value&$count=true");
    const north = SCENARIOS.filter((_s, i) => NORTH.has(ownerOf(i).id)).length;
    expect(list.json["@odata.count"]).toBeGreaterThanOrEqual(north);
    expect(new Set((list.json.value ?? []).map((r) => r._ownerid_value)).size).toBe(2);
    for (const row of list.json.value ?? []) expect(NORTH.has(String(row._ownerid_value))).toBe(true);
    expect((await secured.as(SUPERVISOR_USER.id)("GET", `sprx_engagements(${engagementOf(TOMASZ)})`)).status).toBe(403);
  });

  it("approves an extension on a worker's engagement and reopens a closed one", async () => {
    const request = secured.as(SUPERVISOR_USER.id);
    const approved = await request("PATCH", `sprx_engagements(${engagementOf(PRIYA)})`, {
      sprx_extensionapproved: true, sprx_extensionsessions: 2, sprx_extensionreason: "More time to settle into the group.",
      "sprx_extensionapproverid@odata.bind": `/systemusers(${SUPERVISOR_USER.id})`,
    });
    expect(approved.status).toBe(204);
    const reopened = await request("PATCH", `sprx_engagements(${engagementOf(ALEX, true)})`, { statecode: 0, statuscode: 1 });
    expect(reopened.status).toBe(204);
    await secured.idle();
    expect((await request("GET", `sprx_engagements(${engagementOf(ALEX, true)})?$select=statecode`)).json.statecode).toBe(0);
  });

  it("reassigns an engagement: it and its sessions move to the new owner", async () => {
    const engagement = engagementOf(PRIYA);
    const assigned = await secured.as(SUPERVISOR_USER.id)("PATCH", `sprx_engagements(${engagement})`, { "ownerid@odata.bind": `/systemusers(${ALEX.id})` });
    expect(assigned.status).toBe(204);
    expect((await secured.as(ALEX.id)("GET", `sprx_engagements(${engagement})?$select=sprx_name`)).status).toBe(200);
    expect((await secured.as(PRIYA.id)("GET", `sprx_engagements(${engagement})?$select=sprx_name`)).status).toBe(403);
    const checks = await secured.as(ALEX.id)("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagement}`);
    expect((checks.json.value ?? []).length).toBeGreaterThan(0);
    const refused = await secured.as(PRIYA.id)("PATCH", `sprx_engagements(${engagementOf(PRIYA)})`, { "ownerid@odata.bind": `/systemusers(${TOMASZ.id})` });
    expect(refused.status).toBe(403);
  });
});

describe("sensitive notes (field security profile)", () => {
  const note = "Recently bereaved; go gently around family.";
  it("is null for callers outside the profile, readable by its members, and refused to non-members' writes", async () => {
    const engagement = engagementOf(ALEX);
    expect((await secured.as(ALEX.id)("PATCH", `sprx_engagements(${engagement})`, { sprx_sensitivenotes: note })).status).toBe(204);
    expect((await secured.as(ALEX.id)("GET", `sprx_engagements(${engagement})?$select=sprx_sensitivenotes`)).json.sprx_sensitivenotes).toBe(note);
    expect((await secured.as(SUPERVISOR_USER.id)("GET", `sprx_engagements(${engagement})?$select=sprx_sensitivenotes`)).json.sprx_sensitivenotes).toBe(note);
    // Tomasz is not in the profile: on his own engagement the column reads as null and his writes to it are refused.
    const toms = engagementOf(TOMASZ);
    await secured.env.request("PATCH", `sprx_engagements(${toms})`, { sprx_sensitivenotes: note });
    const hidden = await secured.as(TOMASZ.id)("GET", `sprx_engagements(${toms})?$select=sprx_sensitivenotes,sprx_name`);
    expect(hidden.status).toBe(200);
    expect(hidden.json.sprx_sensitivenotes).toBeNull();
    const inList = await secured.as(TOMASZ.id)("GET", `sprx_engagements?$select=sprx_sensitivenotes&$filter=sprx_engagementid eq ${toms}`);
    expect(inList.json.value?.[0]?.sprx_sensitivenotes).toBeNull();
    const refused = await secured.as(TOMASZ.id)("PATCH", `sprx_engagements(${toms})`, { sprx_sensitivenotes: "Overwritten" });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toContain("sprx_sensitivenotes");
    expect((await secured.env.request("GET", `sprx_engagements(${toms})?$select=sprx_sensitivenotes`)).json.sprx_sensitivenotes).toBe(note);
  });
});

describe("caseload views run as the caller", () => {
  it("My active caseload and Team caseload return different rows for different callers", async () => {
    const mine = await viewRows("My active caseload", ALEX.id);
    const priyas = await viewRows("My active caseload", PRIYA.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(priyas.length).toBeGreaterThan(0);
    expect(mine.filter((id) => priyas.includes(id))).toEqual([]);
    const team = await viewRows("Team active caseload by link worker", SUPERVISOR_USER.id);
    const workersTeam = await viewRows("Team active caseload by link worker", ALEX.id);
    expect(team.length).toBeGreaterThan(workersTeam.length);
    for (const id of [...mine, ...priyas]) expect(team).toContain(id);
    // A link worker reads at user depth: the team view shows them only their own.
    for (const id of workersTeam) expect(mine.concat(team)).toContain(id);
  });
});
