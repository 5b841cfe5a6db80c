import { parseArgs } from "node:util";
import { DataverseClient } from "./dataverse/client";
import { DATAVERSE_AUTH_KINDS, type DataverseAuthKind, dataverseAccessToken, isLoopbackUrl, tokenCredential } from "./dataverse/credentials";
import { type PlannedChange, register } from "./registration/plan";
import { WEBHOOK_AUTH_KINDS, type WebhookAuth } from "./service/auth";

/**
 * npm run register -- --url https://<org>.crm.dynamics.com --webhook https://<service>/api/dataverse-webhook
 *                     [--auth WebhookKey|HttpHeader|HttpQueryString] [--name <endpoint name>] [--dry-run]
 *
 * The key comes from SPRX_WEBHOOK_KEY, never from the command line (shell
 * history). Dataverse sign-in: SPRX_DATAVERSE_AUTH (default: DefaultAzureCredential,
 * e.g. `az login`), "none" only for a Dataverse on this machine.
 */
const USAGE =
  "Usage: npm run register -- --url https://<org>.crm.dynamics.com --webhook <service url> [--auth WebhookKey|HttpHeader|HttpQueryString] [--name <endpoint name>] [--dry-run]";

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, print: (line: string) => void): Promise<number> {
  let values: { url?: string; webhook?: string; auth?: string; name?: string; "dry-run"?: boolean; "header-name"?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: "string" },
        webhook: { type: "string" },
        auth: { type: "string", default: "WebhookKey" },
        name: { type: "string", default: "Social Prescribing Engagement webhook" },
        "header-name": { type: "string" },
        "dry-run": { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const problems: string[] = [];
  if (!values.url) problems.push("--url is required");
  if (!values.webhook) problems.push("--webhook is required");
  const key = env.SPRX_WEBHOOK_KEY ?? "";
  if (key.length < 16) problems.push("SPRX_WEBHOOK_KEY must hold the webhook key (at least 16 characters)");
  const kind = values.auth ?? "WebhookKey";
  if (!(WEBHOOK_AUTH_KINDS as readonly string[]).includes(kind)) problems.push(`--auth must be one of ${WEBHOOK_AUTH_KINDS.join(", ")}`);
  const authKind = (env.SPRX_DATAVERSE_AUTH ?? "default") as DataverseAuthKind;
  if (!DATAVERSE_AUTH_KINDS.includes(authKind)) problems.push(`SPRX_DATAVERSE_AUTH must be one of ${DATAVERSE_AUTH_KINDS.join(", ")}`);
  if (values.url && authKind === "none" && !isLoopbackUrl(values.url)) problems.push("SPRX_DATAVERSE_AUTH=none is only for a Dataverse on this machine");
  if (problems.length > 0) {
    print(`${problems.join("\n")}\n${USAGE}`);
    return 2;
  }

  let webhookUrl = values.webhook!;
  let auth: WebhookAuth;
  if (kind === "HttpHeader") auth = { kind, headers: { [values["header-name"] ?? "x-api-key"]: key } };
  else if (kind === "HttpQueryString") auth = { kind, parameters: { [values["header-name"] ?? "key"]: key } };
  else {
    auth = { kind: "WebhookKey", key };
    // Dataverse appends ?code=<key> itself; a code already in the URL would be sent twice.
    const url = new URL(webhookUrl);
    url.searchParams.delete("code");
    webhookUrl = url.toString();
  }

  const credential =
    authKind === "none"
      ? undefined
      : tokenCredential({
          kind: authKind,
          tenantId: env.AZURE_TENANT_ID,
          clientId: env.AZURE_CLIENT_ID,
          clientSecret: env.AZURE_CLIENT_SECRET,
          certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
        });
  const dataverse = new DataverseClient({ url: values.url!, accessToken: credential ? dataverseAccessToken(credential, values.url!) : undefined });
  const dryRun = values["dry-run"] === true;
  print(dryRun ? "Plan (dry run, nothing is written):" : "Registering:");
  const changes = await register(dataverse, { endpointName: values.name!, webhookUrl, auth, dryRun }, (change: PlannedChange) =>
    print(`  ${change.action.padEnd(9)} ${change.table.padEnd(30)} ${change.name}`),
  );
  const count = (action: PlannedChange["action"]) => changes.filter((c) => c.action === action).length;
  print(`${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete, ${count("unchanged")} unchanged.`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Registration failed: ${error instanceof Error ? error.message : "unknown error"}\n`);
      process.exit(1);
    },
  );
}
