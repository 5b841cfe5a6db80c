import type { MessageName, PipelineStage, StepMode } from "../registrations";
import {
  type AttributeValue,
  ContextFormatError,
  type EntityReferenceValue,
  type EntityValue,
  isEntity,
  keyValueCollection,
  parseEntity,
  parseEntityReference,
  parseGuid,
  parseWcfDate,
} from "./values";

/**
 * Everything a step needs from one RemoteExecutionContext, parsed once.
 * Attribute values are plain JS values: OptionSetValue → number,
 * EntityReference → {id, logicalName}, dates → Date, Money → number,
 * multi-select → number[].
 */
export interface StepContext {
  readonly message: MessageName;
  readonly table: string;
  readonly primaryId: string;
  readonly stage: PipelineStage;
  readonly mode: StepMode;
  readonly depth: number;
  readonly userId?: string;
  readonly initiatingUserId?: string;
  readonly correlationId: string;
  readonly organizationId?: string;
  /** When the platform started the operation; the same on every retry of it. */
  readonly operationCreatedOn?: Date;
  /** The columns sent with the operation (Create/Update), empty for Delete. */
  readonly target: Readonly<Record<string, AttributeValue>>;
  readonly preImage?: Readonly<Record<string, AttributeValue>>;
  readonly postImage?: Readonly<Record<string, AttributeValue>>;
  readonly owningStepName?: string;
  /** Dataverse left out InputParameters and images (payload over 256 KB): re-read the record. */
  readonly sizeExceeded: boolean;
  readonly parentMessage?: string;
}

export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

const MESSAGES: readonly MessageName[] = ["Create", "Update", "Delete"];
const STAGES: readonly PipelineStage[] = [10, 20, 40];

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function imageAttributes(raw: unknown, where: string, alias?: string): Readonly<Record<string, AttributeValue>> | undefined {
  const images = keyValueCollection(raw, where);
  const chosen = alias && alias in images ? images[alias] : Object.values(images)[0];
  return chosen === undefined || chosen === null ? undefined : parseEntity(chosen, where).attributes;
}

/**
 * Parses the JSON body Dataverse posts to a WebHook into a StepContext.
 * Throws ContextFormatError (the service answers 400) for anything else.
 */
export function parseRemoteExecutionContext(body: unknown, headers: WebhookHeaders = {}): StepContext {
  if (!isRecord(body)) throw new ContextFormatError("The body is not a RemoteExecutionContext object");
  const message = body.MessageName;
  if (typeof message !== "string" || !(MESSAGES as readonly string[]).includes(message)) {
    // Other messages are valid contexts this service has no step for.
    if (typeof message === "string") throw new UnsupportedMessage(message);
    throw new ContextFormatError("MessageName is missing");
  }
  if (typeof body.PrimaryEntityName !== "string" || body.PrimaryEntityName.length === 0) {
    throw new ContextFormatError("PrimaryEntityName is missing");
  }
  const stage = body.Stage;
  if (typeof stage !== "number" || !(STAGES as readonly number[]).includes(stage)) throw new ContextFormatError("Stage must be 10, 20 or 40");
  if (body.Mode !== 0 && body.Mode !== 1) throw new ContextFormatError("Mode must be 0 (synchronous) or 1 (asynchronous)");
  const depth = typeof body.Depth === "number" && Number.isInteger(body.Depth) && body.Depth >= 1 ? body.Depth : undefined;
  if (depth === undefined) throw new ContextFormatError("Depth must be a whole number from 1");

  const sizeExceeded = /^true$/i.test(header(headers, "x-ms-dynamics-msg-size-exceeded") ?? "");
  const input = keyValueCollection(body.InputParameters, "InputParameters");
  const rawTarget = input.Target;
  let target: Record<string, AttributeValue> = {};
  let targetId: string | undefined;
  if (isRecord(rawTarget)) {
    const typeName = typeof rawTarget.__type === "string" ? rawTarget.__type.split(":")[0] : "Entity";
    if (typeName === "EntityReference") {
      targetId = parseEntityReference(rawTarget, "Target").id;
    } else {
      const entity: EntityValue = parseEntity(rawTarget, "Target");
      target = { ...entity.attributes };
      targetId = entity.id;
    }
  } else if (!sizeExceeded && message !== "Delete") {
    throw new ContextFormatError("InputParameters has no Target");
  }

  const primaryId = parseGuid(body.PrimaryEntityId ?? targetId, "PrimaryEntityId");
  const owning = isRecord(body.OwningExtension) ? body.OwningExtension : undefined;
  const parent = isRecord(body.ParentContext) ? body.ParentContext : undefined;
  const correlation = typeof body.CorrelationId === "string" ? body.CorrelationId : header(headers, "x-ms-correlation-request-id");

  return {
    message: message as MessageName,
    table: body.PrimaryEntityName,
    primaryId,
    stage: stage as PipelineStage,
    mode: body.Mode === 0 ? "sync" : "async",
    depth,
    userId: optionalGuid(body.UserId),
    initiatingUserId: optionalGuid(body.InitiatingUserId),
    correlationId: correlation && /^[0-9a-f-]{36}$/i.test(correlation) ? correlation.toLowerCase() : "unknown",
    organizationId: optionalGuid(body.OrganizationId),
    operationCreatedOn: typeof body.OperationCreatedOn === "string" ? parseWcfDate(body.OperationCreatedOn) : undefined,
    target,
    preImage: imageAttributes(body.PreEntityImages, "PreEntityImages", "PreImage"),
    postImage: imageAttributes(body.PostEntityImages, "PostEntityImages", "PostImage"),
    owningStepName: owning && typeof owning.Name === "string" && owning.Name.length > 0 ? owning.Name : undefined,
    sizeExceeded,
    parentMessage: parent && typeof parent.MessageName === "string" ? parent.MessageName : undefined,
  };
}

function optionalGuid(raw: unknown): string | undefined {
  return typeof raw === "string" && /^[0-9a-f-]{36}$/i.test(raw) ? raw.toLowerCase() : undefined;
}

/** A well-formed context for a message no step handles (Assign, SetState…): a no-op, not an error. */
export class UnsupportedMessage extends Error {
  constructor(readonly messageName: string) {
    super("No step handles this message");
    this.name = "UnsupportedMessage";
  }
}

/** The value of a column after the operation: the Target wins, then the post-image, then the pre-image. */
export function currentValue(context: StepContext, column: string): AttributeValue | undefined {
  if (column in context.target) return context.target[column];
  if (context.postImage && column in context.postImage) return context.postImage[column];
  return context.preImage?.[column];
}

export function referenceOf(value: AttributeValue | undefined): EntityReferenceValue | undefined {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value) && "id" in value && !isEntity(value)
    ? (value)
    : undefined;
}

export function numberOf(value: AttributeValue | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}

export function stringOf(value: AttributeValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function dateOf(value: AttributeValue | undefined): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === "string") {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
}

export { ContextFormatError };
