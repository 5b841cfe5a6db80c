import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

/**
 * The webhook service as `npm start` runs it: its own process, watched. If
 * it dies, that is logged and it is started again on the same port (the
 * registered steps point there), after a wait that doubles with each quick
 * death; async steps that failed meanwhile are retried by the pipeline.
 * Stopping sends SIGTERM, and SIGKILL if it does not exit in time.
 */

const REPO_ROOT = path.resolve(__dirname, "..");
const FIRST_RESTART_DELAY_MS = 250;
const LONGEST_RESTART_DELAY_MS = 10_000;
/** A process up this long counts as healthy: the next death restarts it quickly again. */
const HEALTHY_AFTER_MS = 30_000;
const STOP_GRACE_MS = 8_000;

export interface SupervisedWebhook {
  readonly port: number;
  /** The running process's id (changes on each restart). */
  pid(): number | undefined;
  /** How many times it was restarted after dying. */
  restarts(): number;
  /** Resolves at the next successful restart. */
  nextRestart(): Promise<void>;
  stop(): Promise<void>;
}

function spawnService(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "plugins/host/server.ts")], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let settled = false;
    const onLine = (line: string) => {
      const match = /listening on http:\/\/localhost:(\d+)\//.exec(line);
      if (match && !settled) {
        settled = true;
        resolve({ child, port: Number(match[1]) });
      } else if (line.trim()) {
        print(`[webhook] ${line}`);
      }
    };
    const lines = (stream: NodeJS.ReadableStream | null) => {
      let buffer = "";
      stream?.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        const parts = buffer.split("\n");
        buffer = parts.pop() ?? "";
        parts.forEach(onLine);
      });
    };
    lines(child.stdout);
    lines(child.stderr);
    child.once("exit", (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`The webhook service stopped during start-up (exit code ${String(code)})`));
      }
    });
  });
}

export async function superviseWebhook(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<SupervisedWebhook> {
  const first = await spawnService(env, print);
  const port = first.port;
  let child: ChildProcess | undefined = first.child;
  let startedAt = Date.now();
  let delay = FIRST_RESTART_DELAY_MS;
  let restarts = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let restartWaiters: (() => void)[] = [];

  const watch = (running: ChildProcess) => {
    running.once("exit", (code, signal) => {
      if (stopping || running !== child) return;
      child = undefined;
      delay = Date.now() - startedAt > HEALTHY_AFTER_MS ? FIRST_RESTART_DELAY_MS : delay;
      print(`[supervisor] The webhook service stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${String(code)}`}); restarting it in ${delay} ms.`);
      timer = setTimeout(() => void restart(), delay);
      delay = Math.min(delay * 2, LONGEST_RESTART_DELAY_MS);
    });
  };

  const restart = async () => {
    timer = undefined;
    if (stopping) return;
    try {
      // The same port: the registered service endpoint points there.
      const next = await spawnService({ ...env, PLUGIN_PORT: String(port) }, print);
      if (stopping) {
        next.child.kill("SIGTERM");
        return;
      }
      child = next.child;
      startedAt = Date.now();
      restarts++;
      print(`[supervisor] The webhook service is running again (restart ${restarts}).`);
      watch(next.child);
      const waiters = restartWaiters;
      restartWaiters = [];
      for (const resolve of waiters) resolve();
    } catch (error) {
      print(`[supervisor] Restarting the webhook service failed (${error instanceof Error ? error.message : "unknown error"}); trying again in ${delay} ms.`);
      timer = setTimeout(() => void restart(), delay);
      delay = Math.min(delay * 2, LONGEST_RESTART_DELAY_MS);
    }
  };

  watch(first.child);
  return {
    port,
    pid: () => child?.pid,
    restarts: () => restarts,
    nextRestart: () => new Promise((resolve) => restartWaiters.push(resolve)),
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      running.kill("SIGTERM");
      const force = setTimeout(() => running.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(force);
    },
  };
}
