import type { EntityMetadata } from "../metadata/metadata";
import { type ColumnRef, type Condition, QueryError, conditionToSql } from "../query/conditions";
import type { DateContext } from "../query/dates";
import { faults } from "../service/faults";
import { type Store, quoteIdentifier } from "../storage/database";
import { type AnnotationChoice, rowToJson } from "../service/payload";
import { parseFilter } from "./filter";
import { type QueryCaller, filterScope, resolveProperty, splitTopLevel, withParameterAliases } from "./query";

/**
 * `$apply` with the transformations Dataverse documents for the Web API:
 * `filter(…)`, `groupby((…))`, `groupby((…),aggregate(…))` and
 * `aggregate(…)`, chained with `/`; aggregates sum, average, min, max,
 * countdistinct and `$count`.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/aggregate-data
 */

interface Aggregate {
  readonly alias: string;
  readonly sql: string;
}

const METHODS: Record<string, (column: string) => string> = {
  sum: (c) => `SUM(${c})`, average: (c) => `AVG(${c})`, min: (c) => `MIN(${c})`, max: (c) => `MAX(${c})`, countdistinct: (c) => `COUNT(DISTINCT ${c})`,
};

const aliasPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function inner(text: string, name: string): string | undefined {
  const trimmed = text.trim();
  return trimmed.startsWith(`${name}(`) && trimmed.endsWith(")") ? trimmed.slice(name.length + 1, -1) : undefined;
}

const numberFormat = new Intl.NumberFormat("en-US");

export function runApply(store: Store, entity: EntityMetadata, options: ReadonlyMap<string, string>, dates: DateContext, caller: QueryCaller, contextBase: string, annotations: AnnotationChoice, readScope?: Condition): Record<string, unknown> {
  for (const key of options.keys()) if (key.startsWith("$") && key !== "$apply") throw faults.notSupportedLocally(`'${key}' together with $apply`);
  const sqlColumn = (c: ColumnRef) => `"t0".${quoteIdentifier(c.attribute.logicalName)}`;
  // Only the rows the caller may read are aggregated, as Dataverse aggregates within the caller's read depth.
  const filters: Condition[] = readScope ? [readScope] : [];
  let groups: ColumnRef[] = [];
  let aggregates: Aggregate[] = [];
  const parseAggregates = (text: string): Aggregate[] =>
    splitTopLevel(text, ",").map((item) => {
      const count = /^\$count\s+as\s+(\S+)$/.exec(item.trim());
      const match = count ? null : /^(\S+)\s+with\s+(\S+)\s+as\s+(\S+)$/.exec(item.trim());
      const alias = count?.[1] ?? match?.[3] ?? "";
      if (!aliasPattern.test(alias)) throw new QueryError(`Syntax error in aggregate '${item}': expected "<property> with <method> as <alias>" or "$count as <alias>".`);
      if (count) return { alias, sql: "COUNT(*)" };
      const method = METHODS[match?.[2] ?? ""];
      if (!method) throw faults.notSupportedLocally(`the aggregation method '${match?.[2] ?? ""}' (sum, average, min, max, countdistinct and $count are)`);
      return { alias, sql: method(sqlColumn(resolveProperty(entity, match?.[1] ?? ""))) };
    });

  for (const step of splitTopLevel(withParameterAliases(options.get("$apply") ?? "", options), "/")) {
    const filter = inner(step, "filter");
    const groupby = inner(step, "groupby");
    const aggregate = inner(step, "aggregate");
    if (filter !== undefined) {
      if (groups.length || aggregates.length) throw faults.notSupportedLocally("filter() after groupby() or aggregate() in $apply");
      filters.push(parseFilter(filter, filterScope(store.metadata, entity, caller)));
    } else if (groupby !== undefined) {
      const [columns, ...rest] = splitTopLevel(groupby, ",");
      const list = inner(`g${columns}`, "g");
      if (list === undefined) throw new QueryError("groupby takes a parenthesised list of properties: groupby((a,b)).");
      groups = splitTopLevel(list, ",").map((name) => {
        if (name.includes("/")) throw faults.notSupportedLocally(`groupby over a lookup path ('${name}')`);
        const column = resolveProperty(entity, name);
        // "groupby with datetime values is not supported" by Dataverse either.
        if (column.attribute.kind === "datetime") throw new QueryError(`groupby with datetime values is not supported ('${name}').`);
        return column;
      });
      const aggregateText = rest.length === 1 ? inner(rest[0], "aggregate") : rest.length === 0 ? "" : undefined;
      if (aggregateText === undefined) throw faults.notSupportedLocally(`'${rest.join(",")}' inside groupby`);
      aggregates = aggregateText ? parseAggregates(aggregateText) : [];
    } else if (aggregate !== undefined) {
      aggregates = parseAggregates(aggregate);
    } else {
      throw faults.notSupportedLocally(`the $apply transformation '${step}'`);
    }
  }
  if (groups.length === 0 && aggregates.length === 0) throw new QueryError("$apply needs groupby() or aggregate().");

  const params: unknown[] = [];
  const where = filters.length ? ` WHERE ${conditionToSql({ kind: "and", items: filters }, params, dates)}` : "";
  const groupSql = groups.map((g) => `${sqlColumn(g)} AS ${quoteIdentifier(g.attribute.logicalName)}`);
  const aggregateSql = aggregates.map((a) => `${a.sql} AS ${quoteIdentifier(a.alias)}`);
  const groupBy = groups.length ? ` GROUP BY ${groups.map(sqlColumn).join(", ")} ORDER BY ${groups.map(sqlColumn).join(", ")}` : "";
  const rows = store.select(`SELECT ${[...groupSql, ...aggregateSql].join(", ")} FROM ${quoteIdentifier(entity.logicalName)} AS "t0"${where}${groupBy}`, params);
  // As Dataverse answers: empty groups left out, formatted values when asked for, the context names the set alone.
  const value = rows.map((row) => {
    const raw: Record<string, unknown> = {};
    for (const g of groups) {
      raw[g.attribute.logicalName] = row[g.attribute.logicalName];
      if (g.attribute.kind === "lookup") raw[`${g.attribute.logicalName}__type`] = g.attribute.targets?.[0] ?? null;
    }
    const decoded = store.decode(entity, raw);
    const out = rowToJson(store, entity, decoded, { select: groups.map((g) => g.attribute.logicalName), annotations });
    delete out["@odata.etag"];
    if (!groups.some((g) => g.attribute.logicalName === entity.primaryIdAttribute)) delete out[entity.primaryIdAttribute];
    for (const [key, v] of Object.entries(out)) if (v === null) delete out[key];
    for (const a of aggregates) {
      const v = row[a.alias] ?? null;
      if (annotations.formatted && typeof v === "number") out[`${a.alias}@OData.Community.Display.V1.FormattedValue`] = numberFormat.format(v);
      out[a.alias] = v;
    }
    return out;
  });
  return { "@odata.context": contextBase, value };
}
