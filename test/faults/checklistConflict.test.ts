import { ConflictError } from "../../components/shared/errors";
import { createGateway } from "../../components/shared/gateway";
import { createEngagementStore, type EngagementStore } from "../../components/shared/store";
import { fetchWebApi } from "../../components/harness/webApi";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { ClosureCheckItemValues } from "../../solution/generated/dataverse";
import { idFrom, startTestDataverse, type TestEnvironment } from "../emulator/support/localDataverse";

/**
 * Two people with the same closure checklist open: the first save wins, the
 * second (made on what it loaded before) is refused with 412 by the local
 * Dataverse, re-reads the newer state and saves again on top of it, so
 * neither person's change is lost.
 */

let env: TestEnvironment;
let contactId: string;
let engagementId: string;
let checkId: string;
beforeAll(async () => {
  env = await startTestDataverse();
  contactId = idFrom(await env.request("POST", "contacts", { firstname: "Rowan", lastname: "Shared" }));
  engagementId = idFrom(await env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: "2026-01-05" }));
  checkId = idFrom(await env.request("POST", "sprx_closurechecks", {
    sprx_item: ClosureCheckItemValues.referrerInformed, sprx_done: false, "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`,
  }));
});
afterAll(() => env.close());

/** One browser: the control's own store over the Web API, with If-Match on every update. */
function browser(): EngagementStore {
  const clientUrl = env.dataverse.url().replace(/\/$/, "");
  return createEngagementStore(createGateway(fetchWebApi(`${clientUrl}/api/data/v9.2/`), { clientUrl, fetch: (input, init) => fetch(input, init) }));
}

async function loadCheck(store: EngagementStore) {
  const data = await store.loadForContact(contactId);
  const check = data.checks.find((c) => c.sprx_closurecheckid === checkId);
  if (!check) throw new Error("The check did not load");
  return { check, versioned: { id: checkId, etag: check["@odata.etag"] } };
}

describe("two browsers editing the same checklist", () => {
  it("the stale save gets a conflict, sees the newer state, and saves on top of it", async () => {
    const first = browser();
    const second = browser();
    const firstView = await loadCheck(first);
    const secondView = await loadCheck(second);
    expect(firstView.versioned.etag).toBe(secondView.versioned.etag);
    const now = new Date("2026-03-02T10:00:00Z");

    await first.saveCheck(engagementId, firstView.versioned, { item: "referrerInformed", label: "Referrer informed", done: true, note: "", userId: FOUNDATION.adminUserId, now });
    const stale = await second.saveCheck(engagementId, secondView.versioned, { item: "referrerInformed", label: "Referrer informed", done: false, note: "Letter posted as well", userId: FOUNDATION.adminUserId, now }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(ConflictError);
    // Nothing of the refused save landed.
    expect((await env.request("GET", `sprx_closurechecks(${checkId})?$select=sprx_done,sprx_note`)).json).toMatchObject({ sprx_done: true, sprx_note: null });

    const reloaded = await loadCheck(second);
    expect(reloaded.check.sprx_done).toBe(true);
    await second.saveCheck(engagementId, reloaded.versioned, { item: "referrerInformed", label: "Referrer informed", done: reloaded.check.sprx_done === true, note: "Letter posted as well", userId: FOUNDATION.adminUserId, now });
    expect((await env.request("GET", `sprx_closurechecks(${checkId})?$select=sprx_done,sprx_note`)).json).toMatchObject({ sprx_done: true, sprx_note: "Letter posted as well" });
  });

  it("the Web API answers the stale If-Match with Dataverse's 412 and concurrency error code", async () => {
    const current = await env.request("GET", `sprx_closurechecks(${checkId})?$select=sprx_note`);
    const etag = String(current.json["@odata.etag"]);
    expect((await env.request("PATCH", `sprx_closurechecks(${checkId})`, { sprx_note: "one" }, { "If-Match": etag })).status).toBe(204);
    const second = await env.request("PATCH", `sprx_closurechecks(${checkId})`, { sprx_note: "two" }, { "If-Match": etag });
    expect(second.status).toBe(412);
    expect(second.json.error?.code).toBe("0x80060882");
    expect((await env.request("GET", `sprx_closurechecks(${checkId})?$select=sprx_note`)).json.sprx_note).toBe("one");
  });
});
