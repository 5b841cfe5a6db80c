import { configure } from "../../domain";
import {
  AttendanceValues,
  ClosureCheckItemValues,
  ClosureReasonValues,
  GoalStatusValues,
  InstrumentValues,
  LonelinessBandValues,
  Ons4BandValues,
  AnxietyBandValues,
  SignalValues,
  StageValues,
  ConnectionStatusValues,
  ServiceCategoryValues,
  TimepointValues,
} from "../../solution/generated/dataverse";
import { CLOSURE_EVENT } from "../../plugins/steps/afterClosure";
import { type Harness, ids, NOW, seedEngagement, seedSessions, startHarness, stepName } from "./support/harness";
import { option, ref, wcfDate } from "./support/remoteContext";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const engagementRow = () => h.dataverse.row("sprx_engagements", ids.engagement)!;
const patches = (prefix: string) => h.dataverse.writes().filter((w) => w.method === "PATCH" && w.path.startsWith(prefix));

function sessionUpdate(sessionId: string, attendance: number, extra: Partial<{ preImage: Record<string, unknown> }> = {}) {
  return h.deliver({
    message: "Update", table: "appointment", id: sessionId, stage: 40, mode: 1,
    target: { sprx_attendance: option(attendance) },
    postImage: { regardingobjectid: ref("sprx_engagement", ids.engagement), sprx_attendance: option(attendance) },
    stepName: stepName("sessionBookkeeping", "Update", "appointment"),
    ...extra,
  });
}

describe("1 session bookkeeping", () => {
  it("writes the engagement's rollups and numbers its sessions from one read of them", async () => {
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["attended", "didNotAttend", "attended", "attended", "didNotAttend", "didNotAttend"]);
    h.dataverse.insert("appointments", {
      activityid: ids.session(20), scheduledstart: "2026-03-09T10:00:00Z", sprx_attendance: AttendanceValues.planned, statecode: 3,
      _regardingobjectid_value: ids.engagement,
    });
    expect((await sessionUpdate(ids.session(6), AttendanceValues.didNotAttend)).status).toBe(200);

    expect(engagementRow()).toMatchObject({
      sprx_stage: StageValues.buildingIndependence,
      sprx_sessionsattended: 3,
      sprx_sessionsdna: 3,
      sprx_consecutivedna: 2,
      sprx_sessionsbooked: 4,
      sprx_firstsessionon: "2026-01-12T10:00:00.000Z",
      sprx_lastsessionon: "2026-02-02T10:00:00.000Z",
      sprx_nextsessionon: "2026-03-09T10:00:00.000Z",
      sprx_windowstart: "2026-01-12",
      sprx_windowtargetend: "2026-04-06",
      sprx_windowend: "2026-05-04",
      sprx_beyondplan: false,
      sprx_conversationsuggested: true,
      sprx_conversationsignals: String(SignalValues.dnaStreak),
    });
    expect(h.dataverse.requests.filter((r) => r.method === "GET")).toHaveLength(1);
    // Missed sessions use no slot: attended 1, missed (2), attended 2, attended 3, missed (4), missed (4), planned 4.
    const numbers = [1, 2, 3, 4, 5, 6].map((n) => h.dataverse.row("appointments", ids.session(n))?.sprx_sessionnumber);
    expect(numbers).toEqual([1, 2, 2, 3, 4, 4]);
    expect(h.dataverse.row("appointments", ids.session(20))?.sprx_sessionnumber).toBe(4);
  });

  it("reads the engagement with its sessions, goals, checks and closing score in one request, before any write", async () => {
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["attended", "attended"]);
    await sessionUpdate(ids.session(2), AttendanceValues.attended);

    const [read, ...rest] = h.dataverse.requests;
    expect(read.method).toBe("GET");
    const [resource, query] = read.path.split("?");
    expect(resource).toBe(`sprx_engagements(${ids.engagement})`);
    const expand = new URLSearchParams(query).get("$expand") ?? "";
    expect(expand).toContain("sprx_engagement_Appointments($select=activityid,scheduledstart,");
    expect(expand).toContain("$orderby=scheduledstart asc");
    expect(expand).toContain("sprx_engagement_sprx_goal($select=sprx_goalid,");
    expect(expand).toContain("sprx_engagement_sprx_closurecheck($select=sprx_closurecheckid,sprx_item,sprx_done,sprx_note)");
    expect(expand).toContain("sprx_engagement_sprx_connection($select=sprx_connectionid,sprx_status,sprx_referredon");
    expect(expand).toContain(`sprx_engagement_sprx_wellbeingscore($select=sprx_wellbeingscoreid;$filter=sprx_timepoint eq ${TimepointValues.closing};$top=1)`);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.map((r) => r.method)).toEqual(rest.map(() => "PATCH"));
  });

  it("judges the rollups on every related row of that one read: goals, checks, and only a closing wellbeing score", async () => {
    seedEngagement(h.dataverse, { sprx_closurereason: ClosureReasonValues.goalsMet });
    seedSessions(h.dataverse, ["attended", "attended", "attended"]);
    seedChecks(Object.keys(ClosureCheckItemValues) as (keyof typeof ClosureCheckItemValues)[]);
    h.dataverse.insert("sprx_goals", { sprx_status: GoalStatusValues.inProgress, sprx_reviewssinceprogress: 2, createdon: "2026-01-12T11:00:00Z", _sprx_engagementid_value: ids.engagement });
    const score = (timepoint: number) =>
      h.dataverse.insert("sprx_wellbeingscores", { sprx_instrument: InstrumentValues.ons4, sprx_timepoint: timepoint, _sprx_engagementid_value: ids.engagement });
    score(TimepointValues.review);
    h.dataverse.insert("sprx_goals", { sprx_status: GoalStatusValues.inProgress, sprx_reviewssinceprogress: 0, _sprx_engagementid_value: ids.otherEngagement });

    await sessionUpdate(ids.session(3), AttendanceValues.attended);
    const before = engagementRow();
    expect(before.sprx_conversationsignals).toBe(String(SignalValues.stalledGoals));
    expect(before.sprx_checklistcomplete).toBe(false);
    expect(before.sprx_checksdone).toBe((before.sprx_checksrequired as number) - 1);

    score(TimepointValues.closing);
    await sessionUpdate(ids.session(3), AttendanceValues.attended);
    expect(engagementRow()).toMatchObject({ sprx_checklistcomplete: true, sprx_checksdone: before.sprx_checksrequired });
  });

  it("follows the next page of an expanded collection when Dataverse pages it, with the same result", async () => {
    h.dataverse.expansionPageSize = 2;
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["attended", "didNotAttend", "attended", "attended", "didNotAttend"]);
    await sessionUpdate(ids.session(5), AttendanceValues.didNotAttend);

    expect(engagementRow()).toMatchObject({ sprx_sessionsattended: 3, sprx_sessionsdna: 2, sprx_consecutivedna: 1, sprx_lastsessionon: "2026-02-02T10:00:00.000Z" });
    const numbers = [1, 2, 3, 4, 5].map((n) => h.dataverse.row("appointments", ids.session(n))?.sprx_sessionnumber);
    expect(numbers).toEqual([1, 2, 2, 3, 4]);
    const reads = h.dataverse.requests.filter((r) => r.method === "GET").map((r) => r.path);
    expect(reads).toHaveLength(2);
    expect(reads[1]).toMatch(new RegExp(`^sprx_engagements\\(${ids.engagement}\\)/sprx_engagement_Appointments\\?.*\\$skiptoken=2`));
  });

  it("writes only changed columns, and nothing when a retry finds everything in place", async () => {
    seedEngagement(h.dataverse, { sprx_beyondplan: false, sprx_conversationsuggested: false, sprx_sessionsdna: 0 });
    seedSessions(h.dataverse, ["attended"]);
    await sessionUpdate(ids.session(1), AttendanceValues.attended);
    const first = patches("sprx_engagements(");
    expect(first).toHaveLength(1);
    for (const unchanged of ["sprx_beyondplan", "sprx_conversationsuggested", "sprx_sessionsdna"]) expect(first[0].body).not.toHaveProperty(unchanged);
    expect(first[0].body).toMatchObject({ sprx_stage: StageValues.reviewing, sprx_sessionsattended: 1 });
    const writes = h.dataverse.writes().length;
    await sessionUpdate(ids.session(1), AttendanceValues.attended);
    expect(h.dataverse.writes().length).toBe(writes);
  });

  it("recomputes after a session is deleted, from the pre-image", async () => {
    seedEngagement(h.dataverse, { sprx_sessionsattended: 2, sprx_stage: StageValues.reviewing });
    seedSessions(h.dataverse, ["attended"]);
    const response = await h.deliver({
      message: "Delete", table: "appointment", id: ids.session(9), stage: 40, mode: 1,
      preImage: { regardingobjectid: ref("sprx_engagement", ids.engagement) },
      stepName: stepName("sessionBookkeeping", "Delete", "appointment"),
    });
    expect(response.status).toBe(200);
    expect(engagementRow().sprx_sessionsattended).toBe(1);
  });

  it("does nothing for an appointment that is not about an engagement", async () => {
    const response = await h.deliver({
      message: "Create", table: "appointment", id: ids.session(1), stage: 40, mode: 1,
      target: { regardingobjectid: ref("account", ids.contact) },
      stepName: stepName("sessionBookkeeping", "Create", "appointment"),
    });
    expect(response.status).toBe(200);
    expect(h.dataverse.writes()).toEqual([]);
  });
});

describe("2 session validation", () => {
  it("names dates in the calling user's own format, read from their user settings", async () => {
    // InitiatingUserId of the test contexts (support/remoteContext.ts).
    h.dataverse.insert("usersettingscollection", { systemuserid: "6a1b2c3d-0000-4000-8000-00000000000a", dateformatstring: "M/d/yyyy" });
    seedEngagement(h.dataverse);
    const response = await h.deliver({
      message: "Create", table: "appointment", id: ids.session(50), stage: 10, mode: 0,
      target: { regardingobjectid: ref("sprx_engagement", ids.engagement), scheduledstart: wcfDate("2025-12-01T10:00:00Z") },
      stepName: stepName("sessionValidation", "Create", "appointment"),
    });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/the session on 12\/1\/2025 is before the referral date 1\/5\/2026/);
  });

  const validate = (target: Record<string, unknown>, message: "Create" | "Update" = "Create", id = ids.session(50)) =>
    h.deliver({
      message, table: "appointment", id, stage: 10, mode: 0, target,
      stepName: stepName("sessionValidation", message, "appointment"),
    });

  it("lets a valid session through without writing anything", async () => {
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["attended"]);
    const response = await validate({ regardingobjectid: ref("sprx_engagement", ids.engagement), scheduledstart: wcfDate("2026-03-10T10:00:00Z") });
    expect(response.status).toBe(200);
    expect(h.dataverse.writes()).toEqual([]);
  });

  it("rejects with every reason at once: closed engagement, before the referral, attendance in the future", async () => {
    seedEngagement(h.dataverse, { statecode: 1, statuscode: 2 });
    const response = await validate({
      regardingobjectid: ref("sprx_engagement", ids.engagement),
      scheduledstart: wcfDate("2025-12-01T10:00:00Z"),
      sprx_attendance: option(AttendanceValues.planned),
    });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/engagement is closed/);
    expect(response.text).toMatch(/the session on 01\/12\/2025 is before the referral date 05\/01\/2026/);

    const future = await validate({
      regardingobjectid: ref("sprx_engagement", ids.engagement),
      scheduledstart: wcfDate("2026-04-01T10:00:00Z"),
      sprx_attendance: option(AttendanceValues.attended),
    });
    expect(future.status).toBe(400);
    expect(future.text).toMatch(/engagement is closed.*has not happened yet/);
  });

  it("rejects a seventh session without an approved extension and accepts it with one", async () => {
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["attended", "attended", "attended", "attended", "attended", "attended"]);
    const seventh = { regardingobjectid: ref("sprx_engagement", ids.engagement), scheduledstart: wcfDate("2026-03-10T10:00:00Z") };
    const refused = await validate(seventh);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/session 7, beyond the 6 the plan allows/);

    h.dataverse.row("sprx_engagements", ids.engagement)!.sprx_extensionapproved = true;
    h.dataverse.row("sprx_engagements", ids.engagement)!.sprx_extensionsessions = 2;
    expect((await validate(seventh)).status).toBe(200);
  });

  it("judges an update by the Target over the pre-image", async () => {
    seedEngagement(h.dataverse);
    seedSessions(h.dataverse, ["planned"]);
    const response = await h.deliver({
      message: "Update", table: "appointment", id: ids.session(1), stage: 10, mode: 0,
      target: { scheduledstart: wcfDate("2026-01-01T10:00:00Z") },
      preImage: { regardingobjectid: ref("sprx_engagement", ids.engagement), scheduledstart: wcfDate("2026-01-12T10:00:00Z"), sprx_attendance: option(AttendanceValues.planned) },
      stepName: stepName("sessionValidation", "Update", "appointment"),
    });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/01\/01\/2026 is before the referral/);
  });
});

describe("3 engagement created", () => {
  it("creates one check row per configured item and the first stage, once", async () => {
    seedEngagement(h.dataverse, { sprx_stage: null });
    const deliver = () =>
      h.deliver({ message: "Create", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1, target: {}, stepName: stepName("engagementCreated", "Create", "sprx_engagement") });
    expect((await deliver()).status).toBe(200);
    const checks = h.dataverse.rows("sprx_closurechecks");
    expect(checks).toHaveLength(11);
    expect(checks.every((c) => c._sprx_engagementid_value === ids.engagement && c.sprx_done === false)).toBe(true);
    expect(checks.find((c) => c.sprx_item === ClosureCheckItemValues.referrerInformed)?.sprx_name).toBe("Referrer informed of the outcome");
    expect(engagementRow()).toMatchObject({ sprx_stage: StageValues.establishing, sprx_checksrequired: 0, sprx_checklistcomplete: false });

    expect((await deliver()).status).toBe(200);
    expect(h.dataverse.rows("sprx_closurechecks")).toHaveLength(11);
  });

  it("creates only the items an organisation's configuration uses", async () => {
    await h.close();
    h = await startHarness({ configuration: configure({ requiredChecks: Object.fromEntries(["goalsMet", "redirected", "notRightTime", "disengaged", "movedAway", "deceased", "other"].map((r) => [r, ["referrerInformed"]])) }) });
    seedEngagement(h.dataverse);
    await h.deliver({ message: "Create", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1, target: {}, stepName: stepName("engagementCreated", "Create", "sprx_engagement") });
    expect(h.dataverse.rows("sprx_closurechecks").map((c) => c.sprx_item).sort()).toEqual([ClosureCheckItemValues.referrerInformed, ClosureCheckItemValues.futureSessionsCancelled].sort());
  });
});

function seedChecks(done: (keyof typeof ClosureCheckItemValues)[]) {
  for (const item of Object.keys(ClosureCheckItemValues) as (keyof typeof ClosureCheckItemValues)[]) {
    h.dataverse.insert("sprx_closurechecks", { sprx_item: ClosureCheckItemValues[item], sprx_done: done.includes(item), _sprx_engagementid_value: ids.engagement });
  }
  // "Community support in place" is proved from the record, not the tick: an attended connection.
  if (done.includes("communitySupportConfirmed")) seedConnection(ConnectionStatusValues.attended);
}

function seedConnection(status: number) {
  const service = h.dataverse.insert("sprx_communityservices", { sprx_name: "Riverside Walking Group", sprx_category: ServiceCategoryValues.physicalActivity });
  h.dataverse.insert("sprx_connections", {
    _sprx_engagementid_value: ids.engagement, _sprx_serviceid_value: service, sprx_status: status, sprx_referredon: "2026-01-20",
    sprx_attendedon: status === ConnectionStatusValues.attended ? "2026-01-27" : null, createdon: "2026-01-20T10:00:00Z",
  });
}

describe("4 closure checks changed", () => {
  const tick = () =>
    h.deliver({
      message: "Update", table: "sprx_closurecheck", id: "c0c0c0c0-0000-4000-8000-000000000001", stage: 40, mode: 1,
      target: { sprx_done: true }, postImage: { sprx_engagementid: ref("sprx_engagement", ids.engagement) },
      stepName: stepName("closureCheckChanged", "Update", "sprx_closurecheck"),
    });

  it("keeps progress for the closure reason and marks the checklist complete only when every required check is met", async () => {
    seedEngagement(h.dataverse, { sprx_closurereason: ClosureReasonValues.deceased });
    seedChecks([]);
    await tick();
    expect(engagementRow()).toMatchObject({ sprx_checksrequired: 2, sprx_checksdone: 1, sprx_checklistcomplete: false });

    h.dataverse.rows("sprx_closurechecks").find((c) => c.sprx_item === ClosureCheckItemValues.referrerInformed)!.sprx_done = true;
    await tick();
    expect(engagementRow()).toMatchObject({ sprx_checksrequired: 2, sprx_checksdone: 2, sprx_checklistcomplete: true });
    // Each delivery reads the engagement, its checks, sessions and closing score in one request.
    const reads = h.dataverse.requests.filter((r) => r.method === "GET");
    expect(reads.map((r) => r.path.split("?")[0])).toEqual([`sprx_engagements(${ids.engagement})`, `sprx_engagements(${ids.engagement})`]);
  });

  it("stands down for the check rows the service itself creates (Depth 2), whose progress is already stored", async () => {
    seedEngagement(h.dataverse);
    const response = await h.deliver({
      message: "Create", table: "sprx_closurecheck", id: "c0c0c0c0-0000-4000-8000-000000000002", stage: 40, mode: 1, depth: 2,
      target: { sprx_engagementid: ref("sprx_engagement", ids.engagement) },
      stepName: stepName("closureCheckChanged", "Create", "sprx_closurecheck"),
    });
    expect(response.status).toBe(200);
    expect(h.dataverse.requests).toEqual([]);
  });

  it("counts a booked future session against the checklist even when its box is ticked", async () => {
    seedEngagement(h.dataverse, { sprx_closurereason: ClosureReasonValues.deceased });
    seedChecks(["referrerInformed", "futureSessionsCancelled"]);
    h.dataverse.insert("appointments", { scheduledstart: "2026-03-20T10:00:00Z", sprx_attendance: AttendanceValues.planned, statecode: 3, _regardingobjectid_value: ids.engagement });
    await tick();
    expect(engagementRow()).toMatchObject({ sprx_checksdone: 1, sprx_checklistcomplete: false });
  });
});

describe("5 closure validation", () => {
  const close = (target: Record<string, unknown> = {}) =>
    h.deliver({
      message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 10, mode: 0,
      target: { statecode: option(1), statuscode: option(2), ...target },
      preImage: { statecode: option(0) },
      stepName: stepName("closureValidation", "Update", "sprx_engagement"),
    });

  it("refuses a closure and lists every missing item in plain words", async () => {
    seedEngagement(h.dataverse);
    h.dataverse.insert("appointments", { scheduledstart: "2026-03-20T10:00:00Z", sprx_attendance: AttendanceValues.planned, statecode: 3, _regardingobjectid_value: ids.engagement });
    const response = await close();
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/^This engagement cannot be closed yet: /);
    expect(response.text).toMatch(/Choose a closure reason/);
    expect(response.text).toMatch(/1 future session still booked/);
    expect(response.text).toMatch(/Write a closure summary/);
  });

  it("lists each check the chosen reason needs that is not done", async () => {
    seedEngagement(h.dataverse, { sprx_closuresummary: "Summary" });
    seedChecks(["achievementsCelebrated"]);
    const response = await close({ sprx_closurereason: option(ClosureReasonValues.goalsMet) });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/Next steps for staying well agreed: not done yet/);
    expect(response.text).toMatch(/no closing wellbeing measure is stored/);
    expect(response.text).not.toMatch(/Achievements reviewed/);
    expect(h.dataverse.requests.filter((r) => r.method === "GET")).toHaveLength(1);
  });

  it("counts only a closing wellbeing score, not one from another timepoint", async () => {
    seedEngagement(h.dataverse, { sprx_closuresummary: "Summary" });
    seedChecks(Object.keys(ClosureCheckItemValues) as (keyof typeof ClosureCheckItemValues)[]);
    const score = (timepoint: number) =>
      h.dataverse.insert("sprx_wellbeingscores", { sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: timepoint, _sprx_engagementid_value: ids.engagement });
    score(TimepointValues.followUp);
    const refused = await close({ sprx_closurereason: option(ClosureReasonValues.goalsMet) });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/no closing wellbeing measure is stored/);

    score(TimepointValues.closing);
    expect((await close({ sprx_closurereason: option(ClosureReasonValues.goalsMet) })).status).toBe(200);
  });

  it("allows a closure whose reason, checks, sessions and summary are all in order", async () => {
    seedEngagement(h.dataverse);
    seedChecks(["referrerInformed"]);
    const response = await close({ sprx_closurereason: option(ClosureReasonValues.deceased), sprx_closuresummary: "Closed with the family's agreement." });
    expect(response.status).toBe(200);
    expect(h.dataverse.writes()).toEqual([]);
  });

  it("ignores updates that do not close the engagement", async () => {
    seedEngagement(h.dataverse);
    const response = await h.deliver({
      message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 10, mode: 0, target: { statuscode: option(1) },
      stepName: stepName("closureValidation", "Update", "sprx_engagement"),
    });
    expect(response.status).toBe(200);
  });
});

describe("6 after closure", () => {
  const closedAt = new Date("2026-03-02T11:59:00Z");
  const afterClosure = () =>
    h.deliver({
      message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1,
      target: { statecode: option(1) }, postImage: { statecode: option(1) }, operationCreatedOn: closedAt,
      correlationId: "7a7a7a7a-0000-4000-8000-000000000001",
      stepName: stepName("afterClosure", "Update", "sprx_engagement"),
    });

  beforeEach(() => {
    seedEngagement(h.dataverse, {
      statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet, sprx_sessionsattended: 6,
      sprx_consenttoshare: true, sprx_referreremail: "gp.surgery@example.nhs.uk",
    });
    h.dataverse.insert("contacts", { contactid: ids.contact, fullname: "Alex Example" });
    seedConnection(ConnectionStatusValues.attended);
  });

  it("raises sprx_OnEngagementClosed with its parameters and emails the summary, each exactly once under retries", async () => {
    expect((await afterClosure()).status).toBe(200);
    expect((await afterClosure()).status).toBe(200);
    expect(h.dataverse.actions).toEqual([
      {
        name: CLOSURE_EVENT,
        // Closed on is the closure's own time (the operation), not when the step ran.
        body: {
          EngagementId: ids.engagement, ContactId: ids.contact, ClosureReason: ClosureReasonValues.goalsMet, ClosedOn: closedAt.toISOString(), SessionsAttended: 6,
          ConnectionsMade: 1, ConnectionsAttended: 1,
        },
      },
    ]);
    expect(h.graph.sent).toHaveLength(1);
    expect(h.graph.sent[0].to).toBe("gp.surgery@example.nhs.uk");
    expect(h.graph.sent[0].html).toContain("Alex Example");
    // The message back names the support arranged from the connections.
    expect(h.graph.sent[0].html).toContain("Riverside Walking Group (Physical activity): went from 2026-01-27");
    expect(engagementRow()).toMatchObject({ sprx_closedon: closedAt.toISOString(), sprx_closureeventon: NOW.toISOString(), sprx_referrernotifiedon: NOW.toISOString() });
    // Both claims were conditional on the row's etag.
    const claims = patches("sprx_engagements(").filter((p) => p.headers["if-match"] !== "*");
    expect(claims).toHaveLength(2);
  });

  it("stands down when another delivery claimed the row first (412 on the claim)", async () => {
    h.dataverse.fail((r) => {
      const claiming = r.method === "PATCH" && r.headers["if-match"] !== "*";
      // The other delivery's claim landed just before this one's.
      if (claiming) engagementRow().sprx_closureeventon = closedAt.toISOString();
      return claiming;
    }, 1, 412);
    expect((await afterClosure()).status).toBe(200);
    expect(h.dataverse.actions).toEqual([]);
    expect(h.graph.sent).toEqual([]);
  });

  it("keeps the closure when Graph is down: 503 now, the email on Dataverse's retry, still one event", async () => {
    h.graph.unavailable = 1;
    expect((await afterClosure()).status).toBe(503);
    expect(h.dataverse.actions).toHaveLength(1);
    expect(engagementRow().sprx_referrernotifiedon).toBeNull();
    expect((await afterClosure()).status).toBe(200);
    expect(h.dataverse.actions).toHaveLength(1);
    expect(h.graph.sent).toHaveLength(1);
  });

  it("commits neither the event nor its stamp when raising the event fails (one change set), so the retry raises it", async () => {
    h.dataverse.fail((r) => r.path.startsWith(CLOSURE_EVENT), 1, 503);
    expect((await afterClosure()).status).toBe(503);
    expect(engagementRow().sprx_closureeventon ?? null).toBeNull();
    expect(h.dataverse.actions).toHaveLength(0);
    expect((await afterClosure()).status).toBe(200);
    expect(h.dataverse.actions).toHaveLength(1);
  });

  it("sends nothing without consent to share", async () => {
    engagementRow().sprx_consenttoshare = false;
    await afterClosure();
    expect(h.dataverse.actions).toHaveLength(1);
    expect(h.graph.sent).toEqual([]);
  });

  it("claims again when only an unrelated write (a rollup) changed the row first", async () => {
    h.dataverse.fail((r) => r.method === "PATCH" && r.headers["if-match"] !== "*", 1, 412);
    expect((await afterClosure()).status).toBe(200);
    expect(h.dataverse.actions).toHaveLength(1);
    expect(h.graph.sent).toHaveLength(1);
  });

  it("takes over an email claim left pending by a delivery that died half-way, and sends it once", async () => {
    // A delivery claimed the email (stamped with the closure's own second) and was killed before sending it.
    Object.assign(engagementRow(), { sprx_referrernotifiedon: closedAt.toISOString() });
    expect((await afterClosure()).status).toBe(200);
    expect((await afterClosure()).status).toBe(200);
    expect(h.dataverse.actions).toHaveLength(1);
    expect(h.graph.sent).toHaveLength(1);
  });

  it("raises nothing for a closing update sent again hours later to a row already closed", async () => {
    await afterClosure();
    const resent = await h.deliver({
      message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1,
      target: { statecode: option(1) }, preImage: { statecode: option(1) }, postImage: { statecode: option(1) },
      operationCreatedOn: new Date(closedAt.getTime() + 5 * 3600_000),
      stepName: stepName("afterClosure", "Update", "sprx_engagement"),
    });
    expect(resent.status).toBe(200);
    expect(h.dataverse.actions).toHaveLength(1);
    expect(h.graph.sent).toHaveLength(1);
  });

  it("raises the event again for a later closure after a reopen", async () => {
    await afterClosure();
    const later = await h.deliver({
      message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1,
      target: { statecode: option(1) }, postImage: { statecode: option(1) }, operationCreatedOn: new Date(NOW.getTime() + 60_000),
      stepName: stepName("afterClosure", "Update", "sprx_engagement"),
    });
    expect(later.status).toBe(200);
    expect(h.dataverse.actions).toHaveLength(2);
    // The host's clock (NOW) is behind the later operation; the claim is stamped with the operation's time, so a retry still stands down.
    await h.deliver({
      message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1,
      target: { statecode: option(1) }, postImage: { statecode: option(1) }, operationCreatedOn: new Date(NOW.getTime() + 60_000),
      stepName: stepName("afterClosure", "Update", "sprx_engagement"),
    });
    expect(h.dataverse.actions).toHaveLength(2);
  });
});

describe("7 wellbeing scored", () => {
  const scoreId = "b0b0b0b0-0000-4000-8000-000000000001";
  const scored = () =>
    h.deliver({
      message: "Create", table: "sprx_wellbeingscore", id: scoreId, stage: 40, mode: 1, target: {},
      stepName: stepName("wellbeingScored", "Create", "sprx_wellbeingscore"),
    });

  it("computes the UCLA total and band on the server, overwriting the client's numbers, and the engagement's change", async () => {
    seedEngagement(h.dataverse);
    h.dataverse.insert("sprx_wellbeingscores", {
      _sprx_engagementid_value: ids.engagement, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline,
      sprx_completedon: "2026-01-12", sprx_ucla_companionship: 3, sprx_ucla_leftout: 3, sprx_ucla_isolated: 2,
    });
    h.dataverse.insert("sprx_wellbeingscores", {
      sprx_wellbeingscoreid: scoreId, _sprx_engagementid_value: ids.engagement, sprx_instrument: InstrumentValues.ucla3,
      sprx_timepoint: TimepointValues.closing, sprx_completedon: "2026-02-23",
      sprx_ucla_companionship: 1, sprx_ucla_leftout: 2, sprx_ucla_isolated: 1, sprx_ucla_total: 9,
    });
    expect((await scored()).status).toBe(200);
    expect(h.dataverse.row("sprx_wellbeingscores", scoreId)).toMatchObject({ sprx_ucla_total: 4, sprx_ucla_band: LonelinessBandValues.notLonely, sprx_scoredon: NOW.toISOString() });
    expect(engagementRow().sprx_uclachange).toBe(-4);
  });

  it("bands ONS4 answers and the satisfaction change", async () => {
    seedEngagement(h.dataverse);
    h.dataverse.insert("sprx_wellbeingscores", {
      _sprx_engagementid_value: ids.engagement, sprx_instrument: InstrumentValues.ons4, sprx_timepoint: TimepointValues.baseline, sprx_completedon: "2026-01-12",
      sprx_ons4_satisfied: 3, sprx_ons4_worthwhile: 4, sprx_ons4_happy: 4, sprx_ons4_anxious: 7,
    });
    h.dataverse.insert("sprx_wellbeingscores", {
      sprx_wellbeingscoreid: scoreId, _sprx_engagementid_value: ids.engagement, sprx_instrument: InstrumentValues.ons4, sprx_timepoint: TimepointValues.review,
      sprx_completedon: "2026-02-09", sprx_ons4_satisfied: 7, sprx_ons4_worthwhile: 9, sprx_ons4_happy: 5, sprx_ons4_anxious: 1,
    });
    await scored();
    expect(h.dataverse.row("sprx_wellbeingscores", scoreId)).toMatchObject({
      sprx_ons4_satisfied_band: Ons4BandValues.high, sprx_ons4_worthwhile_band: Ons4BandValues.veryHigh,
      sprx_ons4_happy_band: Ons4BandValues.medium, sprx_ons4_anxious_band: AnxietyBandValues.veryLow,
    });
    expect(engagementRow().sprx_ons4satisfiedchange).toBe(4);
  });

  it("leaves invalid answers unscored and logs rule codes, not values", async () => {
    seedEngagement(h.dataverse);
    h.dataverse.insert("sprx_wellbeingscores", {
      sprx_wellbeingscoreid: scoreId, _sprx_engagementid_value: ids.engagement, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline,
      sprx_ucla_companionship: 7, sprx_ucla_leftout: 2, sprx_ucla_total: 9, sprx_ucla_band: LonelinessBandValues.lonely,
    });
    expect((await scored()).status).toBe(200);
    expect(h.dataverse.row("sprx_wellbeingscores", scoreId)).toMatchObject({ sprx_ucla_total: null, sprx_ucla_band: null, sprx_scoredon: null });
    const warning = h.logLines.map((l) => JSON.parse(l) as { event: string; codes?: string[] }).find((l) => l.event === "wellbeing.unscored");
    expect(warning?.codes).toEqual(expect.arrayContaining(["wellbeing.ucla3.range", "wellbeing.ucla3.missing"]));
    expect(h.logLines.join("\n")).not.toMatch(/"7"|: ?7[,}]/);
  });
});

describe("8 next-session suggestion", () => {
  const attended = () =>
    h.deliver({
      message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1,
      target: { sprx_attendance: option(AttendanceValues.attended) },
      postImage: { regardingobjectid: ref("sprx_engagement", ids.engagement), sprx_attendance: option(AttendanceValues.attended), ownerid: ref("systemuser", ids.owner) },
      stepName: stepName("nextSessionSuggestion", "Update", "appointment"),
    });

  beforeEach(() => {
    seedEngagement(h.dataverse);
    h.dataverse.insert("systemusers", { systemuserid: ids.owner, internalemailaddress: "link.worker@example.org" });
    // Attended today, Monday 2 March, 10:00 UTC.
    h.dataverse.insert("appointments", { activityid: ids.session(1), scheduledstart: "2026-03-02T10:00:00Z", sprx_attendance: AttendanceValues.attended, statecode: 1, _regardingobjectid_value: ids.engagement });
  });

  const suggestion = () => JSON.parse(engagementRow().sprx_suggestedslots as string) as { latestDay: string; source: string; slots: { start: string }[] };

  it("suggests three weekday slots a week on, before the longest gap ends, around the worker's busy time", async () => {
    h.graph.busy = [{ start: new Date("2026-03-09T09:30:00Z"), end: new Date("2026-03-09T16:00:00Z") }];
    expect((await attended()).status).toBe(200);
    const s = suggestion();
    expect(s.source).toBe("graph");
    expect(s.latestDay).toBe("2026-03-23");
    expect(s.slots.map((slot) => slot.start)).toEqual(["2026-03-10T10:00:00.000Z", "2026-03-11T10:00:00.000Z", "2026-03-12T10:00:00.000Z"]);
    expect(h.graph.scheduleRequests[0].mailbox).toBe("link.worker@example.org");
  });

  it("offers the soonest slots when the attendance is recorded after the longest gap ran out", async () => {
    const session = h.dataverse.row("appointments", ids.session(1))!;
    session.scheduledstart = "2026-02-02T10:00:00Z";
    await attended();
    expect(suggestion()).toMatchObject({ overdue: true, latestDay: "2026-03-09" });
    expect(suggestion().slots.map((slot) => slot.start)).toEqual(["2026-03-03T10:00:00.000Z", "2026-03-04T10:00:00.000Z", "2026-03-05T10:00:00.000Z"]);
  });

  it("uses working days when Graph is not configured, and nothing when the next session is booked", async () => {
    await h.close();
    h = await startHarness({ graph: false });
    seedEngagement(h.dataverse);
    h.dataverse.insert("appointments", { activityid: ids.session(1), scheduledstart: "2026-03-02T10:00:00Z", sprx_attendance: AttendanceValues.attended, statecode: 1, _regardingobjectid_value: ids.engagement });
    await attended();
    expect(suggestion()).toMatchObject({ source: "workingDays" });
    expect(suggestion().slots[0].start).toBe("2026-03-09T10:00:00.000Z");

    h.dataverse.insert("appointments", { scheduledstart: "2026-03-16T10:00:00Z", sprx_attendance: AttendanceValues.planned, statecode: 3, _regardingobjectid_value: ids.engagement });
    const before = h.dataverse.writes().length;
    await attended();
    expect(h.dataverse.writes().length).toBe(before);
  });
});
