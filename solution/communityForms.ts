/**
 * Forms for community support (issue 15): the directory's service form for
 * administrators keeping it current, and the connection form and quick
 * create for link workers. Server-maintained columns are read-only.
 */
import type { FormCell, FormDeclaration } from "./forms";

const field = (column: string, readOnly = false): FormCell => ({ kind: "field", column, ...(readOnly ? { readOnly } : {}) });
const serverField = (column: string): FormCell => field(column, true);

/** Default public view of connections, shown in the engagement form's grid (see systemViews.ts). */
export const CONNECTION_GRID_VIEW = "5a8d2c6e-0f13-4b7a-9e42-c1d7f3a8b905";

export const COMMUNITY_SERVICE_FORM: FormDeclaration = {
  formId: "7b3e9d12-4c8a-4f65-a0d1-2e6c8b4f9a37",
  table: "sprx_communityservice",
  name: "Community service",
  description: "A service in the directory: what it offers, where, how to refer, and how often the people put in touch go.",
  tabs: [
    {
      name: "tab_service",
      label: "Service",
      sections: [
        { name: "section_what", label: "What it is", columns: 2, cells: [field("sprx_name"), field("sprx_providerid"), field("sprx_category"), field("sprx_status"), field("sprx_reviewon"), field("ownerid")] },
        { name: "section_description", label: "Description", cells: [field("sprx_description"), field("sprx_accessnotes")] },
        { name: "section_where", label: "Where and how", columns: 2, cells: [field("sprx_address"), field("sprx_area"), field("sprx_referralroute"), field("sprx_cost")] },
        { name: "section_contact", label: "Contact", columns: 2, cells: [field("sprx_contactname"), field("sprx_phone"), field("sprx_email"), field("sprx_website")] },
        { name: "section_uptake", label: "Linking success (kept up to date by the service)", columns: 2, cells: [serverField("sprx_connectionsmade"), serverField("sprx_connectionsattended"), serverField("sprx_uptake")] },
      ],
    },
  ],
};

export const CONNECTION_FORM: FormDeclaration = {
  formId: "3d6f1a84-b2e9-4c07-8f53-9a1e6d2c4b78",
  table: "sprx_connection",
  name: "Connection",
  description: "A signpost or onward referral to a community service, and whether the person went.",
  tabs: [
    {
      name: "tab_connection",
      label: "Connection",
      sections: [
        { name: "section_what", label: "Connection", columns: 2, cells: [field("sprx_name"), field("sprx_engagementid"), field("sprx_serviceid"), field("sprx_goalid"), field("sprx_kind"), field("sprx_status")] },
        { name: "section_dates", label: "Dates", columns: 2, cells: [field("sprx_suggestedon"), field("sprx_referredon"), field("sprx_attendedon"), field("sprx_outcomeon"), serverField("sprx_followupon")] },
        { name: "section_notes", label: "Notes", cells: [field("sprx_outcomereason"), field("sprx_note")] },
      ],
    },
  ],
};

export const CONNECTION_QUICK_CREATE_FORM: FormDeclaration = {
  formId: "e4a7c9b1-6d25-4f38-b0e6-8c3f1a5d7e29",
  type: "quick",
  table: "sprx_connection",
  name: "Connection quick create",
  description: "Connect the person to a service without leaving the engagement; the service sets the follow-up date.",
  tabs: [{
    name: "tab_quick", label: "Connection",
    sections: [{ name: "section_connection", label: "Connection", cells: [field("sprx_name"), field("sprx_engagementid"), field("sprx_serviceid"), field("sprx_goalid"), field("sprx_kind"), field("sprx_status"), field("sprx_referredon")] }],
  }],
};

export const COMMUNITY_FORMS: readonly FormDeclaration[] = [COMMUNITY_SERVICE_FORM, CONNECTION_FORM, CONNECTION_QUICK_CREATE_FORM];
