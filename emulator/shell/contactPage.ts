import { CONTROL_LABELS, CONTROL_NAMES, FORM_SCRIPT, HARNESS_SCRIPTS, controlsBuilt } from "./assets";
import { escapeHtml, page, table } from "./html";
import { asText } from "../storage/text";

/**
 * The contact form, as a model-driven app lays it out: the record header with
 * the person's name, then the "Social prescribing" tab whose sections hold the
 * six-appointment tracker, the stage guidance panel and the closure checklist,
 * mounted from out/controls by the harness. Until `npm run build` has produced
 * them the page says so plainly and shows the record itself.
 */

export interface ContactPageInput {
  readonly contact: Record<string, unknown>;
  readonly engagements: readonly Record<string, unknown>[];
  /** Folder the controls are built into (out/controls); the harness is built beside it. */
  readonly controlsDirectory?: string;
}

const formatted = (row: Record<string, unknown>, name: string): string =>
  escapeHtml(row[`${name}@OData.Community.Display.V1.FormattedValue`] ?? row[name] ?? "");

function recordHeader(contact: Record<string, unknown>, name: string): string {
  const field = (label: string, value: unknown) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(asText(value) || "—")}</dd></div>`;
  return `<div class="form-header">
<div><p class="entity">Contact</p><h1>${escapeHtml(name)}</h1></div>
<dl class="header-fields">${field("Email", contact.emailaddress1)}${field("Phone", contact.telephone1)}</dl>
</div>`;
}

const sectionId = (control: string) => `sprx-section-${control}`;

/**
 * The tab: a link to each control near the top (a keyboard user reaches the
 * closure checklist in a few key presses instead of tabbing through the two
 * controls before it), then one section per control with its own title, as
 * a model-driven form shows section labels. A section takes the focus when
 * its link is followed (tabindex -1: reachable by the link, not a tab stop).
 */
function socialPrescribingTab(contactId: string): string {
  const links = CONTROL_NAMES.map((control) => `<li><a href="#${sectionId(control)}">${escapeHtml(CONTROL_LABELS[control])}</a></li>`).join("");
  const sections = CONTROL_NAMES.map(
    (control) => `<div class="form-section" id="${sectionId(control)}" tabindex="-1">
<h3 class="section-title">${escapeHtml(CONTROL_LABELS[control])}</h3>
<div class="control-host" data-control="${control}" data-label="${escapeHtml(CONTROL_LABELS[control])}"></div></div>`,
  ).join("\n");
  return `<h2 class="tab-title">Social prescribing</h2>
<nav aria-label="On this form" class="form-jump"><ul>${links}</ul></nav>
<div class="form-sections" id="sprx-form" data-contact-id="${escapeHtml(contactId)}">
${sections}
</div>`;
}

function notBuilt(engagements: readonly Record<string, unknown>[]): string {
  const rows = engagements.map((e) => [
    escapeHtml(e.sprx_name), formatted(e, "sprx_stage"), formatted(e, "sprx_sessionsattended"),
    formatted(e, "sprx_nextsessionon"), formatted(e, "statuscode"), formatted(e, "sprx_closurereason"),
  ]);
  return `${table("Engagements", ["Reference", "Stage", "Sessions attended", "Next session", "Status", "Closure reason"], rows)}
<section aria-labelledby="controls-heading"><h2 id="controls-heading">Controls</h2>
<p role="status">The six-appointment tracker, stage guidance and closure checklist are not built yet. Run <code>npm run build</code>, then reload this page.</p></section>`;
}

export function contactPage(input: ContactPageInput): string {
  const { contact } = input;
  const name = asText(contact.fullname) || "Contact";
  const header = recordHeader(contact, name);
  if (!controlsBuilt(input.controlsDirectory)) return page(name, `${header}\n${notBuilt(input.engagements)}`, { heading: false });
  return page(name, `${header}\n${socialPrescribingTab(asText(contact.contactid))}`, { heading: false, scripts: [...HARNESS_SCRIPTS, FORM_SCRIPT] });
}
