import { randomUUID } from "node:crypto";
import type { Store } from "../storage/database";
import type { RegisteredStep } from "./registeredSteps";

/**
 * The system jobs (asyncoperation rows) of async steps, kept in the database.
 *
 * Dataverse "serializes the context for any asynchronous extensions and saves
 * it in the System Job (AsyncOperation) table", then runs the jobs "as
 * resources become available"
 * (https://learn.microsoft.com/power-apps/developer/data-platform/asynchronous-service).
 * So here: the row and the serialised context are written in the transaction
 * of the operation that queued them — a rolled-back operation leaves no job,
 * a committed one never loses its job, even to `kill -9`. The context itself
 * lives in a private table beside the row, as Dataverse keeps its job data
 * out of reach of ordinary reads.
 *
 * States (asyncoperation statecode / statuscode): 0/0 Ready, waiting for
 * resources; 1/10 Suspended, waiting until postponeuntil to retry; 2/20
 * Locked, in progress; 3/30 succeeded, 3/31 failed, 3/32 canceled.
 */

export interface AsyncJob {
  readonly step: RegisteredStep;
  readonly entityName: string;
  readonly message: string;
  readonly correlationId: string;
  readonly depth: number;
  readonly context: Record<string, unknown>;
}

/** What is stored for a job: enough to find its step again and deliver the same context. */
export interface StoredJob {
  readonly id: string;
  readonly stepId: string;
  readonly stepName: string;
  readonly entityName: string;
  readonly message: string;
  readonly correlationId: string;
  readonly depth: number;
  readonly context: Record<string, unknown>;
  readonly retryCount: number;
}

const PAYLOAD = "_emulator_asyncjob";
const stamp = (time: number) => new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
/** postponeuntil is kept to the second, rounded up so a job is never due early. */
const stampUp = (time: number) => stamp(Math.ceil(time / 1000) * 1000);

export class SystemJobs {
  constructor(private readonly store: Store) {
    // One row per job not yet completed (its context goes when it completes), so the queue's queries stay small however many jobs ran before.
    store.db.exec(`CREATE TABLE IF NOT EXISTS "${PAYLOAD}" ("id" TEXT PRIMARY KEY, "endpoint" TEXT NOT NULL, "payload" TEXT NOT NULL)`);
    store.db.exec(`CREATE INDEX IF NOT EXISTS "ix_${PAYLOAD}_endpoint" ON "${PAYLOAD}" ("endpoint")`);
  }

  private get table() {
    return this.store.metadata.require("asyncoperation");
  }

  /** Writes the job's row and context; called inside the queuing operation's transaction. */
  persist(job: AsyncJob): string {
    const id = randomUUID();
    const now = stamp(Date.now());
    this.store.insert(this.table, {
      asyncoperationid: id, name: job.step.name, operationtype: 1, statecode: 0, statuscode: 0, retrycount: 0, depth: job.depth,
      correlationid: job.correlationId, messagename: job.message, primaryentitytype: job.entityName, createdon: now, modifiedon: now,
      versionnumber: this.store.nextSequence("version"), owningextensionid: { logicalName: "sdkmessageprocessingstep", id: job.step.id },
    });
    const payload = { stepId: job.step.id, stepName: job.step.name, entityName: job.entityName, message: job.message, correlationId: job.correlationId, depth: job.depth, context: job.context };
    this.store.db.prepare(`INSERT INTO "${PAYLOAD}" ("id", "endpoint", "payload") VALUES (?, ?, ?)`).run(id, job.step.endpoint.id, JSON.stringify(payload));
    return id;
  }

  /**
   * After a crash: jobs that were in progress wait until `until` and then run
   * again (steps are idempotent under redelivery). The wait is the delivery
   * timeout, so an attempt still running at the service finishes first rather
   * than racing its redelivery. Orphaned contexts go.
   */
  recover(until: number): void {
    this.store.atomically(() => {
      this.store.db.prepare(`UPDATE "asyncoperation" SET "statecode" = 1, "statuscode" = 10, "postponeuntil" = ? WHERE "statecode" = 2`).run(stampUp(until));
      this.store.db.prepare(`DELETE FROM "${PAYLOAD}" WHERE "id" NOT IN (SELECT "asyncoperationid" FROM "asyncoperation" WHERE "statecode" < 3)`).run();
    });
  }

  /** Endpoints with jobs due now (committed rows only). */
  dueEndpoints(now: number): string[] {
    return this.store
      .select(
        `SELECT DISTINCT j."endpoint" AS endpoint FROM "${PAYLOAD}" j CROSS JOIN "asyncoperation" a ON a."asyncoperationid" = j."id"
          WHERE a."statecode" = 0 OR (a."statecode" = 1 AND a."postponeuntil" <= ?)`,
        [stampUp(now)],
      )
      .map((r) => String(r.endpoint));
  }

  /** Up to `limit` due jobs for one endpoint, oldest first, leaving out those `busy` says must wait. */
  due(endpoint: string, now: number, limit: number, busy: (id: string, correlationId: string, depth: number) => boolean): StoredJob[] {
    const rows = this.store.select(
      `SELECT j."id" AS id, a."retrycount" AS retrycount
         FROM "${PAYLOAD}" j CROSS JOIN "asyncoperation" a ON a."asyncoperationid" = j."id"
        WHERE j."endpoint" = ? AND (a."statecode" = 0 OR (a."statecode" = 1 AND a."postponeuntil" <= ?))
        ORDER BY j.rowid LIMIT ?`,
      [endpoint, stampUp(now), limit + 200],
    );
    const chosen: StoredJob[] = [];
    for (const r of rows) {
      if (chosen.length >= limit) break;
      const payload = this.store.select(`SELECT "payload" FROM "${PAYLOAD}" WHERE "id" = ?`, [r.id])[0]?.payload;
      if (typeof payload !== "string") continue;
      const job: StoredJob = { ...(JSON.parse(payload) as Omit<StoredJob, "id" | "retryCount">), id: String(r.id), retryCount: Number(r.retrycount ?? 0) };
      // Two jobs of one correlation chosen together must share their depth, as with the running ones.
      const clash = chosen.some((c) => c.correlationId === job.correlationId && c.depth !== job.depth);
      if (clash || busy(job.id, job.correlationId, job.depth)) continue;
      chosen.push(job);
    }
    return chosen;
  }

  /** When the next postponed job falls due, if any. */
  nextDue(): number | undefined {
    const row = this.store.select(
      `SELECT MIN(a."postponeuntil") AS due FROM "${PAYLOAD}" j CROSS JOIN "asyncoperation" a ON a."asyncoperationid" = j."id" WHERE a."statecode" = 1`,
      [],
    )[0];
    return typeof row?.due === "string" ? Date.parse(row.due) : undefined;
  }

  /** Jobs not yet completed (committed rows only). */
  pending(): number {
    return Number(this.store.select(`SELECT COUNT(*) AS n FROM "${PAYLOAD}"`, [])[0]?.n ?? 0);
  }

  started(id: string): void {
    const now = stamp(Date.now());
    this.store.update(this.table, id, { statecode: 2, statuscode: 20, startedon: now, modifiedon: now, versionnumber: this.store.nextSequence("version") });
  }

  postponed(id: string, retryCount: number, until: number, error: string): void {
    this.store.update(this.table, id, {
      statecode: 1, statuscode: 10, retrycount: retryCount, postponeuntil: stampUp(until), modifiedon: stamp(Date.now()),
      message: error, friendlymessage: error, versionnumber: this.store.nextSequence("version"),
    });
  }

  completed(id: string, outcome: { ok: boolean; canceled?: boolean; retryCount: number; error?: string; autoDelete: boolean }): string {
    const completedOn = stamp(Date.now());
    this.store.atomically(() => {
      this.store.db.prepare(`DELETE FROM "${PAYLOAD}" WHERE "id" = ?`).run(id);
      if (outcome.ok && outcome.autoDelete) {
        this.store.delete(this.table, id);
        return;
      }
      this.store.update(this.table, id, {
        statecode: 3, statuscode: outcome.ok ? 30 : outcome.canceled ? 32 : 31, retrycount: outcome.retryCount, completedon: completedOn, modifiedon: completedOn,
        postponeuntil: null, message: outcome.ok ? null : outcome.error ?? null, friendlymessage: outcome.ok ? null : outcome.error ?? null,
        errorcode: outcome.ok ? null : -2147220891, versionnumber: this.store.nextSequence("version"),
      });
    });
    return completedOn;
  }
}
