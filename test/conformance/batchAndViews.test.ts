import { SUPERVISOR_VIEWS } from "../../solution/views";
import { type Conformance, clientError, startConformance } from "./support/client";

/**
 * Issue 10 items 2–4: $batch failure semantics and Content-ID references,
 * FetchXML paging cookies, and savedQuery / userQuery.
 */

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c.close();
});

function part(method: string, url: string, body?: unknown, contentId?: string): string {
  return [
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    ...(contentId ? [`Content-ID: ${contentId}`] : []),
    "",
    `${method} ${url} HTTP/1.1`,
    "Content-Type: application/json",
    "",
    body === undefined ? "" : JSON.stringify(body),
  ].join("\r\n");
}
const changeSet = (parts: string[]) =>
  `--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n${parts.map((p) => `--changeset_1\r\n${p}\r\n`).join("")}--changeset_1--\r\n`;
const batch = (...sections: string[]) => `${sections.join("")}--batch_1--\r\n`;
const single = (p: string) => `--batch_1\r\n${p}\r\n`;
const send = (body: string, headers: Record<string, string> = {}) =>
  c.env.request("POST", "$batch", body, { "Content-Type": "multipart/mixed; boundary=batch_1", ...headers });

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
describe("$batch", () => {
  it("answers 400 with the failing request's error when a change set fails without continue-on-error, and keeps nothing", async () => {
    const before = await c.env.request("GET", "contacts?$count=true&$select=contactid");
    const response = await send(batch(changeSet([
      part("POST", "contacts", { firstname: "Ann", lastname: "Atomic" }, "1"),
      part("POST", "contacts", { firstname: "Bea", lastname: "x".repeat(51) }, "2"),
    ])));
    expect(response.status).toBe(400);
    expect(response.headers.get("OData-Version")).toBe("4.0");
    expect(response.text).toContain("HTTP/1.1 400 Bad Request");
    expect(response.text).toContain("'lastname'");
    const after = await c.env.request("GET", "contacts?$count=true&$select=contactid");
    expect(after.json["@odata.count"]).toBe(before.json["@odata.count"]);
  });

  it("stops at the first failing request outside a change set, but answers 200 and goes on with Prefer: odata.continue-on-error", async () => {
    const body = batch(single(part("GET", "contacts(00000000-0000-4000-8000-000000000000)")), single(part("GET", "contacts?$top=1&$select=fullname")));
    const stopped = await send(body);
    expect(stopped.status).toBe(404);
    expect(stopped.text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    const continued = await send(body, { Prefer: "odata.continue-on-error" });
    expect(continued.status).toBe(200);
    expect(continued.text).toContain("HTTP/1.1 404 Not Found");
    expect(continued.text).toContain("HTTP/1.1 200 OK");
  });

  it("resolves $1 in a later request's URL (PATCH $1) and body (@odata.bind)", async () => {
    const response = await send(batch(changeSet([
      part("POST", "contacts", { firstname: "Cal", lastname: "Content" }, "1"),
      part("PATCH", "$1", { telephone1: "0100" }, "2"),
      part("POST", "sprx_engagements", { "sprx_contactid@odata.bind": "$1", sprx_referraldate: "2025-02-03" }, "3"),
    ])));
    expect(response.status).toBe(200);
    expect(response.text.match(/HTTP\/1\.1 204/g)).toHaveLength(3);
    const contact = await c.env.request("GET", "contacts?$filter=lastname eq 'Content'&$select=telephone1,contactid");
    expect(contact.json.value?.[0].telephone1).toBe("0100");
    const engagement = await c.env.request("GET", `sprx_engagements?$filter=_sprx_contactid_value eq ${String(contact.json.value?.[0].contactid)}&$select=sprx_engagementid`);
    expect(engagement.json.value).toHaveLength(1);
  });

  it("refuses a reference to a Content-ID not declared before it with 400", async () => {
    const response = await send(batch(changeSet([part("PATCH", "$7", { telephone1: "0100" }, "1")])));
    expect(response.status).toBe(400);
    expect(response.text).toContain("Content-ID Reference: '$7' does not exist in the batch context.");
  });

  it("works through DynamicsWebApi's batch: a change set commits together", async () => {
    c.client.startBatch();
    void c.client.create({ collection: "contacts", data: { firstname: "Dee", lastname: "Client" }, contentId: "1" });
    void c.client.create({ collection: "sprx_engagements", data: { "sprx_contactid@odata.bind": "$1", sprx_referraldate: "2025-03-01" } });
    const results = await c.client.executeBatch();
    expect(results).toHaveLength(2);
    const contact = await c.client.retrieveMultiple({ collection: "contacts", select: ["contactid"], filter: "lastname eq 'Client'" });
    expect(contact.value).toHaveLength(1);
  });

  it("rejects DynamicsWebApi's batch with the failing request's error when a change set fails, and keeps nothing", async () => {
    c.client.startBatch();
    void c.client.create({ collection: "contacts", data: { firstname: "Eve", lastname: "Rejected" } });
    void c.client.create({ collection: "contacts", data: { firstname: "Eve", shoesize: 5 } });
    const error = await clientError(c.client.executeBatch());
    expect(JSON.stringify(error)).toContain("0x80048d19");
    const kept = await c.client.retrieveMultiple({ collection: "contacts", select: ["contactid"], filter: "lastname eq 'Rejected'" });
    expect(kept.value).toEqual([]);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/page-results
describe("FetchXML paging cookies", () => {
  const xml = `<fetch count="7"><entity name="contact"><attribute name="fullname" /><order attribute="fullname" /></entity></fetch>`;

  it("returns the paging cookie and morerecords when asked, and DynamicsWebApi pages through every row with it", async () => {
    const all = await c.env.request("GET", "contacts?$count=true&$select=contactid");
    const first = await c.env.request("GET", `contacts?fetchXml=${encodeURIComponent(xml)}`, undefined, { Prefer: 'odata.include-annotations="*"' });
    expect(first.json["@Microsoft.Dynamics.CRM.morerecords"]).toBe(true);
    expect(first.headers.get("Preference-Applied")).toBe('odata.include-annotations="*"');
    const cookie = String(first.json["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"]);
    expect(cookie).toMatch(/^<cookie pagenumber="2" pagingcookie="%253ccookie%2520page%253d%25221%2522%253e.*" istracking="False" \/>$/);

    // As against Dataverse, the client must ask for the cookie annotation.
    const paged = await c.client.fetchAll({ collection: "contacts", fetchXml: xml, includeAnnotations: "Microsoft.Dynamics.CRM.fetchxmlpagingcookie" });
    expect(paged.value).toHaveLength(Number(all.json["@odata.count"]));
    const names = paged.value.map((r: { fullname: string }) => r.fullname);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" })));
  });

  it("leaves out properties whose value is null, as FetchXML results do", async () => {
    const response = await c.env.request("GET", `contacts?fetchXml=${encodeURIComponent(`<fetch top="40"><entity name="contact"><attribute name="fullname" /><attribute name="mobilephone" /></entity></fetch>`)}`);
    for (const row of response.json.value ?? []) expect(row).not.toHaveProperty("mobilephone", null);
  });
});

// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-and-execute-predefined-queries
describe("savedQuery and userQuery", () => {
  const view = SUPERVISOR_VIEWS.find((v) => v.name === "Ready to close") ?? SUPERVISOR_VIEWS[0];

  it("runs a system view by id with its FetchXML and columns", async () => {
    const bySaved = await c.env.request("GET", `sprx_engagements?savedQuery=${view.savedQueryId}`);
    const byFetch = await c.env.request("GET", `sprx_engagements?fetchXml=${encodeURIComponent(view.fetchXml)}`);
    expect(bySaved.status).toBe(200);
    expect(bySaved.json.value).toEqual(byFetch.json.value);
    const everything = await c.env.request("GET", "sprx_engagements?$count=true&$select=sprx_name");
    expect(bySaved.json.value?.length).toBeLessThan(Number(everything.json["@odata.count"]));
    const allowed = new Set(["@odata.etag", "sprx_engagementid", ...view.columns.map((col) => (col.name.endsWith("id") && col.name !== "sprx_engagementid" ? `_${col.name}_value` : col.name))]);
    for (const key of Object.keys(bySaved.json.value?.[0] ?? {})) expect(allowed.has(key.split("@")[0]) || key.includes(".")).toBe(true);
  });

  it("runs a user's saved view, created through the client", async () => {
    const created: string = await c.client.create({
      collection: "userqueries",
      data: { name: "Closed engagements", returnedtypecode: "sprx_engagement", querytype: 0, fetchxml: `<fetch><entity name="sprx_engagement"><attribute name="sprx_name" /><filter><condition attribute="statecode" operator="eq" value="1" /></filter></entity></fetch>` },
    });
    const rows = await c.env.request("GET", `sprx_engagements?userQuery=${created}`);
    const viaClient = await c.client.retrieve<{ value: unknown[] }>({ collection: "sprx_engagements", userQuery: created });
    expect(viaClient.value).toEqual(rows.json.value);
    const closed = await c.env.request("GET", "sprx_engagements?$filter=statecode eq 1&$select=sprx_name");
    expect(rows.json.value?.map((r) => r.sprx_name).sort()).toEqual(closed.json.value?.map((r) => r.sprx_name).sort());
  });

  it("answers 404 0x80040217 for an unknown view id, and 400 for a view of another table", async () => {
    const unknown = await c.env.request("GET", "sprx_engagements?savedQuery=00000000-0000-4000-8000-00000000abcd");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe("0x80040217");
    const unknownUser = await clientError(c.client.retrieve({ collection: "sprx_engagements", userQuery: "00000000-0000-4000-8000-00000000abcd" }));
    expect(unknownUser.status).toBe(404);
    const wrongTable = await c.env.request("GET", `contacts?savedQuery=${view.savedQueryId}`);
    expect(wrongTable.status).toBe(400);
  });
});
