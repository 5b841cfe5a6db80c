import type { Store } from "../storage/database";
import { escapeHtml } from "../shell/html";
import { chartHtml, queryChart } from "./chart";
import type { UserSettings } from "./format";
import { type GridRequest, gridHtml, queryGrid, quickFindOf } from "./grid";
import type { ShippedSolution, ShippedView } from "./shipped";

/**
 * pagetype=entitylist: the table's public views (querytype 0) in a view
 * picker, the chosen view as a grid with quick find, and the table's charts
 * beside it as Dynamics shows the chart pane.
 */

export class AppNotFound extends Error {}

export function publicViews(solution: ShippedSolution, table: string): ShippedView[] {
  return solution.views.filter((v) => v.table === table && v.queryType === 0).sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
}

export function defaultView(solution: ShippedSolution, table: string): ShippedView | undefined {
  const views = publicViews(solution, table);
  return solution.views.find((v) => v.table === table && v.queryType === 0 && v.isDefault) ?? views[0];
}

export interface EntityListInput {
  readonly table: string;
  readonly viewId?: string;
  readonly request: GridRequest;
  readonly appId?: string;
  readonly user: UserSettings;
  readonly now: Date;
}

export function entityListBody(store: Store, solution: ShippedSolution, input: EntityListInput): { title: string; body: string } {
  const tableName = solution.tables.get(input.table);
  if (!tableName || !store.metadata.entity(input.table)) throw new AppNotFound(`The app has no table "${input.table}".`);
  const views = publicViews(solution, input.table);
  const wanted = input.viewId?.toLowerCase().replace(/[{}]/g, "");
  const view = wanted ? views.find((v) => v.id === wanted) : defaultView(solution, input.table);
  if (!view) throw new AppNotFound(input.viewId ? `The table "${input.table}" has no public view with the id ${input.viewId}.` : `The table "${input.table}" has no public view.`);
  const data = queryGrid(store, solution, view, input.request, input.user, input.now);
  const base = { appid: input.appId, pagetype: "entitylist", etn: input.table, viewid: view.id, search: input.request.search || undefined, pagesize: input.request.pageSize ? String(input.request.pageSize) : undefined };
  const hidden = (name: string, value: string | undefined) => (value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : "");
  const picker = `<form class="view-picker" method="get" action="/main.aspx">${hidden("appid", input.appId)}${hidden("pagetype", "entitylist")}${hidden("etn", input.table)}
<label for="viewid">View</label><select id="viewid" name="viewid">${views.map((v) => `<option value="${v.id}"${v.id === view.id ? " selected" : ""}>${escapeHtml(v.name)}</option>`).join("")}</select>
<button type="submit">Show view</button></form>`;
  const quick = quickFindOf(solution, input.table);
  const search = quick
    ? `<form class="quick-find" role="search" method="get" action="/main.aspx">${hidden("appid", input.appId)}${hidden("pagetype", "entitylist")}${hidden("etn", input.table)}${hidden("viewid", view.id)}
<label for="quickfind">Search this view</label><input id="quickfind" name="search" type="search" value="${escapeHtml(input.request.search ?? "")}" autocomplete="off">
<button type="submit">Search</button></form>`
    : "";
  const searching = input.request.search?.trim() ? `<p role="status">Showing records that begin with “${escapeHtml(input.request.search.trim())}”. <a href="/main.aspx?${new URLSearchParams({ ...(input.appId ? { appid: input.appId } : {}), pagetype: "entitylist", etn: input.table, viewid: view.id }).toString()}">Clear search</a></p>` : "";
  const charts = solution.charts.filter((c) => c.table === input.table);
  const chartPane = charts.length
    ? `<aside class="chart-pane" aria-label="Charts of the records in ${escapeHtml(view.name)}">${charts.map((c, i) => chartHtml(queryChart(store, solution, c, input.user, input.now, view.fetchXml), `chart-${i}`)).join("")}</aside>`
    : "";
  const description = view.description ? `<p class="view-description">${escapeHtml(view.description)}</p>` : "";
  const grid = gridHtml(data, input.user, { caption: view.name, appId: input.appId, baseParams: base, request: input.request });
  const body = `<div class="command-bar">${picker}${search}</div>${description}${searching}<div class="list-layout${charts.length ? " with-charts" : ""}"><section class="grid-pane" aria-label="${escapeHtml(view.name)}">${grid}</section>${chartPane}</div>`;
  return { title: `${tableName}: ${view.name}`, body };
}
