/**
 * The SolutionPackager source layout under solution/src/: the same
 * components as the zip, one per file, so a team with the pac CLI can
 * `pac solution pack --folder solution/src` (or `dotnet build` the cdsproj)
 * and get the solution this generator builds.
 */
import { flowFileName } from "../flows";
import { schema } from "../schema/schema";
import { buildDocument, el, type XmlNode } from "../xml";
import type { ControlInfo } from "./controls";
import { componentFiles, solutionManifestXml } from "./components";
import { customControlXml, customizationsParts, customizationsXml, declarationsWith, entitySchemaName, solutionRelationships, relationshipXml } from "./customizations";

export const SOURCE_ROOT = "solution/src";

/** A control's folder in the source layout (and in the zip), relative to solution/src. */
export const controlFolder = (control: ControlInfo) => `Controls/${control.fullName}`;

/** Files under solution/src that `npm run build` copies in (git ignores them): all of a control folder but its .data.xml. */
export function isStagedBuildOutput(fileUnderSourceRoot: string): boolean {
  return /^Controls\/[^/]+\/.+/.test(fileUnderSourceRoot) && !fileUnderSourceRoot.endsWith(".data.xml");
}

/** The element with the xsi namespace declaration SolutionPackager's files carry. */
const withXsi = (node: XmlNode): XmlNode => ({ ...node, ":@": { ...(node[":@"] as object | undefined), "@_xmlns:xsi": XSI["xmlns:xsi"] } });

const XSI = { "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" };
const doc = (node: XmlNode) => buildDocument(node);
const bare = (node: XmlNode) => buildDocument(node, { declaration: false });

/** Files of the source layout keyed by path relative to solution/src. */
export function sourceLayout(controls: readonly ControlInfo[], version: string = schema.solution.version): Map<string, string> {
  const parts = customizationsParts(declarationsWith(controls));
  const files = new Map<string, string>();
  files.set("Other/Solution.xml", solutionManifestXml({ version, managed: false }, controls));
  files.set("Other/Customizations.xml", doc(customizationsXml(parts, { split: true })));

  const relationships = solutionRelationships();
  files.set("Other/Relationships.xml", doc(el("EntityRelationships", XSI, ...relationships.map((r) => el("EntityRelationship", { Name: r.name })))));
  for (const table of [...new Set(relationships.map((r) => r.referencingTable))]) {
    const own = relationships.filter((r) => r.referencingTable === table);
    files.set(`Other/Relationships/${entitySchemaName(table)}.xml`, doc(el("EntityRelationships", XSI, ...own.map(relationshipXml))));
  }

  for (const entity of parts.entities) {
    const folder = `Entities/${entity.schemaName}`;
    files.set(`${folder}/Entity.xml`, doc(el("Entity", XSI,
      el("Name", { LocalizedName: entity.displayName, OriginalName: entity.displayName }, entity.schemaName),
      entity.info)));
    for (const { form, xml } of entity.forms) files.set(`${folder}/FormXml/${form.type ?? "main"}/{${form.formId}}.xml`, doc(el("forms", XSI, xml)));
    for (const { id, xml } of entity.views) files.set(`${folder}/SavedQueries/{${id}}.xml`, doc(el("savedqueries", XSI, xml)));
    for (const { id, xml } of entity.charts) files.set(`${folder}/Visualizations/{${id}}.xml`, doc(el("visualizations", XSI, xml)));
    files.set(`${folder}/RibbonDiff.xml`, doc(el("RibbonDiffXml", XSI,
      el("CustomActions"),
      el("Templates", null, el("RibbonTemplates", { Id: "Mscrm.Templates" })),
      el("CommandDefinitions"),
      el("RuleDefinitions", null, el("TabDisplayRules"), el("DisplayRules"), el("EnableRules")),
      el("LocLabels"))));
  }
  for (const { choice, xml } of parts.optionSets) files.set(`OptionSets/${choice.name}.xml`, doc(xml));
  for (const { role, xml } of parts.roles) files.set(`Roles/${role.name}.xml`, doc(xml));
  for (const { app, xml } of parts.appModules) files.set(`AppModules/${app.uniqueName}/AppModule.xml`, doc(xml));
  for (const { dashboard, xml } of parts.dashboards) files.set(`Dashboards/{${dashboard.formId}}.xml`, doc(xml));
  for (const { app, xml } of parts.siteMaps) files.set(`AppModuleSiteMaps/${app.uniqueName}/AppModuleSiteMap.xml`, doc(xml));

  // SolutionPackager keeps each control's CustomControl element beside its built files; `npm run build`
  // copies those (bundle.js, ControlManifest.xml, strings/) in, and git ignores them:
  // https://learn.microsoft.com/power-apps/developer/component-framework/code-components-alm#using-solution-packager-with-code-components
  for (const control of controls) files.set(`${controlFolder(control)}/ControlManifest.xml.data.xml`, doc(withXsi(customControlXml(control))));

  const components = componentFiles();
  for (const [file, content] of components) files.set(file, content);
  // SolutionPackager keeps each flow's Workflow element beside its definition.
  for (const { flow, xml } of parts.workflows) files.set(`${flowFileName(flow)}.data.xml`, bare(xml));
  return files;
}
