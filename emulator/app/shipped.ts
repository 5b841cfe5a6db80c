import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";

/**
 * The model-driven components exactly as the solution ships them: read from
 * the SolutionPackager source layout (solution/src, written by `npm run
 * generate`) — the site map, saved queries, charts, main forms, dashboards and
 * the columns' display names. The local app draws from this and nothing else,
 * so a broken form, view or chart fails here before it fails in a tenant.
 * The FetchXML, layout XML, form XML and chart data description are kept as
 * raw XML text, as Dataverse stores them.
 */

export const SOURCE_ROOT = path.resolve(__dirname, "../../solution/src");

export interface LayoutCell { readonly name: string; readonly width: number }

export interface ShippedView {
  readonly id: string;
  readonly table: string;
  readonly name: string;
  readonly description: string;
  /** 0 public, 1 advanced find, 2 associated, 4 quick find, 64 lookup. */
  readonly queryType: number;
  readonly isDefault: boolean;
  readonly fetchXml: string;
  readonly jump: string;
  readonly cells: readonly LayoutCell[];
}

export interface ShippedChart {
  readonly id: string;
  readonly table: string;
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
  /** The aggregate `<fetch>` of the data description. */
  readonly fetchXml: string;
  readonly categoryAlias: string;
  readonly measureAliases: readonly string[];
  readonly chartType: string;
}

export interface ShippedForm {
  readonly id: string;
  /** Empty for a dashboard. */
  readonly table: string;
  readonly name: string;
  readonly kind: "main" | "dashboard";
  /** The `<form>` element's inner XML. */
  readonly formXml: string;
}

export interface SiteMapSubArea { readonly id: string; readonly title: string; readonly entity?: string; readonly url?: string }
export interface SiteMapGroup { readonly id: string; readonly title: string; readonly subAreas: readonly SiteMapSubArea[] }
export interface SiteMapArea { readonly id: string; readonly title: string; readonly groups: readonly SiteMapGroup[] }

export interface ColumnLabel { readonly displayName: string; readonly required: boolean }

export interface ShippedSolution {
  readonly appUniqueName: string;
  readonly appName: string;
  readonly areas: readonly SiteMapArea[];
  readonly views: readonly ShippedView[];
  readonly charts: readonly ShippedChart[];
  readonly forms: readonly ShippedForm[];
  /** table → column → label, from each Entity.xml (solution columns only). */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, ColumnLabel>>;
  /** table → display name. */
  readonly tables: ReadonlyMap<string, string>;
}

type Node = Record<string, unknown>;

const ARRAYS = new Set(["Area", "Group", "SubArea", "Title", "attribute", "displayname", "cell", "LocalizedName", "Description", "measure", "Series", "category"]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ARRAYS.has(name),
  // Kept as text: Dataverse stores these as XML strings.
  stopNodes: ["*.fetchxml", "*.form", "*.fetchcollection"],
});

const read = (file: string): Node => parser.parse(fs.readFileSync(file, "utf8")) as Node;
const obj = (value: unknown): Node => (value && typeof value === "object" ? (value as Node) : {});
const list = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : value && typeof value === "object" ? [value as Node] : []);
const text = (value: unknown): string => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "");
const guid = (value: unknown): string => text(value).replace(/[{}]/g, "").toLowerCase();
const localized = (node: Node, container: string, element: string): string =>
  text(list(obj(node[container])[element]).find((n) => text(n["@languagecode"]) === "1033")?.["@description"]);
const title = (node: Node): string => text(list(obj(node.Titles).Title).find((t) => text(t["@LCID"]) === "1033")?.["@Title"]);

function files(folder: string): string[] {
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith(".xml")).sort().map((f) => path.join(folder, f)) : [];
}

function entityTable(entityFolder: string): string {
  const entity = obj(read(path.join(entityFolder, "Entity.xml")).Entity);
  return text(obj(entity.EntityInfo).entity ? obj(obj(entity.EntityInfo).entity)["@Name"] : "").toLowerCase() || text(obj(entity.Name)["#text"] ?? entity.Name).toLowerCase();
}

function readView(file: string, table: string): ShippedView {
  const q = obj(read(file).savedqueries);
  const sq = obj(q.savedquery);
  const grid = obj(obj(sq.layoutxml).grid);
  const cells = list(obj(grid.row).cell).map((c) => ({ name: text(c["@name"]), width: Number(text(c["@width"])) || 100 }));
  return {
    id: guid(sq.savedqueryid),
    table,
    name: localized(sq, "LocalizedNames", "LocalizedName"),
    description: localized(sq, "Descriptions", "Description"),
    queryType: Number(text(sq.querytype)),
    isDefault: text(sq.isdefault) === "1",
    fetchXml: text(sq.fetchxml).trim(),
    jump: text(grid["@jump"]),
    cells,
  };
}

function readChart(file: string, table: string): ShippedChart {
  const v = obj(obj(read(file).visualizations).visualization);
  const definition = obj(obj(v.datadescription).datadefinition);
  const category = list(obj(definition.categorycollection).category)[0] ?? {};
  const series = list(obj(obj(v.presentationdescription).Chart).Series).flatMap((s) => list(s.Series));
  return {
    id: guid(v.savedqueryvisualizationid),
    table,
    name: localized(v, "LocalizedNames", "LocalizedName"),
    description: localized(v, "Descriptions", "Description"),
    isDefault: text(v.isdefault) === "1",
    fetchXml: text(definition.fetchcollection).trim(),
    categoryAlias: text(category["@alias"]),
    measureAliases: list(obj(category.measurecollection).measure).map((m) => text(m["@alias"])),
    chartType: text(series[0]?.["@ChartType"]) || "Column",
  };
}

function readForm(file: string, table: string, kind: "main" | "dashboard"): ShippedForm {
  const root = read(file);
  const form = kind === "main" ? obj(obj(root.forms).systemform) : obj(root.Dashboard);
  const formXml = kind === "main" ? text(form.form) : text(obj(obj(form.FormXml).forms).form);
  return { id: guid(form.formid ?? form.FormId), table, name: localized(form, "LocalizedNames", "LocalizedName") || table, kind, formXml };
}

function readColumns(entityFolder: string): { table: string; displayName: string; columns: Map<string, ColumnLabel> } {
  const entity = obj(read(path.join(entityFolder, "Entity.xml")).Entity);
  const info = obj(obj(entity.EntityInfo).entity);
  const table = text(info["@Name"]).toLowerCase() || path.basename(entityFolder).toLowerCase();
  const columns = new Map<string, ColumnLabel>();
  for (const a of list(obj(info.attributes).attribute)) {
    const displayName = text(list(obj(a.displaynames).displayname).find((d) => text(d["@languagecode"]) === "1033")?.["@description"]);
    columns.set(text(a.LogicalName), { displayName, required: text(a.RequiredLevel) === "required" || text(a.RequiredLevel) === "systemrequired" });
  }
  const displayName = localized(info, "LocalizedNames", "LocalizedName") || text(obj(entity.Name)["@LocalizedName"]);
  return { table, displayName, columns };
}

/** Reads the source layout. Throws with the file's name when a file cannot be read. */
export function loadShippedSolution(root = SOURCE_ROOT): ShippedSolution {
  const views: ShippedView[] = [];
  const charts: ShippedChart[] = [];
  const forms: ShippedForm[] = [];
  const columns = new Map<string, ReadonlyMap<string, ColumnLabel>>();
  const tables = new Map<string, string>();
  for (const folderName of fs.readdirSync(path.join(root, "Entities")).sort()) {
    const folder = path.join(root, "Entities", folderName);
    const labels = readColumns(folder);
    const table = labels.table || entityTable(folder);
    columns.set(table, labels.columns);
    tables.set(table, labels.displayName);
    views.push(...files(path.join(folder, "SavedQueries")).map((f) => readView(f, table)));
    charts.push(...files(path.join(folder, "Visualizations")).map((f) => readChart(f, table)));
    forms.push(...files(path.join(folder, "FormXml", "main")).map((f) => readForm(f, table, "main")));
  }
  forms.push(...files(path.join(root, "Dashboards")).map((f) => readForm(f, "", "dashboard")));

  const siteMapFolder = path.join(root, "AppModuleSiteMaps");
  const appName = fs.readdirSync(siteMapFolder)[0] ?? "";
  const siteMap = obj(read(path.join(siteMapFolder, appName, "AppModuleSiteMap.xml")).AppModuleSiteMap);
  const areas = list(obj(siteMap.SiteMap).Area).map((area) => ({
    id: text(area["@Id"]),
    title: title(area),
    groups: list(area.Group).map((group) => ({
      id: text(group["@Id"]),
      title: title(group),
      subAreas: list(group.SubArea).map((s) => ({
        id: text(s["@Id"]),
        title: title(s),
        ...(text(s["@Entity"]) ? { entity: text(s["@Entity"]) } : {}),
        ...(text(s["@Url"]) ? { url: text(s["@Url"]) } : {}),
      })),
    })),
  }));
  return { appUniqueName: appName, appName: localized(siteMap, "LocalizedNames", "LocalizedName") || appName, areas, views, charts, forms, columns, tables };
}

let cached: ShippedSolution | undefined;
/** The shipped solution, read once per process. */
export function shippedSolution(): ShippedSolution {
  cached ??= loadShippedSolution();
  return cached;
}
