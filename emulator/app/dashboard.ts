import type { Store } from "../storage/database";
import { escapeHtml } from "../shell/html";
import { chartHtml, queryChart } from "./chart";
import type { UserSettings } from "./format";
import { type FormModel, FormRenderError } from "./formXml";
import { gridHtml, queryGrid } from "./grid";
import { mainUrl } from "./layout";
import type { ShippedSolution } from "./shipped";

/**
 * pagetype=dashboard: a system dashboard's FormXml (a form of type 0) drawn
 * component by component in the shipped order — each cell's control is a
 * chart (ChartGridMode "Chart" with its VisualizationId) or a grid (its
 * ViewId), as in
 * https://learn.microsoft.com/en-us/power-apps/developer/model-driven-apps/understand-dashboards-dashboard-components-formxml
 */

export function dashboardBody(store: Store, solution: ShippedSolution, model: FormModel, user: UserSettings, now: Date, appId?: string): string {
  const components = model.tabs.flatMap((tab) => tab.sections.flatMap((section) => section.cells)).map((cell, index) => {
    if (cell.kind !== "subgrid") throw new FormRenderError(`The dashboard "${model.form.name}" has a component "${cell.id}" that is neither a chart nor a grid.`);
    if (cell.mode === "Chart" && cell.chartId) {
      const chart = solution.charts.find((c) => c.id === cell.chartId);
      if (!chart) throw new FormRenderError(`The dashboard "${model.form.name}" shows the chart ${cell.chartId}, which the solution does not ship.`);
      return `<div class="component">${chartHtml(queryChart(store, solution, chart, user, now), `dash-${index}`)}</div>`;
    }
    const view = solution.views.find((v) => v.id === cell.viewId);
    if (!view) throw new FormRenderError(`The dashboard "${model.form.name}" shows the view ${cell.viewId}, which the solution does not ship.`);
    const data = queryGrid(store, solution, view, { pageSize: cell.recordsPerPage }, user, now);
    const more = `<p><a href="${escapeHtml(mainUrl({ appid: appId, pagetype: "entitylist", etn: view.table, viewid: view.id }))}">Open the view “${escapeHtml(view.name)}”</a></p>`;
    return `<div class="component">${gridHtml(data, user, { caption: cell.label || view.name, appId, request: {} })}${more}</div>`;
  });
  return `<div class="dashboard">${components.join("\n")}</div>`;
}
