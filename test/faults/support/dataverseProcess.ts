import { createLocalDataverse } from "../../../emulator/server";

/**
 * The local Dataverse alone in its own process, on the SQLite file named by
 * the first argument, on the loopback port given second (or an ephemeral
 * one), which it prints. The
 * interrupted-write test kills this process with SIGKILL mid-write.
 */
const file = process.argv[2];
if (!file) {
  process.stderr.write("Usage: dataverseProcess.ts <database file>\n");
  process.exit(2);
}
const port = Number(process.argv[3] ?? 0);
const dataverse = createLocalDataverse({
  databaseFile: file,
  asyncRetryDelayMs: Number(process.env.SPRX_ASYNC_RETRY_DELAY_MS ?? 5_000),
  deliveryTimeoutMs: Number(process.env.SPRX_DELIVERY_TIMEOUT_MS ?? 60_000),
});
dataverse.server.listen(port, "127.0.0.1", () => process.stdout.write(`listening ${dataverse.url()}\n`));
