import { QueryError } from "../query/conditions";
import { faults } from "../service/faults";
import type { KeyText, Segment } from "../webapi/path";
import { parsePath } from "../webapi/path";
import type { ApiResponse } from "../webapi/webApi";
import { csdl } from "./csdl";
import { attributeDefinition, attributeTypeName, entityDefinition, globalOptionSets, keysOf, metadataId, relationships } from "./definitions";
import type { EntityMetadata, Metadata } from "./metadata";

/**
 * `$metadata`, `EntityDefinitions`, `GlobalOptionSetDefinitions` and
 * `RelationshipDefinitions`, read-only, with `$select`, `$expand` (Attributes,
 * the relationship collections, Keys, OptionSet / GlobalOptionSet) and
 * `$filter` of the form `Name eq value [and …]`. Other options on these
 * sets answer that the local Dataverse does not support them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 */

export const METADATA_SETS: ReadonlySet<string> = new Set(["EntityDefinitions", "GlobalOptionSetDefinitions", "RelationshipDefinitions"]);

type Json = Record<string, unknown>;
const CRM = "Microsoft.Dynamics.CRM.";
const ENTITY_EXPANDS = new Set(["Attributes", "OneToManyRelationships", "ManyToOneRelationships", "ManyToManyRelationships", "Keys"]);

function json(status: number, body: unknown): ApiResponse {
  return { status, headers: { "Content-Type": "application/json; odata.metadata=minimal" }, body: JSON.stringify(body) };
}

/** `Name eq 'x' and IsCustomEntity eq true`: the filters code generators send. */
function filterOf(text: string | undefined): (item: Json) => boolean {
  if (text === undefined) return () => true;
  const tests = text.split(/\s+and\s+/i).map((clause) => {
    // Enum literals (Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist') compare by their name.
    const match = /^\s*([A-Za-z]+)\s+(eq|ne)\s+((?:Microsoft\.Dynamics\.CRM\.[A-Za-z]+)?'(?:[^']|'')*'|true|false|-?\d+|[0-9a-fA-F-]{36})\s*$/.exec(clause);
    if (!match) throw faults.notSupportedLocally(`the metadata $filter '${clause.trim()}' (only "Property eq value" joined by "and")`);
    const [, name, op, raw] = match;
    const value = raw.endsWith("'") ? raw.slice(raw.indexOf("'") + 1, -1).replace(/''/g, "'") : raw === "true" ? true : raw === "false" ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw.toLowerCase();
    return (item: Json) => (item[name] === value) === (op === "eq");
  });
  return (item) => tests.every((t) => t(item));
}

function selectOf(text: string | undefined, item: Json, keep: readonly string[] = []): Json {
  if (text === undefined) return item;
  const names = new Set([...text.split(",").map((s) => s.trim()), "MetadataId", ...keep]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k) || k.startsWith("@")));
}

function expandOf(text: string | undefined, allowed: ReadonlySet<string>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (text === undefined) return out;
  for (const item of text.split(/,(?![^(]*\))/)) {
    const match = /^\s*([A-Za-z]+)(?:\((.*)\))?\s*$/.exec(item);
    if (!match || !allowed.has(match[1])) throw faults.notSupportedLocally(`$expand=${item.trim()} on metadata`);
    const inner = new Map<string, string>();
    for (const part of (match[2] ?? "").split(";").filter((p) => p.trim() !== "")) {
      const eq = part.indexOf("=");
      inner.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    out.set(match[1], inner);
  }
  return out;
}

function checkOptions(options: ReadonlyMap<string, string>, allowed: readonly string[]): void {
  for (const key of options.keys()) if (!allowed.includes(key)) throw faults.notSupportedLocally(`the query option '${key}' on metadata`);
}

function findEntity(metadata: Metadata, key: KeyText): EntityMetadata {
  const entity = key.kind === "id"
    ? metadata.entities.find((e) => metadataId("entity", e.logicalName) === key.id)
    : key.values.size === 1 && key.values.has("LogicalName") ? metadata.entity(key.values.get("LogicalName") ?? "") : undefined;
  if (key.kind === "alternate" && !(key.values.size === 1 && key.values.has("LogicalName"))) throw new QueryError("EntityDefinitions are addressed by MetadataId or LogicalName='…'.");
  if (!entity) throw new DataverseNotFound(key.kind === "id" ? key.id : key.values.get("LogicalName") ?? "");
  return entity;
}

/** Dataverse's answer for a table that does not exist (0x80040217, as for a missing record). */
class DataverseNotFound extends Error {}

function entityParts(metadata: Metadata, entity: EntityMetadata, part: string, expandOptionSet: boolean): Json[] {
  const rels = relationships(metadata);
  switch (part) {
    case "Attributes": return [...entity.attributes.values()].map((a) => attributeDefinition(entity, a, expandOptionSet));
    case "OneToManyRelationships": return rels.filter((r) => r.ReferencedEntity === entity.logicalName).map((r) => r.json);
    case "ManyToOneRelationships": return rels.filter((r) => r.ReferencingEntity === entity.logicalName).map((r) => r.json);
    case "ManyToManyRelationships": return [];
    case "Keys": return keysOf(entity);
    default: throw faults.notSupportedLocally(`'${part}' on EntityDefinitions`);
  }
}

function entityWithExpands(metadata: Metadata, entity: EntityMetadata, options: ReadonlyMap<string, string>): Json {
  const expands = expandOf(options.get("$expand"), ENTITY_EXPANDS);
  const out = selectOf(options.get("$select"), entityDefinition(entity));
  for (const [name, inner] of expands) {
    const withOptionSet = (inner.get("$expand") ?? "").split(",").some((e) => e.trim() === "OptionSet");
    out[name] = entityParts(metadata, entity, name, withOptionSet).filter(filterOf(inner.get("$filter"))).map((item) => selectOf(inner.get("$select"), item, ["@odata.type", "OptionSet"]));
  }
  return out;
}

function entityDefinitions(metadata: Metadata, rest: readonly Segment[], first: Segment, options: ReadonlyMap<string, string>, base: string): ApiResponse {
  if (first.key === undefined) {
    if (rest.length) throw faults.notSupportedLocally(`'${rest[0].name}' after EntityDefinitions`);
    checkOptions(options, ["$select", "$filter", "$expand"]);
    const value = metadata.entities.map((e) => entityDefinition(e)).filter(filterOf(options.get("$filter")))
      .map((d) => entityWithExpands(metadata, metadata.require(String(d.LogicalName)), options));
    return json(200, { "@odata.context": `${base}$metadata#EntityDefinitions`, value });
  }
  const entity = findEntity(metadata, first.key);
  if (rest.length === 0) {
    checkOptions(options, ["$select", "$expand"]);
    return json(200, { "@odata.context": `${base}$metadata#EntityDefinitions/$entity`, ...entityWithExpands(metadata, entity, options) });
  }
  const [part, ...more] = rest;
  let cast: string | undefined;
  let attribute: Segment | undefined;
  for (const s of more) {
    if (s.name.startsWith(CRM)) cast = s.name.slice(CRM.length);
    else throw faults.notSupportedLocally(`'${s.name}' on EntityDefinitions`);
  }
  if (part.name === "Attributes" && part.key) attribute = part;
  checkOptions(options, ["$select", "$filter", "$expand"]);
  const optionSet = expandOf(options.get("$expand"), new Set(["OptionSet", "GlobalOptionSet"])).size > 0;
  let items = entityParts(metadata, entity, part.name, optionSet);
  if (cast) items = items.filter((i) => i["@odata.type"] === `#${CRM}${cast}`);
  if (optionSet && !cast && !attribute) throw new QueryError("$expand=OptionSet needs a cast to a typed attribute, such as Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata.");
  if (attribute) {
    const key = attribute.key as KeyText;
    const name = key.kind === "alternate" ? key.values.get("LogicalName") : undefined;
    const found = items.find((i) => (key.kind === "id" ? i.MetadataId === key.id : i.LogicalName === name));
    if (!found) throw new DataverseNotFound(name ?? "");
    if (cast && attributeTypeName(entity.attributes.get(String(found.LogicalName)) ?? entity.attributes.values().next().value!) !== cast) throw new QueryError(`The attribute is not a ${cast}.`);
    return json(200, { "@odata.context": `${base}$metadata#EntityDefinitions('${metadataId("entity", entity.logicalName)}')/Attributes${cast ? `/${CRM}${cast}` : ""}/$entity`, ...selectOf(options.get("$select"), found, ["@odata.type", "OptionSet"]) });
  }
  const value = items.filter(filterOf(options.get("$filter"))).map((i) => selectOf(options.get("$select"), i, ["@odata.type", "OptionSet"]));
  return json(200, { "@odata.context": `${base}$metadata#EntityDefinitions('${metadataId("entity", entity.logicalName)}')/${part.name}${cast ? `/${CRM}${cast}` : ""}`, value });
}

function namedSet(items: Json[], first: Segment, rest: readonly Segment[], nameProperty: string, set: string, options: ReadonlyMap<string, string>, base: string): ApiResponse {
  for (const s of rest) if (!s.name.startsWith(CRM)) throw faults.notSupportedLocally(`'${s.name}' on ${set}`);
  checkOptions(options, ["$select", "$filter"]);
  if (first.key === undefined) {
    return json(200, { "@odata.context": `${base}$metadata#${set}`, value: items.filter(filterOf(options.get("$filter"))).map((i) => selectOf(options.get("$select"), i, ["@odata.type"])) });
  }
  const key = first.key;
  const found = items.find((i) => (key.kind === "id" ? i.MetadataId === key.id : key.values.size === 1 && i[nameProperty] === key.values.get(nameProperty)));
  if (!found) throw new DataverseNotFound(key.kind === "id" ? key.id : [...key.values.values()].join(","));
  return json(200, { "@odata.context": `${base}$metadata#${set}/$entity`, ...selectOf(options.get("$select"), found, ["@odata.type"]) });
}

export function metadataResponse(metadata: Metadata, path: string, options: ReadonlyMap<string, string>, base: string, _url: URL): ApiResponse {
  if (path === "$metadata") {
    return { status: 200, headers: { "Content-Type": "application/xml" }, body: csdl(metadata) };
  }
  const [first, ...rest] = parsePath(path);
  try {
    if (first.name === "EntityDefinitions") return entityDefinitions(metadata, rest, first, options, base);
    if (first.name === "GlobalOptionSetDefinitions") return namedSet(globalOptionSets(), first, rest, "Name", "GlobalOptionSetDefinitions", options, base);
    return namedSet(relationships(metadata).map((r) => r.json), first, rest, "SchemaName", "RelationshipDefinitions", options, base);
  } catch (error) {
    if (error instanceof DataverseNotFound) throw faults.recordNotFound(first.name, error.message);
    throw error;
  }
}
