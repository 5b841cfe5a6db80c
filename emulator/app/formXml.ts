import { XMLParser } from "fast-xml-parser";
import type { Metadata } from "../metadata/metadata";
import { asText } from "../storage/text";
import type { ShippedForm, ShippedSolution } from "./shipped";

/**
 * A main form's or dashboard's FormXml read into tabs, sections and cells
 * (https://learn.microsoft.com/en-us/power-apps/developer/model-driven-apps/form-xml-schema),
 * checked against the table's metadata before anything is drawn: a field the
 * table does not have, a subgrid's unknown view or relationship, or a chart
 * that is not shipped fails the render with a message naming it.
 */

/** The shipped XML (a form, dashboard or view) names something that does not exist: the page says what. */
export class FormRenderError extends Error {}

/** Control class ids of the form XML (the built-in controls a cell can hold). */
export const CLASS_ID = {
  subgrid: "e7a81278-8635-4d9e-8d4d-59480b391c5b",
  email: "ada2203e-b4cd-49be-9ddf-234642b43b52",
} as const;

export type FormCellModel =
  | { readonly kind: "field"; readonly id: string; readonly label: string; readonly showLabel: boolean; readonly column: string; readonly disabled: boolean; readonly classId: string }
  | { readonly kind: "control"; readonly id: string; readonly label: string; readonly control: string; readonly column: string }
  | { readonly kind: "subgrid"; readonly id: string; readonly label: string; readonly showLabel: boolean; readonly table: string; readonly viewId: string; readonly relationship?: string; readonly chartId?: string; readonly mode: "Grid" | "Chart"; readonly recordsPerPage: number };

export interface FormSectionModel { readonly name: string; readonly label: string; readonly showLabel: boolean; readonly columns: number; readonly cells: readonly FormCellModel[] }
export interface FormTabModel { readonly name: string; readonly label: string; readonly sections: readonly FormSectionModel[] }
export interface FormModel { readonly form: ShippedForm; readonly tabs: readonly FormTabModel[] }

type Node = Record<string, unknown>;
const ARRAYS = new Set(["tab", "column", "section", "row", "cell", "label", "controlDescription", "customControl"]);
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, parseAttributeValue: false, isArray: (n) => ARRAYS.has(n) });
const obj = (v: unknown): Node => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : {});
const list = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : []);
const label = (node: Node): string => asText(list(obj(node.labels).label).find((l) => asText(l["@languagecode"]) === "1033")?.["@description"]);
const guid = (v: unknown): string => asText(v).replace(/[{}]/g, "").toLowerCase();

/** uniqueid of a control → the code component the form description places there (the part after the namespace). */
function codeComponents(form: Node): Map<string, string> {
  const found = new Map<string, string>();
  for (const description of list(obj(form.controlDescriptions).controlDescription)) {
    const named = list(description.customControl).find((c) => asText(c["@name"]));
    if (named) found.set(guid(description["@forControl"]), asText(named["@name"]).split(".").pop() ?? "");
  }
  return found;
}

export function readFormXml(form: ShippedForm, metadata: Metadata, solution: ShippedSolution): FormModel {
  let root: Node;
  try {
    root = obj((parser.parse(`<form>${form.formXml}</form>`) as Node).form);
  } catch (error) {
    throw new FormRenderError(`The form "${form.name}" has XML that cannot be read: ${(error as Error).message.split("\n")[0]}`);
  }
  const entity = form.table ? metadata.entity(form.table) : undefined;
  if (form.table && !entity) throw new FormRenderError(`The form "${form.name}" is for the table "${form.table}", which does not exist.`);
  const components = codeComponents(root);
  const tabs = list(obj(root.tabs).tab).map((tab): FormTabModel => ({
    name: asText(tab["@name"]),
    label: label(tab),
    sections: list(obj(tab.columns).column).flatMap((column) => list(obj(column.sections).section)).map((section): FormSectionModel => ({
      name: asText(section["@name"]),
      label: label(section),
      showLabel: asText(section["@showlabel"]) !== "false",
      columns: Math.max(1, asText(section["@columns"]).length),
      cells: list(obj(section.rows).row).flatMap((row) => list(row.cell)).flatMap((cell): FormCellModel[] => {
        const control = obj(cell.control);
        if (!Object.keys(control).length) return [];
        const id = asText(control["@id"]);
        const classId = guid(control["@classid"]);
        const cellLabel = label(cell);
        const showLabel = asText(cell["@showlabel"]) !== "false";
        const params = obj(control.parameters);
        if (classId === CLASS_ID.subgrid) {
          const table = asText(params.TargetEntityType);
          const viewId = guid(params.ViewId);
          const chartId = guid(params.VisualizationId) || undefined;
          if (!metadata.entity(table)) throw new FormRenderError(`The form "${form.name}" has a grid "${id}" on the table "${table}", which does not exist.`);
          if (!solution.views.some((v) => v.id === viewId)) throw new FormRenderError(`The form "${form.name}" has a grid "${id}" showing the view ${viewId}, which the solution does not ship.`);
          if (chartId && !solution.charts.some((c) => c.id === chartId)) throw new FormRenderError(`The form "${form.name}" has a chart "${id}" (${chartId}) that the solution does not ship.`);
          const relationship = asText(params.RelationshipName) || undefined;
          if (relationship && entity && !entity.collectionNavigations.has(relationship)) throw new FormRenderError(`The form "${form.name}" has a grid "${id}" through the relationship "${relationship}", which the table "${form.table}" does not have.`);
          return [{ kind: "subgrid", id, label: cellLabel, showLabel, table, viewId, relationship, chartId, mode: asText(params.ChartGridMode) === "Chart" ? "Chart" : "Grid", recordsPerPage: Number(asText(params.RecordsPerPage)) || 10 }];
        }
        const column = asText(control["@datafieldname"]);
        if (!entity || !column) throw new FormRenderError(`The form "${form.name}" has a control "${id}" with no field to show.`);
        if (!entity.attributes.has(column)) throw new FormRenderError(`The form "${form.name}" places the field "${column}", which the table "${form.table}" does not have.`);
        const component = components.get(guid(control["@uniqueid"]));
        if (component) return [{ kind: "control", id, label: cellLabel, control: component, column }];
        return [{ kind: "field", id, label: cellLabel, showLabel, column, disabled: asText(control["@disabled"]) === "true", classId }];
      }),
    })),
  }));
  return { form, tabs };
}
