import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { main as register } from "../plugins/register";
import { type GraphStandIn, startGraphStandIn } from "./graph-stand-in";
import { seedDemoData } from "./seed/demoData";
import { WEBHOOK_APP_USER } from "./seed/security";
import { type LocalDataverse, createLocalDataverse } from "./server";
import { type SupervisedWebhook, superviseWebhook } from "./webhookSupervisor";

/**
 * `npm start`: the local environment. The Microsoft Graph stand-in and the
 * local Dataverse run in this process; the webhook service runs as its own
 * process, configured only through environment variables exactly as it is
 * deployed (and so that it trusts the stand-in's certificate through
 * NODE_EXTRA_CA_CERTS, which Node reads only at start-up). The steps are
 * then registered with the same command a real environment uses.
 */

const REPO_ROOT = path.resolve(__dirname, "..");

export interface LocalEnvironmentOptions {
  /** Web API and shell port (PORT, default 8080); 0 picks a free one. */
  readonly port: number;
  /** Webhook service port (PLUGIN_PORT, default 8090); 0 picks a free one. */
  readonly pluginPort: number;
  /** Folder for the database, the webhook key and the stand-in's certificate. */
  readonly dataDirectory: string;
  readonly webhookKey?: string;
  /** First wait before an async step is retried (tests shorten it). */
  readonly asyncRetryDelayMs?: number;
  readonly print: (line: string) => void;
}

export interface LocalEnvironment {
  readonly url: string;
  readonly webhookUrl: string;
  readonly dataverse: LocalDataverse;
  readonly graph: GraphStandIn;
  /** The webhook service process, watched and restarted if it dies. */
  readonly webhook: SupervisedWebhook;
  stop(): Promise<void>;
}

/** The webhook key: from SPRX_WEBHOOK_KEY, else one made once and kept (owner-only) next to the data. */
function webhookKey(dataDirectory: string, given: string | undefined): string {
  if (given) return given;
  const file = path.join(dataDirectory, "webhook.key");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const key = randomBytes(24).toString("base64url");
  fs.writeFileSync(file, key, { mode: 0o600 });
  return key;
}

/** Registration talks to the local Dataverse on a private loopback port, while the public one still answers 503. */
async function registerPrivately(dataverse: LocalDataverse, webhookUrl: string, key: string, print: (line: string) => void): Promise<number> {
  const setup = http.createServer(dataverse.listener);
  await new Promise<void>((resolve, reject) => {
    setup.once("error", reject);
    setup.listen(0, "127.0.0.1", resolve);
  });
  try {
    const setupUrl = `http://127.0.0.1:${(setup.address() as AddressInfo).port}/`;
    return await register(["--url", setupUrl, "--webhook", webhookUrl], { SPRX_WEBHOOK_KEY: key, SPRX_DATAVERSE_AUTH: "none" }, (line) => print(`[register] ${line}`));
  } finally {
    const closed = new Promise<void>((resolve) => setup.close(() => resolve()));
    setup.closeAllConnections();
    await closed;
  }
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  fs.mkdirSync(options.dataDirectory, { recursive: true });
  const key = webhookKey(options.dataDirectory, options.webhookKey);
  const graph = await startGraphStandIn({ dataDir: path.join(options.dataDirectory, "graph-stand-in") });
  // The webhook service signs in as its application user with a token only this run's local Dataverse accepts.
  const appToken = randomBytes(24).toString("base64url");
  const dataverse = createLocalDataverse({
    bearerTokens: new Map([[appToken, WEBHOOK_APP_USER.id]]),
    databaseFile: path.join(options.dataDirectory, "sprx.db"),
    seed: seedDemoData,
    sentMail: () => graph.received,
    controlsDirectory: path.join(REPO_ROOT, "out/controls"),
    asyncRetryDelayMs: options.asyncRetryDelayMs,
    // Answers 503 + Retry-After until the steps are registered: no write may skip the rules.
    ready: false,
  });
  let webhook: SupervisedWebhook | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      dataverse.server.once("error", reject);
      dataverse.server.listen(options.port, "127.0.0.1", resolve);
    });
    const url = dataverse.url();
    webhook = await superviseWebhook(
      {
        ...process.env,
        PLUGIN_PORT: String(options.pluginPort),
        PLUGIN_HOST: "127.0.0.1",
        SPRX_WEBHOOK_KEY: key,
        SPRX_WEBHOOK_AUTH: "WebhookKey",
        SPRX_DATAVERSE_URL: url,
        SPRX_DATAVERSE_AUTH: "none",
        SPRX_DATAVERSE_LOCAL_TOKEN: appToken,
        SPRX_GRAPH_BASE_URL: graph.url,
        SPRX_GRAPH_SENDER: "link-workers@sprx.invalid",
        NODE_EXTRA_CA_CERTS: graph.caCertPath,
      },
      options.print,
    );
    const webhookUrl = `http://127.0.0.1:${webhook.port}/api/dataverse-webhook`;
    const code = await registerPrivately(dataverse, webhookUrl, key, options.print);
    if (code !== 0) throw new Error("Registering the webhook steps failed");
    dataverse.markReady();
    const supervised = webhook;
    let stopped: Promise<void> | undefined;
    return {
      url,
      webhookUrl,
      dataverse,
      graph,
      webhook: supervised,
      stop() {
        stopped ??= (async () => {
          await supervised.stop();
          await dataverse.close();
          await graph.close();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await webhook?.stop();
    await dataverse.close();
    await graph.close();
    throw error;
  }
}

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${name} must be a port number`);
  return port;
}

if (require.main === module) {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const dataDirectory = path.resolve(process.env.SPRX_DATA_DIR ?? path.join(REPO_ROOT, ".data"));
  startLocalEnvironment({
    port: portFrom(process.env.PORT, 8080, "PORT"),
    pluginPort: portFrom(process.env.PLUGIN_PORT, 8090, "PLUGIN_PORT"),
    dataDirectory,
    webhookKey: process.env.SPRX_WEBHOOK_KEY,
    print,
  }).then(
    (environment) => {
      let stopping = false;
      const stop = () => {
        if (stopping) {
          // A second Ctrl-C: stop at once.
          process.exit(1);
        }
        stopping = true;
        print("Stopping…");
        // Never hang on the way out: whatever is still open after this long is cut off.
        setTimeout(() => process.exit(1), 15_000).unref();
        environment.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      print("");
      print(`Social Prescribing Engagement — local environment at ${environment.url}`);
      print(`  App shell        ${environment.url}`);
      print(`  Supervisor views ${environment.url}views`);
      print(`  Outbox           ${environment.url}outbox`);
      print(`  Web API          ${environment.url}api/data/v9.2/`);
      print(`  Webhook service  ${environment.webhookUrl}`);
      print(`Press Ctrl-C to stop. Data is kept in ${path.relative(process.cwd(), dataDirectory).startsWith("..") ? dataDirectory : path.relative(process.cwd(), dataDirectory) || "."} between runs.`);
    },
    (error: unknown) => {
      process.stderr.write(`The local environment could not start: ${error instanceof Error ? error.message : "unknown error"}\n`);
      process.exit(1);
    },
  );
}
