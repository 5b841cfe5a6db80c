import { randomUUID } from "node:crypto";
import { ContextFormatError, parseRemoteExecutionContext, type StepContext, UnsupportedMessage } from "../context";
import { DataverseError } from "../dataverse/client";
import { GraphUnavailable } from "../graph/graphMail";
import { type StepHandlerName, stepsFor } from "../registrations";
import { STEPS, type StepHandler, type StepOutcome, type StepServices } from "../steps";
import { isAuthorised, type WebhookAuth } from "./auth";
import type { Logger } from "./logger";

export const WEBHOOK_PATH = "/api/dataverse-webhook";
/** Dataverse itself never posts more than 256 KB; anything far beyond that is not Dataverse. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Dataverse stops a chain of plug-ins at depth 8; the service stands down before it would. */
const MAX_DEPTH = 8;

export interface WebhookRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Lower-case names, as Node and Azure Functions give them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string;
}

export interface WebhookResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: "application/json" | "text/plain; charset=utf-8";
}

export interface WebhookServiceOptions {
  readonly auth: WebhookAuth;
  readonly logger: Logger;
  /** Services for one delivery, tagged with its correlation id. */
  readonly stepServices: (correlationId: string) => StepServices;
  readonly maxBodyBytes?: number;
  /** Replaces handlers by name (tests, benchmarks). */
  readonly handlers?: Partial<Record<StepHandlerName, StepHandler>>;
}

const json = (status: number, body: unknown): WebhookResponse => ({ status, body: JSON.stringify(body), contentType: "application/json" });
const text = (status: number, body: string): WebhookResponse => ({ status, body, contentType: "text/plain; charset=utf-8" });

/**
 * The whole service, framework-neutral: a request in, a status out.
 * Dataverse reads only the status: 2xx is success; a sync step's 4xx fails
 * the operation (its text shown to the user); 502/503/504 make Dataverse
 * deliver an async step again.
 */
export async function handleWebhookRequest(request: WebhookRequest, options: WebhookServiceOptions): Promise<WebhookResponse> {
  const { logger } = options;
  if (request.path.replace(/\/+$/, "") !== WEBHOOK_PATH) return text(404, "Not found");
  if (request.method !== "POST") return text(405, "Only POST is accepted");
  if (!isAuthorised(options.auth, request.query, request.headers)) {
    logger.warn("webhook.unauthorised", { status: 401 });
    return text(401, "Unauthorized");
  }
  if (Buffer.byteLength(request.body, "utf8") > (options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) return text(413, "The body is too large");

  let context: StepContext;
  try {
    const body: unknown = JSON.parse(request.body.replace(/^\uFEFF/, ""));
    context = parseRemoteExecutionContext(body, request.headers as Record<string, string | string[] | undefined>);
  } catch (error) {
    if (error instanceof UnsupportedMessage) return json(200, { outcome: "no step for this message" });
    const reason = error instanceof ContextFormatError ? error.message : "The body is not valid JSON";
    logger.warn("webhook.badRequest", { status: 400 });
    return text(400, `Not a RemoteExecutionContext: ${reason}`);
  }

  const base = { correlationId: context.correlationId, table: context.table, recordId: context.primaryId };
  const steps = stepsFor(context);
  if (steps.length === 0) {
    logger.info("webhook.noStep", { ...base, status: 200 });
    return json(200, { outcome: "no matching step" });
  }
  if (context.depth > MAX_DEPTH) {
    logger.warn("webhook.depthLimit", { ...base, count: context.depth });
    return json(200, { outcome: "depth limit" });
  }

  const services = options.stepServices(context.correlationId);
  const outcomes: { step: string; outcome: StepOutcome["kind"] }[] = [];
  for (const step of steps) {
    const handler = options.handlers?.[step.handler] ?? STEPS[step.handler];
    let outcome: StepOutcome;
    try {
      outcome = await handler(context, services);
    } catch (error) {
      return failure(error, step.handler, context, logger);
    }
    logger.info("step.finished", { ...base, step: step.handler, code: outcome.kind });
    if (outcome.kind === "rejected" && context.mode === "sync") {
      const message = `${outcome.summary}: ${outcome.problems.map((p) => p.message).join("; ")}.`;
      logger.info("step.rejected", { ...base, step: step.handler, status: 400, codes: outcome.problems.map((p) => p.code) });
      return text(400, message);
    }
    if (outcome.kind === "retry") {
      logger.warn("step.retryLater", { ...base, step: step.handler, status: 503 });
      return text(503, "Try again later");
    }
    outcomes.push({ step: step.handler, outcome: outcome.kind });
  }
  return json(200, { outcome: "done", steps: outcomes });
}

function failure(error: unknown, step: string, context: StepContext, logger: Logger): WebhookResponse {
  const base = { correlationId: context.correlationId, table: context.table, recordId: context.primaryId, step };
  if ((error instanceof DataverseError && error.transient) || error instanceof GraphUnavailable) {
    logger.warn("step.transientFailure", { ...base, status: 503, code: error instanceof DataverseError ? error.code : undefined });
    return text(503, "A service this step depends on is unavailable; try again later");
  }
  if (error instanceof DataverseError && error.notFound && context.mode === "async") {
    // The row went away between the operation and this delivery: nothing left to do.
    logger.info("step.rowGone", { ...base, status: 404, code: error.code });
    return json(200, { outcome: "row no longer exists" });
  }
  const incident = randomUUID();
  logger.error("step.failed", { ...base, status: 500, incident, code: error instanceof DataverseError ? (error.code ?? String(error.status)) : errorName(error) });
  return text(500, `The step failed. Reference ${incident} (correlation ${context.correlationId}).`);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown";
}
