import type { AddressInfo } from "node:net";
import type http from "node:http";
import { calendarForTimeZone, configure, type EngagementConfiguration } from "../../../domain";
import { AttendanceValues, StageValues } from "../../../solution/generated/dataverse";
import { DataverseClient } from "../../../plugins/dataverse/client";
import type { GraphMail, OutgoingMail, ScheduleRequest, BusyInterval } from "../../../plugins/graph/graphMail";
import { GraphUnavailable } from "../../../plugins/graph/graphMail";
import { createWebhookServer } from "../../../plugins/host/nodeServer";
import { STEP_REGISTRATIONS, type StepHandlerName } from "../../../plugins/registrations";
import { type WebhookAuth, jsonLogger } from "../../../plugins/service";
import { type FakeDataverse, startFakeDataverse } from "./fakeDataverse";
import { asDataverseJson, type ContextSpec, remoteExecutionContext } from "./remoteContext";

export const KEY = "test-webhook-key-0123456789";
export const NOW = new Date("2026-03-02T12:00:00Z"); // a Monday

/** A Graph double for in-process tests; the real client is tested against the stand-in. */
export class RecordingGraph implements GraphMail {
  readonly sent: OutgoingMail[] = [];
  readonly scheduleRequests: ScheduleRequest[] = [];
  unavailable = 0;
  busy: BusyInterval[] = [];
  sendMail(message: OutgoingMail): Promise<void> {
    if (this.unavailable > 0) {
      this.unavailable--;
      return Promise.reject(new GraphUnavailable(503));
    }
    this.sent.push(message);
    return Promise.resolve();
  }
  getSchedule(request: ScheduleRequest): Promise<BusyInterval[]> {
    this.scheduleRequests.push(request);
    return Promise.resolve(this.busy);
  }
}

export interface Harness {
  readonly dataverse: FakeDataverse;
  readonly graph: RecordingGraph;
  readonly logLines: string[];
  readonly sleeps: number[];
  readonly url: string;
  post(body: string | object, options?: { query?: string; headers?: Record<string, string> }): Promise<{ status: number; text: string }>;
  deliver(spec: ContextSpec, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(options: { auth?: WebhookAuth; graph?: boolean; configuration?: EngagementConfiguration } = {}): Promise<Harness> {
  const dataverse = await startFakeDataverse();
  const logLines: string[] = [];
  const sleeps: number[] = [];
  const logger = jsonLogger((line) => logLines.push(line));
  const client = new DataverseClient({
    url: dataverse.url,
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const graph = new RecordingGraph();
  const configuration = options.configuration ?? configure();
  const calendar = calendarForTimeZone("Europe/London");
  const server: http.Server = createWebhookServer({
    auth: options.auth ?? { kind: "WebhookKey", key: KEY },
    logger,
    stepServices: (correlationId) => ({
      dataverse: client.withCorrelation(correlationId),
      graph: options.graph === false ? undefined : graph,
      clock: () => NOW,
      logger,
      configuration,
      calendar,
      timeZone: "Europe/London",
    }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/dataverse-webhook`;

  const post: Harness["post"] = async (body, { query = `?code=${KEY}`, headers = {} } = {}) => {
    const response = await fetch(`${url}${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : asDataverseJson(body),
    });
    return { status: response.status, text: await response.text() };
  };
  return {
    dataverse,
    graph,
    logLines,
    sleeps,
    url,
    post,
    deliver: (spec, headers) => post(remoteExecutionContext(spec), { headers }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dataverse.close();
    },
  };
}

export const ids = {
  contact: "0c0c0c0c-0000-4000-8000-000000000001",
  engagement: "e0e0e0e0-0000-4000-8000-000000000001",
  otherEngagement: "e0e0e0e0-0000-4000-8000-000000000002",
  owner: "05050505-0000-4000-8000-000000000001",
  session: (n: number) => `a0a0a0a0-0000-4000-8000-${String(n).padStart(12, "0")}`,
};

export function seedEngagement(dataverse: FakeDataverse, overrides: Record<string, unknown> = {}, id = ids.engagement): string {
  return dataverse.insert("sprx_engagements", {
    sprx_engagementid: id,
    sprx_name: "ENG-000001",
    statecode: 0,
    statuscode: 1,
    _sprx_contactid_value: ids.contact,
    _ownerid_value: ids.owner,
    sprx_referraldate: "2026-01-05",
    sprx_plannedsessions: 6,
    sprx_stage: StageValues.establishing,
    ...overrides,
  });
}

/** Weekly sessions from Monday 12 January 2026, 10:00 UTC. */
export function seedSessions(dataverse: FakeDataverse, attendances: (keyof typeof AttendanceValues)[], engagementId = ids.engagement, firstNumber = 1): string[] {
  return attendances.map((attendance, i) =>
    dataverse.insert("appointments", {
      activityid: ids.session(firstNumber + i),
      subject: `Session ${i + 1}`,
      scheduledstart: new Date(Date.UTC(2026, 0, 12 + 7 * i, 10)).toISOString(),
      scheduledend: new Date(Date.UTC(2026, 0, 12 + 7 * i, 11)).toISOString(),
      sprx_attendance: AttendanceValues[attendance],
      statecode: attendance === "planned" ? 3 : 1,
      _regardingobjectid_value: engagementId,
      _ownerid_value: ids.owner,
    }),
  );
}

/** The registered step's name, as Dataverse sends it in OwningExtension. */
export function stepName(handler: StepHandlerName, message: string, table: string): string {
  const step = STEP_REGISTRATIONS.find((s) => s.handler === handler && s.message === message && s.table === table);
  if (!step) throw new Error(`no registration for ${handler} on ${message} of ${table}`);
  return step.name;
}
