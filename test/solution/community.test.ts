import * as fs from "node:fs";
import { CUSTOM_APIS } from "../../solution/businessEvent";
import { COMMUNITY_FORMS } from "../../solution/communityForms";
import { COMMUNITY_CHARTS, COMMUNITY_VIEWS } from "../../solution/communityViews";
import { ENVIRONMENT_VARIABLES } from "../../solution/environmentVariables";
import { FORMS } from "../../solution/forms";
import { schema } from "../../solution/schema/schema";
import { ADMINISTRATOR, LINK_WORKER, type RoleDeclaration, SUPERVISOR, rolePrivileges } from "../../solution/security";
import { SHIPPED_CHARTS, SHIPPED_VIEWS } from "../../solution/views";
import { SOCIAL_PRESCRIBING_APP } from "../../solution/app";

/** Community support in the solution (issue 15): tables, names flows rely on, forms, views, chart, privileges. */

const table = (name: string) => schema.tables.find((t) => t.logicalName === name);
const columns = (name: string) => new Set(table(name)?.columns.map((c) => c.logicalName));
const APP_ROLES: readonly RoleDeclaration[] = [LINK_WORKER, SUPERVISOR, ADMINISTRATOR];
const privileges = (role: RoleDeclaration) => new Map(rolePrivileges(role));

describe("community support in the solution", () => {
  it("declares the two tables with the names tests and flows rely on", () => {
    expect(table("sprx_communityservice")?.entitySetName).toBe("sprx_communityservices");
    expect(table("sprx_connection")?.entitySetName).toBe("sprx_connections");
    for (const c of ["sprx_providerid", "sprx_category", "sprx_status"]) expect(columns("sprx_communityservice")).toContain(c);
    for (const c of ["sprx_engagementid", "sprx_serviceid", "sprx_goalid", "sprx_kind", "sprx_status", "sprx_referredon", "sprx_attendedon", "sprx_followupon"]) {
      expect(columns("sprx_connection")).toContain(c);
    }
    for (const c of ["sprx_connectionsmade", "sprx_connectionsattended"]) expect(columns("sprx_engagement")).toContain(c);
    const status = schema.choices.find((c) => c.name === "sprx_connectionstatus");
    expect(status?.options.map((o) => [o.value, o.label])).toEqual([
      [727000000, "Suggested"], [727000001, "Referred"], [727000002, "Attended"], [727000003, "Not attended"], [727000004, "Declined"], [727000005, "Stopped"],
    ]);
    expect(schema.relationships.find((r) => r.lookup === "sprx_providerid")?.referencedTable).toBe("account");
    const dateOnly = table("sprx_connection")?.columns.filter((c) => ["sprx_referredon", "sprx_attendedon", "sprx_followupon"].includes(c.logicalName)).map((c) => c.type.kind);
    expect(dateOnly).toEqual(["date", "date", "date"]);
  });

  it("ships forms for both tables, the connection grid on the engagement form, and the site map group", () => {
    expect(COMMUNITY_FORMS.every((f) => FORMS.includes(f))).toBe(true);
    expect(FORMS.filter((f) => f.table === "sprx_communityservice").map((f) => f.type ?? "main")).toEqual(["main"]);
    expect(FORMS.filter((f) => f.table === "sprx_connection").map((f) => f.type ?? "main").sort()).toEqual(["main", "quick"]);
    const engagementForm = FORMS.find((f) => f.table === "sprx_engagement");
    const cells = engagementForm?.tabs.flatMap((t) => t.sections.flatMap((s) => s.cells)) ?? [];
    expect(cells).toContainEqual(expect.objectContaining({ kind: "subgrid", relationship: "sprx_engagement_sprx_connection" }));
    const group = SOCIAL_PRESCRIBING_APP.siteMap.groups.find((g) => g.id === "group_community");
    expect(group?.subAreas.map((s) => s.table)).toEqual(["sprx_communityservice", "sprx_connection"]);
  });

  it("ships the views and the chart, in the app", () => {
    expect(COMMUNITY_VIEWS.map((v) => v.name)).toEqual(["Community services by category", "Community services by area", "Services with low uptake", "Connections awaiting follow-up"]);
    expect(COMMUNITY_CHARTS.map((c) => c.name)).toEqual(["Linking success by service category"]);
    expect(COMMUNITY_VIEWS.every((v) => SHIPPED_VIEWS.includes(v) && SOCIAL_PRESCRIBING_APP.viewIds.includes(v.savedQueryId))).toBe(true);
    expect(COMMUNITY_CHARTS.every((c) => SHIPPED_CHARTS.includes(c) && SOCIAL_PRESCRIBING_APP.chartIds.includes(c.savedQueryVisualizationId))).toBe(true);
    for (const xml of [...COMMUNITY_VIEWS.map((v) => v.fetchXml), ...COMMUNITY_CHARTS.map((c) => c.dataDescription)]) expect(xml).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    for (const view of COMMUNITY_VIEWS) {
      const file = `solution/src/Entities/${view.table}/SavedQueries/{${view.savedQueryId}}.xml`;
      expect(fs.readFileSync(file, "utf8")).toContain(view.name);
    }
  });

  it("gives every role privileges on both tables: connections as the person's data, the directory read by all and edited by the administrator", () => {
    for (const role of APP_ROLES) {
      const p = privileges(role);
      expect(p.get("prvReadsprx_connection")).toBeDefined();
      expect(p.get("prvReadsprx_communityservice")).toBe("Global");
      expect(p.get("prvAppendTosprx_communityservice")).toBe("Global");
    }
    // A connection is owned with the engagement, at the same depth as the role's goals.
    for (const role of APP_ROLES) {
      const p = privileges(role);
      for (const access of ["Create", "Read", "Write", "Append"]) expect(p.get(`prv${access}sprx_connection`)).toBe(p.get(`prv${access}sprx_goal`));
    }
    expect(privileges(LINK_WORKER).get("prvWritesprx_communityservice")).toBeUndefined();
    expect(privileges(SUPERVISOR).get("prvWritesprx_communityservice")).toBeUndefined();
    expect(privileges(ADMINISTRATOR).get("prvWritesprx_communityservice")).toBe("Global");
    expect(privileges(ADMINISTRATOR).get("prvCreateAccount")).toBe("Global");
  });

  it("makes the follow-up days a setting and the closure event's connection counts optional parameters", () => {
    expect(ENVIRONMENT_VARIABLES.find((v) => v.schemaName === "sprx_FollowUpDays")?.defaultValue).toBe("14");
    const parameters = CUSTOM_APIS[0].requestParameters;
    expect(parameters.filter((p) => p.isOptional).map((p) => p.uniqueName)).toEqual(["ConnectionsMade", "ConnectionsAttended"]);
    const file = "solution/src/customapis/sprx_OnEngagementClosed/customapirequestparameters/ConnectionsMade/customapirequestparameter.xml";
    expect(fs.readFileSync(file, "utf8")).toContain("<isoptional>1</isoptional>");
  });
});
