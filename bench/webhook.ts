import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { calendarForTimeZone, configure } from "../domain";
import { createLocalDataverse, type LocalDataverse } from "../emulator/server";
import { DataverseClient } from "../plugins/dataverse/client";
import { createWebhookServer } from "../plugins/host/nodeServer";
import { STEP_REGISTRATIONS } from "../plugins/registrations";
import { silentLogger, type WebhookServiceOptions } from "../plugins/service";
import { skipped } from "../plugins/steps/types";
import { AttendanceValues } from "../solution/generated/dataverse";
import { asDataverseJson, remoteExecutionContext } from "../test/plugins/support/remoteContext";
import type { Figure, Section } from "./report";
import { median, percentile, round } from "./stats";

/**
 * The webhook service under load: the session-bookkeeping step (a real
 * RemoteExecutionContext for an attended session, its Dataverse calls
 * answered by the local Dataverse in this process, without sockets) against
 * a trivial handler put in its place on the same kind of Node HTTP server,
 * both driven over loopback by the same keep-alive client. Then memory
 * before and after a sustained load of the real step.
 */

const KEY = "bench-webhook-key-0123456789abcdef";
const TIME_ZONE = "Europe/London";

export interface WebhookBenchOptions {
  readonly requests: number;
  readonly warmup: number;
  readonly concurrency: number;
  readonly sustained: number;
}

/** Dataverse calls answered by the local Dataverse's Web API in this process, so sockets measure only the webhook side. */
interface Recorded {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function inProcessFetch(dataverse: LocalDataverse, spent: { ms: number; calls: number }, answers: Map<string, Recorded>): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const answer = await dataverse.api.handle({ method: init?.method ?? "GET", url: `${url.pathname}${url.search}`, headers, body: typeof init?.body === "string" ? init.body : "" });
    spent.ms += performance.now() - started;
    spent.calls++;
    if ((init?.method ?? "GET") === "GET") answers.set(`${url.pathname}${url.search}`, answer);
    return new Response(answer.status === 204 ? null : (answer.body ?? null), { status: answer.status, headers: answer.headers });
  };
}

/** The same answers again without running any query: what is left is the service's own work. */
function cannedFetch(answers: ReadonlyMap<string, Recorded>): typeof fetch {
  return (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if ((init?.method ?? "GET") !== "GET") return Promise.resolve(new Response(null, { status: 204 }));
    const answer = answers.get(`${url.pathname}${url.search}`);
    if (!answer) return Promise.reject(new Error("The bench recorded no answer for a query the step made"));
    return Promise.resolve(new Response(answer.body ?? null, { status: answer.status, headers: answer.headers }));
  };
}

async function call(dataverse: LocalDataverse, method: string, path: string, body: unknown): Promise<string> {
  const answer = await dataverse.api.handle({ method, url: `/api/data/v9.2/${path}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (answer.status >= 300) throw new Error(`Seeding the bench engagement failed: ${answer.status}`);
  return /\(([0-9a-f-]{36})\)$/.exec(answer.headers["OData-EntityId"] ?? "")?.[1] ?? "";
}

/** One engagement with six weekly sessions, the last one just attended: what the step recomputes on every request. */
async function seedEngagement(dataverse: LocalDataverse, now: Date): Promise<{ engagementId: string; sessionId: string }> {
  const contactId = await call(dataverse, "POST", "contacts", { firstname: "Bench", lastname: "Person" });
  const start = new Date(now.getTime() - 60 * 86_400_000);
  const engagementId = await call(dataverse, "POST", "sprx_engagements", {
    "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: start.toISOString().slice(0, 10), sprx_plannedsessions: 6,
  });
  let sessionId = "";
  for (let i = 0; i < 6; i++) {
    const at = new Date(start.getTime() + (7 + i * 7) * 86_400_000);
    sessionId = await call(dataverse, "POST", "appointments", {
      subject: `Session ${i + 1}`, scheduledstart: at.toISOString(), scheduledend: new Date(at.getTime() + 3_600_000).toISOString(),
      sprx_attendance: i < 5 ? AttendanceValues.attended : AttendanceValues.planned,
      "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
    });
  }
  return { engagementId, sessionId };
}

function contextBody(engagementId: string, sessionId: string): string {
  const registration = STEP_REGISTRATIONS.find((s) => s.handler === "sessionBookkeeping" && s.message === "Update" && s.table === "appointment");
  if (!registration) throw new Error("sessionBookkeeping is not registered for Update of appointment");
  const regarding = { __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts", Id: engagementId, KeyAttributes: [], LogicalName: "sprx_engagement", Name: null, RowVersion: null };
  const attendance = (value: number) => ({ __type: "OptionSetValue:http://schemas.microsoft.com/xrm/2011/Contracts", Value: value });
  return asDataverseJson(remoteExecutionContext({
    message: "Update", table: "appointment", id: sessionId, stage: 40, mode: 1, stepName: registration.name,
    target: { activityid: sessionId, sprx_attendance: attendance(AttendanceValues.attended) },
    preImage: { regardingobjectid: regarding, sprx_attendance: attendance(AttendanceValues.planned) },
    postImage: { regardingobjectid: regarding, sprx_attendance: attendance(AttendanceValues.attended) },
  }));
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/dataverse-webhook?code=${KEY}`;
}

interface LoadResult {
  readonly latencies: number[];
  readonly seconds: number;
  readonly statuses: Map<number, number>;
}

/** `total` POSTs of `body`, `concurrency` at a time over keep-alive connections. */
async function load(url: string, body: string, total: number, concurrency: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const request = http.request(
        { agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: "POST", headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on("end", () => {
            latencies.push(performance.now() - started);
            statuses.set(response.statusCode ?? 0, (statuses.get(response.statusCode ?? 0) ?? 0) + 1);
            resolve();
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  const worker = async () => {
    while (sent < total) {
      sent++;
      await one();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, statuses };
}

const BLOCKS = 3;

function merge(results: readonly LoadResult[]): LoadResult {
  const statuses = new Map<number, number>();
  for (const r of results) for (const [status, n] of r.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  return { latencies: results.flatMap((r) => r.latencies), seconds: results.reduce((sum, r) => sum + r.seconds, 0), statuses };
}

function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
}

const mb = (bytes: number): number => round(bytes / 1024 ** 2, 1);

export async function benchWebhook(options: WebhookBenchOptions): Promise<Section> {
  const now = new Date();
  const dataverse = createLocalDataverse({ databaseFile: ":memory:", timeZone: TIME_ZONE });
  const servers: http.Server[] = [];
  try {
    const { engagementId, sessionId } = await seedEngagement(dataverse, now);
    const spent = { ms: 0, calls: 0 };
    const answers = new Map<string, Recorded>();
    const client = new DataverseClient({ url: "http://127.0.0.1", fetch: inProcessFetch(dataverse, spent, answers), logger: silentLogger });
    const cannedClient = new DataverseClient({ url: "http://127.0.0.1", fetch: cannedFetch(answers), logger: silentLogger });
    const configuration = configure();
    const calendar = calendarForTimeZone(TIME_ZONE);
    const serviceOptions: WebhookServiceOptions = {
      auth: { kind: "WebhookKey", key: KEY },
      logger: silentLogger,
      stepServices: (correlationId) => ({
        dataverse: client.withCorrelation(correlationId),
        clock: () => new Date(),
        logger: silentLogger,
        configuration,
        calendar,
        timeZone: TIME_ZONE,
      }),
    };
    const real = createWebhookServer(serviceOptions);
    const trivial = createWebhookServer({ ...serviceOptions, handlers: { sessionBookkeeping: () => Promise.resolve(skipped("bench baseline")) } });
    const canned = createWebhookServer({ ...serviceOptions, stepServices: (correlationId) => ({ ...serviceOptions.stepServices(correlationId), dataverse: cannedClient.withCorrelation(correlationId) }) });
    servers.push(real, trivial, canned);
    const [realUrl, trivialUrl, cannedUrl] = [await listen(real), await listen(trivial), await listen(canned)];
    const body = contextBody(engagementId, sessionId);

    await load(trivialUrl, body, options.warmup, options.concurrency);
    await load(realUrl, body, options.warmup, options.concurrency);
    await load(cannedUrl, body, options.warmup, options.concurrency);
    // Alternating blocks, so load from elsewhere on the machine falls on both alike.
    const baselineBlocks: LoadResult[] = [];
    const stepBlocks: LoadResult[] = [];
    const cannedBlocks: LoadResult[] = [];
    let dataverseCalls = 0;
    let dataverseMs = 0;
    for (let block = 0; block < BLOCKS; block++) {
      baselineBlocks.push(await load(trivialUrl, body, options.requests / BLOCKS, options.concurrency));
      const spentBefore = { ...spent };
      stepBlocks.push(await load(realUrl, body, options.requests / BLOCKS, options.concurrency));
      dataverseCalls += spent.calls - spentBefore.calls;
      dataverseMs += spent.ms - spentBefore.ms;
      cannedBlocks.push(await load(cannedUrl, body, options.requests / BLOCKS, options.concurrency));
    }
    const baseline = merge(baselineBlocks);
    const step = merge(stepBlocks);
    const cannedStep = merge(cannedBlocks);
    const dataverseCallsPerDelivery = dataverseCalls / step.latencies.length;
    const dataverseMsPerDelivery = dataverseMs / step.latencies.length;
    const failures = [...step.statuses.entries(), ...baseline.statuses.entries(), ...cannedStep.statuses.entries()].filter(([status]) => status !== 200);
    if (failures.length > 0) throw new Error(`Some bench requests failed: ${failures.map(([s, n]) => `${n} × ${s}`).join(", ")}`);

    collectGarbage();
    const before = process.memoryUsage();
    const sustained = await load(realUrl, body, options.sustained, options.concurrency);
    const peak = process.memoryUsage();
    collectGarbage();
    const after = process.memoryUsage();

    const stats = (r: LoadResult) => ({ medianMs: median(r.latencies), p99Ms: percentile(r.latencies, 99), perSecond: r.latencies.length / r.seconds, requests: r.latencies.length });
    const s = stats(step);
    const b = stats(baseline);
    const c = stats(cannedStep);
    const ratio = (a: number, c: number) => a / c;
    const figures: Figure[] = [
      { area: "Webhook service", figure: "sessionBookkeeping median latency", value: `${s.medianMs.toFixed(2)} ms`, comparedWith: `trivial handler ${b.medianMs.toFixed(2)} ms`, ratio: ratio(s.medianMs, b.medianMs), target: "≤ 3×", met: s.medianMs <= 3 * b.medianMs },
      { area: "Webhook service", figure: "sessionBookkeeping p99 latency", value: `${s.p99Ms.toFixed(2)} ms`, comparedWith: `trivial handler ${b.p99Ms.toFixed(2)} ms`, ratio: ratio(s.p99Ms, b.p99Ms), target: "≤ 3×", met: s.p99Ms <= 3 * b.p99Ms },
      { area: "Webhook service", figure: "sessionBookkeeping throughput", value: `${Math.round(s.perSecond)} req/s`, comparedWith: `trivial handler ${Math.round(b.perSecond)} req/s`, ratio: ratio(b.perSecond, s.perSecond), target: "≤ 3× slower", met: b.perSecond <= 3 * s.perSecond },
      { area: "Webhook service", figure: "sessionBookkeeping, Dataverse answers replayed: median", value: `${c.medianMs.toFixed(2)} ms`, comparedWith: `trivial handler ${b.medianMs.toFixed(2)} ms`, ratio: c.medianMs / b.medianMs, target: "≤ 3×", met: c.medianMs <= 3 * b.medianMs },
      { area: "Webhook service", figure: "sessionBookkeeping, Dataverse answers replayed: p99", value: `${c.p99Ms.toFixed(2)} ms`, comparedWith: `trivial handler ${b.p99Ms.toFixed(2)} ms`, ratio: c.p99Ms / b.p99Ms, target: "≤ 3×", met: c.p99Ms <= 3 * b.p99Ms },
      { area: "Webhook service", figure: "sessionBookkeeping, Dataverse answers replayed: throughput", value: `${Math.round(c.perSecond)} req/s`, comparedWith: `trivial handler ${Math.round(b.perSecond)} req/s`, ratio: b.perSecond / c.perSecond, target: "≤ 3× slower", met: b.perSecond <= 3 * c.perSecond },
      {
        area: "Webhook service",
        figure: "Local Dataverse share of each delivery",
        value: `${dataverseCallsPerDelivery.toFixed(1)} Web API calls, ${dataverseMsPerDelivery.toFixed(2)} ms inside its Web API`,
        comparedWith: `service time per delivery (1 / throughput) ${(1000 / s.perSecond).toFixed(2)} ms`,
        ratio: dataverseMsPerDelivery / (1000 / s.perSecond),
      },
      {
        area: "Webhook service",
        figure: `Memory over ${options.sustained.toLocaleString("en-GB")} sustained requests`,
        value: `heap ${mb(after.heapUsed)} MB after GC (peak ${mb(peak.heapUsed)} MB), RSS ${mb(after.rss)} MB`,
        comparedWith: `before: heap ${mb(before.heapUsed)} MB, RSS ${mb(before.rss)} MB`,
        ratio: after.heapUsed / before.heapUsed,
      },
    ];
    return {
      name: "webhook",
      figures,
      data: {
        options,
        step: s,
        trivial: b,
        memory: { before, peak, after, sustainedRequests: sustained.latencies.length },
        replayed: c,
        dataverseCallsPerDelivery,
        localDataverseMsPerDelivery: dataverseMsPerDelivery,
      },
      method:
        `${options.requests.toLocaleString("en-GB")} POSTs of one real RemoteExecutionContext (Update of an attended session, async PostOperation) per handler, ${options.concurrency} at a time over loopback keep-alive connections, after ${options.warmup} warm-up requests; ` +
        "the step's Dataverse calls are answered by the local Dataverse in the same process (its Web API called directly, no socket), and again with those same answers replayed from memory so only the service's own work remains; the baseline is the same server with the step's handler replaced by one that returns at once. " +
        "Memory is this whole process (service, local Dataverse and load generator), measured after a forced garbage collection.",
    };
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await dataverse.close();
  }
}
