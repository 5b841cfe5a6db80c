/**
 * Environment variable definitions: how one organisation runs the model.
 * Defaults come from the domain's default configuration, so the solution and
 * the rules cannot disagree; each environment overrides them with a value.
 */
import { DEFAULT_COMMUNITY_CONFIGURATION, DEFAULT_CONFIGURATION } from "../domain";

/** environmentvariabledefinition.type option values. */
export const EnvironmentVariableType = { string: 100000000, number: 100000001, boolean: 100000002, json: 100000003 } as const;

export interface EnvironmentVariableDeclaration {
  readonly schemaName: string;
  readonly displayName: string;
  readonly description: string;
  readonly type: (typeof EnvironmentVariableType)[keyof typeof EnvironmentVariableType];
  /** Absent when only the environment can know the value. */
  readonly defaultValue?: string;
  readonly isRequired: boolean;
}

const number = (schemaName: string, displayName: string, description: string, value: number): EnvironmentVariableDeclaration =>
  ({ schemaName, displayName, description, type: EnvironmentVariableType.number, defaultValue: String(value), isRequired: false });

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariableDeclaration[] = [
  number("sprx_PlannedSessions", "Planned sessions", "Sessions in a standard plan.", DEFAULT_CONFIGURATION.plannedSessions),
  number("sprx_WindowTargetWeeks", "Window: closing from week", "Weeks after the first session from which the engagement should be closing.", DEFAULT_CONFIGURATION.windowTargetWeeks),
  number("sprx_WindowLimitWeeks", "Window: closed by week", "Weeks after the first session by which the engagement should be closed.", DEFAULT_CONFIGURATION.windowLimitWeeks),
  number("sprx_LongestGapDays", "Longest gap between sessions (days)", "Days without a session after which an engagement is overdue. The Overdue view uses the shipped default; edit it if you change this.", DEFAULT_CONFIGURATION.longestGapDays),
  number("sprx_DnaThreshold", "Missed sessions before a courageous conversation", "Did-not-attends in a row that suggest an honest conversation.", DEFAULT_CONFIGURATION.dnaThreshold),
  number("sprx_ExtensionRequestThreshold", "Extension requests worth discussing", "Extension requests at which the pattern itself is worth talking about.", DEFAULT_CONFIGURATION.extensionRequestThreshold),
  number("sprx_FollowUpDays", "Days before a connection is followed up", "Days after a referral to a community service at which the link worker asks whether the person went (the webhook service reads it as SPRX_FOLLOW_UP_DAYS).", DEFAULT_COMMUNITY_CONFIGURATION.followUpDays),
  {
    schemaName: "sprx_RequiredClosureChecks",
    displayName: "Closure checks required by reason",
    description: "JSON: for each closure reason, the checklist items that must be done before closing.",
    type: EnvironmentVariableType.json,
    defaultValue: JSON.stringify(DEFAULT_CONFIGURATION.requiredChecks),
    isRequired: false,
  },
  {
    schemaName: "sprx_WebhookBaseUrl",
    displayName: "Webhook service base URL",
    description: "Where the engagement webhook service runs (for example https://<function-app>.azurewebsites.net). Set it for each environment after import.",
    type: EnvironmentVariableType.string,
    isRequired: true,
  },
];
