import { DataverseFault } from "../service/faults";

/**
 * The limits the local Dataverse enforces, each with where Dataverse
 * documents it. What goes over a limit is answered with a Dataverse-shaped
 * 4xx before any work is done, never a 500 or a crash.
 */

/**
 * "The size limit to send a single request is 128 MB"
 * (https://learn.microsoft.com/power-apps/developer/data-platform/file-attributes).
 */
export const MAX_BODY_BYTES = 128 * 1024 * 1024;

/** The app shell and /_emulator/* take small forms at most. */
export const MAX_SHELL_BODY_BYTES = 64 * 1024;

/**
 * "The maximum length of URL accepted is 32 KB (32768 characters)"; inside a
 * `$batch` body a request's URL may be up to 64 KB
 * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#maximum-url-length).
 */
export const MAX_URL_LENGTH = 32_768;
/** Node's own header limit is raised to this so a 32 KB URL reaches the check above; beyond it Node refuses the request. */
export const MAX_HEADER_BYTES = 80 * 1024;

/**
 * "Batch requests can contain up to 1,000 individual requests"
 * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api).
 */
export const MAX_BATCH_REQUESTS = 1_000;

/** Deepest nesting of parentheses in a query ($filter, $expand) or of elements in a FetchXML query. */
export const MAX_QUERY_NESTING = 32;

/**
 * Longest a unit of work (a request or a change set) may hold the write
 * lock, a local choice: SQLite has one writer, so one long change set would
 * keep every other writer waiting. Past it the unit is rolled back.
 */
export const MAX_UNIT_MS = 30_000;

export const limitFaults = {
  bodyTooLarge: (limit: number) => new DataverseFault(413, "0x80040216", `The request body is larger than the ${Math.round(limit / 1024 / 1024) || 1} MB a single request may carry; send large data in parts.`),
  urlTooLong: () => new DataverseFault(414, "0x80060888", `The URL is longer than the ${MAX_URL_LENGTH} characters allowed; send a long query inside a $batch request.`),
  batchTooLarge: (count: number) =>
    new DataverseFault(400, "0x80060888", `The $batch request contains ${count} requests; a maximum number of '${MAX_BATCH_REQUESTS}' operations are allowed in a batch.`),
  queryTooDeep: () => new DataverseFault(400, "0x80060888", `The query is nested more than ${MAX_QUERY_NESTING} levels deep.`),
  invalidUtf8: () => new DataverseFault(400, "0x80048d19", "The request body is not valid UTF-8 text."),
  invalidUrl: () => new DataverseFault(400, "0x80060888", "The URL is not valid: it has a malformed percent-encoding."),
  unitTooLong: () => new DataverseFault(400, "0x80040216", `The operation ran longer than the ${MAX_UNIT_MS / 1000} seconds one request or change set may take, and was rolled back; send fewer operations per change set.`),
};

/** Deepest nesting of ( ) in a text, and of <element> in XML; quoted strings in OData are skipped. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === "(" || (c === "<" && /[A-Za-z]/.test(text[i + 1] ?? ""))) deepest = Math.max(deepest, ++depth);
    else if (c === ")" || (c === "<" && text[i + 1] === "/") || (c === "/" && text[i + 1] === ">")) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** How many requests a $batch body carries (each is an application/http part, in or out of change sets). */
export function batchRequestCount(body: string): number {
  return (body.match(/^content-type:\s*application\/http/gim) ?? []).length;
}
