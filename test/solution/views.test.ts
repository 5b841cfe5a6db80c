import { XMLParser } from "fast-xml-parser";
import { DEFAULT_CONFIGURATION } from "../../domain";
import { FORMS } from "../../solution/forms";
import { stableGuid } from "../../solution/ids";
import { choices, optionValue } from "../../solution/schema/schema";
import { ROLES } from "../../solution/security";
import { SYSTEM_VIEWS } from "../../solution/systemViews";
import { CHARTS, SUPERVISOR_VIEWS, type ViewDeclaration } from "../../solution/views";

interface Condition { attribute: string; operator: string; value?: string }
interface Filter { type: string; conditions: Condition[]; filters: Filter[] }

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name, _jpath, _isLeaf, isAttribute) => !isAttribute && ["attribute", "order", "condition", "filter"].includes(name) });

type RawFilter = { type?: string; condition?: Condition[]; filter?: RawFilter[] };
const toFilter = (raw: RawFilter): Filter => ({ type: raw.type ?? "and", conditions: raw.condition ?? [], filters: (raw.filter ?? []).map(toFilter) });

function query(view: ViewDeclaration) {
  const entity = (parser.parse(view.fetchXml) as { fetch: { entity: { name: string; attribute: { name: string }[]; order?: { attribute: string; descending: string }[]; filter: RawFilter[] } } }).fetch.entity;
  return { entity: entity.name, attributes: entity.attribute.map((a) => a.name), orders: entity.order ?? [], filter: toFilter(entity.filter[0]) };
}

const view = (name: string) => {
  const found = SUPERVISOR_VIEWS.find((v) => v.name === name);
  if (!found) throw new Error(`no view ${name}`);
  return query(found);
};
const has = (f: Filter, attribute: string, operator: string, value?: string) =>
  f.conditions.some((c) => c.attribute === attribute && c.operator === operator && (value === undefined || c.value === value));

describe("supervisor views (contract b)", () => {
  it("ships the nine views of the issue, on engagements, each with a layout", () => {
    expect(SUPERVISOR_VIEWS).toHaveLength(9);
    for (const v of SUPERVISOR_VIEWS) {
      expect(v.table).toBe("sprx_engagement");
      expect(v.columns.length).toBeGreaterThanOrEqual(5);
      expect(v.savedQueryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(v.description.length).toBeGreaterThan(20);
    }
    expect(SUPERVISOR_VIEWS.filter((v) => v.isDefault).map((v) => v.name)).toEqual(["My active caseload"]);
  });

  it("uses relative-date operators only: no literal date in any query", () => {
    for (const xml of [...SUPERVISOR_VIEWS.map((v) => v.fetchXml), ...CHARTS.map((c) => c.dataDescription)]) expect(xml).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("my active caseload: active engagements owned by the current user", () => {
    const q = view("My active caseload");
    expect(has(q.filter, "statecode", "eq", "0")).toBe(true);
    expect(has(q.filter, "ownerid", "eq-userid")).toBe(true);
  });

  it("team caseload: the user's business unit, ordered by link worker first", () => {
    const q = view("Team active caseload by link worker");
    expect(has(q.filter, "owningbusinessunit", "eq-businessid")).toBe(true);
    expect(q.orders[0].attribute).toBe("ownerid");
  });

  it("overdue: nothing booked, and no session (or, before any, no referral) within the longest gap", () => {
    const q = view("Overdue: no session in 21 days");
    const gap = String(DEFAULT_CONFIGURATION.longestGapDays);
    expect(has(q.filter, "sprx_nextsessionon", "null")).toBe(true);
    const either = q.filter.filters.find((f) => f.type === "or");
    expect(either && has(either, "sprx_lastsessionon", "olderthan-x-days", gap)).toBe(true);
    const beforeAny = either?.filters.find((f) => f.type === "and");
    expect(beforeAny && has(beforeAny, "sprx_lastsessionon", "null") && has(beforeAny, "sprx_referraldate", "olderthan-x-days", gap)).toBe(true);
  });

  it("past the window, beyond plan, ready to close and courageous conversation filter on stored flags", () => {
    expect(has(view("Past the 16-week window").filter, "sprx_windowend", "olderthan-x-days", "1")).toBe(true);
    expect(has(view("Beyond planned sessions without extension").filter, "sprx_beyondplan", "eq", "1")).toBe(true);
    expect(has(view("Ready to close").filter, "sprx_checklistcomplete", "eq", "1")).toBe(true);
    expect(has(view("Courageous conversation suggested").filter, "sprx_conversationsuggested", "eq", "1")).toBe(true);
    for (const name of ["Past the 16-week window", "Beyond planned sessions without extension", "Ready to close", "Courageous conversation suggested"]) {
      expect(has(view(name).filter, "statecode", "eq", "0")).toBe(true);
    }
  });

  it("closed this quarter shows reason, sessions attended and wellbeing change", () => {
    const q = view("Closed this quarter");
    expect(has(q.filter, "statecode", "eq", "1")).toBe(true);
    expect(has(q.filter, "sprx_closedon", "this-fiscal-period")).toBe(true);
    for (const column of ["sprx_closurereason", "sprx_sessionsattended", "sprx_ons4satisfiedchange", "sprx_uclachange"]) expect(q.attributes).toContain(column);
  });

  it("closed as disengaged filters on the disengaged option value", () => {
    const q = view("Closed as disengaged");
    expect(has(q.filter, "sprx_closurereason", "eq", String(optionValue(choices.closureReason, "disengaged")))).toBe(true);
    expect(has(q.filter, "statecode", "eq", "1")).toBe(true);
  });

  it("fetches the row id and exactly the layout's columns", () => {
    for (const v of SUPERVISOR_VIEWS) expect(query(v).attributes).toEqual(["sprx_engagementid", ...v.columns.map((c) => c.name)]);
  });
});

describe("charts", () => {
  it("count engagements grouped by stage and by closure reason", () => {
    expect(CHARTS.map((c) => c.name)).toEqual(["Active engagements by stage", "Closures by reason", "Closures this quarter by reason", "Change in life satisfaction at closure"]);
    expect(CHARTS[0].dataDescription).toContain('<attribute groupby="true" alias="groupby_column" name="sprx_stage" />');
    expect(CHARTS[1].dataDescription).toContain('<attribute groupby="true" alias="groupby_column" name="sprx_closurereason" />');
    for (const chart of CHARTS) expect(chart.presentationDescription).toMatch(/^<Chart[\s>]/);
  });
});

describe("fixed ids", () => {
  it("are unique across views, charts, forms and roles", () => {
    const ids = [
      ...SUPERVISOR_VIEWS.map((v) => v.savedQueryId), ...SYSTEM_VIEWS.map((v) => v.savedQueryId),
      ...CHARTS.map((c) => c.savedQueryVisualizationId), ...FORMS.map((f) => f.formId), ...ROLES.map((r) => r.roleId),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("derived ids are stable and shaped as version 5 GUIDs", () => {
    expect(stableGuid("a", "b")).toBe(stableGuid("a", "b"));
    expect(stableGuid("a", "b")).not.toBe(stableGuid("a", "c"));
    expect(stableGuid("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
