import * as fs from "node:fs";
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createLocalDataverse } from "../emulator/server";
import { createWebhookServer } from "../plugins/host/nodeServer";
import { main as register } from "../plugins/register";
import { readSettings, serviceOptions, silentLogger } from "../plugins/service";
import { AttendanceValues } from "../solution/generated/dataverse";
import type { Figure, Section } from "./report";
import { round } from "./stats";

/**
 * The whole pipeline under load, as `npm start` runs it: the local Dataverse
 * on a file database, the real webhook service and the registered steps,
 * all on loopback. Clients book attended sessions (a sync validation step in
 * the request, the async rollup step after it) as fast as they are answered;
 * then the time until every queued async job is done, and whether every
 * engagement's stored rollups equal what its session rows say.
 */

const KEY = "bench-pipeline-key-0123456789abcdef";

export interface PipelineBenchOptions {
  /** Load phases: clients and how long they write. */
  readonly phases: readonly { readonly clients: number; readonly seconds: number }[];
}

interface PhaseResult {
  readonly clients: number;
  readonly seconds: number;
  readonly writes: number;
  readonly refused: number;
  readonly writesPerSecond: number;
  readonly backlogAtEnd: number;
  readonly drainSeconds: number;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function benchPipeline(options: PipelineBenchOptions): Promise<Section> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-bench-pipeline-"));
  const dataverse = createLocalDataverse({ databaseFile: path.join(folder, "sprx.db") });
  await new Promise<void>((resolve) => dataverse.server.listen(0, "127.0.0.1", resolve));
  const url = dataverse.url();
  const settings = readSettings({ SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: url, SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0" });
  const service: http.Server = createWebhookServer(serviceOptions(settings, {}, silentLogger));
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
  const code = await register(["--url", url, "--webhook", `http://127.0.0.1:${(service.address() as AddressInfo).port}/api/dataverse-webhook`], { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" }, () => undefined);
  if (code !== 0) throw new Error("Registering the steps for the pipeline bench failed");

  const api = async (method: string, route: string, body?: unknown): Promise<{ status: number; id?: string }> => {
    const response = await fetch(`${url}api/data/v9.2/${route}`, { method, headers: { "Content-Type": "application/json", Accept: "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    await response.text();
    return { status: response.status, id: /\(([0-9a-f-]{36})\)$/.exec(response.headers.get("OData-EntityId") ?? "")?.[1] };
  };
  const contact = (await api("POST", "contacts", { firstname: "Bench", lastname: "Pipeline" })).id!;
  const engagements: string[] = [];
  const newEngagement = async () => {
    const made = await api("POST", "sprx_engagements", { "sprx_contactid@odata.bind": `/contacts(${contact})`, sprx_referraldate: day(-200).slice(0, 10), sprx_plannedsessions: 6 });
    engagements.push(made.id!);
    return made.id!;
  };

  const results: PhaseResult[] = [];
  for (const phase of options.phases) {
    let writes = 0;
    let refused = 0;
    const until = performance.now() + phase.seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: phase.clients }, async () => {
        // Each client works through its own engagements: one created, then its six planned sessions attended.
        while (performance.now() < until) {
          const engagementId = await newEngagement();
          writes++;
          for (let n = 0; n < 6 && performance.now() < until; n++) {
            const made = await api("POST", "appointments", {
              subject: "Session", scheduledstart: day(-90 + n * 14), scheduledend: day(-90 + n * 14 + 0.04), sprx_attendance: AttendanceValues.attended,
              "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
            });
            if (made.status === 204) writes++;
            else refused++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const backlogAtEnd = Number((dataverse.store.select(`SELECT COUNT(*) AS n FROM "asyncoperation" WHERE "statecode" < 3`, [])[0]?.n ?? 0));
    const drainStarted = performance.now();
    for (let i = 0; i < 5; i++) await dataverse.pipeline.whenIdle();
    results.push({
      clients: phase.clients, seconds: round(elapsed, 1), writes, refused, writesPerSecond: round(writes / elapsed, 0), backlogAtEnd,
      drainSeconds: round((performance.now() - drainStarted) / 1000, 1),
    });
  }

  // Every engagement's stored rollup against its rows.
  const wrong = dataverse.store.select(
    `SELECT e."sprx_engagementid" AS id FROM "sprx_engagement" e
      WHERE COALESCE(e."sprx_sessionsattended", -1) <> (SELECT COUNT(*) FROM "appointment" a WHERE a."regardingobjectid" = e."sprx_engagementid" AND a."sprx_attendance" = ?)`,
    [AttendanceValues.attended],
  ).length;
  const failedJobs = Number(dataverse.store.select(`SELECT COUNT(*) AS n FROM "asyncoperation" WHERE "statuscode" = 31`, [])[0]?.n ?? 0);

  service.closeAllConnections();
  await new Promise<void>((resolve) => service.close(() => resolve()));
  await dataverse.close();
  fs.rmSync(folder, { recursive: true, force: true });

  const figures: Figure[] = results.flatMap((r) => [
    {
      area: "Pipeline", figure: `${r.clients} clients writing for ${r.seconds} s: acknowledged writes`,
      value: `${r.writesPerSecond} writes/s (${r.writes} writes${r.refused ? `, ${r.refused} refused` : ""})`, comparedWith: "",
    },
    {
      area: "Pipeline", figure: `${r.clients} clients: async backlog drained after the burst`,
      value: `${r.drainSeconds} s`, comparedWith: `${r.backlogAtEnd} system jobs waiting at the end of the burst`,
    },
  ]);
  figures.push({
    area: "Pipeline", figure: "Stored rollups equal to the session rows afterwards", value: `${engagements.length - wrong} of ${engagements.length} engagements`,
    comparedWith: `${failedJobs} failed system jobs`, target: "all", met: wrong === 0 && failedJobs === 0,
  });
  return {
    name: "pipeline",
    figures,
    data: { phases: results, engagements: engagements.length, wrongRollups: wrong, failedJobs },
    method:
      "The local Dataverse on a temporary file database, the real webhook service and the registered steps in one process over loopback: each client creates an engagement and books its six attended sessions (sync validation in each request, the rollup step as an async system job), again and again for the phase's time; writes counted when answered 204; then the time until no system job is waiting or running, and every engagement's sessions-attended rollup checked against its rows.",
  };
}
