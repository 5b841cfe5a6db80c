import type { CollectionNavigation, EntityMetadata } from "../metadata/metadata";
import { quoteIdentifier, type Store } from "../storage/database";
import type { Condition } from "./conditions";

/**
 * The rows of `child` related to one parent row through a collection-valued
 * navigation property: a 1:N lookup pointing at the parent, or an N:N
 * relationship through its intersect table.
 */
export function relatedCondition(store: Store, child: EntityMetadata, nav: CollectionNavigation, parentId: string, alias = "t0"): Condition {
  if (!nav.intersect) {
    const lookup = child.attributes.get(nav.lookup);
    if (!lookup) throw new Error(`${child.logicalName} has no ${nav.lookup}`);
    return { kind: "compare", op: "eq", column: { alias, attribute: lookup }, value: parentId.toLowerCase() };
  }
  const { table, parentColumn, childColumn } = nav.intersect;
  const ids = store
    .select(`SELECT ${quoteIdentifier(childColumn)} AS id FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(parentColumn)} = ?`, [parentId.toLowerCase()])
    .map((r) => String(r.id));
  const key = child.attributes.get(child.primaryIdAttribute);
  if (!key || ids.length === 0) return { kind: "constant", value: false };
  return { kind: "in", column: { alias, attribute: key }, values: ids, negate: false };
}
