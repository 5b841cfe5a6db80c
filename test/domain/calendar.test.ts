import { addDays, calendarForTimeZone, calendarFromOffset, dayFromIso, daysBetween, dayToIso, formatDayAs, parseDayAs, utcCalendar } from "../../domain";
import { evaluate, session } from "./fixtures";

const london = calendarForTimeZone("Europe/London");
const isoDayIn = (calendar: { dayOf(instant: Date): ReturnType<typeof dayFromIso> }, instant: string) => dayToIso(calendar.dayOf(new Date(instant)));

/** UK offsets in 2026, as PCF's getTimeZoneOffsetMinutes would give them: BST from 29 March 01:00 UTC to 25 October 01:00 UTC. */
const ukOffset2026 = (instant: Date) =>
  instant >= new Date("2026-03-29T01:00:00Z") && instant < new Date("2026-10-25T01:00:00Z") ? 60 : 0;

describe("calendar days", () => {
  it("reads date-only values and the date part of ISO date-times", () => {
    expect(dayFromIso("1970-01-01")).toBe(0);
    expect(dayFromIso("1970-01-02")).toBe(1);
    expect(dayToIso(dayFromIso("2026-02-28"))).toBe("2026-02-28");
    expect(dayToIso(dayFromIso("2024-02-29T23:59:59Z"))).toBe("2024-02-29");
  });

  it.each(["2026-02-30", "2026-02-29", "2025-13-01", "2026-00-10", "2026-04-31", "garbage", "", "2026-1-5", "2026-01-05x", "05/01/2026"])(
    "rejects %p as a calendar date",
    (text) => {
      expect(() => dayFromIso(text)).toThrow(RangeError);
    },
  );

  it("does day arithmetic across month, leap-day and year ends", () => {
    const start = dayFromIso("2026-01-12");
    expect(dayToIso(addDays(start, 84))).toBe("2026-04-06");
    expect(dayToIso(addDays(dayFromIso("2028-02-28"), 1))).toBe("2028-02-29");
    expect(daysBetween(dayFromIso("2026-12-25"), dayFromIso("2027-01-08"))).toBe(14);
    expect(daysBetween(dayFromIso("2026-03-28"), dayFromIso("2026-03-30"))).toBe(2);
  });

  it("rejects an unknown time zone", () => {
    expect(() => calendarForTimeZone("Europe/Atlantis")).toThrow(RangeError);
  });

  it("rejects an invalid instant", () => {
    expect(() => london.dayOf(new Date("not a date"))).toThrow(RangeError);
    expect(() => utcCalendar.dayOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("the user's calendar across the UK clock changes", () => {
  describe.each([
    ["an IANA time zone", london],
    ["PCF's offset function", calendarFromOffset(ukOffset2026)],
  ])("through %s", (_how, calendar) => {
    it("puts 23:30 local on the night the clocks go forward on that day", () => {
      // 23:30 BST on Sunday 29 March 2026 is 22:30 UTC the same day.
      expect(isoDayIn(calendar, "2026-03-29T23:30:00+01:00")).toBe("2026-03-29");
      // 23:30 GMT on Saturday 28 March, the night before the change.
      expect(isoDayIn(calendar, "2026-03-28T23:30:00Z")).toBe("2026-03-28");
      // 00:30 BST on Monday 30 March is still 29 March in UTC.
      expect(isoDayIn(calendar, "2026-03-30T00:30:00+01:00")).toBe("2026-03-30");
    });

    it("puts 23:30 local on the night the clocks go back on that day", () => {
      // 23:30 GMT on Sunday 25 October 2026; the day had 25 hours.
      expect(isoDayIn(calendar, "2026-10-25T23:30:00Z")).toBe("2026-10-25");
      // 23:30 BST on Saturday 24 October.
      expect(isoDayIn(calendar, "2026-10-24T23:30:00+01:00")).toBe("2026-10-24");
      // The repeated hour: 01:30 BST and 01:30 GMT are both 25 October.
      expect(isoDayIn(calendar, "2026-10-25T01:30:00+01:00")).toBe("2026-10-25");
      expect(isoDayIn(calendar, "2026-10-25T01:30:00Z")).toBe("2026-10-25");
    });
  });

  it("shows why UTC days are not enough: 00:30 BST falls on the previous UTC day", () => {
    expect(isoDayIn(utcCalendar, "2026-03-30T00:30:00+01:00")).toBe("2026-03-29");
  });

  it("keeps a late session after the spring change in the right week", () => {
    // First session Monday 23 March; a session at 00:30 BST on Monday 30 March is a week later.
    const facts = {
      closed: false,
      sessions: [session("2026-03-23T10:00:00Z", "attended"), session("2026-03-29T23:30:00+01:00", "attended"), session("2026-03-30T00:30:00+01:00", "attended")],
    };
    const state = evaluate(facts, "2026-04-01T12:00:00+01:00");
    expect(state.sessions.map((s) => [s.day, s.week])).toEqual([
      ["2026-03-23", 1],
      ["2026-03-29", 1],
      ["2026-03-30", 2],
    ]);
  });

  it("keeps a late session after the autumn change in the right week", () => {
    // First session Monday 19 October (BST); 23:30 GMT on Sunday 25 October is still week 1,
    // which a calendar fixed at the BST offset would push into Monday, week 2.
    const facts = { closed: false, sessions: [session("2026-10-19T10:00:00+01:00", "attended"), session("2026-10-25T23:30:00Z", "attended")] };
    const state = evaluate(facts, "2026-10-28T12:00:00Z");
    expect(state.sessions.map((s) => [s.day, s.week])).toEqual([
      ["2026-10-19", 1],
      ["2026-10-25", 1],
    ]);
    expect(isoDayIn(calendarFromOffset(() => 60), "2026-10-25T23:30:00Z")).toBe("2026-10-26");
  });
});

describe("days in the user's format (issue 13)", () => {
  it("writes and reads dd/MM/yyyy and M/d/yyyy", () => {
    expect(formatDayAs(dayFromIso("2026-01-05"), "dd/MM/yyyy")).toBe("05/01/2026");
    expect(formatDayAs(dayFromIso("2026-01-05"), "M/d/yyyy")).toBe("1/5/2026");
    expect(parseDayAs("05/01/2026", "dd/MM/yyyy")).toBe("2026-01-05");
    expect(parseDayAs(" 5/1/2026 ", "dd/MM/yyyy")).toBe("2026-01-05");
    expect(parseDayAs("1/5/2026", "M/d/yyyy")).toBe("2026-01-05");
    expect(parseDayAs("2026.01.05", "yyyy.MM.dd")).toBe("2026-01-05");
  });
  it("refuses what is not a day in that format", () => {
    for (const text of ["30/02/2026", "2026-01-05", "5 Jan 2026", "", "13/13/2026", "05/01/26"]) expect(parseDayAs(text, "dd/MM/yyyy")).toBeUndefined();
  });
});
