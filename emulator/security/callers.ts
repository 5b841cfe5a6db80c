import { isGuid } from "../query/conditions";
import type { Store } from "../storage/database";
import { asText } from "../storage/text";
import type { SecurityEngine } from "./engine";
import { securityFaults } from "./errors";

/**
 * Who a request runs as. The signed-in identity is, in order: the
 * application user a bearer token was issued to (the webhook service), the
 * person the app shell acts as (its cookie), or else the local administrator,
 * as a developer's own account would be in a sandbox. A caller holding
 * prvActOnBehalfOfAnotherUser may then impersonate with `CallerObjectId`
 * (the user's Microsoft Entra object id, preferred) or `MSCRMCallerID` (the
 * systemuserid).
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/impersonate-another-user-web-api
 */

export const SHELL_COOKIE = "sprx_caller";

export interface CallerSources {
  /** The local administrator: requests with no identity run as this user. */
  readonly defaultUserId: () => string;
  /** Bearer tokens the local Dataverse issued, each to one application user. */
  readonly bearerTokens?: ReadonlyMap<string, string>;
}

type Headers = Readonly<Record<string, string | undefined>>;

export function cookieValue(headers: Headers, name: string): string | undefined {
  for (const part of (headers["cookie"] ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

function signedIn(store: Store, headers: Headers, sources: CallerSources): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers["authorization"] ?? "")?.[1];
  const app = bearer ? sources.bearerTokens?.get(bearer) : undefined;
  if (app) return app;
  const acting = cookieValue(headers, SHELL_COOKIE);
  if (acting && isGuid(acting) && store.select(`SELECT 1 FROM "systemuser" WHERE "systemuserid" = ?`, [acting.toLowerCase()]).length > 0) return acting.toLowerCase();
  return sources.defaultUserId();
}

/**
 * The user a request asks to run as, if that is a known user. An id that
 * matches no user is ignored and the request runs as the signed-in user, as
 * Dataverse does ("it does not match a known user and it will use the
 * connection user": https://github.com/microsoft/PowerPlatform-DataverseServiceClient/issues/265).
 */
function impersonated(store: Store, headers: Headers): string | undefined {
  const objectId = headers["callerobjectid"];
  if (objectId !== undefined && isGuid(objectId)) {
    const row = store.select(`SELECT "systemuserid" FROM "systemuser" WHERE "azureactivedirectoryobjectid" = ?`, [objectId.toLowerCase()])[0];
    if (row) return asText(row.systemuserid);
  }
  const userId = headers["mscrmcallerid"];
  if (userId === undefined || !isGuid(userId)) return undefined;
  return store.select(`SELECT 1 FROM "systemuser" WHERE "systemuserid" = ?`, [userId.toLowerCase()]).length > 0 ? userId.toLowerCase() : undefined;
}

/** The systemuserid a request runs as; throws Dataverse's error when impersonation is not allowed. */
export function resolveCaller(store: Store, engine: SecurityEngine, headers: Headers, sources: CallerSources): string {
  const real = signedIn(store, headers, sources);
  const target = impersonated(store, headers);
  if (target === undefined || target === real) return real;
  const principal = engine.principal(real);
  // Only the System Administrator role holds prvActOnBehalfOfAnotherUser locally (in Dataverse, also the Delegate role).
  if (!principal?.isAdministrator && !principal?.depths.has("prvActOnBehalfOfAnotherUser")) throw securityFaults.cannotImpersonate(real);
  const disabled = store.select(`SELECT "isdisabled" FROM "systemuser" WHERE "systemuserid" = ?`, [target])[0];
  if (disabled?.isdisabled === 1) throw securityFaults.disabledCaller(target);
  return target;
}
