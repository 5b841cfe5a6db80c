import { type LocalDataverse, type LocalDataverseOptions, createLocalDataverse } from "../../../emulator/server";

/** A local Dataverse on an ephemeral loopback port with an in-memory database. */
export interface TestEnvironment {
  readonly dataverse: LocalDataverse;
  readonly apiUrl: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when empty). */
  readonly json: Record<string, unknown> & { value?: Record<string, unknown>[]; error?: { code: string; message: string } };
}

export async function startTestDataverse(options: LocalDataverseOptions = {}): Promise<TestEnvironment> {
  const dataverse = createLocalDataverse({ databaseFile: ":memory:", asyncRetryDelayMs: 10, ...options });
  await new Promise<void>((resolve) => dataverse.server.listen(0, "127.0.0.1", resolve));
  const base = dataverse.url();
  const apiUrl = `${base}api/data/v9.2/`;
  return {
    dataverse,
    apiUrl,
    async request(method, path, body, headers = {}) {
      const url = path.startsWith("http") ? path : path.startsWith("/") ? `${base}${path.slice(1)}` : `${apiUrl}${path}`;
      const response = await fetch(url, {
        method,
        headers: { Accept: "application/json", ...(body !== undefined && typeof body !== "string" ? { "Content-Type": "application/json" } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: TestResponse["json"] = {};
      try {
        json = text ? (JSON.parse(text) as TestResponse["json"]) : {};
      } catch {
        json = {};
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    close: () => dataverse.close(),
  };
}

/** The id at the end of an OData-EntityId header. */
export function idFrom(response: TestResponse): string {
  const match = /\(([0-9a-f-]{36})\)$/.exec(response.headers.get("OData-EntityId") ?? "");
  if (!match) throw new Error(`No OData-EntityId in a ${response.status} response: ${response.text}`);
  return match[1];
}
