import { isGuid } from "../query/conditions";
import { normaliseDateTime, type Store } from "../storage/database";
import { faults } from "../service/faults";

/**
 * The closure business event, `sprx_OnEngagementClosed`: an unbound custom
 * API with request parameters only. Raising it records the event, which is
 * what a flow's "When an action is performed" trigger would receive.
 */

export const CLOSURE_EVENT = "sprx_OnEngagementClosed";

type ParameterType = "Guid" | "Integer" | "DateTime";

const PARAMETERS: Readonly<Record<string, ParameterType>> = {
  EngagementId: "Guid",
  ContactId: "Guid",
  ClosureReason: "Integer",
  ClosedOn: "DateTime",
  SessionsAttended: "Integer",
  ConnectionsMade: "Integer",
  ConnectionsAttended: "Integer",
};
/** Declared isoptional in the solution: events raised without them stay valid. */
const OPTIONAL: ReadonlySet<string> = new Set(["ConnectionsMade", "ConnectionsAttended"]);

export function recordClosureEvent(store: Store, body: unknown, correlationId: string): string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw faults.invalidCustomApi(`${CLOSURE_EVENT} expects a JSON object of its parameters.`);
  const input = body as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    if (!(name in PARAMETERS) && !name.startsWith("@")) throw faults.invalidCustomApi(`'${name}' is not a parameter of ${CLOSURE_EVENT}.`);
  }
  const parameters: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(PARAMETERS)) {
    const value = input[name];
    if ((value === undefined || value === null) && OPTIONAL.has(name)) continue;
    if (value === undefined || value === null) throw faults.invalidCustomApi(`The parameter '${name}' of ${CLOSURE_EVENT} is required.`);
    if (type === "Guid" && (typeof value !== "string" || !isGuid(value))) throw faults.invalidCustomApi(`The parameter '${name}' must be a Guid.`);
    if (type === "Integer" && (typeof value !== "number" || !Number.isInteger(value))) throw faults.invalidCustomApi(`The parameter '${name}' must be an Integer.`);
    if (type === "DateTime" && (typeof value !== "string" || normaliseDateTime(value) === undefined)) throw faults.invalidCustomApi(`The parameter '${name}' must be a DateTime.`);
    parameters[name] = type === "Guid" ? (value as string).toLowerCase() : type === "DateTime" ? normaliseDateTime(value as string) : value;
  }
  return store.recordBusinessEvent(CLOSURE_EVENT, parameters, correlationId);
}
