import { randomBytes } from "node:crypto";
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphMail } from "../../../plugins/graph/graphMail";
import { createWebhookServer } from "../../../plugins/host/nodeServer";
import { main as registerMain } from "../../../plugins/register";
import { readSettings, serviceOptions, silentLogger } from "../../../plugins/service";
import { seedDemoData } from "../../../emulator/seed/demoData";
import { WEBHOOK_APP_USER } from "../../../emulator/seed/security";
import { type TestEnvironment, type TestResponse, startTestDataverse } from "../../emulator/support/localDataverse";

/**
 * The local Dataverse with the demo organisation and the real webhook
 * service signed in as its application user (a bearer token only this
 * Dataverse accepts), wired as `npm start` wires them.
 */

const KEY = "local-security-key-0123456789";

export interface SecuredEnvironment {
  readonly env: TestEnvironment;
  /** The bearer token the webhook service's application user signs in with. */
  readonly appToken: string;
  /** Requests as one user: the local administrator impersonating them with MSCRMCallerID. */
  as(userId: string): Requester;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export type Requester = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<TestResponse>;

/** With `graph`, the service uses it for mail and free/busy (as it does with SPRX_GRAPH_SENDER set). */
export async function startSecuredEnvironment(options: { graph?: GraphMail } = {}): Promise<SecuredEnvironment> {
  const token = randomBytes(24).toString("base64url");
  const env = await startTestDataverse({ seed: seedDemoData, bearerTokens: new Map([[token, WEBHOOK_APP_USER.id]]) });
  const settings = readSettings({ SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: env.dataverse.url(), SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0" });
  const service = serviceOptions(settings, { SPRX_DATAVERSE_LOCAL_TOKEN: token }, silentLogger);
  const graph = options.graph;
  const webhook: http.Server = createWebhookServer(graph ? { ...service, stepServices: (id) => ({ ...service.stepServices(id), graph }) } : service);
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const lines: string[] = [];
  const code = await registerMain(
    ["--url", env.dataverse.url(), "--webhook", `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/dataverse-webhook`],
    { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(lines.join("\n"));
  return {
    env,
    appToken: token,
    as: (userId) => (method, path, body, headers = {}) => env.request(method, path, body, { MSCRMCallerID: userId, ...headers }),
    idle: async () => {
      await env.request("GET", "/_emulator/idle");
    },
    async close() {
      await env.close();
      await new Promise<void>((resolve) => {
        webhook.closeAllConnections();
        webhook.close(() => resolve());
      });
    },
  };
}
