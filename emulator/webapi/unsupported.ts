import { faults } from "../service/faults";
import type { ApiRequest } from "./webApi";

/**
 * Request headers the local Dataverse cannot honour are refused, never
 * silently ignored. Bypass headers are honoured for the local administrator
 * (https://learn.microsoft.com/power-apps/developer/data-platform/bypass-custom-business-logic).
 */

export interface Bypass {
  readonly sync: boolean;
  readonly async: boolean;
}

/** Dataverse messages (functions and actions) that exist there but not here. */
export const KNOWN_UNSUPPORTED_MESSAGES: ReadonlySet<string> = new Set([
  "RetrieveTotalRecordCount", "RetrieveCurrentOrganization", "RetrieveUserPrivileges", "RetrievePrincipalAccess", "RetrieveAttributeChangeHistory",
  "ExecuteWorkflow", "CalculateRollupField", "InitializeFrom", "Merge", "ModifyAccess", "RevokeAccess", "AddToQueue", "SendEmail",
  "BulkDelete", "UpsertMultiple", "DeleteMultiple", "ExportSolution", "ImportSolution", "PublishXml", "PublishAllXml", "Assign", "SetState",
  "RetrieveDuplicates", "SearchMultiple", "GetTimeZoneCodeByLocalizedName", "LocalTimeFromUtcTime", "UtcTimeFromLocalTime", "ExecuteCosmosSqlQuery",
]);

/** Throws for headers whose meaning the local Dataverse does not implement. */
export function refuseUnsupportedHeaders(request: ApiRequest): void {
  const prefer = request.headers["prefer"] ?? "";
  if (/odata\.track-changes/i.test(prefer)) throw faults.notSupportedLocally("change tracking (Prefer: odata.track-changes)");
  if (request.headers["mscrm.bypassbusinesslogicexecutionstepids"] !== undefined) {
    throw faults.notSupportedLocally("bypassing individual steps (MSCRM.BypassBusinessLogicExecutionStepIds)");
  }
}

/** Which custom logic the request asks to bypass; only the local administrator may. */
export function bypassOf(headers: ApiRequest["headers"], callerIsAdministrator: boolean): Bypass | undefined {
  const plugins = headers["mscrm.bypasscustompluginexecution"];
  const logic = headers["mscrm.bypassbusinesslogicexecution"];
  if (plugins === undefined && logic === undefined) return undefined;
  const sync = plugins?.trim().toLowerCase() === "true";
  if (plugins !== undefined && !sync && plugins.trim().toLowerCase() !== "false") throw faults.invalidArgument("MSCRM.BypassCustomPluginExecution must be true or false.");
  const kinds = (logic ?? "").split(",").map((k) => k.trim()).filter((k) => k !== "");
  for (const kind of kinds) if (kind !== "CustomSync" && kind !== "CustomAsync") throw faults.invalidArgument(`MSCRM.BypassBusinessLogicExecution takes CustomSync and/or CustomAsync, not '${kind}'.`);
  const bypass = { sync: sync || kinds.includes("CustomSync"), async: kinds.includes("CustomAsync") };
  if (!bypass.sync && !bypass.async) return undefined;
  if (!callerIsAdministrator) throw faults.notSupportedLocally("bypassing custom logic for a caller other than the local administrator (the only caller here with the bypass privilege)");
  return bypass;
}
