import { schema } from "../../solution/schema/schema";
import type { Row, Store } from "../storage/database";

/**
 * Assign cascades down parental relationships: the engagement's sessions,
 * goals, checks and scores move to the new owner with it (CascadeAssign
 * "Cascade" in the shipped relationship XML).
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/configure-entity-relationship-cascading-behavior
 */
export function cascadeAssign(store: Store, table: string, id: string, owner: Row): void {
  for (const r of schema.relationships.filter((rel) => rel.referencedTable === table && rel.cascade === "parental")) {
    const child = store.metadata.entity(r.referencingTable);
    if (!child?.attributes.has("ownerid")) continue;
    const rows = store.select(`SELECT "${child.primaryIdAttribute}" AS id FROM "${child.logicalName}" WHERE "${r.lookup}" = ?`, [id]);
    for (const row of rows) {
      store.update(child, String(row.id), owner);
      cascadeAssign(store, child.logicalName, String(row.id), owner);
    }
  }
}
