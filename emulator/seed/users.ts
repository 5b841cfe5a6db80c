import { ADMINISTRATOR, LINK_WORKER, SENSITIVE_NOTES_PROFILE, SUPERVISOR } from "../../solution/security";
import { BASIC_USER } from "../security/roles";
import type { Row, Store } from "../storage/database";
import { FOUNDATION } from "./foundation";
import { addToProfile, assignRole } from "./security";

/**
 * The demo organisation: the service as the root business unit with two
 * hubs below it, four link workers (two per hub), a supervisor of the North
 * hub and an administrator, each with the shipped roles plus Basic User
 * (systemuserroles_association). The supervisor and one link worker are in
 * the sensitive-notes field security profile.
 */

export const HUBS = {
  north: { id: "0b5e2a14-6c3d-4f1e-8a9b-1c2d3e4f5a01", name: "North Hub" },
  south: { id: "0b5e2a14-6c3d-4f1e-8a9b-1c2d3e4f5a02", name: "South Hub" },
} as const;

export interface DemoUser {
  readonly id: string;
  readonly firstname: string;
  readonly lastname: string;
  readonly title: "Link worker" | "Supervisor" | "Administrator";
  readonly businessUnitId: string;
  readonly roleIds: readonly string[];
  readonly sensitiveNotes: boolean;
}

const worker = (n: number, firstname: string, lastname: string, hub: keyof typeof HUBS, sensitiveNotes = false): DemoUser => ({
  id: `a11ce000-0000-4000-8000-00000000000${n}`, firstname, lastname, title: "Link worker", businessUnitId: HUBS[hub].id,
  roleIds: [LINK_WORKER.roleId, BASIC_USER.roleId], sensitiveNotes,
});

/** Link workers of the service; the first is who the app shell acts as by default. */
export const LINK_WORKERS: readonly DemoUser[] = [
  worker(5, "Alex", "Marlow", "north", true),
  worker(2, "Priya", "Hollis", "north"),
  worker(3, "Tomasz", "Reed", "south"),
  worker(4, "Grace", "Okafor", "south"),
];

export const SUPERVISOR_USER: DemoUser = {
  id: "a11ce000-0000-4000-8000-000000000006", firstname: "Morgan", lastname: "Hale", title: "Supervisor", businessUnitId: HUBS.north.id,
  roleIds: [SUPERVISOR.roleId, BASIC_USER.roleId], sensitiveNotes: true,
};

export const ADMINISTRATOR_USER: DemoUser = {
  id: "a11ce000-0000-4000-8000-000000000007", firstname: "Jo", lastname: "Whitfield", title: "Administrator", businessUnitId: FOUNDATION.businessUnitId,
  roleIds: [ADMINISTRATOR.roleId, BASIC_USER.roleId], sensitiveNotes: false,
};

export const DEMO_USERS: readonly DemoUser[] = [...LINK_WORKERS, SUPERVISOR_USER, ADMINISTRATOR_USER];

export function seedUsers(store: Store, stamp: string): void {
  const base = (): Row => ({ createdon: stamp, modifiedon: stamp, versionnumber: store.nextSequence("version") });
  for (const hub of Object.values(HUBS)) {
    store.insert(store.metadata.require("businessunit"), {
      ...base(), businessunitid: hub.id, name: hub.name, isdisabled: false, parentbusinessunitid: { logicalName: "businessunit", id: FOUNDATION.businessUnitId },
    });
  }
  for (const user of DEMO_USERS) {
    store.insert(store.metadata.require("systemuser"), {
      ...base(), systemuserid: user.id, firstname: user.firstname, lastname: user.lastname, fullname: `${user.firstname} ${user.lastname}`,
      internalemailaddress: `${user.firstname.toLowerCase()}@sprx.invalid`, domainname: `${user.firstname.toLowerCase()}@sprx.invalid`, title: user.title, isdisabled: false,
      businessunitid: { logicalName: "businessunit", id: user.businessUnitId },
      azureactivedirectoryobjectid: `0bec7000-0000-4000-8000-${user.id.slice(-12)}`,
    });
    for (const roleId of user.roleIds) assignRole(store, user.id, roleId);
    if (user.sensitiveNotes) addToProfile(store, user.id, SENSITIVE_NOTES_PROFILE.profileId);
  }
}
