import { filter as parseODataFilter } from "odata-v4-parser";
import { type ColumnRef, type ComparisonOperator, type Condition, QueryError, coerceForColumn, likePattern } from "../query/conditions";
import { dateOperatorValue } from "../query/dates";
import { DATE_FUNCTIONS, DOCUMENTED_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from "./functionNames";
import { faults } from "../service/faults";

/**
 * `$filter` → our condition tree. The maintained odata-v4-parser does the
 * grammar; this module only walks its token tree, so a change of parser
 * touches nothing else. Every property is resolved through the caller's
 * scope, which checks it against the metadata.
 */

export interface FilterScope {
  /** The column a `$filter` property name means, or a QueryError naming it. */
  column(property: string): ColumnRef;
  /** A related table's scope, for `lookup/column` paths and `collection/any(…)` lambdas. */
  related?(navigation: string): RelatedScope | undefined;
  /** The caller, for EqualUserId / EqualBusinessId and the like. */
  readonly caller?: { readonly userId: string; readonly businessUnitId: string };
}

export interface RelatedScope {
  readonly kind: "single" | "collection";
  readonly scope: FilterScope;
  /** The condition on this table that "some related row matches inner" means (or "none does", negated). */
  link(inner: Condition | undefined, negate: boolean): Condition;
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
        if (text[j] === '"') {
          // JSON-style "…" items, as Microsoft's Between and In examples write them.
          const end = text.indexOf('"', j + 1);
          if (end < 0) throw new QueryError("Syntax error: a PropertyValues item is not closed with '\"'.");
          current += text.slice(j, end + 1);
          j = end;
        } else if (text[j] === "'") {
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
  if (trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2) return trimmed.slice(1, -1);
  return trimmed.startsWith("'") && trimmed.endsWith("'") && trimmed.length >= 2 ? trimmed.slice(1, -1).replace(/''/g, "'") : trimmed;
}

/**
 * The parser reads URL text, but the query string is already decoded: inside
 * string literals every character outside the unreserved set (% / ? # " [ ] { } …)
 * is escaped again for it, and `literal` decodes it back.
 */
function escapeStringLiterals(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") {
      out += text[i] === "%" ? "%25" : text[i];
      i++;
      continue;
    }
    const end = endOfString(text, i);
    out += `'${[...text.slice(i + 1, end - 1)].map((ch) => (/[A-Za-z0-9 '\-._~]/.test(ch) ? ch : encodeURIComponent(ch))).join("")}'`;
    i = end;
  }
  return out;
}

export function parseFilter(text: string, scope: FilterScope): Condition {
  const lifted = liftValueLists(text);
  const escaped = escapeStringLiterals(lifted.text);
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

function findToken(token: unknown, types: readonly string[]): Token | undefined {
  if (!token || typeof token !== "object") return undefined;
  const t = token as Token;
  if (types.includes(t.type)) return t;
  const value = t.value;
  const isToken = (v: unknown) => typeof v === "object" && v !== null && "type" in v && "raw" in v;
  const children = Array.isArray(value) ? value : isToken(value) ? [value] : value && typeof value === "object" ? Object.values(value as Record<string, unknown>) : [];
  for (const child of children) {
    const found = Array.isArray(child) ? child.map((c) => findToken(c, types)).find((f) => f) : findToken(child, types);
    if (found) return found;
  }
  return undefined;
}

/** A property in a condition: its column, and how to wrap the condition when it lives on a related table. */
interface Operand {
  readonly column: ColumnRef;
  readonly wrap: (condition: Condition) => Condition;
}

class FilterWalker {
  constructor(private readonly scope: FilterScope, private readonly lists: readonly string[][], private readonly lambdaVariable?: string) {}

  condition(token: Token): Condition {
    const lambda = /^([A-Za-z_][A-Za-z0-9_]*)\/(any|all)\(/.exec(token.raw);
    if (lambda && (token.type === "FirstMemberExpression" || token.type === "MemberExpression" || token.type === "CommonExpression")) return this.lambda(token, lambda[1], lambda[2] as "any" | "all");
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

  /** `nav/any(x: …)` and `nav/all(x: …)` on a collection-valued navigation property. */
  private lambda(token: Token, navigation: string, kind: "any" | "all"): Condition {
    const related = this.scope.related?.(navigation);
    if (!related || related.kind !== "collection") throw new QueryError(`'${navigation}' is not a collection-valued navigation property, so it cannot take ${kind}().`);
    const expression = findToken(token, [kind === "any" ? "AnyExpression" : "AllExpression"]);
    const variable = findToken(expression, ["LambdaVariableExpression"]);
    const predicate = findToken(expression, ["LambdaPredicateExpression"]);
    if (!predicate) {
      if (kind === "all") throw new QueryError("all() needs a predicate.");
      return related.link(undefined, false);
    }
    const inner = new FilterWalker(related.scope, this.lists, variable?.raw).condition(predicate.value as Token);
    return kind === "any" ? related.link(inner, false) : related.link({ kind: "not", item: inner }, true);
  }

  private comparison(op: ComparisonOperator, token: Token): Condition {
    const { left, right } = token.value as { left: Token; right: Token };
    const [propertyToken, literalToken, flipped] = this.isProperty(left) ? [left, right, false] : [right, left, true];
    if (this.isProperty(left) && this.isProperty(right)) {
      // Column comparison: two columns of the same row and type,
      // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#column-comparison
      const [a, b] = [this.operand(left), this.operand(right)];
      if (a.column.alias !== b.column.alias || a.column.attribute.kind !== b.column.attribute.kind) throw new QueryError(`The comparison '${token.raw}' must compare two columns of the same row and type.`);
      return { kind: "columns", op, left: a.column, right: b.column };
    }
    if (!this.isProperty(propertyToken) || this.isProperty(literalToken)) {
      throw new QueryError(`The comparison '${token.raw}' must compare a property with a value.`);
    }
    const { column, wrap } = this.operand(propertyToken);
    const value = coerceForColumn(column.attribute, this.literal(literalToken));
    const mirrored: Record<ComparisonOperator, ComparisonOperator> = { eq: "eq", ne: "ne", gt: "lt", ge: "le", lt: "gt", le: "ge" };
    return wrap({ kind: "compare", op: flipped ? mirrored[op] : op, column, value });
  }

  private methodCall(token: Token): Condition {
    const { method, parameters } = token.value as { method: string; parameters: Token[] };
    if (method !== "contains" && method !== "startswith" && method !== "endswith") {
      throw new QueryError(`The function '${method}' is not supported in $filter.`);
    }
    if (parameters.length !== 2 || !this.isProperty(parameters[0])) {
      throw new QueryError(`'${method}' takes a property and a text value.`);
    }
    const { column, wrap } = this.operand(parameters[0]);
    if (column.attribute.kind !== "string" && column.attribute.kind !== "memo") {
      throw new QueryError(`'${method}' needs a text property, and '${column.attribute.logicalName}' is not one.`);
    }
    const value = this.literal(parameters[1]);
    if (typeof value !== "string") throw new QueryError(`'${method}' needs a text value.`);
    return wrap({ kind: "like", column, pattern: likePattern(method, value), negate: false });
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
    if (UNSUPPORTED_FUNCTIONS.has(name)) throw faults.notSupportedLocally(`the query function Microsoft.Dynamics.CRM.${name}`);
    // A lookup is named by its logical name here (PropertyName='ownerid') or as _ownerid_value.
    let column: ColumnRef;
    try {
      column = this.scope.column(property);
    } catch (error) {
      if (property.startsWith("_")) throw error;
      column = this.scope.column(`_${property}_value`);
    }
    const list = (): string[] => {
      const listToken = args.get("PropertyValues");
      const found = this.lists[listToken ? Number(this.literal(listToken)) : NaN];
      if (!found) throw new QueryError(`'${fn.raw}' needs PropertyValues=[...].`);
      return found;
    };
    const user = (): { readonly userId: string; readonly businessUnitId: string } => {
      if (!this.scope.caller) throw new QueryError(`'${name}' needs the caller, which this query has not got.`);
      return this.scope.caller;
    };
    switch (name) {
      case "Between": case "NotBetween": {
        // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/between
        const values = list();
        if (values.length !== 2) throw new QueryError(`'${name}' takes exactly two values.`);
        const [low, high] = values.map((v) => coerceForColumn(column.attribute, v));
        const inside: Condition = { kind: "and", items: [{ kind: "compare", op: "ge", column, value: low }, { kind: "compare", op: "le", column, value: high }] };
        return name === "Between" ? inside : { kind: "or", items: [{ kind: "null", column, negate: false }, { kind: "not", item: inside }] };
      }
      case "ContainValues": case "DoesNotContainValues": {
        // Choices (multi-select) hold "v1,v2": a value matches alone, first, last or between commas.
        if (column.attribute.kind !== "multiselect") throw new QueryError(`'${name}' needs a choices (multi-select) column.`);
        const any: Condition = {
          kind: "or",
          items: list().flatMap((v): Condition[] => {
            const value = String(coerceForColumn({ ...column.attribute, kind: "integer" }, v));
            return [
              { kind: "compare", op: "eq", column, value },
              { kind: "like", column, pattern: `${value},%`, negate: false },
              { kind: "like", column, pattern: `%,${value}`, negate: false },
              { kind: "like", column, pattern: `%,${value},%`, negate: false },
            ];
          }),
        };
        return name === "ContainValues" ? any : { kind: "or", items: [{ kind: "null", column, negate: false }, { kind: "not", item: any }] };
      }
      case "EqualUserId": case "EqualUserOrUserTeams": case "EqualUserTeams":
        return { kind: "compare", op: "eq", column, value: user().userId };
      case "NotEqualUserId":
        return { kind: "compare", op: "ne", column, value: user().userId };
      case "EqualBusinessId":
        return { kind: "compare", op: "eq", column, value: user().businessUnitId };
      case "NotEqualBusinessId":
        return { kind: "compare", op: "ne", column, value: user().businessUnitId };
      default:
        break;
    }

    if (name === "In" || name === "NotIn") {
      const listToken = args.get("PropertyValues");
      const index = listToken ? Number(this.literal(listToken)) : NaN;
      const list = this.lists[index];
      if (!list) throw new QueryError(`'${fn.raw}' needs PropertyValues=[...].`);
      return { kind: "in", column, values: list.map((v) => coerceForColumn(column.attribute, v)), negate: name === "NotIn" };
    }
    if (name === "Null" || name === "NotNull") return { kind: "null", column, negate: name === "NotNull" };
    const op = DATE_FUNCTIONS.get(name);
    if (!op) {
      if (DOCUMENTED_FUNCTIONS.has(name)) throw faults.notSupportedLocally(`the query function Microsoft.Dynamics.CRM.${name}`);
      throw new QueryError(`The query function 'Microsoft.Dynamics.CRM.${name}' is not supported.`);
    }
    const kind = dateOperatorValue(op);
    const valueToken = args.get("PropertyValue");
    if (kind !== "none" && !valueToken) throw new QueryError(`'Microsoft.Dynamics.CRM.${name}' needs PropertyValue.`);
    const value = valueToken ? this.literal(valueToken) : undefined;
    return { kind: "date", column, op, value: value === undefined || value === null ? undefined : String(value) };
  }

  private isProperty(token: Token): boolean {
    return token.type === "FirstMemberExpression" || token.type === "MemberExpression" || token.type === "PropertyPathExpression";
  }

  /** A property, a lambda variable's property (`g/name`) or a lookup path (`sprx_contactid/lastname`). */
  private operand(token: Token): Operand {
    let raw = token.raw;
    if (this.lambdaVariable && raw.startsWith(`${this.lambdaVariable}/`)) raw = raw.slice(this.lambdaVariable.length + 1);
    const parts = raw.split("/");
    let scope = this.scope;
    const links: RelatedScope[] = [];
    for (const navigation of parts.slice(0, -1)) {
      const related = scope.related?.(navigation);
      if (!related || related.kind !== "single") throw new QueryError(`'${navigation}' is not a single-valued navigation property, so '${token.raw}' cannot be filtered on.`);
      links.push(related);
      scope = related.scope;
    }
    return { column: scope.column(parts[parts.length - 1]), wrap: (c) => links.reduceRight((inner, related) => related.link(inner, false), c) };
  }

  private literal(token: Token): Literal {
    if (token.type !== "Literal") throw new QueryError(`'${token.raw}' is not a value.`);
    const edm = token.value as string;
    const raw = token.raw;
    switch (edm) {
      case "null": return null;
      case "Edm.Boolean": return raw.toLowerCase() === "true";
      case "Edm.String": return decodeURIComponent(raw.slice(1, -1)).replace(/''/g, "'");
      case "Edm.Guid": case "Edm.Date": case "Edm.DateTimeOffset": case "Edm.TimeOfDay": return raw;
      case "Edm.SByte": case "Edm.Byte": case "Edm.Int16": case "Edm.Int32": case "Edm.Int64": case "Edm.Decimal": case "Edm.Double": case "Edm.Single":
        return Number(raw);
      default:
        throw new QueryError(`The value '${raw}' is not supported in $filter.`);
    }
  }
}
