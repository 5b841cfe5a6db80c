import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { loadMetadata } from "./metadata/metadata";
import { Pipeline } from "./pipeline/pipeline";
import { Store } from "./storage/database";
import { OrganizationService } from "./service/organization";
import { DataverseFault, faults } from "./service/faults";
import { runBatch } from "./webapi/batch";
import { API_ROOT, type ApiRequest, type ApiResponse, WebApi, faultResponse } from "./webapi/webApi";
import { ensureFoundation, FOUNDATION } from "./seed/foundation";
import { installSolutionViews } from "./metadata/solutionViews";
import { renderShell, type ShellContext } from "./shell/routes";
import { LocalSecurity } from "./security";
import { MAX_HEADER_BYTES, admit, answerClientError, readBody } from "./guard";

/**
 * The local Dataverse: the Web API, the event pipeline and the app shell on
 * one loopback HTTP server over one SQLite database.
 */

export interface LocalDataverseOptions {
  /** SQLite file; ":memory:" for tests. */
  readonly databaseFile?: string;
  /** Fills an empty database with demo data (and refills it on /_emulator/reset). */
  readonly seed?: (store: Store, now: Date) => void;
  readonly timeZone?: string;
  readonly fiscalYearStartMonth?: number;
  readonly asyncRetries?: number;
  readonly asyncRetryDelayMs?: number;
  /** How long a step may take to answer (60 s, as Dataverse). */
  readonly deliveryTimeoutMs?: number;
  readonly now?: () => Date;
  /** What the Graph stand-in received, for the outbox page. */
  readonly sentMail?: () => readonly unknown[];
  /** Controls built into out/controls, for the contact page. */
  readonly controlsDirectory?: string;
  /** Bearer tokens this Dataverse accepts, each identifying one application user (the webhook service's). */
  readonly bearerTokens?: ReadonlyMap<string, string>;
  /**
   * False while the environment is still being set up (`npm start` registers
   * its plug-in steps first): the public server then answers 503 with
   * Retry-After and serves nothing. The set-up talks to `listener` instead.
   */
  readonly ready?: boolean;
}

export interface LocalDataverse {
  readonly server: http.Server;
  readonly store: Store;
  readonly pipeline: Pipeline;
  readonly service: OrganizationService;
  readonly api: WebApi;
  readonly security: LocalSecurity;
  /** The request handler without the readiness gate, for the environment's own set-up. */
  readonly listener: http.RequestListener;
  /** Opens the public server to requests (see LocalDataverseOptions.ready). */
  markReady(): void;
  /** http://127.0.0.1:<port>/ once listening. */
  url(): string;
  reset(): Promise<void>;
  close(): Promise<void>;
}


function headersOf(request: http.IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.headers)) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

function send(response: http.ServerResponse, result: ApiResponse): void {
  response.writeHead(result.status, result.headers);
  response.end(result.body);
}

/** The plug-in registration tables `npm run register` writes: a reset keeps them. */
export const REGISTRATION_TABLES: ReadonlySet<string> = new Set(["serviceendpoint", "sdkmessageprocessingstep", "sdkmessageprocessingstepimage"]);

/**
 * Not ready yet: 503 with Retry-After, which Dataverse clients already honour
 * as "wait this many seconds and send it again"
 * (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#retry-operations).
 */
function notReady(): ApiResponse {
  return {
    status: 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "OData-Version": "4.0", "Retry-After": "1" },
    body: JSON.stringify({ error: { code: "0x80040216", message: "The local Dataverse is still starting (registering its plug-in steps); try again shortly." } }),
  };
}

export function createLocalDataverse(options: LocalDataverseOptions = {}): LocalDataverse {
  const metadata = loadMetadata();
  const store = new Store(metadata, options.databaseFile ?? ":memory:");
  const now = options.now ?? (() => new Date());
  ensureFoundation(store);
  installSolutionViews(store);
  if (options.seed && store.isEmpty("contact")) store.atomically(() => options.seed?.(store, now()));

  const service = new OrganizationService(store, metadata, { id: FOUNDATION.organizationId, name: "sprxlocal", businessUnitId: FOUNDATION.businessUnitId });
  const pipeline = new Pipeline(store, {
    organization: service.organization,
    asyncRetries: options.asyncRetries,
    asyncRetryDelayMs: options.asyncRetryDelayMs,
    timeoutMs: options.deliveryTimeoutMs,
    withWriteLock: service.withWriteLock,
  });
  service.pipeline = pipeline;
  const security = new LocalSecurity(store, { defaultUserId: () => FOUNDATION.adminUserId, bearerTokens: options.bearerTokens });
  service.security = security;
  service.clock = now;
  // System jobs stored before a stop or a crash run again.
  pipeline.resume();

  const url = (): string => {
    const address = server.address() as AddressInfo | null;
    return address ? `http://127.0.0.1:${address.port}/` : "http://127.0.0.1/";
  };
  const api = new WebApi(store, service, pipeline, {
    baseUrl: () => `${url().slice(0, -1)}${API_ROOT}`,
    dates: () => ({ now: now(), timeZone: options.timeZone ?? "Europe/London", fiscalYearStartMonth: options.fiscalYearStartMonth ?? 1 }),
    defaultUserId: () => FOUNDATION.adminUserId,
    security,
  });

  // A reset leaves the environment as a fresh start would: demo data reseeded, plug-in step registrations kept.
  const reset = async (): Promise<void> => {
    await pipeline.whenIdle();
    await service.withWriteLock(() => {
      store.clear(REGISTRATION_TABLES);
      security.invalidate();
      ensureFoundation(store);
      installSolutionViews(store);
      if (options.seed) store.atomically(() => options.seed?.(store, now()));
    });
  };

  const shell: ShellContext = { store, api, pipeline, security, now, sentMail: options.sentMail ?? (() => []), controlsDirectory: options.controlsDirectory, reset };

  let ready = options.ready ?? true;
  const listener: http.RequestListener = (request, response) => {
    void (async () => {
      try {
        const refused = admit(request, API_ROOT);
        if (refused) {
          // Not read: the connection closes after the answer, whatever the client still sends.
          response.setHeader("Connection", "close");
          send(response, faultResponse(refused));
          return;
        }
        const body = await readBody(request, API_ROOT);
        const path = (request.url ?? "/").split("?")[0];
        if (path.startsWith(API_ROOT) || `${path}/` === API_ROOT) {
          const apiRequest: ApiRequest = { method: request.method ?? "GET", url: request.url ?? "/", headers: headersOf(request), body };
          if (path === `${API_ROOT}$batch`) {
            if (apiRequest.method !== "POST") throw faults.methodNotAllowed(apiRequest.method);
            send(response, await runBatch(api, apiRequest));
          } else {
            send(response, await api.handle(apiRequest));
          }
          return;
        }
        send(response, await renderShell(shell, request.method ?? "GET", request.url ?? "/", body, headersOf(request)));
      } catch (error) {
        if (error instanceof DataverseFault && error.status === 413) response.setHeader("Connection", "close");
        send(response, faultResponse(error));
      }
    })();
  };
  // A 32 KB URL must reach the guard; Node's default header limit (16 KB) would answer an empty 431 first.
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    if (ready) {
      listener(request, response);
      return;
    }
    request.resume();
    send(response, notReady());
  });

  server.on("clientError", answerClientError);

  return {
    server,
    store,
    pipeline,
    service,
    api,
    security,
    listener,
    markReady: () => {
      ready = true;
    },
    url,
    reset,
    async close() {
      pipeline.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await pipeline.whenIdle();
      store.close();
    },
  };
}
