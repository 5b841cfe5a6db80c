import { BarrierValues } from "../../solution/generated/dataverse";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { idFrom } from "../emulator/support/localDataverse";
import { type Conformance, startConformance } from "./support/client";

/**
 * Issue 10 item 6: query features real code uses. Each result is checked
 * against the same question answered another way (a plain query, or the rows
 * read back and filtered here), so a silently different answer fails.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview
 */

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c.close();
});

type Row = Record<string, unknown>;
const get = async (path: string): Promise<Row[]> => {
  const response = await c.env.request("GET", path);
  if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
  return response.json.value ?? [];
};
const ids = (rows: Row[], key: string) => rows.map((r) => String(r[key])).sort();

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#filter-on-values-of-collections
describe("lambda any / all on collection-valued navigation properties", () => {
  it("any() finds engagements with at least one goal of importance 9 or more; all() those whose goals all are", async () => {
    const goals = await get("sprx_goals?$select=_sprx_engagementid_value,sprx_importance");
    const engagements = await get("sprx_engagements?$select=sprx_engagementid");
    const byEngagement = new Map<string, number[]>();
    for (const g of goals) byEngagement.set(String(g._sprx_engagementid_value), [...(byEngagement.get(String(g._sprx_engagementid_value)) ?? []), Number(g.sprx_importance)]);
    const anyExpected = engagements.map((e) => String(e.sprx_engagementid)).filter((id) => (byEngagement.get(id) ?? []).some((i) => i >= 9)).sort();
    const allExpected = engagements.map((e) => String(e.sprx_engagementid)).filter((id) => (byEngagement.get(id) ?? []).every((i) => i >= 9)).sort();
    expect(anyExpected.length).toBeGreaterThan(0);
    const anyRows = await c.client.retrieveMultiple<Row>({ collection: "sprx_engagements", select: ["sprx_engagementid"], filter: "sprx_engagement_sprx_goal/any(g:g/sprx_importance ge 9)" });
    expect(ids(anyRows.value, "sprx_engagementid")).toEqual(anyExpected);
    expect(ids(await get(`sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent("sprx_engagement_sprx_goal/all(g:g/sprx_importance ge 9)")}`), "sprx_engagementid")).toEqual(allExpected);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#filter-on-lookup-property-values
describe("filters across a lookup", () => {
  it("sprx_contactid/lastname eq '…' matches the engagements of people with that surname", async () => {
    const contacts = await get("contacts?$select=contactid,lastname&$filter=lastname eq 'Carrow'");
    const expected = ids(await get(`sprx_engagements?$select=sprx_engagementid,_sprx_contactid_value`), "sprx_engagementid");
    const rows = await get(`sprx_engagements?$select=sprx_engagementid,_sprx_contactid_value&$filter=${encodeURIComponent("sprx_contactid/lastname eq 'Carrow'")}`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(contacts.map((r) => r.contactid)).toContain(row._sprx_contactid_value);
    expect(rows.length).toBeLessThan(expected.length);
  });

  it("follows lookups more than one step up (goal → engagement → contact)", async () => {
    const engagements = await get(`sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent("sprx_contactid/lastname eq 'Carrow'")}`);
    const goals = await get(`sprx_goals?$select=sprx_goalid,_sprx_engagementid_value&$filter=${encodeURIComponent("sprx_engagementid/sprx_contactid/lastname eq 'Carrow'")}`);
    const all = await get("sprx_goals?$select=sprx_goalid,_sprx_engagementid_value");
    const ofThose = all.filter((g) => engagements.some((e) => e.sprx_engagementid === g._sprx_engagementid_value));
    expect(ids(goals, "sprx_goalid")).toEqual(ids(ofThose, "sprx_goalid"));
  });

  it("compares two columns of the same row (firstname eq lastname)", async () => {
    const id = idFrom(await c.env.request("POST", "contacts", { firstname: "Same", lastname: "same" }));
    expect(ids(await get("contacts?$select=contactid&$filter=firstname eq lastname"), "contactid")).toEqual([id]);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/multi-level-expand
describe("nested $expand", () => {
  it("expands a collection inside a single-valued expand and a lookup inside a collection, with $select/$filter inside", async () => {
    const [goal] = await get("sprx_goals?$select=_sprx_engagementid_value&$top=1");
    const engagement = String(goal._sprx_engagementid_value);
    const response = await c.env.request("GET", `sprx_engagements(${engagement})?$select=sprx_name&$expand=sprx_contactid($select=fullname;$expand=sprx_contact_sprx_engagement($select=sprx_name)),sprx_engagement_sprx_goal($select=sprx_name;$filter=sprx_importance ge 1;$expand=sprx_engagementid($select=sprx_name))`);
    expect(response.status).toBe(200);
    const contact = response.json.sprx_contactid as { fullname: string; sprx_contact_sprx_engagement: { sprx_name: string }[] };
    expect(contact.sprx_contact_sprx_engagement.map((e) => e.sprx_name)).toContain(response.json.sprx_name);
    const goals = response.json.sprx_engagement_sprx_goal as { sprx_engagementid: { sprx_name: string } }[];
    expect(goals.length).toBeGreaterThan(0);
    for (const goal of goals) expect(goal.sprx_engagementid.sprx_name).toBe(response.json.sprx_name);
  });

  it("refuses $orderby and $top inside a multi-level collection expand, as Dataverse does", async () => {
    const response = await c.env.request("GET", "contacts?$select=fullname&$expand=sprx_contact_sprx_engagement($select=sprx_name;$top=1;$expand=sprx_engagement_sprx_goal($select=sprx_name))");
    expect(response.status).toBe(400);
    const single = await c.env.request("GET", "contacts?$select=fullname&$top=2&$expand=sprx_contact_sprx_engagement($select=sprx_name;$orderby=sprx_name desc;$top=1)");
    expect(single.status).toBe(200);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results
describe("paging with odata.maxpagesize", () => {
  it("lets DynamicsWebApi follow @odata.nextLink to every row, each once", async () => {
    const all = await get("contacts?$select=contactid");
    const paged = await c.client.retrieveAll<Row>({ collection: "contacts", select: ["contactid"], maxPageSize: 7 });
    expect(paged.value.length).toBe(all.length);
    expect(ids(paged.value, "contactid")).toEqual(ids(all, "contactid"));
    const first = await c.env.request("GET", "contacts?$select=contactid", undefined, { Prefer: "odata.maxpagesize=7" });
    expect(first.headers.get("Preference-Applied")).toBe("odata.maxpagesize=7");
    expect(first.json.value).toHaveLength(7);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/aggregate-data
describe("$apply", () => {
  it("groups and aggregates like the rows read back and added up here", async () => {
    const goals = await get("sprx_goals?$select=_sprx_engagementid_value,sprx_importance,sprx_confidence");
    const grouped = await get(`sprx_goals?$apply=${encodeURIComponent("filter(sprx_importance ge 1)/groupby((_sprx_engagementid_value),aggregate(sprx_importance with sum as total,sprx_confidence with max as most,$count as n))")}`);
    expect(grouped.length).toBe(new Set(goals.map((g) => g._sprx_engagementid_value)).size);
    for (const group of grouped) {
      const mine = goals.filter((g) => g._sprx_engagementid_value === group._sprx_engagementid_value);
      expect(group).toEqual({ _sprx_engagementid_value: group._sprx_engagementid_value, total: mine.reduce((s, g) => s + Number(g.sprx_importance), 0), most: Math.max(...mine.map((g) => Number(g.sprx_confidence))), n: mine.length });
    }
    const [overall] = await get(`sprx_goals?$apply=${encodeURIComponent("aggregate(sprx_importance with average as mean,_sprx_engagementid_value with countdistinct as engagements)")}`);
    expect(overall.mean).toBeCloseTo(goals.reduce((s, g) => s + Number(g.sprx_importance), 0) / goals.length);
    expect(overall.engagements).toBe(grouped.length);
  });

  it("answers in Dataverse's shape: formatted values when asked, the set alone in the context", async () => {
    const response = await c.env.request("GET", `sprx_engagements?$apply=${encodeURIComponent("groupby((statecode),aggregate($count as count))")}`, undefined, { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' });
    expect(response.json["@odata.context"]).toBe(`${c.env.apiUrl}$metadata#sprx_engagements`);
    const active = response.json.value?.find((r) => r.statecode === 0);
    expect(Object.keys(active ?? {}).sort()).toEqual(["count", "count@OData.Community.Display.V1.FormattedValue", "statecode", "statecode@OData.Community.Display.V1.FormattedValue"]);
    expect(active?.["statecode@OData.Community.Display.V1.FormattedValue"]).toBe("Active");
    expect(active?.["count@OData.Community.Display.V1.FormattedValue"]).toBe(String(active?.count));
    const byDate = await c.env.request("GET", `sprx_engagements?$apply=${encodeURIComponent("groupby((createdon))")}`);
    expect(byDate.status).toBe(400);
  });

  it("answers that it does not support other transformations", async () => {
    const response = await c.env.request("GET", `sprx_goals?$apply=${encodeURIComponent("compute(sprx_importance mul 2 as double)")}`);
    expect(response.status).toBe(501);
    expect(response.json.error?.message).toMatch(/^The local Dataverse does not support /);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#use-parameter-aliases-with-filter-conditions
describe("parameter aliases and URL-special characters", () => {
  it("substitutes @p values, including a property name", async () => {
    const direct = await get("contacts?$select=contactid&$filter=lastname eq 'Carrow'");
    const aliased = await get(`contacts?$select=contactid&$filter=${encodeURIComponent("@p1 eq @p2")}&@p1=lastname&@p2=${encodeURIComponent("'Carrow'")}`);
    expect(ids(aliased, "contactid")).toEqual(ids(direct, "contactid"));
  });

  it("decodes string literals holding / ? # \" [ ] { } % and quotes", async () => {
    const name = `A/B?C#D"E[F]{G}%H'I`;
    const id = idFrom(await c.env.request("POST", "contacts", { firstname: "Odd", lastname: name }));
    const literal = `'${name.replace(/'/g, "''")}'`;
    expect(ids(await get(`contacts?$select=contactid&$filter=${encodeURIComponent(`lastname eq ${literal}`)}`), "contactid")).toEqual([id]);
    const viaClient = await c.client.retrieveMultiple<Row>({ collection: "contacts", select: ["contactid"], filter: `lastname eq ${literal}` });
    expect(ids(viaClient.value, "contactid")).toEqual([id]);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/queryfunctions
describe("query functions", () => {
  it("Between and NotBetween split the rows between them", async () => {
    const all = await get("sprx_goals?$select=sprx_goalid,sprx_importance");
    const between = await get(`sprx_goals?$select=sprx_goalid&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.Between(PropertyName='sprx_importance',PropertyValues=['6','8'])")}`);
    const notBetween = await get(`sprx_goals?$select=sprx_goalid&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.NotBetween(PropertyName='sprx_importance',PropertyValues=['6','8'])")}`);
    expect(ids(between, "sprx_goalid")).toEqual(ids(all.filter((g) => Number(g.sprx_importance) >= 6 && Number(g.sprx_importance) <= 8), "sprx_goalid"));
    expect(between.length + notBetween.length).toBe(all.length);
    // Microsoft's own example writes the values in double quotes.
    const quoted = await get(`sprx_goals?$select=sprx_goalid&$filter=${encodeURIComponent('Microsoft.Dynamics.CRM.Between(PropertyName=@p1,PropertyValues=@p2)')}&@p1=${encodeURIComponent("'sprx_importance'")}&@p2=${encodeURIComponent('["6","8"]')}`);
    expect(ids(quoted, "sprx_goalid")).toEqual(ids(between, "sprx_goalid"));
  });

  it("FetchXML between / not-between agree with the OData functions", async () => {
    const fetchRows = await get(`sprx_goals?fetchXml=${encodeURIComponent(`<fetch><entity name="sprx_goal"><attribute name="sprx_goalid" /><filter><condition attribute="sprx_importance" operator="between"><value>6</value><value>8</value></condition></filter></entity></fetch>`)}`);
    const odata = await get(`sprx_goals?$select=sprx_goalid&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.Between(PropertyName='sprx_importance',PropertyValues=['6','8'])")}`);
    expect(ids(fetchRows, "sprx_goalid")).toEqual(ids(odata, "sprx_goalid"));
  });

  it("ContainValues and DoesNotContainValues read a choices column", async () => {
    const id = idFrom(await c.env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": "/contacts(de0a0001-0000-4000-8000-000000000001)", sprx_referraldate: "2025-01-01", sprx_barriers: `${BarrierValues.coDependency},${BarrierValues.traumaOrGrief}` }));
    const contains = await get(`sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent(`Microsoft.Dynamics.CRM.ContainValues(PropertyName='sprx_barriers',PropertyValues=['${BarrierValues.traumaOrGrief}'])`)}`);
    expect(ids(contains, "sprx_engagementid")).toContain(id);
    const not = await get(`sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent(`Microsoft.Dynamics.CRM.DoesNotContainValues(PropertyName='sprx_barriers',PropertyValues=['${BarrierValues.traumaOrGrief}'])`)}`);
    expect(ids(not, "sprx_engagementid")).not.toContain(id);
    const all = await get("sprx_engagements?$select=sprx_engagementid");
    expect(contains.length + not.length).toBe(all.length);
  });

  it("EqualUserId and EqualBusinessId use the caller", async () => {
    const mine = await get(`sprx_engagements?$select=sprx_engagementid&$filter=_ownerid_value eq ${FOUNDATION.adminUserId}`);
    expect(ids(await get(`sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')")}`), "sprx_engagementid")).toEqual(ids(mine, "sprx_engagementid"));
    const other = "a11ce000-0000-4000-8000-000000000002";
    const theirs = await c.env.request("GET", `sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')")}`, undefined, { MSCRMCallerID: other });
    expect(ids(theirs.json.value ?? [], "sprx_engagementid")).toEqual(ids(await get(`sprx_engagements?$select=sprx_engagementid&$filter=_ownerid_value eq ${other}`), "sprx_engagementid"));
    const unit = await get(`sprx_engagements?$select=sprx_engagementid&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.EqualBusinessId(PropertyName='owningbusinessunit')")}`);
    // The demo engagements are owned in the hubs; the local administrator's business unit is the root one.
    expect(unit.length).toBe((await get(`sprx_engagements?$select=sprx_engagementid&$filter=_owningbusinessunit_value eq ${FOUNDATION.businessUnitId}`)).length);
  });

  it("answers that it does not support hierarchy functions", async () => {
    const response = await c.env.request("GET", `systemusers?$filter=${encodeURIComponent(`Microsoft.Dynamics.CRM.Under(PropertyName='systemuserid',PropertyValue='${FOUNDATION.adminUserId}')`)}`);
    expect(response.status).toBe(501);
  });
});
