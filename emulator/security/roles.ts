import { type Depth, ROLES, type RoleDeclaration, type TableAccess } from "../../solution/security";
import type { EntityMetadata } from "../metadata/metadata";
import { INTERSECT_TABLES } from "./tables";

/**
 * Privileges from role declarations: the roles the solution ships
 * (solution/security.ts, the same source that generates their XML) and the
 * two platform roles every environment has, reduced to the tables we carry.
 */

export const ACCESS: readonly TableAccess[] = ["Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share"];
const all = (depth: Depth): Partial<Record<TableAccess, Depth>> => Object.fromEntries(ACCESS.map((a) => [a, depth]));

/**
 * The platform's Basic User role, as far as this product needs it: reading
 * users, business units, teams and roles (lookups, the owner column, "who am
 * I"), and user-depth work on contacts and activities that a person owns.
 * https://learn.microsoft.com/en-us/power-platform-release-plan/2020wave2/data-platform/common-data-service-user-security-role-renamed-basic-user
 * ("primarily contains Basic privileges for core entities where the user can
 * write, update, and delete records that they created or owned").
 */
export const BASIC_USER: RoleDeclaration = {
  roleId: "b5d1c1a3-0c6e-4c35-9a55-6f1f0e0b0a01",
  name: "Basic User",
  description: "Platform role: reads users, business units, teams and roles; works on contacts and activities the user owns.",
  tables: [
    // AppendTo User: setting a lookup to a person (the extension's approver, who ticked a check).
    { privilegeTable: "User", access: { Read: "Global", AppendTo: "Global" } },
    { privilegeTable: "BusinessUnit", access: { Read: "Global" } },
    { privilegeTable: "Team", access: { Read: "Global" } },
    { privilegeTable: "Role", access: { Read: "Local" } },
    { privilegeTable: "Contact", access: all("Basic") },
    { privilegeTable: "Activity", access: all("Basic") },
  ],
  privileges: {},
};

/** The platform's System Administrator role: every privilege across the organisation. */
export const SYSTEM_ADMINISTRATOR: RoleDeclaration = {
  roleId: "b5d1c1a3-0c6e-4c35-9a55-6f1f0e0b0a02",
  name: "System Administrator",
  description: "Platform role: full access to everything.",
  tables: [],
  privileges: {},
};

export const PLATFORM_ROLES: readonly RoleDeclaration[] = [BASIC_USER, SYSTEM_ADMINISTRATOR];

/** Read at call time, so a test that replaces the role source sees its change. */
export function declaredRoles(): readonly RoleDeclaration[] {
  return [...ROLES, ...PLATFORM_ROLES];
}

/** How Dataverse names the privileges of the built-in tables we carry (activities share "Activity"). */
const BUILT_IN: Readonly<Record<string, string>> = {
  contact: "Contact", appointment: "Activity", systemuser: "User", businessunit: "BusinessUnit", team: "Team", role: "Role",
  fieldsecurityprofile: "FieldSecurityProfile", serviceendpoint: "ServiceEndpoint", sdkmessage: "SdkMessage", sdkmessagefilter: "SdkMessageFilter",
  sdkmessageprocessingstep: "SdkMessageProcessingStep", sdkmessageprocessingstepimage: "SdkMessageProcessingStepImage", asyncoperation: "AsyncOperation",
};

/** The table part of a privilege name; intersect tables are read with the user's privilege. */
export function privilegeTable(entity: EntityMetadata): string {
  if (INTERSECT_TABLES.has(entity.logicalName)) return "User";
  return BUILT_IN[entity.logicalName] ?? entity.logicalName;
}

/** e.g. prvAppendTosprx_engagement, prvReadActivity. */
export function privilegeName(access: TableAccess, entity: EntityMetadata): string {
  return `prv${access}${privilegeTable(entity)}`;
}

export const DEPTH_RANK: Readonly<Record<Depth, number>> = { Basic: 1, Local: 2, Deep: 3, Global: 4 };

/** The union of roles' privileges, keeping the deepest depth of each. */
export function privilegesOf(roleIds: readonly string[]): { all: boolean; depths: Map<string, Depth> } {
  const depths = new Map<string, Depth>();
  let everything = false;
  for (const role of declaredRoles().filter((r) => roleIds.includes(r.roleId))) {
    if (role.roleId === SYSTEM_ADMINISTRATOR.roleId) everything = true;
    const named = [
      ...role.tables.flatMap((t) => Object.entries(t.access).map(([access, depth]) => [`prv${access}${t.privilegeTable}`, depth] as const)),
      ...Object.entries(role.privileges),
    ];
    for (const [name, depth] of named) {
      const current = depths.get(name);
      if (!current || DEPTH_RANK[depth] > DEPTH_RANK[current]) depths.set(name, depth);
    }
  }
  return { all: everything, depths };
}
