/**
 * An in-memory stand-in for `ComponentFramework.WebApi` with the Dataverse
 * behaviour the controls rely on: generated ids, `@odata.etag` that changes on
 * every write, `@odata.bind` lookups stored as `_x_value`, the engagement
 * query's collection `$expand`s, and errors shaped as the platform rejects them.
 * Every call is recorded so tests can count round trips and read payloads.
 */
import { Tables } from "../../../solution/generated/dataverse";

type Row = Record<string, unknown>;
export interface Call {
  readonly method: "retrieveMultipleRecords" | "retrieveRecord" | "createRecord" | "updateRecord" | "deleteRecord";
  readonly entity: string;
  readonly id?: string;
  readonly options?: string;
  readonly data?: Row;
}

const EXPANDS: Record<string, { table: string; lookup: string }> = {
  sprx_engagement_Appointments: { table: "appointment", lookup: "_regardingobjectid_value" },
  sprx_engagement_sprx_goal: { table: "sprx_goal", lookup: "_sprx_engagementid_value" },
  sprx_engagement_sprx_closurecheck: { table: "sprx_closurecheck", lookup: "_sprx_engagementid_value" },
  sprx_engagement_sprx_wellbeingscore: { table: "sprx_wellbeingscore", lookup: "_sprx_engagementid_value" },
  sprx_engagement_sprx_connection: { table: "sprx_connection", lookup: "_sprx_engagementid_value" },
};

const primaryId = (entity: string) => Object.values(Tables).find((t) => t.logicalName === entity)?.primaryIdAttribute ?? `${entity}id`;

/** How the platform rejects: an error carrying Dataverse's code and message. */
export function platformError(errorCode: number, message: string): Error {
  return Object.assign(new Error(message), { errorCode });
}

let counter = 0;
export function newId(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, "0")}`;
}

export class FakeWebApi implements ComponentFramework.WebApi {
  readonly calls: Call[] = [];
  readonly tables = new Map<string, Map<string, Row>>();
  private version = 1000;
  private failures: { method: Call["method"]; error: Error }[] = [];

  /** Adds a row as the server holds it (lookups already as `_x_value`); returns its id. */
  seed(entity: string, row: Row): string {
    const id = (row[primaryId(entity)] as string | undefined) ?? newId();
    this.table(entity).set(id, { ...row, [primaryId(entity)]: id, "@odata.etag": this.nextEtag(), createdon: row.createdon ?? new Date().toISOString() });
    return id;
  }

  row(entity: string, id: string): Row | undefined {
    return this.tables.get(entity)?.get(id);
  }

  rows(entity: string): Row[] {
    return [...this.table(entity).values()];
  }

  /** Someone else saves the row: its etag moves on. */
  touch(entity: string, id: string, changes: Row = {}): void {
    const row = this.row(entity, id);
    if (!row) throw new Error(`no ${entity} ${id}`);
    Object.assign(row, changes, { "@odata.etag": this.nextEtag() });
  }

  /** The next call of this method rejects with `error` (the platform's error object). */
  failNext(method: Call["method"], error: Error): void {
    this.failures.push({ method, error });
  }

  writes(): Call[] {
    return this.calls.filter((c) => c.method === "createRecord" || c.method === "updateRecord" || c.method === "deleteRecord");
  }

  retrieveMultipleRecords(entity: string, options = ""): Promise<ComponentFramework.WebApi.RetrieveMultipleResponse> {
    this.calls.push({ method: "retrieveMultipleRecords", entity, options });
    return this.answer("retrieveMultipleRecords", () => {
      // The community directory: every active service (the only other query the controls make).
      if (entity === "sprx_communityservice") return { entities: this.rows(entity).filter((r) => (r.statecode ?? 0) === 0).map((r) => ({ ...r })), nextLink: undefined as unknown as string };
      if (entity !== "sprx_engagement") throw new Error(`the fake only answers engagement and directory queries, not ${entity}`);
      const contact = /_sprx_contactid_value eq ([0-9a-f-]{36})/.exec(options)?.[1];
      let rows = this.rows(entity).filter((r) => contact === undefined || r._sprx_contactid_value === contact);
      rows.sort((a, b) =>
        options.includes("$orderby=statecode asc,createdon desc")
          ? Number(a.statecode ?? 0) - Number(b.statecode ?? 0) || String(b.createdon).localeCompare(String(a.createdon))
          : String(b.createdon).localeCompare(String(a.createdon)),
      );
      const top = /\$top=(\d+)/.exec(options)?.[1];
      if (top) rows = rows.slice(0, Number(top));
      // Like Dataverse, only the columns asked for come back (plus the key and the etag).
      const select = /^\?\$select=([^&]*)/.exec(options)?.[1]?.split(",");
      const entities = rows.map((r) => {
        const copy: Row = select
          ? Object.fromEntries(Object.entries(r).filter(([column]) => select.includes(column.split("@")[0]) || column === primaryId(entity) || column === "@odata.etag"))
          : { ...r };
        for (const [navigation, { table, lookup }] of Object.entries(EXPANDS)) {
          if (options.includes(`${navigation}(`)) copy[navigation] = this.rows(table).filter((c) => c[lookup] === r.sprx_engagementid).map((c) => ({ ...c }));
        }
        return copy;
      });
      return { entities, nextLink: undefined as unknown as string };
    });
  }

  retrieveRecord(entity: string, id: string, options?: string): Promise<ComponentFramework.WebApi.Entity> {
    this.calls.push({ method: "retrieveRecord", entity, id, options });
    return this.answer("retrieveRecord", () => {
      const row = this.row(entity, id);
      if (!row) throw platformError(0x80040217, `${entity} With Id = ${id} Does Not Exist`);
      return { ...row };
    });
  }

  createRecord(entity: string, data: Row): Promise<ComponentFramework.LookupValue> {
    this.calls.push({ method: "createRecord", entity, data });
    return this.answer("createRecord", () => {
      const id = newId();
      this.table(entity).set(id, { ...this.resolveBinds(data), [primaryId(entity)]: id, "@odata.etag": this.nextEtag(), createdon: new Date().toISOString(), statecode: 0 });
      return { id, entityType: entity };
    });
  }

  updateRecord(entity: string, id: string, data: Row): Promise<ComponentFramework.LookupValue> {
    this.calls.push({ method: "updateRecord", entity, id, data });
    return this.answer("updateRecord", () => {
      const row = this.row(entity, id);
      if (!row) throw platformError(0x80040217, `${entity} With Id = ${id} Does Not Exist`);
      Object.assign(row, this.resolveBinds(data), { "@odata.etag": this.nextEtag() });
      return { id, entityType: entity };
    });
  }

  deleteRecord(entity: string, id: string): Promise<ComponentFramework.LookupValue> {
    this.calls.push({ method: "deleteRecord", entity, id });
    return this.answer("deleteRecord", () => {
      this.table(entity).delete(id);
      return { id, entityType: entity };
    });
  }

  private answer<T>(method: Call["method"], work: () => T): Promise<T> {
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const [{ error }] = this.failures.splice(failure, 1);
      return Promise.reject(error);
    }
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private resolveBinds(data: Row): Row {
    const out: Row = {};
    for (const [key, value] of Object.entries(data)) {
      const bind = /^(.+)@odata\.bind$/.exec(key);
      if (bind && value !== null && typeof value !== "string") throw new Error(`${key} must be a string`);
      if (!bind) {
        out[key] = value;
        continue;
      }
      const lookup = bind[1] === "regardingobjectid_sprx_engagement_appointment" ? "regardingobjectid" : bind[1];
      out[`_${lookup}_value`] = value === null ? null : /\(([^)]+)\)$/.exec(value as string)?.[1];
    }
    return out;
  }

  private table(entity: string): Map<string, Row> {
    let table = this.tables.get(entity);
    if (!table) this.tables.set(entity, (table = new Map<string, Row>()));
    return table;
  }

  private nextEtag(): string {
    return `W/"${++this.version}"`;
  }
}

/** A minimal Response for fetch stubs. */
export function jsonResponse(status: number, body?: unknown): Response {
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: () => null },
    json: () => (body === undefined ? Promise.reject(new SyntaxError("no body")) : Promise.resolve(body)),
  } as unknown as Response;
}

export interface SentRequest {
  readonly url: string;
  readonly init?: RequestInit;
}

/**
 * `fetch` against the org URL, answered from the same fake data: GETs of the
 * engagement set run the fake's query; writes go to `onWrite`.
 */
export function directFetch(webAPI: FakeWebApi, onWrite: (request: SentRequest) => Response): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const stub = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    sent.push({ url, init });
    if ((init?.method ?? "GET") !== "GET") return onWrite({ url, init });
    const query = /\/api\/data\/v9\.2\/sprx_engagements(\?.*)$/.exec(url)?.[1];
    if (query === undefined) return jsonResponse(404, { error: { code: "0x8006088a", message: "Resource not found" } });
    const result = await webAPI.retrieveMultipleRecords("sprx_engagement", query);
    return jsonResponse(200, { value: result.entities });
  };
  return { fetch: stub, sent };
}
