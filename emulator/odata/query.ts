import type { EntityMetadata, Metadata } from "../metadata/metadata";
import { lookupFromValueName } from "../metadata/metadata";
import { type ColumnRef, type Condition, QueryError, conditionToSql } from "../query/conditions";
import type { DateContext } from "../query/dates";
import { type Row, type Store, quoteIdentifier } from "../storage/database";
import { faults } from "../service/faults";
import { type FilterScope, parseFilter } from "./filter";

/**
 * The query options of a Web API GET ($select, $filter, $orderby, $top,
 * $count, one level of $expand) parsed against the metadata and run as
 * parameterised SQL.
 */

export interface OrderBy {
  readonly column: ColumnRef;
  readonly descending: boolean;
}

export interface Expand {
  readonly name: string;
  readonly kind: "single" | "collection";
  readonly entity: EntityMetadata;
  /** single: the lookup on the parent; collection: the lookup on the child pointing at the parent. */
  readonly lookup: string;
  readonly query: CollectionQuery;
}

export interface CollectionQuery {
  readonly entity: EntityMetadata;
  readonly select?: readonly string[];
  readonly filter?: Condition;
  readonly orderBy: readonly OrderBy[];
  readonly top?: number;
  readonly count: boolean;
  readonly expand: readonly Expand[];
}

const ALIAS = "t0";
/** `@odata.count` and `/$count` stop at 5,000, as Dataverse's do. */
export const COUNT_LIMIT = 5000;
const KNOWN_OPTIONS = new Set(["$select", "$filter", "$orderby", "$top", "$count", "$expand", "$skiptoken", "fetchXml", "savedQuery", "userQuery"]);

/** The attribute a query names: a column, or a lookup as `_x_value`. */
export function resolveProperty(entity: EntityMetadata, name: string, alias = ALIAS): ColumnRef {
  const lookup = lookupFromValueName(name);
  if (lookup) {
    const attribute = entity.attributes.get(lookup);
    if (attribute?.kind === "lookup") return { alias, attribute };
  }
  const attribute = entity.attributes.get(name);
  if (!attribute || attribute.kind === "lookup") throw faults.unknownProperty(name, entity.logicalName);
  return { alias, attribute };
}

/** Who is asking: EqualUserId and the like compare with it. */
export interface QueryCaller {
  readonly userId: string;
  readonly businessUnitId: string;
}

/**
 * The names a `$filter` can use on a table: its columns, and through its
 * navigation properties the related tables' columns, each related table in a
 * subquery with its own alias (s1, s2, …).
 */
export function filterScope(metadata: Metadata, entity: EntityMetadata, caller?: QueryCaller, alias = ALIAS, counter = { n: 0 }): FilterScope {
  return {
    caller,
    column: (property) => resolveProperty(entity, property, alias),
    related: (navigation) => {
      const single = entity.lookupNavigations.get(navigation);
      const lookup = single ? entity.attributes.get(single.lookup) : undefined;
      const target = single ? metadata.entity(single.target) : undefined;
      if (single && lookup && target) {
        const inner = `s${++counter.n}`;
        return {
          kind: "single",
          scope: filterScope(metadata, target, caller, inner, counter),
          link: (where, negate) => ({ kind: "in-select", column: { alias, attribute: lookup }, table: target.logicalName, alias: inner, select: target.primaryIdAttribute, where, negate }),
        };
      }
      const collection = entity.collectionNavigations.get(navigation);
      const child = collection ? metadata.entity(collection.referencingTable) : undefined;
      const id = entity.attributes.get(entity.primaryIdAttribute);
      if (collection && child && id) {
        const inner = `s${++counter.n}`;
        return {
          kind: "collection",
          scope: filterScope(metadata, child, caller, inner, counter),
          link: (where, negate) => ({ kind: "in-select", column: { alias, attribute: id }, table: child.logicalName, alias: inner, select: collection.lookup, where, negate }),
        };
      }
      return undefined;
    },
  };
}

/**
 * Parameter aliases: `$filter=lastname eq @p1&@p1='Smith'` — each `@name`
 * outside a string literal is replaced by the alias's value (a literal or a
 * property name), https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#use-parameter-aliases-with-filter-conditions
 */
export function withParameterAliases(text: string, options: ReadonlyMap<string, string>): string {
  if (!text.includes("@")) return text;
  let out = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    const match = !quoted && ch === "@" ? /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i)) : null;
    if (!match) {
      out += ch;
      continue;
    }
    const value = options.get(`@${match[1]}`);
    if (value === undefined) throw new QueryError(`The parameter alias '@${match[1]}' has no value in the query string.`);
    out += value;
    i += match[0].length - 1;
  }
  return out;
}

/** Splits on a separator that is not inside parentheses or a quoted string. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === "(") depth++;
    if (!quoted && ch === ")") depth--;
    if (!quoted && depth === 0 && ch === separator) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (depth !== 0 || quoted) throw new QueryError("Syntax error: unbalanced parentheses or quotes in the query.");
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

export function parseCollectionQuery(metadata: Metadata, entity: EntityMetadata, options: ReadonlyMap<string, string>, depth = 0, caller?: QueryCaller): CollectionQuery {
  for (const key of options.keys()) {
    if (!KNOWN_OPTIONS.has(key) && key.startsWith("$")) throw new QueryError(`The query parameter '${key}' is not supported.`);
  }
  const select = options.has("$select")
    ? splitTopLevel(options.get("$select") ?? "", ",").map((name) => resolveProperty(entity, name).attribute.logicalName)
    : undefined;
  const filterText = options.get("$filter");
  const filter = filterText !== undefined ? parseFilter(withParameterAliases(filterText, options), filterScope(metadata, entity, caller)) : undefined;
  const orderBy = options.has("$orderby")
    ? splitTopLevel(withParameterAliases(options.get("$orderby") ?? "", options), ",").map((clause): OrderBy => {
        const [name, direction, ...rest] = clause.split(/\s+/);
        if (rest.length > 0 || (direction !== undefined && direction !== "asc" && direction !== "desc")) {
          throw new QueryError(`Syntax error in $orderby: '${clause}'.`);
        }
        return { column: resolveProperty(entity, name), descending: direction === "desc" };
      })
    : [];
  let top: number | undefined;
  if (options.has("$top")) {
    top = Number(options.get("$top"));
    if (!Number.isInteger(top) || top < 0) throw new QueryError(`The value of $top must be a whole number, not '${options.get("$top") ?? ""}'.`);
  }
  const countText = options.get("$count");
  if (countText !== undefined && countText !== "true" && countText !== "false") throw new QueryError("$count must be true or false.");
  const expand = options.has("$expand") ? parseExpand(metadata, entity, options.get("$expand") ?? "", depth, caller) : [];
  return { entity, select, filter, orderBy, top, count: countText === "true", expand };
}

/** `$expand`, nested to any depth, with $select/$filter/$orderby/$top/$expand inside a collection-valued one. */
function parseExpand(metadata: Metadata, entity: EntityMetadata, text: string, depth: number, caller?: QueryCaller): Expand[] {
  return splitTopLevel(text, ",").map((item) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/s.exec(item);
    if (!match) throw new QueryError(`Syntax error in $expand: '${item}'.`);
    const [, name, inner] = match;
    const innerOptions = new Map<string, string>();
    for (const part of inner ? splitTopLevel(inner, ";") : []) {
      const eq = part.indexOf("=");
      if (eq < 0) throw new QueryError(`Syntax error in $expand options: '${part}'.`);
      innerOptions.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const single = entity.lookupNavigations.get(name);
    if (single) {
      const target = metadata.require(single.target);
      const query = parseCollectionQuery(metadata, target, innerOptions, depth + 1, caller);
      if (query.filter || query.orderBy.length || query.top !== undefined) throw new QueryError(`Only $select and $expand are allowed when expanding the single-valued '${name}'.`);
      return { name, kind: "single", entity: target, lookup: single.lookup, query };
    }
    const collection = entity.collectionNavigations.get(name);
    if (collection) {
      const child = metadata.require(collection.referencingTable);
      const query = parseCollectionQuery(metadata, child, innerOptions, depth + 1, caller);
      // Dataverse: "$orderby and $top not supported" in multi-level $expand with collection-valued navigation properties,
      // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/multi-level-expand
      if ((depth > 0 || query.expand.length > 0) && (query.orderBy.length > 0 || query.top !== undefined)) {
        throw new QueryError(`$orderby and $top are not supported inside '${name}' in a multi-level $expand with collection-valued navigation properties.`);
      }
      return { name, kind: "collection", entity: child, lookup: collection.lookup, query };
    }
    throw faults.unknownProperty(name, entity.logicalName);
  });
}

export interface Page {
  readonly rows: Row[];
  /** `$count=true`: the rows matching, up to Dataverse's limit of 5,000. */
  readonly total?: number;
  /** The same without the limit, for `totalrecordcountlimitexceeded`. */
  readonly matching?: number;
  readonly more: boolean;
}

export function runCollectionQuery(store: Store, query: CollectionQuery, dates: DateContext, page: { skip: number; size: number }, extra?: Condition): Page {
  const params: unknown[] = [];
  const conditions = [query.filter, extra].filter((c): c is Condition => c !== undefined);
  const where = conditions.length ? ` WHERE ${conditionToSql({ kind: "and", items: conditions }, params, dates)}` : "";
  const table = `${quoteIdentifier(query.entity.logicalName)} AS ${quoteIdentifier(ALIAS)}`;
  const order = [...query.orderBy.map((o) => `${quoteIdentifier(ALIAS)}.${quoteIdentifier(o.column.attribute.logicalName)} ${o.descending ? "DESC" : "ASC"}`),
    `${quoteIdentifier(ALIAS)}.${quoteIdentifier(query.entity.primaryIdAttribute)} ASC`];
  const limit = query.top !== undefined ? Math.min(query.top - page.skip, page.size) : page.size;
  const rows = limit <= 0 ? [] : store.select(`SELECT ${quoteIdentifier(ALIAS)}.* FROM ${table}${where} ORDER BY ${order.join(", ")} LIMIT ? OFFSET ?`, [...params, limit + 1, page.skip]);
  const more = rows.length > limit && (query.top === undefined || page.skip + limit < query.top);
  const decoded = rows.slice(0, Math.max(limit, 0)).map((r) => store.decode(query.entity, r));
  let total: number | undefined;
  let matching: number | undefined;
  if (query.count) {
    const counted = store.select(`SELECT COUNT(*) AS n FROM ${table}${where}`, params)[0];
    matching = Math.min(Number(counted?.n ?? 0), query.top ?? Number.MAX_SAFE_INTEGER);
    // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/count-rows
    total = Math.min(matching, COUNT_LIMIT);
  }
  return { rows: decoded, total, matching, more };
}
