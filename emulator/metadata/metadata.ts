import type { ChoiceDeclaration, ColumnDeclaration, TableDeclaration } from "../../solution/schema/model";
import { schema } from "../../solution/schema/schema";
import { primaryIdAttribute, systemColumns, type SystemColumn } from "../../solution/schema/systemColumns";
import { SYSTEM_TABLES } from "./systemTables";
import { SECURITY_TABLES, withManyToMany } from "../security/tables";

/**
 * The local Dataverse's entity metadata: the solution's tables from the schema
 * declaration (the single source of truth) plus the built-in tables the
 * product touches. Every name a request uses is checked against it.
 */

export type AttributeKind =
  | "uniqueidentifier" | "string" | "memo" | "integer" | "bigint" | "decimal" | "boolean"
  | "date" | "datetime" | "picklist" | "multiselect" | "lookup" | "state" | "status";

export interface OptionMetadata {
  readonly value: number;
  readonly label: string;
}

export interface AttributeMetadata {
  readonly logicalName: string;
  readonly kind: AttributeKind;
  /** Choice, state, status and boolean labels, for formatted values. */
  readonly options?: readonly OptionMetadata[];
  /** Lookup targets (logical names); more than one for polymorphic lookups. */
  readonly targets?: readonly string[];
  readonly defaultValue?: number | boolean;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
}

/** A single-valued navigation property: the lookup on this table that it binds. */
export interface LookupNavigation {
  readonly name: string;
  readonly lookup: string;
  readonly target: string;
}

/** A collection-valued navigation property: the rows of another table pointing here. */
export interface CollectionNavigation {
  readonly name: string;
  readonly referencingTable: string;
  readonly lookup: string;
  /** N:N only: the intersect table, the column holding this side's id and the one holding the related row's id. */
  readonly intersect?: { readonly table: string; readonly parentColumn: string; readonly childColumn: string };
}

export interface EntityMetadata {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute?: string;
  readonly attributes: ReadonlyMap<string, AttributeMetadata>;
  readonly lookupNavigations: ReadonlyMap<string, LookupNavigation>;
  readonly collectionNavigations: ReadonlyMap<string, CollectionNavigation>;
  /** statecode → default statuscode, and the state a new row starts in. */
  readonly defaultState?: { readonly statecode: number; readonly statuscode: number };
  readonly statusByState?: ReadonlyMap<number, readonly number[]>;
  readonly autoNumber?: { readonly attribute: string; readonly prefix: string; readonly digits: number };
  readonly isActivity?: boolean;
  /** Alternate keys: rows are unique on these columns, and a URL can name a row by them. */
  readonly keys?: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

export class Metadata {
  private readonly byLogicalName = new Map<string, EntityMetadata>();
  private readonly bySetName = new Map<string, EntityMetadata>();

  constructor(entities: readonly EntityMetadata[]) {
    for (const entity of entities) {
      this.byLogicalName.set(entity.logicalName, entity);
      this.bySetName.set(entity.entitySetName, entity);
    }
  }

  get entities(): readonly EntityMetadata[] {
    return [...this.byLogicalName.values()];
  }

  entity(logicalName: string): EntityMetadata | undefined {
    return this.byLogicalName.get(logicalName);
  }

  entityBySet(entitySetName: string): EntityMetadata | undefined {
    return this.bySetName.get(entitySetName);
  }

  /** The entity, or a programming error: only for names that come from our own code. */
  require(logicalName: string): EntityMetadata {
    const entity = this.byLogicalName.get(logicalName);
    if (!entity) throw new Error(`The local Dataverse has no table "${logicalName}"`);
    return entity;
  }
}

/** How a lookup appears in Web API JSON: `_sprx_contactid_value`. */
export function lookupValueName(lookup: string): string {
  return `_${lookup}_value`;
}

/** The lookup behind a `_x_value` name, if it is one. */
export function lookupFromValueName(name: string): string | undefined {
  const match = /^_(.+)_value$/.exec(name);
  return match ? match[1] : undefined;
}

const OWNER_TARGETS = ["systemuser", "team"];

function fromSystemColumn(table: TableDeclaration, column: SystemColumn): AttributeMetadata {
  const name = column.logicalName;
  switch (column.kind) {
    case "id": return { logicalName: name, kind: "uniqueidentifier" };
    case "string": return { logicalName: name, kind: "string", maxLength: 4000 };
    case "memo": return { logicalName: name, kind: "memo", maxLength: 1_048_576 };
    case "integer": return { logicalName: name, kind: "integer" };
    case "bigint": return { logicalName: name, kind: "bigint" };
    case "boolean": return { logicalName: name, kind: "boolean", options: [{ value: 0, label: "No" }, { value: 1, label: "Yes" }], defaultValue: false };
    case "datetime": return { logicalName: name, kind: "datetime" };
    case "state": return { logicalName: name, kind: "state", options: stateOptions(table) };
    case "status": return { logicalName: name, kind: "status", options: statusOptions(table) };
    case "lookup": return { logicalName: name, kind: "lookup", targets: systemLookupTargets(table, name) };
  }
}

function systemLookupTargets(table: TableDeclaration, lookup: string): string[] {
  if (lookup === "ownerid") return OWNER_TARGETS;
  if (lookup === "owningbusinessunit") return ["businessunit"];
  if (lookup === "createdby" || lookup === "modifiedby") return ["systemuser"];
  const targets = schema.relationships.filter((r) => r.referencingTable === table.logicalName && r.lookup === lookup).map((r) => r.referencedTable);
  return targets.length > 0 ? targets : ["contact"];
}

/** Appointment states as Dataverse has them; custom tables have Active / Inactive. */
const APPOINTMENT_STATES: readonly OptionMetadata[] = [
  { value: 0, label: "Open" }, { value: 1, label: "Completed" }, { value: 2, label: "Canceled" }, { value: 3, label: "Scheduled" },
];
const APPOINTMENT_STATUSES: readonly OptionMetadata[] = [
  { value: 1, label: "Free" }, { value: 2, label: "Tentative" }, { value: 3, label: "Completed" },
  { value: 4, label: "Canceled" }, { value: 5, label: "Busy" }, { value: 6, label: "Out of Office" },
];
const APPOINTMENT_STATUS_BY_STATE = new Map<number, readonly number[]>([[0, [1, 2]], [1, [3]], [2, [4]], [3, [5, 6]]]);

function stateOptions(table: TableDeclaration): readonly OptionMetadata[] {
  if (table.logicalName === "appointment") return APPOINTMENT_STATES;
  const states = new Map<number, string>([[0, "Active"], [1, "Inactive"]]);
  for (const s of table.statuses ?? []) states.set(s.state, s.stateLabel);
  return [...states].map(([value, label]) => ({ value, label }));
}

function statusOptions(table: TableDeclaration): readonly OptionMetadata[] {
  if (table.logicalName === "appointment") return APPOINTMENT_STATUSES;
  const declared = table.statuses ?? [];
  return declared.length > 0 ? declared.map((s) => ({ value: s.value, label: s.label })) : [{ value: 1, label: "Active" }, { value: 2, label: "Inactive" }];
}

function statusByState(table: TableDeclaration): Map<number, readonly number[]> {
  if (table.logicalName === "appointment") return APPOINTMENT_STATUS_BY_STATE;
  const declared = table.statuses ?? [];
  if (declared.length === 0) return new Map([[0, [1]], [1, [2]]]);
  const map = new Map<number, number[]>();
  for (const s of declared) map.set(s.state, [...(map.get(s.state) ?? []), s.value]);
  return map;
}

function fromColumn(column: ColumnDeclaration, choiceByName: ReadonlyMap<string, ChoiceDeclaration>): AttributeMetadata {
  const name = column.logicalName;
  const type = column.type;
  switch (type.kind) {
    case "string": return { logicalName: name, kind: "string", maxLength: type.maxLength };
    case "memo": return { logicalName: name, kind: "memo", maxLength: type.maxLength };
    case "integer": return { logicalName: name, kind: "integer", min: type.min, max: type.max, defaultValue: type.defaultValue };
    case "decimal": return { logicalName: name, kind: "decimal", min: type.min, max: type.max };
    case "boolean": return { logicalName: name, kind: "boolean", options: [{ value: 0, label: type.falseLabel }, { value: 1, label: type.trueLabel }], defaultValue: type.defaultValue };
    case "date": return { logicalName: name, kind: "date" };
    case "datetime": return { logicalName: name, kind: "datetime" };
    case "choice":
    case "multichoice": {
      const choice = choiceByName.get(type.choice);
      if (!choice) throw new Error(`Column ${name} uses an undeclared choice ${type.choice}`);
      const options = choice.options.map((o) => ({ value: o.value, label: o.label }));
      return type.kind === "choice"
        ? { logicalName: name, kind: "picklist", options, defaultValue: type.defaultValue }
        : { logicalName: name, kind: "multiselect", options };
    }
    case "lookup": return { logicalName: name, kind: "lookup", targets: [type.target] };
  }
}

function parseAutoNumber(attribute: string, format: string | undefined): EntityMetadata["autoNumber"] {
  const match = format ? /^(.*)\{SEQNUM:(\d+)\}$/.exec(format) : null;
  return match ? { attribute, prefix: match[1], digits: Number(match[2]) } : undefined;
}

function solutionEntity(table: TableDeclaration, choiceByName: ReadonlyMap<string, ChoiceDeclaration>): EntityMetadata {
  const attributes = new Map<string, AttributeMetadata>();
  for (const column of systemColumns(table)) attributes.set(column.logicalName, fromSystemColumn(table, column));
  const primaryName = table.primaryName?.logicalName ?? table.existing?.primaryNameAttribute;
  if (table.primaryName) attributes.set(table.primaryName.logicalName, { logicalName: table.primaryName.logicalName, kind: "string", maxLength: table.primaryName.maxLength });
  for (const column of table.columns) attributes.set(column.logicalName, fromColumn(column, choiceByName));

  const lookupNavigations = new Map<string, LookupNavigation>();
  for (const r of schema.relationships.filter((rel) => rel.referencingTable === table.logicalName)) {
    lookupNavigations.set(r.navigationProperty, { name: r.navigationProperty, lookup: r.lookup, target: r.referencedTable });
  }
  lookupNavigations.set("ownerid", { name: "ownerid", lookup: "ownerid", target: "systemuser" });
  lookupNavigations.set("createdby", { name: "createdby", lookup: "createdby", target: "systemuser" });
  lookupNavigations.set("modifiedby", { name: "modifiedby", lookup: "modifiedby", target: "systemuser" });
  lookupNavigations.set("owningbusinessunit", { name: "owningbusinessunit", lookup: "owningbusinessunit", target: "businessunit" });

  const collectionNavigations = new Map<string, CollectionNavigation>();
  for (const r of schema.relationships.filter((rel) => rel.referencedTable === table.logicalName)) {
    collectionNavigations.set(r.collectionProperty, { name: r.collectionProperty, referencingTable: r.referencingTable, lookup: r.lookup });
  }
  const isActivity = table.logicalName === "appointment";
  return {
    logicalName: table.logicalName,
    entitySetName: table.entitySetName,
    primaryIdAttribute: primaryIdAttribute(table),
    primaryNameAttribute: primaryName,
    attributes,
    lookupNavigations,
    collectionNavigations,
    // A new appointment is Scheduled / Busy, as Dataverse creates it.
    defaultState: isActivity ? { statecode: 3, statuscode: 5 } : { statecode: 0, statuscode: 1 },
    statusByState: statusByState(table),
    autoNumber: table.primaryName ? parseAutoNumber(table.primaryName.logicalName, table.primaryName.autoNumberFormat) : undefined,
    isActivity,
    keys: (table.keys ?? []).map((k) => ({ name: k.name, columns: k.columns })),
  };
}

/** Adds the collection navigations that point from system tables to solution tables (contact → engagements). */
function withIncomingRelationships(entity: EntityMetadata): EntityMetadata {
  const collectionNavigations = new Map(entity.collectionNavigations);
  for (const r of schema.relationships.filter((rel) => rel.referencedTable === entity.logicalName)) {
    collectionNavigations.set(r.collectionProperty, { name: r.collectionProperty, referencingTable: r.referencingTable, lookup: r.lookup });
  }
  return { ...entity, collectionNavigations };
}

let cached: Metadata | undefined;

/** The metadata of the local Dataverse, built once from the schema declaration. */
export function loadMetadata(): Metadata {
  if (cached) return cached;
  const choiceByName = new Map(schema.choices.map((c) => [c.name, c]));
  const solutionTables = schema.tables.map((t) => solutionEntity(t, choiceByName));
  cached = new Metadata(withManyToMany([...solutionTables, ...SYSTEM_TABLES.map(withIncomingRelationships), ...SECURITY_TABLES]));
  return cached;
}
