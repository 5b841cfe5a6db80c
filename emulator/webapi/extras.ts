import type { EntityMetadata } from "../metadata/metadata";
import { parseCollectionQuery, runCollectionQuery } from "../odata/query";
import type { Condition } from "../query/conditions";
import { faults } from "../service/faults";
import type { UnitOfWork } from "../service/organization";
import { etagOf, rowFromPayload, rowToJson } from "../service/payload";
import type { Row } from "../storage/database";
import { asText } from "../storage/text";
import type { Segment } from "./path";
import { createMultiple, propertyValue, referencedRow, resolveKey, targetsOf } from "./resources";
import { type ApiRequest, type ApiResponse, type WebApi, parseJson } from "./webApi";

/**
 * Paths below an entity set or a record: `$count`, bound actions
 * (CreateMultiple, UpdateMultiple), single property values, navigation
 * properties and their `$ref`. Anything else Dataverse has answers that the
 * local Dataverse does not support it.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/count-rows (up to 5,000)
 */

const CRM = "Microsoft.Dynamics.CRM.";

/** `/$count` answers the number alone, as text with a UTF-8 byte order mark, as Dataverse does. */
function countText(n: number): ApiResponse {
  return { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: `\uFEFF${n}` };
}

function unsupportedSegment(entity: EntityMetadata, segment: Segment): never {
  if (segment.name.startsWith("$") || segment.name.startsWith(CRM)) throw faults.notSupportedLocally(`'${segment.name}' on ${entity.entitySetName}`);
  throw faults.unknownEntitySet(segment.name);
}

export async function onCollection(api: WebApi, entity: EntityMetadata, rest: readonly Segment[], request: ApiRequest, options: ReadonlyMap<string, string>, unit?: UnitOfWork): Promise<ApiResponse> {
  const method = request.method.toUpperCase();
  const [segment, ...more] = rest;
  if (more.length > 0) unsupportedSegment(entity, more[0]);
  if (segment.name === "$count") {
    if (method !== "GET") throw faults.methodNotAllowed(method);
    const query = parseCollectionQuery(api.store.metadata, entity, new Map([...options, ["$count", "true"]]));
    return countText(runCollectionQuery(api.store, query, api.dates(), { skip: 0, size: 0 }, api.readScope(api.caller(request.headers).userId, entity)).total ?? 0);
  }
  if (segment.name === `${CRM}CreateMultiple` || segment.name === `${CRM}UpdateMultiple`) {
    if (method !== "POST") throw faults.methodNotAllowed(method);
    const creating = segment.name.endsWith("CreateMultiple");
    const targets = targetsOf(entity, parseJson(request.body, entity.logicalName), !creating).map((t) => {
      const copy = { ...t };
      delete copy["@odata.type"];
      return rowFromPayload(api.store.metadata, entity, copy);
    });
    const caller = api.caller(request.headers);
    // One operation: every target is written or none is.
    const ids = await api.inUnit(caller, unit, async (u) => {
      if (creating) return createMultiple(u, entity, targets);
      for (const row of targets) await u.update(entity, asText(row[entity.primaryIdAttribute]), row);
      return [];
    });
    if (!creating) return { status: 204, headers: {} };
    return api.json(200, { "@odata.context": `${api.baseUrl()}$metadata#${CRM}CreateMultipleResponse`, Ids: ids });
  }
  return unsupportedSegment(entity, segment);
}

/** The condition "child rows whose lookup points at this record". */
function pointsAt(child: EntityMetadata, lookup: string, id: string): Condition {
  const attribute = child.attributes.get(lookup);
  if (!attribute) throw faults.unknownProperty(lookup, child.logicalName);
  return { kind: "compare", op: "eq", column: { alias: "t0", attribute }, value: id };
}

export async function onRecord(api: WebApi, entity: EntityMetadata, id: string, rest: readonly Segment[], request: ApiRequest, options: ReadonlyMap<string, string>, unit?: UnitOfWork): Promise<ApiResponse> {
  const method = request.method.toUpperCase();
  const [segment, next, ...more] = rest;
  if (more.length > 0) unsupportedSegment(entity, more[0]);
  const caller = () => api.caller(request.headers);
  const metadata = api.store.metadata;

  const collection = entity.collectionNavigations.get(segment.name);
  if (collection) {
    const child = metadata.require(collection.referencingTable);
    if (next === undefined && segment.key === undefined) {
      if (method !== "GET") throw faults.notSupportedLocally(`${method} on the navigation property '${segment.name}' (deep insert through a navigation URL); POST to ${child.entitySetName} with an @odata.bind instead`);
      return api.getRelated(entity, id, segment.name, options, request.headers["prefer"], caller().userId);
    }
    const parent = api.service.retrieve(entity, id);
    // Reading the related rows needs Read on the record, and lists only the related rows the caller may read.
    const readable = (): Condition => {
      const userId = caller().userId;
      api.requireRead(userId, entity, parent);
      const scope = api.readScope(userId, child);
      const related = pointsAt(child, collection.lookup, id);
      return scope ? { kind: "and", items: [related, scope] } : related;
    };
    if (next?.name === "$count" && segment.key === undefined && method === "GET") {
      const query = parseCollectionQuery(metadata, child, new Map([["$count", "true"]]));
      return countText(runCollectionQuery(api.store, query, api.dates(), { skip: 0, size: 0 }, readable()).total ?? 0);
    }
    if (next?.name !== "$ref") return unsupportedSegment(entity, next ?? segment);
    if (method === "GET" && segment.key === undefined) {
      const query = parseCollectionQuery(metadata, child, new Map([["$select", child.primaryIdAttribute]]));
      const rows = runCollectionQuery(api.store, query, api.dates(), { skip: 0, size: 5000 }, readable()).rows;
      return api.json(200, { "@odata.context": `${api.baseUrl()}$metadata#Collection($ref)`, value: rows.map((r) => ({ "@odata.id": `${api.baseUrl()}${child.entitySetName}(${asText(r[child.primaryIdAttribute])})` })) });
    }
    if (method === "POST" && segment.key === undefined) {
      const related = referencedRow(metadata, parseJson(request.body, child.logicalName), child.logicalName);
      await api.inUnit(caller(), unit, (u) => u.update(child, related.id, { [collection.lookup]: { logicalName: entity.logicalName, id } }));
      return { status: 204, headers: {} };
    }
    if (method === "DELETE") {
      const childId = segment.key ? resolveKey(api.store, child, segment.key).id : options.has("$id") ? referencedRow(metadata, { "@odata.id": options.get("$id") }, child.logicalName).id : undefined;
      if (!childId) throw faults.invalidArgument(`Name the related row to disassociate: ${segment.name}(<id>)/$ref or ?$id=<url>.`);
      const row = api.service.retrieve(child, childId);
      const current = row[collection.lookup];
      if (!current || typeof current !== "object" || current.id !== id) throw faults.invalidArgument(`The ${child.logicalName} ${childId} is not associated with this ${entity.logicalName}.`);
      await api.inUnit(caller(), unit, (u) => u.update(child, childId, { [collection.lookup]: null }));
      return { status: 204, headers: {} };
    }
    throw faults.methodNotAllowed(method);
  }

  const single = entity.lookupNavigations.get(segment.name);
  if (single && segment.key === undefined) {
    const row = api.service.retrieve(entity, id);
    const current = row[single.lookup];
    const reference = current && typeof current === "object" ? current : undefined;
    if (next === undefined) {
      if (method !== "GET") throw faults.methodNotAllowed(method);
      if (!reference) return { status: 204, headers: {} };
      const target = metadata.require(reference.logicalName);
      const query = parseCollectionQuery(metadata, target, options);
      const related = api.service.retrieve(target, reference.id);
      return api.json(200, { "@odata.context": `${api.baseUrl()}$metadata#${target.entitySetName}/$entity`, ...api.shape(target, related, query, { formatted: false, lookups: false }) }, { ETag: etagOf(related) });
    }
    if (next.name !== "$ref") return unsupportedSegment(entity, next);
    if (method === "GET") {
      if (!reference) return { status: 204, headers: {} };
      return api.json(200, { "@odata.context": `${api.baseUrl()}$metadata#$ref`, "@odata.id": `${api.baseUrl()}${metadata.require(reference.logicalName).entitySetName}(${reference.id})` });
    }
    if (method === "PUT") {
      const allowed = entity.attributes.get(single.lookup)?.targets ?? [single.target];
      const related = referencedRow(metadata, parseJson(request.body, entity.logicalName), single.target);
      if (!allowed.includes(related.entity.logicalName)) throw faults.payload(entity.logicalName, `'${segment.name}' cannot point to a ${related.entity.logicalName} record.`);
      await api.inUnit(caller(), unit, (u) => u.update(entity, id, { [single.lookup]: { logicalName: related.entity.logicalName, id: related.id } }));
      return { status: 204, headers: {} };
    }
    if (method === "DELETE") {
      await api.inUnit(caller(), unit, (u) => u.update(entity, id, { [single.lookup]: null }));
      return { status: 204, headers: {} };
    }
    throw faults.methodNotAllowed(method);
  }

  const attribute = entity.attributes.get(segment.name);
  if (attribute && attribute.kind !== "lookup" && segment.key === undefined) {
    if (next !== undefined) return unsupportedSegment(entity, next);
    if (method === "GET") {
      const row = api.service.retrieve(entity, id);
      const value = rowToJson(api.store, entity, row, { select: [attribute.logicalName], annotations: { formatted: false, lookups: false } })[attribute.logicalName];
      // A null property has no value to return: 204, as OData specifies (OData 4.0 Protocol 11.2.4.1).
      if (value === null || value === undefined) return { status: 204, headers: {} };
      return api.json(200, { "@odata.context": `${api.baseUrl()}$metadata#${entity.entitySetName}(${id})/${attribute.logicalName}`, value });
    }
    if (method === "PUT" || method === "DELETE") {
      const change: Row = method === "PUT" ? propertyValue(metadata, entity, attribute.logicalName, parseJson(request.body, entity.logicalName)) : { [attribute.logicalName]: null };
      await api.inUnit(caller(), unit, (u) => u.update(entity, id, change, request.headers["if-match"]));
      return { status: 204, headers: {} };
    }
    throw faults.methodNotAllowed(method);
  }
  if (segment.name.startsWith("$") || segment.name.startsWith(CRM)) return unsupportedSegment(entity, segment);
  throw faults.unknownProperty(segment.name, entity.logicalName);
}
