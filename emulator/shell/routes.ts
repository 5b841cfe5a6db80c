import type { Pipeline } from "../pipeline/pipeline";
import type { Store } from "../storage/database";
import type { LocalSecurity } from "../security";
import type { ApiResponse, WebApi } from "../webapi/webApi";
import { actingBanner, actingCookie, actingUser, chosenUser, type ShellUser } from "./actingUser";
import { DEFAULT_USER, renderApp } from "../app/routes";
import type { UserSettings as AppUser } from "../app/format";
import { serveAsset } from "./assets";
import { CONTENT_SECURITY_POLICY, escapeHtml, page, table } from "./html";
import { outboxMail } from "./outboxMail";

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

/** The acting user as the app draws for them: their business unit, and only the rows and columns their roles let them read. */
function appUser(context: ShellContext, acting: ShellUser): AppUser {
  const security = context.security;
  if (!security) return { ...DEFAULT_USER, userId: acting.id, name: acting.name };
  const scope = security.fetchScope(acting.id, DEFAULT_USER.businessUnitId);
  return {
    ...DEFAULT_USER,
    userId: acting.id,
    businessUnitId: scope.businessUnitId,
    name: acting.name,
    supervisor: (security.privilegeDepth(acting.id, "Write", context.store.metadata.require("sprx_engagement")) ?? "Basic") !== "Basic",
    access: { readScope: scope.readScope, mask: scope.mask, canRead: (entity, row) => security.canRead(acting.id, entity, row) },
  };
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

  // The model-driven app (/main.aspx) and redirects from the older pages (/, /contacts/<id>, /views), drawn as the acting user.
  const app = renderApp({ store, now: context.now, controlsDirectory: context.controlsDirectory, user: appUser(context, acting) }, rawUrl, html);
  if (app) return app;

  if (path === "/outbox") {
    const events = store.businessEvents().map((e) => [escapeHtml(e.raisedOn), escapeHtml(e.name), `<code>${escapeHtml(JSON.stringify(e.parameters))}</code>`]);
    const mail = context.sentMail().map((m) => {
      // The recipients and subject first, then the message itself (the closure summary, the message back to the referrer) as text.
      const { to, subject, text } = outboxMail(m);
      return [escapeHtml(to), escapeHtml(subject), `<pre>${escapeHtml(text)}</pre>`];
    });
    return html(200, page("Outbox", `${table("Business events", ["Raised", "Event", "Parameters"], events)}\n${table("Emails sent through Microsoft Graph", ["To", "Subject", "Message"], mail)}`));
  }

  return html(404, page("Not found", "<p>There is no such page.</p>"));
}
