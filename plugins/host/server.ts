import { jsonLogger, readSettings, serviceOptions, SettingsError } from "../service";
import { createWebhookServer } from "./nodeServer";

/**
 * `npm run webhook`: the service alone, as deployed in a container. All
 * configuration (and every secret) comes from environment variables.
 */
const logger = jsonLogger();
try {
  const settings = readSettings(process.env);
  const server = createWebhookServer(serviceOptions(settings, process.env, logger));
  // A container must listen on every interface; the local environment passes 127.0.0.1.
  const host = process.env.PLUGIN_HOST || undefined;
  server.listen(settings.port, host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : settings.port;
    logger.info("webhook.listening", { port });
    // One plain line for people and for scripts that wait for the service.
    process.stdout.write(`Webhook service listening on http://localhost:${port}/api/dataverse-webhook\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    // Connections a client keeps alive must not hold the process open for ever.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (error) {
  process.stderr.write(`${error instanceof SettingsError ? error.message : "The webhook service could not start"}\n`);
  process.exit(1);
}
