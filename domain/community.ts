import { type CalendarDay, addDays, dayFromIso, dayToIso } from "./calendar";
import type { Problem } from "./problems";
import { isOneOf } from "./vocabulary";

/**
 * Connecting people to community support: the directory's vocabulary, the
 * lifecycle of one connection (a PRSB signpost or onward referral), when to
 * follow it up, and whether the support took. Dates here are calendar days in
 * the user's calendar (date-only columns), given as ISO `yyyy-MM-dd` text.
 */

export const SERVICE_CATEGORIES = [
  "physicalActivity",
  "artsMusicCulture",
  "natureGreenSpaces",
  "befriendingSocialGroups",
  "moneyDebtBenefits",
  "housing",
  "employmentLearningSkills",
  "volunteering",
  "mentalHealthEmotional",
  "carersSupport",
  "healthLongTermConditions",
  "practicalHelp",
  "faithCommunity",
  "other",
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

/** How a person reaches the service. */
export const REFERRAL_ROUTES = ["self", "introduction", "formalReferral"] as const;
export type ReferralRoute = (typeof REFERRAL_ROUTES)[number];

export const SERVICE_COSTS = ["free", "lowCost", "paid"] as const;
export type ServiceCost = (typeof SERVICE_COSTS)[number];

export const SERVICE_STATUSES = ["active", "paused"] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** What the link worker did: told the person about it, introduced them, or referred them formally. */
export const CONNECTION_KINDS = ["signposted", "introduced", "formalReferral"] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export const CONNECTION_STATUSES = ["suggested", "referred", "attended", "notAttended", "declined", "stopped"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * Where a connection may go next. "Referred" means the person has been put in
 * touch (told, introduced or referred); only then can they attend or not. A
 * person who did not go at first may still go later; someone who went may
 * stop. Declined and stopped are endings.
 */
export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  suggested: ["referred", "declined"],
  referred: ["attended", "notAttended", "declined"],
  notAttended: ["attended", "declined"],
  attended: ["stopped"],
  declined: [],
  stopped: [],
};

/** The statuses that end a connection: nothing more to follow up. */
export const SETTLED_CONNECTION_STATUSES: ReadonlySet<ConnectionStatus> = new Set<ConnectionStatus>(["attended", "declined", "stopped"]);

export interface ConnectionFacts {
  readonly status: ConnectionStatus;
  /** When the service was first suggested (defaults to when the record was made). */
  readonly suggestedOn?: string | null;
  readonly referredOn?: string | null;
  /** First attendance. */
  readonly attendedOn?: string | null;
  /** When it was learnt that the person did not go, declined or stopped. */
  readonly outcomeOn?: string | null;
  /** Why the person stopped or declined. */
  readonly outcomeReason?: string | null;
}

export interface CommunityConfiguration {
  /** Days after the referral at which the worker checks whether the person went. */
  readonly followUpDays: number;
}

export const DEFAULT_COMMUNITY_CONFIGURATION: CommunityConfiguration = { followUpDays: 14 };

/** Whether `to` can be reached from `from` through the lifecycle (a status reaches itself). */
export function canReach(from: ConnectionStatus, to: ConnectionStatus): boolean {
  const seen = new Set<ConnectionStatus>([from]);
  const queue: ConnectionStatus[] = [from];
  while (queue.length > 0) {
    const current = queue.shift() as ConnectionStatus;
    if (current === to) return true;
    for (const next of CONNECTION_TRANSITIONS[current]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** Statuses that can only be reached through a referral, so they need its date. */
const AFTER_REFERRAL: ReadonlySet<ConnectionStatus> = new Set<ConnectionStatus>(["referred", "attended", "notAttended", "stopped"]);

function parseDay(problems: Problem[], code: string, label: string, text: string | null | undefined): CalendarDay | undefined {
  if (text === null || text === undefined || text === "") return undefined;
  try {
    return dayFromIso(text);
  } catch {
    problems.push({ code, message: `${label} is not a calendar date` });
    return undefined;
  }
}

/**
 * Every problem with a connection as it would be stored, and with the move
 * from its previous state (undefined for a new one). A new connection may be
 * recorded at any point of the lifecycle — a worker often writes up a referral
 * made on the phone — so long as each step it implies is dated. Dates run in
 * order and none is in the future.
 */
export function connectionProblems(next: ConnectionFacts, previous: ConnectionFacts | undefined, today: CalendarDay): Problem[] {
  const problems: Problem[] = [];
  if (!isOneOf(CONNECTION_STATUSES, next.status)) {
    return [{ code: "connection.status", message: `"${String(next.status)}" is not a connection status` }];
  }
  if (previous && previous.status !== next.status && !canReach(previous.status, next.status)) {
    problems.push({ code: "connection.transition", message: `A connection cannot go from ${statusWords(previous.status)} to ${statusWords(next.status)}` });
  }
  const suggested = parseDay(problems, "connection.suggestedOn", "The suggested date", next.suggestedOn);
  const referred = parseDay(problems, "connection.referredOn", "The referral date", next.referredOn);
  const attended = parseDay(problems, "connection.attendedOn", "The first attendance date", next.attendedOn);
  const outcome = parseDay(problems, "connection.outcomeOn", "The outcome date", next.outcomeOn);

  if (AFTER_REFERRAL.has(next.status) && next.referredOn == null) {
    problems.push({ code: "connection.referredOn", message: `A connection that is ${statusWords(next.status)} needs the date the person was referred` });
  }
  if ((next.status === "attended" || next.status === "stopped") && next.attendedOn == null) {
    problems.push({ code: "connection.attendedOn", message: `A connection that is ${statusWords(next.status)} needs the date the person first went` });
  }
  if (next.status === "suggested" && next.referredOn != null) {
    // A referral date is what counts a connection as made (see linkingSuccess); a suggestion has none yet.
    problems.push({ code: "connection.referredOn", message: "A suggested connection has no referral date yet: set the status to referred" });
  }
  if (next.attendedOn != null && next.status !== "attended" && next.status !== "stopped") {
    problems.push({ code: "connection.attendedOn", message: `A first attendance date needs the status attended or stopped` });
  }
  if ((next.status === "notAttended" || next.status === "declined" || next.status === "stopped") && next.outcomeOn == null) {
    problems.push({ code: "connection.outcomeOn", message: `A connection that is ${statusWords(next.status)} needs the date that was learnt` });
  }
  if (next.status === "stopped" && !(next.outcomeReason ?? "").trim()) {
    problems.push({ code: "connection.outcomeReason", message: "Say why the person stopped going" });
  }

  const dated: ReadonlyArray<[CalendarDay | undefined, string]> = [
    [suggested, "suggested"],
    [referred, "referred"],
    [attended, "first attended"],
    [outcome, "outcome"],
  ];
  for (const [day, words] of dated) {
    if (day !== undefined && day > today) problems.push({ code: "connection.future", message: `The ${words} date cannot be in the future` });
  }
  inOrder(problems, suggested, referred, "The referral date cannot be before the service was suggested");
  inOrder(problems, referred, attended, "The first attendance cannot be before the referral");
  inOrder(problems, referred, outcome, "The outcome cannot be dated before the referral");
  inOrder(problems, attended, outcome, next.status === "stopped" ? "The person cannot stop before they first went" : "The outcome cannot be dated before the first attendance");
  return problems;
}

function inOrder(problems: Problem[], earlier: CalendarDay | undefined, later: CalendarDay | undefined, message: string): void {
  if (earlier !== undefined && later !== undefined && later < earlier) problems.push({ code: "connection.order", message });
}

function statusWords(status: ConnectionStatus): string {
  return { suggested: "suggested", referred: "referred", attended: "attended", notAttended: "not attended", declined: "declined", stopped: "stopped" }[status];
}

/**
 * When to ask whether the person went: a set number of days after the
 * referral, while the connection is still open. Null when there is no
 * referral yet or nothing is left to learn.
 */
export function followUpOn(connection: Pick<ConnectionFacts, "status" | "referredOn" | "outcomeOn">, config: CommunityConfiguration = DEFAULT_COMMUNITY_CONFIGURATION): string | null {
  if (SETTLED_CONNECTION_STATUSES.has(connection.status) || !connection.referredOn) return null;
  if (connection.status !== "referred" && connection.status !== "notAttended") return null;
  // Someone who has not gone yet may still go: ask again the same interval after learning it.
  const from = connection.status === "notAttended" && connection.outcomeOn ? connection.outcomeOn : connection.referredOn;
  return dayToIso(addDays(dayFromIso(from), config.followUpDays));
}

/** Connections whose follow-up has come, for the prompt at the next session. */
export function followUpsDue<T extends Pick<ConnectionFacts, "status" | "referredOn" | "outcomeOn">>(
  connections: readonly T[],
  today: CalendarDay,
  config: CommunityConfiguration = DEFAULT_COMMUNITY_CONFIGURATION,
): T[] {
  return connections.filter((connection) => {
    const due = followUpOn(connection, config);
    return due !== null && dayFromIso(due) <= today;
  });
}

export interface LinkingSuccess {
  /** Connections where the person was put in touch (referred or beyond). */
  readonly made: number;
  /** Of those, how many the person reached at least once. */
  readonly attended: number;
  /** attended / made, or null when nothing was made. */
  readonly rate: number | null;
}

/**
 * A connection counts as made once the person was put in touch (a referral
 * date, whatever happened next), and as attended once they went, even if
 * they later stopped: the link took.
 */
export function linkingSuccess(connections: readonly Pick<ConnectionFacts, "status" | "referredOn">[]): LinkingSuccess {
  const made = connections.filter((c) => AFTER_REFERRAL.has(c.status) || (c.status === "declined" && Boolean(c.referredOn))).length;
  const attended = connections.filter((c) => c.status === "attended" || c.status === "stopped").length;
  return { made, attended, rate: made === 0 ? null : attended / made };
}

/** Linking success per key (service category, service, worker…), keys in first-seen order. */
export function linkingSuccessBy<T extends Pick<ConnectionFacts, "status" | "referredOn">, K>(connections: readonly T[], keyOf: (connection: T) => K): Map<K, LinkingSuccess> {
  const groups = new Map<K, T[]>();
  for (const connection of connections) {
    const key = keyOf(connection);
    const group = groups.get(key);
    if (group) group.push(connection);
    else groups.set(key, [connection]);
  }
  return new Map([...groups].map(([key, group]) => [key, linkingSuccess(group)]));
}

export interface CommunitySupportProof {
  readonly proved: boolean;
  /** Why it counts: an attended connection, or a waiver with its reason. */
  readonly basis: "attended" | "waived" | "none";
}

/**
 * The closure check "community support in place" is proved from the record:
 * at least one connection the person actually reached — or waived with a
 * reason, as when the person is redirected to more suitable support.
 */
/** Why "community support in place" is not yet proved, for the worker; undefined when it is. */
export function communitySupportProblem(proof: CommunitySupportProof): string | undefined {
  return proof.proved
    ? undefined
    : "no connection the person went to is recorded: record one as attended, or tick the check with the reason it is waived";
}

export function communitySupportProof(connections: readonly Pick<ConnectionFacts, "status" | "referredOn">[], waiverReason?: string | null): CommunitySupportProof {
  if (linkingSuccess(connections).attended > 0) return { proved: true, basis: "attended" };
  if ((waiverReason ?? "").trim().length > 0) return { proved: true, basis: "waived" };
  return { proved: false, basis: "none" };
}
