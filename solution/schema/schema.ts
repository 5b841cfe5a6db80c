import {
  ATTENDANCES, BARRIERS, CLOSURE_CHECK_ITEMS, CLOSURE_REASONS, GOAL_STATUSES, INSTRUMENTS, REFERRAL_METHODS, REFERRAL_SOURCES,
  SESSION_MODES, SIGNAL_KINDS, STAGES, TIMEPOINTS,
} from "../../domain/vocabulary";
import type { AnxietyBand, LonelinessBand, Ons4Band } from "../../domain/wellbeing";
import { communityChoices, communityRelationships, communityTables, engagementCommunityColumns } from "./community";
import type { ChoiceDeclaration, ColumnDeclaration, SchemaDeclaration } from "./model";

/** Publisher option value prefix 72700: custom choice values start at 727000000. */
const OPTION_BASE = 727_000_000;

function choice<K extends string>(
  name: string,
  displayName: string,
  description: string,
  keys: readonly K[],
  labels: Record<K, string>,
): ChoiceDeclaration<K> {
  return { name, displayName, description, options: keys.map((key, i) => ({ value: OPTION_BASE + i, key, label: labels[key] })) };
}

const yesNo = (defaultValue = false) => ({ kind: "boolean", trueLabel: "Yes", falseLabel: "No", defaultValue }) as const;
const count = (logicalName: string, displayName: string, description: string): ColumnDeclaration => ({
  logicalName, displayName, description, type: { kind: "integer", min: 0, max: 1000 }, maintainedByServer: true,
});
const engagementLookup = (relationship: string): ColumnDeclaration => ({
  logicalName: "sprx_engagementid", displayName: "Engagement", description: "The engagement this row belongs to.",
  type: { kind: "lookup", target: "sprx_engagement", relationship }, required: "required",
});

export const choices = {
  stage: choice("sprx_stage", "Engagement stage", "Focus of the next session in the six-appointment model.", STAGES, {
    establishing: "Establishing", reviewing: "Reviewing", buildingIndependence: "Building independence", closing: "Closing", closed: "Closed",
  }),
  attendance: choice("sprx_attendance", "Session attendance", "Whether a session took place.", ATTENDANCES, {
    planned: "Planned", attended: "Attended", didNotAttend: "Did not attend", cancelledByPerson: "Cancelled by the person", cancelledByService: "Cancelled by the service",
  }),
  sessionMode: choice("sprx_sessionmode", "Session mode", "How a session is held.", SESSION_MODES, {
    inPerson: "In person", phone: "Phone", video: "Video", homeVisit: "Home visit",
  }),
  closureReason: choice("sprx_closurereason", "Closure reason", "Why an engagement ended.", CLOSURE_REASONS, {
    goalsMet: "Goals met", redirected: "Redirected to more suitable support", notRightTime: "Not the right time / declined",
    disengaged: "Disengaged", movedAway: "Moved away", deceased: "Deceased", other: "Other",
  }),
  closureCheckItem: choice("sprx_closurecheckitem", "Closure check", "An item of the closure checklist.", CLOSURE_CHECK_ITEMS, {
    achievementsCelebrated: "Achievements reviewed and celebrated", stayingWellPlanAgreed: "Next steps for staying well agreed",
    communitySupportConfirmed: "Community support in place confirmed", closingWellbeingRecorded: "Closing wellbeing measure recorded",
    referrerInformed: "Referrer informed of the outcome", futureSessionsCancelled: "No future sessions left booked",
    alternativeSupportDiscussed: "Better-suited support discussed", alternativeSupportArranged: "Referral to that support made",
    returnRouteExplained: "Person knows how to come back", contactAttemptsMade: "Attempts to reach the person made",
    onwardSignpostingGiven: "Services in the new area signposted",
  }),
  barrier: choice("sprx_barrier", "Barrier", "What is slowing progress.", BARRIERS, {
    lowConfidence: "Low confidence or fear of failure", coDependency: "Relying heavily on the link worker",
    negativeServiceExperience: "Bad experiences of services before", traumaOrGrief: "Trauma or grief not yet addressed",
  }),
  goalStatus: choice("sprx_goalstatus", "Goal status", "Progress of a goal in the plan.", GOAL_STATUSES, {
    notStarted: "Not started", inProgress: "In progress", achieved: "Achieved", setAside: "Set aside",
  }),
  instrument: choice("sprx_instrument", "Wellbeing measure", "Which outcome measure was used.", INSTRUMENTS, {
    ons4: "ONS4 personal wellbeing", ucla3: "UCLA 3-item loneliness",
  }),
  timepoint: choice("sprx_timepoint", "Measure time point", "When in the engagement a measure was taken.", TIMEPOINTS, {
    baseline: "Baseline", review: "Review", closing: "Closing", followUp: "Follow-up",
  }),
  referralSource: choice("sprx_referralsource", "Referral source", "Who referred the person.", REFERRAL_SOURCES, {
    gp: "GP", otherHealthProfessional: "Other health professional", socialCare: "Social care", voluntarySector: "Voluntary sector",
    selfReferral: "Self-referral", other: "Other",
  }),
  referralMethod: choice("sprx_referralmethod", "Referral method", "How the referral arrived.", REFERRAL_METHODS, {
    electronic: "Electronic referral system", email: "Email", letter: "Letter", telephone: "Telephone", inPerson: "In person",
  }),
  signal: choice("sprx_conversationsignal", "Conversation signal", "Why a courageous conversation is suggested.", SIGNAL_KINDS, {
    dnaStreak: "Missed sessions in a row", beyondPlan: "Beyond the planned sessions", repeatedExtensions: "Repeated extension requests",
    lateGoalGrowth: "New goals late in the engagement", stalledGoals: "Goals not progressing",
  }),
  ons4Band: choice<Ons4Band>("sprx_ons4band", "ONS4 band", "Band of an ONS4 wellbeing answer.", ["low", "medium", "high", "veryHigh"], {
    low: "Low (0–4)", medium: "Medium (5–6)", high: "High (7–8)", veryHigh: "Very high (9–10)",
  }),
  anxietyBand: choice<AnxietyBand>("sprx_anxietyband", "ONS4 anxiety band", "Band of the ONS4 anxiety answer.", ["veryLow", "low", "medium", "high"], {
    veryLow: "Very low (0–1)", low: "Low (2–3)", medium: "Medium (4–5)", high: "High (6–10)",
  }),
  lonelinessBand: choice<LonelinessBand>("sprx_lonelinessband", "Loneliness band", "Band of the UCLA-3 total.", ["notLonely", "lonely"], {
    notLonely: "Not lonely (3–5)", lonely: "Lonely (6–9)",
  }),
  ...communityChoices,
} as const;

export const schema: SchemaDeclaration = {
  publisher: {
    uniqueName: "sprx",
    displayName: "Social Prescribing Engagement",
    prefix: "sprx",
    optionValuePrefix: 72700,
    description: "Publisher of the Social Prescribing Engagement solution: link workers' six-appointment tracker, stage guidance and closure checklist for Dynamics 365.",
  },
  solution: { uniqueName: "SocialPrescribingEngagement", displayName: "Social Prescribing Engagement", version: "1.0.0.0" },
  choices: Object.values(choices),
  tables: [
    {
      logicalName: "sprx_engagement",
      entitySetName: "sprx_engagements",
      displayName: "Engagement",
      pluralName: "Engagements",
      description: "One referral episode of one person with a link worker: up to six sessions over 12–16 weeks.",
      ownership: "user",
      hasActivities: true,
      primaryName: { logicalName: "sprx_name", displayName: "Reference", maxLength: 100, autoNumberFormat: "ENG-{SEQNUM:6}" },
      statuses: [
        { state: 0, stateLabel: "Active", value: 1, label: "Active" },
        { state: 1, stateLabel: "Inactive", value: 2, label: "Closed" },
      ],
      columns: [
        { logicalName: "sprx_contactid", displayName: "Person", description: "The person being supported.", type: { kind: "lookup", target: "contact", relationship: "sprx_contact_sprx_engagement" }, required: "required" },
        { logicalName: "sprx_referraldate", displayName: "Referral date", description: "When the referral was received.", type: { kind: "date" }, required: "required" },
        { logicalName: "sprx_referralsource", displayName: "Referral source", description: "Who referred the person.", type: { kind: "choice", choice: "sprx_referralsource" }, required: "recommended" },
        { logicalName: "sprx_referralreason", displayName: "Reason for referral", description: "Why the person was referred, in the referrer's or the person's words.", type: { kind: "memo", maxLength: 4000 }, required: "recommended" },
        { logicalName: "sprx_referrername", displayName: "Referrer", description: "Name of the referring professional or service.", type: { kind: "string", maxLength: 200 } },
        { logicalName: "sprx_referrerrole", displayName: "Referrer role", description: "The referrer's role, e.g. practice nurse.", type: { kind: "string", maxLength: 200 } },
        { logicalName: "sprx_referrerorganisation", displayName: "Referrer organisation", description: "The referrer's organisation or service, e.g. the GP practice.", type: { kind: "string", maxLength: 200 } },
        { logicalName: "sprx_referreremail", displayName: "Referrer email", description: "Where the closure summary is sent.", type: { kind: "string", maxLength: 320, format: "email" } },
        { logicalName: "sprx_referralmethod", displayName: "Referral method", description: "How the referral arrived.", type: { kind: "choice", choice: "sprx_referralmethod" } },
        { logicalName: "sprx_consent", displayName: "Consent to the service", description: "The person agreed to work with the service and for their record to be kept.", type: yesNo() },
        { logicalName: "sprx_consenttoshare", displayName: "Consent to share outcome", description: "The person agreed that the closure summary may be sent to the referrer.", type: yesNo() },
        { logicalName: "sprx_whatmatters", displayName: "What matters to the person", description: "In the person's own words.", type: { kind: "memo", maxLength: 4000 } },
        { logicalName: "sprx_stage", displayName: "Stage", description: "Focus of the next session; maintained by the server.", type: { kind: "choice", choice: "sprx_stage", defaultValue: OPTION_BASE }, maintainedByServer: true },
        { logicalName: "sprx_plannedsessions", displayName: "Planned sessions", description: "Sessions in the plan (default six).", type: { kind: "integer", min: 1, max: 52, defaultValue: 6 } },
        count("sprx_sessionsattended", "Sessions attended", "Sessions the person attended."),
        count("sprx_sessionsdna", "Sessions not attended", "Sessions the person did not attend."),
        count("sprx_sessionscancelled", "Sessions cancelled", "Sessions cancelled by either side."),
        count("sprx_sessionsbooked", "Sessions used or booked", "Attended sessions plus future booked ones."),
        count("sprx_consecutivedna", "Missed in a row", "Did-not-attends since the last attended session."),
        { logicalName: "sprx_firstsessionon", displayName: "First session", description: "When the first session was held or offered.", type: { kind: "datetime" }, maintainedByServer: true },
        { logicalName: "sprx_lastsessionon", displayName: "Last session attended", description: "When the person last attended.", type: { kind: "datetime" }, maintainedByServer: true },
        { logicalName: "sprx_nextsessionon", displayName: "Next session", description: "The next booked session.", type: { kind: "datetime" }, maintainedByServer: true },
        { logicalName: "sprx_windowstart", displayName: "Window start", description: "Start of the 12–16 week window.", type: { kind: "date" }, maintainedByServer: true },
        { logicalName: "sprx_windowtargetend", displayName: "Closing from", description: "The window's target end (week 12 by default).", type: { kind: "date" }, maintainedByServer: true },
        { logicalName: "sprx_windowend", displayName: "Window end", description: "The window's limit (week 16 by default).", type: { kind: "date" }, maintainedByServer: true },
        { logicalName: "sprx_beyondplan", displayName: "Beyond plan without extension", description: "More sessions used or booked than the plan allows.", type: yesNo(), maintainedByServer: true },
        { logicalName: "sprx_conversationsuggested", displayName: "Courageous conversation suggested", description: "A signal suggests an honest conversation about the engagement.", type: yesNo(), maintainedByServer: true },
        { logicalName: "sprx_conversationsignals", displayName: "Conversation signals", description: "Why a courageous conversation is suggested.", type: { kind: "multichoice", choice: "sprx_conversationsignal" }, maintainedByServer: true },
        count("sprx_extensionrequests", "Extension requests", "How often an extension was asked for."),
        { logicalName: "sprx_extensionapproved", displayName: "Extension approved", description: "A supervisor approved sessions beyond the plan.", type: yesNo() },
        { logicalName: "sprx_extensionsessions", displayName: "Extra sessions approved", description: "Sessions added by the approved extension.", type: { kind: "integer", min: 0, max: 26, defaultValue: 0 } },
        { logicalName: "sprx_extensionreason", displayName: "Extension reason", description: "Why more sessions are needed.", type: { kind: "memo", maxLength: 2000 } },
        { logicalName: "sprx_extensionapproverid", displayName: "Extension approved by", description: "The supervisor who approved the extension.", type: { kind: "lookup", target: "systemuser", relationship: "sprx_systemuser_sprx_engagement_extensionapprover" } },
        { logicalName: "sprx_barriers", displayName: "Barriers", description: "What is slowing progress.", type: { kind: "multichoice", choice: "sprx_barrier" } },
        { logicalName: "sprx_sensitivenotes", displayName: "Sensitive notes", description: "Trauma or grief notes; visible only to the field security profile.", type: { kind: "memo", maxLength: 4000 }, secured: true },
        { logicalName: "sprx_suggestedslots", displayName: "Suggested next slots", description: "Next-session times suggested by the server (JSON).", type: { kind: "memo", maxLength: 4000 }, maintainedByServer: true },
        { logicalName: "sprx_closurereason", displayName: "Closure reason", description: "Why the engagement ended.", type: { kind: "choice", choice: "sprx_closurereason" } },
        { logicalName: "sprx_closuresummary", displayName: "Closure summary", description: "What happened, for the referrer.", type: { kind: "memo", maxLength: 10000 } },
        { logicalName: "sprx_nextsteps", displayName: "Next steps", description: "What the person will do to stay well.", type: { kind: "memo", maxLength: 4000 } },
        { logicalName: "sprx_gpactionrequired", displayName: "GP action needed", description: "Whether the GP needs to act on the closure.", type: yesNo() },
        { logicalName: "sprx_gpactiondetail", displayName: "GP action", description: "What the GP is asked to do.", type: { kind: "memo", maxLength: 2000 } },
        { logicalName: "sprx_closedon", displayName: "Closed on", description: "When the engagement closed.", type: { kind: "datetime" }, maintainedByServer: true },
        { logicalName: "sprx_checklistcomplete", displayName: "Checklist complete", description: "Every check the closure reason needs is done.", type: yesNo(), maintainedByServer: true },
        count("sprx_checksdone", "Checks done", "Closure checks ticked."),
        count("sprx_checksrequired", "Checks required", "Closure checks the reason needs."),
        { logicalName: "sprx_ons4satisfiedchange", displayName: "Life satisfaction change", description: "ONS4 life satisfaction, latest minus baseline.", type: { kind: "integer", min: -10, max: 10 }, maintainedByServer: true },
        { logicalName: "sprx_uclachange", displayName: "Loneliness change", description: "UCLA-3 total, latest minus baseline (negative is better).", type: { kind: "integer", min: -6, max: 6 }, maintainedByServer: true },
        { logicalName: "sprx_closureeventon", displayName: "Closure event raised", description: "When the closure business event was raised (once per closure).", type: { kind: "datetime" }, maintainedByServer: true },
        { logicalName: "sprx_referrernotifiedon", displayName: "Referrer notified", description: "When the closure summary was emailed to the referrer.", type: { kind: "datetime" }, maintainedByServer: true },
        ...engagementCommunityColumns,
      ],
    },
    {
      logicalName: "appointment",
      entitySetName: "appointments",
      displayName: "Appointment",
      pluralName: "Appointments",
      description: "Built-in appointment activity; a session when regarding an engagement.",
      existing: { primaryIdAttribute: "activityid", primaryNameAttribute: "subject" },
      columns: [
        { logicalName: "sprx_sessionnumber", displayName: "Session number", description: "Which session of the engagement this is.", type: { kind: "integer", min: 1, max: 52 }, maintainedByServer: true },
        { logicalName: "sprx_attendance", displayName: "Attendance", description: "Whether the session took place.", type: { kind: "choice", choice: "sprx_attendance", defaultValue: OPTION_BASE } },
        { logicalName: "sprx_mode", displayName: "Mode", description: "How the session is held.", type: { kind: "choice", choice: "sprx_sessionmode" } },
      ],
    },
    {
      logicalName: "sprx_goal",
      entitySetName: "sprx_goals",
      displayName: "Goal",
      pluralName: "Goals",
      description: "A goal of the co-created plan.",
      ownership: "user",
      primaryName: { logicalName: "sprx_name", displayName: "Goal", maxLength: 200 },
      columns: [
        engagementLookup("sprx_engagement_sprx_goal"),
        { logicalName: "sprx_importance", displayName: "Importance", description: "How much it matters to the person (1–10).", type: { kind: "integer", min: 1, max: 10 } },
        { logicalName: "sprx_confidence", displayName: "Confidence", description: "How confident the person feels (1–10).", type: { kind: "integer", min: 1, max: 10 } },
        { logicalName: "sprx_status", displayName: "Status", description: "Progress of the goal.", type: { kind: "choice", choice: "sprx_goalstatus", defaultValue: OPTION_BASE } },
        { logicalName: "sprx_reviewdate", displayName: "Review date", description: "When to look at it again.", type: { kind: "date" } },
        { logicalName: "sprx_reviewssinceprogress", displayName: "Reviews without progress", description: "Reviews in a row with no gain in confidence.", type: { kind: "integer", min: 0, max: 100, defaultValue: 0 } },
        { logicalName: "sprx_supportarranged", displayName: "Support arranged", description: "Activities or services arranged for this goal.", type: { kind: "memo", maxLength: 2000 } },
        { logicalName: "sprx_helped", displayName: "Support helped", description: "Whether the support arranged helped.", type: yesNo(true) },
      ],
    },
    {
      logicalName: "sprx_closurecheck",
      entitySetName: "sprx_closurechecks",
      displayName: "Closure check",
      pluralName: "Closure checks",
      description: "One item of an engagement's closure checklist.",
      ownership: "user",
      primaryName: { logicalName: "sprx_name", displayName: "Check", maxLength: 200 },
      // One row per item per engagement, so creating the checklist twice (a retried async step) cannot duplicate it.
      keys: [{ name: "sprx_closurecheck_engagement_item", displayName: "Engagement and item", columns: ["sprx_engagementid", "sprx_item"] }],
      columns: [
        engagementLookup("sprx_engagement_sprx_closurecheck"),
        { logicalName: "sprx_item", displayName: "Item", description: "Which check this is.", type: { kind: "choice", choice: "sprx_closurecheckitem" }, required: "required" },
        { logicalName: "sprx_done", displayName: "Done", description: "Whether the check is done.", type: yesNo() },
        { logicalName: "sprx_doneon", displayName: "Done on", description: "When it was ticked.", type: { kind: "datetime" } },
        { logicalName: "sprx_donebyid", displayName: "Done by", description: "Who ticked it.", type: { kind: "lookup", target: "systemuser", relationship: "sprx_systemuser_sprx_closurecheck_doneby" } },
        { logicalName: "sprx_note", displayName: "Note", description: "Optional note on the check.", type: { kind: "memo", maxLength: 2000 } },
      ],
    },
    {
      logicalName: "sprx_wellbeingscore",
      entitySetName: "sprx_wellbeingscores",
      displayName: "Wellbeing score",
      pluralName: "Wellbeing scores",
      description: "An outcome measure taken at baseline, review, closing or follow-up.",
      ownership: "user",
      primaryName: { logicalName: "sprx_name", displayName: "Measure", maxLength: 100 },
      columns: [
        engagementLookup("sprx_engagement_sprx_wellbeingscore"),
        { logicalName: "sprx_instrument", displayName: "Measure", description: "ONS4 or UCLA-3.", type: { kind: "choice", choice: "sprx_instrument" }, required: "required" },
        { logicalName: "sprx_timepoint", displayName: "Time point", description: "Baseline, review, closing or follow-up.", type: { kind: "choice", choice: "sprx_timepoint" }, required: "required" },
        { logicalName: "sprx_completedon", displayName: "Completed on", description: "When the person answered.", type: { kind: "date" }, required: "required" },
        ...(["satisfied", "worthwhile", "happy", "anxious"] as const).map((item): ColumnDeclaration => ({
          logicalName: `sprx_ons4_${item}`, displayName: `ONS4 ${item}`, description: `ONS4 ${item} answer (0–10).`, type: { kind: "integer", min: 0, max: 10 },
        })),
        ...(["satisfied", "worthwhile", "happy"] as const).map((item): ColumnDeclaration => ({
          logicalName: `sprx_ons4_${item}_band`, displayName: `ONS4 ${item} band`, description: `Band of the ${item} answer.`, type: { kind: "choice", choice: "sprx_ons4band" }, maintainedByServer: true,
        })),
        { logicalName: "sprx_ons4_anxious_band", displayName: "ONS4 anxious band", description: "Band of the anxiety answer.", type: { kind: "choice", choice: "sprx_anxietyband" }, maintainedByServer: true },
        ...([["companionship", "lack companionship"], ["leftout", "feel left out"], ["isolated", "feel isolated"]] as const).map(([item, words]): ColumnDeclaration => ({
          logicalName: `sprx_ucla_${item}`, displayName: `UCLA ${words}`, description: `How often the person feels they ${words} (1–3).`, type: { kind: "integer", min: 1, max: 3 },
        })),
        { logicalName: "sprx_ucla_total", displayName: "UCLA total", description: "UCLA-3 total (3–9), computed by the server.", type: { kind: "integer", min: 3, max: 9 }, maintainedByServer: true },
        { logicalName: "sprx_ucla_band", displayName: "Loneliness band", description: "Band of the UCLA-3 total.", type: { kind: "choice", choice: "sprx_lonelinessband" }, maintainedByServer: true },
        { logicalName: "sprx_scoredon", displayName: "Scored on", description: "When the server last computed totals and bands.", type: { kind: "datetime" }, maintainedByServer: true },
      ],
    },
    ...communityTables,
  ],
  relationships: [
    { name: "sprx_contact_sprx_engagement", referencedTable: "contact", referencingTable: "sprx_engagement", lookup: "sprx_contactid", navigationProperty: "sprx_contactid", collectionProperty: "sprx_contact_sprx_engagement", cascade: "restrict" },
    { name: "sprx_systemuser_sprx_engagement_extensionapprover", referencedTable: "systemuser", referencingTable: "sprx_engagement", lookup: "sprx_extensionapproverid", navigationProperty: "sprx_extensionapproverid", collectionProperty: "sprx_systemuser_sprx_engagement_extensionapprover", cascade: "referential" },
    { name: "sprx_engagement_sprx_goal", referencedTable: "sprx_engagement", referencingTable: "sprx_goal", lookup: "sprx_engagementid", navigationProperty: "sprx_engagementid", collectionProperty: "sprx_engagement_sprx_goal", cascade: "parental" },
    { name: "sprx_engagement_sprx_closurecheck", referencedTable: "sprx_engagement", referencingTable: "sprx_closurecheck", lookup: "sprx_engagementid", navigationProperty: "sprx_engagementid", collectionProperty: "sprx_engagement_sprx_closurecheck", cascade: "parental" },
    { name: "sprx_engagement_sprx_wellbeingscore", referencedTable: "sprx_engagement", referencingTable: "sprx_wellbeingscore", lookup: "sprx_engagementid", navigationProperty: "sprx_engagementid", collectionProperty: "sprx_engagement_sprx_wellbeingscore", cascade: "parental" },
    { name: "sprx_systemuser_sprx_closurecheck_doneby", referencedTable: "systemuser", referencingTable: "sprx_closurecheck", lookup: "sprx_donebyid", navigationProperty: "sprx_donebyid", collectionProperty: "sprx_systemuser_sprx_closurecheck_doneby", cascade: "referential" },
    // Activities enabled on the engagement: Dataverse names this relationship and
    // the appointment's navigation property after the activity table.
    { name: "sprx_engagement_Appointments", referencedTable: "sprx_engagement", referencingTable: "appointment", lookup: "regardingobjectid", navigationProperty: "regardingobjectid_sprx_engagement_appointment", collectionProperty: "sprx_engagement_Appointments", cascade: "parental" },
    ...communityRelationships,
  ],
};

/** Option value of a domain key, e.g. optionValue(choices.stage, "closing") → 727000003. */
export function optionValue<K extends string>(decl: ChoiceDeclaration<K>, key: K): number {
  const option = decl.options.find((o) => o.key === key);
  if (!option) throw new RangeError(`No option "${key}" in ${decl.name}`);
  return option.value;
}

/** Domain key of an option value, or undefined for a value the choice does not have. */
export function optionKey<K extends string>(decl: ChoiceDeclaration<K>, value: number | null | undefined): K | undefined {
  return decl.options.find((o) => o.value === value)?.key;
}

export const ENGAGEMENT_CLOSED_STATUS = { statecode: 1, statuscode: 2 } as const;
