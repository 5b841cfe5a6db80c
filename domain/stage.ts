import type { Stage } from "./vocabulary";

/**
 * The stage is the focus of the *next* session, so guidance prepares the
 * worker for the conversation ahead. With the default six sessions:
 * 0 attended → establishing, 1–2 → reviewing, 3–4 → building independence,
 * 5 or more → closing.
 *
 * For any other planned count N the same shape holds: session 1 establishes,
 * the last planned session (and anything beyond it) closes, and the sessions
 * in between are split in two, the earlier half (rounded up) reviewing and the
 * later half building independence. With N = 1 the only session establishes
 * and, once attended, the engagement is closing. The stage therefore never
 * goes backwards as sessions are attended.
 */
export function stageFor(sessionsAttended: number, plannedSessions: number, closed: boolean): Stage {
  if (closed) return "closed";
  const next = sessionsAttended + 1;
  if (next === 1) return "establishing";
  if (next >= plannedSessions) return "closing";
  const middle = plannedSessions - 2;
  const reviewing = Math.ceil(middle / 2);
  return next - 1 <= reviewing ? "reviewing" : "buildingIndependence";
}

/** How many attended sessions start a stage, for the tracker's stage labels. */
export function attendedWhenStageBegins(stage: Stage, plannedSessions: number): number | undefined {
  for (let attended = 0; attended <= plannedSessions; attended++) {
    if (stageFor(attended, plannedSessions, false) === stage) return attended;
  }
  return undefined;
}

const ORDER: readonly Stage[] = ["establishing", "reviewing", "buildingIndependence", "closing", "closed"];
export function stageRank(stage: Stage): number {
  return ORDER.indexOf(stage);
}
