import type { Depth, TableAccess } from "../../solution/security";
import type { EntityMetadata } from "../metadata/metadata";
import type { Condition } from "../query/conditions";
import { type EntityReference, type Row, type Store, isEntityReference } from "../storage/database";
import { securityFaults } from "./errors";
import { asText } from "../storage/text";
import { columnPermissions, securedColumns } from "./columns";
import { privilegeName, privilegesOf } from "./roles";
import { sharedIds } from "./sharing";

/**
 * Role-based security as Dataverse applies it: a privilege per table and
 * access right, held at a depth (user, business unit, parent-child business
 * units, organisation), checked against the row's owner and owning business
 * unit. https://learn.microsoft.com/en-us/power-apps/developer/data-platform/security-concepts
 */

export interface Principal {
  readonly userId: string;
  readonly businessUnitId: string;
  /** The user's business unit and every one below it (Deep). */
  readonly subtree: readonly string[];
  readonly teamIds: readonly string[];
  readonly isAdministrator: boolean;
  readonly depths: ReadonlyMap<string, Depth>;
  readonly profileIds: readonly string[];
}

const RIGHT: Record<TableAccess, string> = {
  Create: "CreateAccess", Read: "ReadAccess", Write: "WriteAccess", Delete: "DeleteAccess",
  Append: "AppendAccess", AppendTo: "AppendToAccess", Assign: "AssignAccess", Share: "ShareAccess",
};

/** Lookups the platform sets itself; binding them is not an Append. */
const SYSTEM_LOOKUPS = new Set(["ownerid", "owningbusinessunit", "createdby", "modifiedby", "createdonbehalfby", "modifiedonbehalfby"]);

type Ownership = "user" | "businessunit" | "organization";

function ownershipOf(entity: EntityMetadata): Ownership {
  if (entity.attributes.has("ownerid") && entity.attributes.has("owningbusinessunit")) return "user";
  if (entity.logicalName === "systemuser" || entity.logicalName === "team") return "businessunit";
  return "organization";
}

const idOf = (value: unknown): string | undefined => (isEntityReference(value) ? value.id.toLowerCase() : undefined);

export class SecurityEngine {
  /** Privileges checked per user, for tests that prove a role holds exactly what is used. */
  readonly used = new Map<string, Set<string>>();

  constructor(private readonly store: Store) {}

  principal(userId: string): Principal | undefined {
    const user = this.store.select(`SELECT "businessunitid", "isdisabled" FROM "systemuser" WHERE "systemuserid" = ?`, [userId])[0];
    if (!user) return undefined;
    const businessUnitId = asText(user.businessunitid);
    const roleIds = this.store.select(`SELECT "roleid" FROM "systemuserroles" WHERE "systemuserid" = ?`, [userId]).map((r) => String(r.roleid));
    const teamIds = this.store.select(`SELECT "teamid" FROM "teammembership" WHERE "systemuserid" = ?`, [userId]).map((r) => String(r.teamid));
    const profileIds = this.store.select(`SELECT "fieldsecurityprofileid" FROM "systemuserprofiles" WHERE "systemuserid" = ?`, [userId]).map((r) => String(r.fieldsecurityprofileid));
    const subtree = this.store.select(
      `WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT b."businessunitid" FROM "businessunit" b JOIN sub ON b."parentbusinessunitid" = sub.id) SELECT id FROM sub`,
      [businessUnitId],
    ).map((r) => String(r.id));
    const { all, depths } = privilegesOf(roleIds);
    return { userId, businessUnitId, subtree, teamIds, isAdministrator: all, depths, profileIds };
  }

  /** The depth at which the principal holds a table privilege, if at all. */
  depth(principal: Principal, access: TableAccess, entity: EntityMetadata): Depth | undefined {
    const name = privilegeName(access, entity);
    const used = this.used.get(principal.userId) ?? new Set<string>();
    used.add(name);
    this.used.set(principal.userId, used);
    return principal.isAdministrator ? "Global" : principal.depths.get(name);
  }

  requirePrivilege(principal: Principal, access: TableAccess, entity: EntityMetadata): Depth {
    const depth = this.depth(principal, access, entity);
    if (!depth) throw securityFaults.missingPrivilege(principal.userId, privilegeName(access, entity), entity.logicalName);
    return depth;
  }

  /** Whether a row lies within a depth for this principal. */
  reaches(principal: Principal, depth: Depth, entity: EntityMetadata, row: Row): boolean {
    const ownership = ownershipOf(entity);
    if (depth === "Global" || ownership === "organization") return true;
    if (ownership === "businessunit") {
      const bu = idOf(row.businessunitid);
      if (depth === "Basic") return entity.logicalName === "systemuser" ? asText(row.systemuserid).toLowerCase() === principal.userId : principal.teamIds.includes(asText(row.teamid));
      return bu !== undefined && (depth === "Local" ? bu === principal.businessUnitId : principal.subtree.includes(bu));
    }
    const owner = idOf(row.ownerid);
    if (owner !== undefined && (owner === principal.userId || principal.teamIds.includes(owner))) return true;
    if (depth === "Basic") return false;
    const bu = idOf(row.owningbusinessunit);
    return bu !== undefined && (depth === "Local" ? bu === principal.businessUnitId : principal.subtree.includes(bu));
  }

  /** Whether the row was shared with the principal (or one of their teams) with this right. */
  private shared(principal: Principal, access: TableAccess, entity: EntityMetadata, row: Row): boolean {
    return sharedIds(this.store, entity.logicalName, [principal.userId, ...principal.teamIds], access).includes(asText(row[entity.primaryIdAttribute]).toLowerCase());
  }

  /** The right on this row: a privilege whose depth reaches it, or a privilege and the row shared with that right. */
  allows(principal: Principal, access: TableAccess, entity: EntityMetadata, row: Row): boolean {
    const depth = this.depth(principal, access, entity);
    return depth !== undefined && (this.reaches(principal, depth, entity, row) || this.shared(principal, access, entity, row));
  }

  /** Refuses, as Dataverse does, unless the principal holds the right on this row. */
  requireAccess(principal: Principal, access: TableAccess, entity: EntityMetadata, row: Row): void {
    const depth = this.requirePrivilege(principal, access, entity);
    if (!this.reaches(principal, depth, entity, row) && !this.shared(principal, access, entity, row)) {
      throw securityFaults.accessDenied(principal.userId, RIGHT[access], asText(row[entity.primaryIdAttribute]), entity.logicalName, privilegeName(access, entity));
    }
  }

  /** The rows a principal may read, as a condition on the table's alias; undefined means every row. */
  readScope(principal: Principal, entity: EntityMetadata, alias: string): Condition | undefined {
    const depth = this.requirePrivilege(principal, "Read", entity);
    const ownership = ownershipOf(entity);
    if (depth === "Global" || ownership === "organization") return undefined;
    const column = (name: string) => {
      const attribute = entity.attributes.get(name);
      if (!attribute) throw new Error(`${entity.logicalName} has no ${name}`);
      return { alias, attribute };
    };
    const bus = depth === "Local" ? [principal.businessUnitId] : principal.subtree;
    if (ownership === "businessunit") {
      if (depth === "Basic") return { kind: "in", column: column(entity.primaryIdAttribute), values: entity.logicalName === "systemuser" ? [principal.userId] : [...principal.teamIds, ""], negate: false };
      return { kind: "in", column: column("businessunitid"), values: bus, negate: false };
    }
    const owned: Condition = { kind: "in", column: column("ownerid"), values: [principal.userId, ...principal.teamIds], negate: false };
    const shared = sharedIds(this.store, entity.logicalName, [principal.userId, ...principal.teamIds], "Read");
    const items: Condition[] = [owned];
    if (depth !== "Basic") items.push({ kind: "in", column: column("owningbusinessunit"), values: bus, negate: false });
    if (shared.length > 0) items.push({ kind: "in", column: column(entity.primaryIdAttribute), values: shared, negate: false });
    return items.length === 1 ? owned : { kind: "or", items };
  }

  /** Secured columns the principal may not read come back null, as Dataverse returns them. */
  mask(principal: Principal, entity: EntityMetadata, row: Row): Row {
    const secured = securedColumns(entity.logicalName);
    if (secured.length === 0 || principal.isAdministrator) return row;
    const out = { ...row };
    for (const column of secured) if (column in out && !columnPermissions(principal.profileIds, entity.logicalName, column).read) out[column] = null;
    return out;
  }

  /** Create: the Create right on the new row, Assign when it is given another owner, and Append / AppendTo for each lookup it sets. */
  checkCreate(principal: Principal, entity: EntityMetadata, row: Row, given: Row): void {
    this.requireAccess(principal, "Create", entity, row);
    const owner = idOf(given.ownerid);
    if (owner !== undefined && owner !== principal.userId) this.requireAccess(principal, "Assign", entity, { ...row, ownerid: { logicalName: "systemuser", id: principal.userId }, owningbusinessunit: { logicalName: "businessunit", id: principal.businessUnitId } });
    this.checkColumnsWritable(principal, entity, given, "create");
    this.checkAppends(principal, entity, row, given);
  }

  /** Update: Write on the row; a new owner is an Assign; each lookup set is an Append / AppendTo. */
  checkUpdate(principal: Principal, entity: EntityMetadata, before: Row, changes: Row): void {
    const ownerChange = idOf(changes.ownerid);
    const others = Object.keys(changes).filter((k) => k !== "ownerid" && k !== "owningbusinessunit");
    if (ownerChange !== undefined && ownerChange !== idOf(before.ownerid)) this.requireAccess(principal, "Assign", entity, before);
    if (others.length > 0 || ownerChange === undefined) this.requireAccess(principal, "Write", entity, before);
    this.checkColumnsWritable(principal, entity, changes, "update");
    this.checkAppends(principal, entity, before, changes);
  }

  checkDelete(principal: Principal, entity: EntityMetadata, row: Row): void {
    this.requireAccess(principal, "Delete", entity, row);
  }

  private checkColumnsWritable(principal: Principal, entity: EntityMetadata, changes: Row, action: "create" | "update"): void {
    if (principal.isAdministrator) return;
    for (const column of securedColumns(entity.logicalName)) {
      if (!(column in changes) || (action === "create" && changes[column] === null)) continue;
      const allowed = columnPermissions(principal.profileIds, entity.logicalName, column);
      if (!(action === "create" ? allowed.create : allowed.update)) throw securityFaults.securedColumn(column, entity.logicalName, action);
    }
  }

  private checkAppends(principal: Principal, entity: EntityMetadata, row: Row, changes: Row): void {
    for (const [name, value] of Object.entries(changes)) {
      if (SYSTEM_LOOKUPS.has(name) || !isEntityReference(value)) continue;
      this.requireAccess(principal, "Append", entity, row);
      const target = this.store.metadata.entity(value.logicalName);
      const targetRow = target ? this.store.get(target, value.id) : undefined;
      if (target && targetRow) this.requireAccess(principal, "AppendTo", target, targetRow);
    }
  }

  /** The business unit a new owner belongs to, so owningbusinessunit follows the owner. */
  businessUnitOf(owner: EntityReference): string | undefined {
    const table = owner.logicalName === "team" ? "team" : "systemuser";
    const row = this.store.select(`SELECT "businessunitid" AS bu FROM "${table}" WHERE "${table}id" = ?`, [owner.id.toLowerCase()])[0];
    return typeof row?.bu === "string" ? row.bu : undefined;
  }
}
