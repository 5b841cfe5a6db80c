import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { QueryError, isGuid } from "../query/conditions";
import { FOUNDATION } from "../seed/foundation";
import type { Store } from "../storage/database";
import { escapeHtml } from "../shell/html";
import type { ApiResponse } from "../webapi/webApi";
import { dashboardBody } from "./dashboard";
import { AppNotFound, entityListBody } from "./entityList";
import { RECORD_SCRIPT, recordFormBody } from "./form";
import type { UserSettings } from "./format";
import { FormRenderError, readFormXml } from "./formXml";
import { appPage, mainUrl } from "./layout";
import { type ShippedSolution, shippedSolution } from "./shipped";

/**
 * The model-driven app's URLs (/main.aspx with pagetype entitylist,
 * entityrecord or dashboard; appid accepted and carried), the app's own
 * stylesheet and script, and the redirects from the shell's older pages.
 * Pages are drawn on the server for the acting user the caller passes.
 */

export interface AppContext {
  readonly store: Store;
  readonly now: () => Date;
  readonly controlsDirectory?: string;
  /** Who the app acts as; the local user "Alex Marlow" unless the caller chooses another. */
  readonly user?: UserSettings;
  /** For tests: another reading of the solution source (e.g. a broken form). */
  readonly solution?: ShippedSolution;
}

export const DEFAULT_USER: UserSettings = { userId: FOUNDATION.adminUserId, businessUnitId: FOUNDATION.businessUnitId, locale: "en-GB", timeZone: "Europe/London" };

const HEADERS = { "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache" };

let assets: { css: string; script: string } | undefined;
interface Transformer { transformSync(code: string, options: { loader: "ts"; format: "iife"; target: string; sourcefile: string }): { code: string } }
function appAssets(): { css: string; script: string } {
  if (assets) return assets;
  // esbuild ships with tsx, which runs the local environment; it strips the types and nothing else.
  const esbuild = createRequire(require.resolve("tsx/package.json"))("esbuild") as Transformer;
  const source = path.join(__dirname, "browser", "recordForm.ts");
  const script = esbuild.transformSync(fs.readFileSync(source, "utf8"), { loader: "ts", format: "iife", target: "es2020", sourcefile: "recordForm.ts" }).code;
  assets = { css: fs.readFileSync(path.join(__dirname, "assets", "app.css"), "utf8"), script };
  return assets;
}

/** Records per page, as the personal option offers (up to 250); the default 50 otherwise. */
function pageSizeOf(value: string | null): number | undefined {
  const size = Number(value);
  return Number.isInteger(size) && size >= 1 && size <= 250 ? size : undefined;
}

const redirect = (location: string): ApiResponse => ({ status: 302, headers: { Location: location, "Cache-Control": "no-store" }, body: "" });

/** The app's answer for this path, or undefined when it is not the app's (the shell then answers). */
export function renderApp(context: AppContext, rawUrl: string, html: (status: number, body: string) => ApiResponse): ApiResponse | undefined {
  const url = new URL(rawUrl, "http://localhost");
  const p = url.pathname;
  if (p === "/app/app.css") return { status: 200, headers: { "Content-Type": "text/css; charset=utf-8", ...HEADERS }, body: appAssets().css };
  if (p === RECORD_SCRIPT) return { status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8", ...HEADERS }, body: appAssets().script };

  const solution = context.solution ?? shippedSolution();
  // The shell's older pages: people, a person, the supervisor views.
  if (p === "/") return redirect(mainUrl({ pagetype: "entitylist", etn: "contact" }));
  if (p === "/views") return redirect(mainUrl({ pagetype: "entitylist", etn: "sprx_engagement" }));
  const contact = /^\/contacts\/([0-9a-fA-F-]{36})$/.exec(p);
  if (contact && isGuid(contact[1])) return redirect(mainUrl({ pagetype: "entityrecord", etn: "contact", id: contact[1].toLowerCase() }));
  if (p.toLowerCase() !== "/main.aspx") return undefined;

  const q = url.searchParams;
  const appId = q.get("appid") ?? undefined;
  if (appId !== undefined && !isGuid(appId.replace(/[{}]/g, ""))) return html(400, appPage(solution, { title: "Bad request", body: "<p>The appid must be a GUID.</p>" }));
  // appname (the app's unique name) opens the app too; it must be this app's.
  const appName = q.get("appname");
  if (appName !== null && appName !== solution.appUniqueName) return html(404, appPage(solution, { title: "Not found", body: `<p>There is no app named “${escapeHtml(appName)}” here; this one is “${escapeHtml(solution.appUniqueName)}”.</p>` }));
  const user = context.user ?? DEFAULT_USER;
  const now = context.now();
  const pageType = (q.get("pagetype") ?? "").toLowerCase();
  try {
    if (pageType === "entitylist") {
      const table = q.get("etn") ?? "";
      const { title, body } = entityListBody(context.store, solution, {
        table, appId, user, now,
        viewId: q.get("viewid") ?? undefined,
        request: { sort: q.get("sort") ?? undefined, descending: q.get("desc") === "1", page: Number(q.get("page") ?? "1") || 1, search: q.get("search") ?? undefined, pageSize: pageSizeOf(q.get("pagesize")) },
      });
      return html(200, appPage(solution, { title, body, appId, current: { entity: table } }));
    }
    if (pageType === "entityrecord") {
      const table = q.get("etn") ?? "";
      const id = (q.get("id") ?? "").replace(/[{}]/g, "").toLowerCase();
      const entity = context.store.metadata.entity(table);
      const form = solution.forms.find((f) => f.kind === "main" && f.table === table && (!q.get("formid") || f.id === q.get("formid")?.replace(/[{}]/g, "").toLowerCase()));
      if (!entity || !form) throw new AppNotFound(`The app has no form for the table "${table}".`);
      if (!isGuid(id)) throw new AppNotFound("The record id must be a GUID.");
      const model = readFormXml(form, context.store.metadata, solution);
      const page = recordFormBody(context.store, solution, { model, entity, id, appId, user, now, controlsDirectory: context.controlsDirectory });
      if (page.denied) return html(403, appPage(solution, { title: "No access", body: "<p>The person you are acting as has no access to this record: their security roles do not reach it.</p>", appId }));
      if (!page.title) throw new AppNotFound("There is no such record, or it has been deleted.");
      return html(200, appPage(solution, { title: page.title, body: page.body, appId, current: { entity: table }, scripts: page.scripts, heading: false }));
    }
    if (pageType === "dashboard") {
      const dashboards = solution.forms.filter((f) => f.kind === "dashboard");
      const id = (q.get("id") ?? "").replace(/[{}]/g, "").toLowerCase();
      const form = id ? dashboards.find((d) => d.id === id) : dashboards[0];
      if (!form) throw new AppNotFound("The app has no such dashboard.");
      const model = readFormXml(form, context.store.metadata, solution);
      return html(200, appPage(solution, { title: form.name, body: dashboardBody(context.store, solution, model, user, now, appId), appId, current: { dashboardId: form.id } }));
    }
    throw new AppNotFound(`The page type "${pageType}" is not one the app has: use entitylist, entityrecord or dashboard.`);
  } catch (error) {
    if (error instanceof AppNotFound) return html(404, appPage(solution, { title: "Not found", body: `<p>${escapeHtml(error.message)}</p>` }));
    if (error instanceof FormRenderError || error instanceof QueryError) {
      return html(500, appPage(solution, { title: "This page cannot be drawn", body: `<p role="alert">${escapeHtml(error.message)}</p>` }));
    }
    throw error;
  }
}
