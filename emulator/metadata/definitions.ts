import { createHash } from "node:crypto";
import type { ColumnDeclaration } from "../../solution/schema/model";
import { schema } from "../../solution/schema/schema";
import type { AttributeMetadata, EntityMetadata, Metadata } from "./metadata";

/**
 * Table, column, choice and relationship definitions as the Web API's
 * metadata entity sets return them (EntityMetadata, AttributeMetadata and its
 * typed subtypes, OptionSetMetadata, OneToManyRelationshipMetadata), built
 * from the schema declaration for the solution's tables and from the local
 * Dataverse's own metadata for the system tables it carries.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/attributemetadata
 */

type Json = Record<string, unknown>;

/** A stable id for a definition, so MetadataId survives restarts and resets. */
export function metadataId(kind: string, name: string): string {
  const hex = createHash("sha256").update(`${kind}:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function label(text: string): Json {
  const localized = { Label: text, LanguageCode: 1033, IsManaged: false, MetadataId: metadataId("label", text), HasChanged: null };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

const tableDeclarations = new Map(schema.tables.map((t) => [t.logicalName, t]));
const choiceDeclarations = new Map(schema.choices.map((c) => [c.name, c]));
const isCustom = (name: string) => name.startsWith(`${schema.publisher.prefix}_`);

function columnDeclaration(entity: string, attribute: string): ColumnDeclaration | undefined {
  return tableDeclarations.get(entity)?.columns.find((c) => c.logicalName === attribute);
}

/** Display name: the schema's, else the logical name (system tables carry no labels here). */
function displayName(entity: EntityMetadata, attribute?: AttributeMetadata): string {
  const table = tableDeclarations.get(entity.logicalName);
  if (!attribute) return table?.displayName ?? entity.logicalName;
  if (table?.primaryName?.logicalName === attribute.logicalName) return table.primaryName.displayName;
  return columnDeclaration(entity.logicalName, attribute.logicalName)?.displayName ?? attribute.logicalName;
}

const TYPES: Record<AttributeMetadata["kind"], { type: string; attributeType: string; typeName: string }> = {
  uniqueidentifier: { type: "UniqueIdentifierAttributeMetadata", attributeType: "Uniqueidentifier", typeName: "UniqueidentifierType" },
  string: { type: "StringAttributeMetadata", attributeType: "String", typeName: "StringType" },
  memo: { type: "MemoAttributeMetadata", attributeType: "Memo", typeName: "MemoType" },
  integer: { type: "IntegerAttributeMetadata", attributeType: "Integer", typeName: "IntegerType" },
  bigint: { type: "BigIntAttributeMetadata", attributeType: "BigInt", typeName: "BigIntType" },
  decimal: { type: "DecimalAttributeMetadata", attributeType: "Decimal", typeName: "DecimalType" },
  boolean: { type: "BooleanAttributeMetadata", attributeType: "Boolean", typeName: "BooleanType" },
  date: { type: "DateTimeAttributeMetadata", attributeType: "DateTime", typeName: "DateTimeType" },
  datetime: { type: "DateTimeAttributeMetadata", attributeType: "DateTime", typeName: "DateTimeType" },
  picklist: { type: "PicklistAttributeMetadata", attributeType: "Picklist", typeName: "PicklistType" },
  multiselect: { type: "MultiSelectPicklistAttributeMetadata", attributeType: "Virtual", typeName: "MultiSelectPicklistType" },
  lookup: { type: "LookupAttributeMetadata", attributeType: "Lookup", typeName: "LookupType" },
  state: { type: "StateAttributeMetadata", attributeType: "State", typeName: "StateType" },
  status: { type: "StatusAttributeMetadata", attributeType: "Status", typeName: "StatusType" },
};

/** The derived type name of an attribute, e.g. "PicklistAttributeMetadata". */
export function attributeTypeName(attribute: AttributeMetadata): string {
  return TYPES[attribute.kind].type;
}

function option(value: number, text: string, extra: Json = {}): Json {
  return { Value: value, Label: label(text), Description: label(""), Color: null, IsManaged: false, ExternalValue: null, ParentValues: [], MetadataId: null, HasChanged: null, ...extra };
}

/** The attribute's OptionSet (for $expand=OptionSet on choice, state, status and yes/no columns). */
export function optionSetOf(entity: EntityMetadata, attribute: AttributeMetadata): Json | undefined {
  const declared = columnDeclaration(entity.logicalName, attribute.logicalName);
  const globalName = declared && (declared.type.kind === "choice" || declared.type.kind === "multichoice") ? declared.type.choice : undefined;
  const name = globalName ?? `${entity.logicalName}_${attribute.logicalName}`;
  const base = { MetadataId: metadataId("optionset", name), Name: name, IsGlobal: globalName !== undefined, IsCustomOptionSet: isCustom(name), DisplayName: label(globalName ? choiceDeclarations.get(globalName)?.displayName ?? name : displayName(entity, attribute)) };
  const options = attribute.options ?? [];
  switch (attribute.kind) {
    case "boolean":
      return { ...base, OptionSetType: "Boolean", TrueOption: option(1, options.find((o) => o.value === 1)?.label ?? "Yes"), FalseOption: option(0, options.find((o) => o.value === 0)?.label ?? "No") };
    case "picklist": case "multiselect":
      return { ...base, OptionSetType: "Picklist", Options: options.map((o) => option(o.value, o.label)) };
    case "state":
      return { ...base, OptionSetType: "State", Options: options.map((o) => option(o.value, o.label, { DefaultStatus: entity.statusByState?.get(o.value)?.[0] ?? null, InvariantName: o.label })) };
    case "status": {
      const stateOf = (value: number) => [...(entity.statusByState ?? new Map<number, readonly number[]>())].find(([, list]) => list.includes(value))?.[0] ?? null;
      return { ...base, OptionSetType: "Status", Options: options.map((o) => option(o.value, o.label, { State: stateOf(o.value) })) };
    }
    default:
      return undefined;
  }
}

export function attributeDefinition(entity: EntityMetadata, attribute: AttributeMetadata, expandOptionSet: boolean): Json {
  const t = TYPES[attribute.kind];
  const declared = columnDeclaration(entity.logicalName, attribute.logicalName);
  const required = attribute.logicalName === entity.primaryIdAttribute ? "SystemRequired" : declared?.required === "required" ? "ApplicationRequired" : declared?.required === "recommended" ? "Recommended" : "None";
  const json: Json = {
    "@odata.type": `#Microsoft.Dynamics.CRM.${t.type}`,
    MetadataId: metadataId("attribute", `${entity.logicalName}.${attribute.logicalName}`),
    LogicalName: attribute.logicalName, SchemaName: attribute.logicalName, EntityLogicalName: entity.logicalName,
    AttributeType: t.attributeType, AttributeTypeName: { Value: t.typeName },
    DisplayName: label(displayName(entity, attribute)), Description: label(declared?.description ?? ""),
    RequiredLevel: { Value: required, CanBeChanged: true, ManagedPropertyLogicalName: "canmodifyrequirementlevelsettings" },
    IsCustomAttribute: isCustom(attribute.logicalName), IsPrimaryId: attribute.logicalName === entity.primaryIdAttribute,
    IsPrimaryName: attribute.logicalName === entity.primaryNameAttribute, IsValidForCreate: true, IsValidForUpdate: attribute.logicalName !== entity.primaryIdAttribute, IsValidForRead: true,
  };
  if (attribute.maxLength !== undefined) json.MaxLength = attribute.maxLength;
  if (attribute.min !== undefined) json.MinValue = attribute.min;
  if (attribute.max !== undefined) json.MaxValue = attribute.max;
  if (attribute.kind === "lookup") json.Targets = attribute.targets ?? [];
  if (attribute.kind === "date" || attribute.kind === "datetime") {
    json.Format = attribute.kind === "date" ? "DateOnly" : "DateAndTime";
    json.DateTimeBehavior = { Value: attribute.kind === "date" ? "DateOnly" : "UserLocal" };
  }
  if (attribute.defaultValue !== undefined) json.DefaultFormValue = typeof attribute.defaultValue === "boolean" ? Number(attribute.defaultValue) : attribute.defaultValue;
  if (expandOptionSet) {
    const set = optionSetOf(entity, attribute);
    if (set) json.OptionSet = set;
  }
  return json;
}

export interface RelationshipDefinition {
  readonly SchemaName: string;
  readonly ReferencedEntity: string;
  readonly ReferencingEntity: string;
  readonly json: Json;
}

/** Every one-to-many relationship the local Dataverse knows: the schema's and the system tables' own. */
export function relationships(metadata: Metadata): RelationshipDefinition[] {
  const out = new Map<string, RelationshipDefinition>();
  const add = (name: string, referenced: EntityMetadata, referencing: EntityMetadata, lookup: string, collection: string | null, navigation: string | null, cascade: string) => {
    if (out.has(name)) return;
    out.set(name, {
      SchemaName: name, ReferencedEntity: referenced.logicalName, ReferencingEntity: referencing.logicalName,
      json: {
        "@odata.type": "#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata",
        MetadataId: metadataId("relationship", name), SchemaName: name, RelationshipType: "OneToManyRelationship", IsCustomRelationship: isCustom(name),
        ReferencedEntity: referenced.logicalName, ReferencedAttribute: referenced.primaryIdAttribute, ReferencingEntity: referencing.logicalName, ReferencingAttribute: lookup,
        ReferencedEntityNavigationPropertyName: collection, ReferencingEntityNavigationPropertyName: navigation,
        CascadeConfiguration: { Assign: "NoCascade", Delete: cascade, Merge: "NoCascade", Reparent: "NoCascade", Share: "NoCascade", Unshare: "NoCascade", RollupView: "NoCascade" },
      },
    });
  };
  const cascadeOf: Record<string, string> = { parental: "Cascade", referential: "RemoveLink", restrict: "Restrict" };
  for (const r of schema.relationships) {
    const referenced = metadata.entity(r.referencedTable);
    const referencing = metadata.entity(r.referencingTable);
    if (referenced && referencing) add(r.name, referenced, referencing, r.lookup, r.collectionProperty, r.navigationProperty, cascadeOf[r.cascade] ?? "NoCascade");
  }
  for (const entity of metadata.entities) {
    for (const nav of entity.collectionNavigations.values()) {
      const child = metadata.entity(nav.referencingTable);
      const navigation = child ? [...child.lookupNavigations.values()].find((n) => n.lookup === nav.lookup)?.name ?? null : null;
      if (child) add(nav.name, entity, child, nav.lookup, nav.name, navigation, "RemoveLink");
    }
    for (const nav of entity.lookupNavigations.values()) {
      const target = metadata.entity(nav.target);
      if (target) add(`lk_${entity.logicalName}_${nav.lookup}`, target, entity, nav.lookup, null, nav.name, "NoCascade");
    }
  }
  return [...out.values()];
}

export function entityDefinition(entity: EntityMetadata): Json {
  const table = tableDeclarations.get(entity.logicalName);
  return {
    MetadataId: metadataId("entity", entity.logicalName),
    LogicalName: entity.logicalName, SchemaName: entity.logicalName, EntitySetName: entity.entitySetName, LogicalCollectionName: entity.entitySetName,
    PrimaryIdAttribute: entity.primaryIdAttribute, PrimaryNameAttribute: entity.primaryNameAttribute ?? null,
    DisplayName: label(displayName(entity)), DisplayCollectionName: label(table?.pluralName ?? entity.entitySetName), Description: label(table?.description ?? ""),
    IsCustomEntity: isCustom(entity.logicalName), IsActivity: entity.isActivity === true,
    OwnershipType: entity.attributes.has("ownerid") ? "UserOwned" : "None", HasActivities: table?.hasActivities === true,
    IsValidForAdvancedFind: true, ObjectTypeCode: null,
  };
}

export function keysOf(entity: EntityMetadata): Json[] {
  return (entity.keys ?? []).map((k) => ({
    MetadataId: metadataId("key", k.name), LogicalName: k.name, SchemaName: k.name, EntityLogicalName: entity.logicalName,
    KeyAttributes: k.columns, EntityKeyIndexStatus: "Active", DisplayName: label(tableDeclarations.get(entity.logicalName)?.keys?.find((d) => d.name === k.name)?.displayName ?? k.name),
  }));
}

export function globalOptionSets(): Json[] {
  return schema.choices.map((c) => ({
    "@odata.type": "#Microsoft.Dynamics.CRM.OptionSetMetadata",
    MetadataId: metadataId("optionset", c.name), Name: c.name, IsGlobal: true, IsCustomOptionSet: isCustom(c.name), OptionSetType: "Picklist",
    DisplayName: label(c.displayName), Description: label(c.description), Options: c.options.map((o) => option(o.value, o.label)),
  }));
}
