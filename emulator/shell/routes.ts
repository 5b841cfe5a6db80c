import { SUPERVISOR_VIEWS } from "../../solution/views";
import { lookupValueName } from "../metadata/metadata";
import type { Pipeline } from "../pipeline/pipeline";
import { isGuid } from "../query/conditions";
import type { Store } from "../storage/database";
import type { LocalSecurity } from "../security";
import { API_ROOT, type ApiResponse, type WebApi } from "../webapi/webApi";
import { actingBanner, actingCookie, actingUser, chosenUser, type ShellUser } from "./actingUser";
import { serveAsset } from "./assets";
import { contactPage } from "./contactPage";
import { CONTENT_SECURITY_POLICY, escapeHtml, page, table } from "./html";

/** The app shell and the emulator's own endpoints (/_emulator/…). */

export interface ShellContext {
  readonly store: Store;
  readonly api: WebApi;
  readonly pipeline: Pipeline;
  readonly now: () => Date;
  readonly sentMail: () => readonly unknown[];
  readonly controlsDirectory?: string;
  readonly reset: () => Promise<void>;
  readonly security?: LocalSecurity;
}

type Headers = Readonly<Record<string, string | undefined>>;

// "same-origin", not "no-referrer": with no-referrer a browser sends "Origin: null" on the page's own form posts (the user
// picker), which the guard must refuse; no referrer ever leaves for another site either way.
const html = (status: number, body: string): ApiResponse => ({
  status,
  headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" },
  body,
});
const json = (status: number, body: unknown): ApiResponse => ({ status, headers: { "Content-Type": "application/json; charset=utf-8" }, body: JSON.stringify(body) });

/** Every page as the person the shell acts as, with who that is (and a way to switch) in its header. */
export async function renderShell(context: ShellContext, method: string, rawUrl: string, body: string, headers: Headers = {}): Promise<ApiResponse> {
  const path = new URL(rawUrl, "http://localhost").pathname;
  if (path === "/_shell/act-as" && method === "POST") {
    const chosen = chosenUser(context.store, body);
    if (!chosen) return json(400, { error: { code: "0x80040203", message: "Choose one of the listed users." } });
    return { status: 303, headers: { Location: "/", "Set-Cookie": actingCookie(chosen) }, body: "" };
  }
  const acting = actingUser(context.store, headers);
  const response = await route(context, method, rawUrl, acting);
  if (!/^text\/html/.test(response.headers["Content-Type"] ?? "")) return response;
  response.body = (response.body ?? "").replace("</nav></header>", `</nav>${actingBanner(context.store, acting)}</header>`);
  response.headers["Set-Cookie"] = actingCookie(acting.id);
  return response;
}

/** A Web API GET as the acting user, so the shell shows exactly what that person may see. */
async function apiGet(context: ShellContext, acting: ShellUser, relative: string): Promise<{ status: number; json: Record<string, unknown> & { value?: Record<string, unknown>[] } }> {
  const response = await context.api.handle({
    method: "GET", url: `${API_ROOT}${relative}`, body: "",
    headers: { cookie: `sprx_caller=${acting.id}`, prefer: 'odata.include-annotations="*"' },
  });
  return { status: response.status, json: JSON.parse(response.body ?? "{}") as Record<string, unknown> };
}

async function route(context: ShellContext, method: string, rawUrl: string, acting: ShellUser): Promise<ApiResponse> {
  const url = new URL(rawUrl, "http://localhost");
  const path = url.pathname;
  const { store } = context;

  if (path === "/_emulator/reset") {
    if (method !== "POST") return json(405, { error: { code: "0x80060888", message: "Use POST to reset the demo data." } });
    await context.reset();
    return json(200, { reset: true });
  }
  if (method !== "GET") return json(405, { error: { code: "0x80060888", message: `The HTTP method '${method}' is not allowed here.` } });
  if (path === "/_emulator/events") return json(200, { value: store.businessEvents() });
  if (path === "/_emulator/async") return json(200, { value: context.pipeline.asyncRuns });
  if (path === "/_emulator/idle") {
    await context.pipeline.whenIdle();
    return json(200, { idle: true });
  }

  const asset = serveAsset(path, context.controlsDirectory);
  if (asset) return asset;

  if (path === "/") {
    const rows = (await apiGet(context, acting, "contacts?$select=contactid,fullname&$orderby=lastname,firstname")).json.value ?? [];
    const items = rows.map((r) => `<li><a href="/contacts/${escapeHtml(r.contactid)}">${escapeHtml(r.fullname)}</a></li>`).join("\n");
    return html(200, page("People", rows.length ? `<ul>${items}</ul>` : "<p>No people yet. POST /_emulator/reset loads the demo data.</p>"));
  }

  const contactMatch = /^\/contacts\/([0-9a-fA-F-]{36})$/.exec(path);
  if (contactMatch && isGuid(contactMatch[1])) {
    const id = contactMatch[1].toLowerCase();
    const contact = await apiGet(context, acting, `contacts(${id})`);
    if (contact.status === 404) return html(404, page("Not found", "<p>There is no such person.</p>"));
    if (contact.status === 403) return html(403, page("No access", `<p>${escapeHtml(acting.name)} has no access to this person's record.</p>`));
    const engagements = (await apiGet(context, acting, `sprx_engagements?$filter=_sprx_contactid_value eq ${id}&$orderby=sprx_referraldate desc`)).json.value ?? [];
    const form = contactPage({ contact: contact.json, engagements, controlsDirectory: context.controlsDirectory });
    // The controls run as the acting user: their id and whether they may write beyond their own engagements (a supervisor).
    const depth = context.security?.privilegeDepth(acting.id, "Write", store.metadata.require("sprx_engagement"));
    const supervisor = depth !== undefined && depth !== "Basic";
    return html(200, form.replace('id="sprx-form"', `id="sprx-form" data-user-id="${escapeHtml(acting.id)}" data-user-name="${escapeHtml(acting.name)}" data-supervisor="${String(supervisor)}"`));
  }

  if (path === "/views") {
    const sections = [];
    for (const view of SUPERVISOR_VIEWS) {
      const entity = store.metadata.require(view.table);
      const result = await apiGet(context, acting, `${entity.entitySetName}?fetchXml=${encodeURIComponent(view.fetchXml)}`);
      if (result.status !== 200) {
        sections.push(`<section aria-label="${escapeHtml(view.name)}"><h2>${escapeHtml(view.name)}</h2><p>${escapeHtml(acting.name)} cannot run this view.</p></section>`);
        continue;
      }
      const rows = (result.json.value ?? []).map((record) => view.columns.map((c) => {
        const key = entity.attributes.get(c.name)?.kind === "lookup" ? lookupValueName(c.name) : c.name;
        return escapeHtml(record[`${key}@OData.Community.Display.V1.FormattedValue`] ?? record[key] ?? "");
      }));
      sections.push(`<section aria-label="${escapeHtml(view.name)}"><p>${escapeHtml(view.description)}</p>${table(`${view.name} (${rows.length})`, view.columns.map((c) => c.name), rows)}</section>`);
    }
    return html(200, page("Supervisor views", sections.join("\n")));
  }

  if (path === "/outbox") {
    const events = store.businessEvents().map((e) => [escapeHtml(e.raisedOn), escapeHtml(e.name), `<code>${escapeHtml(JSON.stringify(e.parameters))}</code>`]);
    const mail = context.sentMail().map((m) => [`<code>${escapeHtml(JSON.stringify(m).slice(0, 400))}</code>`]);
    return html(200, page("Outbox", `${table("Business events", ["Raised", "Event", "Parameters"], events)}\n${table("Emails sent through Microsoft Graph", ["Request"], mail)}`));
  }

  return html(404, page("Not found", "<p>There is no such page.</p>"));
}
