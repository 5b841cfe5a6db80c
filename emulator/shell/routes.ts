import { SUPERVISOR_VIEWS } from "../../solution/views";
import { runFetchXml } from "../fetchxml/fetchXml";
import { lookupValueName } from "../metadata/metadata";
import type { Pipeline } from "../pipeline/pipeline";
import { isGuid } from "../query/conditions";
import type { Store } from "../storage/database";
import { FOUNDATION } from "../seed/foundation";
import { annotationsFromPrefer, rowToJson } from "../service/payload";
import type { ApiResponse, WebApi } from "../webapi/webApi";
import { serveAsset } from "./assets";
import { contactPage } from "./contactPage";
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
}

const ALL_ANNOTATIONS = annotationsFromPrefer('odata.include-annotations="*"');

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

  if (path === "/") {
    const rows = store.select(`SELECT "contactid", "fullname" FROM "contact" ORDER BY "lastname", "firstname"`, []);
    const items = rows.map((r) => `<li><a href="/contacts/${escapeHtml(r.contactid)}">${escapeHtml(r.fullname)}</a></li>`).join("\n");
    return html(200, page("People", rows.length ? `<ul>${items}</ul>` : "<p>No people yet. POST /_emulator/reset loads the demo data.</p>"));
  }

  const contactMatch = /^\/contacts\/([0-9a-fA-F-]{36})$/.exec(path);
  if (contactMatch && isGuid(contactMatch[1])) {
    const entity = store.metadata.require("contact");
    const row = store.get(entity, contactMatch[1]);
    if (!row) return html(404, page("Not found", "<p>There is no such person.</p>"));
    const engagementEntity = store.metadata.require("sprx_engagement");
    const engagements = store
      .select(`SELECT * FROM "sprx_engagement" WHERE "sprx_contactid" = ? ORDER BY "sprx_referraldate" DESC`, [contactMatch[1].toLowerCase()])
      .map((r) => rowToJson(store, engagementEntity, store.decode(engagementEntity, r), { annotations: ALL_ANNOTATIONS }));
    return html(200, contactPage({ contact: rowToJson(store, entity, row, { annotations: ALL_ANNOTATIONS }), engagements, controlsDirectory: context.controlsDirectory }));
  }

  if (path === "/views") {
    const sections = SUPERVISOR_VIEWS.map((view) => {
      const result = runFetchXml(store, view.fetchXml, {
        dates: { now: context.now(), timeZone: "Europe/London", fiscalYearStartMonth: 1 },
        userId: FOUNDATION.adminUserId,
        businessUnitId: FOUNDATION.businessUnitId,
      });
      const entity = result.entity;
      const rows = result.rows.map((r) => {
        const record = result.toJson(r, ALL_ANNOTATIONS);
        return view.columns.map((c) => {
          const key = entity.attributes.get(c.name)?.kind === "lookup" ? lookupValueName(c.name) : c.name;
          return escapeHtml(record[`${key}@OData.Community.Display.V1.FormattedValue`] ?? record[key] ?? "");
        });
      });
      return `<section aria-label="${escapeHtml(view.name)}"><p>${escapeHtml(view.description)}</p>${table(`${view.name} (${rows.length})`, view.columns.map((c) => c.name), rows)}</section>`;
    });
    return html(200, page("Supervisor views", sections.join("\n")));
  }

  if (path === "/outbox") {
    const events = store.businessEvents().map((e) => [escapeHtml(e.raisedOn), escapeHtml(e.name), `<code>${escapeHtml(JSON.stringify(e.parameters))}</code>`]);
    const mail = context.sentMail().map((m) => {
      const { to, subject, text } = outboxMail(m);
      return [escapeHtml(to), escapeHtml(subject), `<pre>${escapeHtml(text)}</pre>`];
    });
    return html(200, page("Outbox", `${table("Business events", ["Raised", "Event", "Parameters"], events)}\n${table("Emails sent through Microsoft Graph", ["To", "Subject", "Message"], mail)}`));
  }

  return html(404, page("Not found", "<p>There is no such page.</p>"));
}
