import {
  type CalendarDay, type ConnectionFacts, type ConnectionKind, type ServiceCategory, type ServiceCost, type ReferralRoute,
  addDays, connectionProblems, dayToIso, followUpOn, linkingSuccess,
} from "../../domain";
import {
  ConnectionKindValues, ConnectionStatusValues, ReferralRouteValues, ServiceCategoryValues, ServiceCostValues, ServiceStatusValues,
} from "../../solution/generated/dataverse";
import type { EntityReference, Row } from "../storage/database";

/**
 * Demo community directory (issue 15): invented organisations and the
 * services they run, in every category, and connections in every state
 * across the demo engagements. Each connection is checked against the
 * domain's lifecycle as it is written, and the rollups are the domain's
 * linking-success figures, as the webhook service would leave them.
 */

export const ORGANISATIONS = [
  "Millbrook Community Trust", "Riverside Walking Network", "Harbourside Arts Collective", "Greenway Conservation Volunteers",
  "Eastfield Money Advice Centre", "Northgate Homes", "Kestrel Lane Learning Hub", "Ashgrove Volunteer Centre",
  "Lighthouse Wellbeing", "Carers Together Millbrook", "Meadowbank Health Partnership", "Good Neighbours of Eastfield",
  "Millbrook Interfaith Forum", "Millbrook Libraries",
] as const;

interface ServiceSpec {
  readonly name: string;
  readonly organisation: number;
  readonly category: ServiceCategory;
  readonly area: string;
  readonly cost: ServiceCost;
  readonly route: ReferralRoute;
  readonly description: string;
  readonly paused?: boolean;
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: "Riverside Health Walks", organisation: 1, category: "physicalActivity", area: "RS4", cost: "free", route: "self", description: "Gentle hour-long walks on the flat river path, led by trained volunteers; tea afterwards." },
  { name: "Chair-based Exercise", organisation: 0, category: "physicalActivity", area: "MB1", cost: "lowCost", route: "self", description: "Seated strength and balance class for people who find standing exercise hard." },
  { name: "Couch to 5K Beginners", organisation: 1, category: "physicalActivity", area: "MB2", cost: "free", route: "self", description: "Nine-week running group for complete beginners, at a walking pace to start." },
  { name: "Canal Choir", organisation: 2, category: "artsMusicCulture", area: "RS4", cost: "lowCost", route: "self", description: "Friendly community choir, no auditions and no reading music needed." },
  { name: "Creative Café Art Group", organisation: 2, category: "artsMusicCulture", area: "MB1", cost: "free", route: "introduction", description: "Drawing, painting and crafts with a tutor; materials provided." },
  { name: "Greenway Community Allotment", organisation: 3, category: "natureGreenSpaces", area: "EF3", cost: "free", route: "introduction", description: "Shared plots and a polytunnel; grow food with others, no experience needed." },
  { name: "Green Gym Conservation Days", organisation: 3, category: "natureGreenSpaces", area: "RS4", cost: "free", route: "self", description: "Outdoor practical conservation work in local green spaces.", paused: true },
  { name: "Tuesday Lunch Club", organisation: 0, category: "befriendingSocialGroups", area: "MB1", cost: "lowCost", route: "self", description: "Two-course lunch and a chat every Tuesday in the community hall." },
  { name: "Telephone Befriending", organisation: 11, category: "befriendingSocialGroups", area: "MB1", cost: "free", route: "formalReferral", description: "A weekly call from the same volunteer for people who cannot easily get out." },
  { name: "Men's Shed Millbrook", organisation: 0, category: "befriendingSocialGroups", area: "MB2", cost: "free", route: "self", description: "Workshop space to make, mend and talk, shoulder to shoulder." },
  { name: "Benefits and Debt Advice Drop-in", organisation: 4, category: "moneyDebtBenefits", area: "EF3", cost: "free", route: "self", description: "Free, confidential advice on benefits, debts and budgeting, no appointment needed." },
  { name: "Energy Bills Help", organisation: 4, category: "moneyDebtBenefits", area: "MB1", cost: "free", route: "introduction", description: "Help with energy debt, grants and switching tariffs." },
  { name: "Tenancy Support Service", organisation: 5, category: "housing", area: "EF3", cost: "free", route: "formalReferral", description: "Support to keep a tenancy: rent arrears, repairs disputes, settling in." },
  { name: "Housing Options Advice", organisation: 5, category: "housing", area: "MB1", cost: "free", route: "self", description: "Advice on finding somewhere to live and on housing rights." },
  { name: "Digital Skills Drop-in", organisation: 6, category: "employmentLearningSkills", area: "MB1", cost: "free", route: "self", description: "One-to-one help with phones, tablets, email and online forms." },
  { name: "Back to Work Coaching", organisation: 6, category: "employmentLearningSkills", area: "EF3", cost: "free", route: "formalReferral", description: "A coach for twelve weeks: CVs, confidence, interviews and in-work support." },
  { name: "Volunteer Matching", organisation: 7, category: "volunteering", area: "MB1", cost: "free", route: "introduction", description: "A chat about interests and time, then a volunteering role to try." },
  { name: "Community Fridge Volunteers", organisation: 7, category: "volunteering", area: "RS4", cost: "free", route: "self", description: "Collect, sort and share surplus food with neighbours." },
  { name: "Talking Space Peer Support", organisation: 8, category: "mentalHealthEmotional", area: "MB2", cost: "free", route: "self", description: "Weekly peer support group for low mood and anxiety, run by people with lived experience." },
  { name: "Bereavement Support Group", organisation: 8, category: "mentalHealthEmotional", area: "RS4", cost: "free", route: "introduction", description: "A monthly group with a trained facilitator for people grieving a loss." },
  { name: "Carers' Café", organisation: 9, category: "carersSupport", area: "MB1", cost: "free", route: "self", description: "Time out for unpaid carers, with advice on carers' assessments and breaks." },
  { name: "Breathe Easy Group", organisation: 10, category: "healthLongTermConditions", area: "EF3", cost: "free", route: "self", description: "Support and gentle exercise for people living with a lung condition." },
  { name: "Diabetes Education Course", organisation: 10, category: "healthLongTermConditions", area: "MB1", cost: "free", route: "formalReferral", description: "Six-week group course on living well with type 2 diabetes." },
  { name: "Good Neighbours Practical Help", organisation: 11, category: "practicalHelp", area: "EF3", cost: "free", route: "introduction", description: "Volunteers for shopping, small jobs and lifts to appointments." },
  { name: "Community Transport Dial-a-Ride", organisation: 11, category: "practicalHelp", area: "MB2", cost: "lowCost", route: "formalReferral", description: "Door-to-door accessible minibus for people who cannot use buses." },
  { name: "Interfaith Community Meal", organisation: 12, category: "faithCommunity", area: "MB1", cost: "free", route: "self", description: "A shared meal open to everyone, of any faith or none, every Friday." },
  { name: "Library Reading Friends", organisation: 13, category: "other", area: "RS4", cost: "free", route: "self", description: "Reading and chatting in small groups at the library, with large-print books." },
  { name: "Repair Café", organisation: 13, category: "practicalHelp", area: "MB2", cost: "free", route: "self", description: "Bring something broken and fix it with a volunteer repairer." },
];

/** Which services suit a goal, by the words of the demo goals. */
const FOR_GOAL: Readonly<Record<string, ServiceCategory>> = {
  "Join a walking group": "physicalActivity",
  "Get back to the allotment": "natureGreenSpaces",
  "Visit the community café weekly": "befriendingSocialGroups",
  "Sort out the benefits letter": "moneyDebtBenefits",
};

export interface DemoEngagement {
  readonly engagementId: string;
  readonly owner: string;
  readonly index: number;
  readonly goalId?: string;
  readonly goalName?: string;
  /** Day offset of the first attended session, if any. */
  readonly firstAttended?: number;
  readonly needsAttended: boolean;
}

type Insert = (table: string, row: Row, owner: string) => void;
type Update = (table: string, id: string, changes: Row) => void;

/** The states each engagement's connections go through, in turn; the first always includes an attended one for a "goals met" closure. */
const PATTERNS: readonly (readonly ConnectionFacts["status"][])[] = [
  ["referred"], ["attended", "suggested"], ["notAttended", "referred"], ["declined", "attended"], ["suggested"], ["attended", "stopped"],
];
const KIND_BY_ROUTE: Record<ReferralRoute, ConnectionKind> = { self: "signposted", introduction: "introduced", formalReferral: "formalReferral" };

function demoId(kind: number, index: number): string {
  return `de0a${kind.toString(16).padStart(4, "0")}-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}
const ref = (logicalName: string, id: string): EntityReference => ({ logicalName, id });

/** Dates for one connection in a status, from the first session on, never after today. */
function datedConnection(status: ConnectionFacts["status"], start: number, today: CalendarDay): ConnectionFacts {
  const day = (offset: number) => dayToIso(addDays(today, Math.min(offset, 0)));
  const referred = start + 2;
  const attended = referred + 7;
  switch (status) {
    case "suggested": return { status, suggestedOn: day(start) };
    case "referred": return { status, suggestedOn: day(start), referredOn: day(referred) };
    case "attended": return { status, suggestedOn: day(start), referredOn: day(referred), attendedOn: day(attended) };
    case "notAttended": return { status, suggestedOn: day(start), referredOn: day(referred), outcomeOn: day(referred + 14) };
    case "declined": return { status, suggestedOn: day(start), referredOn: day(referred), outcomeOn: day(referred + 5), outcomeReason: "Times did not suit" };
    case "stopped": return { status, suggestedOn: day(start), referredOn: day(referred), attendedOn: day(attended), outcomeOn: day(attended + 21), outcomeReason: "Found the group too large" };
  }
}

/** `directoryOwner`: the user who keeps the directory (organisation data, edited by the administrator role). */
export function seedCommunityDirectory(insert: Insert, update: Update, engagements: readonly DemoEngagement[], today: CalendarDay, directoryOwner: string): void {
  ORGANISATIONS.forEach((name, i) => insert("account", { accountid: demoId(7, i + 1), name, address1_city: "Millbrook", telephone1: `01632 ${String(961000 + i * 11)}` }, directoryOwner));
  const serviceIds = SERVICES.map((_, i) => demoId(8, i + 1));
  SERVICES.forEach((s, i) => {
    insert("sprx_communityservice", {
      sprx_communityserviceid: serviceIds[i], sprx_name: s.name, sprx_providerid: ref("account", demoId(7, s.organisation + 1)),
      sprx_category: ServiceCategoryValues[s.category], sprx_description: s.description, sprx_area: s.area, sprx_address: `Community venue, ${s.area}`,
      sprx_referralroute: ReferralRouteValues[s.route], sprx_cost: ServiceCostValues[s.cost], sprx_phone: `01632 ${String(962000 + i * 7)}`,
      sprx_email: `hello@service-${i + 1}.invalid`, sprx_accessnotes: i % 3 === 0 ? "Step-free access; hearing loop" : null,
      sprx_status: s.paused ? ServiceStatusValues.paused : ServiceStatusValues.active, sprx_reviewon: dayToIso(addDays(today, s.paused ? 30 : 180)),
    }, directoryOwner);
  });

  const byService = new Map<number, ConnectionFacts[]>();
  let n = 0;
  for (const e of engagements) {
    if (e.firstAttended === undefined) continue;
    const pattern = e.needsAttended ? (["attended", "stopped", "declined"] as const) : PATTERNS[e.index % PATTERNS.length];
    const connections: ConnectionFacts[] = [];
    pattern.forEach((status, k) => {
      const category = k === 0 && e.goalName ? FOR_GOAL[e.goalName] : undefined;
      const candidates = SERVICES.map((s, i) => [s, i] as const).filter(([s]) => !s.paused && (category ? s.category === category : true));
      const [service, serviceIndex] = candidates[(e.index * 7 + k * 5) % candidates.length];
      const facts = datedConnection(status, e.firstAttended! + k * 3, today);
      const problems = connectionProblems(facts, undefined, today);
      if (problems.length > 0) throw new Error(`Demo connection breaks the lifecycle: ${problems.map((p) => p.message).join("; ")}`);
      connections.push(facts);
      byService.set(serviceIndex, [...(byService.get(serviceIndex) ?? []), facts]);
      n += 1;
      insert("sprx_connection", {
        sprx_connectionid: demoId(9, n), sprx_name: service.name, sprx_engagementid: ref("sprx_engagement", e.engagementId),
        sprx_serviceid: ref("sprx_communityservice", serviceIds[serviceIndex]), sprx_goalid: k === 0 && e.goalId ? ref("sprx_goal", e.goalId) : null,
        sprx_kind: ConnectionKindValues[KIND_BY_ROUTE[service.route]], sprx_status: ConnectionStatusValues[facts.status],
        sprx_suggestedon: facts.suggestedOn ?? null, sprx_referredon: facts.referredOn ?? null, sprx_attendedon: facts.attendedOn ?? null,
        sprx_outcomeon: facts.outcomeOn ?? null, sprx_outcomereason: facts.outcomeReason ?? null, sprx_followupon: followUpOn(facts),
      }, e.owner);
    });
    const success = linkingSuccess(connections);
    update("sprx_engagement", e.engagementId, { sprx_connectionsmade: success.made, sprx_connectionsattended: success.attended });
  }
  serviceIds.forEach((id, i) => {
    const success = linkingSuccess(byService.get(i) ?? []);
    update("sprx_communityservice", id, {
      sprx_connectionsmade: success.made, sprx_connectionsattended: success.attended, sprx_uptake: success.rate === null ? null : Math.round(success.rate * 100),
    });
  });
}
