import * as os from "node:os";

/** Small measuring helpers shared by the bench sections. Times are read, never asserted. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("No samples to take a percentile of");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Runs fn `runs` times after `warmups` unmeasured runs; the milliseconds of each measured run. */
export function timeRuns(runs: number, warmups: number, fn: () => void): number[] {
  for (let i = 0; i < warmups; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * Runs each function once per round, in turn, so a burst of load from
 * elsewhere on the machine falls on all of them alike; the milliseconds of
 * each function's measured runs.
 */
export function timeInterleaved(runs: number, warmups: number, fns: readonly (() => void)[]): number[][] {
  const times = fns.map(() => [] as number[]);
  for (let round = 0; round < warmups + runs; round++) {
    fns.forEach((fn, i) => {
      const started = performance.now();
      fn();
      if (round >= warmups) times[i].push(performance.now() - started);
    });
  }
  return times;
}

export interface Machine {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpus: typeof os.availableParallelism === "function" ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
