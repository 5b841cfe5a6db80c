/**
 * The supervisor views and charts on engagements. Each view is a public
 * savedquery: FetchXML plus a grid layout. They filter only on stored columns
 * that the webhook service keeps current, and on relative-date operators that
 * Dataverse evaluates at query time, so no nightly job is needed to keep
 * "overdue" or "past the window" true.
 *
 * Day counts here are the shipped defaults (DESIGN section 3): a saved query
 * cannot read an environment variable, so an organisation that changes the
 * longest gap edits the Overdue view to match.
 */
import { COMMUNITY_CHARTS, COMMUNITY_VIEWS } from "./communityViews";
import { choices, optionValue } from "./schema/schema";

export interface ViewColumn {
  readonly name: string;
  readonly width: number;
}

export interface ViewDeclaration {
  /** Fixed, so that an upgrade updates the view instead of adding a copy. */
  readonly savedQueryId: string;
  readonly name: string;
  readonly description: string;
  /** Logical name of the table. */
  readonly table: string;
  readonly fetchXml: string;
  readonly columns: readonly ViewColumn[];
  /** The table's default public view. */
  readonly isDefault?: boolean;
}

export interface ChartDeclaration {
  readonly savedQueryVisualizationId: string;
  readonly name: string;
  readonly description: string;
  readonly table: string;
  /** `<datadefinition>` (VisualizationDataDescription.xsd): an aggregate fetch and its category/measure. */
  readonly dataDescription: string;
  /** `<Chart>`: series type and look. */
  readonly presentationDescription: string;
  readonly isDefault?: boolean;
}

const ENGAGEMENT = "sprx_engagement";
const ACTIVE = `<condition attribute="statecode" operator="eq" value="0" />`;
const CLOSED = `<condition attribute="statecode" operator="eq" value="1" />`;
const CLOSED_THIS_QUARTER = `${CLOSED}<condition attribute="sprx_closedon" operator="this-fiscal-period" />`;
/** Longest gap between sessions before an engagement counts as overdue (environment variable default). */
const LONGEST_GAP_DAYS = 21;

const col = (name: string, width: number): ViewColumn => ({ name, width });
const reference = col("sprx_name", 120);
const person = col("sprx_contactid", 180);
const linkWorker = col("ownerid", 150);
const stage = col("sprx_stage", 140);

interface EngagementViewInput {
  readonly savedQueryId: string;
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ViewColumn[];
  /** Inner XML of the top-level `<filter type="and">`. */
  readonly filter: string;
  readonly orderBy: readonly { readonly attribute: string; readonly descending?: boolean }[];
  readonly isDefault?: boolean;
}

/** Fetches exactly the layout's columns (plus the id the grid rows need), so layout and query never disagree. */
function engagementView(input: EngagementViewInput): ViewDeclaration {
  const attributes = [`${ENGAGEMENT}id`, ...input.columns.map((c) => c.name)]
    .map((name) => `<attribute name="${name}" />`)
    .join("");
  const orders = input.orderBy
    .map((o) => `<order attribute="${o.attribute}" descending="${o.descending ? "true" : "false"}" />`)
    .join("");
  const fetchXml =
    `<fetch version="1.0" mapping="logical"><entity name="${ENGAGEMENT}">${attributes}${orders}` +
    `<filter type="and">${input.filter}</filter></entity></fetch>`;
  return {
    savedQueryId: input.savedQueryId,
    name: input.name,
    description: input.description,
    table: ENGAGEMENT,
    fetchXml,
    columns: input.columns,
    ...(input.isDefault ? { isDefault: true } : {}),
  };
}

const disengaged = optionValue(choices.closureReason, "disengaged");

export const SUPERVISOR_VIEWS: readonly ViewDeclaration[] = [
  engagementView({
    savedQueryId: "05bd048a-ccb5-49b3-9670-7b48c960ee91",
    name: "My active caseload",
    description: "Active engagements I own, next session first.",
    isDefault: true,
    columns: [reference, person, stage, col("sprx_sessionsattended", 100), col("sprx_plannedsessions", 100), col("sprx_lastsessionon", 140), col("sprx_nextsessionon", 140), col("sprx_windowend", 110)],
    filter: `${ACTIVE}<condition attribute="ownerid" operator="eq-userid" />`,
    orderBy: [{ attribute: "sprx_nextsessionon" }],
  }),
  engagementView({
    savedQueryId: "a7f52c44-c670-4964-9f31-50a32cd20afa",
    name: "Team active caseload by link worker",
    description: "Active engagements in my business unit, grouped by the link worker who owns them.",
    columns: [linkWorker, reference, person, stage, col("sprx_sessionsattended", 100), col("sprx_nextsessionon", 140), col("sprx_windowend", 110)],
    filter: `${ACTIVE}<condition attribute="owningbusinessunit" operator="eq-businessid" />`,
    orderBy: [{ attribute: "ownerid" }, { attribute: "sprx_nextsessionon" }],
  }),
  engagementView({
    savedQueryId: "1b0c5fe6-5a89-481a-b8da-38f50bc4d69b",
    name: "Overdue: no session in 21 days",
    description: "Active engagements with nothing booked whose last attended session (or, before any session, the referral) is more than 21 days ago.",
    columns: [reference, person, linkWorker, stage, col("sprx_referraldate", 110), col("sprx_lastsessionon", 140), col("sprx_consecutivedna", 100)],
    filter:
      `${ACTIVE}<condition attribute="sprx_nextsessionon" operator="null" />` +
      `<filter type="or">` +
      `<condition attribute="sprx_lastsessionon" operator="olderthan-x-days" value="${LONGEST_GAP_DAYS}" />` +
      `<filter type="and"><condition attribute="sprx_lastsessionon" operator="null" />` +
      `<condition attribute="sprx_referraldate" operator="olderthan-x-days" value="${LONGEST_GAP_DAYS}" /></filter>` +
      `</filter>`,
    orderBy: [{ attribute: "sprx_lastsessionon" }],
  }),
  engagementView({
    savedQueryId: "5d157e8b-f1d0-413b-ba5d-d59255150f45",
    name: "Past the 16-week window",
    description: "Active engagements whose window ended before today.",
    columns: [reference, person, linkWorker, stage, col("sprx_windowstart", 110), col("sprx_windowend", 110), col("sprx_sessionsattended", 100), col("sprx_extensionapproved", 100)],
    // Window end is date-only: "older than 1 day" is every day before today.
    filter: `${ACTIVE}<condition attribute="sprx_windowend" operator="olderthan-x-days" value="1" />`,
    orderBy: [{ attribute: "sprx_windowend" }],
  }),
  engagementView({
    savedQueryId: "b4f575a5-0f76-4989-9d82-a597ecbde69f",
    name: "Beyond planned sessions without extension",
    description: "Active engagements with more sessions used or booked than the plan allows and no approved extension.",
    columns: [reference, person, linkWorker, col("sprx_sessionsbooked", 110), col("sprx_plannedsessions", 100), col("sprx_extensionrequests", 100), col("sprx_nextsessionon", 140)],
    filter: `${ACTIVE}<condition attribute="sprx_beyondplan" operator="eq" value="1" />`,
    orderBy: [{ attribute: "sprx_sessionsbooked", descending: true }],
  }),
  engagementView({
    savedQueryId: "82574562-1fd8-457d-9ed8-8da61dce7058",
    name: "Ready to close",
    description: "Active engagements whose closure checklist is complete.",
    columns: [reference, person, linkWorker, stage, col("sprx_sessionsattended", 100), col("sprx_checksdone", 90), col("sprx_lastsessionon", 140)],
    filter: `${ACTIVE}<condition attribute="sprx_checklistcomplete" operator="eq" value="1" />`,
    orderBy: [{ attribute: "sprx_lastsessionon" }],
  }),
  engagementView({
    savedQueryId: "79f078de-1bff-4fe1-959b-87485985f5ad",
    name: "Courageous conversation suggested",
    description: "Active engagements where missed sessions, growth beyond the plan or stalled goals suggest an honest conversation.",
    columns: [reference, person, linkWorker, stage, col("sprx_conversationsignals", 220), col("sprx_consecutivedna", 100), col("sprx_nextsessionon", 140)],
    filter: `${ACTIVE}<condition attribute="sprx_conversationsuggested" operator="eq" value="1" />`,
    orderBy: [{ attribute: "sprx_consecutivedna", descending: true }],
  }),
  engagementView({
    savedQueryId: "16807c46-ec72-425d-b264-455fae6a7801",
    name: "Closed this quarter",
    description: "Engagements closed in the current fiscal period (a quarter with the default fiscal settings), with reason, sessions attended and wellbeing change.",
    columns: [reference, person, linkWorker, col("sprx_closedon", 120), col("sprx_closurereason", 170), col("sprx_sessionsattended", 100), col("sprx_ons4satisfiedchange", 120), col("sprx_uclachange", 120)],
    filter: `${CLOSED}<condition attribute="sprx_closedon" operator="this-fiscal-period" />`,
    orderBy: [{ attribute: "sprx_closedon", descending: true }],
  }),
  engagementView({
    savedQueryId: "7785ab86-4165-4831-bcb6-e9304c7d130e",
    name: "Closed as disengaged",
    description: "Closed engagements whose reason is disengaged, to review how contact was attempted.",
    columns: [reference, person, linkWorker, col("sprx_closedon", 120), col("sprx_sessionsattended", 100), col("sprx_sessionsdna", 100), col("sprx_referralsource", 140)],
    filter: `${CLOSED}<condition attribute="sprx_closurereason" operator="eq" value="${disengaged}" />`,
    orderBy: [{ attribute: "sprx_closedon", descending: true }],
  }),
];

/**
 * The people list: the contact table's views with each person's active
 * engagement beside them (an outer link, so people not yet referred on to an
 * engagement stay in the list), and the people still awaiting first contact.
 */
const ACTIVE_ENGAGEMENT_LINK = (attributes: readonly string[], linkType: "outer" | "inner" = "outer") =>
  `<link-entity name="${ENGAGEMENT}" from="sprx_contactid" to="contactid" link-type="${linkType}" alias="engagement">` +
  attributes.map((a) => `<attribute name="${a}" />`).join("") +
  `<filter type="and">${ACTIVE}</filter></link-entity>`;

export const PEOPLE_VIEWS: readonly ViewDeclaration[] = [
  {
    savedQueryId: "d4a7c2e9-3b6f-4a18-8c5d-1e9f7b2a6c30",
    name: "People and their engagement",
    description: "Everyone on the caseload with their active engagement's stage, next session and link worker; people awaiting first contact have no stage yet.",
    table: "contact",
    isDefault: true,
    fetchXml:
      `<fetch version="1.0" mapping="logical"><entity name="contact"><attribute name="contactid" /><attribute name="fullname" /><attribute name="emailaddress1" />` +
      `<order attribute="fullname" descending="false" /><filter type="and">${ACTIVE}</filter>` +
      `${ACTIVE_ENGAGEMENT_LINK(["sprx_stage", "sprx_nextsessionon", "ownerid", "sprx_sessionsattended"])}</entity></fetch>`,
    columns: [col("fullname", 180), col("engagement.sprx_stage", 140), col("engagement.sprx_sessionsattended", 90), col("engagement.sprx_nextsessionon", 140), col("engagement.ownerid", 150), col("emailaddress1", 200)],
  },
  {
    savedQueryId: "6e1b9d47-a2c8-4f3e-9b05-7d4c8a1f2e93",
    name: "People awaiting first contact",
    description: "People with no engagement yet: referred, not yet met.",
    table: "contact",
    fetchXml:
      `<fetch version="1.0" mapping="logical"><entity name="contact"><attribute name="contactid" /><attribute name="fullname" /><attribute name="emailaddress1" /><attribute name="createdon" /><attribute name="ownerid" />` +
      `<order attribute="createdon" descending="false" /><filter type="and">${ACTIVE}<condition entityname="anyengagement" attribute="${ENGAGEMENT}id" operator="null" /></filter>` +
      `<link-entity name="${ENGAGEMENT}" from="sprx_contactid" to="contactid" link-type="outer" alias="anyengagement" /></entity></fetch>`,
    columns: [col("fullname", 180), col("createdon", 140), col("ownerid", 150), col("emailaddress1", 200)],
  },
];

/** A column chart of engagement counts (or another aggregate of one column) grouped by one choice column. */
function countByChart(id: string, name: string, description: string, groupBy: string, filter: string, measure = { column: `${ENGAGEMENT}id`, aggregate: "count" }): ChartDeclaration {
  const dataDescription =
    `<datadefinition><fetchcollection><fetch mapping="logical" aggregate="true"><entity name="${ENGAGEMENT}">` +
    `<attribute alias="aggregate_column" name="${measure.column}" aggregate="${measure.aggregate}" />` +
    `<attribute groupby="true" alias="groupby_column" name="${groupBy}" />` +
    `<filter type="and">${filter}</filter>` +
    `</entity></fetch></fetchcollection>` +
    `<categorycollection><category alias="groupby_column"><measurecollection><measure alias="aggregate_column" /></measurecollection></category></categorycollection>` +
    `</datadefinition>`;
  const presentationDescription =
    `<Chart Palette="None" PaletteCustomColors="55,118,193; 197,56,52; 149,189,66; 117,82,160; 49,171,204; 255,136,35">` +
    `<Series><Series ChartType="Column" IsValueShownAsLabel="True" Font="{0}, 9.5px" LabelForeColor="59, 59, 59" CustomProperties="PointWidth=0.75, MaxPixelPointWidth=40" /></Series>` +
    `<ChartAreas><ChartArea BorderColor="White" BorderDashStyle="Solid"><AxisY LabelAutoFitMinFontSize="8" TitleForeColor="59, 59, 59" TitleFont="{0}, 10.5px" LineColor="165, 172, 181" IntervalAutoMode="VariableCount">` +
    `<MajorGrid LineColor="239, 242, 246" /><MajorTickMark LineColor="165, 172, 181" Size="3" /><LabelStyle Font="{0}, 10.5px" ForeColor="59, 59, 59" /></AxisY>` +
    `<AxisX LabelAutoFitMinFontSize="8" TitleForeColor="59, 59, 59" TitleFont="{0}, 10.5px" LineColor="165, 172, 181" IntervalAutoMode="VariableCount">` +
    `<MajorTickMark LineColor="165, 172, 181" Size="3" /><MajorGrid LineColor="Transparent" /><LabelStyle Font="{0}, 10.5px" ForeColor="59, 59, 59" /></AxisX></ChartArea></ChartAreas>` +
    `<Titles><Title Alignment="TopLeft" DockingOffset="-3" Font="{0}, 13px" ForeColor="59, 59, 59" /></Titles></Chart>`;
  return { savedQueryVisualizationId: id, name, description, table: ENGAGEMENT, dataDescription, presentationDescription };
}

export const CHARTS: readonly ChartDeclaration[] = [
  { ...countByChart("24012994-18e2-44ed-a4d3-493a66ce0807", "Active engagements by stage", "How many active engagements are at each stage.", "sprx_stage", ACTIVE), isDefault: true },
  countByChart("369c78d6-193e-455b-b4da-b396135f1dc3", "Closures by reason", "How many engagements closed for each reason.", "sprx_closurereason", CLOSED),
  // The supervisor dashboards' outcome charts (solution/dashboards.ts).
  countByChart("5b0e7a3c-2f4d-4c18-9e6a-d3b8c1f07a52", "Closures this quarter by reason", "How many engagements closed in the current fiscal period, by reason.", "sprx_closurereason", CLOSED_THIS_QUARTER),
  countByChart(
    "c2d9f4e6-7a1b-4e83-8f05-6b3a9e2d1c47", "Change in life satisfaction at closure",
    "Average change in ONS4 life satisfaction (latest minus baseline) of the engagements closed this fiscal period, by closure reason.",
    "sprx_closurereason", CLOSED_THIS_QUARTER, { column: "sprx_ons4satisfiedchange", aggregate: "avg" },
  ),
];

/** Every view and chart the solution ships besides the tables' system views: the supervisors' on engagements and community support's (communityViews.ts). */
export const SHIPPED_VIEWS: readonly ViewDeclaration[] = [...SUPERVISOR_VIEWS, ...COMMUNITY_VIEWS];
export const SHIPPED_CHARTS: readonly ChartDeclaration[] = [...CHARTS, ...COMMUNITY_CHARTS];
