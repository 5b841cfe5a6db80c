import { ClosureReasonValues } from "../../solution/generated/dataverse";
import { STEP_REGISTRATIONS } from "../../plugins/registrations";
import { idFrom } from "../emulator/support/localDataverse";
import { bookSession, close, closureEvents, newEngagement, PERSON, prepareClosure } from "./support/engagements";
import { type FaultEnvironment, startFaultEnvironment } from "./support/environment";

/**
 * The closure event and the letter to the referrer happen once per closure:
 * a closing update sent again — seconds or hours later by the clock — and
 * Dataverse's own redeliveries raise nothing more; only a reopen and a new
 * closure make a new closure. And a caller's x-ms-correlation-request-id
 * never joins another request's unit of work.
 */

jest.setTimeout(60_000);
let faults: FaultEnvironment;
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  faults = await startFaultEnvironment({ asyncRetryDelayMs: 50, clock });
});
afterAll(() => faults.close());

const AFTER_CLOSURE = STEP_REGISTRATIONS.filter((s) => s.handler === "afterClosure").map((s) => s.name);
const mailsFor = (name: string) => faults.mail.filter((m) => m.subject.includes(name));

async function closedWithConsent(): Promise<{ engagementId: string; name: string }> {
  const { engagementId } = await newEngagement(faults.env, { sprx_consenttoshare: true, sprx_referreremail: PERSON.referrerEmail });
  await faults.idle();
  await prepareClosure(faults.env, engagementId);
  await faults.idle();
  expect((await close(faults.env, engagementId)).status).toBe(204);
  await faults.idle();
  const name = String((await faults.env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_name`)).json.sprx_name);
  return { engagementId, name };
}

describe("exactly once per closure, by a test clock", () => {
  it("a closing update sent again hours later raises no second event and sends no second email", async () => {
    const { engagementId, name } = await closedWithConsent();
    expect(await closureEvents(faults.env, engagementId)).toHaveLength(1);
    expect(mailsFor(name)).toHaveLength(1);
    const firstDelivery = faults.deliveries.filter((d) => AFTER_CLOSURE.includes(d.step) && d.status === 200).at(-1);
    expect(firstDelivery).toBeDefined();

    offsetMs = 2_000;
    expect((await close(faults.env, engagementId)).status).toBe(204);
    await faults.idle();
    offsetMs = 5 * 3_600_000;
    expect((await close(faults.env, engagementId)).status).toBe(204);
    await faults.idle();
    // Dataverse delivering the first closure's job again, hours later.
    expect(await faults.redeliver(firstDelivery!)).toBe(200);

    expect(await closureEvents(faults.env, engagementId)).toHaveLength(1);
    expect(mailsFor(name)).toHaveLength(1);
    const row = (await faults.env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_closedon`)).json;
    const event = (await closureEvents(faults.env, engagementId))[0].parameters as Record<string, unknown>;
    // Closed on is the moment of the closure itself, not of a later repeat.
    expect(row.sprx_closedon).toBe(event.ClosedOn);
  });

  it("a reopen and a new closure make a new closure: a second event and a second email", async () => {
    offsetMs = 0;
    const { engagementId, name } = await closedWithConsent();
    offsetMs = 24 * 3_600_000;
    expect((await faults.env.request("PATCH", `sprx_engagements(${engagementId})`, { statecode: 0, statuscode: 1 })).status).toBe(204);
    await faults.idle();
    offsetMs = 25 * 3_600_000;
    expect((await close(faults.env, engagementId)).status).toBe(204);
    await faults.idle();
    expect(await closureEvents(faults.env, engagementId)).toHaveLength(2);
    expect(mailsFor(name)).toHaveLength(2);
  });
});

describe("a caller's correlation id", () => {
  it("shared by concurrent requests, never joins them into one unit: every acknowledged write is kept, refused ones leave nothing", async () => {
    offsetMs = 0;
    const open = (await newEngagement(faults.env)).engagementId;
    const { engagementId: closed } = await closedWithConsent();
    await faults.idle();
    const shared = { "x-ms-correlation-request-id": "0f0f0f0f-1111-4222-8333-444444444444" };
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const session = (engagementId: string) => ({
      subject: "Session", scheduledstart: at, scheduledend: at,
      "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
    });
    for (let round = 0; round < 5; round++) {
      // A valid session and one refused by the synchronous validation (closed engagement), at once, with one correlation id.
      const [kept, refused, contact] = await Promise.all([
        faults.env.request("POST", "appointments", session(open), shared),
        faults.env.request("POST", "appointments", session(closed), shared),
        faults.env.request("POST", "contacts", { firstname: "Corr", lastname: `Elation ${round}` }, shared),
      ]);
      expect(kept.status).toBe(204);
      expect(refused.status).toBe(400);
      expect(contact.status).toBe(204);
      expect((await faults.env.request("GET", `appointments(${idFrom(kept)})?$select=subject`)).status).toBe(200);
      expect((await faults.env.request("GET", `contacts(${idFrom(contact)})?$select=fullname`)).status).toBe(200);
    }
    await faults.idle();
    const onClosed = await faults.env.request("GET", `appointments?$select=activityid&$filter=_regardingobjectid_value eq ${closed}`);
    expect(onClosed.json.value).toEqual([]);
    // And the service still takes writes afterwards.
    expect((await bookSession(faults.env, open, -2)).status).toBe(204);
    expect((await faults.env.request("PATCH", `sprx_engagements(${open})`, { sprx_closurereason: ClosureReasonValues.other })).status).toBe(204);
  });
});
