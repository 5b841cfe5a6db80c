import type { Store } from "../storage/database";
import { faults } from "../service/faults";
import type { OrganizationInfo } from "./remoteContext";
import { type RegisteredStep, authSettings, registeredSteps } from "./registeredSteps";
import { type AsyncJob, type StoredJob, SystemJobs } from "./systemJobs";

/**
 * Delivery of plug-in steps to their WebHook service endpoints, as Dataverse
 * does it: synchronous steps answer inside the operation (non-2xx fails it),
 * asynchronous ones are system jobs stored with the operation (systemJobs.ts),
 * run after commit, several at a time, and are retried on 502/503/504 or no
 * answer, each time after a longer wait.
 */

/** Dataverse sends at most 256 KB of context; bigger ones lose InputParameters and images. */
export const MAX_CONTEXT_BYTES = 256 * 1024;
const SYNC_TIMEOUT_MS = 60_000;
/** Worth another attempt later: gateway and availability answers, or no answer at all (0: unreachable or timed out). */
const RETRIABLE = new Set([0, 502, 503, 504]);

export interface PipelineOptions {
  readonly organization: OrganizationInfo;
  /**
   * Retries of an async step whose endpoint answered 502/503/504 or could not
   * be reached: several, each after a longer wait (asyncRetryDelayMs, then
   * twice that, and so on). Dataverse's asynchronous service keeps a failed
   * system job with its RetryCount and PostponeUntil and runs it again later
   * (https://learn.microsoft.com/power-apps/developer/data-platform/asynchronous-service);
   * the number of retries before a job fails is a deployment setting,
   * AsyncSettings.MaxRetries
   * (https://learn.microsoft.com/previous-versions/dynamicscrm-2015/developers-guide/gg483093(v=crm.7)).
   * Microsoft publishes no schedule for Dataverse online, so the doubling waits are this emulator's choice.
   */
  readonly asyncRetries?: number;
  readonly asyncRetryDelayMs?: number;
  /** How long a step may take to answer (Dataverse: 60 s); also how long an attempt a crash interrupted waits before it runs again. */
  readonly timeoutMs?: number;
  /** Serialises writes to the store with the operations' transactions. */
  readonly withWriteLock: <T>(work: () => T | Promise<T>) => Promise<T>;
}

export type { AsyncJob } from "./systemJobs";

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

/** Async jobs delivered at once, and at most this many to one endpoint, so a hung endpoint cannot hold every slot. */
const PARALLEL = 8;
const PER_ENDPOINT = 6;
const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_DELAY_MS = 5_000;

export class Pipeline {
  private readonly jobs: SystemJobs;
  /** Running job id → its endpoint, correlation and depth. */
  private readonly running = new Map<string, { endpoint: string; correlationId: string; depth: number }>();
  private idleWaiters: (() => void)[] = [];
  private readonly inFlight = new Map<string, { depth: number; count: number }>();
  private readonly runs = new Map<string, { -readonly [K in keyof AsyncRun]: AsyncRun[K] }>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private pumpScheduled = false;
  /** Whether a postponed job may be waiting (after a retriable failure or a recovery), so the timer needs looking at. */
  private postponed = true;

  constructor(private readonly store: Store, private readonly options: PipelineOptions) {
    this.jobs = new SystemJobs(store);
  }

  steps(message: string, table: string): RegisteredStep[] {
    return registeredSteps(this.store, message, table);
  }

  /**
   * Depth of a call made by a step being delivered now. The webhook service
   * sends the context's CorrelationId back as `x-ms-correlation-request-id`;
   * Dataverse counts depth per correlation, and so does this — only for
   * correlation ids it minted and is delivering at this moment.
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

  /** Writes an async step's system job; called inside the transaction of the operation that queues it. */
  persist(job: AsyncJob): void {
    // Even while stopping: the job commits with its write and runs after the next start.
    this.jobs.persist(job);
  }

  /** Picks up committed jobs (after a commit, a retry falling due, or on start); many wakes in one turn make one look. */
  wake(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** On start: jobs a crash interrupted are ready again, and every waiting job runs. */
  resume(): void {
    this.jobs.recover(Date.now() + (this.options.timeoutMs ?? SYNC_TIMEOUT_MS));
    this.wake();
  }

  /** Resolves when no async job is waiting, postponed or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.wake();
    return waiting;
  }

  get asyncRuns(): readonly AsyncRun[] {
    return [...this.runs.values()];
  }

  /** Stops starting async work (server shutdown); what is running finishes, what waits stays stored for the next start. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.settle();
  }

  private isIdle(): boolean {
    return this.running.size === 0 && (this.stopped || this.jobs.pending() === 0);
  }

  private settle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private pump(): void {
    if (this.stopped) return this.settle();
    if (this.running.size >= PARALLEL) return;
    const now = Date.now();
    for (const endpoint of this.jobs.dueEndpoints(now)) {
      const free = Math.min(PARALLEL - this.running.size, PER_ENDPOINT - [...this.running.values()].filter((r) => r.endpoint === endpoint).length);
      if (free <= 0) continue;
      // Jobs of one correlation run together only at the same depth (those one operation set off), so the depth a
      // step's call back is judged at stays exact; a job one level deeper waits. A hung endpoint thus holds only its own jobs.
      const busy = (id: string, correlationId: string, depth: number) =>
        this.running.has(id) || [...this.running.values()].some((r) => r.correlationId === correlationId && r.depth !== depth);
      for (const job of this.jobs.due(endpoint, now, free, busy)) {
        this.running.set(job.id, { endpoint, correlationId: job.correlationId, depth: job.depth });
        void this.runAsync(job).finally(() => {
          this.running.delete(job.id);
          this.wake();
        });
      }
    }
    this.schedule();
    this.settle();
  }

  /** Wakes up when the next postponed job falls due. */
  private schedule(): void {
    if (!this.postponed || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.jobs.nextDue();
    if (due === undefined) {
      this.postponed = false;
      return;
    }
    this.timer = setTimeout(() => this.pump(), Math.max(0, due - Date.now()));
    this.timer.unref();
  }

  private async runAsync(job: StoredJob): Promise<void> {
    const run = this.runs.get(job.id) ?? { id: job.id, stepName: job.stepName, message: job.message, entityName: job.entityName, status: "waiting", attempts: job.retryCount };
    this.runs.set(job.id, run);
    const step = this.steps(job.message, job.entityName).find((s) => s.id === job.stepId);
    if (!step) {
      // The step was unregistered or disabled since: the job is canceled, as Dataverse cancels jobs of a removed step.
      run.status = "failed";
      run.error = "The step of this system job is no longer registered.";
      run.completedOn = await this.options.withWriteLock(() => this.jobs.completed(job.id, { ok: false, canceled: true, retryCount: job.retryCount, error: run.error, autoDelete: false }));
      return;
    }
    await this.options.withWriteLock(() => this.store.relaxed(() => this.jobs.started(job.id)));
    run.status = "inProgress";
    run.attempts = job.retryCount + 1;
    const answer = await this.post(step, job.context, job.correlationId, job.depth, job.entityName, job.message);
    const ok = answer.status >= 200 && answer.status < 300;
    const retries = this.options.asyncRetries ?? DEFAULT_RETRIES;
    run.httpStatus = answer.status;
    if (!ok && RETRIABLE.has(answer.status) && job.retryCount < retries) {
      // Postponed, not dropped: each retry waits twice as long as the one before.
      const delay = (this.options.asyncRetryDelayMs ?? DEFAULT_RETRY_DELAY_MS) * 2 ** job.retryCount;
      run.status = "waiting";
      run.error = failureText(answer);
      this.postponed = true;
      await this.options.withWriteLock(() => this.store.relaxed(() => this.jobs.postponed(job.id, job.retryCount + 1, Date.now() + delay, run.error ?? "")));
      return;
    }
    run.status = ok ? "succeeded" : "failed";
    run.error = ok ? undefined : failureText(answer);
    run.completedOn = await this.options.withWriteLock(() => this.store.relaxed(() => this.jobs.completed(job.id, { ok, retryCount: job.retryCount, error: run.error, autoDelete: step.asyncAutoDelete })));
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
