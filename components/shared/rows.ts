/**
 * Row shapes and option values the controls read, taken from the generated
 * schema constants (light: no schema declarations end up in a bundle).
 */
import type {
  AppointmentRow,
  ClosureCheckRow,
  CommunityServiceRow,
  ConnectionRow,
  EngagementRow,
  GoalRow,
  WellbeingScoreRow,
} from "../../solution/generated/dataverse";

export type { AppointmentRow, ClosureCheckRow, CommunityServiceRow, ConnectionRow, EngagementRow, GoalRow, WellbeingScoreRow };
export {
  AttendanceValues,
  BarrierValues,
  ClosureCheckItemValues,
  ClosureReasonValues,
  ConnectionKindValues,
  ConnectionStatusValues,
  GoalStatusValues,
  ReferralRouteValues,
  ServiceCategoryValues,
  ServiceStatusValues,
  InstrumentValues,
  ReferralMethodValues,
  ReferralSourceValues,
  SessionModeValues,
  Tables,
  TimepointValues,
} from "../../solution/generated/dataverse";

/** The engagement with the collection-valued navigation properties the controls expand. */
export interface EngagementWithDetail extends EngagementRow {
  sprx_engagement_Appointments?: AppointmentRow[] | null;
  sprx_engagement_sprx_goal?: GoalRow[] | null;
  sprx_engagement_sprx_closurecheck?: ClosureCheckRow[] | null;
  sprx_engagement_sprx_wellbeingscore?: WellbeingScoreRow[] | null;
  sprx_engagement_sprx_connection?: ConnectionRow[] | null;
}

/** Domain key of an option value, or undefined for a value the choice does not have. */
export function keyOf<K extends string>(values: Readonly<Record<K, number>>, value: number | null | undefined): K | undefined {
  if (value === null || value === undefined) return undefined;
  return (Object.keys(values) as K[]).find((key) => values[key] === value);
}

/** Keys of a multi-select choice as the Web API returns it ("727000000,727000002"). */
export function keysOf<K extends string>(values: Readonly<Record<K, number>>, text: string | null | undefined): K[] {
  if (!text) return [];
  return text
    .split(",")
    .map((part) => keyOf(values, Number(part.trim())))
    .filter((key): key is K => key !== undefined);
}

/** A multi-select choice value for the Web API: comma-separated option values, or null for none. */
export function multiSelectValue<K extends string>(values: Readonly<Record<K, number>>, keys: readonly K[]): string | null {
  return keys.length ? keys.map((key) => values[key]).join(",") : null;
}
