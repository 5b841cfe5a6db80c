import type { Calendar, CommunityConfiguration, EngagementConfiguration, Problem } from "../../domain";
import type { StepContext } from "../context";
import type { DataverseClient } from "../dataverse/client";
import type { GraphMail } from "../graph/graphMail";
import type { Logger } from "../service/logger";

export interface StepServices {
  readonly dataverse: DataverseClient;
  /** Present only when Graph is configured (SPRX_GRAPH_SENDER). */
  readonly graph?: GraphMail;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly configuration: EngagementConfiguration;
  /** Follow-up days for connections (SPRX_FOLLOW_UP_DAYS); the domain's default when absent. */
  readonly community?: CommunityConfiguration;
  readonly calendar: Calendar;
  /** The IANA zone of `calendar` (SPRX_TIME_ZONE), for times of day such as suggested slots. */
  readonly timeZone: string;
}

/**
 * What a step did. Only `rejected` changes the answer to Dataverse (a sync
 * step's 400 rolls the operation back); `retry` asks Dataverse to deliver an
 * async step again (503).
 */
export type StepOutcome =
  | { readonly kind: "done"; readonly writes: number }
  | { readonly kind: "skipped"; readonly reason: string }
  | { readonly kind: "rejected"; readonly summary: string; readonly problems: readonly Problem[] }
  | { readonly kind: "retry"; readonly reason: string };

export type StepHandler = (context: StepContext, services: StepServices) => Promise<StepOutcome>;

export const done = (writes: number): StepOutcome => ({ kind: "done", writes });
export const skipped = (reason: string): StepOutcome => ({ kind: "skipped", reason });
