/**
 * Attribute values as Dataverse serialises them in a RemoteExecutionContext
 * (the WCF DataContractJsonSerializer shape), turned into plain JS values.
 */

export interface EntityReferenceValue {
  readonly id: string;
  readonly logicalName: string;
}

export interface EntityValue {
  readonly logicalName: string;
  readonly id?: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | Date
  | readonly number[]
  | EntityReferenceValue
  | EntityValue
  | readonly EntityValue[];

/** Raised for anything that is not the documented shape; its message never quotes values. */
export class ContextFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContextFormatError";
  }
}

const CONTRACTS = ":http://schemas.microsoft.com/xrm/2011/Contracts";
const WCF_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/**
 * "\/Date(1495810148000)\/" or "\/Date(1495810148000+0100)\/". The number is
 * always milliseconds since the Unix epoch in UTC; the offset only tells the
 * sender's zone, so it does not move the instant.
 */
export function parseWcfDate(text: string): Date | undefined {
  const match = WCF_DATE.exec(text);
  return match ? new Date(Number(match[1])) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The type name of a `__type` discriminator: "OptionSetValue:http://…" → "OptionSetValue". */
function typeName(value: Record<string, unknown>): string | undefined {
  const type = value.__type;
  return typeof type === "string" ? type.split(":")[0] : undefined;
}

/** A WCF `[{key, value}]` collection as a plain record. */
export function keyValueCollection(raw: unknown, where: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw new ContextFormatError(`${where} must be a [{key, value}] collection`);
  const result: Record<string, unknown> = {};
  for (const pair of raw) {
    if (!isRecord(pair) || typeof pair.key !== "string") throw new ContextFormatError(`${where} has an entry without a key`);
    result[pair.key] = pair.value;
  }
  return result;
}

function parseGuid(raw: unknown, where: string): string {
  if (typeof raw !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) {
    throw new ContextFormatError(`${where} is not a GUID`);
  }
  return raw.toLowerCase();
}

export function parseEntityReference(raw: Record<string, unknown>, where: string): EntityReferenceValue {
  if (typeof raw.LogicalName !== "string") throw new ContextFormatError(`${where} has no LogicalName`);
  return { id: parseGuid(raw.Id, `${where}.Id`), logicalName: raw.LogicalName };
}

export function parseEntity(raw: unknown, where: string): EntityValue {
  if (!isRecord(raw) || typeof raw.LogicalName !== "string") throw new ContextFormatError(`${where} is not an Entity`);
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(keyValueCollection(raw.Attributes, `${where}.Attributes`))) {
    attributes[name] = parseAttributeValue(value, `${where}.${name}`);
  }
  const emptyId = raw.Id === undefined || raw.Id === null || raw.Id === "00000000-0000-0000-0000-000000000000";
  return { logicalName: raw.LogicalName, id: emptyId ? undefined : parseGuid(raw.Id, `${where}.Id`), attributes };
}

/** One attribute value, from its serialised form. */
export function parseAttributeValue(raw: unknown, where: string): AttributeValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "number" || typeof raw === "boolean") return raw;
  if (typeof raw === "string") return parseWcfDate(raw) ?? raw;
  if (Array.isArray(raw)) {
    // An OptionSetValueCollection may arrive as a bare array of OptionSetValue.
    return raw.map((item, i) => {
      const value = parseAttributeValue(item, `${where}[${i}]`);
      if (typeof value !== "number") throw new ContextFormatError(`${where} is a collection of something other than options`);
      return value;
    });
  }
  if (!isRecord(raw)) throw new ContextFormatError(`${where} has an unsupported value`);
  const type = typeName(raw);
  switch (type) {
    case "OptionSetValue":
    case "Money":
      if (typeof raw.Value !== "number") throw new ContextFormatError(`${where} (${type}) has no numeric Value`);
      return raw.Value;
    case "OptionSetValueCollection": {
      const items: unknown = Array.isArray(raw.Value) ? raw.Value : raw.Items;
      return Array.isArray(items) ? (parseAttributeValue(items, where)) : [];
    }
    case "EntityReference":
      return parseEntityReference(raw, where);
    case "Entity":
      return parseEntity(raw, where);
    case "EntityCollection": {
      const entities = Array.isArray(raw.Entities) ? raw.Entities : [];
      return entities.map((e, i) => parseEntity(e, `${where}.Entities[${i}]`));
    }
    case "dateTime":
    case "string":
    case "int":
    case "long":
    case "double":
    case "decimal":
    case "boolean":
    case "guid":
      return parseAttributeValue(raw.value ?? raw.Value, where);
    default:
      // BooleanManagedProperty, AliasedValue and friends carry a Value too.
      if ("Value" in raw) return parseAttributeValue(raw.Value, where);
      throw new ContextFormatError(`${where} has an unsupported type ${type ?? "(none)"}`);
  }
}

export const CONTRACT_TYPES = {
  entity: `Entity${CONTRACTS}`,
  entityReference: `EntityReference${CONTRACTS}`,
  optionSetValue: `OptionSetValue${CONTRACTS}`,
  optionSetValueCollection: `OptionSetValueCollection${CONTRACTS}`,
  money: `Money${CONTRACTS}`,
  entityCollection: `EntityCollection${CONTRACTS}`,
} as const;

export function isEntityReference(value: AttributeValue | undefined): value is EntityReferenceValue {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value) && "id" in value && !("attributes" in value);
}

export function isEntity(value: unknown): value is EntityValue {
  return isRecord(value) && "attributes" in value && "logicalName" in value;
}

export { parseGuid };
