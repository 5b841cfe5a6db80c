import type * as http from "node:http";
import { limitFaults } from "./limits";

/**
 * Reads a request body up to `limit` bytes: a Content-Length over it is
 * refused before reading, a longer stream as soon as it passes it. The bytes
 * must be valid UTF-8; nothing else is stored.
 */
export function readLimitedBody(request: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > limit) {
      request.resume();
      reject(limitFaults.bodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(limitFaults.bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (refused) return;
      try {
        resolve(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(limitFaults.invalidUtf8());
      }
    });
    request.on("error", reject);
  });
}
