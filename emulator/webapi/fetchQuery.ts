import type { EntityMetadata } from "../metadata/metadata";
import { runFetchXml, type FetchContext } from "../fetchxml/fetchXml";
import { QueryError, isGuid } from "../query/conditions";
import type { Store } from "../storage/database";
import { faults } from "../service/faults";
import type { AnnotationChoice } from "../service/payload";
import { asText } from "../storage/text";

/**
 * `GET <set>?fetchXml=…`, `?savedQuery=<id>` and `?userQuery=<id>`: a
 * FetchXML query, given or read from a saved view, answered as Dataverse
 * does — properties whose value is null are left out, and with
 * `Prefer: odata.include-annotations` the paging cookie and morerecords:
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-and-execute-predefined-queries
 * https://learn.microsoft.com/power-apps/developer/data-platform/fetchxml/page-results
 */

const FETCH_OPTIONS = ["fetchXml", "savedQuery", "userQuery"] as const;

/** Does `Prefer: odata.include-annotations="…"` ask for this annotation (by name, by namespace.* or *)? */
export function wantsAnnotation(prefer: string | undefined, name: string): boolean {
  const match = /odata\.include-annotations\s*=\s*"?([^";]*)"?/i.exec(prefer ?? "");
  if (!match) return false;
  return match[1].split(",").map((p) => p.trim()).some((p) => p === "*" || p === name || (p.endsWith(".*") && name.startsWith(p.slice(0, -1))));
}

export function isFetchQuery(options: ReadonlyMap<string, string>): boolean {
  return FETCH_OPTIONS.some((o) => options.has(o));
}

/** The FetchXML the request asks to run, checked for the entity set it was sent to. */
function fetchXmlOf(store: Store, entity: EntityMetadata, options: ReadonlyMap<string, string>): string {
  const given = FETCH_OPTIONS.filter((o) => options.has(o));
  if (given.length > 1) throw new QueryError(`Only one of ${FETCH_OPTIONS.join(", ")} can be used in a request.`);
  // $count is accepted beside them and changes nothing, as in Microsoft's own paging example.
  const others = [...options.keys()].filter((k) => !given.includes(k as (typeof FETCH_OPTIONS)[number]) && k !== "$count");
  if (others.length) throw new QueryError(`The query option '${others[0]}' cannot be combined with ${given[0]}.`);
  const option = given[0];
  const value = options.get(option) ?? "";
  if (option === "fetchXml") return value;
  const table = option === "savedQuery" ? "savedquery" : "userquery";
  const id = value.trim().replace(/^\{|\}$/g, "").toLowerCase();
  if (!isGuid(id)) throw new QueryError(`The ${option} value '${value}' is not a valid id.`);
  const view = store.get(store.metadata.require(table), id);
  if (!view) throw faults.recordNotFound(table, id);
  if (view.returnedtypecode !== entity.logicalName) {
    throw new QueryError(`The ${table} ${id} is a view of '${asText(view.returnedtypecode)}', not of the '${entity.entitySetName}' entity set.`);
  }
  return asText(view.fetchxml);
}

export function runFetchQuery(
  store: Store,
  entity: EntityMetadata,
  options: ReadonlyMap<string, string>,
  prefer: string | undefined,
  annotations: AnnotationChoice,
  context: Omit<FetchContext, "expectedEntity">,
  contextUrl: string,
): { body: Record<string, unknown>; applied: string[] } {
  const result = runFetchXml(store, fetchXmlOf(store, entity, options), { ...context, expectedEntity: entity.logicalName });
  const value = result.rows.map((r) => {
    const json = result.toJson(r, annotations);
    for (const [key, v] of Object.entries(json)) if (v === null) delete json[key];
    return json;
  });
  const body: Record<string, unknown> = { "@odata.context": contextUrl };
  const applied: string[] = [];
  const wantsCookie = wantsAnnotation(prefer, "Microsoft.Dynamics.CRM.fetchxmlpagingcookie");
  const wantsMore = wantsAnnotation(prefer, "Microsoft.Dynamics.CRM.morerecords");
  if (wantsCookie && result.pagingCookie) {
    // The cookie inside is URL-encoded twice, with .NET's lower-case escapes, as Dataverse sends it.
    const dotNetEncode = (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    const encoded = dotNetEncode(dotNetEncode(result.pagingCookie));
    body["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"] = `<cookie pagenumber="${result.page + 1}" pagingcookie="${encoded}" istracking="False" />`;
  }
  if (wantsMore) body["@Microsoft.Dynamics.CRM.morerecords"] = result.moreRecords;
  if (result.totalRecordCount !== undefined) body["@Microsoft.Dynamics.CRM.totalrecordcount"] = result.totalRecordCount;
  body.value = value;
  return { body, applied };
}
