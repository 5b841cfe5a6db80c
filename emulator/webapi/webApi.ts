import { randomUUID } from "node:crypto";
import type { EntityMetadata } from "../metadata/metadata";
import { COUNT_LIMIT, type CollectionQuery, type QueryCaller, parseCollectionQuery, runCollectionQuery } from "../odata/query";
import { runApply } from "../odata/apply";
import { type Condition, QueryError, isGuid } from "../query/conditions";
import type { DateContext } from "../query/dates";
import { isFetchQuery, runFetchQuery, wantsAnnotation } from "./fetchQuery";
import type { Pipeline } from "../pipeline/pipeline";
import { type Row, type Store } from "../storage/database";
import { DataverseFault, faults } from "../service/faults";
import { type Caller, OrganizationService, type UnitOfWork } from "../service/organization";
import { type AnnotationChoice, annotationsFromPrefer, etagOf, rowFromPayload, rowToJson } from "../service/payload";
import { CLOSURE_EVENT, recordClosureEvent } from "./customApi";
import { asText } from "../storage/text";
import { type KeyText, parsePath } from "./path";
import { deepCreate, resolveAlternateKeyBinds, resolveKey } from "./resources";
import { KNOWN_UNSUPPORTED_MESSAGES, bypassOf, refuseUnsupportedHeaders } from "./unsupported";
import * as extras from "./extras";
import { METADATA_SETS, metadataResponse } from "../metadata/service";
import type { LocalSecurity } from "../security";
import { relatedCondition } from "../query/related";

/** What RetrieveVersion answers: the Web API version this local Dataverse follows. */
const DATAVERSE_VERSION = "9.2.0.0";

/** Names a key in an error: the id, or an alternate key's column names only (its values may be personal). */
function keyText(key: KeyText): string {
  return key.kind === "id" ? key.id : `the specified key values (${[...key.values.keys()].join(", ")})`;
}

/**
 * The Web API subset at /api/data/v9.2/, as a function from request to
 * response so `$batch` can run its parts through the very same code.
 */

export const API_ROOT = "/api/data/v9.2/";
const DEFAULT_PAGE_SIZE = 5000;

export interface ApiRequest {
  readonly method: string;
  /** Path and query, starting at API_ROOT. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export interface WebApiOptions {
  readonly baseUrl: () => string;
  readonly dates: () => DateContext;
  /** The user requests run as when they do not impersonate (MSCRMCallerID). */
  readonly defaultUserId: () => string;
  /** Role and column security (emulator/security); without it every caller may do everything. */
  readonly security?: LocalSecurity;
}

const JSON_TYPE = "application/json; odata.metadata=minimal";

/** A write that breaks an alternate key (SQLite's unique index on its columns). */
function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE";
}

export function faultResponse(error: unknown): ApiResponse {
  const fault = error instanceof DataverseFault
    ? error
    : error instanceof QueryError
      ? faults.query(error.message, error.code)
      : isDuplicateKey(error)
        ? faults.duplicateKey()
        : new DataverseFault(500, "0x80040216", "An unexpected error occurred.");
  return { status: fault.status, headers: { "Content-Type": "application/json; charset=utf-8", "OData-Version": "4.0" }, body: JSON.stringify(fault.toBody()) };
}

export class WebApi {
  constructor(
    readonly store: Store,
    readonly service: OrganizationService,
    readonly pipeline: Pipeline,
    private readonly options: WebApiOptions,
  ) {}

  /** The operation's caller, depth and correlation, from the headers a step's call carries. */
  caller(headers: ApiRequest["headers"]): Caller {
    const impersonated = headers["mscrmcallerid"];
    // A caller's correlation id counts only when it is one this Dataverse minted and is delivering to a step now
    // (the step calling back); any other request gets a fresh one, so no header joins another request's work.
    const correlationHeader = headers["x-ms-correlation-request-id"]?.toLowerCase();
    const delivering = correlationHeader && isGuid(correlationHeader) ? this.pipeline.depthOfDelivery(correlationHeader) : undefined;
    const correlationId = delivering !== undefined && correlationHeader ? correlationHeader : randomUUID();
    const depth = (delivering ?? 0) + 1;
    const security = this.options.security;
    const userId = security ? security.callerId(headers) : impersonated && isGuid(impersonated) ? impersonated.toLowerCase() : this.options.defaultUserId();
    const bypass = bypassOf(headers, userId === this.options.defaultUserId());
    return { userId, correlationId, depth, ...(bypass ? { bypass } : {}) };
  }

  async handle(request: ApiRequest, unit?: UnitOfWork): Promise<ApiResponse> {
    try {
      refuseUnsupportedHeaders(request);
      const response = await this.route(request, unit);
      response.headers["OData-Version"] = "4.0";
      return response;
    } catch (error) {
      if (!(error instanceof DataverseFault) && !(error instanceof QueryError) && !isDuplicateKey(error)) console.error("webapi.unexpected", (error as Error).name, (error as Error).message);
      return faultResponse(error);
    }
  }

  private async route(request: ApiRequest, unit?: UnitOfWork): Promise<ApiResponse> {
    const url = new URL(request.url, "http://localhost");
    const path = decodeURIComponent(url.pathname.slice(API_ROOT.length));
    const options = new Map<string, string>();
    for (const [key, value] of url.searchParams) {
      if (options.has(key)) throw new QueryError(`The query parameter '${key}' is specified more than once.`);
      options.set(key, value);
    }
    const method = request.method.toUpperCase();
    const prefer = request.headers["prefer"];

    if (path === "") return this.json(200, { "@odata.context": `${this.options.baseUrl()}$metadata`, value: this.store.metadata.entities.map((e) => ({ name: e.entitySetName, kind: "EntitySet", url: e.entitySetName })) });
    if (path === "WhoAmI" || path === "WhoAmI()") {
      if (method !== "GET") throw faults.methodNotAllowed(method);
      const caller = this.caller(request.headers);
      return this.json(200, {
        "@odata.context": `${this.options.baseUrl()}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
        BusinessUnitId: this.options.security?.businessUnitId(caller.userId) ?? this.service.organization.businessUnitId, UserId: caller.userId, OrganizationId: this.service.organization.id,
      });
    }
    if (path === "GrantAccess" && this.options.security) {
      if (method !== "POST") throw faults.methodNotAllowed(method);
      const caller = this.caller(request.headers);
      const security = this.options.security;
      await this.inUnit(caller, unit, () => Promise.resolve(security.grantAccess(caller.userId, parseJson(request.body, ""))));
      return { status: 204, headers: {} };
    }
    if (path === CLOSURE_EVENT) {
      if (method !== "POST") throw faults.methodNotAllowed(method);
      const body = parseJson(request.body, "");
      const caller = this.caller(request.headers);
      // Through a unit, so an event raised inside a failing operation is rolled back with it.
      await this.inUnit(caller, unit, () => Promise.resolve(recordClosureEvent(this.store, body, caller.correlationId)));
      return { status: 204, headers: {} };
    }

    const segments = parsePath(path);
    const [first, ...rest] = segments;
    if (first.name === "$metadata" || METADATA_SETS.has(first.name)) return this.metadataResponse(request, path, url, options);
    if (first.name === "RetrieveVersion" && rest.length === 0 && first.key === undefined) {
      if (method !== "GET") throw faults.methodNotAllowed(method);
      // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/retrieveversion
      return this.json(200, { "@odata.context": `${this.options.baseUrl()}$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse`, Version: DATAVERSE_VERSION });
    }
    const entity = this.store.metadata.entityBySet(first.name);
    if (!entity) {
      if (KNOWN_UNSUPPORTED_MESSAGES.has(first.name)) throw faults.notSupportedLocally(`the ${first.name} message`);
      throw faults.unknownEntitySet(first.name);
    }
    if (first.call) throw faults.unknownEntitySet(`${first.name}()`);
    const annotations = annotationsFromPrefer(prefer);

    if (first.key === undefined) {
      if (rest.length === 0) {
        if (method === "GET") return this.getCollection(entity, options, prefer, url, this.queryCaller(request));
        if (method === "POST") return this.create(entity, request, options, annotations, unit);
        throw faults.methodNotAllowed(method);
      }
      return extras.onCollection(this, entity, rest, request, options, unit);
    }
    const target = resolveKey(this.store, entity, first.key);
    if (rest.length > 0) {
      if (target.id === undefined) throw faults.recordNotFound(entity.logicalName, keyText(first.key));
      return extras.onRecord(this, entity, target.id, rest, request, options, unit);
    }
    switch (method) {
      case "GET": {
        const query = parseCollectionQuery(this.store.metadata, entity, options, 0, this.queryCaller(request));
        if (target.id === undefined) throw faults.recordNotFound(entity.logicalName, keyText(first.key));
        const row = this.service.retrieve(entity, target.id);
        // If-None-Match with the current etag: 304 and no body, https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api#conditional-retrievals
        const ifNoneMatch = request.headers["if-none-match"];
        if (ifNoneMatch && ifNoneMatch !== "null" && ifNoneMatch === etagOf(row)) return { status: 304, headers: { ETag: etagOf(row) } };
        const userId = this.caller(request.headers).userId;
        this.options.security?.requireAccess(userId, "Read", entity, row);
        const body = this.shape(entity, row, query, annotations, userId);
        return this.json(200, { "@odata.context": `${this.options.baseUrl()}$metadata#${entity.entitySetName}${selectSuffix(query)}/$entity`, ...body }, { ETag: etagOf(row) });
      }
      case "PATCH":
        return this.patch(entity, target.id ?? randomUUID(), request, options, annotations, unit, target.keyValues);
      case "DELETE": {
        if (target.id === undefined) throw faults.recordNotFound(entity.logicalName, keyText(first.key));
        const id = target.id;
        const caller = this.caller(request.headers);
        await this.inUnit(caller, unit, (u) => u.delete(entity, id, request.headers["if-match"]));
        return { status: 204, headers: {} };
      }
      default:
        throw faults.methodNotAllowed(method);
    }
  }

  baseUrl(): string {
    return this.options.baseUrl();
  }

  dates(): DateContext {
    return this.options.dates();
  }

  private metadataResponse(request: ApiRequest, path: string, url: URL, options: ReadonlyMap<string, string>): ApiResponse {
    if (request.method.toUpperCase() !== "GET") throw faults.notSupportedLocally("changing table definitions through the Web API (the schema comes from solution/schema/schema.ts)");
    return metadataResponse(this.store.metadata, path, options, this.options.baseUrl(), url);
  }

  inUnit<T>(caller: Caller, unit: UnitOfWork | undefined, work: (u: UnitOfWork) => Promise<T>): Promise<T> {
    return unit ? work(unit) : this.service.unit(caller, work);
  }

  async create(entity: EntityMetadata, request: ApiRequest, options: ReadonlyMap<string, string>, annotations: AnnotationChoice, unit?: UnitOfWork): Promise<ApiResponse> {
    const body = parseJson(request.body, entity.logicalName);
    this.validateRepresentation(entity, request.headers["prefer"], options);
    const caller = this.caller(request.headers);
    const id = await this.inUnit(caller, unit, (u) => deepCreate(u, this.store, entity, body));
    return this.written(entity, id, 201, request.headers["prefer"], options, annotations);
  }

  private async patch(entity: EntityMetadata, id: string, request: ApiRequest, options: ReadonlyMap<string, string>, annotations: AnnotationChoice, unit?: UnitOfWork, keyValues: Row = {}): Promise<ApiResponse> {
    const row = rowFromPayload(this.store.metadata, entity, resolveAlternateKeyBinds(this.store, parseJson(request.body, entity.logicalName)));
    this.validateRepresentation(entity, request.headers["prefer"], options);
    for (const [column, value] of Object.entries(keyValues)) {
      const given = row[column];
      if (given !== undefined && JSON.stringify(given) !== JSON.stringify(value)) throw faults.payload(entity.logicalName, `'${column}' is part of the alternate key in the URL and cannot be changed to another value.`);
    }
    const ifMatch = request.headers["if-match"];
    const ifNoneMatch = request.headers["if-none-match"];
    const caller = this.caller(request.headers);
    const status = await this.inUnit(caller, unit, async (u) => {
      const exists = this.store.get(entity, id) !== undefined;
      if (exists && ifNoneMatch === "*") throw faults.duplicate(entity.logicalName);
      if (!exists) {
        // Without If-Match a PATCH is an upsert, as in Dataverse.
        if (ifMatch) throw faults.recordNotFound(entity.logicalName, id);
        await u.create(entity, { ...row, ...keyValues, [entity.primaryIdAttribute]: id });
        return 201;
      }
      await u.update(entity, id, row, ifMatch);
      return 200;
    });
    return this.written(entity, id, status, request.headers["prefer"], options, annotations);
  }

  /** A bad $select on a write asking for the representation is refused before anything is written, so a retry cannot duplicate it. */
  private validateRepresentation(entity: EntityMetadata, prefer: string | undefined, options: ReadonlyMap<string, string>): void {
    if (/return=representation/i.test(prefer ?? "")) parseCollectionQuery(this.store.metadata, entity, options);
  }

  written(entity: EntityMetadata, id: string, status: number, prefer: string | undefined, options: ReadonlyMap<string, string>, annotations: AnnotationChoice): ApiResponse {
    const entityId = `${this.options.baseUrl()}${entity.entitySetName}(${id})`;
    if (/return=representation/i.test(prefer ?? "")) {
      const query = parseCollectionQuery(this.store.metadata, entity, options);
      const row = this.service.retrieve(entity, id);
      return this.json(status, { "@odata.context": `${this.options.baseUrl()}$metadata#${entity.entitySetName}${selectSuffix(query)}/$entity`, ...this.shape(entity, row, query, annotations) }, {
        "OData-EntityId": entityId, ETag: etagOf(row), "Preference-Applied": "return=representation",
      });
    }
    return { status: 204, headers: { "OData-EntityId": entityId } };
  }

  private queryCaller(request: ApiRequest): QueryCaller {
    const impersonated = request.headers["mscrmcallerid"];
    const security = this.options.security;
    const userId = security ? security.callerId(request.headers) : impersonated && isGuid(impersonated) ? impersonated.toLowerCase() : this.options.defaultUserId();
    return { userId, businessUnitId: security?.businessUnitId(userId) ?? this.service.organization.businessUnitId };
  }

  private getCollection(entity: EntityMetadata, options: ReadonlyMap<string, string>, prefer: string | undefined, url: URL, caller: QueryCaller): ApiResponse {
    const annotations = annotationsFromPrefer(prefer);
    const applied: string[] = [];
    // Every annotation asked for is one this answer can carry (formatted values, lookups, paging cookie, counts).
    const included = /odata\.include-annotations\s*=\s*("[^"]*"|[^;,\s]*)/i.exec(prefer ?? "")?.[0];
    if (included) applied.push(included);
    if (isFetchQuery(options)) {
      const { body } = runFetchQuery(this.store, entity, options, prefer, annotations, {
        dates: this.options.dates(),
        ...(this.options.security?.fetchScope(caller.userId, this.service.organization.businessUnitId) ?? { userId: caller.userId, businessUnitId: caller.businessUnitId }),
      }, `${this.options.baseUrl()}$metadata#${entity.entitySetName}`);
      return this.json(200, body, applied.length ? { "Preference-Applied": applied.join(",") } : {});
    }
    if (options.has("$apply")) return this.json(200, runApply(this.store, entity, options, this.options.dates(), caller, `${this.options.baseUrl()}$metadata#${entity.entitySetName}`, annotationsFromPrefer(prefer), this.readScope(caller.userId, entity)));
    const query = parseCollectionQuery(this.store.metadata, entity, options, 0, caller);
    const maxPage = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? "");
    const size = maxPage ? Math.max(1, Math.min(Number(maxPage[1]), DEFAULT_PAGE_SIZE)) : DEFAULT_PAGE_SIZE;
    if (maxPage) applied.push(`odata.maxpagesize=${size}`);
    const skip = decodeSkipToken(options.get("$skiptoken"));
    const page = runCollectionQuery(this.store, query, this.options.dates(), { skip, size }, this.options.security?.readScope(caller.userId, entity));
    const body: Record<string, unknown> = { "@odata.context": `${this.options.baseUrl()}$metadata#${entity.entitySetName}${selectSuffix(query)}` };
    if (page.total !== undefined) body["@odata.count"] = page.total;
    if (wantsAnnotation(prefer, "Microsoft.Dynamics.CRM.totalrecordcount")) body["@Microsoft.Dynamics.CRM.totalrecordcount"] = page.total ?? -1;
    if (wantsAnnotation(prefer, "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")) body["@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"] = (page.matching ?? 0) > COUNT_LIMIT;
    body.value = page.rows.map((row) => this.shape(entity, row, query, annotations, caller.userId));
    if (page.more) {
      const next = new URL(url.toString());
      next.searchParams.set("$skiptoken", encodeSkipToken(skip + page.rows.length));
      body["@odata.nextLink"] = `${this.options.baseUrl()}${entity.entitySetName}${next.search}`;
    }
    return this.json(200, body, applied.length ? { "Preference-Applied": applied.join(",") } : {});
  }

  /** The rows of a table the caller may read, as a condition (undefined: all; no role or no security). */
  readScope(userId: string, entity: EntityMetadata): Condition | undefined {
    return this.options.security?.readScope(userId, entity);
  }

  /** Throws Dataverse's access-denied error when the caller may not read the row. */
  requireRead(userId: string, entity: EntityMetadata, row: Row): void {
    this.options.security?.requireAccess(userId, "Read", entity, row);
  }

  getRelated(entity: EntityMetadata, id: string, property: string, options: ReadonlyMap<string, string>, prefer: string | undefined, userId?: string): ApiResponse {
    const parent = this.service.retrieve(entity, id);
    const security = userId !== undefined ? this.options.security : undefined;
    if (security && userId !== undefined) security.requireAccess(userId, "Read", entity, parent);
    const nav = entity.collectionNavigations.get(property);
    if (!nav) throw faults.unknownProperty(property, entity.logicalName);
    const child = this.store.metadata.require(nav.referencingTable);
    const query = parseCollectionQuery(this.store.metadata, child, options);
    const related = relatedCondition(this.store, child, nav, id);
    const scope = security && userId !== undefined ? security.readScope(userId, child) : undefined;
    const page = runCollectionQuery(this.store, query, this.options.dates(), { skip: 0, size: DEFAULT_PAGE_SIZE }, scope ? { kind: "and", items: [related, scope] } : related);
    const annotations = annotationsFromPrefer(prefer);
    return this.json(200, { "@odata.context": `${this.options.baseUrl()}$metadata#${child.entitySetName}${selectSuffix(query)}`, value: page.rows.map((r) => this.shape(child, r, query, annotations, userId)) });
  }

  /** A row as JSON with its expansions; with a caller, only what they may read, secured columns masked. */
  shape(entity: EntityMetadata, row: Row, query: CollectionQuery, annotations: AnnotationChoice, userId?: string): Record<string, unknown> {
    const security = userId !== undefined ? this.options.security : undefined;
    const visible = security && userId !== undefined ? security.mask(userId, entity, row) : row;
    const out = rowToJson(this.store, entity, visible, { select: query.select, annotations });
    for (const expand of query.expand) {
      if (expand.kind === "single") {
        const reference = row[expand.lookup];
        const related = reference && typeof reference === "object" ? this.store.get(expand.entity, reference.id) : undefined;
        const readable = related && (!security || userId === undefined || security.canRead(userId, expand.entity, related));
        out[expand.name] = related && readable ? this.shape(expand.entity, related, expand.query, annotations, userId) : null;
      } else {
        const nav = entity.collectionNavigations.get(expand.name);
        if (!nav) continue;
        const related = relatedCondition(this.store, expand.entity, nav, asText(row[entity.primaryIdAttribute]));
        const scope = security && userId !== undefined ? security.readScope(userId, expand.entity) : undefined;
        const page = runCollectionQuery(this.store, expand.query, this.options.dates(), { skip: 0, size: DEFAULT_PAGE_SIZE }, scope ? { kind: "and", items: [related, scope] } : related);
        out[expand.name] = page.rows.map((r) => this.shape(expand.entity, r, expand.query, annotations, userId));
      }
    }
    return out;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
    return { status, headers: { "Content-Type": JSON_TYPE, ...headers }, body: JSON.stringify(body) };
  }
}

function selectSuffix(query: CollectionQuery): string {
  return query.select ? `(${query.select.join(",")})` : "";
}

export function parseJson(text: string, table: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw faults.payload(table, "The request body is not valid JSON.");
  }
}

/** Opaque to clients, as Dataverse's paging cookie is. */
function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodeSkipToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof parsed.offset === "number" && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // falls through to the error below
  }
  throw new QueryError("The $skiptoken is not valid.");
}
