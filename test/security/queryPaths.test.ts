import { FOUNDATION } from "../../emulator/seed/foundation";
import { LINK_WORKERS } from "../../emulator/seed/users";
import { type SecuredEnvironment, startSecuredEnvironment } from "./support/securedEnvironment";

/**
 * Every way of reading rows stays within the caller's read depth, not only
 * lists and FetchXML: aggregates with $apply, /$count, and the related rows of
 * a record through its navigation property.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/security-roles-privileges
 */

const [ALEX] = LINK_WORKERS;
const ADMIN = FOUNDATION.adminUserId;
let secured: SecuredEnvironment;
beforeAll(async () => {
  secured = await startSecuredEnvironment();
}, 60_000);
afterAll(async () => {
  await secured.close();
});

const countOf = (text: string) => Number(text.replace(/^\uFEFF/, ""));

describe("read depth on every query path", () => {
  it("aggregates with $apply only the rows the caller may read", async () => {
    const all = await secured.as(ADMIN)("GET", "sprx_engagements?$apply=aggregate($count as n)");
    const mine = await secured.as(ALEX.id)("GET", "sprx_engagements?$apply=aggregate($count as n)");
    const listed = await secured.as(ALEX.id)("GET", "sprx_engagements?$select=sprx_engagementid&$count=true");
    expect(all.status).toBe(200);
    expect(mine.status).toBe(200);
    expect(Number(mine.json.value?.[0]?.n)).toBe(Number(listed.json["@odata.count"]));
    expect(Number(mine.json.value?.[0]?.n)).toBeLessThan(Number(all.json.value?.[0]?.n));
  });

  it("counts with /$count only the rows the caller may read", async () => {
    const all = await secured.as(ADMIN)("GET", "sprx_engagements/$count");
    const mine = await secured.as(ALEX.id)("GET", "sprx_engagements/$count");
    const listed = await secured.as(ALEX.id)("GET", "sprx_engagements?$select=sprx_engagementid&$count=true");
    expect(countOf(mine.text)).toBe(Number(listed.json["@odata.count"]));
    expect(countOf(mine.text)).toBeLessThan(countOf(all.text));
  });

  it("refuses the related rows of a record the caller may not read, and serves those of their own", async () => {
    const others = await secured.as(ADMIN)("GET", `sprx_engagements?$select=sprx_engagementid&$filter=_ownerid_value ne ${ALEX.id}&$top=1`);
    const other = String(others.json.value?.[0]?.sprx_engagementid);
    for (const path of [`sprx_engagements(${other})/sprx_engagement_sprx_goal`, `sprx_engagements(${other})/sprx_engagement_sprx_goal/$count`, `sprx_engagements(${other})/sprx_engagement_sprx_goal/$ref`]) {
      const refused = await secured.as(ALEX.id)("GET", path);
      expect(refused.status).toBe(403);
    }
    const own = await secured.as(ADMIN)("GET", `sprx_engagements?$select=sprx_engagementid&$filter=_ownerid_value eq ${ALEX.id}&$top=1`);
    const mine = String(own.json.value?.[0]?.sprx_engagementid);
    expect((await secured.as(ALEX.id)("GET", `sprx_engagements(${mine})/sprx_engagement_sprx_goal`)).status).toBe(200);
  });
});
