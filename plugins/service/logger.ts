/**
 * Structured logs. The field set is closed on purpose: an event name and
 * identifiers only, so attribute values (names, notes, emails) cannot reach
 * the logs by accident.
 */
export interface LogFields {
  readonly correlationId?: string;
  readonly step?: string;
  readonly table?: string;
  readonly recordId?: string;
  readonly status?: number;
  readonly count?: number;
  readonly attempt?: number;
  readonly code?: string;
  readonly codes?: readonly string[];
  /** Quoted in a 500 answer, so an administrator can find the entry. */
  readonly incident?: string;
  readonly port?: number;
}

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** One JSON line per event on stdout/stderr, the format Application Insights and container logs ingest. */
export function jsonLogger(write: (line: string, level: "info" | "warn" | "error") => void = defaultWrite): Logger {
  const log = (level: "info" | "warn" | "error") => (event: string, fields: LogFields = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }), level);
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

function defaultWrite(line: string, level: "info" | "warn" | "error"): void {
  if (level === "info") process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
