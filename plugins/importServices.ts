import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { DataverseClient } from "./dataverse/client";
import { DATAVERSE_AUTH_KINDS, type DataverseAuthKind, dataverseAccessToken, isLoopbackUrl, tokenCredential } from "./dataverse/credentials";
import { importServices } from "./directory/importServices";
import { readServicesCsv } from "./directory/serviceRows";

/**
 * npm run import:services -- --url https://<org>.crm.dynamics.com services.csv [--dry-run]
 *
 * Imports a directory of community services from a CSV file through the Web
 * API. The whole file is checked first; if any line is wrong, every problem
 * is listed and nothing is written. Sign-in as for `npm run register`
 * (SPRX_DATAVERSE_AUTH; "none" only for a Dataverse on this machine).
 */
const USAGE = "Usage: npm run import:services -- --url https://<org>.crm.dynamics.com <services.csv> [--dry-run]";

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, print: (line: string) => void): Promise<number> {
  let parsed: { values: { url?: string; "dry-run"?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { url: { type: "string" }, "dry-run": { type: "boolean", default: false } } });
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { url } = parsed.values;
  const file = parsed.positionals[0];
  const authKind = (env.SPRX_DATAVERSE_AUTH ?? "default") as DataverseAuthKind;
  const problems: string[] = [];
  if (!url) problems.push("--url is required");
  if (!file) problems.push("the CSV file is required");
  if (!DATAVERSE_AUTH_KINDS.includes(authKind)) problems.push(`SPRX_DATAVERSE_AUTH must be one of ${DATAVERSE_AUTH_KINDS.join(", ")}`);
  if (url && authKind === "none" && !isLoopbackUrl(url)) problems.push("SPRX_DATAVERSE_AUTH=none is only for a Dataverse on this machine");
  if (problems.length > 0) {
    print(`${problems.join("\n")}\n${USAGE}`);
    return 2;
  }
  let csv: string;
  try {
    csv = fs.readFileSync(file, "utf8");
  } catch {
    print(`Cannot read ${file}`);
    return 2;
  }
  const read = readServicesCsv(csv);
  if (read.problems.length > 0) {
    print(`Nothing was imported. Fix these and run it again:\n${read.problems.map((p) => `  ${p}`).join("\n")}`);
    return 1;
  }
  if (parsed.values["dry-run"]) {
    print(`${read.rows.length} service(s) are ready to import (dry run, nothing written).`);
    return 0;
  }
  const credential =
    authKind === "none"
      ? undefined
      : tokenCredential({ kind: authKind, tenantId: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID, clientSecret: env.AZURE_CLIENT_SECRET, certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH });
  const dataverse = new DataverseClient({ url: url!, accessToken: credential ? dataverseAccessToken(credential, url!) : undefined });
  const outcome = await importServices(dataverse, read.rows, print);
  print(`${outcome.created} created, ${outcome.updated} updated, ${outcome.providersCreated} new provider(s).`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Import failed: ${error instanceof Error ? error.message : "unknown error"}\n`);
      process.exit(1);
    },
  );
}
