import { SHELL_COOKIE, cookieValue } from "../security/callers";
import { isGuid } from "../query/conditions";
import type { Store } from "../storage/database";
import { LINK_WORKERS } from "../seed/users";
import { FOUNDATION } from "../seed/foundation";
import { escapeHtml } from "./html";
import { asText } from "../storage/text";

/**
 * The app shell acts as one person at a time, chosen from the demo users
 * (a link worker by default), and shows who on every page. The choice is a
 * cookie, so the controls' own Web API calls from the page run as that
 * person too, as a signed-in session does in Dataverse.
 */

export interface ShellUser {
  readonly id: string;
  readonly name: string;
  readonly title: string;
}

/** People who can sign in: every enabled user except application users. */
export function shellUsers(store: Store): ShellUser[] {
  return store
    .select(`SELECT "systemuserid", "fullname", "title" FROM "systemuser" WHERE "isdisabled" = 0 AND ("title" IS NULL OR "title" <> 'Application user') ORDER BY "title" DESC, "lastname"`, [])
    .map((r) => ({ id: String(r.systemuserid), name: asText(r.fullname), title: asText(r.title) }));
}

/** Who the shell acts as: the cookie's choice when it is a user who can sign in, else the first link worker, else the local administrator. */
export function actingUser(store: Store, headers: Readonly<Record<string, string | undefined>>): ShellUser {
  const users = shellUsers(store);
  const chosen = cookieValue(headers, SHELL_COOKIE);
  return users.find((u) => chosen !== undefined && u.id === chosen.toLowerCase())
    ?? users.find((u) => u.id === LINK_WORKERS[0].id)
    ?? users.find((u) => u.id === FOUNDATION.adminUserId)
    ?? { id: FOUNDATION.adminUserId, name: "Local Administrator", title: "Administrator" };
}

export function actingCookie(userId: string): string {
  return `${SHELL_COOKIE}=${encodeURIComponent(userId)}; Path=/; SameSite=Strict; HttpOnly`;
}

/** The user picker shown in every page's header. */
export function actingBanner(store: Store, acting: ShellUser): string {
  const options = shellUsers(store)
    .map((u) => `<option value="${escapeHtml(u.id)}"${u.id === acting.id ? " selected" : ""}>${escapeHtml(u.name)} (${escapeHtml(u.title)})</option>`)
    .join("");
  return `<form class="acting-as" method="post" action="/_shell/act-as">
<p id="acting-who">Acting as <strong>${escapeHtml(acting.name)}</strong> (${escapeHtml(acting.title)})</p>
<label for="acting-user">Act as</label> <select id="acting-user" name="user" aria-describedby="acting-who">${options}</select>
<button type="submit">Switch user</button>
</form>`;
}

/** The user id a POST of the picker chose, if it is one who can sign in. */
export function chosenUser(store: Store, body: string): string | undefined {
  const id = new URLSearchParams(body).get("user") ?? "";
  if (!isGuid(id)) return undefined;
  return shellUsers(store).find((u) => u.id === id.toLowerCase())?.id;
}
