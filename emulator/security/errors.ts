import { DataverseFault } from "../service/faults";

/**
 * Dataverse's authorisation errors, answered with HTTP 403. Codes and wording
 * from https://learn.microsoft.com/en-us/troubleshoot/power-platform/dataverse/user-permissions/client-errors
 * ("Principal user is missing privilege on OTC for entity", -2147220960 =
 * 0x80040220; "Principal with ID <guid> does not have CreateAccess right(s)
 * for record with ID <guid> of entity", -2147187962 = 0x80048306) and
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/web-service-error-codes
 * (AccessDenied 0x80048405 "Access is denied."). Messages carry ids and
 * privilege names only, never a row's values.
 */

export const securityFaults = {
  /** The caller holds the privilege at no depth at all. */
  missingPrivilege: (userId: string, privilege: string, table: string) =>
    new DataverseFault(403, "0x80040220", `Principal user (Id=${userId}, type=8) is missing ${privilege} privilege on OTC for entity '${table}'. Consider adding the missing privilege to one of the principal's roles.`),
  /** The caller holds the privilege, but not at a depth that reaches this row. */
  accessDenied: (userId: string, right: string, recordId: string, table: string, privilege: string) =>
    new DataverseFault(403, "0x80048306", `Principal with ID ${userId} does not have ${right} right(s) for record with ID ${recordId} of entity ${table}. The principal's ${privilege} privilege does not reach this record's owner.`),
  /** Column security: no create or update permission on a secured column. */
  securedColumn: (column: string, table: string, action: "create" | "update") =>
    new DataverseFault(403, "0x80048405", `Access is denied. The caller has no ${action} permission on the secured column '${column}' of ${table} in any field security profile.`),
  /** Impersonation needs prvActOnBehalfOfAnotherUser. */
  cannotImpersonate: (userId: string) =>
    new DataverseFault(403, "0x80040220", `Principal user (Id=${userId}, type=8) is missing prvActOnBehalfOfAnotherUser privilege on OTC for entity 'systemuser'. Consider adding the missing privilege to one of the principal's roles.`),
  disabledCaller: (userId: string) =>
    new DataverseFault(403, "0x80048405", `Access is denied. The user ${userId} is disabled.`),
};
