import { communitySupportProof, type CommunitySupportProof, type ConnectionFacts } from "../../domain";
import { ConnectionStatusValues, keyOf, type ClosureCheckRow, type ConnectionRow } from "./rows";
import type { ContactEngagements } from "./store";

/** Connection rows read as the domain's facts; an unknown status counts as a suggestion, never as attended. */
export function connectionFacts(row: ConnectionRow): ConnectionFacts {
  return {
    status: keyOf(ConnectionStatusValues, row.sprx_status) ?? "suggested",
    referredOn: row.sprx_referredon ?? null,
    attendedOn: row.sprx_attendedon ?? null,
    outcomeOn: row.sprx_outcomeon ?? null,
  };
}

/** "Community support in place" from the record: an attended connection, or the ticked check's reason as a waiver. */
export function communitySupportOf(data: Pick<ContactEngagements, "connections">, check: ClosureCheckRow | undefined): CommunitySupportProof {
  const waiver = check?.sprx_done === true ? (check.sprx_note ?? null) : null;
  return communitySupportProof((data.connections ?? []).map(connectionFacts), waiver);
}
