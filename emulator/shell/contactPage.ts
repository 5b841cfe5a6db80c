import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml, page, table } from "./html";
import { asText } from "../storage/text";

/**
 * The contact form. The three controls (tracker, guidance, checklist) are
 * mounted here from out/controls once `npm run build` has produced them;
 * until then the page says so plainly and shows the record itself.
 */

export interface ContactPageInput {
  readonly contact: Record<string, unknown>;
  readonly engagements: readonly Record<string, unknown>[];
  /** Folder the controls are built into (out/controls). */
  readonly controlsDirectory?: string;
}

export const CONTROL_NAMES = ["AppointmentTracker", "StageGuidance", "ClosureChecklist"] as const;

export function builtControls(controlsDirectory: string | undefined): string[] {
  if (!controlsDirectory) return [];
  return CONTROL_NAMES.filter((name) => fs.existsSync(path.join(controlsDirectory, name, "bundle.js")));
}

const formatted = (row: Record<string, unknown>, name: string): string =>
  escapeHtml(row[`${name}@OData.Community.Display.V1.FormattedValue`] ?? row[name] ?? "");

export function contactPage(input: ContactPageInput): string {
  const { contact, engagements } = input;
  const name = asText(contact.fullname) || "Contact";
  const details = `<dl>
<dt>Email</dt><dd>${escapeHtml(contact.emailaddress1 ?? "—")}</dd>
<dt>Phone</dt><dd>${escapeHtml(contact.telephone1 ?? "—")}</dd>
</dl>`;
  const rows = engagements.map((e) => [
    escapeHtml(e.sprx_name), formatted(e, "sprx_stage"), formatted(e, "sprx_sessionsattended"),
    formatted(e, "sprx_nextsessionon"), formatted(e, "statuscode"), formatted(e, "sprx_closurereason"),
  ]);
  const built = builtControls(input.controlsDirectory);
  const controls = built.length === CONTROL_NAMES.length
    ? `<section aria-label="Controls"><p>The controls are built; they are mounted by the control host.</p></section>`
    : `<section aria-labelledby="controls-heading"><h2 id="controls-heading">Controls</h2>
<p role="status">The six-appointment tracker, stage guidance and closure checklist are not built yet. Run <code>npm run build</code>, then reload this page.</p></section>`;
  return page(name, `${details}
${table("Engagements", ["Reference", "Stage", "Sessions attended", "Next session", "Status", "Closure reason"], rows)}
${controls}`);
}
