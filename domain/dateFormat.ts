import { type CalendarDay, dayToIso } from "./calendar";

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
