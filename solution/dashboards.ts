/**
 * The supervisor dashboards: system dashboards (forms of type 0) whose
 * components are the solution's own charts and views. The FormXml follows
 * Microsoft's layout for dashboards — one section per row of components,
 * each cell holding a control of class {E7A81278-…} with TargetEntityType,
 * ChartGridMode, ViewId and (for a chart) VisualizationId:
 * https://learn.microsoft.com/en-us/power-apps/developer/model-driven-apps/sample-dashboards
 * https://learn.microsoft.com/en-us/power-apps/developer/model-driven-apps/understand-dashboards-dashboard-components-formxml
 * A dashboard holds at most six components by default (same page), so the
 * supervisor's picture is two dashboards: caseload and outcomes. In the
 * solution they are `<Dashboard>` elements (CustomizationsSolution.xsd,
 * DashboardsType) and, in the source layout, Dashboards/{id}.xml at the root, as
 * SolutionPackager extracts of Microsoft's Industry Accelerator for Media show
 * (repository craplets25-jpg/MediaEventsVenues-2.0.3.5, file
 * .github/information-for-copilot/Agent_docs/MediaCommon_Industry-Accelerator-Media-2.0.3.5-Directory_Structure.md);
 * the root element of that file (`<Dashboard>`) is not confirmed by an example.
 */
import { stableGuid } from "./ids";
import { SHIPPED_CHARTS, SHIPPED_VIEWS } from "./views";
import { braced, descriptions, el, labels, localizedNames, text, type XmlNode } from "./xml";

export interface DashboardComponent {
  readonly label: string;
  readonly table: string;
  /** The view behind the component (a chart's records list too). */
  readonly viewId: string;
  /** Set for a chart; a grid otherwise. */
  readonly chartId?: string;
  readonly recordsPerPage?: number;
}

export interface DashboardDeclaration {
  readonly formId: string;
  readonly name: string;
  readonly description: string;
  /** Components by row, at most three per row and six in all. */
  readonly rows: readonly (readonly DashboardComponent[])[];
}

const view = (name: string) => {
  const found = SHIPPED_VIEWS.find((v) => v.name === name);
  if (!found) throw new Error(`No supervisor view is named "${name}"`);
  return found;
};
const chart = (name: string) => {
  const found = SHIPPED_CHARTS.find((c) => c.name === name);
  if (!found) throw new Error(`No chart is named "${name}"`);
  return found;
};
const grid = (name: string, recordsPerPage = 5): DashboardComponent => ({ label: view(name).name, table: view(name).table, viewId: view(name).savedQueryId, recordsPerPage });
const chartOf = (name: string, viewName: string): DashboardComponent => ({ label: chart(name).name, table: chart(name).table, viewId: view(viewName).savedQueryId, chartId: chart(name).savedQueryVisualizationId });

export const DASHBOARDS: readonly DashboardDeclaration[] = [
  {
    formId: "3f6b1c9e-8d2a-4e57-b0c4-9a1e7d5f2c61",
    name: "Supervisor: caseload",
    description: "Caseload by stage, and the engagements that need a supervisor's eye: overdue, past the window, a courageous conversation suggested, ready to close.",
    rows: [
      [chartOf("Active engagements by stage", "Team active caseload by link worker"), grid("Overdue: no session in 21 days"), grid("Past the 16-week window")],
      [grid("Courageous conversation suggested"), grid("Ready to close")],
    ],
  },
  {
    formId: "8a4d2e71-5c3b-4f96-a1e8-2b7c9d0f6e34",
    name: "Supervisor: outcomes",
    description: "Closures this quarter by reason, the change in wellbeing at closure, and the closures themselves.",
    rows: [
      [chartOf("Closures this quarter by reason", "Closed this quarter"), chartOf("Change in life satisfaction at closure", "Closed this quarter")],
      [grid("Closed this quarter", 10)],
    ],
  },
  {
    formId: "f2b8e6a1-4d37-4c59-9e0a-7b1d3c5f8e24",
    name: "Supervisor: community support",
    description: "Whether connections to community services take: linking success by category, referrals waiting for their follow-up, and services people rarely reach.",
    rows: [
      [chartOf("Linking success by service category", "Community services by category"), grid("Connections awaiting follow-up"), grid("Services with low uptake")],
    ],
  },
];

function componentCell(dashboard: DashboardDeclaration, component: DashboardComponent, path: string): XmlNode {
  const isChart = component.chartId !== undefined;
  return el("cell", { colspan: 1, rowspan: 12, showlabel: "false", id: braced(stableGuid("dashboard", dashboard.formId, path)), auto: "false" },
    labels(component.label),
    el("control", { id: `Component${path.replace(/\D/g, "")}`, classid: "{E7A81278-8635-4d9e-8D4D-59480B391C5B}" },
      el("parameters", null,
        text("TargetEntityType", component.table),
        text("ChartGridMode", isChart ? "Chart" : "Grid"),
        text("EnableQuickFind", "false"),
        text("EnableViewPicker", "false"),
        text("EnableJumpBar", "false"),
        text("RecordsPerPage", String(component.recordsPerPage ?? 5)),
        text("ViewId", braced(component.viewId)),
        text("IsUserView", "false"),
        text("AutoExpand", "Fixed"),
        ...(isChart ? [text("VisualizationId", braced(component.chartId ?? "")), text("IsUserChart", "false"), text("EnableChartPicker", "false")] : []))));
}

/** The dashboard's `<form>`: one tab, one section per row of components. */
export function dashboardForm(dashboard: DashboardDeclaration): XmlNode {
  return el("form", null,
    el("tabs", null,
      el("tab", { showlabel: "false", verticallayout: "true", id: braced(stableGuid("dashboard", dashboard.formId, "tab")), name: "tab_dashboard", locklevel: "0", expanded: "true" },
        labels(dashboard.name),
        el("columns", null,
          el("column", { width: "100%" },
            el("sections", null,
              ...dashboard.rows.map((row, r) =>
                el("section", { showlabel: "false", showbar: "false", columns: "1".repeat(row.length), id: braced(stableGuid("dashboard", dashboard.formId, `section${r}`)), name: `section_${r + 1}` },
                  labels(`Row ${r + 1}`),
                  el("rows", null, el("row", null, ...row.map((c, i) => componentCell(dashboard, c, `${r}/${i}`))))))))))));
}

/** `<Dashboard>` as customizations.xml carries it (DashboardsType in CustomizationsSolution.xsd). */
export function dashboardXml(dashboard: DashboardDeclaration, version: string): XmlNode {
  return el("Dashboard", null,
    text("FormId", braced(dashboard.formId)),
    localizedNames(dashboard.name),
    descriptions(dashboard.description),
    text("IsCustomizable", "1"),
    text("CanBeDeleted", "1"),
    el("FormXml", null, el("forms", { type: "dashboard" }, dashboardForm(dashboard))),
    text("IntroducedVersion", version),
    text("IsTabletEnabled", "1"));
}
