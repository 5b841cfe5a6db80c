import { calendarForTimeZone, type CommunityConfiguration, configure, DEFAULT_COMMUNITY_CONFIGURATION, type EngagementConfiguration } from "../../domain";
import { DataverseClient } from "../dataverse/client";
import { DATAVERSE_AUTH_KINDS, type DataverseAuthKind, dataverseAccessToken, isLoopbackUrl, tokenCredential } from "../dataverse/credentials";
import { createGraphMail, type GraphMail, loopbackCredential } from "../graph/graphMail";
import { WEBHOOK_AUTH_KINDS, type WebhookAuth } from "./auth";
import type { WebhookServiceOptions } from "./handleWebhookRequest";
import type { Logger } from "./logger";

/** Everything the service reads from its environment, checked once at start-up. */
export interface ServiceSettings {
  readonly port: number;
  readonly auth: WebhookAuth;
  readonly dataverseUrl: string;
  readonly dataverseAuth: DataverseAuthKind;
  readonly graphBaseUrl?: string;
  readonly graphSender?: string;
  readonly timeZone: string;
  readonly configuration: EngagementConfiguration;
  /** Days after a referral to a community service at which the worker follows it up. */
  readonly community: CommunityConfiguration;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export class SettingsError extends Error {
  constructor(problems: readonly string[]) {
    super(`The webhook service is not configured: ${problems.join("; ")}`);
    this.name = "SettingsError";
  }
}

function wholeNumber(env: Environment, name: string, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) problems.push(`${name} must be a whole number`);
  return value;
}

export function readSettings(env: Environment): ServiceSettings {
  const problems: string[] = [];
  const port = wholeNumber(env, "PLUGIN_PORT", problems) ?? 8090;

  const key = env.SPRX_WEBHOOK_KEY ?? "";
  if (key.length < 16) problems.push("SPRX_WEBHOOK_KEY must be set to a secret of at least 16 characters");
  const authKind = env.SPRX_WEBHOOK_AUTH ?? "WebhookKey";
  let auth: WebhookAuth = { kind: "WebhookKey", key };
  if (authKind === "HttpHeader") auth = { kind: "HttpHeader", headers: { [(env.SPRX_WEBHOOK_AUTH_NAME ?? "x-api-key").toLowerCase()]: key } };
  else if (authKind === "HttpQueryString") auth = { kind: "HttpQueryString", parameters: { [env.SPRX_WEBHOOK_AUTH_NAME ?? "key"]: key } };
  else if (authKind !== "WebhookKey") problems.push(`SPRX_WEBHOOK_AUTH must be one of ${WEBHOOK_AUTH_KINDS.join(", ")}`);

  const dataverseUrl = env.SPRX_DATAVERSE_URL ?? "";
  let validUrl = false;
  try {
    validUrl = ["https:", "http:"].includes(new URL(dataverseUrl).protocol);
  } catch {
    validUrl = false;
  }
  if (!validUrl) problems.push("SPRX_DATAVERSE_URL must be the organisation URL, e.g. https://contoso.crm.dynamics.com");
  const dataverseAuth = (env.SPRX_DATAVERSE_AUTH ?? "managed-identity") as DataverseAuthKind;
  if (!DATAVERSE_AUTH_KINDS.includes(dataverseAuth)) problems.push(`SPRX_DATAVERSE_AUTH must be one of ${DATAVERSE_AUTH_KINDS.join(", ")}`);
  if (validUrl && dataverseAuth === "none" && !isLoopbackUrl(dataverseUrl)) problems.push("SPRX_DATAVERSE_AUTH=none is only accepted for a Dataverse on this machine");
  if (validUrl && dataverseAuth !== "none" && new URL(dataverseUrl).protocol !== "https:") problems.push("SPRX_DATAVERSE_URL must use https");

  const timeZone = env.SPRX_TIME_ZONE ?? "Europe/London";
  try {
    calendarForTimeZone(timeZone).dayOf(new Date(0));
  } catch {
    problems.push("SPRX_TIME_ZONE must be an IANA time zone such as Europe/London");
  }

  let configuration: EngagementConfiguration | undefined;
  try {
    configuration = configure({
      plannedSessions: wholeNumber(env, "SPRX_PLANNED_SESSIONS", problems),
      windowTargetWeeks: wholeNumber(env, "SPRX_WINDOW_TARGET_WEEKS", problems),
      windowLimitWeeks: wholeNumber(env, "SPRX_WINDOW_LIMIT_WEEKS", problems),
      longestGapDays: wholeNumber(env, "SPRX_LONGEST_GAP_DAYS", problems),
      dnaThreshold: wholeNumber(env, "SPRX_DNA_THRESHOLD", problems),
    });
  } catch (error) {
    problems.push((error as Error).message);
  }

  const followUpDays = wholeNumber(env, "SPRX_FOLLOW_UP_DAYS", problems) ?? DEFAULT_COMMUNITY_CONFIGURATION.followUpDays;
  if (followUpDays < 1 || followUpDays > 365) problems.push("SPRX_FOLLOW_UP_DAYS must be from 1 to 365");

  if (problems.length > 0 || !configuration) throw new SettingsError(problems);
  return {
    port,
    auth,
    dataverseUrl,
    dataverseAuth,
    graphBaseUrl: env.SPRX_GRAPH_BASE_URL || undefined,
    graphSender: env.SPRX_GRAPH_SENDER || undefined,
    timeZone,
    configuration,
    community: { followUpDays },
  };
}

/** Wires the real Dataverse client, Graph (when configured) and the domain configuration. */
export function serviceOptions(settings: ServiceSettings, env: Environment, logger: Logger): WebhookServiceOptions {
  const credential =
    settings.dataverseAuth === "none"
      ? undefined
      : tokenCredential({
          kind: settings.dataverseAuth,
          tenantId: env.AZURE_TENANT_ID,
          clientId: env.AZURE_CLIENT_ID,
          clientSecret: env.AZURE_CLIENT_SECRET,
          certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
        });
  // Without a credential (a Dataverse on this machine only) the local Dataverse may issue a token for the service's application user.
  const localToken = settings.dataverseAuth === "none" ? env.SPRX_DATAVERSE_LOCAL_TOKEN : undefined;
  const dataverse = new DataverseClient({
    url: settings.dataverseUrl,
    accessToken: credential ? dataverseAccessToken(credential, settings.dataverseUrl) : localToken ? () => Promise.resolve(localToken) : undefined,
    logger,
  });
  let graph: GraphMail | undefined;
  if (settings.graphSender) {
    const graphCredential = credential ?? loopbackCredential(settings.graphBaseUrl ?? "https://graph.microsoft.com/");
    graph = createGraphMail({ credential: graphCredential, sender: settings.graphSender, baseUrl: settings.graphBaseUrl });
  }
  const calendar = calendarForTimeZone(settings.timeZone);
  return {
    auth: settings.auth,
    logger,
    stepServices: (correlationId) => ({
      dataverse: dataverse.withCorrelation(correlationId),
      graph,
      clock: () => new Date(),
      logger,
      configuration: settings.configuration,
      community: settings.community,
      calendar,
      timeZone: settings.timeZone,
    }),
  };
}
