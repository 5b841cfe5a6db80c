import http from "node:http";
import { DEFAULT_MAX_BODY_BYTES, handleWebhookRequest, type WebhookRequest, type WebhookServiceOptions } from "../service";

export type { WebhookServiceOptions };

/**
 * The service on Node's HTTP server (container, App Service, local use).
 * Returned not yet listening, so the caller picks the port.
 */
export function createWebhookServer(options: WebhookServiceOptions): http.Server {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) {
        res.writeHead(413, { "Content-Type": "text/plain; charset=utf-8" }).end("The body is too large");
        return;
      }
      const url = new URL(req.url ?? "/", "http://localhost");
      const query: Record<string, string> = {};
      url.searchParams.forEach((value, key) => {
        query[key] ??= value;
      });
      const request: WebhookRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      handleWebhookRequest(request, options).then(
        (response) => res.writeHead(response.status, { "Content-Type": response.contentType }).end(response.body),
        () => res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("The service failed"),
      );
    });
    req.on("error", () => res.destroy());
  });
}
