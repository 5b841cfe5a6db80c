import { AttendanceValues, ClosureCheckItemValues, ClosureReasonValues, ConnectionStatusValues, InstrumentValues, TimepointValues } from "../../solution/generated/dataverse";
import { STEP_HANDLERS } from "../../plugins/registrations";
import { type Harness, ids, seedEngagement, seedSessions, startHarness, stepName } from "./support/harness";
import { option, ref, wcfDate } from "./support/remoteContext";

const PERSONAL = {
  fullname: "Philippa Quennell-Hartington",
  email: "philippa.quennell@example.com",
  referrer: "dr.okonkwo-referrals@example.nhs.uk",
  referrerName: "Dr Chidinma Okonkwo",
  notes: "Bereaved in March; struggles with crowds since the accident",
  whatMatters: "Getting back to the allotment with her grandson Tobias",
  summary: "Philippa now attends the Tuesday knitting circle",
  subject: "Session with Philippa at 14 Wren Close",
  goal: "Walk to the allotment on Ravenscroft Lane",
};

/** Fragments that would betray a value even if it were cut or re-cased. */
const DISTINCTIVE = ["Philippa", "philippa", "Quennell", "Hartington", "Okonkwo", "Chidinma", "Bereaved", "Tobias", "Wren Close", "Ravenscroft", "knitting", "example.com", "example.nhs.uk"];

describe("no personal data reaches the logs", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("runs every step, in passing and failing cases, without logging a single personal value", async () => {
    seedEngagement(h.dataverse, {
      sprx_referreremail: PERSONAL.referrer, sprx_referrername: PERSONAL.referrerName, sprx_sensitivenotes: PERSONAL.notes,
      sprx_whatmatters: PERSONAL.whatMatters, sprx_closuresummary: PERSONAL.summary, sprx_consenttoshare: true,
      sprx_closurereason: ClosureReasonValues.deceased, sprx_referralreason: PERSONAL.notes, sprx_nextsteps: PERSONAL.whatMatters,
    });
    h.dataverse.insert("contacts", { contactid: ids.contact, fullname: PERSONAL.fullname, emailaddress1: PERSONAL.email });
    h.dataverse.insert("systemusers", { systemuserid: ids.owner, internalemailaddress: PERSONAL.email });
    h.dataverse.insert("sprx_goals", { _sprx_engagementid_value: ids.engagement, sprx_name: PERSONAL.goal, sprx_supportarranged: PERSONAL.notes });
    seedSessions(h.dataverse, ["attended", "attended"]);
    for (const row of h.dataverse.rows("appointments")) row.subject = PERSONAL.subject;

    const personalTarget = { subject: PERSONAL.subject, description: PERSONAL.notes, regardingobjectid: { ...ref("sprx_engagement", ids.engagement), Name: PERSONAL.fullname } };
    const ran = new Set<string>();
    const deliver = async (spec: Parameters<Harness["deliver"]>[0], expected: number) => {
      const response = await h.deliver(spec);
      expect(response.status).toBe(expected);
      expect(response.text).not.toContain("Philippa");
      ran.add(spec.stepName!.split(" ")[1]);
    };

    // 1, 8 and 2 — sessions, with a Dataverse throttle on the way.
    h.dataverse.fail((r) => r.method === "GET" && r.path.startsWith("appointments?"), 1, 429, { "Retry-After": "1" });
    await deliver({ message: "Update", table: "appointment", id: ids.session(2), stage: 40, mode: 1, target: { ...personalTarget, sprx_attendance: option(AttendanceValues.attended) }, postImage: { regardingobjectid: ref("sprx_engagement", ids.engagement) }, stepName: stepName("sessionBookkeeping", "Update", "appointment") }, 200);
    await deliver({ message: "Update", table: "appointment", id: ids.session(2), stage: 40, mode: 1, target: { ...personalTarget, sprx_attendance: option(AttendanceValues.attended) }, postImage: { regardingobjectid: ref("sprx_engagement", ids.engagement), sprx_attendance: option(AttendanceValues.attended), ownerid: ref("systemuser", ids.owner) }, stepName: stepName("nextSessionSuggestion", "Update", "appointment") }, 200);
    await deliver({ message: "Create", table: "appointment", id: ids.session(70), stage: 10, mode: 0, target: { ...personalTarget, scheduledstart: wcfDate("2025-01-01T10:00:00Z") }, stepName: stepName("sessionValidation", "Create", "appointment") }, 400);
    // 3 and 4 — checklist.
    await deliver({ message: "Create", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1, target: { sprx_whatmatters: PERSONAL.whatMatters }, stepName: stepName("engagementCreated", "Create", "sprx_engagement") }, 200);
    const check = h.dataverse.rows("sprx_closurechecks").find((c) => c.sprx_item === ClosureCheckItemValues.referrerInformed)!;
    check.sprx_done = true;
    check.sprx_note = PERSONAL.notes;
    await deliver({ message: "Update", table: "sprx_closurecheck", id: check.sprx_closurecheckid as string, stage: 40, mode: 1, target: { sprx_done: true, sprx_note: PERSONAL.notes }, postImage: { sprx_engagementid: ref("sprx_engagement", ids.engagement) }, stepName: stepName("closureCheckChanged", "Update", "sprx_closurecheck") }, 200);
    // 7 — one valid and one invalid measure.
    const valid = h.dataverse.insert("sprx_wellbeingscores", { _sprx_engagementid_value: ids.engagement, sprx_name: PERSONAL.fullname, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.closing, sprx_ucla_companionship: 2, sprx_ucla_leftout: 2, sprx_ucla_isolated: 1 });
    const invalid = h.dataverse.insert("sprx_wellbeingscores", { _sprx_engagementid_value: ids.engagement, sprx_name: PERSONAL.fullname, sprx_instrument: InstrumentValues.ons4, sprx_timepoint: TimepointValues.baseline, sprx_ons4_satisfied: 11 });
    for (const id of [valid, invalid]) {
      await deliver({ message: "Create", table: "sprx_wellbeingscore", id, stage: 40, mode: 1, target: { sprx_name: PERSONAL.fullname }, stepName: stepName("wellbeingScored", "Create", "sprx_wellbeingscore") }, 200);
    }
    // Connections (issue 15): one refused by the lifecycle, one counted, with personal words in the reason.
    const service = h.dataverse.insert("sprx_communityservices", { sprx_name: "Knitting circle" });
    const connection = h.dataverse.insert("sprx_connections", { _sprx_engagementid_value: ids.engagement, _sprx_serviceid_value: service, sprx_status: ConnectionStatusValues.referred, sprx_referredon: "2026-01-20", sprx_outcomereason: PERSONAL.notes });
    const owners = { sprx_engagementid: ref("sprx_engagement", ids.engagement), sprx_serviceid: ref("sprx_communityservice", service) };
    await deliver({ message: "Create", table: "sprx_connection", id: connection, stage: 10, mode: 0, target: { ...owners, sprx_status: option(ConnectionStatusValues.stopped), sprx_outcomereason: PERSONAL.notes }, stepName: stepName("connectionValidation", "Create", "sprx_connection") }, 400);
    await deliver({ message: "Create", table: "sprx_connection", id: connection, stage: 40, mode: 1, target: { ...owners, sprx_outcomereason: PERSONAL.notes }, stepName: stepName("connectionFollowUp", "Create", "sprx_connection") }, 200);
    await deliver({ message: "Create", table: "sprx_connection", id: connection, stage: 40, mode: 1, target: { ...owners, sprx_outcomereason: PERSONAL.notes }, postImage: owners, stepName: stepName("connectionRollups", "Create", "sprx_connection") }, 200);
    // 7 — a measure refused by the sync rules (every item, the date), and one deleted.
    await deliver({ message: "Create", table: "sprx_wellbeingscore", id: "50505050-0000-4000-8000-000000000001", stage: 10, mode: 0, target: { sprx_name: PERSONAL.fullname, sprx_engagementid: ref("sprx_engagement", ids.engagement), sprx_instrument: option(InstrumentValues.ons4), sprx_timepoint: option(TimepointValues.review), sprx_completedon: wcfDate("2030-01-01T00:00:00Z"), sprx_ons4_happy: 7 }, stepName: stepName("wellbeingValidation", "Create", "sprx_wellbeingscore") }, 400);
    await deliver({ message: "Delete", table: "sprx_wellbeingscore", id: invalid, stage: 40, mode: 1, target: {}, preImage: { sprx_engagementid: ref("sprx_engagement", ids.engagement), sprx_name: PERSONAL.fullname }, stepName: stepName("wellbeingScored", "Delete", "sprx_wellbeingscore") }, 200);
    // 5 — refused, then allowed once the future session is gone.
    h.dataverse.insert("appointments", { subject: PERSONAL.subject, scheduledstart: "2026-06-01T10:00:00Z", sprx_attendance: AttendanceValues.planned, statecode: 3, _regardingobjectid_value: ids.engagement });
    await deliver({ message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 10, mode: 0, target: { statecode: option(1), sprx_closuresummary: PERSONAL.summary }, preImage: { statecode: option(0) }, stepName: stepName("closureValidation", "Update", "sprx_engagement") }, 400);
    // 6 — Graph down first, then the email goes.
    h.dataverse.row("sprx_engagements", ids.engagement)!.statecode = 1;
    h.graph.unavailable = 1;
    // A retry carries the same OperationCreatedOn as the first delivery.
    const closed = { operationCreatedOn: new Date("2026-03-02T11:00:00Z"), message: "Update", table: "sprx_engagement", id: ids.engagement, stage: 40, mode: 1, target: { statecode: option(1) }, postImage: { statecode: option(1), sprx_closuresummary: PERSONAL.summary }, stepName: stepName("afterClosure", "Update", "sprx_engagement") } as const;
    await deliver(closed, 503);
    await deliver(closed, 200);
    await deliver({ ...closed, preImage: { statecode: option(0) }, stepName: stepName("engagementStateChanged", "Update", "sprx_engagement") }, 200);
    // An unexpected failure.
    h.dataverse.fail((r) => r.method === "GET", 1, 400);
    await deliver({ message: "Update", table: "sprx_closurecheck", id: check.sprx_closurecheckid as string, stage: 40, mode: 1, target: { sprx_note: PERSONAL.notes }, stepName: stepName("closureCheckChanged", "Update", "sprx_closurecheck") }, 500);

    expect([...ran].sort()).toEqual([...STEP_HANDLERS].sort());
    expect(h.graph.sent).toHaveLength(1);
    expect(h.graph.sent[0].html).toContain(PERSONAL.fullname);
    expect(h.dataverse.actions).toHaveLength(1);
    const log = h.logLines.join("\n");
    expect(h.logLines.length).toBeGreaterThan(20);
    for (const value of [...Object.values(PERSONAL), ...DISTINCTIVE]) {
      expect(log).not.toContain(value);
    }
  });
});
