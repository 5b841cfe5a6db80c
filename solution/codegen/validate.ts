/**
 * Checks that every view, chart and form names only columns that exist on its
 * table, before anything is packed: Dataverse would import such a view and
 * fail only when a supervisor opens it.
 */
import { XMLParser } from "fast-xml-parser";
import { SHIPPED_CHARTS, type ChartDeclaration, type ViewColumn } from "../views";
import { SYSTEM_VIEWS } from "../systemViews";
import type { FormDeclaration } from "../forms";
import { schema } from "../schema/schema";
import { columnsOf } from "./metadata";
import type { SolutionDeclarations } from "./customizations";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute });

type Node = Record<string, unknown>;
const attr = (node: Node, name: string) => node[`@_${name}`] as string | undefined;
const children = (node: Node, name: string) => (node[name] as Node[] | undefined) ?? [];

/** Column names a fetch uses, per table: attributes, orders, conditions and link-entity joins. */
export function fetchColumns(fetchXml: string): { rootEntity: string | undefined; byTable: Map<string, Set<string>>; rootAttributes: Set<string>; linkAttributes: Map<string, { table: string; attributes: Set<string> }> } {
  const byTable = new Map<string, Set<string>>();
  /** A link-entity's alias → its table and the attributes it fetches (layout cells name them "alias.column"). */
  const linkAttributes = new Map<string, { table: string; attributes: Set<string> }>();
  const onLinks: { alias: string; column: string | undefined }[] = [];
  const use = (table: string, column: string | undefined) => {
    if (!column) return;
    if (!byTable.has(table)) byTable.set(table, new Set());
    byTable.get(table)!.add(column);
  };
  const walkFilters = (table: string, node: Node) => {
    for (const filter of children(node, "filter")) {
      for (const condition of children(filter, "condition")) {
        // A condition with entityname names a link-entity's column (resolved once every alias is known).
        const named = attr(condition, "entityname");
        if (named) onLinks.push({ alias: named, column: attr(condition, "attribute") });
        else use(table, attr(condition, "attribute"));
      }
      walkFilters(table, filter);
    }
  };
  const walkEntity = (table: string, node: Node) => {
    for (const a of children(node, "attribute")) use(table, attr(a, "name"));
    for (const o of children(node, "order")) use(table, attr(o, "attribute"));
    walkFilters(table, node);
    for (const link of children(node, "link-entity")) {
      const linked = attr(link, "name") ?? "";
      const linkAlias = attr(link, "alias");
      if (linkAlias) linkAttributes.set(linkAlias, { table: linked, attributes: new Set(children(link, "attribute").map((a) => attr(a, "name") ?? "")) });
      use(linked, attr(link, "from"));
      use(table, attr(link, "to"));
      walkEntity(linked, link);
    }
  };
  const doc = parser.parse(fetchXml) as Node;
  const fetch = children(doc, "fetch")[0];
  const entity = fetch ? children(fetch, "entity")[0] : undefined;
  const rootEntity = entity ? attr(entity, "name") : undefined;
  if (entity && rootEntity) walkEntity(rootEntity, entity);
  const rootAttributes = new Set((entity ? children(entity, "attribute") : []).map((a) => attr(a, "name") ?? ""));
  for (const { alias, column } of onLinks) use(linkAttributes.get(alias)?.table ?? `(no link-entity aliased ${alias})`, column);
  return { rootEntity, byTable, rootAttributes, linkAttributes };
}

interface QueryToCheck {
  readonly kind: string;
  readonly name: string;
  readonly table: string;
  readonly fetchXml: string;
  readonly columns?: readonly ViewColumn[];
}

function queryProblems(q: QueryToCheck): string[] {
  const problems: string[] = [];
  const where = `${q.kind} "${q.name}"`;
  let parsed: ReturnType<typeof fetchColumns>;
  try {
    parsed = fetchColumns(q.fetchXml);
  } catch (error) {
    return [`${where}: its FetchXML does not parse (${(error as Error).message}).`];
  }
  if (parsed.rootEntity !== q.table) problems.push(`${where} is declared on ${q.table} but its FetchXML queries ${parsed.rootEntity ?? "no entity"}.`);
  for (const [table, used] of parsed.byTable) {
    const known = columnsOf(table);
    if (!known) {
      problems.push(`${where} queries table ${table}, which the solution does not know.`);
      continue;
    }
    for (const column of used) if (!known.has(column)) problems.push(`${where} names column "${column}", which does not exist on ${table}.`);
  }
  for (const column of q.columns ?? []) {
    const [linkAlias, linkedColumn] = column.name.split(".");
    if (linkedColumn !== undefined) {
      const link = parsed.linkAttributes.get(linkAlias);
      if (!link || !link.attributes.has(linkedColumn)) problems.push(`${where} shows column "${column.name}" in its layout but no link-entity with that alias fetches it.`);
      continue;
    }
    if (!columnsOf(q.table)?.has(column.name)) problems.push(`${where} shows column "${column.name}" in its layout, which does not exist on ${q.table}.`);
    else if (!parsed.rootAttributes.has(column.name)) problems.push(`${where} shows column "${column.name}" in its layout but its FetchXML does not fetch it.`);
  }
  return problems;
}

function chartFetch(chart: ChartDeclaration): string {
  return /<fetch[\s>][\s\S]*<\/fetch>/.exec(chart.dataDescription)?.[0] ?? "";
}

function formProblems(form: FormDeclaration, viewIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const known = columnsOf(form.table);
  const where = `form "${form.name}"`;
  if (!known) return [`${where} is on table ${form.table}, which the solution does not know.`];
  for (const tab of form.tabs) {
    for (const section of tab.sections) {
      for (const cell of section.cells) {
        if (cell.kind === "field" && !known.has(cell.column)) problems.push(`${where} places column "${cell.column}", which does not exist on ${form.table}.`);
        if (cell.kind === "control" && !known.has(cell.boundColumn)) problems.push(`${where} binds ${cell.control} to "${cell.boundColumn}", which does not exist on ${form.table}.`);
        if (cell.kind === "subgrid" && !viewIds.has(cell.viewId)) problems.push(`${where} shows grid ${cell.name} with view ${cell.viewId}, which the solution does not ship.`);
      }
    }
  }
  return problems;
}

/** Every problem with the declarations, each naming the view, chart or form and the column. */
export function declarationProblems(declarations: SolutionDeclarations, charts: readonly ChartDeclaration[] = SHIPPED_CHARTS): string[] {
  const viewIds = new Set([...declarations.views, ...SYSTEM_VIEWS].map((v) => v.savedQueryId));
  return [
    ...declarations.views.flatMap((v) => queryProblems({ kind: "view", name: v.name, table: v.table, fetchXml: v.fetchXml, columns: v.columns })),
    ...SYSTEM_VIEWS.flatMap((v) => queryProblems({ kind: "view", name: v.name, table: v.table, fetchXml: v.fetchXml, columns: v.columns })),
    ...charts.flatMap((c) => queryProblems({ kind: "chart", name: c.name, table: c.table, fetchXml: chartFetch(c) })),
    ...declarations.forms.flatMap((f) => formProblems(f, viewIds)),
    ...schema.tables.flatMap((t) => (t.keys ?? []).flatMap((key) => key.columns
      .filter((c) => !columnsOf(t.logicalName)?.has(c))
      .map((c) => `key "${key.name}" names column "${c}", which does not exist on ${t.logicalName}.`))),
  ];
}
