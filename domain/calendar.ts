/**
 * Calendar days in the user's own calendar. Dataverse stores date-only columns
 * without a time zone and date-times in UTC; weeks and gaps are counted in the
 * user's calendar days, so a session at 23:30 local time on the night the
 * clocks change stays in the right week. A day is an integer count of days
 * since 1970-01-01 (proleptic Gregorian), which makes day arithmetic exact.
 */

export type CalendarDay = number & { readonly __calendarDay: unique symbol };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayFromIso(text: string): CalendarDay {
  const match = ISO_DAY.exec(text.slice(0, 10));
  if (!match || (text.length > 10 && text[10] !== "T")) throw new RangeError(`Not a calendar date: "${text}"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: "${text}"`);
  }
  return Math.round(ms / 86_400_000) as CalendarDay;
}

export function dayToIso(day: CalendarDay): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function addDays(day: CalendarDay, days: number): CalendarDay {
  return (day + days) as CalendarDay;
}

export function daysBetween(from: CalendarDay, to: CalendarDay): number {
  return to - from;
}

/** Maps an instant to the user's calendar day. */
export interface Calendar {
  dayOf(instant: Date): CalendarDay;
}

/** A calendar for an IANA time zone ("Europe/London"), through Intl. */
export function calendarForTimeZone(timeZone: string): Calendar {
  const format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return {
    dayOf(instant: Date): CalendarDay {
      if (Number.isNaN(instant.getTime())) throw new RangeError("Not a valid instant");
      const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
      return dayFromIso(`${parts.year}-${parts.month}-${parts.day}`);
    },
  };
}

/**
 * A calendar from a UTC-offset function, the shape PCF offers through
 * `userSettings.getTimeZoneOffsetMinutes(date)` (minutes to add to UTC).
 */
export function calendarFromOffset(offsetMinutes: (instant: Date) => number): Calendar {
  return {
    dayOf(instant: Date): CalendarDay {
      if (Number.isNaN(instant.getTime())) throw new RangeError("Not a valid instant");
      const local = instant.getTime() + offsetMinutes(instant) * 60_000;
      return Math.floor(local / 86_400_000) as CalendarDay;
    },
  };
}

export const utcCalendar: Calendar = calendarFromOffset(() => 0);
