import { isGuid } from "../query/conditions";
import type { AttributeMetadata, EntityMetadata, Metadata } from "../metadata/metadata";
import { lookupFromValueName, lookupValueName } from "../metadata/metadata";
import { type Row, type StoredValue, type Store, isEntityReference, normaliseDateTime } from "../storage/database";
import { faults } from "./faults";
import { asText } from "../storage/text";

/**
 * Web API JSON in and out. Incoming bodies are checked column by column
 * against the metadata (unknown names, wrong types, values out of range,
 * options the choice does not have); outgoing rows carry the etag, `_x_value`
 * lookups and, when asked for, Dataverse's annotations.
 */

/** Parses `/contacts(guid)`, `contacts(guid)` or an absolute URL ending in it. */
export function parseEntityUrl(text: string): { entitySet: string; id: string } | undefined {
  const match = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\(([0-9a-fA-F-]{36})\)$/.exec(text.trim());
  return match && isGuid(match[2]) ? { entitySet: match[1], id: match[2].toLowerCase() } : undefined;
}

export function rowFromPayload(metadata: Metadata, entity: EntityMetadata, body: unknown): Row {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw faults.payload(entity.logicalName, "The request body must be a JSON object.");
  }
  const row: Row = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.startsWith("@odata.")) continue;
    if (key.endsWith("@odata.bind")) {
      const navigation = key.slice(0, -"@odata.bind".length);
      const nav = entity.lookupNavigations.get(navigation);
      if (!nav) throw faults.payload(entity.logicalName, `An undeclared property '${navigation}' which only has property annotations in the payload but no property value was found in the payload.`);
      if (value === null) {
        row[nav.lookup] = null;
        continue;
      }
      const target = typeof value === "string" ? parseEntityUrl(value) : undefined;
      const targetEntity = target ? metadata.entityBySet(target.entitySet) : undefined;
      const allowed = entity.attributes.get(nav.lookup)?.targets ?? [nav.target];
      if (!target && typeof value === "string" && /\([^)]*=[^)]*\)$/.test(value)) throw faults.notSupportedLocally(`an alternate key in '${key}' (bind by the row's id instead)`);
      if (!target || !targetEntity) throw faults.payload(entity.logicalName, `The value of '${key}' must be a URL such as /${metadata.require(nav.target).entitySetName}(<id>).`);
      if (!allowed.includes(targetEntity.logicalName) || (allowed.length > 1 && nav.target !== targetEntity.logicalName && nav.name !== nav.lookup)) {
        throw faults.payload(entity.logicalName, `'${navigation}' cannot point to a ${targetEntity.logicalName} record.`);
      }
      row[nav.lookup] = { logicalName: targetEntity.logicalName, id: target.id };
      continue;
    }
    if (key.includes("@")) continue; // other instance annotations are ignored, as Dataverse does
    const attribute = entity.attributes.get(key);
    if (!attribute) {
      const lookup = lookupFromValueName(key);
      if (lookup && entity.attributes.get(lookup)?.kind === "lookup") {
        throw faults.payload(entity.logicalName, `The property '${key}' is read-only: set the lookup with '${lookup}@odata.bind'.`);
      }
      throw faults.payload(entity.logicalName, `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${entity.logicalName}'. Make sure to only use property names that are defined by the type.`);
    }
    if (attribute.kind === "lookup") {
      throw faults.payload(entity.logicalName, `Set the lookup '${key}' with '${key}@odata.bind' and the related row's URL.`);
    }
    if (key === "versionnumber" || key === "createdon" || key === "modifiedon") {
      throw faults.payload(entity.logicalName, `The property '${key}' is set by the platform and cannot be written.`);
    }
    row[key] = coerceAttribute(entity, attribute, value);
  }
  return row;
}

function coerceAttribute(entity: EntityMetadata, attribute: AttributeMetadata, value: unknown): StoredValue {
  if (value === null) return null;
  const name = attribute.logicalName;
  const wrong = (expected: string) =>
    faults.payload(entity.logicalName, `Cannot convert the value of '${name}' to the type ${expected}.`);
  switch (attribute.kind) {
    case "uniqueidentifier":
      if (typeof value !== "string" || !isGuid(value)) throw wrong("Edm.Guid");
      return value.toLowerCase();
    case "string":
    case "memo":
      if (typeof value !== "string") throw wrong("Edm.String");
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
        throw faults.invalidArgument(`A validation error occurred. The length of the '${name}' attribute of the '${entity.logicalName}' entity exceeded the maximum allowed length of '${attribute.maxLength}'.`);
      }
      return value;
    case "integer":
    case "bigint":
    case "decimal":
      if (typeof value !== "number" || !Number.isFinite(value) || (attribute.kind !== "decimal" && !Number.isInteger(value))) throw wrong(attribute.kind === "decimal" ? "Edm.Decimal" : "Edm.Int32");
      if ((attribute.min !== undefined && value < attribute.min) || (attribute.max !== undefined && value > attribute.max)) {
        throw faults.invalidArgument(`A validation error occurred. The value ${value} of '${name}' on record of type '${entity.logicalName}' is outside the valid range. Accepted Values: ${attribute.min} to ${attribute.max}.`);
      }
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw wrong("Edm.Boolean");
      return value;
    case "date":
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw wrong("Edm.Date");
      return value;
    case "datetime": {
      const normalised = typeof value === "string" ? normaliseDateTime(value) : undefined;
      if (!normalised) throw wrong("Edm.DateTimeOffset");
      return normalised;
    }
    case "picklist":
    case "state":
    case "status":
      if (typeof value !== "number" || !Number.isInteger(value)) throw wrong("Edm.Int32");
      if (attribute.options && !attribute.options.some((o) => o.value === value)) {
        throw faults.invalidArgument(`A validation error occurred. The value ${value} of '${name}' on record of type '${entity.logicalName}' is outside the valid range.`);
      }
      return value;
    case "multiselect": {
      if (typeof value !== "string") throw wrong("Edm.String");
      const values = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
      for (const v of values) {
        if (!attribute.options?.some((o) => String(o.value) === v)) {
          throw faults.invalidArgument(`A validation error occurred. The value ${v} of '${name}' on record of type '${entity.logicalName}' is outside the valid range.`);
        }
      }
      return values.length > 0 ? values.join(",") : null;
    }
    case "lookup":
      throw wrong("Edm.Guid");
  }
}

export type AnnotationChoice = { formatted: boolean; lookups: boolean };

/** Which annotations `Prefer: odata.include-annotations="…"` asks for. */
export function annotationsFromPrefer(prefer: string | undefined): AnnotationChoice {
  const match = /odata\.include-annotations\s*=\s*"?([^";]*)"?/i.exec(prefer ?? "");
  if (!match) return { formatted: false, lookups: false };
  const patterns = match[1].split(",").map((p) => p.trim());
  const wants = (name: string) => patterns.some((p) => p === "*" || p === name || (p.endsWith(".*") && name.startsWith(p.slice(0, -1))));
  return {
    formatted: wants("OData.Community.Display.V1.FormattedValue"),
    lookups: wants("Microsoft.Dynamics.CRM.lookuplogicalname"),
  };
}

const numberFormat = new Intl.NumberFormat("en-US");
const dateFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit" });

function formatted(store: Store, attribute: AttributeMetadata, value: StoredValue): string | undefined {
  if (value === null) return undefined;
  switch (attribute.kind) {
    case "picklist": case "state": case "status":
      return attribute.options?.find((o) => o.value === value)?.label;
    case "boolean":
      return attribute.options?.find((o) => o.value === (value ? 1 : 0))?.label;
    case "multiselect":
      return asText(value).split(",").map((v) => attribute.options?.find((o) => String(o.value) === v)?.label ?? v).join("; ");
    case "integer": case "bigint": case "decimal":
      return typeof value === "number" ? numberFormat.format(value) : undefined;
    case "date":
      return dateFormat.format(new Date(`${asText(value)}T00:00:00Z`));
    case "datetime":
      return dateTimeFormat.format(new Date(asText(value)));
    case "lookup":
      return isEntityReference(value) ? store.primaryName(value) ?? undefined : undefined;
    default:
      return undefined;
  }
}

export function etagOf(row: Row): string {
  return `W/"${asText(row.versionnumber ?? 0)}"`;
}

/** A stored row as the Web API returns it, limited to `select` when given. */
export function rowToJson(
  store: Store,
  entity: EntityMetadata,
  row: Row,
  options: { select?: readonly string[]; annotations: AnnotationChoice },
): Record<string, unknown> {
  const out: Record<string, unknown> = { "@odata.etag": etagOf(row) };
  const names = options.select ?? [...entity.attributes.keys()];
  const navigationByLookup = new Map([...entity.lookupNavigations.values()].map((n) => [n.lookup, n.name]));
  for (const name of names) {
    const attribute = entity.attributes.get(name);
    if (!attribute) continue;
    const value = row[name] ?? null;
    const jsonName = attribute.kind === "lookup" ? lookupValueName(name) : name;
    if (options.annotations.formatted) {
      const text = formatted(store, attribute, value);
      if (text !== undefined) out[`${jsonName}@OData.Community.Display.V1.FormattedValue`] = text;
    }
    if (attribute.kind === "lookup") {
      if (options.annotations.lookups && isEntityReference(value)) {
        const nav = navigationByLookup.get(name) ?? name;
        out[`${jsonName}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = nav;
        out[`${jsonName}@Microsoft.Dynamics.CRM.lookuplogicalname`] = value.logicalName;
      }
      out[jsonName] = isEntityReference(value) ? value.id : null;
    } else {
      out[jsonName] = value;
    }
  }
  if (!options.select || !options.select.includes(entity.primaryIdAttribute)) out[entity.primaryIdAttribute] = row[entity.primaryIdAttribute] ?? null;
  return out;
}
