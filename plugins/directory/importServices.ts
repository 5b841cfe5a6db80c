import type { DataverseClient } from "../dataverse/client";
import type { ServiceImportRow } from "./serviceRows";

/**
 * Writes imported services through the Web API: each provider is found by
 * name among the accounts (or created once), and each service is created, or
 * updated when the directory already has one of that name from that
 * provider — so importing the same file twice adds no copies.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api
 */

export interface ImportOutcome {
  readonly created: number;
  readonly updated: number;
  readonly providersCreated: number;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function importServices(dataverse: DataverseClient, rows: readonly ServiceImportRow[], print: (line: string) => void = () => undefined): Promise<ImportOutcome> {
  const providers = new Map<string, string>();
  let providersCreated = 0;
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    let providerId: string | undefined;
    if (row.provider) {
      const key = row.provider.toLowerCase();
      providerId = providers.get(key);
      if (!providerId) {
        const found = await dataverse.retrieveMultiple<{ accountid: string }>("accounts", { select: ["accountid"], filter: `name eq ${quote(row.provider)}`, top: 1 });
        providerId = found[0]?.accountid ?? (await dataverse.create("accounts", { name: row.provider }));
        if (!found[0]) providersCreated++;
        providers.set(key, providerId);
      }
    }
    const name = String(row.columns.sprx_name);
    const filter = `sprx_name eq ${quote(name)} and ${providerId ? `_sprx_providerid_value eq ${providerId}` : "_sprx_providerid_value eq null"}`;
    const existing = await dataverse.retrieveMultiple<{ sprx_communityserviceid: string }>("sprx_communityservices", { select: ["sprx_communityserviceid"], filter, top: 1 });
    const data = { ...row.columns, ...(providerId ? { "sprx_providerid@odata.bind": `/accounts(${providerId})` } : {}) };
    if (existing[0]) {
      await dataverse.update("sprx_communityservices", existing[0].sprx_communityserviceid, data);
      updated++;
      print(`  updated  line ${row.line}`);
    } else {
      await dataverse.create("sprx_communityservices", data);
      created++;
      print(`  created  line ${row.line}`);
    }
  }
  return { created, updated, providersCreated };
}
