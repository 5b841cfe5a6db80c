import { randomUUID } from "node:crypto";
import type { Store } from "../storage/database";
import { faults } from "../service/faults";
import type { OrganizationInfo } from "./remoteContext";
import { type RegisteredStep, authSettings, registeredSteps } from "./registeredSteps";

/**
 * Delivery of plug-in steps to their WebHook service endpoints, as Dataverse
 * does it: synchronous steps answer inside the operation (non-2xx fails it),
 * asynchronous ones run from a queue after commit, are retried on 502/503/504
 * and leave an asyncoperation row behind.
 */

/** Dataverse sends at most 256 KB of context; bigger ones lose InputParameters and images. */
export const MAX_CONTEXT_BYTES = 256 * 1024;
const SYNC_TIMEOUT_MS = 60_000;
const RETRIABLE = new Set([502, 503, 504]);

export interface PipelineOptions {
  readonly organization: OrganizationInfo;
  /** Retries of an async step after a 502/503/504 answer; Dataverse retries once. */
  readonly asyncRetries?: number;
  readonly asyncRetryDelayMs?: number;
  readonly timeoutMs?: number;
  /** Serialises writes to the store with the operations' transactions. */
  readonly withWriteLock: <T>(work: () => T | Promise<T>) => Promise<T>;
}

export interface AsyncJob {
  readonly step: RegisteredStep;
  readonly entityName: string;
  readonly message: string;
  readonly correlationId: string;
  readonly depth: number;
  readonly context: Record<string, unknown>;
}

export interface AsyncRun {
  readonly id: string;
  readonly stepName: string;
  readonly message: string;
  readonly entityName: string;
  readonly status: "waiting" | "inProgress" | "succeeded" | "failed";
  readonly attempts: number;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly completedOn?: string;
}

/** Dataverse's DataContractJsonSerializer escapes the slashes of its dates: "\/Date(…)\/". */
export function serialiseContext(context: Record<string, unknown>): string {
  return JSON.stringify(context).replace(/"\/Date\((-?\d+(?:[+-]\d{4})?)\)\/"/g, '"\\/Date($1)\\/"');
}

export class Pipeline {
  private readonly queue: AsyncJob[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly inFlight = new Map<string, { depth: number; count: number }>();
  private readonly runs: AsyncRun[] = [];
  private stopped = false;

  constructor(private readonly store: Store, private readonly options: PipelineOptions) {}

  steps(message: string, table: string): RegisteredStep[] {
    return registeredSteps(this.store, message, table);
  }

  /**
   * Depth of a call made by a step being delivered now. The webhook service
   * sends the context's CorrelationId back as `x-ms-correlation-request-id`;
   * Dataverse counts depth per correlation, and so does this.
   */
  depthOfDelivery(correlationId: string | undefined): number | undefined {
    return correlationId ? this.inFlight.get(correlationId.toLowerCase())?.depth : undefined;
  }

  /** Runs a synchronous step; a non-2xx answer fails the operation with the step's own text. */
  async deliverSync(step: RegisteredStep, context: Record<string, unknown>, correlationId: string, depth: number, entityName: string, message: string): Promise<void> {
    const answer = await this.post(step, context, correlationId, depth, entityName, message);
    if (answer.status >= 200 && answer.status < 300) return;
    throw faults.pluginFailed(failureText(answer));
  }

  enqueue(jobs: readonly AsyncJob[]): void {
    if (jobs.length === 0 || this.stopped) return;
    this.queue.push(...jobs);
    void this.drain();
  }

  /** Resolves when no async step is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get asyncRuns(): readonly AsyncRun[] {
    return this.runs;
  }

  /** Stops taking new async work (server shutdown); what is running finishes. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) await this.runAsync(job);
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async runAsync(job: AsyncJob): Promise<void> {
    const id = randomUUID();
    const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const run = { id, stepName: job.step.name, message: job.message, entityName: job.entityName, status: "waiting", attempts: 0 } as {
      -readonly [K in keyof AsyncRun]: AsyncRun[K];
    };
    this.runs.push(run);
    await this.options.withWriteLock(() => {
      this.store.insert(this.store.metadata.require("asyncoperation"), {
        asyncoperationid: id, name: job.step.name, operationtype: 1, statecode: 0, statuscode: 0, retrycount: 0, depth: job.depth,
        correlationid: job.correlationId, messagename: job.message, primaryentitytype: job.entityName, createdon: now(), modifiedon: now(),
        versionnumber: this.store.nextSequence("version"), owningextensionid: { logicalName: "sdkmessageprocessingstep", id: job.step.id },
      });
    });
    const retries = this.options.asyncRetries ?? 1;
    let answer: { status: number; text: string } = { status: 0, text: "" };
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(this.options.asyncRetryDelayMs ?? 5_000);
      run.attempts = attempt + 1;
      run.status = "inProgress";
      answer = await this.post(job.step, job.context, job.correlationId, job.depth, job.entityName, job.message);
      if (!RETRIABLE.has(answer.status) && answer.status !== 0) break;
    }
    const ok = answer.status >= 200 && answer.status < 300;
    run.status = ok ? "succeeded" : "failed";
    run.httpStatus = answer.status;
    run.completedOn = now();
    if (!ok) run.error = failureText(answer);
    await this.options.withWriteLock(() => {
      const table = this.store.metadata.require("asyncoperation");
      if (ok && job.step.asyncAutoDelete) {
        this.store.delete(table, id);
        return;
      }
      this.store.update(table, id, {
        statecode: 3, statuscode: ok ? 30 : 31, retrycount: run.attempts - 1, completedon: run.completedOn ?? null, modifiedon: now(),
        message: ok ? null : run.error ?? null, friendlymessage: ok ? null : run.error ?? null, errorcode: ok ? null : -2147220891,
        versionnumber: this.store.nextSequence("version"),
      });
    });
  }

  private async post(step: RegisteredStep, context: Record<string, unknown>, correlationId: string, depth: number, entityName: string, message: string): Promise<{ status: number; text: string }> {
    const url = new URL(step.endpoint.url);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "x-ms-dynamics-organization": new URL(`http://${this.options.organization.name}`).host,
      "x-ms-dynamics-entity-name": entityName,
      "x-ms-dynamics-request-name": message,
      "x-ms-correlation-request-id": correlationId,
    };
    if (step.endpoint.authType === 4) url.searchParams.set("code", step.endpoint.authValue);
    if (step.endpoint.authType === 5) Object.assign(headers, authSettings(step.endpoint.authValue));
    if (step.endpoint.authType === 6) for (const [k, v] of Object.entries(authSettings(step.endpoint.authValue))) url.searchParams.set(k, v);

    let body = serialiseContext(context);
    if (Buffer.byteLength(body) > MAX_CONTEXT_BYTES) {
      body = serialiseContext({ ...context, InputParameters: [], PreEntityImages: [], PostEntityImages: [] });
      headers["x-ms-dynamics-msg-size-exceeded"] = "true";
    }
    const key = correlationId.toLowerCase();
    const entry = this.inFlight.get(key) ?? { depth, count: 0 };
    entry.depth = Math.max(entry.depth, depth);
    entry.count++;
    this.inFlight.set(key, entry);
    try {
      const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(this.options.timeoutMs ?? SYNC_TIMEOUT_MS) });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      return { status: 0, text: `The service endpoint could not be reached (${(error as Error).name}).` };
    } finally {
      entry.count--;
      if (entry.count === 0) this.inFlight.delete(key);
    }
  }
}

/** The step's own words: a JSON error message when it sent one, otherwise its text. */
function failureText(answer: { status: number; text: string }): string {
  const text = answer.text.trim();
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    if (typeof message === "string" && message.length > 0) return message.slice(0, 2000);
  } catch {
    // not JSON: use the text as it is
  }
  if (text.length > 0) return text.slice(0, 2000);
  return answer.status === 0 ? "The service endpoint could not be reached." : `The service endpoint answered HTTP ${answer.status}.`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
