import { schema } from "../../solution/schema/schema";
import { FIELD_SECURITY_PROFILES } from "../../solution/security";

/**
 * Column security from the shipped field security profiles: a secured
 * column is readable, creatable or updatable only through a profile the
 * user is a member of (systemuserprofiles). Without read permission the
 * column's value is returned as null.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/column-level-security
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/field-security-entities
 */

const SECURED = new Map<string, string[]>();
for (const table of schema.tables) {
  const columns = table.columns.filter((c) => c.secured).map((c) => c.logicalName);
  if (columns.length > 0) SECURED.set(table.logicalName, columns);
}

export function securedColumns(table: string): readonly string[] {
  return SECURED.get(table) ?? [];
}

export function columnPermissions(profileIds: readonly string[], table: string, column: string): { read: boolean; create: boolean; update: boolean } {
  const granted = { read: false, create: false, update: false };
  for (const profile of FIELD_SECURITY_PROFILES.filter((p) => profileIds.includes(p.profileId))) {
    for (const p of profile.permissions.filter((x) => x.table === table && x.column === column)) {
      granted.read ||= p.read === 4;
      granted.create ||= p.create === 4;
      granted.update ||= p.update === 4;
    }
  }
  return granted;
}
