/**
 * Security roles and the field security profile. Depths follow who owns the
 * work: a link worker their own caseload, a supervisor the business unit, an
 * administrator the organisation. The roles add only what the product needs;
 * users also hold the platform's Basic User role for the rest of the app.
 */

/** Privilege depth as solution XML spells it: user, business unit, parent-child business units, organisation. */
export type Depth = "Basic" | "Local" | "Deep" | "Global";
export type TableAccess = "Create" | "Read" | "Write" | "Delete" | "Append" | "AppendTo" | "Assign" | "Share";

export interface TablePrivileges {
  /** Table schema name as used in privilege names (prvRead<schema>); built-in activities share "Activity". */
  readonly privilegeTable: string;
  readonly access: Readonly<Partial<Record<TableAccess, Depth>>>;
}

export interface RoleDeclaration {
  readonly roleId: string;
  readonly name: string;
  readonly description: string;
  readonly tables: readonly TablePrivileges[];
  /** Other named privileges (environment variables and the like). */
  readonly privileges: Readonly<Record<string, Depth>>;
}

const CUSTOM_TABLES = ["sprx_engagement", "sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore", "sprx_connection", "sprx_communityservice"] as const;
/** The person's data, owned with the engagement: connections to community services are among them (issue 15). */
const CHILD_TABLES = ["sprx_goal", "sprx_closurecheck", "sprx_wellbeingscore", "sprx_connection"] as const;
/**
 * The community directory is organisation data: every link worker and
 * supervisor reads it and links connections to it; only the administrator
 * edits it (and the providers, which are accounts).
 */
const READ_DIRECTORY: readonly TablePrivileges[] = [
  { privilegeTable: "sprx_communityservice", access: { Read: "Global", AppendTo: "Global" } },
  { privilegeTable: "Account", access: { Read: "Global", AppendTo: "Global" } },
];

const all = (depth: Depth, except: readonly TableAccess[] = []): Partial<Record<TableAccess, Depth>> =>
  Object.fromEntries((["Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share"] as const).filter((a) => !except.includes(a)).map((a) => [a, depth]));

const READ_CONFIGURATION = { prvReadEnvironmentVariableDefinition: "Global", prvReadEnvironmentVariableValue: "Global" } as const;

export const LINK_WORKER: RoleDeclaration = {
  roleId: "14843b96-a0c8-4145-aad5-db4681c7c331",
  name: "Social Prescribing Link Worker",
  description: "Works their own caseload: engagements, sessions, goals, closure checks and wellbeing scores they own; reads people's contact records.",
  tables: [
    // Engagements are closed, never deleted: the record of the service given is kept.
    { privilegeTable: "sprx_engagement", access: all("Basic", ["Delete", "Assign"]) },
    ...CHILD_TABLES.map((t): TablePrivileges => ({ privilegeTable: t, access: all("Basic", ["Assign"]) })),
    { privilegeTable: "Activity", access: all("Basic", ["Assign"]) },
    { privilegeTable: "Contact", access: { Read: "Local", AppendTo: "Local" } },
    ...READ_DIRECTORY,
  ],
  privileges: READ_CONFIGURATION,
};

export const SUPERVISOR: RoleDeclaration = {
  roleId: "d7d92d04-6d95-41a0-a391-8b40be47375f",
  name: "Social Prescribing Supervisor",
  description: "Oversees the business unit's caseloads: reassigns engagements, approves extensions and reopens closed engagements.",
  tables: [
    { privilegeTable: "sprx_engagement", access: all("Local", ["Delete"]) },
    ...CHILD_TABLES.map((t): TablePrivileges => ({ privilegeTable: t, access: all("Local") })),
    { privilegeTable: "Activity", access: all("Local") },
    { privilegeTable: "Contact", access: { Read: "Local", Write: "Local", AppendTo: "Local" } },
    ...READ_DIRECTORY,
  ],
  privileges: READ_CONFIGURATION,
};

export const ADMINISTRATOR: RoleDeclaration = {
  roleId: "8ae9c691-173d-4bc8-abcc-7ea8c4bffa1e",
  name: "Social Prescribing Administrator",
  description: "Configures the service for the organisation (environment variable values) and has full access to its records.",
  tables: [
    ...CUSTOM_TABLES.map((t): TablePrivileges => ({ privilegeTable: t, access: all("Global") })),
    { privilegeTable: "Activity", access: all("Global") },
    { privilegeTable: "Contact", access: { Read: "Global", Write: "Global", AppendTo: "Global" } },
    { privilegeTable: "Account", access: { Create: "Global", Read: "Global", Write: "Global", Append: "Global", AppendTo: "Global" } },
  ],
  privileges: {
    ...READ_CONFIGURATION,
    prvCreateEnvironmentVariableValue: "Global",
    prvWriteEnvironmentVariableValue: "Global",
    prvWriteEnvironmentVariableDefinition: "Global",
  },
};

/**
 * The webhook service's application user: exactly what the plugin steps read
 * and write, across the organisation (the steps maintain every worker's
 * records). test/security/webhookRole.test.ts runs the steps locally as this
 * user and proves the set is neither short nor larger than they use.
 */
export const WEBHOOK_SERVICE: RoleDeclaration = {
  roleId: "5b0f6c2e-3d4a-4e8b-9c1f-7a2d6e9b0c13",
  name: "Social Prescribing Webhook Service",
  description: "For the webhook service's application user only: reads engagements and their sessions, goals, checks, scores and connections, and writes the rollups the server maintains.",
  tables: [
    { privilegeTable: "sprx_engagement", access: { Read: "Global", Write: "Global", AppendTo: "Global" } },
    { privilegeTable: "sprx_closurecheck", access: { Create: "Global", Read: "Global", Append: "Global", Assign: "Global" } },
    { privilegeTable: "sprx_goal", access: { Read: "Global" } },
    { privilegeTable: "sprx_wellbeingscore", access: { Read: "Global", Write: "Global" } },
    // Connections: the follow-up date; services: their linking-success rollups (issue 15).
    { privilegeTable: "sprx_connection", access: { Read: "Global", Write: "Global" } },
    { privilegeTable: "sprx_communityservice", access: { Read: "Global", Write: "Global" } },
    { privilegeTable: "Activity", access: { Read: "Global", Write: "Global" } },
    { privilegeTable: "Contact", access: { Read: "Global" } },
    { privilegeTable: "User", access: { Read: "Global" } },
  ],
  privileges: {},
};

/** The roles people are given in the model-driven app. */
export const APP_ROLES: readonly RoleDeclaration[] = [LINK_WORKER, SUPERVISOR, ADMINISTRATOR];
/** Every role the solution ships. */
export const ROLES: readonly RoleDeclaration[] = [...APP_ROLES, WEBHOOK_SERVICE];

/** Every privilege of a role by name, e.g. prvReadsprx_engagement → Basic. */
export function rolePrivileges(role: RoleDeclaration): [name: string, depth: Depth][] {
  const fromTables = role.tables.flatMap((t) => Object.entries(t.access).map(([access, depth]) => [`prv${access}${t.privilegeTable}`, depth] as [string, Depth]));
  return [...fromTables, ...Object.entries(role.privileges)].sort(([a], [b]) => a.localeCompare(b));
}

export interface FieldSecurityProfileDeclaration {
  readonly profileId: string;
  readonly name: string;
  readonly description: string;
  /** 4 = allowed, 0 = not allowed, per Dataverse's fieldpermission values. */
  readonly permissions: readonly { readonly table: string; readonly column: string; readonly read: 0 | 4; readonly update: 0 | 4; readonly create: 0 | 4 }[];
}

export const SENSITIVE_NOTES_PROFILE: FieldSecurityProfileDeclaration = {
  profileId: "94fc683b-722e-49a1-9a75-e01207babae4",
  name: "Social Prescribing sensitive notes",
  description: "Who may read and write notes about trauma or grief. Add the link workers and supervisors who need them after import.",
  permissions: [{ table: "sprx_engagement", column: "sprx_sensitivenotes", read: 4, update: 4, create: 4 }],
};

export const FIELD_SECURITY_PROFILES: readonly FieldSecurityProfileDeclaration[] = [SENSITIVE_NOTES_PROFILE];
