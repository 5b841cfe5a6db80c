import { randomUUID } from "node:crypto";
import type { Logger } from "../service/logger";
import { silentLogger } from "../service/logger";

/**
 * A small Dataverse Web API client (v9.2) for the webhook service, on the
 * platform fetch. Rows are typed by the generated row types
 * (solution/generated/dataverse.ts).
 */

export type AccessToken = () => Promise<string | undefined>;

export interface DataverseClientOptions {
  /** The organisation URL, e.g. https://contoso.crm.dynamics.com (no /api/data). */
  readonly url: string;
  readonly accessToken?: AccessToken;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Logger;
  /** Attempts after the first one for 429 and transient 5xx. */
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Sent as a header so Dataverse's own telemetry ties calls to the triggering operation. */
  readonly correlationId?: string;
}

export interface Query {
  readonly select?: readonly string[];
  readonly filter?: string;
  readonly orderby?: string;
  readonly top?: number;
}

/**
 * Related rows to read with a row, keyed by collection-valued navigation
 * property, each with its own $select / $filter / $orderby / $top.
 */
export type Expansions = Readonly<Record<string, Query>>;

/** A Web API error, with Dataverse's error code ("0x80040217") when it sent one. */
export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = "DataverseError";
  }

  /** Worth retrying later: throttling, gateway and availability failures, or no answer at all. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504;
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  /** If-Match did not match: someone else changed the row first. */
  get preconditionFailed(): boolean {
    return this.status === 412;
  }
}

const RETRIABLE = new Set([429, 502, 503, 504]);
/**
 * A 500 is retried only where repeating cannot duplicate a write: reads, and
 * updates or deletes of a named row. A create that failed with 500 may have
 * been committed, so it is left to the step's own idempotent retry.
 */
const REPEATABLE_METHODS = new Set(["GET", "PATCH", "DELETE"]);

export function escapeODataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function queryOptions(query: Query): string[] {
  const parts: string[] = [];
  if (query.select?.length) parts.push(`$select=${query.select.join(",")}`);
  if (query.filter) parts.push(`$filter=${encodeURIComponent(query.filter)}`);
  if (query.orderby) parts.push(`$orderby=${encodeURIComponent(query.orderby)}`);
  if (query.top !== undefined) parts.push(`$top=${query.top}`);
  return parts;
}

/** Options of an expanded navigation property go in parentheses, separated by semicolons. */
function expandOption(expand: Expansions | undefined): string[] {
  const items = Object.entries(expand ?? {}).map(([navigation, query]) => {
    const options = queryOptions(query);
    return options.length ? `${navigation}(${options.join(";")})` : navigation;
  });
  return items.length ? [`$expand=${items.join(",")}`] : [];
}

function queryString(query: Query, expand?: Expansions): string {
  const parts = [...queryOptions(query), ...expandOption(expand)];
  return parts.length ? `?${parts.join("&")}` : "";
}

/** One write of a change set; `path` is relative to the Web API root, like the other methods' paths. */
export interface ChangeSetOperation {
  readonly method: "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class DataverseClient {
  readonly apiUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: DataverseClientOptions) {
    const url = new URL(options.url);
    this.apiUrl = `${url.origin}/api/data/v9.2/`;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger ?? silentLogger;
    this.maxRetries = options.maxRetries ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
  }

  /** The same client, tagged with another operation's correlation id. */
  withCorrelation(correlationId: string, logger?: Logger): DataverseClient {
    return new DataverseClient({ ...this.options, correlationId, logger: logger ?? this.logger });
  }

  /**
   * One row by id; with `expand`, its related rows too, in the same request.
   * Dataverse may page an expanded collection, answering part of it with a
   * `<navigation>@odata.nextLink`; those pages are followed so every
   * expanded property holds all its rows.
   */
  async retrieve<T>(entitySet: string, id: string, select?: readonly string[], expand?: Expansions): Promise<T> {
    // Expanded collections may be answered from a cache that predates a recent
    // write; Microsoft's guidance is `If-None-Match: null` to read them fresh.
    const fresh = expand && Object.keys(expand).length > 0 ? { "If-None-Match": "null" } : undefined;
    const response = await this.send("GET", `${entitySet}(${id})${queryString({ select }, expand)}`, undefined, fresh);
    const row = (await response.json()) as Record<string, unknown>;
    for (const navigation of Object.keys(expand ?? {})) {
      const nextLink = row[`${navigation}@odata.nextLink`];
      if (typeof nextLink !== "string") continue;
      const rows = Array.isArray(row[navigation]) ? (row[navigation] as unknown[]) : [];
      row[navigation] = [...rows, ...(await this.pages<unknown>(nextLink))];
      delete row[`${navigation}@odata.nextLink`];
    }
    return row as T;
  }

  /** Every row the query matches, following @odata.nextLink page by page. */
  retrieveMultiple<T>(entitySet: string, query: Query = {}, pageSize = 5000): Promise<T[]> {
    return this.pages<T>(`${entitySet}${queryString(query)}`, pageSize);
  }

  private async pages<T>(first: string, pageSize = 5000): Promise<T[]> {
    const rows: T[] = [];
    let next: string | undefined = first;
    while (next) {
      const response = await this.send("GET", next, undefined, { Prefer: `odata.maxpagesize=${pageSize}` });
      const page = (await response.json()) as { value: T[]; "@odata.nextLink"?: string };
      rows.push(...page.value);
      next = page["@odata.nextLink"];
    }
    return rows;
  }

  /** Creates a row and returns its id, read from the OData-EntityId header. */
  async create(entitySet: string, row: Record<string, unknown>): Promise<string> {
    const response = await this.send("POST", entitySet, row);
    const entityId = response.headers.get("OData-EntityId") ?? "";
    const match = /\(([0-9a-f-]{36})\)$/i.exec(entityId);
    if (!match) throw new DataverseError(response.status, undefined, "Create returned no OData-EntityId", `POST ${entitySet}`);
    return match[1].toLowerCase();
  }

  /**
   * Updates columns of an existing row. `If-Match: *` by default so a PATCH
   * never turns into an upsert of a deleted row; pass an etag for optimistic
   * concurrency (412 when someone changed the row first).
   */
  async update(entitySet: string, id: string, changes: Record<string, unknown>, options: { ifMatch?: string } = {}): Promise<void> {
    await this.send("PATCH", `${entitySet}(${id})`, changes, { "If-Match": options.ifMatch ?? "*" });
  }

  async delete(entitySet: string, id: string): Promise<void> {
    await this.send("DELETE", `${entitySet}(${id})`);
  }

  /** Calls an unbound custom API (action); its response body, if any. */
  async executeAction<T = unknown>(uniqueName: string, parameters: Record<string, unknown>): Promise<T | undefined> {
    const response = await this.send("POST", uniqueName, parameters);
    if (response.status === 204) return undefined;
    const text = await response.text();
    return text ? (JSON.parse(text) as T) : undefined;
  }

  /**
   * Runs writes as one change set of a `$batch` request: Dataverse applies
   * them in one transaction, all or none
   * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#change-sets).
   * The first failed operation's status and error are thrown, as a DataverseError.
   */
  async changeSet(operations: readonly ChangeSetOperation[]): Promise<void> {
    const batch = `batch_${randomUUID()}`;
    const changeset = `changeset_${randomUUID()}`;
    const parts = operations.map((op, index) =>
      [
        `--${changeset}`,
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        `Content-ID: ${index + 1}`,
        "",
        `${op.method} ${this.apiUrl}${op.path} HTTP/1.1`,
        "Content-Type: application/json; charset=utf-8",
        ...Object.entries(op.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        "",
        op.body === undefined ? "" : JSON.stringify(op.body),
      ].join("\r\n"),
    );
    const body = `--${batch}\r\nContent-Type: multipart/mixed; boundary=${changeset}\r\n\r\n${parts.join("\r\n")}\r\n--${changeset}--\r\n--${batch}--\r\n`;
    const response = await this.send("POST", "$batch", { raw: body }, { "Content-Type": `multipart/mixed; boundary=${batch}` });
    const text = await response.text();
    // A failed change set is answered by its one failed operation: "HTTP/1.1 412 Precondition Failed", headers, JSON error.
    const failed = /HTTP\/1\.1 ([45]\d\d)[^\r\n]*\r?\n[\s\S]*?\r?\n\r?\n(\{[\s\S]*?\})\s*(?:\r?\n--|$)/.exec(text);
    if (!failed) return;
    let code: string | undefined;
    let message = `Dataverse answered ${failed[1]} in a change set`;
    try {
      const error = (JSON.parse(failed[2]) as { error?: { code?: string; message?: string } }).error;
      code = error?.code;
      message = error?.message ?? message;
    } catch {
      // the status says enough
    }
    throw new DataverseError(Number(failed[1]), code, message, "POST /api/data/v9.2/$batch");
  }

  private async send(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.apiUrl}${path}`;
    const operation = `${method} ${new URL(url).pathname.replace(/\([0-9a-f-]{36}\)/gi, "(id)")}`;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        Accept: "application/json",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        ...extraHeaders,
      };
      const raw = typeof body === "object" && body !== null && "raw" in body ? String((body as { raw: string }).raw) : undefined;
      if (body !== undefined && raw === undefined) headers["Content-Type"] = "application/json; charset=utf-8";
      if (this.options.correlationId) headers["x-ms-correlation-request-id"] = this.options.correlationId;
      const token = await this.options.accessToken?.();
      if (token) headers.Authorization = `Bearer ${token}`;

      let response: Response | undefined;
      try {
        response = await this.fetchImpl(url, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
      } catch {
        response = undefined;
      }
      const status = response?.status ?? 0;
      if (response?.ok) return response;
      const retriable = status === 0 || RETRIABLE.has(status) || (status === 500 && REPEATABLE_METHODS.has(method));
      if (retriable && attempt < this.maxRetries) {
        const delay = this.retryDelay(attempt, response);
        this.logger.warn("dataverse.retry", { status, attempt: attempt + 1, correlationId: this.options.correlationId });
        await response?.body?.cancel().catch(() => undefined);
        await this.sleep(delay);
        continue;
      }
      throw response ? await errorFrom(response, operation) : new DataverseError(0, undefined, "Dataverse could not be reached", operation);
    }
  }

  /** Retry-After (seconds) when Dataverse sends it, otherwise exponential backoff with jitter, capped. */
  private retryDelay(attempt: number, response: Response | undefined): number {
    const retryAfter = Number(response?.headers.get("Retry-After"));
    if (Number.isFinite(retryAfter) && retryAfter >= 0 && response?.headers.has("Retry-After")) {
      return Math.min(retryAfter * 1000, this.maxDelayMs);
    }
    const exponential = this.baseDelayMs * 2 ** attempt;
    return Math.min(exponential + Math.floor(Math.random() * this.baseDelayMs), this.maxDelayMs);
  }
}

async function errorFrom(response: Response, operation: string): Promise<DataverseError> {
  let code: string | undefined;
  let message = `Dataverse answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON (a gateway page): the status says enough.
  }
  return new DataverseError(response.status, code, message, operation);
}
