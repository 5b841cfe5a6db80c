import { FOUNDATION, messageFilterId } from "../../../emulator/seed/foundation";
import { type TestEnvironment, idFrom } from "./localDataverse";

/** Registers one webhook step through the Web API, with the rows and bindings of contract (e). */
export interface TestStep {
  readonly name: string;
  readonly message: "Create" | "Update" | "Delete";
  readonly table: string;
  readonly stage: 10 | 20 | 40;
  readonly mode: 0 | 1;
  readonly filteringAttributes?: string;
  readonly images?: readonly { alias: string; imagetype: 0 | 1 | 2; attributes?: string }[];
}

export async function registerEndpoint(env: TestEnvironment, url: string, auth: { authtype: 4 | 5 | 6; authvalue: string } = { authtype: 4, authvalue: "test-key" }): Promise<string> {
  const created = await env.request("POST", "serviceendpoints", { name: "sprx webhook", contract: 8, url, messageformat: 2, ...auth });
  if (created.status !== 204) throw new Error(`serviceendpoint: ${created.text}`);
  return idFrom(created);
}

export async function registerStep(env: TestEnvironment, endpointId: string, step: TestStep): Promise<string> {
  const created = await env.request("POST", "sdkmessageprocessingsteps", {
    name: step.name, stage: step.stage, mode: step.mode, rank: 1, supporteddeployment: 0, asyncautodelete: false,
    filteringattributes: step.filteringAttributes ?? null,
    "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${endpointId})`,
    "sdkmessageid@odata.bind": `/sdkmessages(${FOUNDATION.messages[step.message]})`,
    "sdkmessagefilterid@odata.bind": `/sdkmessagefilters(${messageFilterId(step.message, step.table)})`,
  });
  if (created.status !== 204) throw new Error(`step: ${created.text}`);
  const stepId = idFrom(created);
  for (const image of step.images ?? []) {
    const made = await env.request("POST", "sdkmessageprocessingstepimages", {
      name: image.alias, entityalias: image.alias, imagetype: image.imagetype, attributes: image.attributes ?? null,
      messagepropertyname: step.message === "Delete" ? "Id" : "Target",
      "sdkmessageprocessingstepid@odata.bind": `/sdkmessageprocessingsteps(${stepId})`,
    });
    if (made.status !== 204) throw new Error(`image: ${made.text}`);
  }
  return stepId;
}
