import { createHash } from "node:crypto";
import { FIELD_SECURITY_PROFILES, WEBHOOK_SERVICE } from "../../solution/security";
import { SYSTEM_ADMINISTRATOR, declaredRoles } from "../security/roles";
import type { Row, Store } from "../storage/database";

/**
 * The security rows every start has: the platform roles and the roles and
 * field security profile the solution ships (as after import), each role in
 * the root business unit, and the local administrator with System
 * Administrator. Fixed ids, so the solution's role ids are the rows' ids.
 */

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

function insertIfMissing(store: Store, table: string, row: Row): void {
  const entity = store.metadata.require(table);
  const id = row[entity.primaryIdAttribute];
  if (typeof id === "string" && store.get(entity, id)) return;
  store.insert(entity, { createdon: stamp(), modifiedon: stamp(), versionnumber: store.nextSequence("version"), ...row });
}

/** A stable id for an intersect row, so assigning twice keeps one row. */
function pairId(a: string, b: string): string {
  const hex = createHash("sha256").update(`${a}:${b}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function assignRole(store: Store, userId: string, roleId: string): void {
  if (store.select(`SELECT 1 FROM "systemuserroles" WHERE "systemuserid" = ? AND "roleid" = ?`, [userId, roleId]).length > 0) return;
  insertIfMissing(store, "systemuserroles", { systemuserroleid: pairId(userId, roleId), systemuserid: userId, roleid: roleId });
}

export function addToProfile(store: Store, userId: string, profileId: string): void {
  if (store.select(`SELECT 1 FROM "systemuserprofiles" WHERE "systemuserid" = ? AND "fieldsecurityprofileid" = ?`, [userId, profileId]).length > 0) return;
  insertIfMissing(store, "systemuserprofiles", { systemuserprofileid: pairId(userId, profileId), systemuserid: userId, fieldsecurityprofileid: profileId });
}

/** The webhook service's application user, as an administrator adds it after import. */
export const WEBHOOK_APP_USER = { id: "a11ce000-0000-4000-8000-0000000000a1", name: "Social Prescribing Webhook" } as const;

export function ensureSecurityFoundation(store: Store, rootBusinessUnitId: string, administratorId: string): void {
  for (const role of declaredRoles()) {
    insertIfMissing(store, "role", { roleid: role.roleId, name: role.name, businessunitid: { logicalName: "businessunit", id: rootBusinessUnitId } });
  }
  for (const profile of FIELD_SECURITY_PROFILES) {
    insertIfMissing(store, "fieldsecurityprofile", { fieldsecurityprofileid: profile.profileId, name: profile.name, description: profile.description });
  }
  assignRole(store, administratorId, SYSTEM_ADMINISTRATOR.roleId);
  insertIfMissing(store, "systemuser", {
    systemuserid: WEBHOOK_APP_USER.id, firstname: "", lastname: WEBHOOK_APP_USER.name, fullname: WEBHOOK_APP_USER.name, title: "Application user",
    isdisabled: false, businessunitid: { logicalName: "businessunit", id: rootBusinessUnitId },
  });
  assignRole(store, WEBHOOK_APP_USER.id, WEBHOOK_SERVICE.roleId);
}
