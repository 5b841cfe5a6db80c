import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookServer } from "../../../plugins/host/nodeServer";
import { main as registerMain } from "../../../plugins/register";
import type { GraphMail, OutgoingMail } from "../../../plugins/graph/graphMail";
import { jsonLogger, readSettings, serviceOptions } from "../../../plugins/service";
import { startTestDataverse, type TestEnvironment } from "../../emulator/support/localDataverse";

/**
 * The local Dataverse and the real webhook service wired as `npm start`
 * wires them, with a fault gate between the two: every delivery passes the
 * gate, which forwards it, refuses it (the service "down") or answers for
 * the service, as the test decides. Steps are registered with the real
 * registration command, pointing at the gate.
 */

export const KEY = "faults-webhook-key-0123456789";

export interface GatedDelivery {
  readonly step: string;
  readonly mode: number;
  readonly body: string;
  readonly path: string;
  /** 0 when the gate dropped the connection. */
  readonly status: number;
}

/** What the gate does with a delivery: pass it on, drop the connection, or answer this status itself. */
export type GateDecision = "forward" | "drop" | { readonly status: number };

export interface FaultEnvironment {
  readonly env: TestEnvironment;
  readonly deliveries: GatedDelivery[];
  readonly serviceLog: string[];
  /** Mail the service sent, when no Graph stand-in was given (a recording double in its place). */
  readonly mail: OutgoingMail[];
  /** Decides each delivery; forward everything unless told otherwise. */
  gate: (step: string, mode: number) => GateDecision;
  /** Waits until no async step is queued or running. */
  idle(): Promise<void>;
  /** Sends a recorded delivery to the service again, as a duplicate delivery from Dataverse would. */
  redeliver(delivery: GatedDelivery): Promise<number>;
  close(): Promise<void>;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface FaultOptions {
  readonly asyncRetryDelayMs?: number;
  readonly graph?: { url: string; sender: string };
  /** A test clock for both the local Dataverse (OperationCreatedOn) and the webhook service. */
  readonly clock?: () => Date;
}

/** Records what the service would send through Microsoft Graph. */
function recordingGraph(sent: OutgoingMail[]): GraphMail {
  return {
    sendMail: (message) => {
      sent.push(message);
      return Promise.resolve();
    },
    getSchedule: () => Promise.resolve([]),
  };
}

export async function startFaultEnvironment(options: FaultOptions = {}): Promise<FaultEnvironment> {
  const env = await startTestDataverse({ asyncRetryDelayMs: options.asyncRetryDelayMs ?? 50, ...(options.clock ? { now: options.clock } : {}) });
  const serviceLog: string[] = [];
  const settings = readSettings({
    SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: env.dataverse.url(), SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0",
    ...(options.graph ? { SPRX_GRAPH_BASE_URL: options.graph.url, SPRX_GRAPH_SENDER: options.graph.sender } : {}),
  });
  const mail: OutgoingMail[] = [];
  const wired = serviceOptions(settings, {}, jsonLogger((line) => serviceLog.push(line)));
  const service = createWebhookServer({
    ...wired,
    stepServices: (correlationId) => {
      const services = wired.stepServices(correlationId);
      return { ...services, graph: options.graph ? services.graph : recordingGraph(mail), clock: options.clock ?? services.clock };
    },
  });
  const servicePort = await listen(service);

  const deliveries: GatedDelivery[] = [];
  const forward = async (path: string, headers: http.IncomingHttpHeaders, body: string): Promise<{ status: number; text: string }> => {
    const passOn: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (typeof value === "string" && (name.startsWith("x-") || name === "content-type")) passOn[name] = value;
    const response = await fetch(`http://127.0.0.1:${servicePort}${path}`, { method: "POST", headers: passOn, body });
    return { status: response.status, text: await response.text() };
  };
  const environment: FaultEnvironment = {
    env,
    deliveries,
    serviceLog,
    mail,
    gate: () => "forward",
    idle: async () => {
      // A step's own writes can queue further async steps: wait until the queue stays empty.
      for (let i = 0; i < 5; i++) await env.dataverse.pipeline.whenIdle();
    },
    async redeliver(delivery) {
      return (await forward(delivery.path, { "content-type": "application/json" }, delivery.body)).status;
    },
    close: async () => {
      await env.close();
      await closeServer(gateServer);
      await closeServer(service);
    },
  };
  const gateServer = http.createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const context = JSON.parse(body) as { OwningExtension?: { Name?: string }; Mode?: number };
      const step = context.OwningExtension?.Name ?? "";
      const mode = context.Mode ?? 0;
      const path = request.url ?? "/";
      const decision = environment.gate(step, mode);
      if (decision === "drop") {
        deliveries.push({ step, mode, body, path, status: 0 });
        request.socket.destroy();
        return;
      }
      if (decision !== "forward") {
        deliveries.push({ step, mode, body, path, status: decision.status });
        response.writeHead(decision.status, { "Content-Type": "text/plain" }).end("Service Unavailable");
        return;
      }
      const answer = await forward(path, request.headers, body);
      deliveries.push({ step, mode, body, path, status: answer.status });
      response.writeHead(answer.status, { "Content-Type": "text/plain" }).end(answer.text);
    })();
  });
  const gatePort = await listen(gateServer);
  const lines: string[] = [];
  const code = await registerMain(
    ["--url", env.dataverse.url(), "--webhook", `http://127.0.0.1:${gatePort}/api/dataverse-webhook`],
    { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(`Registering the steps failed: ${lines.join("\n")}`);
  return environment;
}
