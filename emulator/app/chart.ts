import { XMLParser } from "fast-xml-parser";
import { runFetchXml } from "../fetchxml/fetchXml";
import { withViewFilters } from "./fetchEdit";
import { annotationsFromPrefer } from "../service/payload";
import type { Store } from "../storage/database";
import { asText } from "../storage/text";
import { escapeHtml } from "../shell/html";
import { type UserSettings, columnLabel } from "./format";
import type { ShippedChart, ShippedSolution } from "./shipped";

/**
 * A shipped chart (savedqueryvisualization) drawn as an accessible SVG: its
 * data description's aggregate FetchXML is run as the acting user, the
 * category and measure aliases pick the axes, and the presentation's series
 * type chooses columns or bars. The SVG has a title and description, labelled
 * axes and values on the bars, and the same figures follow as a table
 * (https://learn.microsoft.com/en-gb/power-apps/developer/model-driven-apps/understand-charts-underlying-data-chart-representation).
 */

const ALL_ANNOTATIONS = annotationsFromPrefer('odata.include-annotations="*"');
const PALETTE = ["#3776c1", "#c53834", "#5f8a1e", "#7552a0", "#1f7f99", "#b35a00"];

/** `value` is null where the aggregate has nothing to work on (an average of no values). */
export interface ChartPoint { readonly category: string; readonly value: number | null }
export interface ChartData { readonly chart: ShippedChart; readonly categoryLabel: string; readonly measureLabel: string; readonly points: readonly ChartPoint[] }

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (n) => n === "attribute" });

/** The column and aggregate behind an alias of the chart's fetch. */
function aliasColumn(fetchXml: string, alias: string): { name: string; aggregate?: string } | undefined {
  const entity = ((parser.parse(fetchXml) as Node).fetch as Node | undefined)?.entity as Node | undefined;
  const attributes = (entity?.attribute as Node[] | undefined) ?? [];
  const found = attributes.find((a) => a["@alias"] === alias);
  return found ? { name: asText(found["@name"]), ...(found["@aggregate"] ? { aggregate: asText(found["@aggregate"]) } : {}) } : undefined;
}

const AGGREGATE_LABEL: Record<string, string> = { count: "Count:All", countcolumn: "Count", sum: "Sum", avg: "Avg", min: "Min", max: "Max" };

/** The chart's data; with `viewFetchXml`, only the records of that view (the chart pane beside a grid). */
export function queryChart(store: Store, solution: ShippedSolution, chart: ShippedChart, user: UserSettings, now: Date, viewFetchXml?: string): ChartData {
  const fetchXml = viewFetchXml ? withViewFilters(chart.fetchXml, viewFetchXml) : chart.fetchXml;
  const result = runFetchXml(store, fetchXml, { dates: { now, timeZone: user.timeZone, fiscalYearStartMonth: 1 }, userId: user.userId, businessUnitId: user.businessUnitId, readScope: user.access?.readScope, mask: user.access?.mask });
  const measureAlias = chart.measureAliases[0] ?? "";
  const points = result.rows.map((r) => result.toJson(r, ALL_ANNOTATIONS)).map((row) => ({
    category: asText(row[`${chart.categoryAlias}@OData.Community.Display.V1.FormattedValue`] ?? row[chart.categoryAlias]) || "(blank)",
    value: row[measureAlias] === null || row[measureAlias] === undefined ? null : Number(row[measureAlias]),
  }));
  const category = aliasColumn(chart.fetchXml, chart.categoryAlias);
  const measure = aliasColumn(chart.fetchXml, measureAlias);
  return {
    chart,
    points,
    categoryLabel: category ? columnLabel(solution, chart.table, category.name) : chart.categoryAlias,
    measureLabel: measure ? `${AGGREGATE_LABEL[measure.aggregate ?? ""] ?? ""} (${columnLabel(solution, chart.table, measure.name)})`.trim() : measureAlias,
  };
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= value / 4) ?? magnitude * 10;
  return Math.ceil(value / step) * step;
}

const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

/** The chart as an SVG figure with its data table. `idPrefix` keeps ids unique when a page shows several charts. */
export function chartHtml(data: ChartData, idPrefix: string): string {
  const { chart, points } = data;
  const width = 520;
  const height = 300;
  const plot = { left: 56, right: 12, top: 16, bottom: 72 };
  const innerW = width - plot.left - plot.right;
  const innerH = height - plot.top - plot.bottom;
  // Measures can be negative (a change in wellbeing): the axis then runs below zero.
  const max = niceMax(Math.max(0, ...points.map((p) => p.value ?? 0)));
  const lowest = Math.min(0, ...points.map((p) => p.value ?? 0));
  const min = lowest < 0 ? -niceMax(-lowest) : 0;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => min + (max - min) * f);
  const band = innerW / Math.max(1, points.length);
  const barW = Math.min(40, band * 0.75);
  const y = (v: number) => plot.top + innerH - ((v - min) / (max - min)) * innerH;
  const grid = ticks.map((t) => `<line x1="${plot.left}" x2="${width - plot.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="gridline"/><text x="${plot.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${number.format(t)}</text>`).join("");
  const shown = (p: ChartPoint) => (p.value === null ? "no value" : number.format(p.value));
  const bars = points.map((p, i) => {
    const x = plot.left + band * i + (band - barW) / 2;
    const top = y(Math.max(0, p.value ?? 0));
    const bottom = y(Math.min(0, p.value ?? 0));
    const labelX = (x + barW / 2).toFixed(1);
    return `<g><rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(bottom - top).toFixed(1)}" fill="${PALETTE[0]}"><title>${escapeHtml(p.category)}: ${shown(p)}</title></rect>` +
      `<text x="${labelX}" y="${((p.value ?? 0) < 0 ? bottom + 12 : top - 4).toFixed(1)}" text-anchor="middle" class="value">${p.value === null ? "–" : number.format(p.value)}</text>` +
      `<text x="${labelX}" y="${plot.top + innerH + 16}" text-anchor="end" transform="rotate(-30 ${labelX} ${plot.top + innerH + 16})">${escapeHtml(p.category.length > 22 ? `${p.category.slice(0, 21)}…` : p.category)}</text></g>`;
  }).join("");
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  const summary = points.length ? points.map((p) => `${p.category} ${shown(p)}`).join(", ") : "no data";
  const svg = `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId} ${descId}" focusable="false">` +
    `<title id="${titleId}">${escapeHtml(chart.name)}</title><desc id="${descId}">${escapeHtml(`${data.measureLabel} by ${data.categoryLabel}: ${summary}.`)}</desc>` +
    `<g class="axis">${grid}<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.top + innerH}"/><line x1="${plot.left}" x2="${width - plot.right}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}"/></g>` +
    `${bars}` +
    `<text class="axis-title" x="${plot.left + innerW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(data.categoryLabel)}</text>` +
    `<text class="axis-title" x="14" y="${plot.top + innerH / 2}" text-anchor="middle" transform="rotate(-90 14 ${plot.top + innerH / 2})">${escapeHtml(data.measureLabel)}</text>` +
    `</svg>`;
  const rows = points.length
    ? points.map((p) => `<tr><th scope="row">${escapeHtml(p.category)}</th><td>${shown(p)}</td></tr>`).join("")
    : `<tr><td colspan="2">No data available.</td></tr>`;
  const table = `<details class="chart-data"><summary>Data table: ${escapeHtml(chart.name)}</summary><table><thead><tr><th scope="col">${escapeHtml(data.categoryLabel)}</th><th scope="col">${escapeHtml(data.measureLabel)}</th></tr></thead><tbody>${rows}</tbody></table></details>`;
  const empty = points.length ? "" : `<p class="chart-empty">No data available.</p>`;
  return `<figure class="chart-figure" aria-labelledby="${idPrefix}-caption"><figcaption id="${idPrefix}-caption">${escapeHtml(chart.name)}</figcaption>${svg}${empty}${table}</figure>`;
}
