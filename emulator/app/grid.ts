import { runFetchXml } from "../fetchxml/fetchXml";
import { type AttributeMetadata, type EntityMetadata, lookupValueName } from "../metadata/metadata";
import { annotationsFromPrefer } from "../service/payload";
import type { Store } from "../storage/database";
import { asText } from "../storage/text";
import { escapeHtml } from "../shell/html";
import { editFetchXml, type FetchEdit, linkedTables, quickFindBaseConditions, quickFindColumns } from "./fetchEdit";
import { type UserSettings, columnLabel, formatValue } from "./format";
import { FormRenderError } from "./formXml";
import { mainUrl } from "./layout";
import type { ShippedSolution, ShippedView } from "./shipped";

/**
 * A saved query drawn as a model-driven grid: the layout XML's cells in order
 * with the columns' display names, formatted values, the primary column
 * opening the row, lookups linking to their record, sorting by header,
 * paging, and quick find on the table's quick-find view columns. Everything
 * runs server-side through the local Dataverse's FetchXML engine, so a grid
 * costs the same as the Web API request for the same view.
 */

export const PAGE_SIZE = 50;
const ALL_ANNOTATIONS = annotationsFromPrefer('odata.include-annotations="*"');

export interface GridRequest {
  readonly sort?: string;
  readonly descending?: boolean;
  readonly page?: number;
  readonly search?: string;
  readonly pageSize?: number;
  /** A subgrid's relationship: rows whose lookup is the parent record. */
  readonly parent?: { readonly lookup: string; readonly id: string };
}

export interface GridColumn {
  readonly name: string;
  readonly label: string;
  readonly width: number;
  readonly table: string;
  readonly attribute?: AttributeMetadata;
  /** The JSON key of the value (`_x_value` for lookups, `alias.x` for linked columns). */
  readonly key: string;
  readonly sortable: boolean;
}

export interface GridData {
  readonly view: ShippedView;
  readonly entity: EntityMetadata;
  readonly columns: readonly GridColumn[];
  readonly rows: readonly Record<string, unknown>[];
  readonly total: number;
  readonly page: number;
  readonly pageCount: number;
  readonly quickFind: readonly string[];
  /** Tables with a shipped main form: only their records open (the others have no page in the app). */
  readonly linkable: ReadonlySet<string>;
}

export function gridColumns(store: Store, solution: ShippedSolution, view: ShippedView): GridColumn[] {
  const links = linkedTables(view.fetchXml);
  return view.cells.map((cell) => {
    const [first, second] = cell.name.split(".");
    const table = second ? links.get(first) ?? "" : view.table;
    const name = second ?? first;
    const entity = store.metadata.entity(table);
    const attribute = entity?.attributes.get(name);
    if (!attribute) throw new FormRenderError(`The view "${view.name}" shows the column "${cell.name}", which the table "${table || view.table}" does not have.`);
    const key = attribute.kind === "lookup" ? lookupValueName(name) : name;
    // A linked table's column is labelled with its table, as Dynamics does: "Stage (Engagement)".
    const label = second ? `${columnLabel(solution, table, name)} (${solution.tables.get(table) ?? table})` : columnLabel(solution, table, name);
    return { name: cell.name, label, width: cell.width, table, attribute, key: second ? `${first}.${key}` : key, sortable: !second };
  });
}

/**
 * The built-in tables' own quick-find views are the platform's, not the
 * solution's (shipping one would replace the organisation's): the columns of
 * Dataverse's "Quick Find Active Contacts" stand in for them here.
 */
const PLATFORM_QUICK_FIND: Readonly<Record<string, QuickFind>> = {
  contact: { columns: ["fullname", "firstname", "lastname", "emailaddress1", "telephone1", "mobilephone"], base: [{ attribute: "statecode", operator: "eq", value: "0" }] },
};

export interface QuickFind {
  readonly columns: readonly string[];
  readonly base: readonly { attribute: string; operator: string; value?: string }[];
}

/** The table's quick find: the shipped quick-find view's columns and its own filter. */
export function quickFindOf(solution: ShippedSolution, table: string): QuickFind | undefined {
  const view = solution.views.find((v) => v.table === table && v.queryType === 4);
  if (view) return { columns: quickFindColumns(view.fetchXml), base: quickFindBaseConditions(view.fetchXml) };
  return PLATFORM_QUICK_FIND[table];
}

export function queryGrid(store: Store, solution: ShippedSolution, view: ShippedView, request: GridRequest, user: UserSettings, now: Date): GridData {
  const entity = store.metadata.require(view.table);
  const columns = gridColumns(store, solution, view);
  const quick = quickFindOf(solution, view.table);
  const quickFind = quick?.columns ?? [];
  const sortColumn = columns.find((c) => c.sortable && c.name === request.sort);
  const size = request.pageSize ?? PAGE_SIZE;
  const page = Math.max(1, Math.floor(request.page ?? 1));
  const search = request.search?.trim() ?? "";
  const edit: FetchEdit = {
    ...(sortColumn ? { order: { attribute: sortColumn.name, descending: request.descending === true } } : {}),
    page: { size, number: page },
    // Quick find searches the quick-find view's columns within the quick-find view's own filter, as Dynamics does.
    ...(search && quick ? { quickFind: { columns: quickFind, text: search } } : {}),
    conditions: [
      ...(request.parent ? [{ attribute: request.parent.lookup, operator: "eq", value: request.parent.id }] : []),
      ...(search && quick ? quick.base : []),
    ],
  };
  const result = runFetchXml(store, editFetchXml(view.fetchXml, edit), {
    dates: { now, timeZone: user.timeZone, fiscalYearStartMonth: 1 },
    userId: user.userId,
    businessUnitId: user.businessUnitId,
    readScope: user.access?.readScope,
    mask: user.access?.mask,
  });
  const total = result.totalRecordCount ?? result.rows.length;
  return {
    view, entity, columns, quickFind, page,
    linkable: new Set(solution.forms.filter((f) => f.kind === "main").map((f) => f.table)),
    rows: result.rows.map((r) => result.toJson(r, ALL_ANNOTATIONS)),
    total,
    pageCount: Math.max(1, Math.ceil(total / size)),
  };
}

function cellHtml(data: GridData, column: GridColumn, row: Record<string, unknown>, user: UserSettings, appId: string | undefined): string {
  const text = formatValue(column.attribute, row, column.key, user);
  if (!text) return "";
  const primary = data.entity.primaryNameAttribute ?? data.view.jump;
  if ((column.name === primary || column.name === data.view.jump) && data.linkable.has(data.view.table)) {
    const id = asText(row[data.entity.primaryIdAttribute]);
    return `<a href="${escapeHtml(mainUrl({ appid: appId, pagetype: "entityrecord", etn: data.view.table, id }))}">${escapeHtml(text)}</a>`;
  }
  if (column.attribute?.kind === "lookup") {
    const target = asText(row[`${column.key}@Microsoft.Dynamics.CRM.lookuplogicalname`]);
    const id = asText(row[column.key]);
    if (target && id && data.linkable.has(target)) return `<a href="${escapeHtml(mainUrl({ appid: appId, pagetype: "entityrecord", etn: target, id }))}">${escapeHtml(text)}</a>`;
  }
  return escapeHtml(text);
}

export interface GridRender {
  readonly caption: string;
  readonly appId?: string;
  /** The URL parameters that reproduce this grid, for sort and paging links; absent for a grid without links (a subgrid). */
  readonly baseParams?: Readonly<Record<string, string | undefined>>;
  readonly request: GridRequest;
}

/** The grid as an HTML table that becomes a list of cards on a narrow screen. */
export function gridHtml(data: GridData, user: UserSettings, render: GridRender): string {
  const totalWidth = data.columns.reduce((sum, c) => sum + c.width, 0) || 1;
  const cols = data.columns.map((c) => `<col style="width:${((c.width / totalWidth) * 100).toFixed(2)}%">`).join("");
  const head = data.columns.map((c) => {
    const sorted = render.request.sort === c.name;
    const ariaSort = sorted ? ` aria-sort="${render.request.descending ? "descending" : "ascending"}"` : "";
    if (!render.baseParams || !c.sortable) return `<th scope="col"${ariaSort}>${escapeHtml(c.label)}</th>`;
    const descending = sorted && !render.request.descending;
    const href = mainUrl({ ...render.baseParams, sort: c.name, desc: descending ? 1 : undefined });
    const hint = sorted ? (render.request.descending ? ", sorted descending" : ", sorted ascending") : "";
    return `<th scope="col"${ariaSort}><a class="sort" href="${escapeHtml(href)}">${escapeHtml(c.label)}<span class="visually-hidden">${hint}</span>${sorted ? `<span aria-hidden="true">${render.request.descending ? " ↓" : " ↑"}</span>` : ""}</a></th>`;
  }).join("");
  const body = data.rows.length
    ? data.rows.map((row) => `<tr>${data.columns.map((c) => `<td data-label="${escapeHtml(c.label)}">${cellHtml(data, c, row, user, render.appId)}</td>`).join("")}</tr>`).join("\n")
    : `<tr><td colspan="${data.columns.length}">No data available.</td></tr>`;
  const table = `<div class="grid-wrap"><table class="grid"><caption>${escapeHtml(render.caption)} <span class="count">(${data.total} ${data.total === 1 ? "record" : "records"})</span></caption><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
  return table + pagingHtml(data, render);
}

function pagingHtml(data: GridData, render: GridRender): string {
  if (!render.baseParams || data.pageCount <= 1) return "";
  const link = (page: number, label: string, rel: string) =>
    `<a rel="${rel}" href="${escapeHtml(mainUrl({ ...render.baseParams, sort: render.request.sort, desc: render.request.descending ? 1 : undefined, page }))}">${label}</a>`;
  const previous = data.page > 1 ? link(data.page - 1, "Previous page", "prev") : "";
  const next = data.page < data.pageCount ? link(data.page + 1, "Next page", "next") : "";
  return `<nav class="paging" aria-label="Pages of ${escapeHtml(render.caption)}">${previous}<span>Page ${data.page} of ${data.pageCount}</span>${next}</nav>`;
}
