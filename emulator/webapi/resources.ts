import { randomUUID } from "node:crypto";
import type { EntityMetadata, Metadata } from "../metadata/metadata";
import { coerceForColumn, QueryError } from "../query/conditions";
import type { Row, Store } from "../storage/database";
import { faults } from "../service/faults";
import type { UnitOfWork } from "../service/organization";
import { parseEntityUrl, rowFromPayload } from "../service/payload";
import { asText } from "../storage/text";
import { type KeyText, parseKey } from "./path";

/**
 * The addressing and write features beyond plain CRUD, each as Dataverse documents it:
 * - alternate keys: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-entity-using-web-api#retrieve-using-an-alternate-key
 * - single property values: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-entity-using-web-api#retrieve-a-single-property-value
 *   and https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api#update-a-single-property-value
 * - $ref: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
 * - CreateMultiple / UpdateMultiple: https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations
 */

/** The row a key names: its id when it exists, and the key's column values (for an upsert that creates it). */
export interface KeyTarget {
  readonly id?: string;
  readonly keyValues: Row;
}

export function resolveKey(store: Store, entity: EntityMetadata, key: KeyText): KeyTarget {
  if (key.kind === "id") return { id: key.id, keyValues: {} };
  const names = [...key.values.keys()].map((n) => /^_(.+)_value$/.exec(n)?.[1] ?? n);
  const declared = (entity.keys ?? []).find((k) => k.columns.length === names.length && k.columns.every((c) => names.includes(c)));
  if (!declared) {
    throw new QueryError(`The key (${names.join(", ")}) is not an alternate key of '${entity.logicalName}'${entity.keys?.length ? `; its keys are ${entity.keys.map((k) => `(${k.columns.join(", ")})`).join(", ")}` : ""}.`, "0x80060888");
  }
  const keyValues: Row = {};
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [given, raw] of key.values) {
    const column = /^_(.+)_value$/.exec(given)?.[1] ?? given;
    const attribute = entity.attributes.get(column);
    if (!attribute) throw faults.unknownProperty(given, entity.logicalName);
    const value = coerceForColumn(attribute, raw);
    if (value === null) throw new QueryError(`The alternate key value for '${column}' cannot be null.`);
    keyValues[column] = attribute.kind === "lookup" ? { logicalName: attribute.targets?.[0] ?? "", id: String(value) } : attribute.kind === "boolean" ? value === 1 : value;
    where.push(`"${column}" = ?`);
    params.push(value);
  }
  const rows = store.select(`SELECT "${entity.primaryIdAttribute}" AS id FROM "${entity.logicalName}" WHERE ${where.join(" AND ")}`, params);
  return { id: rows[0] ? asText(rows[0].id) : undefined, keyValues };
}

/** `{"value": …}` for a single property, as PUT sends it. */
export function propertyValue(metadata: Metadata, entity: EntityMetadata, property: string, body: unknown): Row {
  if (typeof body !== "object" || body === null || !("value" in body)) throw faults.payload(entity.logicalName, "The body of a single-property PUT must be {\"value\": …}.");
  return rowFromPayload(metadata, entity, { [property]: (body).value });
}

/** The row an `@odata.id` (absolute or relative URL) names, checked against the navigation's target table. */
export function referencedRow(metadata: Metadata, body: unknown, expected: string): { entity: EntityMetadata; id: string } {
  const text = typeof body === "object" && body !== null ? (body as Record<string, unknown>)["@odata.id"] : undefined;
  const parsed = typeof text === "string" ? parseEntityUrl(text) : undefined;
  const entity = parsed ? metadata.entityBySet(parsed.entitySet) : undefined;
  if (!parsed || !entity) throw faults.payload(expected, "The body must be {\"@odata.id\": \"<entity set>(<id>)\"}.");
  if (entity.logicalName !== expected) throw faults.payload(expected, `The reference must point to a ${expected} record, not a ${entity.logicalName} record.`);
  return { entity, id: parsed.id };
}

/** CreateMultiple's Targets: every one must be of the entity set's table. */
export function targetsOf(entity: EntityMetadata, body: unknown, needIds: boolean): Record<string, unknown>[] {
  const targets = typeof body === "object" && body !== null ? (body as { Targets?: unknown }).Targets : undefined;
  if (!Array.isArray(targets) || targets.length === 0) throw faults.invalidArgument("Targets must be a non-empty array of records.");
  return targets.map((t: unknown) => {
    if (typeof t !== "object" || t === null || Array.isArray(t)) throw faults.invalidArgument("Every target must be a record object.");
    const type = (t as Record<string, unknown>)["@odata.type"];
    if (type !== undefined && type !== `Microsoft.Dynamics.CRM.${entity.logicalName}`) {
      throw faults.invalidArgument(`Every target must be a Microsoft.Dynamics.CRM.${entity.logicalName}, not ${JSON.stringify(type)}.`);
    }
    if (needIds && typeof (t as Record<string, unknown>)[entity.primaryIdAttribute] !== "string") {
      throw faults.invalidArgument(`Every UpdateMultiple target needs its ${entity.primaryIdAttribute}.`);
    }
    return t as Record<string, unknown>;
  });
}

export async function createMultiple(unit: UnitOfWork, entity: EntityMetadata, rows: readonly Row[]): Promise<string[]> {
  const ids: string[] = [];
  for (const row of rows) ids.push(await unit.create(entity, { ...row, [entity.primaryIdAttribute]: row[entity.primaryIdAttribute] ?? randomUUID() }));
  return ids;
}

/**
 * Deep insert: a POST whose body nests new related rows under navigation
 * properties (an object for a single-valued one, an array for a
 * collection-valued one) creates them all in one operation.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#create-related-table-rows-in-one-operation
 */
export async function deepCreate(unit: UnitOfWork, store: Store, entity: EntityMetadata, body: unknown, link: Row = {}): Promise<string> {
  const metadata = store.metadata;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return unit.create(entity, { ...rowFromPayload(metadata, entity, body), ...link });

  const own: Record<string, unknown> = {};
  const children: { entity: EntityMetadata; lookup: string; rows: unknown[] }[] = [];
  const parents: Row = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const single = entity.lookupNavigations.get(key);
    const collection = entity.collectionNavigations.get(key);
    if (single && typeof value === "object" && value !== null && !Array.isArray(value)) {
      const target = metadata.require(single.target);
      parents[single.lookup] = { logicalName: target.logicalName, id: await deepCreate(unit, store, target, value) };
    } else if (collection && Array.isArray(value)) {
      children.push({ entity: metadata.require(collection.referencingTable), lookup: collection.lookup, rows: value });
    } else {
      own[key] = value;
    }
  }
  const id = await unit.create(entity, { ...rowFromPayload(metadata, entity, resolveAlternateKeyBinds(store, own)), ...parents, ...link });
  for (const child of children) {
    for (const row of child.rows) {
      if (typeof row !== "object" || row === null) throw faults.payload(child.entity.logicalName, "Each related row in a deep insert must be an object.");
      await deepCreate(unit, store, child.entity, row, { [child.lookup]: { logicalName: entity.logicalName, id } });
    }
  }
  return id;
}

/**
 * `"x@odata.bind": "/sprx_closurechecks(sprx_engagementid=…,sprx_item=…)"`: a
 * bind by alternate key becomes a bind by the row's id (404 when no row has
 * those key values), https://learn.microsoft.com/power-apps/developer/data-platform/use-alternate-key-reference-record#using-alternate-keys-to-create-an-entityreference
 */
export function resolveAlternateKeyBinds(store: Store, body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const match = key.endsWith("@odata.bind") && typeof value === "string" ? /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\((.*=.*)\)$/.exec(value) : null;
    const entity = match ? store.metadata.entityBySet(match[1]) : undefined;
    if (!match || !entity) {
      out[key] = value;
      continue;
    }
    const target = resolveKey(store, entity, parseKey(match[2]));
    if (!target.id) throw faults.recordNotFound(entity.logicalName, `the specified key values (${Object.keys(target.keyValues).join(", ")})`);
    out[key] = `/${entity.entitySetName}(${target.id})`;
  }
  return out;
}
