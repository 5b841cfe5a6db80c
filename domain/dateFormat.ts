import { type CalendarDay, dayFromIso, dayToIso } from "./calendar";

/**
 * Calendar days in the user's own date format, as Dataverse keeps it in the
 * user's settings (`usersettings.dateformatstring`, e.g. "dd/MM/yyyy" for
 * en-GB, "M/d/yyyy" for en-US):
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/usersettings
 * Only the day, month and year patterns of .NET custom date formats occur
 * there; anything else is kept as written.
 */
export const DEFAULT_DATE_FORMAT = "dd/MM/yyyy";

export type DayFormatter = (day: CalendarDay) => string;

export function formatDayAs(day: CalendarDay, pattern: string): string {
  const [year, month, date] = dayToIso(day).split("-");
  return pattern.replace(/yyyy|yy|MM|M|dd|d/g, (token) => {
    switch (token) {
      case "yyyy":
        return year;
      case "yy":
        return year.slice(-2);
      case "MM":
        return month;
      case "M":
        return String(Number(month));
      case "dd":
        return date;
      default:
        return String(Number(date));
    }
  });
}

/** A formatter for the pattern, or the default one when the pattern has no day, month and year in it. */
export function dayFormatter(pattern: string | null | undefined): DayFormatter {
  const usable = typeof pattern === "string" && /d/.test(pattern) && /M/.test(pattern) && /y/.test(pattern) && pattern.length <= 20;
  const chosen = usable ? pattern : DEFAULT_DATE_FORMAT;
  return (day) => formatDayAs(day, chosen);
}

/**
 * A day typed in the user's format ("05/01/2026" for dd/MM/yyyy, "1/5/2026"
 * for M/d/yyyy), as "YYYY-MM-DD"; undefined when the text is not a real day
 * in that format (30/02/2026 included). Leading zeros are optional, as people type.
 */
export function parseDayAs(text: string, pattern: string): string | undefined {
  const order: string[] = [];
  const source = pattern.replace(/yyyy|yy|MM|M|dd|d|[^yMd]/g, (token) => {
    if (/^y+$/.test(token)) {
      order.push(token);
      return token === "yyyy" ? "(\\d{4})" : "(\\d{2})";
    }
    if (/^[Md]+$/.test(token)) {
      order.push(token[0]);
      return "(\\d{1,2})";
    }
    return token.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  });
  const match = new RegExp(`^${source}$`).exec(text.trim());
  if (!match) return undefined;
  const parts: Record<string, number> = {};
  order.forEach((token, i) => {
    const value = Number(match[i + 1]);
    if (token === "yy") parts.y = 2000 + value;
    else parts[token[0]] = value;
  });
  if (parts.y === undefined || parts.M === undefined || parts.d === undefined) return undefined;
  const iso = `${String(parts.y).padStart(4, "0")}-${String(parts.M).padStart(2, "0")}-${String(parts.d).padStart(2, "0")}`;
  try {
    dayFromIso(iso);
    return iso;
  } catch {
    return undefined;
  }
}
