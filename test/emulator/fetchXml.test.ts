import { XMLParser } from "fast-xml-parser";
import { CHARTS } from "../../solution/views";
import { StageValues } from "../../solution/generated/dataverse";
import { SEEDED_PEOPLE, seedDemoData } from "../../emulator/seed/demoData";
import { type TestEnvironment, startTestDataverse } from "./support/localDataverse";

const NOW = new Date("2025-11-24T12:00:00Z");
let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
});
afterAll(async () => {
  await env.close();
});

const fetch = (set: string, xml: string, headers: Record<string, string> = {}) => env.request("GET", `${set}?fetchXml=${encodeURIComponent(xml)}`, undefined, headers);
const engagements = (inner: string, fetchAttributes = "", headers: Record<string, string> = {}) =>
  fetch("sprx_engagements", `<fetch ${fetchAttributes}><entity name="sprx_engagement"><attribute name="sprx_name" />${inner}</entity></fetch>`, headers);

describe("FetchXML", () => {
  it("filters with nested and/or filters, in, null and comparisons", async () => {
    const all = (await engagements("")).json.value ?? [];
    const response = await engagements(
      `<order attribute="sprx_name" /><filter type="and"><condition attribute="statecode" operator="eq" value="0" />` +
        `<filter type="or"><condition attribute="sprx_stage" operator="in"><value>${StageValues.closing}</value><value>${StageValues.establishing}</value></condition>` +
        `<condition attribute="sprx_consecutivedna" operator="ge" value="2" /></filter></filter>`,
    );
    expect(response.status).toBe(200);
    const rows = response.json.value ?? [];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(all.length);
    const names = rows.map((r) => r.sprx_name);
    expect(names).toEqual([...names].sort());
    const check = await env.request("GET", `sprx_engagements?$select=sprx_name&$filter=${encodeURIComponent(`statecode eq 0 and (Microsoft.Dynamics.CRM.In(PropertyName='sprx_stage',PropertyValues=['${StageValues.closing}','${StageValues.establishing}']) or sprx_consecutivedna ge 2)`)}`);
    expect(names.sort()).toEqual((check.json.value ?? []).map((r) => r.sprx_name).sort());
  });

  it("links to the contact (inner) and returns its columns as alias.column, with formatted values", async () => {
    const response = await engagements(
      `<filter><condition attribute="statecode" operator="eq" value="1" /></filter>` +
        `<link-entity name="contact" from="contactid" to="sprx_contactid" alias="person" link-type="inner"><attribute name="fullname" />` +
        `<filter><condition attribute="firstname" operator="like" value="C%" /></filter></link-entity>`,
      "",
    );
    expect(response.status).toBe(200);
    const rows = response.json.value ?? [];
    for (const row of rows) expect(String(row["person.fullname"])).toMatch(/^C/);
    const outer = await fetch("contacts", `<fetch><entity name="contact"><attribute name="fullname" /><link-entity name="sprx_engagement" from="sprx_contactid" to="contactid" alias="e" link-type="outer"><attribute name="sprx_stage" /><filter><condition attribute="sprx_stage" operator="eq" value="${StageValues.closed}" /></filter></link-entity></entity></fetch>`, { Prefer: 'odata.include-annotations="*"' });
    const contacts = outer.json.value ?? [];
    expect(contacts).toHaveLength(SEEDED_PEOPLE);
    expect(contacts.filter((c) => c["e.sprx_stage"] === StageValues.closed)).toHaveLength(7);
    expect(contacts.find((c) => c["e.sprx_stage"] === StageValues.closed)?.["e.sprx_stage@OData.Community.Display.V1.FormattedValue"]).toBe("Closed");
  });

  it("pages with count and page, and says when there are more records", async () => {
    // The annotations come only when asked for: https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/page-results
    const prefer = { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.morerecords"' };
    const first = await engagements(`<order attribute="sprx_name" />`, 'count="10" page="1"', prefer);
    const third = await engagements(`<order attribute="sprx_name" />`, 'count="10" page="3"', prefer);
    expect(first.json.value).toHaveLength(10);
    expect(first.json["@Microsoft.Dynamics.CRM.morerecords"]).toBe(true);
    expect(third.json.value).toHaveLength(10);
    expect(third.json["@Microsoft.Dynamics.CRM.morerecords"]).toBe(false);
    expect(third.json.value?.[0].sprx_name).toBe("ENG-000021");
  });

  it("evaluates relative-date operators against today", async () => {
    const soon = await fetch("appointments", `<fetch><entity name="appointment"><attribute name="scheduledstart" /><filter><condition attribute="scheduledstart" operator="next-x-days" value="3" /></filter></entity></fetch>`);
    const expected = await env.request("GET", `appointments?$select=scheduledstart&$filter=${encodeURIComponent("scheduledstart ge 2025-11-24T00:00:00Z and scheduledstart lt 2025-11-28T00:00:00Z")}`);
    expect((soon.json.value ?? []).length).toBeGreaterThan(0);
    expect((soon.json.value ?? []).map((r) => r.scheduledstart).sort()).toEqual((expected.json.value ?? []).map((r) => r.scheduledstart).sort());
    const viaWebApi = await env.request("GET", `appointments?$select=scheduledstart&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.NextXDays(PropertyName='scheduledstart',PropertyValue=3)")}`);
    expect(viaWebApi.json.value).toHaveLength((soon.json.value ?? []).length);
  });

  it("runs each shipped chart's aggregate query, with counts that add up", async () => {
    const parser = new XMLParser({ ignoreAttributes: false });
    for (const chart of CHARTS) {
      const data = parser.parse(chart.dataDescription) as { datadefinition: { fetchcollection: Record<string, unknown> } };
      const fetchXml = /<fetch[\s>][\s\S]*<\/fetch>/.exec(chart.dataDescription)?.[0] ?? "";
      expect(data.datadefinition.fetchcollection).toBeDefined();
      const response = await fetch("sprx_engagements", fetchXml, { Prefer: 'odata.include-annotations="*"' });
      expect(response.status).toBe(200);
      const groups = response.json.value ?? [];
      expect(groups.length).toBeGreaterThan(1);
      for (const g of groups) expect(g).toHaveProperty(["groupby_column@OData.Community.Display.V1.FormattedValue"]);
      // Counts add up to the engagements they count; an average (wellbeing change) has no total to check.
      if (!chart.dataDescription.includes('aggregate="count"')) continue;
      const total = groups.reduce((sum, g) => sum + Number(g.aggregate_column), 0);
      expect(total).toBe(chart.name.startsWith("Active") ? 23 : 7);
    }
  });

  it.each([
    ["an unknown attribute", `<fetch><entity name="sprx_engagement"><attribute name="sprx_shoesize" /></entity></fetch>`, 400],
    ["an unknown operator", `<fetch><entity name="sprx_engagement"><filter><condition attribute="sprx_stage" operator="roughly" value="1" /></filter></entity></fetch>`, 400],
    ["a value of the wrong type", `<fetch><entity name="sprx_engagement"><filter><condition attribute="sprx_stage" operator="eq" value="closing" /></filter></entity></fetch>`, 400],
    ["malformed XML", `<fetch><entity name="sprx_engagement"><attribute name="sprx_name"></fetch>`, 400],
    ["another table than the entity set", `<fetch><entity name="contact"><attribute name="fullname" /></entity></fetch>`, 400],
    ["an injected attribute name", `<fetch><entity name="sprx_engagement"><attribute name='sprx_name" FROM contact; --' /></entity></fetch>`, 400],
    ["an injected alias", `<fetch aggregate="true"><entity name="sprx_engagement"><attribute name="sprx_stage" groupby="true" alias='x"; DROP TABLE contact; --' /></entity></fetch>`, 400],
  ])("answers %s with a Dataverse-shaped error", async (_what, xml, status) => {
    const response = await fetch("sprx_engagements", xml);
    expect(response.status).toBe(status);
    expect(response.json.error?.code).toMatch(/^0x[0-9a-f]{8}$/);
    expect((await env.request("GET", "contacts?$count=true&$top=1")).json["@odata.count"]).toBe(1);
  });

  it("treats a quote in a condition value as data", async () => {
    const response = await engagements(`<filter><condition attribute="sprx_name" operator="eq" value="x' OR '1'='1" /></filter>`);
    expect(response.status).toBe(200);
    expect(response.json.value).toEqual([]);
    expect((await env.request("GET", "contacts?$count=true")).json["@odata.count"]).toBe(SEEDED_PEOPLE);
  });
});
