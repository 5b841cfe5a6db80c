import { AttendanceValues, ClosureCheckItemValues, ClosureReasonValues, InstrumentValues, StageValues, TimepointValues } from "../../solution/generated/dataverse";
import { idFrom } from "./support/localDataverse";
import { type WiredEnvironment, bookSession, daysFromNow, newEngagement, startWiredDataverse } from "./support/withWebhook";

/**
 * Stored facts that must stay true whatever client writes them (issue 13):
 * each through the Web API of the local Dataverse with the real webhook
 * service, as a flow or an import would write.
 */
let env: WiredEnvironment;
beforeAll(async () => {
  env = await startWiredDataverse();
}, 60_000);
afterAll(() => env.close());

const engagementOf = async (id: string, columns: string) => (await env.request("GET", `sprx_engagements(${id})?$select=${columns}`)).json;
/** dd/MM/yyyy of a "YYYY-MM-DD" day, as an en-GB user reads it. */
const enGb = (isoDay: string) => isoDay.split("-").reverse().join("/");

async function tickChecks(engagementId: string, items: readonly number[]): Promise<void> {
  const checks = (await env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagementId}`)).json.value ?? [];
  for (const check of checks.filter((c) => items.includes(Number(c.sprx_item)))) {
    expect((await env.request("PATCH", `sprx_closurechecks(${String(check.sprx_closurecheckid)})`, { sprx_done: true })).status).toBe(204);
  }
}

function ons4(engagementId: string, timepoint: number, completedOn: string, answers: Partial<Record<"satisfied" | "worthwhile" | "happy" | "anxious", number>>) {
  return env.request("POST", "sprx_wellbeingscores", {
    "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_instrument: InstrumentValues.ons4, sprx_timepoint: timepoint,
    sprx_completedon: completedOn,
    ...Object.fromEntries(Object.entries(answers).map(([item, value]) => [`sprx_ons4_${item}`, value])),
  });
}
const all = (n: number) => ({ satisfied: n, worthwhile: n, happy: n, anxious: 10 - n });

describe("1 the stored stage follows closure and reopening", () => {
  it("closing sets the stage to closed; reopening works it out again from the sessions", async () => {
    const { engagementId } = await newEngagement(env);
    for (const n of [-30, -20, -10]) await bookSession(env, engagementId, daysFromNow(n), AttendanceValues.attended);
    await env.idle();
    expect((await engagementOf(engagementId, "sprx_stage")).sprx_stage).toBe(StageValues.buildingIndependence);

    await tickChecks(engagementId, [ClosureCheckItemValues.returnRouteExplained, ClosureCheckItemValues.referrerInformed]);
    const closed = await env.request("PATCH", `sprx_engagements(${engagementId})`, {
      statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.notRightTime, sprx_closuresummary: "Agreed to pause.",
    });
    expect(closed.status).toBe(204);
    await env.idle();
    expect(await engagementOf(engagementId, "sprx_stage,statecode,sprx_conversationsuggested")).toMatchObject({
      sprx_stage: StageValues.closed, statecode: 1, sprx_conversationsuggested: false,
    });

    expect((await env.request("PATCH", `sprx_engagements(${engagementId})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
    await env.idle();
    expect((await engagementOf(engagementId, "sprx_stage")).sprx_stage).toBe(StageValues.buildingIndependence);
  });
});

describe("3 wellbeing measures", () => {
  it("refuses an ONS4 measure with one of four items answered, naming every missing item", async () => {
    const { engagementId } = await newEngagement(env);
    const response = await ons4(engagementId, TimepointValues.baseline, daysFromNow(0).slice(0, 10), { happy: 7 });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe("0x80040265");
    expect(response.json.error?.message).toMatch(/satisfied is missing.*worthwhile is missing.*anxious is missing/);
    const stored = await env.request("GET", `sprx_wellbeingscores?$select=sprx_wellbeingscoreid&$filter=_sprx_engagementid_value eq ${engagementId}`);
    expect(stored.json.value).toEqual([]);
  });

  it("refuses a UCLA-3 measure with an item unanswered", async () => {
    const { engagementId } = await newEngagement(env);
    const response = await env.request("POST", "sprx_wellbeingscores", {
      "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline,
      sprx_completedon: daysFromNow(0).slice(0, 10), sprx_ucla_companionship: 2, sprx_ucla_leftout: 2,
    });
    expect(response.status).toBe(400);
    expect(response.json.error?.message).toMatch(/isolated is missing/);
  });

  it("refuses a date in the future or before the referral, in the user's date format", async () => {
    const { engagementId } = await newEngagement(env, 30);
    const tomorrow = daysFromNow(1).slice(0, 10);
    const future = await ons4(engagementId, TimepointValues.baseline, tomorrow, all(6));
    expect(future.status).toBe(400);
    expect(future.json.error?.message).toContain(`it is dated ${enGb(tomorrow)}, which has not come yet`);

    const early = daysFromNow(-31).slice(0, 10);
    const before = await ons4(engagementId, TimepointValues.baseline, early, all(6));
    expect(before.status).toBe(400);
    expect(before.json.error?.message).toContain(`it is dated ${enGb(early)}, before the referral date ${enGb(daysFromNow(-30).slice(0, 10))}`);
    expect(before.json.error?.message).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("keeps one baseline and one closing measure per instrument, and a correction of the one there is allowed", async () => {
    const { engagementId } = await newEngagement(env);
    const today = daysFromNow(0).slice(0, 10);
    const first = await ons4(engagementId, TimepointValues.baseline, today, all(4));
    expect(first.status).toBe(204);
    const second = await ons4(engagementId, TimepointValues.baseline, today, all(5));
    expect(second.status).toBe(400);
    expect(second.json.error?.message).toMatch(/already has a baseline ONS4 measure/);
    const ucla = await env.request("POST", "sprx_wellbeingscores", {
      "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline,
      sprx_completedon: today, sprx_ucla_companionship: 2, sprx_ucla_leftout: 2, sprx_ucla_isolated: 2,
    });
    expect(ucla.status).toBe(204);
    expect((await env.request("PATCH", `sprx_wellbeingscores(${idFrom(first)})`, { sprx_ons4_satisfied: 3 })).status).toBe(204);
    expect((await env.request("PATCH", `sprx_wellbeingscores(${idFrom(first)})`, { sprx_ons4_satisfied: null })).status).toBe(400);
  });

  it("recomputes the change since baseline and the closing-measure check on correction and on delete", async () => {
    const { engagementId } = await newEngagement(env);
    await env.request("PATCH", `sprx_engagements(${engagementId})`, { sprx_closurereason: ClosureReasonValues.goalsMet });
    await env.idle();
    const checksBefore = Number((await engagementOf(engagementId, "sprx_checksdone")).sprx_checksdone);
    const today = daysFromNow(0).slice(0, 10);
    expect((await ons4(engagementId, TimepointValues.baseline, daysFromNow(-10).slice(0, 10), all(4))).status).toBe(204);
    const closing = await ons4(engagementId, TimepointValues.closing, today, all(7));
    expect(closing.status).toBe(204);
    await env.idle();
    expect(await engagementOf(engagementId, "sprx_ons4satisfiedchange,sprx_checksdone")).toMatchObject({ sprx_ons4satisfiedchange: 3, sprx_checksdone: checksBefore + 1 });

    expect((await env.request("PATCH", `sprx_wellbeingscores(${idFrom(closing)})`, { sprx_ons4_satisfied: 8 })).status).toBe(204);
    await env.idle();
    expect((await engagementOf(engagementId, "sprx_ons4satisfiedchange")).sprx_ons4satisfiedchange).toBe(4);

    expect((await env.request("DELETE", `sprx_wellbeingscores(${idFrom(closing)})`)).status).toBe(204);
    await env.idle();
    expect(await engagementOf(engagementId, "sprx_ons4satisfiedchange,sprx_checksdone")).toMatchObject({ sprx_ons4satisfiedchange: null, sprx_checksdone: checksBefore });
  });
});

describe("3 a closed engagement's measures are its outcome record", () => {
  it("refuses to add or correct a measure once the engagement is closed, and allows it again after reopening", async () => {
    const { engagementId } = await newEngagement(env);
    const today = daysFromNow(0).slice(0, 10);
    const baseline = await ons4(engagementId, TimepointValues.baseline, today, all(5));
    expect(baseline.status).toBe(204);
    await tickChecks(engagementId, [ClosureCheckItemValues.returnRouteExplained, ClosureCheckItemValues.referrerInformed]);
    expect((await env.request("PATCH", `sprx_engagements(${engagementId})`, {
      statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.notRightTime, sprx_closuresummary: "Paused.",
    })).status).toBe(204);
    await env.idle();

    const added = await ons4(engagementId, TimepointValues.review, today, all(6));
    expect(added.status).toBe(400);
    expect(added.json.error?.message).toMatch(/engagement is closed/);
    expect((await env.request("PATCH", `sprx_wellbeingscores(${idFrom(baseline)})`, { sprx_ons4_happy: 9 })).status).toBe(400);

    expect((await env.request("PATCH", `sprx_engagements(${engagementId})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
    expect((await env.request("PATCH", `sprx_wellbeingscores(${idFrom(baseline)})`, { sprx_ons4_happy: 9 })).status).toBe(204);
  });
});

describe("6 server messages speak the user's dates", () => {
  it("a session before the referral is refused with both dates as dd/MM/yyyy", async () => {
    const { engagementId } = await newEngagement(env, 10);
    const start = daysFromNow(-12);
    const response = await env.request("POST", "appointments", {
      subject: "Session", scheduledstart: start, scheduledend: daysFromNow(-12),
      "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
    });
    expect(response.status).toBe(400);
    expect(response.json.error?.message).toContain(`the session on ${enGb(start.slice(0, 10))} is before the referral date ${enGb(daysFromNow(-10).slice(0, 10))}`);
  });
});
