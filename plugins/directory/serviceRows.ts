import { parse } from "csv-parse/sync";
import { dayFromIso } from "../../domain";
import { communityChoices } from "../../solution/schema/community";
import type { ChoiceDeclaration } from "../../solution/schema/model";

/**
 * A CSV of community services read into Web API rows for sprx_communityservice
 * (issue 15). Headings are the column names people use (Service, Provider,
 * Category, Area…), in any order and case. Choices are given by their label
 * as the app shows it ("Money, debt and benefits advice") or their key. Every
 * problem in the file is found before anything is written.
 */

export interface ServiceImportRow {
  readonly line: number;
  readonly provider: string;
  /** Columns of sprx_communityservice, choices as option values. */
  readonly columns: Readonly<Record<string, string | number | null>>;
}

export interface ServiceImport {
  readonly rows: readonly ServiceImportRow[];
  readonly problems: readonly string[];
}

type Kind = "text" | "choice" | "date";
interface ColumnSpec {
  readonly column: string;
  readonly headings: readonly string[];
  readonly kind: Kind;
  readonly maxLength?: number;
  readonly choice?: ChoiceDeclaration;
  readonly required?: boolean;
}

const COLUMNS: readonly ColumnSpec[] = [
  { column: "sprx_name", headings: ["service", "name", "service name"], kind: "text", maxLength: 200, required: true },
  { column: "sprx_category", headings: ["category"], kind: "choice", choice: communityChoices.serviceCategory, required: true },
  { column: "sprx_description", headings: ["description", "what it offers"], kind: "text", maxLength: 4000 },
  { column: "sprx_address", headings: ["address", "where"], kind: "text", maxLength: 250 },
  { column: "sprx_area", headings: ["area", "postcode district"], kind: "text", maxLength: 50 },
  { column: "sprx_referralroute", headings: ["how to refer", "referral route"], kind: "choice", choice: communityChoices.referralRoute },
  { column: "sprx_contactname", headings: ["contact name", "contact"], kind: "text", maxLength: 100 },
  { column: "sprx_phone", headings: ["phone", "telephone"], kind: "text", maxLength: 50 },
  { column: "sprx_email", headings: ["email"], kind: "text", maxLength: 320 },
  { column: "sprx_website", headings: ["website", "web"], kind: "text", maxLength: 400 },
  { column: "sprx_cost", headings: ["cost"], kind: "choice", choice: communityChoices.serviceCost },
  { column: "sprx_accessnotes", headings: ["accessibility", "access notes"], kind: "text", maxLength: 2000 },
  { column: "sprx_status", headings: ["status"], kind: "choice", choice: communityChoices.serviceStatus },
  { column: "sprx_reviewon", headings: ["review date", "review on"], kind: "date" },
];
const PROVIDER_HEADINGS = ["provider", "organisation", "organization"];

const clean = (text: string) => text.trim().toLowerCase().replace(/\s+/g, " ");

function optionOf(choice: ChoiceDeclaration, text: string): number | undefined {
  const wanted = clean(text);
  return choice.options.find((o) => clean(o.label) === wanted || o.key.toLowerCase() === wanted)?.value;
}

export function readServicesCsv(csv: string): ServiceImport {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: (headings: string[]) => headings.map(clean), skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    return { rows: [], problems: [`The file is not valid CSV: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  const headings = new Set(Object.keys(records[0] ?? {}));
  const known = new Set([...COLUMNS.flatMap((c) => c.headings), ...PROVIDER_HEADINGS]);
  for (const heading of headings) if (!known.has(heading)) problems.push(`Unknown column "${heading}": the columns are ${COLUMNS.map((c) => c.headings[0]).join(", ")} and provider`);
  if (records.length === 0) problems.push("The file has no services");
  const rows: ServiceImportRow[] = [];
  records.forEach((record, i) => {
    const line = i + 2; // the heading is line 1
    const value = (names: readonly string[]) => names.map((n) => record[n]).find((v) => v !== undefined && v !== "") ?? "";
    const columns: Record<string, string | number | null> = {};
    for (const spec of COLUMNS) {
      const text = value(spec.headings);
      if (!text) {
        if (spec.required) problems.push(`Line ${line}: ${spec.headings[0]} is required`);
        continue;
      }
      if (spec.kind === "text") {
        if (spec.maxLength && text.length > spec.maxLength) problems.push(`Line ${line}: ${spec.headings[0]} is longer than ${spec.maxLength} characters`);
        columns[spec.column] = text;
      } else if (spec.kind === "choice") {
        const option = optionOf(spec.choice!, text);
        if (option === undefined) problems.push(`Line ${line}: "${text}" is not a ${spec.headings[0]}; use one of: ${spec.choice!.options.map((o) => o.label).join("; ")}`);
        else columns[spec.column] = option;
      } else {
        try {
          dayFromIso(text);
          columns[spec.column] = text;
        } catch {
          problems.push(`Line ${line}: ${spec.headings[0]} "${text}" is not a date (YYYY-MM-DD)`);
        }
      }
    }
    rows.push({ line, provider: value(PROVIDER_HEADINGS), columns });
  });
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = `${clean(String(row.columns.sprx_name ?? ""))}|${clean(row.provider)}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`Line ${row.line}: the same service and provider as line ${first}`);
    else seen.set(key, row.line);
  }
  return { rows, problems };
}
