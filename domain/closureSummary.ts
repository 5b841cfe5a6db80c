import { closureReasonLabel } from "./guidance";
import type { ClosureReason, SessionMode, Attendance } from "./vocabulary";
import type { ConnectionStatus } from "./community";
import { type WellbeingScore, wellbeingChange } from "./wellbeing";

/**
 * The message back to the GP and referrer when an engagement closes, in the
 * sections the PRSB Social Prescribing Information Standard gives it. Plain
 * text for email bodies and letters; simple, escaped HTML for mail clients.
 */
export interface ClosureSummaryInput {
  readonly personName: string;
  readonly referralDate?: string;
  readonly referralReason: string;
  readonly whatMatters: readonly string[];
  readonly contacts: readonly { readonly day: string; readonly mode?: SessionMode; readonly attendance: Attendance }[];
  readonly supportArranged: readonly { readonly description: string; readonly helped: boolean | null }[];
  /** Community services the person was connected to (PRSB signposts and onward referrals). */
  readonly connections?: readonly SummaryConnection[];
  readonly wellbeing: readonly { readonly label: string; readonly baseline?: WellbeingScore; readonly closing?: WellbeingScore }[];
  readonly closureReason: ClosureReason;
  readonly closedOn: string;
  readonly nextSteps: string;
  readonly gpAction: { readonly required: boolean; readonly detail?: string };
}

export interface SummaryConnection {
  readonly service: string;
  readonly category?: string;
  readonly status: ConnectionStatus;
  readonly referredOn?: string | null;
  readonly attendedOn?: string | null;
  readonly reason?: string | null;
}

/** One line per connection that was arranged, and whether it took; suggestions never made are left out. */
export function connectionLines(connections: readonly SummaryConnection[]): { arranged: string[]; didNotHelp: string[] } {
  const arranged: string[] = [];
  const didNotHelp: string[] = [];
  for (const c of connections) {
    const name = c.category ? `${c.service} (${c.category})` : c.service;
    const why = c.reason?.trim() ? `: ${c.reason.trim()}` : "";
    switch (c.status) {
      case "attended": arranged.push(`${name}: went${c.attendedOn ? ` from ${c.attendedOn}` : ""}`); break;
      case "referred": arranged.push(`${name}: referred${c.referredOn ? ` on ${c.referredOn}` : ""}, not yet known whether the person went`); break;
      case "notAttended": didNotHelp.push(`${name}: referred but did not go${why}`); break;
      case "declined": didNotHelp.push(`${name}: declined${why}`); break;
      case "stopped": didNotHelp.push(`${name}: went${c.attendedOn ? ` from ${c.attendedOn}` : ""}, then stopped${why}`); break;
      case "suggested": break;
    }
  }
  return { arranged, didNotHelp };
}

export interface SummarySection {
  readonly heading: string;
  readonly lines: readonly string[];
}

const MODE: Record<SessionMode, string> = { inPerson: "in person", phone: "by phone", video: "by video", homeVisit: "home visit" };

function describeScore(score: WellbeingScore): string {
  if (score.instrument === "ucla3") return `loneliness ${score.total} of 9 (${score.band === "lonely" ? "lonely" : "not lonely"})`;
  const i = score.items;
  return `satisfaction ${i.satisfied}, worthwhile ${i.worthwhile}, happiness ${i.happy}, anxiety ${i.anxious} (each out of 10)`;
}

export function closureSummarySections(input: ClosureSummaryInput): SummarySection[] {
  // ISO days sort as text; the record may list sessions in any order.
  const held = input.contacts.filter((c) => c.attendance === "attended").sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const missed = input.contacts.filter((c) => c.attendance === "didNotAttend").length;
  const modes = [...new Set(held.map((c) => (c.mode ? MODE[c.mode] : "mode not recorded")))];
  const fromConnections = connectionLines(input.connections ?? []);
  const helped = [...input.supportArranged.filter((s) => s.helped !== false).map((s) => s.description), ...fromConnections.arranged];
  const notHelped = [...input.supportArranged.filter((s) => s.helped === false).map((s) => s.description), ...fromConnections.didNotHelp];
  const wellbeingLines = input.wellbeing.map((w) => {
    if (!w.baseline || !w.closing) return `${w.label}: ${w.baseline ? "no closing score" : "no baseline score"}`;
    const changes = wellbeingChange(w.baseline, w.closing)
      .map((c) => `${c.measure} ${c.from} → ${c.to} (${c.improved ? "better" : c.change === 0 ? "no change" : "worse"})`)
      .join("; ");
    return `${w.label}: at the start ${describeScore(w.baseline)}; at the end ${describeScore(w.closing)}. ${changes}`;
  });
  return [
    { heading: "Person", lines: [input.personName, ...(input.referralDate ? [`Referred on ${input.referralDate}`] : [])] },
    { heading: "Reason for referral", lines: [input.referralReason || "Not recorded"] },
    { heading: "What matters to the person", lines: input.whatMatters.length ? input.whatMatters : ["Not recorded"] },
    {
      heading: "Contacts",
      lines: [
        `${held.length} ${held.length === 1 ? "session" : "sessions"} held${missed ? `, ${missed} missed` : ""}` +
          (held.length ? `, from ${held[0].day} to ${held[held.length - 1].day}, ${modes.join(", ")}` : ""),
      ],
    },
    {
      heading: "Support and activities arranged",
      lines: [
        ...(helped.length ? helped : ["None arranged"]),
        ...(notHelped.length ? ["Tried and did not help:", ...notHelped] : []),
      ],
    },
    { heading: "Wellbeing measures", lines: wellbeingLines.length ? wellbeingLines : ["No measures recorded"] },
    { heading: "Outcome", lines: [`Closed on ${input.closedOn}: ${closureReasonLabel(input.closureReason)}`] },
    { heading: "Next steps", lines: [input.nextSteps || "None agreed"] },
    {
      heading: "Action for the GP",
      lines: [input.gpAction.required ? `Action needed: ${input.gpAction.detail ?? "see above"}` : "No action needed by the GP."],
    },
  ];
}

export function closureSummaryText(input: ClosureSummaryInput): string {
  return closureSummarySections(input)
    .map((s) => `${s.heading}\n${s.lines.map((l) => `  ${l}`).join("\n")}`)
    .join("\n\n");
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function closureSummaryHtml(input: ClosureSummaryInput): string {
  return closureSummarySections(input)
    .map((s) => `<h2>${escapeHtml(s.heading)}</h2>\n<ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`)
    .join("\n");
}
