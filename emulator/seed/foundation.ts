import { createHash } from "node:crypto";
import type { Row, Store } from "../storage/database";
import { ensureSecurityFoundation } from "./security";

/**
 * What every Dataverse environment has before any solution is installed: the
 * root business unit, the local user, and the SDK messages and message
 * filters (one per message and table) that plug-in steps register against. Fixed ids, so links and tests can name them.
 */
export const FOUNDATION = {
  organizationId: "5f1c0d3e-7a2b-4c1d-9e8f-0a1b2c3d4e5f",
  businessUnitId: "0b5e2a14-6c3d-4f1e-8a9b-1c2d3e4f5a6b",
  adminUserId: "a11ce000-0000-4000-8000-000000000001",
  messages: { Create: "9ebdbb1b-ea3e-db11-86a7-000a3a5473e8", Update: "20bebb1b-ea3e-db11-86a7-000a3a5473e8", Delete: "20bdbb1b-ea3e-db11-86a7-000a3a5473e8" },
} as const;

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

function insertIfMissing(store: Store, table: string, row: Row): void {
  const entity = store.metadata.require(table);
  const id = row[entity.primaryIdAttribute];
  if (typeof id === "string" && store.get(entity, id)) return;
  store.insert(entity, { createdon: stamp(), modifiedon: stamp(), versionnumber: store.nextSequence("version"), ...row });
}

export function ensureFoundation(store: Store): void {
  store.atomically(() => {
    insertIfMissing(store, "businessunit", { businessunitid: FOUNDATION.businessUnitId, name: "Social Prescribing Service", isdisabled: false });
    insertIfMissing(store, "systemuser", {
      systemuserid: FOUNDATION.adminUserId, firstname: "Local", lastname: "Administrator", fullname: "Local Administrator",
      internalemailaddress: "admin@sprx.invalid", domainname: "admin@sprx.invalid", isdisabled: false,
      businessunitid: { logicalName: "businessunit", id: FOUNDATION.businessUnitId },
      title: "Administrator",
    });
    ensureSecurityFoundation(store, FOUNDATION.businessUnitId, FOUNDATION.adminUserId);
    for (const [name, id] of Object.entries(FOUNDATION.messages)) {
      insertIfMissing(store, "sdkmessage", { sdkmessageid: id, name, categoryname: name, isprivate: false });
      for (const entity of store.metadata.entities) {
        insertIfMissing(store, "sdkmessagefilter", {
          sdkmessagefilterid: messageFilterId(name, entity.logicalName), primaryobjecttypecode: entity.logicalName,
          secondaryobjecttypecode: "none", sdkmessageid: { logicalName: "sdkmessage", id }, iscustomprocessingstepallowed: true,
        });
      }
    }
  });
}

/** A stable id per message and table, so the filters keep their ids across resets. */
export function messageFilterId(message: string, table: string): string {
  const hex = createHash("sha256").update(`${message}:${table}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
