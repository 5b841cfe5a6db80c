import { escapeODataString, type DataverseClient } from "../dataverse/client";
import { type StepRegistration, STEP_REGISTRATIONS } from "../registrations";
import type { WebhookAuth } from "../service/auth";

/**
 * Registers the webhook service in Dataverse from STEP_REGISTRATIONS, the
 * way the Plugin Registration Tool would: one service endpoint (contract 8,
 * Webhook), then each step and its images. Rows are found by name, updated
 * when present and created otherwise, so a second run changes nothing;
 * steps of this endpoint that are no longer in the list are deleted.
 */

export interface RegistrationOptions {
  readonly endpointName: string;
  readonly webhookUrl: string;
  readonly auth: WebhookAuth;
  readonly dryRun: boolean;
  readonly steps?: readonly StepRegistration[];
}

export interface PlannedChange {
  readonly action: "create" | "update" | "unchanged" | "delete";
  readonly table: string;
  readonly name: string;
}

const AUTH_TYPE = { WebhookKey: 4, HttpHeader: 5, HttpQueryString: 6 } as const;
const CONTRACT_WEBHOOK = 8;
const MESSAGE_FORMAT_JSON = 2;
const STAGE_MODE = { sync: 0, async: 1 } as const;
const IMAGE_TYPE = { PreImage: 0, PostImage: 1 } as const;

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** authvalue as the Plugin Registration Tool stores it: the key itself, or <settings> pairs. */
export function authValue(auth: WebhookAuth): string {
  if (auth.kind === "WebhookKey") return auth.key;
  const pairs = auth.kind === "HttpHeader" ? auth.headers : auth.parameters;
  return `<settings>${Object.entries(pairs).map(([name, value]) => `<setting name="${escapeXml(name)}" value="${escapeXml(value)}" />`).join("")}</settings>`;
}

/** Create → "Id"; Update and Delete → "Target": the message property the image is taken from. */
function messagePropertyName(step: StepRegistration): string {
  return step.message === "Create" ? "Id" : "Target";
}

type Row = Record<string, unknown>;

function differs(existing: Row, wanted: Row): boolean {
  return Object.entries(wanted).some(([column, value]) => !column.includes("@odata.bind") && column !== "authvalue" && (existing[column] ?? null) !== (value ?? null));
}

export async function register(dataverse: DataverseClient, options: RegistrationOptions, report: (change: PlannedChange) => void): Promise<PlannedChange[]> {
  const changes: PlannedChange[] = [];
  const note = (change: PlannedChange) => {
    changes.push(change);
    report(change);
  };
  const byName = async (entitySet: string, select: readonly string[], name: string, extraFilter = "") =>
    (await dataverse.retrieveMultiple<Row>(entitySet, { select, filter: `name eq ${escapeODataString(name)}${extraFilter}` }))[0];

  // 1. The service endpoint.
  const endpointWanted: Row = {
    name: options.endpointName,
    contract: CONTRACT_WEBHOOK,
    url: options.webhookUrl,
    authtype: AUTH_TYPE[options.auth.kind],
    authvalue: authValue(options.auth),
    messageformat: MESSAGE_FORMAT_JSON,
    description: "Social Prescribing Engagement webhook service",
  };
  const endpoint = await byName("serviceendpoints", ["serviceendpointid", "name", "contract", "url", "authtype", "messageformat", "description"], options.endpointName);
  let endpointId = endpoint?.serviceendpointid as string | undefined;
  if (!endpoint) {
    note({ action: "create", table: "serviceendpoint", name: options.endpointName });
    if (!options.dryRun) endpointId = await dataverse.create("serviceendpoints", endpointWanted);
  } else {
    // authvalue cannot be read back, so it is always written: the key may have been rotated.
    note({ action: differs(endpoint, endpointWanted) ? "update" : "unchanged", table: "serviceendpoint", name: options.endpointName });
    if (!options.dryRun) await dataverse.update("serviceendpoints", endpointId!, endpointWanted);
  }

  // 2. Steps and images.
  const messages = new Map<string, string>();
  const filters = new Map<string, string>();
  const steps = options.steps ?? STEP_REGISTRATIONS;
  for (const step of steps) {
    if (!messages.has(step.message)) {
      const message = await byName("sdkmessages", ["sdkmessageid"], step.message);
      if (!message) throw new Error(`Dataverse has no sdkmessage named ${step.message}`);
      messages.set(step.message, message.sdkmessageid as string);
    }
    const messageId = messages.get(step.message)!;
    const filterKey = `${step.message}:${step.table}`;
    if (!filters.has(filterKey)) {
      const filter = await dataverse.retrieveMultiple<Row>("sdkmessagefilters", {
        select: ["sdkmessagefilterid"],
        filter: `_sdkmessageid_value eq ${messageId} and primaryobjecttypecode eq ${escapeODataString(step.table)}`,
      });
      if (!filter[0]) throw new Error(`Dataverse has no message filter for ${step.message} of ${step.table}`);
      filters.set(filterKey, filter[0].sdkmessagefilterid as string);
    }
    const wanted: Row = {
      name: step.name,
      description: step.description,
      stage: step.stage,
      mode: STAGE_MODE[step.mode],
      rank: step.rank,
      filteringattributes: step.filteringAttributes?.length ? step.filteringAttributes.join(",") : null,
      supporteddeployment: 0,
      asyncautodelete: step.mode === "async",
      "sdkmessageid@odata.bind": `/sdkmessages(${messageId})`,
      "sdkmessagefilterid@odata.bind": `/sdkmessagefilters(${filters.get(filterKey)!})`,
      ...(endpointId ? { "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${endpointId})` } : {}),
    };
    const existing = await byName(
      "sdkmessageprocessingsteps",
      ["sdkmessageprocessingstepid", "name", "description", "stage", "mode", "rank", "filteringattributes", "supporteddeployment", "asyncautodelete"],
      step.name,
    );
    let stepId = existing?.sdkmessageprocessingstepid as string | undefined;
    if (!existing) {
      note({ action: "create", table: "sdkmessageprocessingstep", name: step.name });
      if (!options.dryRun) stepId = await dataverse.create("sdkmessageprocessingsteps", wanted);
    } else if (differs(existing, wanted)) {
      note({ action: "update", table: "sdkmessageprocessingstep", name: step.name });
      if (!options.dryRun) await dataverse.update("sdkmessageprocessingsteps", stepId!, wanted);
    } else {
      note({ action: "unchanged", table: "sdkmessageprocessingstep", name: step.name });
    }

    const existingImages = stepId
      ? await dataverse.retrieveMultiple<Row>("sdkmessageprocessingstepimages", {
          select: ["sdkmessageprocessingstepimageid", "name", "entityalias", "imagetype", "attributes", "messagepropertyname"],
          filter: `_sdkmessageprocessingstepid_value eq ${stepId}`,
        })
      : [];
    for (const image of step.images ?? []) {
      const imageWanted: Row = {
        name: image.alias,
        entityalias: image.alias,
        imagetype: IMAGE_TYPE[image.kind],
        attributes: image.attributes.join(","),
        messagepropertyname: messagePropertyName(step),
        ...(stepId ? { "sdkmessageprocessingstepid@odata.bind": `/sdkmessageprocessingsteps(${stepId})` } : {}),
      };
      const current = existingImages.find((i) => i.name === image.alias);
      const label = `${step.name} / ${image.alias}`;
      if (!current) {
        note({ action: "create", table: "sdkmessageprocessingstepimage", name: label });
        if (!options.dryRun) await dataverse.create("sdkmessageprocessingstepimages", imageWanted);
      } else if (differs(current, imageWanted)) {
        note({ action: "update", table: "sdkmessageprocessingstepimage", name: label });
        if (!options.dryRun) await dataverse.update("sdkmessageprocessingstepimages", current.sdkmessageprocessingstepimageid as string, imageWanted);
      }
    }
    for (const stale of existingImages.filter((i) => !(step.images ?? []).some((image) => image.alias === i.name))) {
      note({ action: "delete", table: "sdkmessageprocessingstepimage", name: `${step.name} / ${String(stale.name)}` });
      if (!options.dryRun) await dataverse.delete("sdkmessageprocessingstepimages", stale.sdkmessageprocessingstepimageid as string);
    }
  }

  // 3. Steps of this endpoint that the list no longer has.
  if (endpointId) {
    const registered = await dataverse.retrieveMultiple<Row>("sdkmessageprocessingsteps", {
      select: ["sdkmessageprocessingstepid", "name"],
      filter: `_eventhandler_value eq ${endpointId}`,
    });
    const wantedNames = new Set(steps.map((s) => s.name));
    for (const stale of registered.filter((s) => !wantedNames.has(s.name as string))) {
      note({ action: "delete", table: "sdkmessageprocessingstep", name: String(stale.name) });
      if (!options.dryRun) await dataverse.delete("sdkmessageprocessingsteps", stale.sdkmessageprocessingstepid as string);
    }
  }
  return changes;
}
