import { calendarFromOffset, dayFromIso, type Calendar } from "../../domain";

/** Dates and numbers the way the user's Dynamics settings show them. */
export interface Format {
  /** A date-only value ("YYYY-MM-DD"). */
  day(iso: string): string;
  /** An instant, as date and time in the user's time zone. */
  dateTime(instant: Date): string;
  integer(value: number): string;
}

export function createFormat(formatting: ComponentFramework.Formatting): Format {
  return {
    // Noon UTC keeps a date-only value on its own day in every time zone formatDateShort may apply.
    day: (iso) => formatting.formatDateShort(new Date(`${iso.slice(0, 10)}T12:00:00Z`)),
    dateTime: (instant) => formatting.formatDateShort(instant, true),
    integer: (value) => formatting.formatInteger(value),
  };
}

export function userCalendar(userSettings: Pick<ComponentFramework.UserSettings, "getTimeZoneOffsetMinutes">): Calendar {
  return calendarFromOffset((instant) => userSettings.getTimeZoneOffsetMinutes(instant));
}

/** "YYYY-MM-DDTHH:mm" in the user's time zone, for a datetime-local input, and back. */
export function toLocalInput(instant: Date, offsetMinutes: (instant: Date) => number): string {
  return new Date(instant.getTime() + offsetMinutes(instant) * 60_000).toISOString().slice(0, 16);
}

export function fromLocalInput(text: string, offsetMinutes: (instant: Date) => number): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/.test(text)) return undefined;
  try {
    dayFromIso(text.slice(0, 10)); // rejects 30 February rather than rolling it into March
  } catch {
    return undefined;
  }
  const asUtc = new Date(`${text}:00Z`);
  // The offset is the one in force at that local time (close enough to find it from the UTC reading, then correct once).
  const first = new Date(asUtc.getTime() - offsetMinutes(asUtc) * 60_000);
  return new Date(asUtc.getTime() - offsetMinutes(first) * 60_000);
}
