import { createLocalDataverse } from "../../../emulator/server";

/**
 * The local Dataverse alone in its own process, on the SQLite file named by
 * the first argument, on an ephemeral loopback port, which it prints. The
 * interrupted-write test kills this process with SIGKILL mid-write.
 */
const file = process.argv[2];
if (!file) {
  process.stderr.write("Usage: dataverseProcess.ts <database file>\n");
  process.exit(2);
}
const dataverse = createLocalDataverse({ databaseFile: file });
dataverse.server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${dataverse.url()}\n`));
