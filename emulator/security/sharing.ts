import { createHash } from "node:crypto";
import type { TableAccess } from "../../solution/security";
import type { EntityMetadata } from "../metadata/metadata";
import { isGuid } from "../query/conditions";
import { faults } from "../service/faults";
import type { Store } from "../storage/database";

/**
 * Sharing: GrantAccess gives a user or team rights on one record, kept in
 * principalobjectaccess. The caller needs the Share right on the record and
 * each right they grant; the grantee still needs the privilege (at any depth)
 * to use it. https://learn.microsoft.com/en-us/dotnet/api/microsoft.crm.sdk.messages.grantaccessrequest
 * Rights are Dataverse's AccessRights flags.
 */

export const ACCESS_BITS: Readonly<Record<TableAccess, number>> = {
  Read: 1, Write: 2, Append: 4, AppendTo: 16, Create: 32, Delete: 65536, Share: 262144, Assign: 524288,
};

export interface GrantRequest {
  readonly entity: EntityMetadata;
  readonly recordId: string;
  readonly principal: { readonly logicalName: "systemuser" | "team"; readonly id: string };
  readonly rights: readonly TableAccess[];
}

/** Reads the GrantAccess body: Target (typed entity with its id), PrincipalAccess { Principal, AccessMask }. */
export function parseGrantAccess(store: Store, body: unknown): GrantRequest {
  const bad = (detail: string) => faults.invalidArgument(`GrantAccess: ${detail}`);
  const object = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});
  const typed = (value: Record<string, unknown>) => {
    const type = typeof value["@odata.type"] === "string" ? value["@odata.type"].replace(/^#?Microsoft\.Dynamics\.CRM\./, "") : "";
    const entity = store.metadata.entity(type);
    const id = entity ? value[entity.primaryIdAttribute] : undefined;
    if (!entity || typeof id !== "string" || !isGuid(id)) throw bad("each of Target and Principal needs an @odata.type and its id.");
    return { entity, id: id.toLowerCase() };
  };
  const target = typed(object(object(body).Target));
  const access = object(object(body).PrincipalAccess);
  const principal = typed(object(access.Principal));
  if (principal.entity.logicalName !== "systemuser" && principal.entity.logicalName !== "team") throw bad("the principal must be a systemuser or a team.");
  const mask = access.AccessMask;
  const names = typeof mask === "string" ? mask.split(",").map((m) => m.trim().replace(/Access$/, "")) : [];
  const rights = (Object.keys(ACCESS_BITS) as TableAccess[]).filter((a) => names.includes(a) || (typeof mask === "number" && (mask & ACCESS_BITS[a]) !== 0));
  if (rights.length === 0) throw bad("AccessMask names no access right (e.g. \"ReadAccess, WriteAccess\").");
  return { entity: target.entity, recordId: target.id, principal: { logicalName: principal.entity.logicalName, id: principal.id }, rights };
}

/** Adds the rights to what the principal already has on the record. */
export function recordGrant(store: Store, grant: GrantRequest): void {
  const poa = store.metadata.require("principalobjectaccess");
  const hex = createHash("sha256").update(`${grant.recordId}:${grant.principal.id}`).digest("hex");
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  const mask = grant.rights.reduce((m, r) => m | ACCESS_BITS[r], 0);
  const existing = store.get(poa, id);
  const version = store.nextSequence("version");
  if (existing) {
    store.update(poa, id, { accessrightsmask: Number(existing.accessrightsmask ?? 0) | mask, versionnumber: version });
  } else {
    store.insert(poa, {
      principalobjectaccessid: id, objectid: grant.recordId, objecttypecode: grant.entity.logicalName, principalid: grant.principal.id,
      principaltypecode: grant.principal.logicalName, accessrightsmask: mask, versionnumber: version,
    });
  }
}

/** Ids of the table's records shared with any of the principals with a right. */
export function sharedIds(store: Store, table: string, principalIds: readonly string[], access: TableAccess): string[] {
  if (principalIds.length === 0) return [];
  return store
    .select(
      `SELECT "objectid" FROM "principalobjectaccess" WHERE "objecttypecode" = ? AND ("accessrightsmask" & ?) <> 0 AND "principalid" IN (${principalIds.map(() => "?").join(", ")})`,
      [table, ACCESS_BITS[access], ...principalIds],
    )
    .map((r) => String(r.objectid));
}
