/**
 * The business-event catalog. Power Automate's Dataverse trigger "When an
 * action is performed" lists only actions that a catalog and a category
 * include, so the solution ships a two-level catalog: the first level is the
 * solution, the second a category, and a catalog assignment puts the closure
 * event in that category.
 *
 * Catalog and CatalogAssignment tables:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/catalog-catalogassignment
 * Trigger flows with actions (Catalog, Category, Table name, Action name):
 *   https://learn.microsoft.com/power-automate/dataverse/action-trigger
 */
import { ENGAGEMENT_CLOSED_EVENT } from "./businessEvent";
import { schema } from "./schema/schema";

export interface CatalogDeclaration {
  /** `catalog.uniquename`; also the folder name under catalogs/ and the flow trigger's `catalog`/`category` value. */
  readonly uniqueName: string;
  /** `name`. */
  readonly name: string;
  /** What the trigger's Catalog or Category picker shows. */
  readonly displayName: string;
  readonly description: string;
  /** The first-level catalog this category belongs to; undefined for the first level. */
  readonly parent?: string;
}

export interface CatalogAssignmentDeclaration {
  /** The second-level catalog (category). */
  readonly catalog: string;
  /** Only custom APIs are assigned here; tables and custom process actions are the other kinds. */
  readonly objectType: "customapi";
  /** The custom API's unique name. */
  readonly object: string;
  readonly name: string;
}

/** First level: the solution. */
export const SOLUTION_CATALOG: CatalogDeclaration = {
  uniqueName: `${schema.publisher.prefix}_${schema.solution.uniqueName}`,
  name: schema.solution.displayName,
  displayName: schema.solution.displayName,
  description: `Business events of the ${schema.solution.displayName} solution.`,
};

/** Second level: the category flows pick the closure event from. */
export const ENGAGEMENTS_CATEGORY: CatalogDeclaration = {
  uniqueName: `${schema.publisher.prefix}_Engagements`,
  name: `${schema.solution.displayName} engagement events`,
  displayName: "Engagements",
  description: "Events in the life of a social prescribing engagement.",
  parent: SOLUTION_CATALOG.uniqueName,
};

export const CATALOGS: readonly CatalogDeclaration[] = [SOLUTION_CATALOG, ENGAGEMENTS_CATEGORY];

export const CATALOG_ASSIGNMENTS: readonly CatalogAssignmentDeclaration[] = [
  { catalog: ENGAGEMENTS_CATEGORY.uniqueName, objectType: "customapi", object: ENGAGEMENT_CLOSED_EVENT.uniqueName, name: ENGAGEMENT_CLOSED_EVENT.displayName },
];
