import {
  type Attendance, type ClosureReason, CLOSURE_REASONS, DEFAULT_CONFIGURATION, addDays, calendarForTimeZone, checklistProgress,
  closureCheckLabel, dayToIso, evaluateEngagement, requiredChecks, scoreOns4, scoreUcla3,
} from "../../domain";
import { changedRollups } from "../../plugins/steps/sessionBookkeeping";
import { configuredItems } from "../../plugins/steps/checklist";
import {
  AnxietyBandValues, AttendanceValues, ClosureCheckItemValues, ClosureReasonValues, GoalStatusValues, InstrumentValues,
  LonelinessBandValues, Ons4BandValues, ReferralSourceValues, SessionModeValues, TimepointValues,
} from "../../solution/generated/dataverse";
import type { EntityReference, Row, Store } from "../storage/database";
import { type DemoEngagement, seedCommunityDirectory } from "./communityDirectory";
import { ADMINISTRATOR_USER, DEMO_USERS, LINK_WORKERS, seedUsers } from "./users";

/**
 * Demo data: invented people in every situation a supervisor's views pick
 * out, dated relative to today. The rollups are computed by the domain's
 * evaluateEngagement and stored with the webhook service's own column
 * mapping, exactly as the async steps would leave them. Deterministic: the
 * same day gives the same rows, so tests can count them.
 */

export const TIME_ZONE = "Europe/London";

export { LINK_WORKERS } from "./users";

/** Situations, each with what makes it one. Session offsets are days from today. */
interface Scenario {
  readonly situation: string;
  readonly referredDaysAgo: number;
  readonly sessions: readonly (readonly [number, Attendance])[];
  readonly extensionSessions?: number;
  /** Closure reason chosen and every check it needs done, not yet closed. */
  readonly readyToClose?: ClosureReason;
  readonly closed?: { readonly reason: ClosureReason; readonly daysAgo: number };
}

const weekly = (start: number, attended: number, next?: number): (readonly [number, Attendance])[] => [
  ...Array.from({ length: attended }, (_, i) => [start + i * 14, "attended"] as const),
  ...(next === undefined ? [] : [[next, "planned"] as const]),
];

export const SCENARIOS: readonly Scenario[] = [
  { situation: "new referral", referredDaysAgo: 3, sessions: [] },
  { situation: "new referral", referredDaysAgo: 6, sessions: [[5, "planned"]] },
  { situation: "new referral", referredDaysAgo: 10, sessions: [[2, "planned"]] },
  { situation: "on track", referredDaysAgo: 20, sessions: weekly(-12, 1, 2) },
  { situation: "on track", referredDaysAgo: 35, sessions: weekly(-28, 2, 3) },
  { situation: "on track", referredDaysAgo: 50, sessions: weekly(-44, 3, 2) },
  { situation: "on track", referredDaysAgo: 64, sessions: weekly(-58, 4, 1) },
  { situation: "on track", referredDaysAgo: 30, sessions: [[-21, "attended"], [-7, "cancelledByPerson"], [6, "planned"]] },
  { situation: "on track", referredDaysAgo: 75, sessions: weekly(-70, 5, 4) },
  { situation: "on track", referredDaysAgo: 45, sessions: weekly(-40, 3, 9) },
  { situation: "overdue", referredDaysAgo: 60, sessions: weekly(-55, 2) },
  { situation: "overdue", referredDaysAgo: 80, sessions: weekly(-70, 3) },
  { situation: "overdue", referredDaysAgo: 50, sessions: [[-40, "attended"], [-26, "cancelledByService"]] },
  { situation: "overdue", referredDaysAgo: 40, sessions: [] },
  { situation: "missed sessions in a row", referredDaysAgo: 50, sessions: [[-42, "attended"], [-28, "didNotAttend"], [-14, "didNotAttend"], [5, "planned"]] },
  { situation: "missed sessions in a row", referredDaysAgo: 70, sessions: [[-60, "attended"], [-46, "attended"], [-30, "didNotAttend"], [-16, "didNotAttend"], [-4, "didNotAttend"]] },
  { situation: "extended", referredDaysAgo: 100, sessions: weekly(-95, 6, 5), extensionSessions: 2 },
  { situation: "beyond plan", referredDaysAgo: 100, sessions: weekly(-92, 6, 6) },
  { situation: "past 16 weeks", referredDaysAgo: 130, sessions: [...weekly(-125, 4), [-10, "attended"], [7, "planned"]] },
  { situation: "past 16 weeks", referredDaysAgo: 140, sessions: weekly(-135, 5, 3) },
  { situation: "ready to close", referredDaysAgo: 90, sessions: weekly(-84, 6), readyToClose: "goalsMet" },
  { situation: "ready to close", referredDaysAgo: 40, sessions: weekly(-20, 2), readyToClose: "redirected" },
  ...CLOSURE_REASONS.map((reason, i): Scenario => ({
    situation: `closed: ${reason}`,
    referredDaysAgo: 110 + i * 3,
    sessions: reason === "goalsMet" ? weekly(-100, 6) : reason === "disengaged" ? [[-90, "attended"], [-76, "didNotAttend"], [-62, "didNotAttend"]] : weekly(-100, 2),
    closed: { reason, daysAgo: 5 + i },
  })),
  { situation: "on track", referredDaysAgo: 15, sessions: weekly(-8, 1, 6) },
];

/** People with no engagement yet. */
export const AWAITING_FIRST_CONTACT: readonly (readonly [string, string])[] = [["Idris", "Penhale"], ["Senara", "Polglaze"]];

/** Every person the demo data holds: one per scenario, plus those awaiting first contact. */
export const SEEDED_PEOPLE = SCENARIOS.length + AWAITING_FIRST_CONTACT.length;

const FIRST_NAMES = ["Ada", "Bram", "Cleo", "Dev", "Esme", "Faris", "Gwen", "Hal", "Ines", "Jory", "Kemi", "Lior", "Mabel", "Nico", "Orla", "Pip", "Quinn", "Rosa", "Sol", "Tamsin", "Ugo", "Vera", "Wren", "Xavi", "Yara", "Zane", "Bryn", "Cora", "Dara", "Elif"];
const LAST_NAMES = ["Ashdown", "Blackwood", "Carrow", "Dunmore", "Ellery", "Fenwick", "Garside", "Holloway", "Ibbotson", "Jessop", "Kettering", "Lowther", "Merriman", "Northcott", "Oldroyd", "Pennock", "Quarry", "Rushworth", "Sallow", "Thistlethwaite"];

/** A small seeded generator (mulberry32), so the demo data (and the bench's) is the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Deterministic ids: the same scenario keeps its id across resets. */
function demoId(kind: number, index: number): string {
  return `de0a${kind.toString(16).padStart(4, "0")}-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}

const ref = (logicalName: string, id: string): EntityReference => ({ logicalName, id });

export function seedDemoData(store: Store, now: Date): void {
  const calendar = calendarForTimeZone(TIME_ZONE);
  const today = calendar.dayOf(now);
  const day = (offset: number) => dayToIso(addDays(today, offset));
  const at = (offset: number, hour = 10) => `${day(offset)}T${String(hour).padStart(2, "0")}:00:00Z`;
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const next = random(20_251_124);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const insert = (table: string, row: Row, owner: string): void => {
    const entity = store.metadata.require(table);
    const full: Row = { createdon: stamp, modifiedon: stamp, versionnumber: store.nextSequence("version"), ...row };
    if (entity.attributes.has("ownerid")) {
      // Owned by the worker, in the worker's hub (business unit).
      const hub = DEMO_USERS.find((w) => w.id === owner)?.businessUnitId ?? "";
      Object.assign(full, { ownerid: ref("systemuser", owner), owningbusinessunit: ref("businessunit", hub), createdby: ref("systemuser", owner), modifiedby: ref("systemuser", owner) });
    }
    if (entity.defaultState && full.statecode === undefined) Object.assign(full, entity.defaultState);
    store.insert(entity, full);
  };

  seedUsers(store, stamp);

  const engagements: DemoEngagement[] = [];
  SCENARIOS.forEach((scenario, index) => {
    const owner = LINK_WORKERS[index % LINK_WORKERS.length].id;
    const contactId = demoId(1, index + 1);
    const engagementId = demoId(2, index + 1);
    const firstname = FIRST_NAMES[index % FIRST_NAMES.length];
    const lastname = pick(LAST_NAMES);
    insert("contact", {
      contactid: contactId, firstname, lastname, fullname: `${firstname} ${lastname}`,
      emailaddress1: `${firstname.toLowerCase()}.${lastname.toLowerCase()}@example.invalid`, telephone1: `01632 ${String(960000 + index * 37).slice(-6)}`,
    }, owner);

    const sessions = scenario.sessions.map(([offset, attendance], i) => ({ id: demoId(3, (index + 1) * 100 + i), start: new Date(at(offset)), attendance }));
    const closed = scenario.closed !== undefined;
    const state = evaluateEngagement(
      {
        referralDate: day(-scenario.referredDaysAgo),
        closed,
        sessions,
        extension: scenario.extensionSessions ? { approved: true, additionalSessions: scenario.extensionSessions, requests: 1 } : undefined,
      },
      DEFAULT_CONFIGURATION,
      calendar,
      now,
    );
    const reason = scenario.closed?.reason ?? scenario.readyToClose;
    const needed = reason ? requiredChecks(reason, DEFAULT_CONFIGURATION) : [];
    const closingScore = reason === "goalsMet";
    const progress = checklistProgress(
      { reason: reason ?? null, done: needed, summary: reason ? "Summary written with the person." : null, openFutureSessions: 0, closingWellbeingRecorded: closingScore },
      DEFAULT_CONFIGURATION,
    );
    insert("sprx_engagement", {
      sprx_engagementid: engagementId,
      // Drawn from the same counter as new engagements, so a new one never repeats a seeded reference.
      sprx_name: store.nextAutoNumber(store.metadata.require("sprx_engagement")) ?? null,
      sprx_contactid: ref("contact", contactId),
      sprx_referraldate: day(-scenario.referredDaysAgo),
      sprx_referralsource: Object.values(ReferralSourceValues)[index % Object.values(ReferralSourceValues).length],
      sprx_referralreason: "Feeling cut off since moving to the area.",
      sprx_referrername: "Riverside Surgery",
      sprx_referreremail: "referrals@riverside-surgery.invalid",
      sprx_consent: true,
      sprx_consenttoshare: index % 3 !== 0,
      sprx_plannedsessions: DEFAULT_CONFIGURATION.plannedSessions,
      sprx_extensionapproved: scenario.extensionSessions !== undefined,
      sprx_extensionsessions: scenario.extensionSessions ?? 0,
      sprx_extensionrequests: scenario.extensionSessions ? 1 : 0,
      ...(changedRollups({}, state) as Row),
      sprx_closurereason: reason ? ClosureReasonValues[reason] : null,
      sprx_closuresummary: reason ? "Summary written with the person." : null,
      sprx_checksdone: progress.done,
      sprx_checksrequired: progress.required,
      sprx_checklistcomplete: progress.complete,
      ...(scenario.closed
        ? { statecode: 1, statuscode: 2, sprx_closedon: at(-scenario.closed.daysAgo, 15), sprx_closureeventon: at(-scenario.closed.daysAgo, 15) }
        : { statecode: 0, statuscode: 1 }),
    }, owner);

    sessions.forEach((session, i) => {
      const view = state.sessions.find((s) => s.id === session.id);
      insert("appointment", {
        activityid: session.id,
        subject: `Session ${view?.sessionNumber ?? i + 1}`,
        scheduledstart: session.start.toISOString().replace(/\.\d{3}Z$/, "Z"),
        scheduledend: new Date(session.start.getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        scheduleddurationminutes: 60,
        regardingobjectid: ref("sprx_engagement", engagementId),
        sprx_sessionnumber: view?.sessionNumber ?? null,
        sprx_attendance: AttendanceValues[session.attendance],
        sprx_mode: pick(Object.values(SessionModeValues)),
        ...(session.attendance === "attended" || session.attendance === "didNotAttend" ? { statecode: 1, statuscode: 3 } : session.attendance === "planned" ? { statecode: 3, statuscode: 5 } : { statecode: 2, statuscode: 4 }),
      }, owner);
    });

    for (const [i, item] of configuredItems(DEFAULT_CONFIGURATION).entries()) {
      const done = needed.includes(item);
      insert("sprx_closurecheck", {
        sprx_closurecheckid: demoId(4, (index + 1) * 100 + i), sprx_name: closureCheckLabel(item), sprx_engagementid: ref("sprx_engagement", engagementId),
        sprx_item: ClosureCheckItemValues[item], sprx_done: done, sprx_doneon: done ? at(-2, 12) : null, sprx_donebyid: done ? ref("systemuser", owner) : null,
      }, owner);
    }

    let goalName: string | undefined;
    if (state.sessionsAttended > 0) {
      goalName = pick(["Join a walking group", "Get back to the allotment", "Visit the community café weekly", "Sort out the benefits letter"]);
      insert("sprx_goal", {
        sprx_goalid: demoId(5, index + 1), sprx_name: goalName,
        sprx_engagementid: ref("sprx_engagement", engagementId), sprx_importance: 5 + Math.floor(next() * 5), sprx_confidence: 3 + Math.floor(next() * 6),
        sprx_status: closed ? GoalStatusValues.achieved : GoalStatusValues.inProgress, sprx_reviewdate: day(14), sprx_reviewssinceprogress: 0, sprx_helped: true,
      }, owner);
      const baseline = { satisfied: 3 + (index % 4), worthwhile: 4, happy: 3 + (index % 3), anxious: 6 - (index % 4) };
      const timepoints: [keyof typeof TimepointValues, typeof baseline][] = [["baseline", baseline]];
      if (closingScore) timepoints.push(["closing", { satisfied: baseline.satisfied + 3, worthwhile: 7, happy: baseline.happy + 2, anxious: 2 }]);
      timepoints.forEach(([timepoint, answers], t) => {
        const score = scoreOns4(answers);
        insert("sprx_wellbeingscore", {
          sprx_wellbeingscoreid: demoId(6, (index + 1) * 10 + t), sprx_name: `ONS4 ${timepoint}`, sprx_engagementid: ref("sprx_engagement", engagementId),
          sprx_instrument: InstrumentValues.ons4, sprx_timepoint: TimepointValues[timepoint], sprx_completedon: day(t === 0 ? -scenario.referredDaysAgo + 7 : -3),
          sprx_ons4_satisfied: answers.satisfied, sprx_ons4_worthwhile: answers.worthwhile, sprx_ons4_happy: answers.happy, sprx_ons4_anxious: answers.anxious,
          sprx_ons4_satisfied_band: Ons4BandValues[score.bands.satisfied], sprx_ons4_worthwhile_band: Ons4BandValues[score.bands.worthwhile],
          sprx_ons4_happy_band: Ons4BandValues[score.bands.happy], sprx_ons4_anxious_band: AnxietyBandValues[score.bands.anxious], sprx_scoredon: stamp,
        }, owner);
      });
      if (index % 2 === 0) {
        const ucla = scoreUcla3({ companionship: 2, leftOut: 1 + (index % 3), isolated: 2 });
        insert("sprx_wellbeingscore", {
          sprx_wellbeingscoreid: demoId(6, (index + 1) * 10 + 5), sprx_name: "UCLA-3 baseline", sprx_engagementid: ref("sprx_engagement", engagementId),
          sprx_instrument: InstrumentValues.ucla3, sprx_timepoint: TimepointValues.baseline, sprx_completedon: day(-scenario.referredDaysAgo + 7),
          sprx_ucla_companionship: ucla.items.companionship, sprx_ucla_leftout: ucla.items.leftOut, sprx_ucla_isolated: ucla.items.isolated,
          sprx_ucla_total: ucla.total, sprx_ucla_band: LonelinessBandValues[ucla.band], sprx_scoredon: stamp,
        }, owner);
      }
    }
    const firstAttended = scenario.sessions.find(([, attendance]) => attendance === "attended")?.[0];
    engagements.push({ engagementId, owner, index, goalId: goalName ? demoId(5, index + 1) : undefined, goalName, firstAttended, needsAttended: reason === "goalsMet" });
  });

  // The community directory, and connections from the engagements to it.
  seedCommunityDirectory(insert, (table, id, changes) => store.update(store.metadata.require(table), id, changes), engagements, today, ADMINISTRATOR_USER.id);

  // People referred but not yet met: their contact page offers to start the engagement.
  AWAITING_FIRST_CONTACT.forEach(([firstname, lastname], index) => {
    insert("contact", {
      contactid: demoId(1, 900 + index), firstname, lastname, fullname: `${firstname} ${lastname}`,
      emailaddress1: `${firstname.toLowerCase()}.${lastname.toLowerCase()}@example.invalid`,
    }, LINK_WORKERS[index % LINK_WORKERS.length].id);
  });
}
