import { Client, RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import type { TokenCredential } from "@azure/identity";

/**
 * What the steps need from Microsoft Graph, server-side with application
 * permissions (Mail.Send, Calendars.Read): send a message from the service
 * mailbox, and read a user's free/busy. Off unless SPRX_GRAPH_SENDER is set.
 */
export interface GraphMail {
  sendMail(message: OutgoingMail): Promise<void>;
  getSchedule(request: ScheduleRequest): Promise<BusyInterval[]>;
}

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
}

export interface ScheduleRequest {
  /** The mailbox whose free/busy is read (the link worker's). */
  readonly mailbox: string;
  readonly start: Date;
  readonly end: Date;
}

export interface BusyInterval {
  readonly start: Date;
  readonly end: Date;
}

/** Graph is unreachable or refused for a reason a later retry may not have (5xx, 429, network). */
export class GraphUnavailable extends Error {
  constructor(readonly status: number) {
    super(`Microsoft Graph unavailable (${status})`);
    this.name = "GraphUnavailable";
  }
}

export interface GraphSettings {
  readonly credential: TokenCredential;
  readonly sender: string;
  /** Override for a Graph stand-in; the client only sends the token to hosts in customHosts. */
  readonly baseUrl?: string;
}

export function createGraphMail(settings: GraphSettings): GraphMail {
  const authProvider = new TokenCredentialAuthenticationProvider(settings.credential, {
    scopes: ["https://graph.microsoft.com/.default"],
  });
  const baseUrl = settings.baseUrl ? settings.baseUrl.replace(/\/?$/, "/") : undefined;
  const client = Client.initWithMiddleware({
    authProvider,
    ...(baseUrl ? { baseUrl, customHosts: new Set([new URL(baseUrl).hostname]) } : {}),
  });
  const sender = encodeURIComponent(settings.sender);
  // No retries inside the call: Dataverse gives the webhook 60 s and retries the
  // async step itself after our 503, with the claim released, so one mechanism is enough.
  const noRetry = [new RetryHandlerOptions(0, 0)];

  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode ?? 0;
      if (status === 0 || status === 429 || status >= 500) throw new GraphUnavailable(status);
      throw new Error(`Microsoft Graph refused the request (${status})`);
    }
  };

  return {
    async sendMail(message) {
      await call(() =>
        client.api(`/users/${sender}/sendMail`).middlewareOptions(noRetry).post({
          message: {
            subject: message.subject,
            body: { contentType: "HTML", content: message.html },
            toRecipients: [{ emailAddress: { address: message.to } }],
          },
          saveToSentItems: true,
        }),
      );
    },
    async getSchedule(request) {
      // Times go in and come back in UTC, so no zone conversion happens in Graph.
      const response = await call(
        () =>
          client
            .api(`/users/${sender}/calendar/getSchedule`)
            .middlewareOptions(noRetry)
            .header("Prefer", 'outlook.timezone="UTC"')
            .post({
              schedules: [request.mailbox],
              startTime: { dateTime: request.start.toISOString().slice(0, 19), timeZone: "UTC" },
              endTime: { dateTime: request.end.toISOString().slice(0, 19), timeZone: "UTC" },
              availabilityViewInterval: 30,
            }) as Promise<{ value?: { scheduleItems?: { status?: string; start?: { dateTime?: string }; end?: { dateTime?: string } }[] }[] }>,
      );
      const items = response.value?.[0]?.scheduleItems ?? [];
      return items
        .filter((item) => item.status !== "free" && item.start?.dateTime && item.end?.dateTime)
        .map((item) => ({ start: utc(item.start!.dateTime!), end: utc(item.end!.dateTime!) }));
    },
  };
}

function utc(dateTime: string): Date {
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime}Z`);
}

/**
 * A credential for a Graph stand-in on this machine, which takes any bearer
 * token. Refused for anything but a loopback URL.
 */
export function loopbackCredential(baseUrl: string): TokenCredential {
  const host = new URL(baseUrl).hostname;
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(host)) {
    throw new Error("A Graph URL that is not on this machine needs real credentials");
  }
  return { getToken: () => Promise.resolve({ token: "local-stand-in", expiresOnTimestamp: Date.now() + 3_600_000 }) };
}
