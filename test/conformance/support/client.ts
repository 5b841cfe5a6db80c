import { DynamicsWebApi } from "dynamics-web-api";
import { seedDemoData } from "../../../emulator/seed/demoData";
import { type TestEnvironment, startTestDataverse } from "../../emulator/support/localDataverse";

/**
 * The conformance suite's two kinds of caller: DynamicsWebApi, a widely used
 * third-party Dataverse Web API client (pointed at the local Dataverse as at
 * any org URL), and raw HTTP through TestEnvironment.request.
 */

export const NOW = new Date("2025-11-24T12:00:00Z");

export interface Conformance {
  readonly env: TestEnvironment;
  readonly client: DynamicsWebApi;
  close(): Promise<void>;
}

export async function startConformance(): Promise<Conformance> {
  const env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
  const client = new DynamicsWebApi({
    serverUrl: env.dataverse.url(),
    dataApi: { version: "9.2" },
    // The local Dataverse needs no token; the client still sends one, as it would to a real org.
    onTokenRefresh: () => Promise.resolve("local-token"),
  });
  return { env, client, close: () => env.close() };
}

/** What DynamicsWebApi rejects with: the Dataverse error plus the HTTP status. */
export interface ClientError {
  readonly status: number;
  readonly code?: string;
  readonly message: string;
}

export async function clientError(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  throw new Error("The request was expected to fail");
}
