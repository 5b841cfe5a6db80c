import type { Attendance, ClosureCheckItem, ClosureReason, GoalStatus, Instrument, ReferralMethod, ReferralSource, SessionMode, Timepoint } from "../../domain";
import { type ConnectionChanges, type DirectoryService, type NewConnection, communityStore } from "./communityStore";
import type { DataverseGateway, RowData, Versioned } from "./gateway";
import {
  AttendanceValues,
  ClosureCheckItemValues,
  ClosureReasonValues,
  GoalStatusValues,
  InstrumentValues,
  ReferralMethodValues,
  ReferralSourceValues,
  SessionModeValues,
  TimepointValues,
  type AppointmentRow,
  type ClosureCheckRow,
  type ConnectionRow,
  type EngagementRow,
  type EngagementWithDetail,
  type GoalRow,
  type WellbeingScoreRow,
} from "./rows";

/** Everything the contact form's controls show about one person. */
export interface ContactEngagements {
  /** The open engagement, or else the most recent closed one; undefined when the person has none. */
  readonly engagement?: EngagementRow;
  readonly sessions: readonly AppointmentRow[];
  readonly goals: readonly GoalRow[];
  readonly checks: readonly ClosureCheckRow[];
  readonly scores: readonly WellbeingScoreRow[];
  /** Connections to community services (issue 15); absent where a caller built the data without them. */
  readonly connections?: readonly ConnectionRow[];
  /** Every other engagement of the person, newest first, for re-referrals. */
  readonly pastEngagements: readonly EngagementRow[];
}

export interface NewEngagement {
  readonly referralDate: string;
  readonly source: ReferralSource;
  readonly reason: string;
  readonly consent: boolean;
  /** Consent to share the outcome with the referrer. */
  readonly consentToShare: boolean;
  /** Who referred (PRSB referrer details); none for a self-referral. */
  readonly referrer?: { readonly name: string; readonly role: string; readonly organisation: string; readonly email: string };
  readonly method?: ReferralMethod;
}

export interface NewSession {
  readonly number: number;
  readonly start: Date;
  readonly end: Date;
  readonly mode: SessionMode;
}

export interface GoalInput {
  readonly name: string;
  readonly importance: number;
  readonly confidence: number;
  readonly status: GoalStatus;
  readonly reviewDate?: string | null;
}

export interface WellbeingInput {
  readonly instrument: Instrument;
  readonly timepoint: Timepoint;
  readonly completedOn: string;
  /** Column → answer, e.g. { sprx_ons4_happy: 7 }. */
  readonly answers: Readonly<Record<string, number>>;
}

/** The data access port of the three controls: one load, then the writes each control makes. */
export interface EngagementStore {
  loadForContact(contactId: string): Promise<ContactEngagements>;
  startEngagement(contactId: string, input: NewEngagement): Promise<string>;
  updateEngagement(engagement: Versioned, changes: RowData): Promise<void>;
  bookSession(engagementId: string, session: NewSession): Promise<string>;
  updateSession(session: Versioned, changes: { attendance?: Attendance; start?: Date; end?: Date; mode?: SessionMode }): Promise<void>;
  createGoal(engagementId: string, goal: GoalInput): Promise<string>;
  updateGoal(goal: Versioned, changes: GoalInput & { readonly reviewsSinceProgress: number }): Promise<void>;
  recordWellbeing(engagementId: string, score: WellbeingInput): Promise<string>;
  /** Corrects a stored measure (its timepoint, date and answers). */
  correctWellbeing(measure: Versioned, score: WellbeingInput): Promise<void>;
  deleteWellbeing(measure: Versioned): Promise<void>;
  /** Ticks or unticks one check, creating its row the first time. */
  saveCheck(engagementId: string, existing: Versioned | undefined, check: CheckInput): Promise<void>;
  closeEngagement(engagement: Versioned, closure: { reason: ClosureReason; summary: string; nextSteps: string }): Promise<void>;
  reopenEngagement(engagement: Versioned): Promise<void>;
  /** Community support (issue 15, communityStore.ts): the directory, and connecting the person to a service. */
  loadDirectory(): Promise<DirectoryService[]>;
  connect(engagementId: string, connection: NewConnection): Promise<string>;
  updateConnection(connection: Versioned, changes: ConnectionChanges): Promise<void>;
}

export interface CheckInput {
  readonly item: ClosureCheckItem;
  readonly label: string;
  readonly done: boolean;
  readonly note: string;
  /** The signed-in user (context.userSettings.userId), recorded as who ticked it. */
  readonly userId: string;
  readonly now: Date;
}

const ENGAGEMENT_COLUMNS = [
  "sprx_engagementid", "sprx_name", "statecode", "statuscode", "createdon", "sprx_referraldate", "sprx_referralsource", "_sprx_contactid_value",
  "sprx_referralreason", "sprx_consent", "sprx_stage", "sprx_plannedsessions", "sprx_extensionrequests",
  "sprx_extensionapproved", "sprx_extensionsessions", "sprx_extensionreason", "sprx_barriers", "sprx_suggestedslots",
  "sprx_closurereason", "sprx_closuresummary", "sprx_nextsteps", "sprx_closedon", "sprx_windowstart", "sprx_windowend",
  "sprx_sessionsattended", "sprx_referrername", "sprx_referrerrole", "sprx_referrerorganisation", "sprx_referreremail", "sprx_referralmethod",
  "sprx_consenttoshare",
];
const PAST_COLUMNS = ["sprx_engagementid", "sprx_name", "statecode", "statuscode", "createdon", "sprx_referraldate", "sprx_referralsource", "sprx_closurereason", "sprx_closedon", "sprx_sessionsattended"];
const EXPANDS = {
  sprx_engagement_Appointments: ["activityid", "subject", "scheduledstart", "scheduledend", "statecode", "sprx_sessionnumber", "sprx_attendance", "sprx_mode"],
  sprx_engagement_sprx_goal: ["sprx_goalid", "sprx_name", "createdon", "sprx_importance", "sprx_confidence", "sprx_status", "sprx_reviewdate", "sprx_reviewssinceprogress"],
  sprx_engagement_sprx_closurecheck: ["sprx_closurecheckid", "sprx_item", "sprx_done", "sprx_doneon", "_sprx_donebyid_value", "sprx_note"],
  sprx_engagement_sprx_wellbeingscore: [
    "sprx_wellbeingscoreid", "sprx_instrument", "sprx_timepoint", "sprx_completedon", "createdon", "sprx_ons4_satisfied", "sprx_ons4_worthwhile",
    "sprx_ons4_happy", "sprx_ons4_anxious", "sprx_ucla_companionship", "sprx_ucla_leftout", "sprx_ucla_isolated", "sprx_ucla_total",
  ],
  sprx_engagement_sprx_connection: [
    "sprx_connectionid", "sprx_name", "_sprx_serviceid_value", "_sprx_goalid_value", "sprx_kind", "sprx_status", "sprx_suggestedon", "sprx_referredon",
    "sprx_attendedon", "sprx_outcomeon", "sprx_outcomereason", "sprx_followupon", "createdon",
  ],
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record id the Web API accepts, braces stripped; anything else is refused before it reaches a URL. */
export function recordId(id: string): string {
  const bare = id.replace(/[{}]/g, "").toLowerCase();
  if (!GUID.test(bare)) throw new RangeError("Not a record id");
  return bare;
}

/** The two load queries, exported so the local Dataverse's tests and the benchmark can run the very same ones. */
export function loadQueries(contactId: string): { current: string; all: string } {
  const id = recordId(contactId);
  const expand = Object.entries(EXPANDS)
    .map(([navigation, columns]) => `${navigation}($select=${columns.join(",")})`)
    .join(",");
  const filter = `$filter=_sprx_contactid_value eq ${id}`;
  return {
    // Open engagements sort first (statecode 0), then the newest.
    current: `?$select=${ENGAGEMENT_COLUMNS.join(",")}&${filter}&$orderby=statecode asc,createdon desc&$top=1&$expand=${expand}`,
    all: `?$select=${PAST_COLUMNS.join(",")}&${filter}&$orderby=createdon desc`,
  };
}

const at = (date: Date) => date.toISOString();

export function createEngagementStore(gateway: DataverseGateway): EngagementStore {
  return {
    ...communityStore(gateway),
    async loadForContact(contactId) {
      const queries = loadQueries(contactId);
      const [current, all] = await Promise.all([
        gateway.retrieveMultiple("engagement", queries.current),
        gateway.retrieveMultiple("engagement", queries.all),
      ]);
      const found = current[0] as EngagementWithDetail | undefined;
      if (!found) return { sessions: [], goals: [], checks: [], scores: [], connections: [], pastEngagements: all };
      const {
        sprx_engagement_Appointments: sessions,
        sprx_engagement_sprx_goal: goals,
        sprx_engagement_sprx_closurecheck: checks,
        sprx_engagement_sprx_wellbeingscore: scores,
        sprx_engagement_sprx_connection: connections,
        ...engagement
      } = found;
      return {
        engagement,
        sessions: sessions ?? [],
        goals: goals ?? [],
        checks: checks ?? [],
        scores: scores ?? [],
        connections: connections ?? [],
        pastEngagements: (all as EngagementRow[]).filter((e) => e.sprx_engagementid !== engagement.sprx_engagementid),
      };
    },

    startEngagement(contactId, input) {
      return gateway.create("engagement", {
        "sprx_contactid@odata.bind": `/contacts(${recordId(contactId)})`,
        sprx_referraldate: input.referralDate,
        sprx_referralsource: ReferralSourceValues[input.source],
        sprx_referralreason: input.reason,
        sprx_consent: input.consent,
        sprx_consenttoshare: input.consentToShare,
        ...(input.referrer
          ? {
              sprx_referrername: input.referrer.name,
              sprx_referrerrole: input.referrer.role || null,
              sprx_referrerorganisation: input.referrer.organisation || null,
              sprx_referreremail: input.referrer.email || null,
            }
          : {}),
        ...(input.method ? { sprx_referralmethod: ReferralMethodValues[input.method] } : {}),
      });
    },

    updateEngagement(engagement, changes) {
      return gateway.update("engagement", engagement, changes);
    },

    bookSession(engagementId, session) {
      return gateway.create("appointment", {
        subject: `Social prescribing session ${session.number}`,
        scheduledstart: at(session.start),
        scheduledend: at(session.end),
        sprx_sessionnumber: session.number,
        sprx_mode: SessionModeValues[session.mode],
        sprx_attendance: AttendanceValues.planned,
        "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${recordId(engagementId)})`,
      });
    },

    updateSession(session, changes) {
      const data: RowData = {};
      if (changes.attendance) data.sprx_attendance = AttendanceValues[changes.attendance];
      if (changes.start) data.scheduledstart = at(changes.start);
      if (changes.end) data.scheduledend = at(changes.end);
      if (changes.mode) data.sprx_mode = SessionModeValues[changes.mode];
      return gateway.update("appointment", session, data);
    },

    createGoal(engagementId, goal) {
      return gateway.create("goal", {
        ...goalData(goal),
        sprx_reviewssinceprogress: 0,
        "sprx_engagementid@odata.bind": `/sprx_engagements(${recordId(engagementId)})`,
      });
    },

    updateGoal(goal, changes) {
      return gateway.update("goal", goal, { ...goalData(changes), sprx_reviewssinceprogress: changes.reviewsSinceProgress });
    },

    recordWellbeing(engagementId, score) {
      return gateway.create("wellbeingScore", {
        sprx_instrument: InstrumentValues[score.instrument],
        sprx_timepoint: TimepointValues[score.timepoint],
        sprx_completedon: score.completedOn,
        ...score.answers,
        "sprx_engagementid@odata.bind": `/sprx_engagements(${recordId(engagementId)})`,
      });
    },

    correctWellbeing(measure, score) {
      return gateway.update("wellbeingScore", measure, {
        sprx_instrument: InstrumentValues[score.instrument],
        sprx_timepoint: TimepointValues[score.timepoint],
        sprx_completedon: score.completedOn,
        ...score.answers,
      });
    },

    deleteWellbeing(measure) {
      return gateway.delete("wellbeingScore", measure);
    },

    async saveCheck(engagementId, existing, check) {
      const data: RowData = {
        sprx_done: check.done,
        sprx_note: check.note.trim() || null,
        sprx_doneon: check.done ? at(check.now) : null,
        // Unticking clears who ticked it: a disassociation is a null bind on update.
        "sprx_donebyid@odata.bind": check.done ? `/systemusers(${recordId(check.userId)})` : null,
      };
      if (existing) return gateway.update("closureCheck", existing, data);
      if (!check.done) delete data["sprx_donebyid@odata.bind"];
      await gateway.create("closureCheck", {
        ...data,
        sprx_name: check.label,
        sprx_item: ClosureCheckItemValues[check.item],
        "sprx_engagementid@odata.bind": `/sprx_engagements(${recordId(engagementId)})`,
      });
    },

    closeEngagement(engagement, closure) {
      return gateway.update("engagement", engagement, {
        statecode: 1,
        statuscode: 2,
        sprx_closurereason: ClosureReasonValues[closure.reason],
        sprx_closuresummary: closure.summary,
        sprx_nextsteps: closure.nextSteps,
      });
    },

    reopenEngagement(engagement) {
      return gateway.update("engagement", engagement, { statecode: 0, statuscode: 1 });
    },
  };
}

function goalData(goal: GoalInput): RowData {
  return {
    sprx_name: goal.name.trim(),
    sprx_importance: goal.importance,
    sprx_confidence: goal.confidence,
    sprx_status: GoalStatusValues[goal.status],
    sprx_reviewdate: goal.reviewDate ?? null,
  };
}
