import { addDays, calendarForTimeZone, type CalendarDay, dayFromIso, dayToIso } from "../../domain";

/**
 * Relative-date operators (FetchXML's `last-x-days`, the Web API's
 * `Microsoft.Dynamics.CRM.LastXDays`, …) as a half-open range of calendar
 * days in the organisation's time zone. Both query languages share these, so
 * a view and a `$filter` agree on what "today" means.
 */

export interface DayRange {
  /** First day included. */
  readonly from?: CalendarDay;
  /** First day no longer included. */
  readonly to?: CalendarDay;
}

export interface DateContext {
  readonly now: Date;
  readonly timeZone: string;
  /** Month (1–12) the organisation's fiscal year starts in. */
  readonly fiscalYearStartMonth: number;
}

export const DATE_OPERATORS = [
  "today", "yesterday", "tomorrow", "on", "on-or-before", "on-or-after",
  "last-x-days", "next-x-days", "last-x-weeks", "next-x-weeks", "last-x-months", "next-x-months",
  "olderthan-x-days", "olderthan-x-weeks", "olderthan-x-months",
  "this-week", "this-month", "this-quarter", "this-year", "this-fiscal-quarter", "this-fiscal-period", "this-fiscal-year",
] as const;
export type DateOperator = (typeof DATE_OPERATORS)[number];

/** Operators that need a value, and whether it is a count or a date. */
export function dateOperatorValue(op: DateOperator): "count" | "date" | "none" {
  if (op === "on" || op === "on-or-before" || op === "on-or-after") return "date";
  return op.includes("-x-") ? "count" : "none";
}

function addMonths(day: CalendarDay, months: number): CalendarDay {
  const d = new Date(day * 86_400_000);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return dayFromIso(new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), lastDay))).toISOString());
}

function monthStart(day: CalendarDay, monthOffsetFromJanuary = 0, periodMonths = 1): CalendarDay {
  const d = new Date(day * 86_400_000);
  const monthsSinceStart = (d.getUTCMonth() - monthOffsetFromJanuary + 12) % 12;
  const startMonth = d.getUTCMonth() - (monthsSinceStart % periodMonths);
  return dayFromIso(new Date(Date.UTC(d.getUTCFullYear(), startMonth, 1)).toISOString());
}

export function dateRange(op: DateOperator, value: string | undefined, context: DateContext): DayRange {
  const today = calendarForTimeZone(context.timeZone).dayOf(context.now);
  const count = (): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`The operator ${op} needs a whole number of periods, not "${value ?? ""}"`);
    return n;
  };
  const day = (): CalendarDay => dayFromIso(value ?? "");
  const fiscalOffset = context.fiscalYearStartMonth - 1;
  switch (op) {
    case "today": return { from: today, to: addDays(today, 1) };
    case "yesterday": return { from: addDays(today, -1), to: today };
    case "tomorrow": return { from: addDays(today, 1), to: addDays(today, 2) };
    case "on": return { from: day(), to: addDays(day(), 1) };
    case "on-or-before": return { to: addDays(day(), 1) };
    case "on-or-after": return { from: day() };
    case "last-x-days": return { from: addDays(today, -count()), to: addDays(today, 1) };
    case "next-x-days": return { from: today, to: addDays(today, count() + 1) };
    case "last-x-weeks": return { from: addDays(today, -7 * count()), to: addDays(today, 1) };
    case "next-x-weeks": return { from: today, to: addDays(today, 7 * count() + 1) };
    case "last-x-months": return { from: addMonths(today, -count()), to: addDays(today, 1) };
    case "next-x-months": return { from: today, to: addDays(addMonths(today, count()), 1) };
    case "olderthan-x-days": return { to: addDays(today, -count()) };
    case "olderthan-x-weeks": return { to: addDays(today, -7 * count()) };
    case "olderthan-x-months": return { to: addMonths(today, -count()) };
    case "this-week": {
      // Weeks start on Monday here (en-GB); Dataverse takes it from the user's settings.
      const weekday = (new Date(today * 86_400_000).getUTCDay() + 6) % 7;
      return { from: addDays(today, -weekday), to: addDays(today, 7 - weekday) };
    }
    case "this-month": { const from = monthStart(today); return { from, to: addMonths(from, 1) }; }
    case "this-quarter": { const from = monthStart(today, 0, 3); return { from, to: addMonths(from, 3) }; }
    case "this-year": { const from = monthStart(today, 0, 12); return { from, to: addMonths(from, 12) }; }
    // Fiscal periods follow the organisation's fiscal settings; quarterly periods are assumed here.
    case "this-fiscal-period":
    case "this-fiscal-quarter": { const from = monthStart(today, fiscalOffset, 3); return { from, to: addMonths(from, 3) }; }
    case "this-fiscal-year": { const from = monthStart(today, fiscalOffset, 12); return { from, to: addMonths(from, 12) }; }
  }
}

/** The UTC instant at which a calendar day starts in a time zone. */
export function startOfDayUtc(day: CalendarDay, timeZone: string): string {
  const guess = day * 86_400_000;
  const offsetAt = (instant: number): number => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
        .formatToParts(new Date(instant))
        .map((p) => [p.type, p.value]),
    );
    const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return local - instant;
  };
  let instant = guess - offsetAt(guess);
  instant = guess - offsetAt(instant);
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export { dayToIso };
