import type { AttributeMetadata, CollectionNavigation, EntityMetadata, LookupNavigation } from "../metadata/metadata";

/**
 * The platform tables behind role-based and column security: security roles,
 * field security profiles and the intersect tables of their N:N relationships
 * with users (systemuserroles, systemuserprofiles) and of team membership.
 * The N:N navigation properties carry Dataverse's names, so
 * `systemusers?$expand=systemuserroles_association` reads as it does there.
 */

type Column = Omit<AttributeMetadata, "logicalName">;

const id: Column = { kind: "uniqueidentifier" };
const AUDIT: Record<string, Column> = { createdon: { kind: "datetime" }, modifiedon: { kind: "datetime" }, versionnumber: { kind: "bigint" } };

function table(logicalName: string, entitySetName: string, primaryIdAttribute: string, columns: Record<string, Column>, primaryNameAttribute?: string, navigations: readonly LookupNavigation[] = []): EntityMetadata {
  const attributes = new Map<string, AttributeMetadata>();
  for (const [name, column] of Object.entries({ [primaryIdAttribute]: id, ...AUDIT, ...columns })) attributes.set(name, { logicalName: name, ...column });
  return {
    logicalName, entitySetName, primaryIdAttribute, primaryNameAttribute, attributes,
    lookupNavigations: new Map(navigations.map((n) => [n.name, n])),
    collectionNavigations: new Map(),
  };
}

const lookup = (target: string): Column => ({ kind: "lookup", targets: [target] });

/** An N:N relationship: its intersect table and the two columns that hold each side's id. */
export interface ManyToMany {
  readonly name: string;
  readonly intersect: string;
  readonly first: { readonly table: string; readonly column: string };
  readonly second: { readonly table: string; readonly column: string };
}

export const MANY_TO_MANY: readonly ManyToMany[] = [
  { name: "systemuserroles_association", intersect: "systemuserroles", first: { table: "systemuser", column: "systemuserid" }, second: { table: "role", column: "roleid" } },
  { name: "systemuserprofiles_association", intersect: "systemuserprofiles", first: { table: "systemuser", column: "systemuserid" }, second: { table: "fieldsecurityprofile", column: "fieldsecurityprofileid" } },
  { name: "teammembership_association", intersect: "teammembership", first: { table: "systemuser", column: "systemuserid" }, second: { table: "team", column: "teamid" } },
];

export const SECURITY_TABLES: readonly EntityMetadata[] = [
  table("role", "roles", "roleid", { name: { kind: "string", maxLength: 100 }, businessunitid: lookup("businessunit") }, "name",
    [{ name: "businessunitid", lookup: "businessunitid", target: "businessunit" }]),
  table("fieldsecurityprofile", "fieldsecurityprofiles", "fieldsecurityprofileid", { name: { kind: "string", maxLength: 256 }, description: { kind: "memo", maxLength: 2000 } }, "name"),
  // Records shared with a user or team (GrantAccess), with the rights granted as Dataverse's AccessRights bit mask.
  table("principalobjectaccess", "principalobjectaccessset", "principalobjectaccessid", {
    objectid: { kind: "uniqueidentifier" }, objecttypecode: { kind: "string", maxLength: 100 }, principalid: { kind: "uniqueidentifier" },
    principaltypecode: { kind: "string", maxLength: 100 }, accessrightsmask: { kind: "integer" },
  }),
  ...MANY_TO_MANY.map((r) => table(r.intersect, r.intersect === "teammembership" ? "teammemberships" : `${r.intersect}collection`, `${r.intersect === "teammembership" ? "teammembership" : r.intersect.replace(/s$/, "")}id`, {
    [r.first.column]: { kind: "uniqueidentifier" }, [r.second.column]: { kind: "uniqueidentifier" },
  })),
];

/** The intersect tables, which hold no privileges of their own. */
export const INTERSECT_TABLES: ReadonlySet<string> = new Set([...MANY_TO_MANY.map((r) => r.intersect), "principalobjectaccess"]);

/** Adds the N:N navigation properties (both directions) to the tables they join. */
export function withManyToMany(entities: readonly EntityMetadata[]): EntityMetadata[] {
  return entities.map((entity) => {
    const added: CollectionNavigation[] = [];
    for (const r of MANY_TO_MANY) {
      if (entity.logicalName === r.first.table) added.push({ name: r.name, referencingTable: r.second.table, lookup: r.second.column, intersect: { table: r.intersect, parentColumn: r.first.column, childColumn: r.second.column } });
      if (entity.logicalName === r.second.table) added.push({ name: r.name, referencingTable: r.first.table, lookup: r.first.column, intersect: { table: r.intersect, parentColumn: r.second.column, childColumn: r.first.column } });
    }
    if (added.length === 0) return entity;
    return { ...entity, collectionNavigations: new Map([...entity.collectionNavigations, ...added.map((n) => [n.name, n] as const)]) };
  });
}
