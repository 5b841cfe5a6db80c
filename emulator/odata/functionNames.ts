import { DATE_OPERATORS, type DateOperator } from "../query/dates";

/* The names of Dataverse's query functions, and which of them the local Dataverse evaluates. */

/**
 * Dataverse query functions named after the FetchXML operators they run:
 * `Microsoft.Dynamics.CRM.LastXDays(PropertyName='x',PropertyValue=7)` is
 * FetchXML's `last-x-days`.
 */
export const DATE_FUNCTIONS: ReadonlyMap<string, DateOperator> = new Map(
  DATE_OPERATORS.map((op) => [op.split("-").map((w) => (w === "x" ? "X" : w === "olderthan" ? "OlderThan" : w.charAt(0).toUpperCase() + w.slice(1))).join(""), op]),
);

/** Dataverse's documented query functions, https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#dataverse-query-functions */
export const DOCUMENTED_FUNCTIONS = new Set([
  "InFiscalPeriod", "InFiscalPeriodAndYear", "InFiscalYear", "InOrAfterFiscalPeriodAndYear", "InOrBeforeFiscalPeriodAndYear", "Last7Days", "LastFiscalPeriod",
  "LastFiscalYear", "LastMonth", "LastWeek", "LastXDays", "LastXFiscalPeriods", "LastXFiscalYears", "LastXHours", "LastXMonths", "LastXWeeks", "LastXYears",
  "LastYear", "Next7Days", "NextFiscalPeriod", "NextFiscalYear", "NextMonth", "NextWeek", "NextXDays", "NextXFiscalPeriods", "NextXFiscalYears", "NextXHours",
  "NextXMonths", "NextXWeeks", "NextXYears", "NextYear", "OlderThanXDays", "OlderThanXHours", "OlderThanXMinutes", "OlderThanXMonths", "OlderThanXWeeks",
  "OlderThanXYears", "On", "OnOrAfter", "OnOrBefore", "ThisFiscalPeriod", "ThisFiscalYear", "ThisMonth", "ThisWeek", "ThisYear", "Today", "Tomorrow",
  "Yesterday", "Contains",
]);

/** Documented Dataverse query functions the local Dataverse does not evaluate (hierarchies, languages). */
export const UNSUPPORTED_FUNCTIONS = new Set([
  "Above", "AboveOrEqual", "Under", "UnderOrEqual", "NotUnder", "EqualUserLanguage", "EqualUserOrUserHierarchy",
  "EqualUserOrUserHierarchyAndTeams", "EqualRoleBusinessId",
]);
