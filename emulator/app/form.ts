import type { AttributeMetadata, EntityMetadata } from "../metadata/metadata";
import { lookupValueName } from "../metadata/metadata";
import { annotationsFromPrefer, rowToJson } from "../service/payload";
import type { Store } from "../storage/database";
import { quoteIdentifier } from "../storage/database";
import { asText } from "../storage/text";
import { CONTROL_LABELS, type ControlName, HARNESS_SCRIPTS, FORM_SCRIPT, controlsBuilt } from "../shell/assets";
import { escapeHtml } from "../shell/html";
import { chartHtml, queryChart } from "./chart";
import { type UserSettings, columnLabel, formatValue, isRequired } from "./format";
import { CLASS_ID, type FormCellModel, type FormModel, FormRenderError } from "./formXml";
import { gridHtml, queryGrid } from "./grid";
import { mainUrl } from "./layout";
import type { ShippedSolution } from "./shipped";

/**
 * pagetype=entityrecord: a record drawn from its table's shipped main form.
 * Fields get the input their column type needs and carry what the save script
 * (/app/record-form.js) needs to build the Web API PATCH; read-only and
 * server-maintained columns show their formatted value; subgrids run their
 * view for this record; code components go where the form places them,
 * hosted by the same harness and script as the shell's contact page.
 */

const ALL_ANNOTATIONS = annotationsFromPrefer('odata.include-annotations="*"');
export const RECORD_SCRIPT = "/app/record-form.js";
const LOOKUP_OPTION_LIMIT = 250;
const BUILT_IN_TABLES: Readonly<Record<string, string>> = { systemuser: "User", team: "Team", businessunit: "Business Unit" };

/** Columns the platform or the webhook service maintain: never editable on a form. */
const SERVER_MAINTAINED_KINDS = new Set(["uniqueidentifier"]);
const SYSTEM_READ_ONLY = new Set(["createdon", "modifiedon", "createdby", "modifiedby", "versionnumber", "owningbusinessunit", "fullname", "statecode", "statuscode"]);

export interface RecordFormInput {
  readonly model: FormModel;
  readonly entity: EntityMetadata;
  readonly id: string;
  readonly appId?: string;
  readonly user: UserSettings;
  readonly now: Date;
  readonly controlsDirectory?: string;
}

function lookupOptions(store: Store, attribute: AttributeMetadata): { id: string; name: string; table: string }[] {
  const table = (attribute.targets ?? []).find((t) => store.metadata.entity(t)?.primaryNameAttribute) ?? "";
  const target = store.metadata.entity(table);
  if (!target?.primaryNameAttribute) return [];
  return store
    .select(`SELECT ${quoteIdentifier(target.primaryIdAttribute)} AS id, ${quoteIdentifier(target.primaryNameAttribute)} AS name FROM ${quoteIdentifier(target.logicalName)} ORDER BY 2 LIMIT ?`, [LOOKUP_OPTION_LIMIT])
    .map((r) => ({ id: asText(r.id), name: asText(r.name), table }));
}

function fieldHtml(store: Store, solution: ShippedSolution, input: RecordFormInput, cell: Extract<FormCellModel, { kind: "field" }>, record: Record<string, unknown>): string {
  const attribute = input.entity.attributes.get(cell.column) as AttributeMetadata;
  const id = `f-${cell.column}`;
  const text = cell.label || columnLabel(solution, input.entity.logicalName, cell.column);
  const required = isRequired(solution, input.entity.logicalName, cell.column) && !SYSTEM_READ_ONLY.has(cell.column);
  const labelHtml = `<label for="${id}"${cell.showLabel ? "" : ' class="visually-hidden"'}>${escapeHtml(text)}${required ? '<span class="required" aria-hidden="true"> *</span>' : ""}</label>`;
  const key = attribute.kind === "lookup" ? lookupValueName(cell.column) : cell.column;
  const value = record[key];
  const readOnly = cell.disabled || SERVER_MAINTAINED_KINDS.has(attribute.kind) || SYSTEM_READ_ONLY.has(cell.column) || attribute.kind === "state" || attribute.kind === "status";
  if (readOnly) {
    return `<div class="field read-only">${labelHtml}<input id="${id}" type="text" readonly value="${escapeHtml(formatValue(attribute, record, key, input.user))}"></div>`;
  }
  const common = `id="${id}" form="record-form" data-field="${escapeHtml(cell.column)}" data-kind="${attribute.kind}"${required ? " required" : ""}`;
  const raw = value === null || value === undefined ? "" : asText(value);
  let control: string;
  switch (attribute.kind) {
    case "memo":
      control = `<textarea ${common} rows="3" maxlength="${attribute.maxLength ?? 2000}" data-initial="${escapeHtml(raw)}">${escapeHtml(raw)}</textarea>`;
      break;
    case "integer": case "bigint": case "decimal":
      control = `<input ${common} type="number" inputmode="${attribute.kind === "decimal" ? "decimal" : "numeric"}" step="${attribute.kind === "decimal" ? "any" : "1"}"${attribute.min !== undefined ? ` min="${attribute.min}"` : ""}${attribute.max !== undefined ? ` max="${attribute.max}"` : ""} value="${escapeHtml(raw)}" data-initial="${escapeHtml(raw)}">`;
      break;
    case "boolean":
      control = `<input ${common} type="checkbox"${value === true ? " checked" : ""} data-initial="${value === true ? "true" : "false"}">`;
      break;
    // Dates are typed and shown in the user's format (dd/MM/yyyy for en-GB), whatever the browser's own locale,
    // as the model-driven date control does; the save script turns them back into ISO values.
    case "date": {
      const shown = formatValue(attribute, record, key, input.user);
      control = `<input ${common} type="text" inputmode="numeric" autocomplete="off" value="${escapeHtml(shown)}" data-initial="${escapeHtml(shown)}" aria-describedby="${id}-format"><span class="hint" id="${id}-format">Format: dd/mm/yyyy</span>`;
      break;
    }
    case "datetime": {
      const shown = formatValue(attribute, record, key, input.user);
      control = `<input ${common} type="text" inputmode="numeric" autocomplete="off" value="${escapeHtml(shown)}" data-initial="${escapeHtml(shown)}" data-time-zone="${escapeHtml(input.user.timeZone)}" aria-describedby="${id}-format"><span class="hint" id="${id}-format">Format: dd/mm/yyyy hh:mm (UK time)</span>`;
      break;
    }
    case "picklist": {
      const options = (attribute.options ?? []).map((o) => `<option value="${o.value}"${String(o.value) === raw ? " selected" : ""}>${escapeHtml(o.label)}</option>`).join("");
      control = `<select ${common} data-initial="${escapeHtml(raw)}"><option value="">--Select--</option>${options}</select>`;
      break;
    }
    case "multiselect": {
      const chosen = new Set(raw.split(",").filter(Boolean));
      const boxes = (attribute.options ?? []).map((o) => `<label class="choice"><input type="checkbox" form="record-form" data-option-of="${escapeHtml(cell.column)}" value="${o.value}"${chosen.has(String(o.value)) ? " checked" : ""}> ${escapeHtml(o.label)}</label>`).join("");
      return `<fieldset class="field multiselect" id="${id}" data-field="${escapeHtml(cell.column)}" data-kind="multiselect" data-initial="${escapeHtml([...chosen].sort().join(","))}"><legend>${escapeHtml(text)}${required ? '<span class="required" aria-hidden="true"> *</span>' : ""}</legend>${boxes}</fieldset>`;
    }
    case "lookup": {
      const options = lookupOptions(store, attribute);
      const target = options[0]?.table ?? attribute.targets?.[0] ?? "";
      const targetEntity = store.metadata.entity(target);
      const navigation = [...input.entity.lookupNavigations.values()].find((n) => n.lookup === cell.column && n.target === target)?.name ?? cell.column;
      const name = asText(record[`${key}@OData.Community.Display.V1.FormattedValue`]);
      const listId = `${id}-options`;
      const datalist = `<datalist id="${listId}">${options.map((o) => `<option value="${escapeHtml(o.name)}" data-id="${escapeHtml(o.id)}"></option>`).join("")}</datalist>`;
      control = `<input ${common} type="text" list="${listId}" autocomplete="off" value="${escapeHtml(name)}" data-initial="${escapeHtml(raw)}" data-initial-name="${escapeHtml(name)}" data-navigation="${escapeHtml(navigation)}" data-target-set="${escapeHtml(targetEntity?.entitySetName ?? "")}" aria-describedby="${id}-hint"><span class="hint" id="${id}-hint">Type to search ${escapeHtml(solution.tables.get(target) ?? BUILT_IN_TABLES[target] ?? target)} records.</span>${datalist}`;
      break;
    }
    default: {
      const type = cell.classId === CLASS_ID.email ? "email" : "text";
      control = `<input ${common} type="${type}"${attribute.maxLength ? ` maxlength="${attribute.maxLength}"` : ""} value="${escapeHtml(raw)}" data-initial="${escapeHtml(raw)}"${type === "email" ? ' autocomplete="email"' : ""}>`;
    }
  }
  return `<div class="field">${labelHtml}${control}</div>`;
}

function subgridHtml(store: Store, solution: ShippedSolution, input: RecordFormInput, cell: Extract<FormCellModel, { kind: "subgrid" }>): string {
  const view = solution.views.find((v) => v.id === cell.viewId);
  if (!view) throw new FormRenderError(`The grid "${cell.id}" shows a view the solution does not ship.`);
  const nav = cell.relationship ? input.entity.collectionNavigations.get(cell.relationship) : undefined;
  const data = queryGrid(store, solution, view, { pageSize: cell.recordsPerPage, ...(nav ? { parent: { lookup: nav.lookup, id: input.id } } : {}) }, input.user, input.now);
  const all = `<p class="subgrid-more"><a href="${escapeHtml(mainUrl({ appid: input.appId, pagetype: "entitylist", etn: view.table, viewid: view.id }))}">Open the view “${escapeHtml(view.name)}”</a></p>`;
  // The table's caption names the grid; the section heading above usually says the same.
  return `<div class="subgrid">${gridHtml(data, input.user, { caption: cell.label, appId: input.appId, request: {} })}${data.total > data.rows.length ? all : ""}</div>`;
}

const controlSectionId = (control: string) => `sprx-section-${control}`;
const controlOf = (cell: FormCellModel): ControlName | undefined => (cell.kind === "control" && cell.control in CONTROL_LABELS ? (cell.control as ControlName) : undefined);

function cellHtml(store: Store, solution: ShippedSolution, input: RecordFormInput, cell: FormCellModel, record: Record<string, unknown>): string {
  switch (cell.kind) {
    case "field": return fieldHtml(store, solution, input, cell, record);
    case "subgrid":
      if (cell.mode === "Chart" && cell.chartId) {
        const chart = solution.charts.find((c) => c.id === cell.chartId);
        return chart ? chartHtml(queryChart(store, solution, chart, input.user, input.now), `chart-${cell.id}`) : "";
      }
      return subgridHtml(store, solution, input, cell);
    case "control": {
      const name = cell.control as ControlName;
      const labelText = CONTROL_LABELS[name] ?? cell.label;
      return `<div class="control-host" data-control="${escapeHtml(cell.control)}" data-label="${escapeHtml(labelText)}"></div>`;
    }
  }
}

export function recordFormBody(store: Store, solution: ShippedSolution, input: RecordFormInput): { title: string; body: string; scripts: string[]; denied?: boolean } {
  const stored = store.get(input.entity, input.id);
  // A record beyond the acting user's read access is refused, as the Web API refuses it (403).
  const access = input.user.access;
  if (!stored) return { title: "", body: "", scripts: [] };
  if (access?.canRead && !access.canRead(input.entity, stored)) return { title: "", body: "", scripts: [], denied: true };
  const row = access?.mask ? access.mask(input.entity, stored) : stored;
  const record = rowToJson(store, input.entity, row, { annotations: ALL_ANNOTATIONS });
  const primary = input.entity.primaryNameAttribute;
  const name = (primary && asText(record[primary])) || solution.tables.get(input.entity.logicalName) || input.entity.logicalName;
  const hasControls = input.model.tabs.some((t) => t.sections.some((s) => s.cells.some((c) => c.kind === "control")));
  const built = hasControls && controlsBuilt(input.controlsDirectory);
  const tabs = input.model.tabs.map((tab) => {
    const sections = tab.sections.map((section) => {
      const isControl = section.cells.length > 0 && section.cells.every((c) => c.kind === "control");
      const inner = isControl && !built
        ? `<p role="status">This section holds a code component that is not built yet. Run <code>npm run build</code>, then reload this page.</p>`
        : section.cells.map((c) => cellHtml(store, solution, input, c, record)).join("");
      const headingId = `s-${section.name}`;
      const control = isControl && built && section.cells.length === 1 ? controlOf(section.cells[0]) : undefined;
      if (control) {
        // A code component's section shows the control's own title and takes the focus from the form's jump links.
        return `<div class="form-section" id="${controlSectionId(control)}" tabindex="-1">\n<h3 class="section-title">${escapeHtml(CONTROL_LABELS[control] ?? control)}</h3><div class="fields">${inner}</div></div>`;
      }
      const heading = section.showLabel && !isControl ? `<h3 id="${headingId}">${escapeHtml(section.label)}</h3>` : "";
      return `<div class="form-section${section.columns > 1 ? " two-columns" : ""}"${heading ? ` role="group" aria-labelledby="${headingId}"` : ""}>${heading}<div class="fields">${inner}</div></div>`;
    }).join("\n");
    return `<section class="form-tab" id="tab-${escapeHtml(tab.name)}" aria-labelledby="tab-${escapeHtml(tab.name)}-h"><h2 class="tab-title" id="tab-${escapeHtml(tab.name)}-h">${escapeHtml(tab.label)}</h2><div class="form-sections">${sections}</div></section>`;
  }).join("\n");
  const tabNav = input.model.tabs.length > 1
    ? `<nav class="form-tabs" aria-label="Tabs">${input.model.tabs.map((t) => `<a href="#tab-${escapeHtml(t.name)}">${escapeHtml(t.label)}</a>`).join("")}</nav>`
    : "";
  const header = `<div class="form-header"><div><p class="entity">${escapeHtml(solution.tables.get(input.entity.logicalName) ?? input.entity.logicalName)} · ${escapeHtml(input.model.form.name)}</p><h1>${escapeHtml(name)}</h1></div>
<form id="record-form" class="record-commands" data-entity-set="${escapeHtml(input.entity.entitySetName)}" data-id="${escapeHtml(input.id)}" data-etag="${escapeHtml(asText(record["@odata.etag"]))}" data-caller-id="${escapeHtml(input.user.userId)}"><button type="submit">Save</button><span class="save-status" role="status"></span></form></div>`;
  const dialog = `<dialog id="save-error" aria-labelledby="save-error-title"><h2 id="save-error-title">Business Process Error</h2><p id="save-error-message"></p><form method="dialog"><button type="submit">OK</button></form></dialog>`;
  const contactId = input.entity.logicalName === "contact" ? input.id : "";
  // A link to each control near the top: a keyboard user reaches the closure checklist without tabbing through the others.
  const controls = built ? input.model.tabs.flatMap((t) => t.sections.flatMap((s) => (s.cells.length === 1 ? [controlOf(s.cells[0])] : []))).filter((c): c is ControlName => c !== undefined) : [];
  const jump = controls.length > 0
    ? `<nav aria-label="On this form" class="form-jump"><ul>${controls.map((c) => `<li><a href="#${controlSectionId(c)}">${escapeHtml(CONTROL_LABELS[c] ?? c)}</a></li>`).join("")}</ul></nav>`
    : "";
  // The controls act as the app's user: who ticks a check, and whether they may supervise (reopen, approve).
  const user = `data-user-id="${escapeHtml(input.user.userId)}" data-user-name="${escapeHtml(input.user.name ?? "")}" data-supervisor="${String(input.user.supervisor === true)}"`;
  const wrapper = built ? `${jump}<div id="sprx-form" data-contact-id="${escapeHtml(contactId)}" ${user}>${tabs}</div>` : `<div>${tabs}</div>`;
  const scripts = [...(built ? [...HARNESS_SCRIPTS, FORM_SCRIPT] : []), RECORD_SCRIPT];
  return { title: name, body: `${header}\n${tabNav}\n${wrapper}\n${dialog}`, scripts };
}
