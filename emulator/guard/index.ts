import type * as http from "node:http";
import type { Socket } from "node:net";
import type { DataverseFault } from "../service/faults";
import { readLimitedBody } from "./body";
import { MAX_BODY_BYTES, MAX_QUERY_NESTING, MAX_SHELL_BODY_BYTES, MAX_URL_LENGTH, limitFaults, nestingDepth } from "./limits";
import { refuseCaller } from "./origin";

export { MAX_BATCH_REQUESTS, MAX_HEADER_BYTES, MAX_UNIT_MS, batchRequestCount, limitFaults } from "./limits";

/**
 * The front door of the local Dataverse: who may call it (origin.ts) and how
 * much a request may carry (limits.ts), checked before a request is read or
 * any work is done. `server.ts` calls `admit` first and reads the body with
 * `readBody`.
 */

/** Why the request is refused before its body is read, or undefined. */
export function admit(request: http.IncomingMessage, apiRoot: string): DataverseFault | undefined {
  const url = request.url ?? "/";
  const refused = refuseCaller(request, url.split("?")[0]);
  if (refused) return refused;
  if (url.length > MAX_URL_LENGTH) return limitFaults.urlTooLong();
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.replace(/\+/g, " "));
  } catch {
    return limitFaults.invalidUrl();
  }
  if (url.startsWith(apiRoot) && nestingDepth(decoded.slice(decoded.indexOf("?") + 1 || decoded.length)) > MAX_QUERY_NESTING) return limitFaults.queryTooDeep();
  return undefined;
}

export function readBody(request: http.IncomingMessage, apiRoot: string): Promise<string> {
  return readLimitedBody(request, (request.url ?? "/").startsWith(apiRoot) ? MAX_BODY_BYTES : MAX_SHELL_BODY_BYTES);
}

/**
 * A request Node itself cannot parse (headers or URL past MAX_HEADER_BYTES, a
 * malformed request line) still gets a Dataverse-shaped answer, not an empty 431.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = JSON.stringify({
    error: { code: "0x80060888", message: tooLarge ? `The URL or headers are too large; a URL may have at most ${MAX_URL_LENGTH} characters.` : "The request could not be read." },
  });
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
