import { QueryError, isGuid } from "../query/conditions";

/**
 * A Web API resource path, split into its segments:
 * `sprx_closurechecks(sprx_engagementid=…,sprx_item=727000000)/sprx_note`,
 * `contacts(<id>)/sprx_contact_sprx_engagement/$ref`, `contacts/$count`.
 * A key is a GUID or `name=value` pairs (an alternate key); values keep their
 * OData literal form ('text' with '' for a quote, numbers, GUIDs).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-entity-using-web-api#retrieve-using-an-alternate-key
 */

export type KeyText = { readonly kind: "id"; readonly id: string } | { readonly kind: "alternate"; readonly values: ReadonlyMap<string, string> };

export interface Segment {
  readonly name: string;
  readonly key?: KeyText;
  /** Parentheses after a name with nothing in them: `WhoAmI()`. */
  readonly call?: boolean;
}

export function parseKey(text: string): KeyText {
  const trimmed = text.trim();
  if (isGuid(trimmed)) return { kind: "id", id: trimmed.toLowerCase() };
  const values = new Map<string, string>();
  let i = 0;
  while (i < trimmed.length) {
    const eq = trimmed.indexOf("=", i);
    if (eq < 0) throw new QueryError(`The key '${trimmed}' is neither an id nor name=value pairs.`);
    const name = trimmed.slice(i, eq).trim();
    let j = eq + 1;
    let value: string;
    if (trimmed[j] === "'") {
      let k = j + 1;
      let out = "";
      for (; k < trimmed.length; k++) {
        if (trimmed[k] === "'") {
          if (trimmed[k + 1] === "'") { out += "'"; k++; continue; }
          break;
        }
        out += trimmed[k];
      }
      if (k >= trimmed.length) throw new QueryError(`The key value for '${name}' is not closed with a quote.`);
      value = out;
      j = k + 1;
    } else {
      const comma = trimmed.indexOf(",", j);
      value = trimmed.slice(j, comma < 0 ? undefined : comma).trim();
      j = comma < 0 ? trimmed.length : comma;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new QueryError(`'${name}' is not a valid key property name.`);
    values.set(name, value);
    while (j < trimmed.length && trimmed[j] === " ") j++;
    if (j < trimmed.length && trimmed[j] !== ",") throw new QueryError(`Syntax error in the key '${trimmed}'.`);
    i = j + 1;
  }
  if (values.size === 0) throw new QueryError(`The key '${trimmed}' is empty.`);
  return { kind: "alternate", values };
}

/** Splits on '/' outside parentheses and quotes, then reads `name(key)` from each part. */
export function parsePath(path: string): Segment[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of path) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === "(") depth++;
    if (!quoted && ch === ")") depth--;
    if (!quoted && depth === 0 && ch === "/") {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((part) => {
    const open = part.indexOf("(");
    if (open < 0) return { name: part };
    if (!part.endsWith(")")) throw new QueryError(`Syntax error in the resource path segment '${part}'.`);
    const name = part.slice(0, open);
    const inner = part.slice(open + 1, -1);
    if (inner.trim() === "") return { name, call: true };
    return { name, key: parseKey(inner) };
  });
}
