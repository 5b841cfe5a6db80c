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
const KNOWN_OPTIONS = new Set(["$select", "$filter", "$orderby", "$top", "$count", "$expand", "$skiptoken", "fetchXml", "savedQuery", "userQuery"]);

/** The attribute a query names: a column, or a lookup as `_x_value`. */
export function resolveProperty(entity: EntityMetadata, name: string): ColumnRef {
  const lookup = lookupFromValueName(name);
  if (lookup) {
    const attribute = entity.attributes.get(lookup);
    if (attribute?.kind === "lookup") return { alias: ALIAS, attribute };
  }
  const attribute = entity.attributes.get(name);
  if (!attribute || attribute.kind === "lookup") throw faults.unknownProperty(name, entity.logicalName);
  return { alias: ALIAS, attribute };
}

function scope(entity: EntityMetadata): FilterScope {
  return { column: (property) => resolveProperty(entity, property) };
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

export function parseCollectionQuery(metadata: Metadata, entity: EntityMetadata, options: ReadonlyMap<string, string>, nested = false): CollectionQuery {
  for (const key of options.keys()) {
    if (!KNOWN_OPTIONS.has(key) && key.startsWith("$")) throw new QueryError(`The query parameter '${key}' is not supported.`);
  }
  const select = options.has("$select")
    ? splitTopLevel(options.get("$select") ?? "", ",").map((name) => resolveProperty(entity, name).attribute.logicalName)
    : undefined;
  const filterText = options.get("$filter");
  const filter = filterText !== undefined ? parseFilter(filterText, scope(entity)) : undefined;
  const orderBy = options.has("$orderby")
    ? splitTopLevel(options.get("$orderby") ?? "", ",").map((clause): OrderBy => {
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
  const expand = options.has("$expand") ? parseExpand(metadata, entity, options.get("$expand") ?? "", nested) : [];
  return { entity, select, filter, orderBy, top, count: countText === "true", expand };
}

function parseExpand(metadata: Metadata, entity: EntityMetadata, text: string, nested: boolean): Expand[] {
  if (nested) throw new QueryError("Only one level of $expand is supported.");
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
      const query = parseCollectionQuery(metadata, target, innerOptions, true);
      if (query.filter || query.orderBy.length || query.top !== undefined) throw new QueryError(`Only $select is allowed when expanding the single-valued '${name}'.`);
      return { name, kind: "single", entity: target, lookup: single.lookup, query };
    }
    const collection = entity.collectionNavigations.get(name);
    if (collection) {
      const child = metadata.require(collection.referencingTable);
      return { name, kind: "collection", entity: child, lookup: collection.lookup, query: parseCollectionQuery(metadata, child, innerOptions, true) };
    }
    throw faults.unknownProperty(name, entity.logicalName);
  });
}

export interface Page {
  readonly rows: Row[];
  readonly total?: number;
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
  if (query.count) {
    const counted = store.select(`SELECT COUNT(*) AS n FROM ${table}${where}`, params)[0];
    total = Math.min(Number(counted?.n ?? 0), query.top ?? Number.MAX_SAFE_INTEGER);
  }
  return { rows: decoded, total, more };
}
