/**
 * The one list of plugin step registrations. The webhook service dispatches
 * with it, the local Dataverse runs its pipeline from it, and `npm run
 * register` creates the same `sdkmessageprocessingstep` rows in a real
 * environment. Names are stable: Dataverse sends the firing step's name in the
 * RemoteExecutionContext's OwningExtension, which is how the service picks the
 * handler.
 */

export type MessageName = "Create" | "Update" | "Delete";
/** 10 PreValidation (outside the transaction), 20 PreOperation, 40 PostOperation. */
export type PipelineStage = 10 | 20 | 40;
export type StepMode = "sync" | "async";

export interface ImageRegistration {
  readonly kind: "PreImage" | "PostImage";
  /** The key the image arrives under in Pre/PostEntityImages. */
  readonly alias: string;
  readonly attributes: readonly string[];
}

export interface StepRegistration {
  readonly name: string;
  /** Which file in plugins/steps handles it. */
  readonly handler: StepHandlerName;
  readonly description: string;
  readonly message: MessageName;
  readonly table: string;
  readonly stage: PipelineStage;
  readonly mode: StepMode;
  readonly rank: number;
  /** Update steps fire only when one of these changes — this is also what stops loops. */
  readonly filteringAttributes?: readonly string[];
  readonly images?: readonly ImageRegistration[];
}

export const STEP_HANDLERS = [
  "sessionBookkeeping",
  "sessionValidation",
  "engagementCreated",
  "closureCheckChanged",
  "closureValidation",
  "afterClosure",
  "wellbeingScored",
  "nextSessionSuggestion",
  "connectionValidation",
  "connectionFollowUp",
  "connectionRollups",
  "engagementStateChanged",
  "wellbeingValidation",
] as const;
export type StepHandlerName = (typeof STEP_HANDLERS)[number];

const SESSION_COLUMNS = ["regardingobjectid", "scheduledstart", "sprx_attendance", "sprx_mode", "statecode"] as const;
const CONNECTION_OWNERS = ["sprx_engagementid", "sprx_serviceid"] as const;
const CONNECTION_LIFECYCLE = ["sprx_status", "sprx_suggestedon", "sprx_referredon", "sprx_attendedon", "sprx_outcomeon", "sprx_outcomereason"] as const;
/** A measure's stored inputs: its answers, when and what it measured, and whose engagement it belongs to. */
const WELLBEING_COLUMNS = [
  "sprx_engagementid", "sprx_instrument", "sprx_timepoint", "sprx_completedon", "sprx_ons4_satisfied", "sprx_ons4_worthwhile", "sprx_ons4_happy",
  "sprx_ons4_anxious", "sprx_ucla_companionship", "sprx_ucla_leftout", "sprx_ucla_isolated",
] as const;
const ENGAGEMENT_IMAGE = ["statecode", "statuscode", "sprx_closurereason", "sprx_contactid", "sprx_closedon", "sprx_closureeventon"] as const;

function step(
  handler: StepHandlerName,
  message: MessageName,
  table: string,
  stage: PipelineStage,
  mode: StepMode,
  description: string,
  extra: Partial<Pick<StepRegistration, "filteringAttributes" | "images" | "rank">> = {},
): StepRegistration {
  const stageName = { 10: "PreValidation", 20: "PreOperation", 40: "PostOperation" }[stage];
  return {
    name: `sprx: ${handler} — ${message} of ${table} (${stageName}, ${mode})`,
    handler,
    description,
    message,
    table,
    stage,
    mode,
    rank: extra.rank ?? 1,
    filteringAttributes: extra.filteringAttributes,
    images: extra.images,
  };
}

export const STEP_REGISTRATIONS: readonly StepRegistration[] = [
  step("sessionValidation", "Create", "appointment", 10, "sync", "Rejects a session on a closed engagement, beyond the plan without an extension, or before the referral."),
  step("sessionValidation", "Update", "appointment", 10, "sync", "Same checks when a session is moved, re-linked or its attendance recorded.", {
    filteringAttributes: ["regardingobjectid", "scheduledstart", "sprx_attendance"],
    images: [{ kind: "PreImage", alias: "PreImage", attributes: [...SESSION_COLUMNS] }],
  }),
  step("sessionBookkeeping", "Create", "appointment", 40, "async", "Recomputes the engagement's stored rollups and numbers its sessions.", {
    images: [{ kind: "PostImage", alias: "PostImage", attributes: [...SESSION_COLUMNS] }],
  }),
  step("sessionBookkeeping", "Update", "appointment", 40, "async", "Recomputes the rollups of the old and new engagement when a session changes.", {
    filteringAttributes: [...SESSION_COLUMNS],
    images: [
      { kind: "PreImage", alias: "PreImage", attributes: [...SESSION_COLUMNS] },
      { kind: "PostImage", alias: "PostImage", attributes: [...SESSION_COLUMNS] },
    ],
  }),
  step("sessionBookkeeping", "Delete", "appointment", 40, "async", "Recomputes the rollups when a session is deleted.", {
    images: [{ kind: "PreImage", alias: "PreImage", attributes: [...SESSION_COLUMNS] }],
  }),
  step("nextSessionSuggestion", "Update", "appointment", 40, "async", "Suggests next slots within the pacing rules when a session is attended.", {
    rank: 2,
    filteringAttributes: ["sprx_attendance"],
    images: [{ kind: "PostImage", alias: "PostImage", attributes: [...SESSION_COLUMNS, "ownerid"] }],
  }),
  step("engagementCreated", "Create", "sprx_engagement", 40, "async", "Creates the closure checklist rows and sets the first stage."),
  step("closureCheckChanged", "Create", "sprx_closurecheck", 40, "async", "Keeps checklist progress on the engagement."),
  step("closureCheckChanged", "Update", "sprx_closurecheck", 40, "async", "Keeps checklist progress on the engagement.", {
    filteringAttributes: ["sprx_done", "sprx_item"],
    images: [{ kind: "PostImage", alias: "PostImage", attributes: ["sprx_engagementid"] }],
  }),
  step("closureCheckChanged", "Delete", "sprx_closurecheck", 40, "async", "Keeps checklist progress on the engagement.", {
    images: [{ kind: "PreImage", alias: "PreImage", attributes: ["sprx_engagementid"] }],
  }),
  step("closureCheckChanged", "Update", "sprx_engagement", 40, "async", "Recounts required checks when the closure reason changes.", {
    rank: 2,
    filteringAttributes: ["sprx_closurereason"],
  }),
  step("closureValidation", "Update", "sprx_engagement", 10, "sync", "Refuses to close an engagement until its reason, checks and sessions allow it.", {
    filteringAttributes: ["statecode", "statuscode"],
    images: [{ kind: "PreImage", alias: "PreImage", attributes: [...ENGAGEMENT_IMAGE] }],
  }),
  step("afterClosure", "Update", "sprx_engagement", 40, "async", "Raises sprx_OnEngagementClosed once and, with consent, emails the closure summary to the referrer.", {
    filteringAttributes: ["statecode"],
    images: [
      // The pre-image tells a closure from a closing update sent again to a row already closed.
      { kind: "PreImage", alias: "PreImage", attributes: ["statecode"] },
      { kind: "PostImage", alias: "PostImage", attributes: [...ENGAGEMENT_IMAGE] },
    ],
  }),
  step("engagementStateChanged", "Update", "sprx_engagement", 40, "async", "Sets the stored stage to closed on closure, and back from the sessions on reopening.", {
    rank: 3,
    filteringAttributes: ["statecode"],
  }),
  step("wellbeingValidation", "Create", "sprx_wellbeingscore", 10, "sync", "Refuses a measure with an item unanswered, dated in the future or before the referral, or a second baseline or closing measure."),
  step("wellbeingValidation", "Update", "sprx_wellbeingscore", 10, "sync", "Same checks when a measure is corrected.", {
    filteringAttributes: [...WELLBEING_COLUMNS],
  }),
  step("wellbeingScored", "Create", "sprx_wellbeingscore", 40, "async", "Computes totals, bands and the engagement's change on the server."),
  step("wellbeingScored", "Update", "sprx_wellbeingscore", 40, "async", "Recomputes totals, bands and the engagement's rollups when a measure is corrected.", {
    filteringAttributes: [...WELLBEING_COLUMNS],
  }),
  step("wellbeingScored", "Delete", "sprx_wellbeingscore", 40, "async", "Recomputes the engagement's rollups from the measures that remain.", {
    images: [{ kind: "PreImage", alias: "PreImage", attributes: ["sprx_engagementid"] }],
  }),
  // Community support (issue 15): the lifecycle is enforced before the write; follow-up dates and linking success after it.
  step("connectionValidation", "Create", "sprx_connection", 10, "sync", "Refuses a connection whose status, dates or move break the lifecycle, or one on a closed engagement."),
  step("connectionValidation", "Update", "sprx_connection", 10, "sync", "Refuses a move the connection lifecycle does not allow, an undated step, dates out of order or in the future.", {
    filteringAttributes: [...CONNECTION_LIFECYCLE, "sprx_kind"],
  }),
  step("connectionFollowUp", "Create", "sprx_connection", 40, "async", "Sets when to ask whether the person went (follow-up days after the referral)."),
  step("connectionFollowUp", "Update", "sprx_connection", 40, "async", "Moves or clears the follow-up date as the connection progresses.", {
    filteringAttributes: ["sprx_status", "sprx_referredon", "sprx_outcomeon"],
  }),
  step("connectionRollups", "Create", "sprx_connection", 40, "async", "Recounts connections made and attended on the engagement and the service.", {
    rank: 2,
    images: [{ kind: "PostImage", alias: "PostImage", attributes: [...CONNECTION_OWNERS] }],
  }),
  step("connectionRollups", "Update", "sprx_connection", 40, "async", "Recounts linking success for the old and new engagement and service.", {
    rank: 2,
    filteringAttributes: [...CONNECTION_OWNERS, ...CONNECTION_LIFECYCLE],
    images: [
      { kind: "PreImage", alias: "PreImage", attributes: [...CONNECTION_OWNERS] },
      { kind: "PostImage", alias: "PostImage", attributes: [...CONNECTION_OWNERS] },
    ],
  }),
  step("connectionRollups", "Delete", "sprx_connection", 40, "async", "Recounts linking success when a connection is deleted.", {
    images: [{ kind: "PreImage", alias: "PreImage", attributes: [...CONNECTION_OWNERS] }],
  }),
];

/**
 * The steps a RemoteExecutionContext is for: by the firing step's name when
 * Dataverse sends it (OwningExtension), otherwise every step registered for
 * the same message, table, stage and mode.
 */
export function stepsFor(context: {
  readonly owningStepName?: string;
  readonly message: string;
  readonly table: string;
  readonly stage: number;
  readonly mode: StepMode;
}): StepRegistration[] {
  if (context.owningStepName) {
    const named = STEP_REGISTRATIONS.filter((s) => s.name === context.owningStepName);
    if (named.length > 0) return named;
  }
  return STEP_REGISTRATIONS.filter(
    (s) => s.message === context.message && s.table === context.table && s.stage === context.stage && s.mode === context.mode,
  ).sort((a, b) => a.rank - b.rank);
}
