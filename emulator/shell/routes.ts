import type { Pipeline } from "../pipeline/pipeline";
import type { Store } from "../storage/database";
import type { ApiResponse, WebApi } from "../webapi/webApi";
import { renderApp } from "../app/routes";
import { serveAsset } from "./assets";
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
}

const html = (status: number, body: string): ApiResponse => ({
  status,
  headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" },
  body,
});
const json = (status: number, body: unknown): ApiResponse => ({ status, headers: { "Content-Type": "application/json; charset=utf-8" }, body: JSON.stringify(body) });

export async function renderShell(context: ShellContext, method: string, rawUrl: string, _body: string): Promise<ApiResponse> {
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

  // The model-driven app (/main.aspx) and redirects from the older pages (/, /contacts/<id>, /views).
  const app = renderApp({ store, now: context.now, controlsDirectory: context.controlsDirectory }, rawUrl, html);
  if (app) return app;

  if (path === "/outbox") {
    const events = store.businessEvents().map((e) => [escapeHtml(e.raisedOn), escapeHtml(e.name), `<code>${escapeHtml(JSON.stringify(e.parameters))}</code>`]);
    const mail = context.sentMail().map((m) => {
      // The recipients and subject first: the message body (the closure summary) would push them out of view.
      const message = (m as { body?: { message?: { subject?: unknown; toRecipients?: { emailAddress?: { address?: unknown } }[] } } }).body?.message;
      const to = (message?.toRecipients ?? []).map((r) => r.emailAddress?.address).filter(Boolean).join(", ");
      return [escapeHtml(to), escapeHtml(message?.subject ?? ""), `<code>${escapeHtml(JSON.stringify(m).slice(0, 400))}</code>`];
    });
    return html(200, page("Outbox", `${table("Business events", ["Raised", "Event", "Parameters"], events)}\n${table("Emails sent through Microsoft Graph", ["To", "Subject", "Request"], mail)}`));
  }

  return html(404, page("Not found", "<p>There is no such page.</p>"));
}
