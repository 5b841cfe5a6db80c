/**
 * The model-driven app "Social Prescribing": link workers' contacts and
 * engagements, supervisors' views and charts, in one site map.
 */
import { DASHBOARDS } from "./dashboards";
import { CONTACT_FORM, ENGAGEMENT_FORM, PERSON_ENGAGEMENTS_VIEW } from "./forms";
import { APP_ROLES } from "./security";
import { PEOPLE_VIEWS, SHIPPED_CHARTS, SHIPPED_VIEWS } from "./views";
import { CONNECTION_GRID_VIEW } from "./communityForms";

export interface SiteMapSubArea {
  readonly id: string;
  /** A table's list; or `url` for another page (a dashboard). */
  readonly table?: string;
  readonly url?: string;
  readonly title: string;
}

export interface SiteMapGroup {
  readonly id: string;
  readonly title: string;
  readonly subAreas: readonly SiteMapSubArea[];
}

export interface AppDeclaration {
  readonly uniqueName: string;
  readonly name: string;
  readonly description: string;
  /** Tables in the app; their forms and views not listed below stay out of it. */
  readonly tables: readonly string[];
  readonly formIds: readonly string[];
  readonly viewIds: readonly string[];
  readonly chartIds: readonly string[];
  readonly roleIds: readonly string[];
  readonly siteMap: { readonly areaId: string; readonly areaTitle: string; readonly groups: readonly SiteMapGroup[] };
}

export const SOCIAL_PRESCRIBING_APP: AppDeclaration = {
  uniqueName: "sprx_SocialPrescribing",
  name: "Social Prescribing",
  description: "Link workers' caseload of people and engagements, with supervisors' views of pacing, readiness to close and outcomes.",
  tables: ["contact", "sprx_engagement", "appointment", "sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore", "sprx_communityservice", "sprx_connection"],
  // Goals and sessions list no forms, so every form of theirs (main and quick create) is available in the app.
  // Dashboards are system forms too (component type 60).
  formIds: [CONTACT_FORM.formId, ENGAGEMENT_FORM.formId, ...DASHBOARDS.map((d) => d.formId)],
  // The shipped views (supervisors', community support's) and people views, and the grid views of the forms (an app that lists views for a table offers only those).
  viewIds: [...[...SHIPPED_VIEWS, ...PEOPLE_VIEWS].map((v) => v.savedQueryId), PERSON_ENGAGEMENTS_VIEW, CONNECTION_GRID_VIEW],
  chartIds: SHIPPED_CHARTS.map((c) => c.savedQueryVisualizationId),
  roleIds: APP_ROLES.map((r) => r.roleId),
  siteMap: {
    areaId: "area_socialprescribing",
    areaTitle: "Social prescribing",
    groups: [
      {
        id: "group_dashboards",
        title: "Dashboards",
        // A subarea opens a dashboard by its model-driven URL (pagetype=dashboard&id=…).
        subAreas: DASHBOARDS.map((d, i) => ({ id: `subarea_dashboard_${i + 1}`, url: `/main.aspx?pagetype=dashboard&id={${d.formId}}`, title: d.name })),
      },
      {
        id: "group_caseload",
        title: "Caseload",
        subAreas: [
          { id: "subarea_people", table: "contact", title: "People" },
          { id: "subarea_engagements", table: "sprx_engagement", title: "Engagements" },
          { id: "subarea_sessions", table: "appointment", title: "Sessions" },
        ],
      },
      {
        id: "group_plan",
        title: "Plans and outcomes",
        subAreas: [
          { id: "subarea_goals", table: "sprx_goal", title: "Goals" },
          { id: "subarea_wellbeing", table: "sprx_wellbeingscore", title: "Wellbeing scores" },
        ],
      },
      {
        id: "group_community",
        title: "Community support",
        subAreas: [
          { id: "subarea_services", table: "sprx_communityservice", title: "Community services" },
          { id: "subarea_connections", table: "sprx_connection", title: "Connections" },
        ],
      },
    ],
  },
};
