/**
 * One bench figure: what was measured, what it is compared against in the
 * same run, and the target it is held to. `met` is undefined for figures
 * reported without a target (counts, memory, seeding speed).
 */
export interface Figure {
  readonly area: string;
  readonly figure: string;
  readonly value: string;
  readonly comparedWith: string;
  readonly ratio?: number;
  readonly target?: string;
  readonly met?: boolean;
}

export interface Section {
  readonly name: string;
  readonly figures: readonly Figure[];
  /** Raw numbers for results.json. */
  readonly data: unknown;
  /** How the section measured, in one or two sentences, for the README. */
  readonly method: string;
}

const verdict = (f: Figure): string => (f.met === undefined ? "" : f.met ? "met" : "MISSED");
const ratioText = (f: Figure): string => (f.ratio === undefined ? "" : `${f.ratio.toFixed(2)}×`);

function rows(sections: readonly Section[]): string[][] {
  return sections.flatMap((s) => s.figures.map((f) => [f.area, f.figure, f.value, f.comparedWith, ratioText(f), f.target ?? "", verdict(f)]));
}

const HEADINGS = ["Area", "Figure", "Measured", "Compared with (same run)", "Ratio", "Target", "Result"];

/** A plain-text table for the terminal. */
export function textTable(sections: readonly Section[]): string {
  const all = [HEADINGS, ...rows(sections)];
  const widths = HEADINGS.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(HEADINGS), widths.map((w) => "-".repeat(w)).join("  "), ...rows(sections).map(line)].join("\n");
}

const escapeCell = (text: string): string => text.replace(/\|/g, "\\|");

/** The same table in Markdown, for the README. */
export function markdownTable(sections: readonly Section[]): string {
  const head = `| ${HEADINGS.join(" | ")} |`;
  const rule = `|${HEADINGS.map(() => "---").join("|")}|`;
  return [head, rule, ...rows(sections).map((r) => `| ${r.map(escapeCell).join(" | ")} |`)].join("\n");
}
