import type { AttributeMetadata } from "../metadata/metadata";
import { normaliseDateTime, quoteIdentifier } from "../storage/database";
import { type DateContext, type DateOperator, dateRange, dayToIso, startOfDayUtc } from "./dates";

/**
 * The condition tree both query languages compile to ($filter and FetchXML),
 * and its translation to parameterised SQL. Values are coerced to the
 * attribute's type here, so "abc" against an integer column is a clear 400,
 * never a silent non-match.
 */

export interface ColumnRef {
  /** SQL alias of the table the column belongs to. */
  readonly alias: string;
  readonly attribute: AttributeMetadata;
}

export type ComparisonOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type SqlValue = string | number | null;

export type Condition =
  | { readonly kind: "and" | "or"; readonly items: readonly Condition[] }
  | { readonly kind: "not"; readonly item: Condition }
  | { readonly kind: "compare"; readonly op: ComparisonOperator; readonly column: ColumnRef; readonly value: SqlValue }
  | { readonly kind: "null"; readonly column: ColumnRef; readonly negate: boolean }
  | { readonly kind: "like"; readonly column: ColumnRef; readonly pattern: string; readonly negate: boolean }
  | { readonly kind: "in"; readonly column: ColumnRef; readonly values: readonly SqlValue[]; readonly negate: boolean }
  | { readonly kind: "date"; readonly column: ColumnRef; readonly op: DateOperator; readonly value?: string }
  | { readonly kind: "constant"; readonly value: boolean }
  | { readonly kind: "columns"; readonly op: ComparisonOperator; readonly left: ColumnRef; readonly right: ColumnRef }
  /** `column [NOT] IN (SELECT alias.select FROM table AS alias WHERE where)`: lookup paths and any/all lambdas. */
  | { readonly kind: "in-select"; readonly column: ColumnRef; readonly table: string; readonly alias: string; readonly select: string; readonly where?: Condition; readonly negate: boolean };

/** A request's query is wrong: answered with a Dataverse-shaped 400. */
export class QueryError extends Error {
  constructor(message: string, readonly code = "0x80060888") {
    super(message);
    this.name = "QueryError";
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** A value from a query, made into what the column stores; throws QueryError when it cannot be. */
export function coerceForColumn(attribute: AttributeMetadata, value: string | number | boolean | null): SqlValue {
  if (value === null) return null;
  const fail = (): never => {
    throw new QueryError(`The value '${String(value)}' is not valid for the ${attribute.kind} attribute '${attribute.logicalName}'.`);
  };
  switch (attribute.kind) {
    case "integer": case "bigint": case "picklist": case "state": case "status": case "decimal": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (!Number.isFinite(n) || (attribute.kind !== "decimal" && !Number.isInteger(n))) return fail();
      return n;
    }
    case "boolean":
      if (value === true || value === "true" || value === 1 || value === "1") return 1;
      if (value === false || value === "false" || value === 0 || value === "0") return 0;
      return fail();
    case "uniqueidentifier": case "lookup":
      if (typeof value !== "string" || !isGuid(value)) return fail();
      return value.toLowerCase();
    case "date": {
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return fail();
      return value.slice(0, 10);
    }
    case "datetime": {
      if (typeof value !== "string") return fail();
      return normaliseDateTime(value) ?? fail();
    }
    default:
      return typeof value === "string" ? value : String(value);
  }
}

function columnSql(column: ColumnRef): string {
  return `${quoteIdentifier(column.alias)}.${quoteIdentifier(column.attribute.logicalName)}`;
}

const TEXT_KINDS = new Set(["string", "memo"]);

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** SQL LIKE pattern for contains / startswith / endswith. */
export function likePattern(kind: "contains" | "startswith" | "endswith", text: string): string {
  const escaped = escapeLike(text);
  return kind === "contains" ? `%${escaped}%` : kind === "startswith" ? `${escaped}%` : `%${escaped}`;
}

/** FetchXML's `like` pattern keeps its own % and _ wildcards. */
export function fetchLikePattern(text: string): string {
  return text.replace(/\\/g, "\\\\");
}

const SQL_OPERATOR: Record<ComparisonOperator, string> = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=" };

export function conditionToSql(condition: Condition, params: unknown[], dates: DateContext): string {
  switch (condition.kind) {
    case "and":
    case "or": {
      if (condition.items.length === 0) return condition.kind === "and" ? "1 = 1" : "1 = 0";
      return `(${condition.items.map((c) => conditionToSql(c, params, dates)).join(condition.kind === "and" ? " AND " : " OR ")})`;
    }
    case "not":
      return `NOT (${conditionToSql(condition.item, params, dates)})`;
    case "constant":
      return condition.value ? "1 = 1" : "1 = 0";
    case "columns": {
      const collate = TEXT_KINDS.has(condition.left.attribute.kind) ? " COLLATE NOCASE" : "";
      return `${columnSql(condition.left)} ${SQL_OPERATOR[condition.op]} ${columnSql(condition.right)}${collate}`;
    }
    case "in-select": {
      const selected = `${quoteIdentifier(condition.alias)}.${quoteIdentifier(condition.select)}`;
      const where = condition.where ? ` AND (${conditionToSql(condition.where, params, dates)})` : "";
      return `${columnSql(condition.column)} ${condition.negate ? "NOT " : ""}IN (SELECT ${selected} FROM ${quoteIdentifier(condition.table)} AS ${quoteIdentifier(condition.alias)} WHERE ${selected} IS NOT NULL${where})`;
    }
    case "null":
      return `${columnSql(condition.column)} IS ${condition.negate ? "NOT " : ""}NULL`;
    case "compare": {
      const column = columnSql(condition.column);
      if (condition.value === null) {
        if (condition.op === "eq") return `${column} IS NULL`;
        if (condition.op === "ne") return `${column} IS NOT NULL`;
        throw new QueryError(`The operator '${condition.op}' cannot compare with null.`);
      }
      params.push(condition.value);
      const collate = TEXT_KINDS.has(condition.column.attribute.kind) ? " COLLATE NOCASE" : "";
      // Dataverse's ne also matches rows where the column is empty.
      if (condition.op === "ne") return `(${column} <> ?${collate} OR ${column} IS NULL)`;
      return `${column} ${SQL_OPERATOR[condition.op]} ?${collate}`;
    }
    case "like": {
      params.push(condition.pattern);
      return `${condition.negate ? "NOT " : ""}(${columnSql(condition.column)} LIKE ? ESCAPE '\\')`;
    }
    case "in": {
      if (condition.values.length === 0) throw new QueryError(`The 'in' condition on '${condition.column.attribute.logicalName}' needs at least one value.`);
      params.push(...condition.values);
      return `${columnSql(condition.column)} ${condition.negate ? "NOT " : ""}IN (${condition.values.map(() => "?").join(", ")})`;
    }
    case "date": {
      const { attribute } = condition.column;
      if (attribute.kind !== "date" && attribute.kind !== "datetime") {
        throw new QueryError(`The operator '${condition.op}' needs a date attribute, and '${attribute.logicalName}' is not one.`);
      }
      let range;
      try {
        range = dateRange(condition.op, condition.value, dates);
      } catch (error) {
        throw new QueryError((error as Error).message);
      }
      const bound = (day: NonNullable<typeof range.from>): string => (attribute.kind === "date" ? dayToIso(day) : startOfDayUtc(day, dates.timeZone));
      const parts: string[] = [];
      const column = columnSql(condition.column);
      if (range.from !== undefined) { parts.push(`${column} >= ?`); params.push(bound(range.from)); }
      if (range.to !== undefined) { parts.push(`${column} < ?`); params.push(bound(range.to)); }
      return parts.length === 0 ? `${column} IS NOT NULL` : `(${parts.join(" AND ")})`;
    }
  }
}
