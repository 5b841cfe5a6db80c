/**
 * A small element tree over fast-xml-parser's ordered representation, so the
 * solution XML is built by a real XML builder (escaping, order and nesting are
 * its job) while the generators read like the documents they produce.
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser";

/** fast-xml-parser's `preserveOrder` node: `{ tag: children, ":@": attributes }` or `{ "#text": text }`. */
export type XmlNode = Record<string, unknown>;
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;
export type Child = XmlNode | readonly XmlNode[] | string | number | false | null | undefined;

function flatten(children: readonly Child[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (typeof child === "string" || typeof child === "number") out.push({ "#text": String(child) });
    else if (Array.isArray(child)) out.push(...(child as readonly XmlNode[]));
    else out.push(child as XmlNode);
  }
  return out;
}

/** An element: `el("cell", { id }, el("labels"), ...)`. Attributes that are undefined are left out. */
export function el(name: string, attributes?: Attributes | null, ...children: Child[]): XmlNode {
  const node: XmlNode = { [name]: flatten(children) };
  const attrs = Object.entries(attributes ?? {}).filter(([, v]) => v !== undefined);
  if (attrs.length > 0) node[":@"] = Object.fromEntries(attrs.map(([k, v]) => [`@_${k}`, String(v)]));
  return node;
}

/** An element holding only text: `text("MaxLength", 100)`. */
export function text(name: string, value: string | number): XmlNode {
  return el(name, null, String(value));
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** Parses an XML fragment (FetchXML, a chart description) into nodes to embed in a document. */
export function parseFragment(xml: string): XmlNode[] {
  return parser.parse(xml) as XmlNode[];
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
});

/** Serialises a document with the declaration real solution files carry. */
export function buildDocument(root: XmlNode, options: { declaration?: boolean } = {}): string {
  const body = builder.build([root]);
  const declaration = options.declaration === false ? "" : '<?xml version="1.0" encoding="utf-8"?>\n';
  return `${declaration}${body.trim()}\n`;
}

/** Serialises a fragment without a declaration (FetchXML stored in a string column). */
export function buildFragment(nodes: readonly XmlNode[]): string {
  return (builder.build(nodes)).trim();
}

/** Localised label collections the way every solution file spells them. */
export const LCID = 1033;
export const localizedNames = (description: string) => el("LocalizedNames", null, el("LocalizedName", { description, languagecode: LCID }));
export const descriptions = (description: string) => el("Descriptions", null, el("Description", { description, languagecode: LCID }));
export const displaynames = (description: string) => el("displaynames", null, el("displayname", { description, languagecode: LCID }));
export const labels = (description: string) => el("labels", null, el("label", { description, languagecode: LCID }));

/** "{guid}", as solution XML writes ids. */
export const braced = (guid: string) => `{${guid.toLowerCase()}}`;
