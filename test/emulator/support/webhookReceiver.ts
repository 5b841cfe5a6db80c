import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny stand-in for the webhook service: records every delivery and answers
 * as the test tells it to (by the firing step's name).
 */
export interface Delivery {
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: string;
  readonly context: Record<string, unknown> & { OwningExtension: { Name: string }; MessageName: string; Stage: number; Mode: number; Depth: number };
}

export type Answer = { status: number; body?: string } | ((delivery: Delivery) => Promise<{ status: number; body?: string }> | { status: number; body?: string });

export interface WebhookReceiver {
  readonly url: string;
  readonly deliveries: Delivery[];
  answer(stepName: string, answer: Answer): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const answers = new Map<string, Answer>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        const delivery: Delivery = { url: new URL(request.url ?? "/", "http://127.0.0.1"), headers: request.headers, rawBody, context: JSON.parse(rawBody) as Delivery["context"] };
        deliveries.push(delivery);
        const configured = answers.get(delivery.context.OwningExtension.Name) ?? { status: 200 };
        const answer = typeof configured === "function" ? await configured(delivery) : configured;
        response.writeHead(answer.status, { "Content-Type": "text/plain" });
        response.end(answer.body ?? "");
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/dataverse-webhook`,
    deliveries,
    answer: (stepName, answer) => answers.set(stepName, answer),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
