import { SUPERVISOR_VIEWS } from "../../solution/views";
import type { Store } from "../storage/database";

/**
 * The solution's views as the savedquery rows an import creates, so
 * `?savedQuery=<id>` runs them as Dataverse does. Ids are the solution's
 * own, fixed, so they survive a reset.
 */
export function installSolutionViews(store: Store): void {
  const entity = store.metadata.require("savedquery");
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  store.atomically(() => {
    for (const view of SUPERVISOR_VIEWS) {
      const row = {
        name: view.name, description: view.description, returnedtypecode: view.table, fetchxml: view.fetchXml,
        layoutxml: `<grid name="resultset" object="0" jump="" select="1" icon="1" preview="1"><row name="result" id="${view.table}id">${view.columns
          .map((c) => `<cell name="${c.name}" width="${c.width}" />`)
          .join("")}</row></grid>`,
        querytype: 0, isdefault: view.isDefault === true, statecode: 0, statuscode: 1, modifiedon: stamp, versionnumber: store.nextSequence("version"),
      };
      if (store.get(entity, view.savedQueryId)) store.update(entity, view.savedQueryId, row);
      else store.insert(entity, { ...row, savedqueryid: view.savedQueryId, createdon: stamp });
    }
  });
}
