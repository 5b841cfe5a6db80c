/**
 * The words of the engagement model. Every other layer (schema, webhook steps,
 * controls, local Dataverse) speaks in these keys; the schema maps each key to
 * its Dataverse option value, so the domain never sees a number like 727000000.
 */

export const STAGES = ["establishing", "reviewing", "buildingIndependence", "closing", "closed"] as const;
export type Stage = (typeof STAGES)[number];

export const ATTENDANCES = ["planned", "attended", "didNotAttend", "cancelledByPerson", "cancelledByService"] as const;
export type Attendance = (typeof ATTENDANCES)[number];

export const SESSION_MODES = ["inPerson", "phone", "video", "homeVisit"] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

export const CLOSURE_REASONS = [
  "goalsMet",
  "redirected",
  "notRightTime",
  "disengaged",
  "movedAway",
  "deceased",
  "other",
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** Items of the closure checklist. Which ones a closure needs depends on its reason (see configuration). */
export const CLOSURE_CHECK_ITEMS = [
  "achievementsCelebrated",
  "stayingWellPlanAgreed",
  "communitySupportConfirmed",
  "closingWellbeingRecorded",
  "referrerInformed",
  "futureSessionsCancelled",
  "alternativeSupportDiscussed",
  "alternativeSupportArranged",
  "returnRouteExplained",
  "contactAttemptsMade",
  "onwardSignpostingGiven",
] as const;
export type ClosureCheckItem = (typeof CLOSURE_CHECK_ITEMS)[number];

export const BARRIERS = ["lowConfidence", "coDependency", "negativeServiceExperience", "traumaOrGrief"] as const;
export type Barrier = (typeof BARRIERS)[number];

export const GOAL_STATUSES = ["notStarted", "inProgress", "achieved", "setAside"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const INSTRUMENTS = ["ons4", "ucla3"] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export const TIMEPOINTS = ["baseline", "review", "closing", "followUp"] as const;
export type Timepoint = (typeof TIMEPOINTS)[number];

export const REFERRAL_SOURCES = ["gp", "otherHealthProfessional", "socialCare", "voluntarySector", "selfReferral", "other"] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

/** How the referral arrived (PRSB social prescribing standard, referral details: referral method). */
export const REFERRAL_METHODS = ["electronic", "email", "letter", "telephone", "inPerson"] as const;
export type ReferralMethod = (typeof REFERRAL_METHODS)[number];

export const SIGNAL_KINDS = ["dnaStreak", "beyondPlan", "repeatedExtensions", "lateGoalGrowth", "stalledGoals"] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}
