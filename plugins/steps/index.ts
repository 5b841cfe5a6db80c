import type { StepHandlerName } from "../registrations";
import { afterClosure } from "./afterClosure";
import { closureCheckChanged } from "./closureCheckChanged";
import { closureValidation } from "./closureValidation";
import { connectionFollowUp } from "./connectionFollowUp";
import { connectionRollups } from "./connectionRollups";
import { connectionValidation } from "./connectionValidation";
import { engagementCreated } from "./engagementCreated";
import { engagementStateChanged } from "./engagementStateChanged";
import { nextSessionSuggestion } from "./nextSessionSuggestion";
import { sessionBookkeeping } from "./sessionBookkeeping";
import { sessionValidation } from "./sessionValidation";
import type { StepHandler } from "./types";
import { wellbeingScored } from "./wellbeingScored";
import { wellbeingValidation } from "./wellbeingValidation";

/** Handler names in plugins/registrations.ts → the step that runs. */
export const STEPS: Readonly<Record<StepHandlerName, StepHandler>> = {
  sessionBookkeeping,
  sessionValidation,
  engagementCreated,
  closureCheckChanged,
  closureValidation,
  afterClosure,
  wellbeingScored,
  nextSessionSuggestion,
  connectionValidation,
  connectionFollowUp,
  connectionRollups,
  engagementStateChanged,
  wellbeingValidation,
};

export type { StepHandler, StepOutcome, StepServices } from "./types";
