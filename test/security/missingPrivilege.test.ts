import type * as Security from "../../solution/security";
import { LINK_WORKERS } from "../../emulator/seed/users";
import { JourneyRefused, engagementJourney } from "./support/journey";
import { type SecuredEnvironment, startSecuredEnvironment } from "./support/securedEnvironment";

/**
 * The role source is the single source of truth: take one privilege out of
 * the Link Worker role in solution/security.ts and the same journey that
 * passes in roles.test.ts now fails, with Dataverse's error naming exactly
 * the privilege that is missing.
 */

const REMOVED = { table: "sprx_engagement", access: "AppendTo" } as const;

// Hoisted above the imports by Jest, so the removed privilege is spelled here again.
jest.mock("../../solution/security", () => {
  const actual = jest.requireActual<typeof Security>("../../solution/security");
  const tables = actual.LINK_WORKER.tables.map((t) =>
    t.privilegeTable === "sprx_engagement" ? { ...t, access: Object.fromEntries(Object.entries(t.access).filter(([a]) => a !== "AppendTo")) } : t);
  const LINK_WORKER = { ...actual.LINK_WORKER, tables };
  const APP_ROLES = [LINK_WORKER, actual.SUPERVISOR, actual.ADMINISTRATOR];
  return { ...actual, LINK_WORKER, APP_ROLES, ROLES: [...APP_ROLES, actual.WEBHOOK_SERVICE] };
});

let secured: SecuredEnvironment;
beforeAll(async () => {
  secured = await startSecuredEnvironment();
}, 60_000);
afterAll(async () => {
  await secured.close();
});

it("without prvAppendTosprx_engagement the link worker cannot book a session, and the error says so", async () => {
  const journey = engagementJourney(secured.as(LINK_WORKERS[0].id), secured.idle, "de0a0001-0000-4000-8000-000000000384");
  await expect(journey).rejects.toBeInstanceOf(JourneyRefused);
  const refused = (await journey.catch((error: unknown) => error)) as JourneyRefused;
  expect(refused.step).toBe("book a session");
  expect(refused.response.status).toBe(403);
  expect(refused.response.json.error?.code).toBe("0x80040220");
  expect(refused.response.json.error?.message).toContain(`is missing prv${REMOVED.access}${REMOVED.table} privilege`);
});
