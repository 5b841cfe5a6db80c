import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A local stand-in for the Microsoft Graph paths the product uses, so the
 * real Graph client can be exercised without a tenant:
 *   POST /v1.0/users/{id}/sendMail              → 202, no body
 *   POST /v1.0/users/{id}/calendar/getSchedule  → 200, the configured busy times
 * It serves HTTPS with a self-signed certificate made by the openssl CLI;
 * trust it with NODE_EXTRA_CA_CERTS=<caCertPath> in the process that runs
 * the Graph client. Every request is recorded; `failNext` makes the next
 * requests fail (503 by default) for fault tests.
 */

export interface ReceivedGraphRequest {
  readonly method: string;
  readonly path: string;
  /** Whether a bearer token came with it (the client only sends one to trusted hosts). */
  readonly bearer: boolean;
  readonly body: unknown;
  readonly status: number;
}

export interface BusyItem {
  readonly start: string;
  readonly end: string;
  readonly status?: "busy" | "tentative" | "oof" | "workingElsewhere";
}

export interface GraphStandInOptions {
  /** 0 (default) for an ephemeral port. */
  readonly port?: number;
  /** Where the certificate is written; a new temporary folder by default. */
  readonly dataDir?: string;
  /** Busy times returned by getSchedule for every mailbox. */
  readonly busy?: readonly BusyItem[];
}

export interface GraphStandIn {
  readonly url: string;
  readonly caCertPath: string;
  readonly received: ReceivedGraphRequest[];
  /** The next `count` requests answer `status` (503 by default) with a Graph error body. */
  failNext(count: number, status?: number): void;
  setBusy(busy: readonly BusyItem[]): void;
  close(): Promise<void>;
}

function certificate(dataDir: string): { key: Buffer; cert: Buffer; certPath: string } {
  mkdirSync(dataDir, { recursive: true });
  const keyPath = path.join(dataDir, "graph-stand-in.key.pem");
  const certPath = path.join(dataDir, "graph-stand-in.cert.pem");
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
      "-keyout", keyPath, "-out", certPath,
      "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-addext", "basicConstraints=critical,CA:TRUE",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath };
}

const SEND_MAIL = /^\/v1\.0\/users\/[^/]+\/sendMail$/;
const GET_SCHEDULE = /^\/v1\.0\/users\/[^/]+\/calendar\/getSchedule$/;

function graphError(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export async function startGraphStandIn(options: GraphStandInOptions = {}): Promise<GraphStandIn> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "graph-stand-in-"));
  const { key, cert, certPath } = certificate(dataDir);
  const received: ReceivedGraphRequest[] = [];
  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let busy = [...(options.busy ?? [])];

  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const bearer = /^Bearer \S+/.test(req.headers.authorization ?? "");
      const answer = (status: number, payload?: string) => {
        received.push({ method: req.method ?? "", path: url.pathname, bearer, body, status });
        res.writeHead(status, payload ? { "Content-Type": "application/json" } : {}).end(payload);
      };
      if (!bearer) return answer(401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      if (failures.remaining > 0) {
        failures = { ...failures, remaining: failures.remaining - 1 };
        return answer(failures.status, graphError("ServiceNotAvailable", "The service is temporarily unavailable."));
      }
      if (req.method === "POST" && SEND_MAIL.test(url.pathname)) {
        const message = (body as { message?: { toRecipients?: unknown[] } } | undefined)?.message;
        if (!message || !Array.isArray(message.toRecipients) || message.toRecipients.length === 0) {
          return answer(400, graphError("ErrorInvalidRecipients", "At least one recipient is required."));
        }
        return answer(202);
      }
      if (req.method === "POST" && GET_SCHEDULE.test(url.pathname)) {
        const schedules = (body as { schedules?: string[] } | undefined)?.schedules ?? [];
        return answer(
          200,
          JSON.stringify({
            value: schedules.map((scheduleId) => ({
              scheduleId,
              availabilityView: "",
              scheduleItems: busy.map((b) => ({
                status: b.status ?? "busy",
                start: { dateTime: b.start.replace(/Z$/, ""), timeZone: "UTC" },
                end: { dateTime: b.end.replace(/Z$/, ""), timeZone: "UTC" },
              })),
            })),
          }),
        );
      }
      return answer(404, graphError("ResourceNotFound", "Resource not found for the segment."));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://localhost:${port}/`,
    caCertPath: certPath,
    received,
    failNext(count, status = 503) {
      failures = { remaining: count, status };
    },
    setBusy(items) {
      busy = [...items];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
