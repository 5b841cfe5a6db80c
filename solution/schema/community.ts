import {
  CONNECTION_KINDS, CONNECTION_STATUSES, REFERRAL_ROUTES, SERVICE_CATEGORIES, SERVICE_COSTS, SERVICE_STATUSES,
} from "../../domain/community";
import type { ChoiceDeclaration, ColumnDeclaration, RelationshipDeclaration, TableDeclaration } from "./model";

/**
 * Community support (issue 15): the directory of community services and the
 * connections (PRSB signposts and onward referrals) made from an engagement.
 * Kept apart from schema.ts, which spreads these declarations in.
 */

const OPTION_BASE = 727_000_000;

function choice<K extends string>(name: string, displayName: string, description: string, keys: readonly K[], labels: Record<K, string>): ChoiceDeclaration<K> {
  return { name, displayName, description, options: keys.map((key, i) => ({ value: OPTION_BASE + i, key, label: labels[key] })) };
}

export const communityChoices = {
  serviceCategory: choice("sprx_servicecategory", "Service category", "What kind of community support a service offers.", SERVICE_CATEGORIES, {
    physicalActivity: "Physical activity", artsMusicCulture: "Arts, music and culture", natureGreenSpaces: "Nature and green spaces",
    befriendingSocialGroups: "Befriending and social groups", moneyDebtBenefits: "Money, debt and benefits advice", housing: "Housing",
    employmentLearningSkills: "Employment, learning and skills", volunteering: "Volunteering", mentalHealthEmotional: "Mental health and emotional support",
    carersSupport: "Carers' support", healthLongTermConditions: "Health and long-term conditions", practicalHelp: "Practical help",
    faithCommunity: "Faith and community", other: "Other",
  }),
  referralRoute: choice("sprx_referralroute", "How to refer", "How a person reaches a service.", REFERRAL_ROUTES, {
    self: "Self-referral", introduction: "Introduction by the link worker", formalReferral: "Formal referral",
  }),
  serviceCost: choice("sprx_servicecost", "Cost", "What a service costs the person.", SERVICE_COSTS, { free: "Free", lowCost: "Low cost", paid: "Paid" }),
  serviceStatus: choice("sprx_servicestatus", "Service status", "Whether a service is taking people now.", SERVICE_STATUSES, { active: "Active", paused: "Paused" }),
  connectionKind: choice("sprx_connectionkind", "Connection kind", "What the link worker did to connect the person.", CONNECTION_KINDS, {
    signposted: "Signposted", introduced: "Introduced", formalReferral: "Formal referral",
  }),
  connectionStatus: choice("sprx_connectionstatus", "Connection status", "Where a connection is in its lifecycle.", CONNECTION_STATUSES, {
    suggested: "Suggested", referred: "Referred", attended: "Attended", notAttended: "Not attended", declined: "Declined", stopped: "Stopped",
  }),
} as const;

const text = (logicalName: string, displayName: string, description: string, maxLength: number, format?: "email" | "url" | "phone"): ColumnDeclaration => ({
  logicalName, displayName, description, type: { kind: "string", maxLength, ...(format ? { format } : {}) },
});

/** The engagement's linking-success rollups, written by the server from its connections. */
export const engagementCommunityColumns: readonly ColumnDeclaration[] = [
  { logicalName: "sprx_connectionsmade", displayName: "Connections made", description: "Connections where the person was put in touch with a service.", type: { kind: "integer", min: 0, max: 1000 }, maintainedByServer: true },
  { logicalName: "sprx_connectionsattended", displayName: "Connections attended", description: "Connections the person went to at least once.", type: { kind: "integer", min: 0, max: 1000 }, maintainedByServer: true },
];

export const communityTables: readonly TableDeclaration[] = [
  {
    logicalName: "sprx_communityservice",
    entitySetName: "sprx_communityservices",
    displayName: "Community service",
    pluralName: "Community services",
    description: "A group, activity or service in the community that link workers connect people to.",
    ownership: "user",
    primaryName: { logicalName: "sprx_name", displayName: "Service", maxLength: 200 },
    columns: [
      { logicalName: "sprx_providerid", displayName: "Provider", description: "The organisation that runs the service.", type: { kind: "lookup", target: "account", relationship: "sprx_account_sprx_communityservice" }, required: "recommended" },
      { logicalName: "sprx_category", displayName: "Category", description: "What kind of support it offers.", type: { kind: "choice", choice: "sprx_servicecategory" }, required: "required" },
      { logicalName: "sprx_description", displayName: "Description", description: "What happens there and who it suits.", type: { kind: "memo", maxLength: 4000 } },
      text("sprx_address", "Where", "Address or meeting place.", 250),
      text("sprx_area", "Area", "Postcode district or neighbourhood, for finding services nearby.", 50),
      { logicalName: "sprx_referralroute", displayName: "How to refer", description: "Self-referral, introduction or formal referral.", type: { kind: "choice", choice: "sprx_referralroute" } },
      text("sprx_contactname", "Contact name", "Who to speak to at the service.", 100),
      text("sprx_phone", "Phone", "The service's phone number.", 50, "phone"),
      text("sprx_email", "Email", "The service's email address.", 320, "email"),
      text("sprx_website", "Website", "The service's web page.", 400, "url"),
      { logicalName: "sprx_cost", displayName: "Cost", description: "Free, low cost or paid.", type: { kind: "choice", choice: "sprx_servicecost" } },
      { logicalName: "sprx_accessnotes", displayName: "Accessibility", description: "Step-free access, hearing loop, quiet space and the like.", type: { kind: "memo", maxLength: 2000 } },
      { logicalName: "sprx_status", displayName: "Status", description: "Active, or paused until its review date.", type: { kind: "choice", choice: "sprx_servicestatus", defaultValue: OPTION_BASE }, required: "required" },
      { logicalName: "sprx_reviewon", displayName: "Review date", description: "When the directory entry is next checked.", type: { kind: "date" } },
      { logicalName: "sprx_connectionsmade", displayName: "Connections made", description: "People put in touch with the service.", type: { kind: "integer", min: 0, max: 100000 }, maintainedByServer: true },
      { logicalName: "sprx_connectionsattended", displayName: "Connections attended", description: "Of those, people who went at least once.", type: { kind: "integer", min: 0, max: 100000 }, maintainedByServer: true },
      { logicalName: "sprx_uptake", displayName: "Uptake (%)", description: "Connections attended as a percentage of those made; empty until one is made.", type: { kind: "integer", min: 0, max: 100 }, maintainedByServer: true },
    ],
  },
  {
    logicalName: "sprx_connection",
    entitySetName: "sprx_connections",
    displayName: "Connection",
    pluralName: "Connections",
    description: "A signpost or onward referral from an engagement to a community service, and whether the person went.",
    ownership: "user",
    primaryName: { logicalName: "sprx_name", displayName: "Connection", maxLength: 200 },
    columns: [
      { logicalName: "sprx_engagementid", displayName: "Engagement", description: "The engagement this row belongs to.", type: { kind: "lookup", target: "sprx_engagement", relationship: "sprx_engagement_sprx_connection" }, required: "required" },
      { logicalName: "sprx_serviceid", displayName: "Service", description: "The community service.", type: { kind: "lookup", target: "sprx_communityservice", relationship: "sprx_communityservice_sprx_connection" }, required: "required" },
      { logicalName: "sprx_goalid", displayName: "Goal", description: "The goal of the plan this support serves.", type: { kind: "lookup", target: "sprx_goal", relationship: "sprx_goal_sprx_connection" } },
      { logicalName: "sprx_kind", displayName: "Kind", description: "Signposted, introduced or formally referred.", type: { kind: "choice", choice: "sprx_connectionkind", defaultValue: OPTION_BASE } },
      { logicalName: "sprx_status", displayName: "Status", description: "Suggested, referred, attended, not attended, declined or stopped.", type: { kind: "choice", choice: "sprx_connectionstatus", defaultValue: OPTION_BASE }, required: "required" },
      { logicalName: "sprx_suggestedon", displayName: "Suggested on", description: "When the service was first suggested.", type: { kind: "date" } },
      { logicalName: "sprx_referredon", displayName: "Referred on", description: "When the person was put in touch.", type: { kind: "date" } },
      { logicalName: "sprx_attendedon", displayName: "First attended", description: "When the person first went.", type: { kind: "date" } },
      { logicalName: "sprx_outcomeon", displayName: "Outcome on", description: "When it was learnt the person did not go, declined or stopped.", type: { kind: "date" } },
      { logicalName: "sprx_outcomereason", displayName: "Why", description: "Why the person declined or stopped.", type: { kind: "memo", maxLength: 2000 } },
      { logicalName: "sprx_followupon", displayName: "Follow up on", description: "When to ask whether the person went; set by the server.", type: { kind: "date" }, maintainedByServer: true },
      { logicalName: "sprx_note", displayName: "Note", description: "Anything the next session should know.", type: { kind: "memo", maxLength: 2000 } },
    ],
  },
];

export const communityRelationships: readonly RelationshipDeclaration[] = [
  { name: "sprx_account_sprx_communityservice", referencedTable: "account", referencingTable: "sprx_communityservice", lookup: "sprx_providerid", navigationProperty: "sprx_providerid", collectionProperty: "sprx_account_sprx_communityservice", cascade: "restrict" },
  { name: "sprx_engagement_sprx_connection", referencedTable: "sprx_engagement", referencingTable: "sprx_connection", lookup: "sprx_engagementid", navigationProperty: "sprx_engagementid", collectionProperty: "sprx_engagement_sprx_connection", cascade: "parental" },
  { name: "sprx_communityservice_sprx_connection", referencedTable: "sprx_communityservice", referencingTable: "sprx_connection", lookup: "sprx_serviceid", navigationProperty: "sprx_serviceid", collectionProperty: "sprx_communityservice_sprx_connection", cascade: "restrict" },
  { name: "sprx_goal_sprx_connection", referencedTable: "sprx_goal", referencingTable: "sprx_connection", lookup: "sprx_goalid", navigationProperty: "sprx_goalid", collectionProperty: "sprx_goal_sprx_connection", cascade: "referential" },
];
