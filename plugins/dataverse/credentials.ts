import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from "@azure/identity";
import type { AccessToken } from "./client";

export const DATAVERSE_AUTH_KINDS = ["managed-identity", "client-secret", "certificate", "default", "none"] as const;
export type DataverseAuthKind = (typeof DATAVERSE_AUTH_KINDS)[number];

export interface CredentialSettings {
  readonly kind: Exclude<DataverseAuthKind, "none">;
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly certificatePath?: string;
}

/** The @azure/identity credential for the configured kind; every secret comes from the environment. */
export function tokenCredential(settings: CredentialSettings): TokenCredential {
  const need = (name: string, value: string | undefined): string => {
    if (!value) throw new Error(`${name} is required for ${settings.kind} authentication`);
    return value;
  };
  switch (settings.kind) {
    case "managed-identity":
      // A user-assigned identity is picked by its client id; none means the system-assigned one.
      return settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new ManagedIdentityCredential();
    case "client-secret":
      return new ClientSecretCredential(
        need("AZURE_TENANT_ID", settings.tenantId),
        need("AZURE_CLIENT_ID", settings.clientId),
        need("AZURE_CLIENT_SECRET", settings.clientSecret),
      );
    case "certificate":
      return new ClientCertificateCredential(need("AZURE_TENANT_ID", settings.tenantId), need("AZURE_CLIENT_ID", settings.clientId), {
        certificatePath: need("AZURE_CLIENT_CERTIFICATE_PATH", settings.certificatePath),
      });
    case "default":
      return new DefaultAzureCredential();
  }
}

/** Bearer tokens for Dataverse: the `.default` scope of the organisation URL. */
export function dataverseAccessToken(credential: TokenCredential, organizationUrl: string): AccessToken {
  const scope = `${new URL(organizationUrl).origin}/.default`;
  return async () => (await credential.getToken(scope))?.token;
}

/** "none" is only for a Dataverse on this machine (the local emulator), never a real environment. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1";
}
