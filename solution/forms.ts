import { COMMUNITY_FORMS, CONNECTION_GRID_VIEW } from "./communityForms";

/**
 * Forms the solution ships. The contact form is a new main form, so the
 * organisation's own contact form stays as it is; link workers switch to
 * "Contact – Social prescribing" (the app lists only this one).
 */

/** The code components of components/ that a form can host, by constructor name. */
export const FORM_CONTROLS = {
  AppointmentTracker: { label: "Six-appointment tracker" },
  StageGuidance: { label: "Stage guidance" },
  CommunitySupport: { label: "Community support" },
  ClosureChecklist: { label: "Closure checklist" },
} as const;
export type FormControlName = keyof typeof FORM_CONTROLS;

export type FormCell =
  | { readonly kind: "field"; readonly column: string; readonly readOnly?: boolean }
  /** A code component bound to a column; a label saying where it will appear until the control exists. */
  | { readonly kind: "control"; readonly control: FormControlName; readonly boundColumn: string }
  | { readonly kind: "subgrid"; readonly name: string; readonly label: string; readonly relationship: string; readonly table: string; readonly viewId: string };

export interface FormSection {
  readonly name: string;
  readonly label: string;
  readonly cells: readonly FormCell[];
  /** Two-column sections for short fields; one column for controls and grids. */
  readonly columns?: 1 | 2;
}

export interface FormTab {
  readonly name: string;
  readonly label: string;
  readonly sections: readonly FormSection[];
}

export interface FormDeclaration {
  readonly formId: string;
  /** "main" (default) or "quick": the quick-create form opened by "+ New" from a grid or lookup. */
  readonly type?: "main" | "quick";
  readonly table: string;
  readonly name: string;
  readonly description: string;
  readonly tabs: readonly FormTab[];
}

const field = (column: string, readOnly = false): FormCell => ({ kind: "field", column, ...(readOnly ? { readOnly } : {}) });
const serverField = (column: string): FormCell => field(column, true);

/** Default public views of the child tables, shown in the engagement form's grids (see systemViews.ts). */
export const CHILD_GRID_VIEW = {
  sprx_goal: "6f7c2a4e-2d5b-4b8e-9a51-3c0f4a7d9e21",
  sprx_closurecheck: "0b1d9e53-7f6a-4c2e-8d34-5e9a1c7b2f60",
  sprx_wellbeingscore: "c3e8f5a1-94b2-4d7c-b6e0-2a1f8d9c4b37",
  appointment: "9d2b6c1e-5a7f-4e38-a0c4-7b3e1f5d8a92",
  sprx_connection: CONNECTION_GRID_VIEW,
} as const;

/** "Person's engagements" (systemViews.ts): every engagement of the person, active and closed, any owner. */
export const PERSON_ENGAGEMENTS_VIEW = "3f9a0c7e-6b21-4d58-9e4a-71c2d8b05f14";

export const CONTACT_FORM: FormDeclaration = {
  formId: "e0d2c9dc-9dda-4fbb-9782-7d617144ace2",
  table: "contact",
  name: "Contact – Social prescribing",
  description: "The person's record for link workers: details, and the six-appointment tracker, stage guidance and closure checklist.",
  tabs: [
    {
      name: "tab_socialprescribing",
      label: "Social prescribing",
      sections: [
        { name: "section_tracker", label: "Six-appointment tracker", cells: [{ kind: "control", control: "AppointmentTracker", boundColumn: "fullname" }] },
        { name: "section_guidance", label: "Stage guidance", cells: [{ kind: "control", control: "StageGuidance", boundColumn: "fullname" }] },
        { name: "section_community", label: "Community support", cells: [{ kind: "control", control: "CommunitySupport", boundColumn: "fullname" }] },
        { name: "section_checklist", label: "Closure checklist", cells: [{ kind: "control", control: "ClosureChecklist", boundColumn: "fullname" }] },
      ],
    },
    {
      name: "tab_details",
      label: "Details",
      sections: [
        { name: "section_person", label: "Person", columns: 2, cells: [field("firstname"), field("lastname"), field("birthdate"), field("emailaddress1"), field("mobilephone"), field("telephone1"), field("address1_postalcode"), field("ownerid")] },
        {
          name: "section_engagements",
          label: "Engagements",
          cells: [{ kind: "subgrid", name: "Engagements", label: "Engagements", relationship: "sprx_contact_sprx_engagement", table: "sprx_engagement", viewId: PERSON_ENGAGEMENTS_VIEW }],
        },
      ],
    },
  ],
};

export const ENGAGEMENT_FORM: FormDeclaration = {
  formId: "e7d29ed2-0abb-498a-9e12-d97138011460",
  table: "sprx_engagement",
  name: "Engagement",
  description: "One referral episode: referral, progress through the sessions, extension and closure.",
  tabs: [
    {
      name: "tab_engagement",
      label: "Engagement",
      sections: [
        {
          name: "section_referral", label: "Referral", columns: 2,
          cells: [field("sprx_name", true), field("sprx_contactid"), field("sprx_referraldate"), field("sprx_referralsource"), field("sprx_referrername"), field("sprx_referreremail"), field("sprx_consent"), field("sprx_consenttoshare"), field("ownerid")],
        },
        { name: "section_reason", label: "What matters", cells: [field("sprx_referralreason"), field("sprx_whatmatters"), field("sprx_barriers"), field("sprx_sensitivenotes")] },
        {
          name: "section_progress", label: "Progress (kept up to date by the service)", columns: 2,
          cells: [
            serverField("sprx_stage"), field("sprx_plannedsessions"), serverField("sprx_sessionsattended"), serverField("sprx_sessionsdna"),
            serverField("sprx_sessionscancelled"), serverField("sprx_consecutivedna"), serverField("sprx_firstsessionon"), serverField("sprx_lastsessionon"),
            serverField("sprx_nextsessionon"), serverField("sprx_windowstart"), serverField("sprx_windowtargetend"), serverField("sprx_windowend"),
          ],
        },
        { name: "section_sessions", label: "Sessions", cells: [{ kind: "subgrid", name: "Sessions", label: "Sessions", relationship: "sprx_engagement_Appointments", table: "appointment", viewId: CHILD_GRID_VIEW.appointment }] },
        { name: "section_goals", label: "Goals", cells: [{ kind: "subgrid", name: "Goals", label: "Goals", relationship: "sprx_engagement_sprx_goal", table: "sprx_goal", viewId: CHILD_GRID_VIEW.sprx_goal }] },
        { name: "section_connections", label: "Community support", columns: 2, cells: [serverField("sprx_connectionsmade"), serverField("sprx_connectionsattended")] },
        { name: "section_connectiongrid", label: "Connections", cells: [{ kind: "subgrid", name: "Connections", label: "Connections", relationship: "sprx_engagement_sprx_connection", table: "sprx_connection", viewId: CHILD_GRID_VIEW.sprx_connection }] },
      ],
    },
    {
      name: "tab_extension",
      label: "Pacing and extension",
      sections: [
        {
          name: "section_signals", label: "Signals", columns: 2,
          cells: [serverField("sprx_sessionsbooked"), serverField("sprx_beyondplan"), serverField("sprx_conversationsuggested"), serverField("sprx_conversationsignals")],
        },
        {
          name: "section_extension", label: "Extension", columns: 2,
          cells: [field("sprx_extensionrequests"), field("sprx_extensionapproved"), field("sprx_extensionsessions"), field("sprx_extensionapproverid"), field("sprx_extensionreason")],
        },
      ],
    },
    {
      name: "tab_closure",
      label: "Closure",
      sections: [
        {
          name: "section_closure", label: "Closure", columns: 2,
          cells: [field("sprx_closurereason"), serverField("sprx_closedon"), serverField("sprx_checklistcomplete"), serverField("sprx_checksdone"), serverField("sprx_checksrequired"), field("sprx_gpactionrequired")],
        },
        { name: "section_summary", label: "Summary for the referrer", cells: [field("sprx_closuresummary"), field("sprx_nextsteps"), field("sprx_gpactiondetail")] },
        {
          name: "section_outcomes", label: "Outcomes", columns: 2,
          cells: [serverField("sprx_ons4satisfiedchange"), serverField("sprx_uclachange"), serverField("sprx_closureeventon"), serverField("sprx_referrernotifiedon")],
        },
        { name: "section_checks", label: "Closure checks", cells: [{ kind: "subgrid", name: "ClosureChecks", label: "Closure checks", relationship: "sprx_engagement_sprx_closurecheck", table: "sprx_closurecheck", viewId: CHILD_GRID_VIEW.sprx_closurecheck }] },
        { name: "section_scores", label: "Wellbeing scores", cells: [{ kind: "subgrid", name: "WellbeingScores", label: "Wellbeing scores", relationship: "sprx_engagement_sprx_wellbeingscore", table: "sprx_wellbeingscore", viewId: CHILD_GRID_VIEW.sprx_wellbeingscore }] },
      ],
    },
  ],
};

/**
 * Quick-create forms: a goal or a session added from the engagement form's
 * grids opens a short form over the page instead of leaving the engagement.
 * https://learn.microsoft.com/power-apps/maker/model-driven-apps/create-edit-quick-create-forms
 */
export const GOAL_QUICK_CREATE_FORM: FormDeclaration = {
  formId: "a4e1c2d7-58b3-4f6a-9c0e-2d7b41f83a65",
  type: "quick",
  table: "sprx_goal",
  name: "Goal quick create",
  description: "Add a goal of the plan without leaving the engagement.",
  tabs: [{
    name: "tab_quick", label: "Goal",
    sections: [{ name: "section_goal", label: "Goal", cells: [field("sprx_name"), field("sprx_engagementid"), field("sprx_importance"), field("sprx_confidence"), field("sprx_status"), field("sprx_reviewdate")] }],
  }],
};

export const SESSION_QUICK_CREATE_FORM: FormDeclaration = {
  formId: "c85f3b1a-0e92-4d47-b6a3-9f18e2c7d504",
  type: "quick",
  table: "appointment",
  name: "Session quick create",
  description: "Book a session of an engagement without leaving it; the service numbers it.",
  tabs: [{
    name: "tab_quick", label: "Session",
    sections: [{ name: "section_session", label: "Session", cells: [field("subject"), field("regardingobjectid"), field("scheduledstart"), field("scheduledend"), field("location"), field("sprx_mode")] }],
  }],
};

export const FORMS: readonly FormDeclaration[] = [CONTACT_FORM, ENGAGEMENT_FORM, GOAL_QUICK_CREATE_FORM, SESSION_QUICK_CREATE_FORM, ...COMMUNITY_FORMS];
