import { addDays, allowedSessions, type CalendarDay, dayFromIso, dayToIso, evaluateEngagement } from "../../domain";
import { AttendanceValues, type AppointmentRow, type EngagementRow, Tables } from "../../solution/generated/dataverse";
import { currentValue, numberOf, referenceOf } from "../context";
import type { BusyInterval } from "../graph/graphMail";
import { engagementFacts, loadEngagement, loadSessions, plannedSessionsOf, SESSION_COLUMNS, sessionRecord } from "./records";
import { done, skipped, type StepHandler, type StepServices } from "./types";

/** Times of day offered, in the worker's zone; sessions last an hour. */
const SLOT_HOURS = [10, 14] as const;
const SLOT_MINUTES = 60;
const SUGGESTIONS = 3;
/** A week between sessions is the usual rhythm; sooner only when the gap allows nothing else. */
const PREFERRED_GAP_DAYS = 7;
/** How far ahead to look when the pacing gap has already run out. */
const OVERDUE_DAYS = 6;

export interface SlotSuggestion {
  readonly suggestedOn: string;
  /** The last day the next session can be without breaking the pacing rules. */
  readonly latestDay: string;
  /** The longest gap had already run out when the attendance was recorded. */
  readonly overdue: boolean;
  readonly source: "graph" | "workingDays";
  readonly slots: readonly { readonly start: string; readonly end: string }[];
}

/**
 * Next-session suggestion (async, optional): when a session is attended and
 * nothing is booked yet, offer the next slots — after a week where possible,
 * before the longest gap runs out and inside the window — from the link
 * worker's free time in Outlook (Graph getSchedule) when Graph is configured,
 * otherwise from working days.
 */
export const nextSessionSuggestion: StepHandler = async (context, services) => {
  const { dataverse } = services;
  let attendance = numberOf(currentValue(context, "sprx_attendance"));
  let regarding = referenceOf(currentValue(context, "regardingobjectid"))?.id;
  let owner = referenceOf(currentValue(context, "ownerid"));
  if (context.sizeExceeded || !regarding) {
    const row = await dataverse.retrieve<AppointmentRow>(Tables.appointment.entitySetName, context.primaryId, [...SESSION_COLUMNS, "_ownerid_value"]);
    attendance = row.sprx_attendance ?? undefined;
    regarding = row._regardingobjectid_value ?? undefined;
    owner = row._ownerid_value ? { id: row._ownerid_value, logicalName: "systemuser" } : undefined;
  }
  if (attendance !== AttendanceValues.attended) return skipped("session not attended");
  if (!regarding) return skipped("not a session of an engagement");

  const [engagement, sessionRows] = await Promise.all([
    loadEngagement(dataverse, regarding, ["sprx_engagementid", "statecode", "sprx_referraldate", "sprx_plannedsessions", "sprx_extensionapproved", "sprx_extensionsessions", "sprx_extensionrequests", "sprx_suggestedslots"]),
    loadSessions(dataverse, regarding),
  ]);
  const config = { ...services.configuration, plannedSessions: plannedSessionsOf(engagement, services.configuration.plannedSessions) };
  const facts = engagementFacts(engagement, sessionRows.flatMap((r) => sessionRecord(r) ?? []));
  const now = services.clock();
  const state = evaluateEngagement(facts, config, services.calendar, now);
  if (facts.closed) return skipped("engagement closed");
  if (state.nextSessionOn) return skipped("next session already booked");
  if (state.sessionsBooked >= allowedSessions(config, facts.extension) || !state.lastSessionOn) return skipped("no session left in the plan");

  const today = services.calendar.dayOf(now);
  const lastDay = services.calendar.dayOf(state.lastSessionOn);
  let latest = addDays(lastDay, config.longestGapDays);
  if (state.windowEnd) latest = Math.min(latest, dayFromIso(state.windowEnd)) as CalendarDay;
  const tomorrow = addDays(today, 1);
  // Recorded late, after the longest gap has already run out: the soonest slots are what is left.
  const overdue = latest < tomorrow;
  if (overdue) latest = addDays(tomorrow, OVERDUE_DAYS);
  if (state.windowEnd && dayFromIso(state.windowEnd) < tomorrow) return skipped("past the engagement's window");
  const preferred = addDays(lastDay, PREFERRED_GAP_DAYS);
  const earliest = preferred > tomorrow && preferred <= latest ? preferred : tomorrow;

  const candidates = workingDaySlots(earliest, latest, services.timeZone);
  const { busy, source } = await busyTimes(services, owner?.logicalName === "systemuser" ? owner.id : undefined, candidates);
  const free = candidates.filter((slot) => !busy.some((b) => b.start < slot.end && slot.start < b.end));
  const chosen: { start: Date; end: Date }[] = [];
  const days = new Set<number>();
  for (const slot of free) {
    const day = services.calendar.dayOf(slot.start);
    if (days.has(day)) continue;
    days.add(day);
    chosen.push(slot);
    if (chosen.length === SUGGESTIONS) break;
  }

  const suggestion: SlotSuggestion = {
    suggestedOn: now.toISOString(),
    latestDay: dayToIso(latest),
    overdue,
    source,
    slots: chosen.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })),
  };
  await dataverse.update(Tables.engagement.entitySetName, regarding, { sprx_suggestedslots: JSON.stringify(suggestion) } satisfies Partial<EngagementRow>);
  services.logger.info("slots.suggested", { table: Tables.engagement.logicalName, recordId: regarding, count: chosen.length });
  return done(1);
};

async function busyTimes(
  services: StepServices,
  ownerId: string | undefined,
  candidates: readonly { start: Date; end: Date }[],
): Promise<{ busy: BusyInterval[]; source: SlotSuggestion["source"] }> {
  if (!services.graph || !ownerId || candidates.length === 0) return { busy: [], source: "workingDays" };
  try {
    const user = await services.dataverse.retrieve<{ internalemailaddress?: string | null }>("systemusers", ownerId, ["internalemailaddress"]);
    if (!user.internalemailaddress) return { busy: [], source: "workingDays" };
    const busy = await services.graph.getSchedule({
      mailbox: user.internalemailaddress,
      start: candidates[0].start,
      end: candidates[candidates.length - 1].end,
    });
    return { busy, source: "graph" };
  } catch {
    // Suggestions are a convenience: without Graph they come from working days.
    services.logger.warn("slots.scheduleUnavailable", { table: "systemuser", recordId: ownerId });
    return { busy: [], source: "workingDays" };
  }
}

/** Monday–Friday slots at the offered hours, as instants, in the given zone. */
export function workingDaySlots(from: CalendarDay, to: CalendarDay, timeZone: string): { start: Date; end: Date }[] {
  const slots: { start: Date; end: Date }[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 is Sunday.
    if (weekday === 0 || weekday === 6) continue;
    for (const hour of SLOT_HOURS) {
      const start = zonedInstant(dayToIso(day), hour, timeZone);
      slots.push({ start, end: new Date(start.getTime() + SLOT_MINUTES * 60_000) });
    }
  }
  return slots;
}

/** The instant that is `hour`:00 on `isoDay` in `timeZone`. */
export function zonedInstant(isoDay: string, hour: number, timeZone: string): Date {
  const [y, m, d] = isoDay.split("-").map(Number);
  const wallClock = Date.UTC(y, m - 1, d, hour);
  const offset = (instant: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
        .formatToParts(new Date(instant))
        .map((p) => [p.type, Number(p.value)]),
    );
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - instant;
  };
  const guess = wallClock - offset(wallClock);
  return new Date(wallClock - offset(guess));
}
