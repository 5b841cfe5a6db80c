/**
 * `ComponentFramework.WebApi` over fetch against a Dataverse Web API URL, with
 * the platform's semantics: createRecord answers {id, entityType} from the
 * OData-EntityId header, updateRecord never creates (If-Match: *), and a
 * failure rejects with Dataverse's own message and code.
 */
import { Tables } from "../../solution/generated/dataverse";
import { readErrorBody } from "../shared/errors";

const ENTITY_SETS: Record<string, string> = {
  ...Object.fromEntries(Object.values(Tables).map((t) => [t.logicalName, t.entitySetName])),
  contact: "contacts",
  systemuser: "systemusers",
};

function entitySet(entity: string): string {
  return ENTITY_SETS[entity] ?? `${entity}s`;
}

export class WebApiError extends Error {
  constructor(
    message: string,
    readonly errorCode: number | undefined,
    readonly code: string | undefined,
    readonly status: number,
  ) {
    super(message);
    this.name = "WebApiError";
  }
}

const HEADERS = { Accept: "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0" };

export function fetchWebApi(baseUrl: string, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): ComponentFramework.WebApi {
  const base = baseUrl.replace(/\/+$/, "");

  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetchImpl(`${base}/${path}`, {
      method,
      credentials: "same-origin",
      headers: { ...HEADERS, ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await failure(response);
    return response;
  }

  return {
    async retrieveMultipleRecords(entity, options = "", maxPageSize) {
      const prefer = ['odata.include-annotations="*"', ...(maxPageSize ? [`odata.maxpagesize=${maxPageSize}`] : [])].join(",");
      const response = await send("GET", `${entitySet(entity)}${options}`, undefined, { Prefer: prefer });
      const body = (await response.json()) as { value: ComponentFramework.WebApi.Entity[]; "@odata.nextLink"?: string };
      return { entities: body.value, nextLink: body["@odata.nextLink"] as string };
    },
    async retrieveRecord(entity, id, options = "") {
      const response = await send("GET", `${entitySet(entity)}(${id})${options}`, undefined, { Prefer: 'odata.include-annotations="*"' });
      return (await response.json()) as ComponentFramework.WebApi.Entity;
    },
    async createRecord(entity, data) {
      const response = await send("POST", entitySet(entity), data);
      const id = /\(([0-9a-fA-F-]{36})\)\s*$/.exec(response.headers.get("OData-EntityId") ?? "")?.[1];
      if (!id) throw new WebApiError("The server did not say which record it created", undefined, undefined, response.status);
      return { id, entityType: entity };
    },
    async updateRecord(entity, id, data) {
      await send("PATCH", `${entitySet(entity)}(${id})`, data, { "If-Match": "*" });
      return { id, entityType: entity };
    },
    async deleteRecord(entity, id) {
      await send("DELETE", `${entitySet(entity)}(${id})`);
      return { id, entityType: entity };
    },
  };
}

async function failure(response: Response): Promise<WebApiError> {
  const { message, code } = await readErrorBody(response);
  const errorCode = code && /^0x[0-9a-f]+$/i.test(code) ? parseInt(code, 16) : undefined;
  return new WebApiError(message, errorCode, code, response.status);
}
