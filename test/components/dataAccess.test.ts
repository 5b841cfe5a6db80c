import { ConflictError, DataverseError } from "../../components/shared/errors";
import { createGateway, seenVersion } from "../../components/shared/gateway";
import { contactIdOf } from "../../components/shared/hostContext";
import { loadQueries, recordId } from "../../components/shared/store";
import { createStrings } from "../../components/shared/strings";
import { fromLocalInput, toLocalInput } from "../../components/shared/format";
import { fetchWebApi } from "../../components/harness/webApi";
import { FakeWebApi, platformError } from "./support/fakeWebApi";

type FetchCall = { url: string; init?: RequestInit };
const urlOf = (url: RequestInfo | URL) => (typeof url === "string" ? url : url instanceof URL ? url.href : url.url);
const LOCAL = "http://127.0.0.1:8080";
const WEB_API = `${LOCAL}/api/data/v9.2`;
function fakeFetch(answer: { status: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: FetchCall[] = [];
  const fetchImpl = (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: urlOf(url), init });
    return Promise.resolve({
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      headers: { get: (name: string) => answer.headers?.[name] ?? null },
      json: () => (answer.body === undefined ? Promise.reject(new SyntaxError("no body")) : Promise.resolve(answer.body)),
    } as Partial<Response> as Response);
  };
  return { calls, fetchImpl: fetchImpl };
}

describe("the gateway's etag check", () => {
  it("over ComponentFramework.WebApi: refuses to write when the record's etag has moved on", async () => {
    const webAPI = new FakeWebApi();
    const id = webAPI.seed("sprx_goal", { sprx_name: "Walk" });
    const seen = webAPI.row("sprx_goal", id)?.["@odata.etag"] as string;
    webAPI.touch("sprx_goal", id, { sprx_name: "Walk twice a week" });
    const gateway = createGateway(webAPI);
    await expect(gateway.update("goal", { id, etag: seen }, { sprx_confidence: 5 })).rejects.toBeInstanceOf(ConflictError);
    expect(webAPI.writes()).toHaveLength(0);

    const fresh = webAPI.row("sprx_goal", id)?.["@odata.etag"] as string;
    await gateway.update("goal", { id, etag: fresh }, { sprx_confidence: 5 });
    expect(webAPI.row("sprx_goal", id)).toMatchObject({ sprx_name: "Walk twice a week", sprx_confidence: 5 });
  });

  it("with the org URL: sends If-Match, maps 412 to a conflict and any other refusal to Dataverse's message", async () => {
    const conflict = fakeFetch({ status: 412, body: { error: { code: "0x80060882", message: "version mismatch" } } });
    const gateway = createGateway(new FakeWebApi(), { clientUrl: "https://org.crm11.dynamics.com/", fetch: conflict.fetchImpl });
    const record = { id: "6f1c2b9e-0000-4000-8000-000000000001", etag: 'W/"42"' };
    await expect(gateway.update("engagement", record, { sprx_closurereason: 727000000 })).rejects.toBeInstanceOf(ConflictError);
    expect(conflict.calls[0].url).toBe(`https://org.crm11.dynamics.com/api/data/v9.2/sprx_engagements(${record.id})`);
    expect(conflict.calls[0].init?.headers).toMatchObject({ "If-Match": 'W/"42"', "OData-Version": "4.0" });
    expect(JSON.parse(conflict.calls[0].init?.body as string)).toEqual({ sprx_closurereason: 727000000 });

    const refused = fakeFetch({ status: 400, body: { error: { code: "0x80040265", message: "Closure needs a summary" } } });
    const error: unknown = await createGateway(new FakeWebApi(), { clientUrl: "https://org", fetch: refused.fetchImpl })
      .update("engagement", record, { statecode: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataverseError);
    expect(error).toMatchObject({ message: "Closure needs a summary", status: 400, code: "0x80040265" });
  });

  it("a newer etag from the server's own rollups is no conflict when the columns the user sees are unchanged", async () => {
    const webAPI = new FakeWebApi();
    const id = webAPI.seed("sprx_engagement", { sprx_closuresummary: "Met twice a week", sprx_stage: 727000002 });
    const loaded = { ...webAPI.row("sprx_engagement", id) };
    // An async step writes rollups after the user's last save: the etag moves on, the summary does not.
    webAPI.touch("sprx_engagement", id, { sprx_stage: 727000003, sprx_checklistcomplete: true });
    await createGateway(webAPI).update("engagement", seenVersion(loaded, id, ["sprx_closuresummary"]), { sprx_nextsteps: "Walking group" });
    expect(webAPI.writes()).toHaveLength(1);
    expect(webAPI.row("sprx_engagement", id)).toMatchObject({ sprx_stage: 727000003, sprx_nextsteps: "Walking group" });
  });

  it("a change to a column the user sees is still a conflict, and nothing is written", async () => {
    const webAPI = new FakeWebApi();
    const id = webAPI.seed("sprx_engagement", { sprx_closuresummary: "Met twice a week" });
    const loaded = { ...webAPI.row("sprx_engagement", id) };
    webAPI.touch("sprx_engagement", id, { sprx_closuresummary: "Another worker's summary" });
    const before = webAPI.writes().length;
    await expect(
      createGateway(webAPI).update("engagement", seenVersion(loaded, id, ["sprx_closuresummary"]), { sprx_closuresummary: "Mine" }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(webAPI.writes()).toHaveLength(before);
    expect(webAPI.row("sprx_engagement", id)?.sprx_closuresummary).toBe("Another worker's summary");
  });

  it("passes the platform's error message through, with its code", async () => {
    const webAPI = new FakeWebApi();
    webAPI.failNext("createRecord", platformError(0x80040265, "Sessions cannot be booked on a closed engagement"));
    const error: unknown = await createGateway(webAPI).create("appointment", {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DataverseError", message: "Sessions cannot be booked on a closed engagement", code: "0x80040265" });
  });
});

describe("load queries", () => {
  it("only ever put a well-formed record id into a URL", () => {
    expect(recordId("{6F1C2B9E-0000-4000-8000-000000000001}")).toBe("6f1c2b9e-0000-4000-8000-000000000001");
    expect(() => recordId("x' or 1 eq 1")).toThrow("Not a record id");
    expect(() => loadQueries("6f1c2b9e-0000-4000-8000-000000000001 or true")).toThrow("Not a record id");
  });

  it("fetch the open engagement first with its four collections, and every engagement of the person", () => {
    const { current, all } = loadQueries("6f1c2b9e-0000-4000-8000-000000000001");
    expect(current).toContain("$filter=_sprx_contactid_value eq 6f1c2b9e-0000-4000-8000-000000000001");
    expect(current).toContain("$orderby=statecode asc,createdon desc&$top=1");
    expect(current).toMatch(/\$expand=sprx_engagement_Appointments\(\$select=[^)]*\),sprx_engagement_sprx_goal\(/);
    expect(all).not.toContain("$expand");
  });
});

describe("the PCF context", () => {
  it("reads the contact only from a contact form", () => {
    const on = (entityTypeName: string, entityId?: string) => ({ mode: { contextInfo: { entityTypeName, entityId } } }) as unknown as ComponentFramework.Context<unknown>;
    expect(contactIdOf(on("contact", "abc"))).toBe("abc");
    expect(contactIdOf(on("account", "abc"))).toBeUndefined();
    expect(contactIdOf(on("contact"))).toBeUndefined();
  });

  it("fills resx placeholders and shows a missing key rather than nothing", () => {
    const t = createStrings({ getString: (key) => ({ Greeting: "Session {number} of {planned}" })[key] ?? "" });
    expect(t("Greeting", { number: 2, planned: 6 })).toBe("Session 2 of 6");
    expect(t("Greeting", { number: 2 })).toBe("Session 2 of {planned}");
    expect(t("Unknown_Key")).toBe("Unknown_Key");
  });
});

describe("the harness Web API", () => {
  it("creates with the id from OData-EntityId and updates without ever creating", async () => {
    const created = fakeFetch({ status: 204, headers: { "OData-EntityId": `${WEB_API}/sprx_goals(0a1b2c3d-0000-4000-8000-000000000009)` } });
    const api = fetchWebApi(`${WEB_API}/`, created.fetchImpl);
    expect(await api.createRecord("sprx_goal", { sprx_name: "Walk" })).toEqual({ id: "0a1b2c3d-0000-4000-8000-000000000009", entityType: "sprx_goal" });
    expect(created.calls[0]).toMatchObject({ url: `${WEB_API}/sprx_goals`, init: { method: "POST" } });

    const updated = fakeFetch({ status: 204 });
    await fetchWebApi(WEB_API, updated.fetchImpl).updateRecord("appointment", "0a1b2c3d-0000-4000-8000-000000000009", { sprx_attendance: 1 });
    expect(updated.calls[0].url).toBe(`${WEB_API}/appointments(0a1b2c3d-0000-4000-8000-000000000009)`);
    expect(updated.calls[0].init).toMatchObject({ method: "PATCH", headers: { "If-Match": "*" } });
  });

  it("rejects with Dataverse's message and numeric error code", async () => {
    const missing = fakeFetch({ status: 404, body: { error: { code: "0x80040217", message: "sprx_engagement With Id = 1 Does Not Exist" } } });
    const error: unknown = await fetchWebApi(WEB_API, missing.fetchImpl)
      .retrieveRecord("sprx_engagement", "1")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: "sprx_engagement With Id = 1 Does Not Exist", errorCode: 0x80040217, status: 404 });
  });
});

describe("times typed by the user", () => {
  // Europe/London: UTC+1 from the last Sunday of March at 01:00 UTC to the last Sunday of October.
  const london = (instant: Date) => (instant >= new Date("2026-03-29T01:00:00Z") && instant < new Date("2026-10-25T01:00:00Z") ? 60 : 0);

  it("are read in the user's time zone, on either side of the clock change", () => {
    expect(fromLocalInput("2026-06-01T10:00", london)?.toISOString()).toBe("2026-06-01T09:00:00.000Z");
    expect(fromLocalInput("2026-01-15T10:00", london)?.toISOString()).toBe("2026-01-15T10:00:00.000Z");
    expect(fromLocalInput("2026-03-29T03:00", london)?.toISOString()).toBe("2026-03-29T02:00:00.000Z");
    expect(toLocalInput(new Date("2026-06-01T09:00:00Z"), london)).toBe("2026-06-01T10:00");
  });

  it("refuse anything that is not a date and time", () => {
    expect(fromLocalInput("", london)).toBeUndefined();
    expect(fromLocalInput("2026-02-30T10:00", london)).toBeUndefined();
    expect(fromLocalInput("tomorrow", london)).toBeUndefined();
  });
});
