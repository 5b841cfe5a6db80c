import { ConflictError, DataverseError, asDataverseError, readErrorBody } from "./errors";
import { Tables } from "./rows";

export type TableKey = keyof typeof Tables;
export type RowData = Record<string, unknown>;

/** A record as loaded: its id and the `@odata.etag` it had then. */
export interface Versioned {
  readonly id: string;
  readonly etag?: string | null;
  /**
   * The columns the user was looking at, as loaded. With them, a newer etag
   * caused only by other columns — typically the server's own rollups written
   * by an async step just after the user's last save — is not a conflict:
   * the write goes ahead on the fresh etag. Without them, any newer etag is.
   */
  readonly seen?: Readonly<Record<string, unknown>>;
}

/** The version of a row the user is editing, watching only the columns they see. */
export function seenVersion<T extends object>(row: T, id: string | null | undefined, columns: readonly (keyof T & string)[]): Versioned {
  const values = row as Record<string, unknown>;
  return {
    id: id ?? "",
    etag: values["@odata.etag"] as string | null | undefined,
    seen: Object.fromEntries(columns.map((column) => [column, values[column] ?? null])),
  };
}

/**
 * The few Web API operations the controls need. Every update names the etag
 * the user saw, so two people never silently overwrite each other.
 */
export interface DataverseGateway {
  retrieveMultiple(table: TableKey, query: string): Promise<RowData[]>;
  create(table: TableKey, data: RowData): Promise<string>;
  update(table: TableKey, record: Versioned, data: RowData): Promise<void>;
  /** Deletes the row as the user saw it: with the org URL, `If-Match` makes a newer row a conflict. */
  delete(table: TableKey, record: Versioned): Promise<void>;
}

/** A host that lets the control call the Web API itself: the org URL and a fetch that carries the session. */
export interface DirectWebApi {
  /** e.g. "https://contoso.crm11.dynamics.com" or "http://127.0.0.1:8080". */
  readonly clientUrl: string;
  readonly fetch: typeof fetch;
}

/**
 * Over `ComponentFramework.WebApi`, which cannot send headers. Two ways to
 * honour the etag, chosen per host:
 * - with `direct` (model-driven apps give the org URL; so does the local app
 *   shell) the PATCH is sent with `If-Match` and Dataverse itself refuses a
 *   stale write with 412, atomically;
 * - otherwise the record's current etag is read just before the update and
 *   compared, as Dataverse clients without header control do. That leaves a
 *   window of one round trip, which is why the direct path is preferred.
 * The direct path also reads with `If-None-Match: null`: Dataverse may answer
 * a query that expands collections from cache, and a control that has just
 * booked a session must see it on the reload.
 */
export function createGateway(webAPI: ComponentFramework.WebApi, direct?: DirectWebApi): DataverseGateway {
  return {
    async retrieveMultiple(table, query) {
      if (direct) return getWithoutCache(direct, table, query);
      try {
        const result = await webAPI.retrieveMultipleRecords(Tables[table].logicalName, query);
        return result.entities;
      } catch (error) {
        throw asDataverseError(error);
      }
    },
    async create(table, data) {
      try {
        const created = await webAPI.createRecord(Tables[table].logicalName, data);
        return created.id;
      } catch (error) {
        throw asDataverseError(error);
      }
    },
    async update(table, record, data) {
      try {
        await updateOnce(table, record, data);
      } catch (error) {
        if (!(error instanceof ConflictError) || !record.seen) throw error;
        const fresh = await unchangedEtag(table, record, record.seen);
        if (fresh === undefined) throw error;
        await updateOnce(table, { id: record.id, etag: fresh }, data);
      }
    },
    async delete(table, record) {
      try {
        await deleteOnce(table, record);
      } catch (error) {
        if (!(error instanceof ConflictError) || !record.seen) throw error;
        const fresh = await unchangedEtag(table, record, record.seen);
        if (fresh === undefined) throw error;
        await deleteOnce(table, { id: record.id, etag: fresh });
      }
    },
  };

  async function updateOnce(table: TableKey, record: Versioned, data: RowData): Promise<void> {
    const { logicalName, primaryIdAttribute } = Tables[table];
    if (direct && record.etag) return sendWithIfMatch(direct, "PATCH", table, record, data);
    try {
      if (record.etag) {
        const current = await webAPI.retrieveRecord(logicalName, record.id, `?$select=${primaryIdAttribute}`);
        if (current["@odata.etag"] !== record.etag) throw new ConflictError(logicalName);
      }
      await webAPI.updateRecord(logicalName, record.id, data);
    } catch (error) {
      throw asDataverseError(error);
    }
  }

  async function deleteOnce(table: TableKey, record: Versioned): Promise<void> {
    if (direct && record.etag) return sendWithIfMatch(direct, "DELETE", table, record);
    try {
      await webAPI.deleteRecord(Tables[table].logicalName, record.id);
    } catch (error) {
      throw asDataverseError(error);
    }
  }

  /** The record's current etag when every seen column still holds what the user saw; undefined when one changed. */
  async function unchangedEtag(table: TableKey, record: Versioned, seen: Readonly<Record<string, unknown>>): Promise<string | undefined> {
    const { logicalName, primaryIdAttribute } = Tables[table];
    const select = `?$select=${[primaryIdAttribute, ...Object.keys(seen)].join(",")}`;
    let current: RowData;
    try {
      current = direct
        ? ((await getWithoutCache(direct, table, `(${record.id})${select}`, true)) ?? {})
        : await webAPI.retrieveRecord(logicalName, record.id, select);
    } catch (error) {
      throw asDataverseError(error);
    }
    const same = Object.entries(seen).every(([column, value]) => (current[column] ?? null) === value);
    const etag = current["@odata.etag"];
    return same && typeof etag === "string" ? etag : undefined;
  }
}

const ODATA_HEADERS = { Accept: "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0" };

function urlOf(direct: DirectWebApi, path: string): string {
  return `${direct.clientUrl.replace(/\/+$/, "")}/api/data/v9.2/${path}`;
}

async function getWithoutCache(direct: DirectWebApi, table: TableKey, query: string): Promise<RowData[]>;
async function getWithoutCache(direct: DirectWebApi, table: TableKey, query: string, single: true): Promise<RowData | undefined>;
async function getWithoutCache(direct: DirectWebApi, table: TableKey, query: string, single = false): Promise<RowData[] | RowData | undefined> {
  let response: Response;
  try {
    response = await direct.fetch(urlOf(direct, `${Tables[table].entitySetName}${query}`), {
      method: "GET",
      credentials: "same-origin",
      headers: { ...ODATA_HEADERS, Prefer: 'odata.include-annotations="*"', "If-None-Match": "null" },
    });
  } catch {
    throw new DataverseError("The server could not be reached");
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (single) return (await response.json()) as RowData;
  const body = (await response.json()) as { value?: RowData[] };
  return body.value ?? [];
}

/**
 * A PATCH or DELETE that only applies to the version the user saw: Dataverse answers 412 otherwise.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api
 */
async function sendWithIfMatch(direct: DirectWebApi, method: "PATCH" | "DELETE", table: TableKey, record: Versioned, data?: RowData): Promise<void> {
  const { entitySetName, logicalName } = Tables[table];
  const url = urlOf(direct, `${entitySetName}(${record.id})`);
  let response: Response;
  try {
    response = await direct.fetch(url, {
      method,
      credentials: "same-origin",
      headers: { ...ODATA_HEADERS, ...(data ? { "Content-Type": "application/json; charset=utf-8" } : {}), "If-Match": record.etag ?? "*" },
      ...(data ? { body: JSON.stringify(data) } : {}),
    });
  } catch {
    throw new DataverseError("The server could not be reached");
  }
  if (response.status === 412) throw new ConflictError(logicalName);
  if (!response.ok) throw await errorFromResponse(response);
}

/** The refusal as a DataverseError carrying Dataverse's own message and code. */
export async function errorFromResponse(response: Response): Promise<DataverseError> {
  const { message, code } = await readErrorBody(response);
  return new DataverseError(message, response.status, code);
}
