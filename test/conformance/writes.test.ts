import { ClosureCheckItemValues } from "../../solution/generated/dataverse";
import { resolveAlternateKeyBinds } from "../../emulator/webapi/resources";
import { idFrom } from "../emulator/support/localDataverse";
import { type Conformance, clientError, startConformance } from "./support/client";

/**
 * Issue 10 item 7: write and addressing features, through DynamicsWebApi and raw HTTP.
 */

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c.close();
});

const CONTACT = "de0a0001-0000-4000-8000-000000000001";
const ENGAGEMENT = "de0a0002-0000-4000-8000-000000000001";
const newContact = async (lastname: string) => idFrom(await c.env.request("POST", "contacts", { firstname: "Test", lastname }));

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
describe("$ref", () => {
  it("associates and disassociates on a collection-valued navigation property", async () => {
    const goal = idFrom(await c.env.request("POST", "sprx_goals", { sprx_name: "Walk weekly", "sprx_engagementid@odata.bind": `/sprx_engagements(${ENGAGEMENT})` }));
    const other = "de0a0002-0000-4000-8000-000000000002";
    await c.client.associate({ collection: "sprx_engagements", primaryKey: other, relatedCollection: "sprx_goals", relatedKey: goal, relationshipName: "sprx_engagement_sprx_goal" });
    const refs = await c.env.request("GET", `sprx_engagements(${other})/sprx_engagement_sprx_goal/$ref`);
    expect(refs.json["@odata.context"]).toMatch(/\$metadata#Collection\(\$ref\)$/);
    expect(refs.json.value?.map((r) => r["@odata.id"])).toContain(`${c.env.apiUrl}sprx_goals(${goal})`);
    await c.client.disassociate({ collection: "sprx_engagements", primaryKey: other, relationshipName: "sprx_engagement_sprx_goal", relatedKey: goal });
    const after = await c.env.request("GET", `sprx_goals(${goal})?$select=_sprx_engagementid_value`);
    expect(after.json._sprx_engagementid_value).toBeNull();
  });

  it("sets and clears a single-valued navigation property", async () => {
    const approver = "a11ce000-0000-4000-8000-000000000002";
    await c.client.associateSingleValued({ collection: "sprx_engagements", primaryKey: ENGAGEMENT, navigationProperty: "sprx_extensionapproverid", relatedCollection: "systemusers", relatedKey: approver });
    const set = await c.env.request("GET", `sprx_engagements(${ENGAGEMENT})/sprx_extensionapproverid?$select=fullname`);
    expect(set.json.systemuserid).toBe(approver);
    await c.client.disassociateSingleValued({ collection: "sprx_engagements", primaryKey: ENGAGEMENT, navigationProperty: "sprx_extensionapproverid" });
    const cleared = await c.env.request("GET", `sprx_engagements(${ENGAGEMENT})/sprx_extensionapproverid/$ref`);
    expect(cleared.status).toBe(204);
  });

  it("refuses a reference to a row of the wrong table with 400", async () => {
    const response = await c.env.request("PUT", `sprx_engagements(${ENGAGEMENT})/sprx_extensionapproverid/$ref`, { "@odata.id": `${c.env.apiUrl}contacts(${CONTACT})` });
    expect(response.status).toBe(400);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api#update-a-single-property-value
describe("a single column by URL", () => {
  it("reads, writes and clears one property", async () => {
    const id = await newContact("Single");
    await c.client.updateSingleProperty({ collection: "contacts", key: id, fieldValuePair: { telephone1: "0123" } });
    const read = await c.env.request("GET", `contacts(${id})/telephone1`);
    expect(read.json).toEqual({ "@odata.context": `${c.env.apiUrl}$metadata#contacts(${id})/telephone1`, value: "0123" });
    expect((await c.env.request("DELETE", `contacts(${id})/telephone1`)).status).toBe(204);
    expect((await c.env.request("GET", `contacts(${id})/telephone1`)).status).toBe(204);
  });

  it("validates the value as a full update would", async () => {
    const id = await newContact("Validated");
    const response = await c.env.request("PUT", `contacts(${id})/telephone1`, { value: 42 });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe("0x80048d19");
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-data-web-api#count-number-of-rows
describe("$count", () => {
  it("answers the number of rows alone, with and without $filter", async () => {
    const all = await c.env.request("GET", "contacts?$count=true&$select=contactid");
    expect(await c.client.count({ collection: "contacts" })).toBe(all.json["@odata.count"]);
    // The number alone, after a UTF-8 byte order mark (fetch's text() drops the mark, so read the bytes).
    const raw = Buffer.from(await (await fetch(`${c.env.apiUrl}contacts/$count`)).arrayBuffer());
    expect(raw.toString("latin1")).toBe(`\u00ef\u00bb\u00bf${String(all.json["@odata.count"])}`);
    expect(await c.client.count({ collection: "contacts", filter: "lastname eq 'Carrow'" })).toBeLessThan(Number(all.json["@odata.count"]));
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-entity-using-web-api#retrieve-using-an-alternate-key
// https://learn.microsoft.com/power-apps/developer/data-platform/use-upsert-insert-update-record
describe("the closure check's alternate key (engagement, item)", () => {
  const key = (engagement: string, item: number) => `sprx_closurechecks(sprx_engagementid=${engagement},sprx_item=${item})`;

  it("reads a row by its alternate key, and upserts by it", async () => {
    const engagement = idFrom(await c.env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${CONTACT})`, sprx_referraldate: "2025-01-01" }));
    const created = await c.env.request("PATCH", key(engagement, ClosureCheckItemValues.achievementsCelebrated), { sprx_name: "Goals reviewed", sprx_done: false });
    expect(created.status).toBe(204);
    const read = await c.client.retrieve<{ sprx_done: boolean; _sprx_engagementid_value: string }>({ collection: "sprx_closurechecks", key: `sprx_engagementid=${engagement},sprx_item=${ClosureCheckItemValues.achievementsCelebrated}`, select: ["sprx_done", "_sprx_engagementid_value"] });
    expect(read).toEqual(expect.objectContaining({ sprx_done: false, _sprx_engagementid_value: engagement }));
    await c.env.request("PATCH", key(engagement, ClosureCheckItemValues.achievementsCelebrated), { sprx_done: true });
    const count = await c.env.request("GET", `sprx_closurechecks?$count=true&$select=sprx_done&$filter=_sprx_engagementid_value eq ${engagement}`);
    expect(count.json.value).toEqual([expect.objectContaining({ sprx_done: true })]);
  });

  it("refuses a second row with the same key with Dataverse's duplicate key error, and keeps the first", async () => {
    const engagement = idFrom(await c.env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${CONTACT})`, sprx_referraldate: "2025-01-01" }));
    const body = { sprx_name: "Summary shared", "sprx_engagementid@odata.bind": `/sprx_engagements(${engagement})`, sprx_item: ClosureCheckItemValues.stayingWellPlanAgreed };
    expect((await c.env.request("POST", "sprx_closurechecks", body)).status).toBe(204);
    const duplicate = await clientError(c.client.create({ collection: "sprx_closurechecks", data: body }));
    expect(duplicate.status).toBe(412);
    expect(duplicate.code).toBe("0x80040237");
    const rows = await c.env.request("GET", `sprx_closurechecks?$select=sprx_item&$filter=_sprx_engagementid_value eq ${engagement}`);
    expect(rows.json.value).toHaveLength(1);
  });

  it("turns a bind by alternate key into a bind by id (no lookup in this schema targets a keyed table, so the translation is checked directly)", async () => {
    const engagement = idFrom(await c.env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${CONTACT})`, sprx_referraldate: "2025-01-01" }));
    const check = idFrom(await c.env.request("PATCH", key(engagement, ClosureCheckItemValues.referrerInformed), { sprx_name: "Referrer informed" }));
    const bound = resolveAlternateKeyBinds(c.env.dataverse.store, { "x@odata.bind": `/${key(engagement, ClosureCheckItemValues.referrerInformed)}`, other: 1 });
    expect(bound).toEqual({ "x@odata.bind": `/sprx_closurechecks(${check})`, other: 1 });
    expect(() => resolveAlternateKeyBinds(c.env.dataverse.store, { "x@odata.bind": `/${key(engagement, ClosureCheckItemValues.returnRouteExplained)}` })).toThrow(/Does Not Exist/);
    const notKey = await c.env.request("POST", "sprx_goals", { sprx_name: "x", "sprx_engagementid@odata.bind": "/sprx_engagements(sprx_name='ENG-000001')" });
    expect(notKey.status).toBe(400);
  });

  it("answers 404 for a key with no row on GET, and 400 for columns that are not a key", async () => {
    expect((await c.env.request("GET", key("00000000-0000-4000-8000-000000000000", ClosureCheckItemValues.stayingWellPlanAgreed))).status).toBe(404);
    const notKey = await c.env.request("GET", "sprx_closurechecks(sprx_note='x')");
    expect(notKey.status).toBe(400);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#create-related-table-rows-in-one-operation
describe("deep insert", () => {
  it("creates a contact, its engagement and the engagement's goals in one POST", async () => {
    const id: string = await c.client.create({
      collection: "contacts",
      data: { firstname: "Deep", lastname: "Insert", sprx_contact_sprx_engagement: [{ sprx_referraldate: "2025-04-01", sprx_engagement_sprx_goal: [{ sprx_name: "Join a choir" }, { sprx_name: "Cook weekly" }] }] },
    });
    const engagement = await c.env.request("GET", `sprx_engagements?$filter=_sprx_contactid_value eq ${id}&$select=sprx_engagementid&$expand=sprx_engagement_sprx_goal($select=sprx_name)`);
    expect(engagement.json.value).toHaveLength(1);
    expect((engagement.json.value?.[0].sprx_engagement_sprx_goal as { sprx_name: string }[]).map((g) => g.sprx_name).sort()).toEqual(["Cook weekly", "Join a choir"]);
  });

  it("creates nothing when one nested row is invalid", async () => {
    const response = await c.env.request("POST", "contacts", { firstname: "Deep", lastname: "Invalid", sprx_contact_sprx_engagement: [{ sprx_referraldate: "not a date" }] });
    expect(response.status).toBe(400);
    expect((await c.env.request("GET", "contacts?$filter=lastname eq 'Invalid'&$select=contactid")).json.value).toEqual([]);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations
describe("CreateMultiple and UpdateMultiple", () => {
  it("creates and updates several rows in one operation", async () => {
    const created = await c.env.request("POST", "contacts/Microsoft.Dynamics.CRM.CreateMultiple", {
      Targets: [{ "@odata.type": "Microsoft.Dynamics.CRM.contact", firstname: "Multi", lastname: "One" }, { "@odata.type": "Microsoft.Dynamics.CRM.contact", firstname: "Multi", lastname: "Two" }],
    });
    expect(created.status).toBe(200);
    const ids = created.json.Ids as string[];
    expect(ids).toHaveLength(2);
    const updated = await c.env.request("POST", "contacts/Microsoft.Dynamics.CRM.UpdateMultiple", { Targets: ids.map((contactid) => ({ "@odata.type": "Microsoft.Dynamics.CRM.contact", contactid, telephone1: "0777" })) });
    expect(updated.status).toBe(204);
    const rows = await c.env.request("GET", "contacts?$filter=firstname eq 'Multi'&$select=telephone1");
    expect(rows.json.value?.map((r) => r.telephone1)).toEqual(["0777", "0777"]);
  });

  it("writes none of the targets when one is invalid", async () => {
    const response = await c.env.request("POST", "contacts/Microsoft.Dynamics.CRM.CreateMultiple", { Targets: [{ firstname: "Atomic", lastname: "Ok" }, { firstname: "Atomic", shoesize: 9 }] });
    expect(response.status).toBe(400);
    expect((await c.env.request("GET", "contacts?$filter=firstname eq 'Atomic'&$select=contactid")).json.value).toEqual([]);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api#conditional-retrievals
describe("If-None-Match and RetrieveVersion", () => {
  it("answers 304 with no body when the etag is current, and the row when it changed", async () => {
    const id = await newContact("Etag");
    const first = await c.env.request("GET", `contacts(${id})?$select=lastname`);
    const etag = first.headers.get("ETag") ?? "";
    const same = await c.env.request("GET", `contacts(${id})?$select=lastname`, undefined, { "If-None-Match": etag });
    expect(same.status).toBe(304);
    expect(same.text).toBe("");
    await c.env.request("PATCH", `contacts(${id})`, { lastname: "Etag2" });
    const changed = await c.env.request("GET", `contacts(${id})?$select=lastname`, undefined, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.json.lastname).toBe("Etag2");
  });

  it("answers RetrieveVersion", async () => {
    const version = await c.client.callFunction<{ Version: string }>({ functionName: "RetrieveVersion" });
    expect(version.Version).toMatch(/^9\.2\./);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/count-rows
describe("counts stop at 5,000", () => {
  it("caps @odata.count and /$count at 5,000 and says when the limit was exceeded", async () => {
    const store = c.env.dataverse.store;
    const team = store.metadata.require("team");
    store.atomically(() => {
      for (let i = 0; i < 5001; i++) store.insert(team, { teamid: `7ea40000-0000-4000-8000-${String(i).padStart(12, "0")}`, name: `Team ${i}`, versionnumber: store.nextSequence("version") });
    });
    const counted = await c.env.request("GET", "teams?$select=name&$count=true&$top=2", undefined, { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount,Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"' });
    expect(counted.json["@odata.count"]).toBe(2);
    const all = await c.env.request("GET", "teams?$select=name&$count=true", undefined, { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.*"' });
    expect(all.json).toEqual(expect.objectContaining({ "@odata.count": 5000, "@Microsoft.Dynamics.CRM.totalrecordcount": 5000, "@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded": true }));
    expect(await c.client.count({ collection: "teams" })).toBe(5000);
    const small = await c.env.request("GET", "contacts?$select=contactid", undefined, { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount"' });
    expect(small.json["@Microsoft.Dynamics.CRM.totalrecordcount"]).toBe(-1);
  });
});
