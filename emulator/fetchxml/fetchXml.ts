import { XMLParser } from "fast-xml-parser";
import type { EntityMetadata } from "../metadata/metadata";
import { lookupValueName } from "../metadata/metadata";
import { type ColumnRef, type Condition, QueryError, coerceForColumn, conditionToSql, fetchLikePattern } from "../query/conditions";
import { DATE_OPERATORS, type DateContext, type DateOperator } from "../query/dates";
import { type Row, type Store, quoteIdentifier } from "../storage/database";
import { faults } from "../service/faults";
import { type AnnotationChoice, rowToJson } from "../service/payload";
import { asText } from "../storage/text";

/**
 * FetchXML, for what the shipped views and charts use: attributes, nested
 * filters, the comparison, list, null, like, user/business-unit and
 * relative-date operators, link-entity (inner/outer), order, count/page
 * paging and aggregate queries with groupby. Every name is checked against the
 * metadata and every value is a SQL parameter.
 */

export interface FetchContext {
  readonly dates: DateContext;
  readonly userId: string;
  readonly businessUnitId: string;
  /** The entity set the query was sent to: the fetch must be for the same table. */
  readonly expectedEntity?: string;
  /** Row security (emulator/security): the rows of a table the caller may read, as a condition on its alias. */
  readonly readScope?: (entity: EntityMetadata, alias: string) => Condition | undefined;
  /** Column security: a row with the columns the caller may not read set to null. */
  readonly mask?: (entity: EntityMetadata, row: Row) => Row;
}

type XmlNode = Record<string, unknown>;

interface Source {
  readonly alias: string;
  /** Name used in the output for a link-entity's columns ("alias.column"). */
  readonly outputAlias?: string;
  readonly entity: EntityMetadata;
  readonly attributes: { name: string; alias?: string; aggregate?: string; groupby?: boolean }[];
  allAttributes: boolean;
}

export interface FetchResult {
  readonly entity: EntityMetadata;
  readonly rows: Record<string, unknown>[];
  readonly moreRecords: boolean;
  readonly totalRecordCount?: number;
  /** The page this result is (1-based). */
  readonly page: number;
  /**
   * Dataverse's paging cookie for this page, `<cookie page="n"><id last=… first=…/></cookie>`,
   * when more records follow; paging is by page number here, and a cookie sent back is accepted.
   */
  readonly pagingCookie?: string;
  toJson(row: Record<string, unknown>, annotations: AnnotationChoice): Record<string, unknown>;
}

const ELEMENTS = ["entity", "attribute", "order", "filter", "condition", "value", "link-entity"];

function parse(xml: string): XmlNode {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ELEMENTS.includes(name) && name !== "entity", parseAttributeValue: false, parseTagValue: false, processEntities: true });
  let parsed: XmlNode;
  try {
    parsed = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    throw new QueryError(`The FetchXML is not well-formed: ${(error as Error).message.split("\n")[0]}`, "0x80041103");
  }
  const fetch = parsed.fetch as XmlNode | undefined;
  if (!fetch || typeof fetch !== "object") throw new QueryError("The FetchXML must have a <fetch> root element.", "0x80041103");
  return fetch;
}

const children = (node: XmlNode, name: string): XmlNode[] => (Array.isArray(node[name]) ? (node[name] as XmlNode[]) : []);
const attr = (node: XmlNode, name: string): string | undefined => (typeof node[`@${name}`] === "string" ? (node[`@${name}`] as string) : undefined);

/** Aliases become SQL column names of aggregate results: plain names only. */
function alias(node: XmlNode): string | undefined {
  const value = attr(node, "alias");
  if (value !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(value)) throw new QueryError(`The alias '${value}' is not valid: use letters, digits and underscores.`, "0x80041103");
  return value;
}
/** Every condition operator FetchXML documents (https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/reference/operators). */
const DOCUMENTED_OPERATORS: ReadonlySet<string> = new Set([
  "above", "contain-values", "eq-or-above", "eq-or-under", "eq-userlanguage", "eq-useroruserhierarchy", "eq-useroruserhierarchyandteams",
  "in-fiscal-period", "in-fiscal-period-and-year", "in-fiscal-year", "in-or-after-fiscal-period-and-year", "in-or-before-fiscal-period-and-year",
  "last-fiscal-period", "last-fiscal-year", "last-month", "last-seven-days", "last-week", "last-x-fiscal-periods", "last-x-fiscal-years",
  "last-x-hours", "last-x-years", "last-year", "next-fiscal-period", "next-fiscal-year", "next-month", "next-seven-days", "next-week",
  "next-x-fiscal-periods", "next-x-fiscal-years", "next-x-hours", "next-x-years", "next-year", "not-contain-values", "not-under",
  "olderthan-x-hours", "olderthan-x-minutes", "olderthan-x-years", "under",
]);
const COMPARE: Record<string, "eq" | "ne" | "gt" | "ge" | "lt" | "le"> = { eq: "eq", ne: "ne", neq: "ne", gt: "gt", ge: "ge", lt: "lt", le: "le" };

export function runFetchXml(store: Store, xml: string, context: FetchContext): FetchResult {
  const fetch = parse(xml);
  const entityNode = fetch.entity as XmlNode | undefined;
  if (!entityNode || typeof entityNode !== "object") throw new QueryError("The FetchXML has no <entity>.", "0x80041103");
  const entityName = attr(entityNode, "name") ?? "";
  const entity = store.metadata.entity(entityName);
  if (!entity) throw new QueryError(`The entity '${entityName}' does not exist.`, "0x80040217");
  if (context.expectedEntity && context.expectedEntity !== entity.logicalName) {
    throw new QueryError(`The FetchXML is for '${entity.logicalName}' but was sent to the '${context.expectedEntity}' entity set.`);
  }
  const aggregate = attr(fetch, "aggregate") === "true";
  const sources: Source[] = [];
  const joins: string[] = [];
  const where: Condition[] = [];
  const orders: string[] = [];
  const params: unknown[] = [];
  const joinParams: unknown[] = [];

  const column = (source: Source, name: string): ColumnRef => {
    const attribute = source.entity.attributes.get(name);
    if (!attribute) throw faults.unknownProperty(name, source.entity.logicalName);
    return { alias: source.alias, attribute };
  };

  const condition = (source: Source, node: XmlNode): Condition => {
    const named = attr(node, "entityname");
    const owner = named ? sources.find((s) => s.outputAlias === named) : source;
    if (!owner) throw new QueryError(`No link-entity has the alias '${named ?? ""}'.`);
    const col = column(owner, attr(node, "attribute") ?? "");
    const operator = attr(node, "operator") ?? "";
    const value = attr(node, "value");
    const values = children(node, "value").map((v) => (typeof v === "object" ? asText((v as { "#text"?: unknown })["#text"]) : String(v)));
    if (COMPARE[operator]) return { kind: "compare", op: COMPARE[operator], column: col, value: coerceForColumn(col.attribute, value ?? values[0] ?? null) };
    switch (operator) {
      case "null": return { kind: "null", column: col, negate: false };
      case "not-null": return { kind: "null", column: col, negate: true };
      case "in": case "not-in":
        return { kind: "in", column: col, values: values.map((v) => coerceForColumn(col.attribute, v)), negate: operator === "not-in" };
      case "like": case "not-like":
        return { kind: "like", column: col, pattern: fetchLikePattern(value ?? ""), negate: operator === "not-like" };
      case "begins-with": case "not-begin-with":
        return { kind: "like", column: col, pattern: `${fetchLikePattern(value ?? "")}%`, negate: operator !== "begins-with" };
      case "ends-with": case "not-end-with":
        return { kind: "like", column: col, pattern: `%${fetchLikePattern(value ?? "")}`, negate: operator !== "ends-with" };
      case "eq-userid": case "eq-useroruserteams": case "eq-useroruserhierarchy":
        return { kind: "compare", op: "eq", column: col, value: context.userId };
      case "ne-userid":
        return { kind: "compare", op: "ne", column: col, value: context.userId };
      case "eq-businessid":
        return { kind: "compare", op: "eq", column: col, value: context.businessUnitId };
      case "ne-businessid":
        return { kind: "compare", op: "ne", column: col, value: context.businessUnitId };
      case "between": case "not-between": {
        if (values.length !== 2) throw new QueryError(`The '${operator}' operator takes exactly two <value> elements.`, "0x80041103");
        const [low, high] = values.map((v) => coerceForColumn(col.attribute, v));
        const inside: Condition = { kind: "and", items: [{ kind: "compare", op: "ge", column: col, value: low }, { kind: "compare", op: "le", column: col, value: high }] };
        return operator === "between" ? inside : { kind: "or", items: [{ kind: "null", column: col, negate: false }, { kind: "not", item: inside }] };
      }
      case "eq-userteams":
        return { kind: "compare", op: "eq", column: col, value: context.userId };
      default:
        if ((DATE_OPERATORS as readonly string[]).includes(operator)) return { kind: "date", column: col, op: operator as DateOperator, value };
        // Operators Dataverse documents but the local Dataverse does not evaluate: say so, never a silently different result.
        // https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/reference/operators
        if (DOCUMENTED_OPERATORS.has(operator)) throw faults.notSupportedLocally(`the FetchXML condition operator '${operator}'`);
        throw new QueryError(`The condition operator '${operator}' is not valid or not supported.`, "0x80041103");
    }
  };

  const filter = (source: Source, node: XmlNode): Condition => {
    const type = attr(node, "type") ?? "and";
    if (type !== "and" && type !== "or") throw new QueryError(`The filter type '${type}' is not valid.`, "0x80041103");
    return {
      kind: type,
      items: [...children(node, "condition").map((c) => condition(source, c)), ...children(node, "filter").map((f) => filter(source, f))],
    };
  };

  const visit = (node: XmlNode, source: Source): void => {
    if (node["all-attributes"] !== undefined) source.allAttributes = true;
    for (const a of children(node, "attribute")) {
      const name = attr(a, "name") ?? "";
      column(source, name);
      source.attributes.push({ name, alias: alias(a), aggregate: attr(a, "aggregate"), groupby: attr(a, "groupby") === "true" });
    }
    for (const o of children(node, "order")) {
      const orderAlias = alias(o);
      const direction = attr(o, "descending") === "true" ? "DESC" : "ASC";
      if (orderAlias && aggregate) orders.push(`${quoteIdentifier(orderAlias)} ${direction}`);
      else orders.push(`${quoteIdentifier(source.alias)}.${quoteIdentifier(column(source, attr(o, "attribute") ?? "").attribute.logicalName)} ${direction}`);
    }
    for (const link of children(node, "link-entity")) {
      const linked = store.metadata.entity(attr(link, "name") ?? "");
      if (!linked) throw new QueryError(`The entity '${attr(link, "name") ?? ""}' does not exist.`, "0x80040217");
      const outputAlias = alias(link) ?? linked.logicalName;
      const child: Source = { alias: `l${sources.length}`, outputAlias, entity: linked, attributes: [], allAttributes: false };
      sources.push(child);
      const from = column(child, attr(link, "from") ?? "");
      const to = column(source, attr(link, "to") ?? "");
      const type = attr(link, "link-type") ?? "inner";
      if (type !== "inner" && type !== "outer") {
        if (["any", "not any", "all", "not all", "exists", "in", "matchfirstrowusingcrossapply"].includes(type)) throw faults.notSupportedLocally(`the FetchXML link-type '${type}'`);
        throw new QueryError(`The link-type '${type}' is not valid.`, "0x80041103");
      }
      const linkScope = context.readScope?.(linked, child.alias);
      const linkFilters = [...children(link, "filter").map((f) => filter(child, f)), ...(linkScope ? [linkScope] : [])];
      let on = `${quoteIdentifier(child.alias)}.${quoteIdentifier(from.attribute.logicalName)} = ${quoteIdentifier(source.alias)}.${quoteIdentifier(to.attribute.logicalName)}`;
      if (type === "outer" && linkFilters.length) on += ` AND ${conditionToSql({ kind: "and", items: linkFilters }, joinParams, context.dates)}`;
      else where.push(...linkFilters);
      joins.push(`${type === "inner" ? "INNER" : "LEFT OUTER"} JOIN ${quoteIdentifier(linked.logicalName)} AS ${quoteIdentifier(child.alias)} ON ${on}`);
      visit(link, child);
    }
    if (source.alias === "t0") where.push(...children(node, "filter").map((f) => filter(source, f)));
  };

  const root: Source = { alias: "t0", entity, attributes: [], allAttributes: false };
  sources.push(root);
  const rootScope = context.readScope?.(entity, "t0");
  if (rootScope) where.push(rootScope);
  visit(entityNode, root);

  const whereSql = where.length ? ` WHERE ${conditionToSql({ kind: "and", items: where }, params, context.dates)}` : "";
  const from = `FROM ${quoteIdentifier(entity.logicalName)} AS "t0" ${joins.join(" ")}`;
  const top = attr(fetch, "top") ? Number(attr(fetch, "top")) : undefined;
  const pageSize = attr(fetch, "count") ? Number(attr(fetch, "count")) : undefined;
  const page = attr(fetch, "page") ? Number(attr(fetch, "page")) : 1;
  for (const n of [top, pageSize, page]) if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new QueryError("top, count and page must be whole numbers from 1.", "0x80041103");
  const limit = top ?? pageSize ?? 5000;
  const offset = top !== undefined ? 0 : (page - 1) * limit;

  if (aggregate) return runAggregate(store, { sources, from, whereSql, params: [...joinParams, ...params], orders, limit, entity });

  const selectColumns = sources.flatMap((s) => {
    const names = s.allAttributes || (s === root && s.attributes.length === 0) ? [...s.entity.attributes.keys()] : s.attributes.map((a) => a.name);
    const withId = s === root && !names.includes(entity.primaryIdAttribute) ? [entity.primaryIdAttribute, ...names] : names;
    return withId.flatMap((name) => {
      const base = `${quoteIdentifier(s.alias)}.${quoteIdentifier(name)}`;
      const out = [`${base} AS ${quoteIdentifier(`${s.alias}__${name}`)}`];
      if (s.entity.attributes.get(name)?.kind === "lookup") out.push(`${quoteIdentifier(s.alias)}.${quoteIdentifier(`${name}__type`)} AS ${quoteIdentifier(`${s.alias}__${name}__type`)}`);
      return out;
    });
  });
  const rootVersion = `"t0"."versionnumber" AS "t0__versionnumber"`;
  const order = [...orders, `"t0".${quoteIdentifier(entity.primaryIdAttribute)} ASC`].join(", ");
  const raw = store.select(`SELECT ${[rootVersion, ...selectColumns].join(", ")} ${from}${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`, [...joinParams, ...params, limit + 1, offset]);
  const moreRecords = top === undefined && raw.length > limit;
  const rows = raw.slice(0, limit);
  const totalRecordCount = attr(fetch, "returntotalrecordcount") === "true"
    ? Number(store.select(`SELECT COUNT(*) AS n ${from}${whereSql}`, [...joinParams, ...params])[0]?.n ?? 0)
    : undefined;

  const braced = (value: unknown) => `{${asText(value).toUpperCase()}}`;
  const idKey = `t0__${entity.primaryIdAttribute}`;
  const pagingCookie = moreRecords && rows.length > 0
    ? `<cookie page="${page}"><${entity.primaryIdAttribute} last="${braced(rows[rows.length - 1][idKey])}" first="${braced(rows[0][idKey])}" /></cookie>`
    : undefined;
  return {
    entity,
    rows,
    moreRecords,
    totalRecordCount,
    page,
    pagingCookie,
    toJson(row, annotations) {
      const out: Record<string, unknown> = {};
      for (const s of sources) {
        const raw: Row = store.decode(s.entity, row, `${s.alias}__`);
        const decoded: Row = context.mask ? context.mask(s.entity, raw) : raw;
        if (s === root) {
          Object.assign(out, rowToJson(store, s.entity, decoded, { select: Object.keys(decoded).filter((k) => k !== "versionnumber" || s.attributes.some((a) => a.name === k)), annotations }));
        } else {
          const json = rowToJson(store, s.entity, decoded, { select: Object.keys(decoded), annotations });
          delete json["@odata.etag"];
          if (!Object.keys(decoded).includes(s.entity.primaryIdAttribute)) delete json[s.entity.primaryIdAttribute];
          for (const [key, value] of Object.entries(json)) {
            const [name, annotation] = key.split("@");
            out[`${s.outputAlias ?? s.alias}.${name}${annotation ? `@${annotation}` : ""}`] = value;
          }
        }
      }
      return out;
    },
  };
}

interface AggregateInput {
  readonly sources: readonly Source[];
  readonly from: string;
  readonly whereSql: string;
  readonly params: unknown[];
  readonly orders: readonly string[];
  readonly limit: number;
  readonly entity: EntityMetadata;
}

function runAggregate(store: Store, input: AggregateInput): FetchResult {
  const selects: string[] = [];
  const groups: string[] = [];
  const outputs: { alias: string; source: Source; name: string; groupby: boolean }[] = [];
  for (const source of input.sources) {
    for (const a of source.attributes) {
      if (!a.alias) throw new QueryError(`An aggregate query needs an alias on the attribute '${a.name}'.`, "0x8004111c");
      const col = `${quoteIdentifier(source.alias)}.${quoteIdentifier(a.name)}`;
      if (a.groupby) {
        selects.push(`${col} AS ${quoteIdentifier(a.alias)}`);
        if (source.entity.attributes.get(a.name)?.kind === "lookup") selects.push(`${quoteIdentifier(source.alias)}.${quoteIdentifier(`${a.name}__type`)} AS ${quoteIdentifier(`${a.alias}__type`)}`);
        groups.push(col);
      } else {
        const fn = { count: "COUNT(*)", countcolumn: `COUNT(${col})`, sum: `SUM(${col})`, avg: `AVG(${col})`, min: `MIN(${col})`, max: `MAX(${col})` }[a.aggregate ?? ""];
        if (!fn) throw new QueryError(`The aggregate '${a.aggregate ?? ""}' on '${a.name}' is not supported.`, "0x8004111c");
        selects.push(`${fn} AS ${quoteIdentifier(a.alias)}`);
      }
      outputs.push({ alias: a.alias, source, name: a.name, groupby: a.groupby === true });
    }
  }
  if (selects.length === 0) throw new QueryError("An aggregate query needs at least one attribute with an aggregate or groupby.", "0x8004111c");
  const groupSql = groups.length ? ` GROUP BY ${groups.join(", ")}` : "";
  const orderSql = input.orders.length ? ` ORDER BY ${input.orders.join(", ")}` : groups.length ? ` ORDER BY ${groups.join(", ")}` : "";
  const rows = store.select(`SELECT ${selects.join(", ")} ${input.from}${input.whereSql}${groupSql}${orderSql} LIMIT ?`, [...input.params, input.limit]);
  return {
    entity: input.entity,
    rows,
    moreRecords: false,
    page: 1,
    toJson(row, annotations) {
      const out: Record<string, unknown> = {};
      for (const o of outputs) {
        const attribute = o.source.entity.attributes.get(o.name);
        if (!attribute || !o.groupby) {
          out[o.alias] = row[o.alias];
          continue;
        }
        const raw: Record<string, unknown> = { [o.name]: row[o.alias], [`${o.name}__type`]: row[`${o.alias}__type`] };
        const json = rowToJson(store, o.source.entity, store.decode(o.source.entity, raw), { select: [o.name], annotations });
        const key = attribute.kind === "lookup" ? lookupValueName(o.name) : o.name;
        out[o.alias] = json[key];
        const formatted = json[`${key}@OData.Community.Display.V1.FormattedValue`];
        if (formatted !== undefined) out[`${o.alias}@OData.Community.Display.V1.FormattedValue`] = formatted;
      }
      return out;
    },
  };
}
