import { type TestEnvironment, idFrom, startTestDataverse } from "./support/localDataverse";

let env: TestEnvironment;
beforeEach(async () => {
  env = await startTestDataverse();
});
afterEach(async () => {
  await env.close();
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

function batch(changeSet: string[], extra: string[] = []): string {
  const changes = changeSet.map((p) => `--changeset_1\r\n${p}\r\n`).join("") + "--changeset_1--";
  return (
    `--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n${changes}\r\n` +
    extra.map((p) => `--batch_1\r\n${p}\r\n`).join("") +
    "--batch_1--\r\n"
  );
}

const send = (body: string) => env.request("POST", "$batch", body, { "Content-Type": "multipart/mixed; boundary=batch_1" });

describe("$batch", () => {
  it("commits a change set and resolves $1 references to rows created earlier in it", async () => {
    const response = await send(
      batch(
        [
          part("POST", `${env.apiUrl}contacts`, { firstname: "Ray", lastname: "Batch" }, "1"),
          part("POST", `${env.apiUrl}sprx_engagements`, { "sprx_contactid@odata.bind": "$1", sprx_referraldate: "2025-02-03" }, "2"),
        ],
        [part("GET", `${env.apiUrl}contacts?$select=fullname`)],
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    expect(response.text.match(/HTTP\/1\.1 204/g)).toHaveLength(2);
    expect(response.text).toContain('"fullname":"Ray Batch"');
    const engagements = await env.request("GET", "sprx_engagements?$select=_sprx_contactid_value");
    const contacts = await env.request("GET", "contacts?$select=contactid");
    expect(engagements.json.value?.[0]._sprx_contactid_value).toBe(contacts.json.value?.[0].contactid);
  });

  it("rolls back the whole change set when one request fails, answering that failure only", async () => {
    const keep = idFrom(await env.request("POST", "contacts", { firstname: "Sam", lastname: "Kept" }));
    const response = await send(
      batch([
        part("POST", `${env.apiUrl}contacts`, { firstname: "Tia", lastname: "RolledBack" }, "1"),
        part("PATCH", `${env.apiUrl}contacts(${keep})`, { telephone1: "0200" }, "2"),
        part("POST", `${env.apiUrl}contacts`, { firstname: "Uma", shoesize: 3 }, "3"),
      ]),
    );
    // Without Prefer: odata.continue-on-error the batch answers with the failing request's status.
    expect(response.status).toBe(400);
    expect(response.text).toContain("HTTP/1.1 400");
    expect(response.text).toContain("0x80048d19");
    expect(response.text).not.toContain("HTTP/1.1 204");
    const contacts = await env.request("GET", "contacts?$select=firstname,telephone1");
    expect(contacts.json.value).toEqual([expect.objectContaining({ firstname: "Sam", telephone1: null })]);
  });
});
