import { filter as parseODataFilter } from "odata-v4-parser";
import { type ColumnRef, type ComparisonOperator, type Condition, QueryError, coerceForColumn, likePattern } from "../query/conditions";
import { DATE_OPERATORS, type DateOperator, dateOperatorValue } from "../query/dates";

/**
 * `$filter` → our condition tree. The maintained odata-v4-parser does the
 * grammar; this module only walks its token tree, so a change of parser
 * touches nothing else. Every property is resolved through the caller's
 * scope, which checks it against the metadata.
 */

export interface FilterScope {
  /** The column a `$filter` property name means, or a QueryError naming it. */
  column(property: string): ColumnRef;
}

interface Token {
  readonly type: string;
  readonly value: unknown;
  readonly raw: string;
}

const COMPARISONS: Record<string, ComparisonOperator> = {
  EqualsExpression: "eq",
  NotEqualsExpression: "ne",
  LesserThanExpression: "lt",
  LesserOrEqualsExpression: "le",
  GreaterThanExpression: "gt",
  GreaterOrEqualsExpression: "ge",
};

/**
 * Dataverse query functions named after the FetchXML operators they run:
 * `Microsoft.Dynamics.CRM.LastXDays(PropertyName='x',PropertyValue=7)` is
 * FetchXML's `last-x-days`.
 */
const DATE_FUNCTIONS: ReadonlyMap<string, DateOperator> = new Map(
  DATE_OPERATORS.map((op) => [op.split("-").map((w) => (w === "x" ? "X" : w === "olderthan" ? "OlderThan" : w.charAt(0).toUpperCase() + w.slice(1))).join(""), op]),
);

/** `PropertyValues=[...]` is outside the parser's grammar: lift each list out before parsing. */
function liftValueLists(text: string): { text: string; lists: string[][] } {
  const lists: string[][] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'") {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (text.startsWith("PropertyValues=[", i)) {
      let j = i + "PropertyValues=[".length;
      const items: string[] = [];
      let current = "";
      for (; j < text.length && text[j] !== "]"; j++) {
        if (text[j] === "'") {
          const end = endOfString(text, j);
          current += text.slice(j, end);
          j = end - 1;
        } else if (text[j] === ",") {
          items.push(current);
          current = "";
        } else {
          current += text[j];
        }
      }
      if (j >= text.length) throw new QueryError("Syntax error: PropertyValues list is not closed with ']'.");
      if (current.trim() !== "") items.push(current);
      lists.push(items.map(unquote));
      out += `PropertyValues='${lists.length - 1}'`;
      i = j + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, lists };
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  throw new QueryError(`Syntax error: the string starting at position ${start} is not closed.`);
}

function unquote(item: string): string {
  const trimmed = item.trim();
  return trimmed.startsWith("'") && trimmed.endsWith("'") && trimmed.length >= 2 ? trimmed.slice(1, -1).replace(/''/g, "'") : trimmed;
}

export function parseFilter(text: string, scope: FilterScope): Condition {
  const lifted = liftValueLists(text);
  // The parser reads URL text, where a bare % starts an escape; the query string is already decoded.
  const escaped = lifted.text.replace(/%/g, "%25");
  let root: Token;
  try {
    root = parseODataFilter(escaped);
  } catch (error) {
    throw new QueryError(`Syntax error in $filter: ${(error as Error).message}.`);
  }
  if (root.raw.length !== escaped.trim().length) {
    throw new QueryError(`Syntax error in $filter at position ${root.raw.length}.`);
  }
  return new FilterWalker(scope, lifted.lists).condition(root);
}

type Literal = string | number | boolean | null;

class FilterWalker {
  constructor(private readonly scope: FilterScope, private readonly lists: readonly string[][]) {}

  condition(token: Token): Condition {
    switch (token.type) {
      case "CommonExpression":
      case "BoolParenExpression":
      case "ParenExpression":
        return this.condition(token.value as Token);
      case "AndExpression":
      case "OrExpression": {
        const { left, right } = token.value as { left: Token; right: Token };
        return { kind: token.type === "AndExpression" ? "and" : "or", items: [this.condition(left), this.condition(right)] };
      }
      case "NotExpression":
        return { kind: "not", item: this.condition(token.value as Token) };
      case "MethodCallExpression":
        return this.methodCall(token);
      case "FunctionExpression":
        return this.dataverseFunction(token);
      default: {
        const op = COMPARISONS[token.type];
        if (op) return this.comparison(op, token);
        throw new QueryError(`The expression '${token.raw}' is not supported in $filter.`);
      }
    }
  }

  private comparison(op: ComparisonOperator, token: Token): Condition {
    const { left, right } = token.value as { left: Token; right: Token };
    const [propertyToken, literalToken, flipped] = this.isProperty(left) ? [left, right, false] : [right, left, true];
    if (!this.isProperty(propertyToken) || this.isProperty(literalToken)) {
      throw new QueryError(`The comparison '${token.raw}' must compare a property with a value.`);
    }
    const column = this.property(propertyToken);
    const value = coerceForColumn(column.attribute, this.literal(literalToken));
    const mirrored: Record<ComparisonOperator, ComparisonOperator> = { eq: "eq", ne: "ne", gt: "lt", ge: "le", lt: "gt", le: "ge" };
    return { kind: "compare", op: flipped ? mirrored[op] : op, column, value };
  }

  private methodCall(token: Token): Condition {
    const { method, parameters } = token.value as { method: string; parameters: Token[] };
    if (method !== "contains" && method !== "startswith" && method !== "endswith") {
      throw new QueryError(`The function '${method}' is not supported in $filter.`);
    }
    if (parameters.length !== 2 || !this.isProperty(parameters[0])) {
      throw new QueryError(`'${method}' takes a property and a text value.`);
    }
    const column = this.property(parameters[0]);
    if (column.attribute.kind !== "string" && column.attribute.kind !== "memo") {
      throw new QueryError(`'${method}' needs a text property, and '${column.attribute.logicalName}' is not one.`);
    }
    const value = this.literal(parameters[1]);
    if (typeof value !== "string") throw new QueryError(`'${method}' needs a text value.`);
    return { kind: "like", column, pattern: likePattern(method, value), negate: false };
  }

  private dataverseFunction(token: Token): Condition {
    const { fn, params } = token.value as { fn: Token & { value: { name: string; namespace?: string } }; params: Token & { value: Token[] | undefined } };
    const name = fn.value.name;
    if (fn.value.namespace !== "Microsoft.Dynamics.CRM") throw new QueryError(`Unknown function '${fn.raw}' in $filter.`);
    const args = new Map<string, Token>();
    for (const param of params.value ?? []) {
      const { name: paramName, value } = param.value as { name: Token & { value: { name: string } }; value: Token };
      args.set(paramName.value.name, value.value as Token);
    }
    const propertyName = args.get("PropertyName");
    const property = propertyName ? this.literal(propertyName) : undefined;
    if (typeof property !== "string") throw new QueryError(`'${fn.raw}' needs PropertyName='<attribute>'.`);
    const column = this.scope.column(property);

    if (name === "In" || name === "NotIn") {
      const listToken = args.get("PropertyValues");
      const index = listToken ? Number(this.literal(listToken)) : NaN;
      const list = this.lists[index];
      if (!list) throw new QueryError(`'${fn.raw}' needs PropertyValues=[...].`);
      return { kind: "in", column, values: list.map((v) => coerceForColumn(column.attribute, v)), negate: name === "NotIn" };
    }
    if (name === "Null" || name === "NotNull") return { kind: "null", column, negate: name === "NotNull" };
    const op = DATE_FUNCTIONS.get(name);
    if (!op) throw new QueryError(`The query function 'Microsoft.Dynamics.CRM.${name}' is not supported.`);
    const kind = dateOperatorValue(op);
    const valueToken = args.get("PropertyValue");
    if (kind !== "none" && !valueToken) throw new QueryError(`'Microsoft.Dynamics.CRM.${name}' needs PropertyValue.`);
    const value = valueToken ? this.literal(valueToken) : undefined;
    return { kind: "date", column, op, value: value === undefined || value === null ? undefined : String(value) };
  }

  private isProperty(token: Token): boolean {
    return token.type === "FirstMemberExpression" || token.type === "MemberExpression" || token.type === "PropertyPathExpression";
  }

  private property(token: Token): ColumnRef {
    if (token.raw.includes("/")) throw new QueryError(`Navigation paths such as '${token.raw}' are not supported in $filter here.`);
    return this.scope.column(token.raw);
  }

  private literal(token: Token): Literal {
    if (token.type !== "Literal") throw new QueryError(`'${token.raw}' is not a value.`);
    const edm = token.value as string;
    const raw = token.raw;
    switch (edm) {
      case "null": return null;
      case "Edm.Boolean": return raw.toLowerCase() === "true";
      case "Edm.String": return raw.slice(1, -1).replace(/''/g, "'").replace(/%25/g, "%");
      case "Edm.Guid": case "Edm.Date": case "Edm.DateTimeOffset": case "Edm.TimeOfDay": return raw;
      case "Edm.SByte": case "Edm.Byte": case "Edm.Int16": case "Edm.Int32": case "Edm.Int64": case "Edm.Decimal": case "Edm.Double": case "Edm.Single":
        return Number(raw);
      default:
        throw new QueryError(`The value '${raw}' is not supported in $filter.`);
    }
  }
}
