import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookServer } from "../../../plugins/host/nodeServer";
import { main as registerMain } from "../../../plugins/register";
import { readSettings, serviceOptions, silentLogger } from "../../../plugins/service";
import { type TestEnvironment, idFrom, startTestDataverse } from "./localDataverse";

/** The local Dataverse with the real webhook service, registered by the real registration command, as `npm start` wires them. */
export interface WiredEnvironment extends TestEnvironment {
  /** Waits until every async step due has run. */
  idle(): Promise<void>;
}

const KEY = "local-test-key-0123456789";

export async function startWiredDataverse(): Promise<WiredEnvironment> {
  const env = await startTestDataverse();
  const settings = readSettings({ SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_URL: env.dataverse.url(), SPRX_DATAVERSE_AUTH: "none", PLUGIN_PORT: "0" });
  const webhook: http.Server = createWebhookServer(serviceOptions(settings, {}, silentLogger));
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const lines: string[] = [];
  const code = await registerMain(
    ["--url", env.dataverse.url(), "--webhook", `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/dataverse-webhook`],
    { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" },
    (line) => lines.push(line),
  );
  if (code !== 0) throw new Error(lines.join("\n"));
  return {
    ...env,
    idle: async () => {
      await env.request("GET", "/_emulator/idle");
    },
    close: async () => {
      await env.close();
      await new Promise<void>((resolve) => {
        webhook.closeAllConnections();
        webhook.close(() => resolve());
      });
    },
  };
}

/** An ISO instant n days from now, to the second. */
export const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function newEngagement(env: WiredEnvironment, referralDaysAgo = 60): Promise<{ contactId: string; engagementId: string }> {
  const contactId = idFrom(await env.request("POST", "contacts", { firstname: "Fen", lastname: "Example" }));
  const created = await env.request("POST", "sprx_engagements", {
    "sprx_contactid@odata.bind": `/contacts(${contactId})`, sprx_referraldate: daysFromNow(-referralDaysAgo).slice(0, 10), sprx_consenttoshare: false,
  });
  if (created.status !== 204) throw new Error(created.text);
  await env.idle();
  return { contactId, engagementId: idFrom(created) };
}

export async function bookSession(env: WiredEnvironment, engagementId: string, start: string, attendance?: number): Promise<string> {
  const end = new Date(Date.parse(start) + 3_600_000).toISOString();
  const response = await env.request("POST", "appointments", {
    subject: "Session", scheduledstart: start, scheduledend: end,
    "regardingobjectid_sprx_engagement_appointment@odata.bind": `/sprx_engagements(${engagementId})`,
  });
  if (response.status !== 204) throw new Error(response.text);
  const id = idFrom(response);
  if (attendance !== undefined) {
    const recorded = await env.request("PATCH", `appointments(${id})`, { sprx_attendance: attendance });
    if (recorded.status !== 204) throw new Error(recorded.text);
  }
  return id;
}
