import type { TableAccess } from "../../solution/security";
import type { EntityMetadata } from "../metadata/metadata";
import type { Condition } from "../query/conditions";
import type { FetchContext } from "../fetchxml/fetchXml";
import type { EntityReference, Row, Store } from "../storage/database";
import { type CallerSources, resolveCaller } from "./callers";
import { cascadeAssign } from "./cascade";
import { parseGrantAccess, recordGrant } from "./sharing";
import { faults } from "../service/faults";
import { type Principal, SecurityEngine } from "./engine";

/**
 * The local Dataverse's security, as the small calls the Web API, FetchXML
 * and the organisation service make: who is calling, which rows they may
 * read, may they write this one, and which columns they may see.
 */
export class LocalSecurity {
  readonly engine: SecurityEngine;

  constructor(private readonly store: Store, private readonly sources: CallerSources) {
    this.engine = new SecurityEngine(store);
  }

  callerId(headers: Readonly<Record<string, string | undefined>>): string {
    return resolveCaller(this.store, this.engine, headers, this.sources);
  }

  /** Principals by user, valid until the next write anywhere (every write takes a new row version). */
  private cache = { version: -1, principals: new Map<string, Principal | undefined>() };

  private loaded(userId: string): Principal | undefined {
    const version = Number(this.store.select(`SELECT "value" FROM "_emulator_sequence" WHERE "name" = 'version'`, [])[0]?.value ?? 0);
    if (version !== this.cache.version) this.cache = { version, principals: new Map() };
    if (!this.cache.principals.has(userId)) this.cache.principals.set(userId, this.engine.principal(userId));
    return this.cache.principals.get(userId);
  }

  private principal(userId: string): Principal {
    const principal = this.loaded(userId);
    // A caller with no systemuser row holds no roles: every check fails with the privilege it needs.
    return principal ?? { userId, businessUnitId: "", subtree: [], teamIds: [], isAdministrator: false, depths: new Map(), profileIds: [] };
  }

  /** Rows of the table the caller may read (undefined: all); throws when they hold no Read privilege on it. */
  readScope(userId: string, entity: EntityMetadata, alias = "t0"): Condition | undefined {
    return this.engine.readScope(this.principal(userId), entity, alias);
  }

  requireAccess(userId: string, access: TableAccess, entity: EntityMetadata, row: Row): void {
    this.engine.requireAccess(this.principal(userId), access, entity, row);
  }

  canRead(userId: string, entity: EntityMetadata, row: Row): boolean {
    return this.engine.allows(this.principal(userId), "Read", entity, row);
  }

  /** GrantAccess: the caller shares a record they may share, with rights they hold on it. */
  grantAccess(userId: string, body: unknown): void {
    const grant = parseGrantAccess(this.store, body);
    const row = this.store.get(grant.entity, grant.recordId);
    if (!row) throw faults.recordNotFound(grant.entity.logicalName, grant.recordId);
    const principal = this.principal(userId);
    this.engine.requireAccess(principal, "Share", grant.entity, row);
    for (const right of grant.rights) this.engine.requireAccess(principal, right, grant.entity, row);
    recordGrant(this.store, grant);
  }

  mask(userId: string, entity: EntityMetadata, row: Row): Row {
    return this.engine.mask(this.principal(userId), entity, row);
  }

  readonly beforeCreate = (userId: string, entity: EntityMetadata, row: Row, given: Row): void => this.engine.checkCreate(this.principal(userId), entity, row, given);
  readonly beforeUpdate = (userId: string, entity: EntityMetadata, before: Row, changes: Row): void => this.engine.checkUpdate(this.principal(userId), entity, before, changes);
  readonly beforeDelete = (userId: string, entity: EntityMetadata, row: Row): void => {
    this.engine.checkDelete(this.principal(userId), entity, row);
    // A delete takes no new row version: forget what was loaded (a role or profile membership may be going).
    this.invalidate();
  };

  /** After a delete or a reset. */
  invalidate(): void {
    this.cache = { version: -1, principals: new Map() };
  }
  readonly businessUnitOf = (owner: EntityReference): string | undefined => this.engine.businessUnitOf(owner);
  readonly cascadeAssign = (table: string, id: string, owner: Row): void => cascadeAssign(this.store, table, id, owner);

  /** The depth at which a user holds a table privilege (for the host's hasEntityPrivilege), if at all. */
  privilegeDepth(userId: string, access: TableAccess, entity: EntityMetadata): string | undefined {
    return this.engine.depth(this.principal(userId), access, entity);
  }

  /** What runFetchXml needs to run as this user: who they are, their business unit, and row and column security. */
  fetchScope(userId: string, fallbackBusinessUnitId: string): Pick<FetchContext, "userId" | "businessUnitId" | "readScope" | "mask"> {
    return {
      userId, businessUnitId: this.businessUnitId(userId) ?? fallbackBusinessUnitId,
      readScope: (table, alias) => this.readScope(userId, table, alias), mask: (table, row) => this.mask(userId, table, row),
    };
  }

  /** The caller's business unit, for WhoAmI and the eq-businessid operator. */
  businessUnitId(userId: string): string | undefined {
    return this.loaded(userId)?.businessUnitId;
  }
}

export { SHELL_COOKIE } from "./callers";
