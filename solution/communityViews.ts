/**
 * Views and the chart for community support (issue 15): the directory
 * browsed by category and by area, connections awaiting follow-up, services
 * with low uptake, and linking success by service category. Like the
 * supervisor views, they filter only on stored columns the webhook service
 * keeps current and on relative-date operators evaluated at query time.
 */
import { communityChoices } from "./schema/community";
import { optionValue } from "./schema/schema";
import type { ChartDeclaration, ViewColumn, ViewDeclaration } from "./views";

const SERVICE = "sprx_communityservice";
const CONNECTION = "sprx_connection";
const ACTIVE = `<condition attribute="statecode" operator="eq" value="0" />`;
const col = (name: string, width: number): ViewColumn => ({ name, width });

/** Uptake below this percentage, once this many connections are made, counts as low. */
export const LOW_UPTAKE_PERCENT = 50;
export const LOW_UPTAKE_MINIMUM_MADE = 3;

function view(table: string, input: Omit<ViewDeclaration, "fetchXml" | "table"> & { filter: string; orderBy: readonly [string, boolean?][] }): ViewDeclaration {
  const attributes = [`${table}id`, ...input.columns.map((c) => c.name)].map((n) => `<attribute name="${n}" />`).join("");
  const orders = input.orderBy.map(([attribute, descending]) => `<order attribute="${attribute}" descending="${descending ? "true" : "false"}" />`).join("");
  return {
    savedQueryId: input.savedQueryId,
    name: input.name,
    description: input.description,
    table,
    columns: input.columns,
    fetchXml: `<fetch version="1.0" mapping="logical"><entity name="${table}">${attributes}${orders}<filter type="and">${input.filter}</filter></entity></fetch>`,
    ...(input.isDefault ? { isDefault: true } : {}),
  };
}

const activeService = `${ACTIVE}<condition attribute="sprx_status" operator="eq" value="${optionValue(communityChoices.serviceStatus, "active")}" />`;
const open = [optionValue(communityChoices.connectionStatus, "referred"), optionValue(communityChoices.connectionStatus, "notAttended")];

export const COMMUNITY_VIEWS: readonly ViewDeclaration[] = [
  view(SERVICE, {
    savedQueryId: "4c1b7e0a-2f6d-4a93-8e51-0d9a3b6c7f21",
    name: "Community services by category",
    description: "Active services taking people now, grouped by category, for finding support that fits a goal.",
    isDefault: true,
    columns: [col("sprx_category", 200), col("sprx_name", 220), col("sprx_area", 90), col("sprx_cost", 90), col("sprx_referralroute", 160), col("sprx_providerid", 200)],
    filter: activeService,
    orderBy: [["sprx_category"], ["sprx_name"]],
  }),
  view(SERVICE, {
    savedQueryId: "8e2d4f61-93a7-4b0c-b5d8-61f0c2a9e3b4",
    name: "Community services by area",
    description: "Active services taking people now, by postcode district or neighbourhood, for finding support close to home.",
    columns: [col("sprx_area", 90), col("sprx_name", 220), col("sprx_category", 200), col("sprx_cost", 90), col("sprx_accessnotes", 200)],
    filter: activeService,
    orderBy: [["sprx_area"], ["sprx_category"], ["sprx_name"]],
  }),
  view(SERVICE, {
    savedQueryId: "b7a90c3e-5d14-4f82-a6e9-3c8b1d2f4a06",
    name: "Services with low uptake",
    description: `Services where fewer than ${LOW_UPTAKE_PERCENT}% of the people put in touch went at least once (after ${LOW_UPTAKE_MINIMUM_MADE} or more connections): worth a conversation with the provider.`,
    columns: [col("sprx_name", 220), col("sprx_category", 200), col("sprx_uptake", 90), col("sprx_connectionsmade", 110), col("sprx_connectionsattended", 110), col("sprx_providerid", 200)],
    filter: `${ACTIVE}<condition attribute="sprx_connectionsmade" operator="ge" value="${LOW_UPTAKE_MINIMUM_MADE}" /><condition attribute="sprx_uptake" operator="lt" value="${LOW_UPTAKE_PERCENT}" />`,
    orderBy: [["sprx_uptake"]],
  }),
  view(CONNECTION, {
    savedQueryId: "2f6e8a1d-c4b3-4e97-9a05-7d3c1b8e6f42",
    name: "Connections awaiting follow-up",
    description: "Referrals whose follow-up date has come (today or earlier) and whose outcome is not yet known: did the person go?",
    columns: [col("sprx_followupon", 110), col("sprx_engagementid", 140), col("sprx_serviceid", 220), col("sprx_status", 110), col("sprx_referredon", 110), col("ownerid", 150)],
    filter:
      `${ACTIVE}<condition attribute="sprx_status" operator="in"><value>${open[0]}</value><value>${open[1]}</value></condition>` +
      // Date-only: today, or any day before it (today, yesterday, or older than a day, whichever way "older" counts the boundary).
      `<filter type="or"><condition attribute="sprx_followupon" operator="today" /><condition attribute="sprx_followupon" operator="yesterday" />` +
      `<condition attribute="sprx_followupon" operator="olderthan-x-days" value="1" /></filter>`,
    orderBy: [["sprx_followupon"]],
  }),
];

/**
 * Linking success by service category: for each category, connections made
 * (people put in touch) beside those attended, summed from the services'
 * stored rollups.
 */
const dataDescription =
  `<datadefinition><fetchcollection><fetch mapping="logical" aggregate="true"><entity name="${SERVICE}">` +
  `<attribute alias="made" name="sprx_connectionsmade" aggregate="sum" />` +
  `<attribute alias="attended" name="sprx_connectionsattended" aggregate="sum" />` +
  `<attribute groupby="true" alias="groupby_column" name="sprx_category" />` +
  `<filter type="and">${ACTIVE}</filter>` +
  `</entity></fetch></fetchcollection>` +
  `<categorycollection><category alias="groupby_column"><measurecollection><measure alias="made" /></measurecollection>` +
  `<measurecollection><measure alias="attended" /></measurecollection></category></categorycollection>` +
  `</datadefinition>`;
const presentationDescription =
  `<Chart Palette="None" PaletteCustomColors="55,118,193; 149,189,66">` +
  `<Series><Series ChartType="Bar" IsValueShownAsLabel="True" Font="{0}, 9.5px" LabelForeColor="59, 59, 59" Name="Connections made" /><Series ChartType="Bar" IsValueShownAsLabel="True" Font="{0}, 9.5px" LabelForeColor="59, 59, 59" Name="Attended" /></Series>` +
  `<ChartAreas><ChartArea BorderColor="White" BorderDashStyle="Solid"><AxisY LabelAutoFitMinFontSize="8" TitleForeColor="59, 59, 59" TitleFont="{0}, 10.5px" LineColor="165, 172, 181" IntervalAutoMode="VariableCount">` +
  `<MajorGrid LineColor="239, 242, 246" /><MajorTickMark LineColor="165, 172, 181" Size="3" /><LabelStyle Font="{0}, 10.5px" ForeColor="59, 59, 59" /></AxisY>` +
  `<AxisX LabelAutoFitMinFontSize="8" TitleForeColor="59, 59, 59" TitleFont="{0}, 10.5px" LineColor="165, 172, 181" IntervalAutoMode="VariableCount">` +
  `<MajorTickMark LineColor="165, 172, 181" Size="3" /><MajorGrid LineColor="Transparent" /><LabelStyle Font="{0}, 10.5px" ForeColor="59, 59, 59" /></AxisX></ChartArea></ChartAreas>` +
  `<Legend><Legend Alignment="Center" LegendStyle="Table" Docking="Bottom" Font="{0}, 11px" ForeColor="59, 59, 59" /></Legend>` +
  `<Titles><Title Alignment="TopLeft" DockingOffset="-3" Font="{0}, 13px" ForeColor="59, 59, 59" /></Titles></Chart>`;

export const COMMUNITY_CHARTS: readonly ChartDeclaration[] = [
  {
    savedQueryVisualizationId: "d5c3a8f2-1e64-4b7d-8c90-a2f5e6b3c718",
    name: "Linking success by service category",
    description: "For each category of community service, how many people were put in touch and how many went at least once.",
    table: SERVICE,
    dataDescription,
    presentationDescription,
    isDefault: true,
  },
];
