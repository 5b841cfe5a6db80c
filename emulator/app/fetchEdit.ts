import { XMLBuilder, XMLParser } from "fast-xml-parser";

/**
 * What a grid does to a saved query's FetchXML before running it, as the
 * model-driven grid does: a person's sort replaces the view's order, paging
 * adds count/page, quick find adds an "or" filter over the quick-find
 * columns, and a subgrid adds the relationship's condition. The XML is
 * parsed and rebuilt (order preserved), never edited as text.
 */

type Ordered = Record<string, unknown> & { ":@"?: Record<string, string> };

const OPTIONS = { ignoreAttributes: false, attributeNamePrefix: "", preserveOrder: true, parseTagValue: false, parseAttributeValue: false, trimValues: true } as const;
const parser = new XMLParser(OPTIONS);
const builder = new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true });

export interface FetchEdit {
  readonly order?: { readonly attribute: string; readonly descending: boolean };
  readonly page?: { readonly size: number; readonly number: number };
  /** Added to the root entity as `<filter type="and">` conditions. */
  readonly conditions?: readonly { readonly attribute: string; readonly operator: string; readonly value?: string }[];
  /** Quick find: any of these columns begins with the text ("*" is a wildcard, as in Dynamics). */
  readonly quickFind?: { readonly columns: readonly string[]; readonly text: string };
}

const element = (name: string, attributes: Record<string, string>, children: Ordered[] = []): Ordered => ({ [name]: children, ":@": attributes });
const nameOf = (node: Ordered): string => Object.keys(node).find((k) => k !== ":@") ?? "";

export function editFetchXml(xml: string, edit: FetchEdit): string {
  const doc = parser.parse(xml) as Ordered[];
  const fetch = doc.find((n) => nameOf(n) === "fetch");
  if (!fetch) throw new Error("The view's FetchXML has no <fetch> element.");
  const entity = (fetch.fetch as Ordered[]).find((n) => nameOf(n) === "entity");
  if (!entity) throw new Error("The view's FetchXML has no <entity> element.");
  let children = entity.entity as Ordered[];
  if (edit.order) {
    children = children.filter((n) => nameOf(n) !== "order");
    children.push(element("order", { attribute: edit.order.attribute, descending: edit.order.descending ? "true" : "false" }));
  }
  if (edit.conditions?.length) {
    children.push(element("filter", { type: "and" }, edit.conditions.map((c) => element("condition", { attribute: c.attribute, operator: c.operator, ...(c.value === undefined ? {} : { value: c.value }) }))));
  }
  if (edit.quickFind && edit.quickFind.text.trim() && edit.quickFind.columns.length) {
    // The local FetchXML engine has no escape for % and _, so they are taken out of the typed text.
    const pattern = `${edit.quickFind.text.trim().replace(/[%_]/g, "").replace(/\*/g, "%")}%`;
    children.push(element("filter", { type: "or" }, edit.quickFind.columns.map((column) => element("condition", { attribute: column, operator: "like", value: pattern }))));
  }
  entity.entity = children;
  if (edit.page) {
    fetch[":@"] = { ...(fetch[":@"] ?? {}), count: String(edit.page.size), page: String(edit.page.number), returntotalrecordcount: "true" };
  }
  return builder.build(doc);
}

/** The alias → table of every link-entity, for labelling "alias.column" cells. */
export function linkedTables(xml: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (nodes: Ordered[]): void => {
    for (const node of nodes) {
      const name = nameOf(node);
      if (name === "link-entity") {
        const attrs = node[":@"] ?? {};
        found.set(attrs.alias ?? attrs.name ?? "", attrs.name ?? "");
      }
      if (Array.isArray(node[name])) walk(node[name] as Ordered[]);
    }
  };
  walk(parser.parse(xml) as Ordered[]);
  return found;
}

/** The columns of a quick-find view's `isquickfindfields` filter. */
export function quickFindColumns(xml: string): string[] {
  const columns: string[] = [];
  const walk = (nodes: Ordered[], inQuickFind: boolean): void => {
    for (const node of nodes) {
      const name = nameOf(node);
      const attrs = node[":@"] ?? {};
      if (name === "condition" && inQuickFind && attrs.attribute) columns.push(attrs.attribute);
      if (Array.isArray(node[name])) walk(node[name] as Ordered[], inQuickFind || (name === "filter" && attrs.isquickfindfields === "1"));
    }
  };
  walk(parser.parse(xml) as Ordered[], false);
  return columns;
}

/** The quick-find view's own filter with `{0}` replaced: the conditions that stay (e.g. active only) are kept. */
export function quickFindBaseConditions(xml: string): { attribute: string; operator: string; value?: string }[] {
  const out: { attribute: string; operator: string; value?: string }[] = [];
  const doc = parser.parse(xml) as Ordered[];
  const fetch = doc.find((n) => nameOf(n) === "fetch");
  const entity = ((fetch?.fetch as Ordered[] | undefined) ?? []).find((n) => nameOf(n) === "entity");
  for (const filter of ((entity?.entity as Ordered[] | undefined) ?? []).filter((n) => nameOf(n) === "filter")) {
    const attrs = filter[":@"] ?? {};
    if (attrs.isquickfindfields === "1" || (attrs.type ?? "and") !== "and") continue;
    for (const c of (filter.filter as Ordered[]).filter((n) => nameOf(n) === "condition")) {
      const a = c[":@"] ?? {};
      if (a.attribute && a.operator) out.push({ attribute: a.attribute, operator: a.operator, ...(a.value === undefined ? {} : { value: a.value }) });
    }
  }
  return out;
}

/**
 * A chart beside a view shows the view's records, as the chart pane does in
 * Dynamics: the view's filters and link-entities (without their columns or
 * orders, which an aggregate query cannot carry) are added to the chart's
 * aggregate fetch.
 */
export function withViewFilters(chartFetchXml: string, viewFetchXml: string): string {
  const entityOf = (doc: Ordered[]) => ((doc.find((n) => nameOf(n) === "fetch")?.fetch as Ordered[] | undefined) ?? []).find((n) => nameOf(n) === "entity");
  const strip = (nodes: Ordered[]): Ordered[] => nodes
    .filter((n) => !["attribute", "order", "all-attributes"].includes(nameOf(n)))
    .map((n) => (nameOf(n) === "link-entity" ? { ...n, "link-entity": strip(n["link-entity"] as Ordered[]) } : n));
  const chart = parser.parse(chartFetchXml) as Ordered[];
  const chartEntity = entityOf(chart);
  const viewEntity = entityOf(parser.parse(viewFetchXml) as Ordered[]);
  if (!chartEntity || !viewEntity) return chartFetchXml;
  const added = strip((viewEntity.entity as Ordered[]).filter((n) => nameOf(n) === "filter" || nameOf(n) === "link-entity"));
  chartEntity.entity = [...(chartEntity.entity as Ordered[]), ...added];
  return builder.build(chart);
}
