import { STEP_REGISTRATIONS, type StepHandlerName } from "../../plugins/registrations";
import { AttendanceValues } from "../../solution/generated/dataverse";
import { idFrom } from "../emulator/support/localDataverse";
import { bookSession, close, closureEvents, newEngagement, PERSON, prepareClosure } from "./support/engagements";
import { type FaultEnvironment, startFaultEnvironment } from "./support/environment";

/**
 * The webhook service down or answering 503 while async steps are due. The
 * local Dataverse postpones an async delivery after 502/503/504 or no answer
 * and tries it again, several times with growing waits, as Dataverse's
 * asynchronous service does; the steps must then do their work exactly once.
 */

let faults: FaultEnvironment;
beforeAll(async () => {
  faults = await startFaultEnvironment({ asyncRetryDelayMs: 50 });
});
afterAll(() => faults.close());
afterEach(() => {
  faults.gate = () => "forward";
});

const stepNames = (handler: StepHandlerName) => STEP_REGISTRATIONS.filter((s) => s.handler === handler).map((s) => s.name);
const AFTER_CLOSURE = stepNames("afterClosure");
const BOOKKEEPING = stepNames("sessionBookkeeping");

/** Fails the first `count` async deliveries of the given steps with `decision`; forwards the rest. */
function failFirst(steps: readonly string[], count: number, decision: "drop" | { status: number }): void {
  let left = count;
  faults.gate = (step, mode) => {
    if (mode === 1 && steps.includes(step) && left > 0) {
      left--;
      return decision;
    }
    return "forward";
  };
}

async function readyToClose(): Promise<{ contactId: string; engagementId: string }> {
  const made = await newEngagement(faults.env);
  await faults.idle();
  await prepareClosure(faults.env, made.engagementId);
  await faults.idle();
  return made;
}

async function asyncRunsOf(steps: readonly string[]) {
  const runs = (await faults.env.request("GET", "/_emulator/async")).json.value ?? [];
  return runs.filter((r) => steps.includes(String(r.stepName)));
}

describe("async steps while the webhook service is unavailable", () => {
  it.each([
    ["answering 503", { status: 503 }],
    ["down (connection dropped)", "drop"],
  ] as const)("a closure while the service is %s raises its event exactly once, on the retry", async (_label, decision) => {
    const { engagementId, contactId } = await readyToClose();
    const before = faults.deliveries.length;
    failFirst(AFTER_CLOSURE, 1, decision);

    expect((await close(faults.env, engagementId)).status).toBe(204);
    await faults.idle();

    const attempts = faults.deliveries.slice(before).filter((d) => AFTER_CLOSURE.includes(d.step));
    expect(attempts.map((d) => d.status)).toEqual([decision === "drop" ? 0 : 503, 200]);
    const events = await closureEvents(faults.env, engagementId);
    expect(events).toHaveLength(1);
    expect(events[0].parameters).toMatchObject({ EngagementId: engagementId, ContactId: contactId });
    const engagement = await faults.env.request("GET", `sprx_engagements(${engagementId})?$select=statecode,sprx_closureeventon`);
    expect(engagement.json).toMatchObject({ statecode: 1 });
    expect(engagement.json.sprx_closureeventon).not.toBeNull();
  });

  it("a session attended while the service answers 503 still gets its rollups, counted once", async () => {
    const { engagementId } = await newEngagement(faults.env);
    await faults.idle();
    const first = idFrom(await bookSession(faults.env, engagementId, -14, AttendanceValues.attended));
    await faults.idle();
    failFirst(BOOKKEEPING, 1, { status: 503 });
    const second = await bookSession(faults.env, engagementId, -7);
    expect(second.status).toBe(204);
    expect((await faults.env.request("PATCH", `appointments(${idFrom(second)})`, { sprx_attendance: AttendanceValues.attended })).status).toBe(204);
    await faults.idle();

    const engagement = await faults.env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_sessionsattended,sprx_sessionsbooked`);
    expect(engagement.json).toMatchObject({ sprx_sessionsattended: 2 });
    const numbers = await faults.env.request("GET", `appointments?$select=sprx_sessionnumber&$filter=_regardingobjectid_value eq ${engagementId}&$orderby=scheduledstart asc`);
    expect((numbers.json.value ?? []).map((s) => s.sprx_sessionnumber)).toEqual([1, 2]);
    expect(first).not.toBe(idFrom(second));
    expect((await asyncRunsOf(BOOKKEEPING)).filter((r) => r.status === "failed")).toEqual([]);
  });

  it("an outage longer than every retry leaves a failed system job, not a lost closure; redelivery then raises the event once", async () => {
    const { engagementId } = await readyToClose();
    const before = faults.deliveries.length;
    failFirst(AFTER_CLOSURE, 5, { status: 503 });

    expect((await close(faults.env, engagementId)).status).toBe(204);
    await faults.idle();
    expect(await closureEvents(faults.env, engagementId)).toHaveLength(0);
    const jobs = await faults.env.request("GET", `asyncoperations?$select=name,statecode,statuscode,retrycount&$filter=statuscode eq 31`);
    // The first attempt and four retries, each postponed longer than the one before.
    expect((jobs.json.value ?? []).some((j) => AFTER_CLOSURE.includes(String(j.name)) && j.retrycount === 4)).toBe(true);
    expect(faults.deliveries.slice(before).filter((d) => AFTER_CLOSURE.includes(d.step)).map((d) => d.status)).toEqual([503, 503, 503, 503, 503]);

    // The service is back: the delivery arrives again (an administrator's resubmission, or a duplicate), twice.
    const missed = faults.deliveries.slice(before).find((d) => AFTER_CLOSURE.includes(d.step));
    expect(missed).toBeDefined();
    expect(await faults.redeliver(missed!)).toBe(200);
    expect(await faults.redeliver(missed!)).toBe(200);
    expect(await closureEvents(faults.env, engagementId)).toHaveLength(1);
  });

  it("a delivery that arrives twice (both answered 200) does the work once", async () => {
    const { engagementId } = await readyToClose();
    const before = faults.deliveries.length;
    expect((await close(faults.env, engagementId)).status).toBe(204);
    await faults.idle();
    const delivered = faults.deliveries.slice(before).find((d) => AFTER_CLOSURE.includes(d.step) && d.status === 200);
    expect(delivered).toBeDefined();
    expect(await faults.redeliver(delivered!)).toBe(200);
    expect(await closureEvents(faults.env, engagementId)).toHaveLength(1);
  });

  it("the webhook service logged every delivery above without the person's name", () => {
    expect(faults.serviceLog.length).toBeGreaterThan(10);
    for (const line of faults.serviceLog) for (const personal of Object.values(PERSON)) expect(line).not.toContain(personal);
  });
});
