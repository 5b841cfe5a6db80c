import { type TestEnvironment, idFrom, startTestDataverse } from "./support/localDataverse";
import { ClosureReasonValues, StageValues } from "../../solution/generated/dataverse";

let env: TestEnvironment;

beforeEach(async () => {
  env = await startTestDataverse();
});
afterEach(async () => {
  await env.close();
});

async function createContact(firstname: string, lastname: string): Promise<string> {
  const response = await env.request("POST", "contacts", { firstname, lastname, emailaddress1: `${firstname.toLowerCase()}@example.invalid` });
  expect(response.status).toBe(204);
  return idFrom(response);
}

async function createEngagement(contactId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await env.request("POST", "sprx_engagements", {
    "sprx_contactid@odata.bind": `/contacts(${contactId})`,
    sprx_referraldate: "2025-01-06",
    ...extra,
  });
  expect(response.status).toBe(204);
  return idFrom(response);
}

describe("create, read, update, delete", () => {
  it("creates with @odata.bind, answers 204 with OData-EntityId, and reads the lookup back as _x_value", async () => {
    const contactId = await createContact("Ada", "Example");
    const created = await env.request("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: "2025-01-06" });
    expect(created.status).toBe(204);
    expect(created.headers.get("OData-Version")).toBe("4.0");
    const id = idFrom(created);
    expect(created.headers.get("OData-EntityId")).toBe(`${env.apiUrl}sprx_engagements(${id})`);

    const read = await env.request("GET", `sprx_engagements(${id})?$select=sprx_name,_sprx_contactid_value,sprx_stage,sprx_plannedsessions,statecode`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      _sprx_contactid_value: contactId,
      sprx_stage: StageValues.establishing,
      sprx_plannedsessions: 6,
      statecode: 0,
      sprx_engagementid: id,
    });
    expect(read.json.sprx_name).toMatch(/^ENG-\d{6}$/);
    expect(read.json["@odata.etag"]).toMatch(/^W\/"\d+"$/);
    expect(read.json["@odata.context"]).toBe(`${env.apiUrl}$metadata#sprx_engagements(sprx_name,sprx_contactid,sprx_stage,sprx_plannedsessions,statecode)/$entity`);
  });

  it("returns the created row with 201 under Prefer: return=representation", async () => {
    const response = await env.request("POST", "contacts?$select=fullname,firstname", { firstname: "Bea", lastname: "Sample" }, { Prefer: "return=representation" });
    expect(response.status).toBe(201);
    expect(response.headers.get("Preference-Applied")).toBe("return=representation");
    expect(response.json).toMatchObject({ fullname: "Bea Sample", firstname: "Bea" });
    expect(response.json).not.toHaveProperty("lastname");
  });

  it("updates with PATCH, deletes, and then answers 404 0x80040217", async () => {
    const id = await createContact("Cal", "Person");
    const patched = await env.request("PATCH", `contacts(${id})`, { telephone1: "0100 000000" }, { "If-Match": "*" });
    expect(patched.status).toBe(204);
    expect((await env.request("GET", `contacts(${id})?$select=telephone1`)).json.telephone1).toBe("0100 000000");
    expect((await env.request("DELETE", `contacts(${id})`)).status).toBe(204);
    const gone = await env.request("GET", `contacts(${id})`);
    expect(gone.status).toBe(404);
    expect(gone.json.error?.code).toBe("0x80040217");
  });

  it("PATCH without If-Match is an upsert; with If-Match: * on a missing row it is 404", async () => {
    const id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    expect((await env.request("PATCH", `contacts(${id})`, { firstname: "Dee" }, { "If-Match": "*" })).status).toBe(404);
    expect((await env.request("GET", `contacts(${id})`)).status).toBe(404);
    const upserted = await env.request("PATCH", `contacts(${id})`, { firstname: "Dee" });
    expect(upserted.status).toBe(204);
    expect((await env.request("GET", `contacts(${id})?$select=firstname`)).json.firstname).toBe("Dee");
  });

  it("refuses a stale etag with 412 0x80060882 and keeps the newer value", async () => {
    const id = await createContact("Eve", "Person");
    const first = await env.request("GET", `contacts(${id})?$select=telephone1`);
    const etag = String(first.json["@odata.etag"]);
    expect((await env.request("PATCH", `contacts(${id})`, { telephone1: "1" }, { "If-Match": etag })).status).toBe(204);
    const stale = await env.request("PATCH", `contacts(${id})`, { telephone1: "2" }, { "If-Match": etag });
    expect(stale.status).toBe(412);
    expect(stale.json.error?.code).toBe("0x80060882");
    expect((await env.request("GET", `contacts(${id})?$select=telephone1`)).json.telephone1).toBe("1");
  });

  it("rejects an option value the choice does not have, and a value of the wrong type", async () => {
    const contactId = await createContact("Fay", "Person");
    const engagementId = await createEngagement(contactId);
    const badOption = await env.request("PATCH", `sprx_engagements(${engagementId})`, { sprx_closurereason: 5 });
    expect(badOption.status).toBe(400);
    const badType = await env.request("PATCH", `sprx_engagements(${engagementId})`, { sprx_plannedsessions: "six" });
    expect(badType.status).toBe(400);
    expect(badType.json.error?.code).toBe("0x80048d19");
    expect((await env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_plannedsessions`)).json.sprx_plannedsessions).toBe(6);
  });

  it("enforces state and status reason pairs", async () => {
    const contactId = await createContact("Gil", "Person");
    const id = await createEngagement(contactId);
    const wrong = await env.request("PATCH", `sprx_engagements(${id})`, { statecode: 0, statuscode: 2 });
    expect(wrong.status).toBe(400);
    const closed = await env.request("PATCH", `sprx_engagements(${id})`, { statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.goalsMet });
    expect(closed.status).toBe(204);
  });
});

describe("queries", () => {
  it("filters, orders, counts and pages with odata.maxpagesize and @odata.nextLink", async () => {
    for (let i = 0; i < 7; i++) await createContact(`P${i}`, i % 2 === 0 ? "Even" : "Odd");
    const first = await env.request("GET", "contacts?$select=firstname&$filter=lastname eq 'Even' or lastname eq 'Odd'&$orderby=firstname desc&$count=true", undefined, { Prefer: "odata.maxpagesize=3" });
    expect(first.status).toBe(200);
    expect(first.headers.get("Preference-Applied")).toBe("odata.maxpagesize=3");
    expect(first.json["@odata.count"]).toBe(7);
    const names: unknown[] = first.json.value?.map((r) => r.firstname) ?? [];
    let next = first.json["@odata.nextLink"] as string | undefined;
    while (next) {
      const page = await env.request("GET", next, undefined, { Prefer: "odata.maxpagesize=3" });
      names.push(...(page.json.value?.map((r) => r.firstname) ?? []));
      next = page.json["@odata.nextLink"] as string | undefined;
    }
    expect(names).toEqual(["P6", "P5", "P4", "P3", "P2", "P1", "P0"]);
  });

  it("supports contains, startswith, not, null, In and $top", async () => {
    await createContact("Hana", "Brook");
    await createContact("Ivan", "Brookes");
    await createContact("Jo", "Field");
    const run = async (filter: string) =>
      ((await env.request("GET", `contacts?$select=firstname&$orderby=firstname&$filter=${encodeURIComponent(filter)}`)).json.value ?? []).map((r) => r.firstname);
    expect(await run("contains(lastname,'rook')")).toEqual(["Hana", "Ivan"]);
    expect(await run("startswith(lastname,'Brook') and not endswith(lastname,'es')")).toEqual(["Hana"]);
    expect(await run("telephone1 eq null and firstname ne 'Jo'")).toEqual(["Hana", "Ivan"]);
    expect(await run("Microsoft.Dynamics.CRM.In(PropertyName='lastname',PropertyValues=['Field','Brookes'])")).toEqual(["Ivan", "Jo"]);
    const top = await env.request("GET", "contacts?$select=firstname&$orderby=firstname&$top=2");
    expect(top.json.value?.map((r) => r.firstname)).toEqual(["Hana", "Ivan"]);
  });

  it("returns formatted values and lookup annotations when asked", async () => {
    const contactId = await createContact("Kit", "Person");
    const id = await createEngagement(contactId);
    const plain = await env.request("GET", `sprx_engagements(${id})?$select=sprx_stage,_sprx_contactid_value`);
    expect(plain.json).not.toHaveProperty(["sprx_stage@OData.Community.Display.V1.FormattedValue"]);
    const annotated = await env.request("GET", `sprx_engagements(${id})?$select=sprx_stage,_sprx_contactid_value,sprx_consent,sprx_referraldate`, undefined, {
      Prefer: 'odata.include-annotations="*"',
    });
    expect(annotated.json).toMatchObject({
      "sprx_stage@OData.Community.Display.V1.FormattedValue": "Establishing",
      "sprx_consent@OData.Community.Display.V1.FormattedValue": "No",
      "_sprx_contactid_value@OData.Community.Display.V1.FormattedValue": "Kit Person",
      "_sprx_contactid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "contact",
      "_sprx_contactid_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "sprx_contactid",
    });
  });

  it("expands a single-valued and a collection-valued navigation property one level", async () => {
    const contactId = await createContact("Lee", "Person");
    const id = await createEngagement(contactId);
    await env.request("POST", "appointments", { subject: "Session", scheduledstart: "2025-01-13T10:00:00Z", scheduledend: "2025-01-13T11:00:00Z", "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${id})` });
    const single = await env.request("GET", `sprx_engagements(${id})?$select=sprx_name&$expand=sprx_contactid($select=fullname)`);
    expect(single.json.sprx_contactid).toMatchObject({ fullname: "Lee Person", contactid: contactId });
    const many = await env.request("GET", `contacts(${contactId})?$select=fullname&$expand=sprx_contact_sprx_engagement($select=sprx_name;$filter=statecode eq 0)`);
    expect(many.json.sprx_contact_sprx_engagement).toHaveLength(1);
    const sessions = await env.request("GET", `sprx_engagements(${id})/sprx_engagement_Appointments?$select=subject,statecode,_regardingobjectid_value`);
    expect(sessions.json.value).toEqual([expect.objectContaining({ subject: "Session", statecode: 3, _regardingobjectid_value: id })]);
  });

  it("answers WhoAmI with the default user", async () => {
    const who = await env.request("GET", "WhoAmI");
    expect(who.status).toBe(200);
    expect(who.json).toHaveProperty("UserId");
    expect(who.json).toHaveProperty("BusinessUnitId");
  });
});

describe("errors as Dataverse shapes them, changing nothing", () => {
  it("404 0x8006088a for an unknown entity set", async () => {
    const response = await env.request("GET", "sprx_nothings");
    expect(response.status).toBe(404);
    expect(response.json.error).toEqual({ code: "0x8006088a", message: "Resource not found for the segment 'sprx_nothings'." });
  });

  it.each([
    ["$select", "contacts?$select=fullname,shoesize"],
    ["$filter", "contacts?$filter=shoesize eq 4"],
    ["$orderby", "contacts?$orderby=shoesize"],
    ["$expand", "contacts?$expand=sprx_nothing"],
    ["a lookup by its plain name", "sprx_engagements?$filter=sprx_contactid eq null"],
  ])("400 0x80060888 for an unknown property in %s", async (_where, path) => {
    const response = await env.request("GET", path);
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe("0x80060888");
    expect(response.json.error?.message).toMatch(/Could not find a property named/);
  });

  it("400 for an unknown column in a body, and nothing is written", async () => {
    const response = await env.request("POST", "contacts", { firstname: "Mo", shoesize: 9 });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe("0x80048d19");
    expect((await env.request("GET", "contacts?$count=true")).json["@odata.count"]).toBe(0);
  });

  it.each([
    "contacts?$filter=firstname eq",
    "contacts?$filter=firstname eq 'unterminated",
    "contacts?$filter=(firstname eq 'a'",
    "contacts?$top=-1",
    "contacts?$orderby=firstname sideways",
    "contacts?$unknown=1",
    "contacts?$filter=tolower(firstname) eq 'a'",
    "contacts?$filter=statecode eq 'zero'",
    "contacts(not-a-guid)",
  ])("400 for malformed OData: %s", async (path) => {
    const response = await env.request("GET", path);
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toMatch(/^0x[0-9a-f]{8}$/);
  });

  it("400 for a body that is not JSON", async () => {
    const response = await env.request("POST", "contacts", "{ not json", { "Content-Type": "application/json" });
    expect(response.status).toBe(400);
    expect(response.json.error?.code).toBe("0x80048d19");
  });

  it.each([
    "firstname eq 'x'; DROP TABLE contact; --",
    "firstname eq 'x'' OR 1=1 --'",
    "firstname eq 'x' or 1 eq 1",
    "contains(firstname,'%') or \"contact\".\"firstname\" eq 'a'",
  ])("treats a SQL-injection attempt in $filter as data or a 400, never as SQL: %s", async (filter) => {
    await createContact("Nia", "Person");
    const response = await env.request("GET", `contacts?$select=firstname&$filter=${encodeURIComponent(filter)}`);
    expect([200, 400]).toContain(response.status);
    if (response.status === 200) expect(response.json.value).toEqual([]);
    const all = await env.request("GET", "contacts?$select=firstname");
    expect(all.json.value?.map((r) => r.firstname)).toEqual(["Nia"]);
  });

  it("contains() matches % and _ literally", async () => {
    await createContact("Oli", "100%");
    await createContact("Pat", "Person");
    const response = await env.request("GET", `contacts?$select=firstname&$filter=${encodeURIComponent("contains(lastname,'%')")}`);
    expect(response.json.value?.map((r) => r.firstname)).toEqual(["Oli"]);
  });
});

describe("the closure business event", () => {
  const event = {
    EngagementId: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
    ContactId: "1c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
    ClosureReason: ClosureReasonValues.goalsMet,
    ClosedOn: "2025-03-01T10:00:00Z",
    SessionsAttended: 6,
  };

  it("records sprx_OnEngagementClosed and lists it at /_emulator/events", async () => {
    const response = await env.request("POST", "sprx_OnEngagementClosed", event);
    expect(response.status).toBe(204);
    const events = await env.request("GET", "/_emulator/events");
    expect(events.json.value).toEqual([expect.objectContaining({ name: "sprx_OnEngagementClosed", parameters: event })]);
  });

  it("rejects a missing or mistyped parameter and records nothing", async () => {
    expect((await env.request("POST", "sprx_OnEngagementClosed", { ...event, SessionsAttended: "six" })).status).toBe(400);
    expect((await env.request("POST", "sprx_OnEngagementClosed", { ...event, ContactId: undefined })).status).toBe(400);
    expect((await env.request("POST", "sprx_OnEngagementClosed", { ...event, Extra: 1 })).status).toBe(400);
    expect((await env.request("GET", "/_emulator/events")).json.value).toEqual([]);
  });
});
