import type { Barrier } from "./vocabulary";
import { SERVICE_CATEGORIES, type ServiceCategory } from "./community";
import type { Stage } from "./vocabulary";

/**
 * Finding community support: which categories of service fit a person's
 * goals and barriers, and searching the directory by words, category and
 * area. Pure rules shared by the contact form and its tests.
 */

/** Words in a goal that point to a category (lower case, matched at word starts). */
const GOAL_WORDS: Readonly<Record<ServiceCategory, readonly string[]>> = {
  physicalActivity: ["walk", "exercise", "swim", "run", "fit", "active", "dance", "yoga", "cycle", "gym", "move"],
  artsMusicCulture: ["sing", "choir", "music", "art", "paint", "draw", "craft", "knit", "write", "theatre", "museum", "photograph"],
  natureGreenSpaces: ["garden", "allotment", "nature", "park", "outdoor", "grow", "green"],
  befriendingSocialGroups: ["friend", "lonel", "people", "social", "café", "cafe", "club", "company", "meet", "chat"],
  moneyDebtBenefits: ["money", "debt", "benefit", "bill", "budget", "pension", "afford"],
  housing: ["housing", "home", "tenan", "rent", "landlord", "move house", "damp"],
  employmentLearningSkills: ["job", "work", "career", "learn", "course", "skill", "computer", "digital", "english", "study", "cv"],
  volunteering: ["volunteer", "give back", "help others", "useful"],
  mentalHealthEmotional: ["mood", "anxi", "worry", "stress", "grief", "bereave", "confiden", "calm", "sleep", "talk"],
  carersSupport: ["carer", "caring", "look after"],
  healthLongTermConditions: ["diabet", "breath", "pain", "weight", "heart", "smok", "drink", "condition", "health"],
  practicalHelp: ["shopping", "transport", "lift", "repair", "fix", "form", "letter", "errand"],
  faithCommunity: ["faith", "church", "mosque", "temple", "gurdwara", "synagogue", "pray", "worship", "community meal"],
  other: [],
};

/** Where a barrier is often eased by a community service (the link worker still judges). */
const BARRIER_CATEGORIES: Readonly<Record<Barrier, readonly ServiceCategory[]>> = {
  lowConfidence: ["befriendingSocialGroups", "volunteering"],
  coDependency: ["befriendingSocialGroups", "volunteering"],
  negativeServiceExperience: ["befriendingSocialGroups", "faithCommunity"],
  traumaOrGrief: ["mentalHealthEmotional"],
};

const normalise = (text: string) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");

/** Categories whose words appear in the goal, in category order. */
export function categoriesForGoal(goal: string): ServiceCategory[] {
  const text = ` ${normalise(goal).replace(/[^a-z0-9é ]+/g, " ")} `;
  return SERVICE_CATEGORIES.filter((category) => GOAL_WORDS[category].some((word) => text.includes(` ${normalise(word)}`)));
}

/** Categories suggested by the person's goals, then by their barriers; each once, goals first. */
export function suggestedCategories(goals: readonly string[], barriers: readonly Barrier[]): ServiceCategory[] {
  const seen = new Set<ServiceCategory>();
  for (const goal of goals) for (const category of categoriesForGoal(goal)) seen.add(category);
  for (const barrier of barriers) for (const category of BARRIER_CATEGORIES[barrier] ?? []) seen.add(category);
  return [...seen];
}

/** Sessions 2–5 are for signposting to community support: the stages "reviewing" and "building independence". */
export function suggestsServices(stage: Stage): boolean {
  return stage === "reviewing" || stage === "buildingIndependence";
}

export interface DirectoryEntry {
  readonly name: string;
  readonly category?: ServiceCategory;
  readonly area?: string | null;
  readonly description?: string | null;
  readonly provider?: string | null;
  readonly active: boolean;
}

export interface DirectorySearch {
  /** Every word must appear in the name, description, provider or area (any order, any case). */
  readonly words?: string;
  readonly category?: ServiceCategory;
  /** An area (postcode district or neighbourhood) the service's area starts with. */
  readonly area?: string;
}

/** Active services matching the search, best first: name matches before description matches, then by name. */
export function searchDirectory<T extends DirectoryEntry>(entries: readonly T[], search: DirectorySearch): T[] {
  const words = normalise(search.words ?? "").split(/\s+/).filter(Boolean);
  const area = normalise(search.area ?? "").trim();
  const matches = entries.filter((e) => {
    if (!e.active) return false;
    if (search.category && e.category !== search.category) return false;
    if (area && !normalise(e.area ?? "").startsWith(area)) return false;
    const haystack = normalise([e.name, e.description, e.provider, e.area].filter(Boolean).join(" "));
    return words.every((w) => haystack.includes(w));
  });
  const inName = (e: T) => words.length > 0 && words.every((w) => normalise(e.name).includes(w));
  return matches.sort((a, b) => Number(inName(b)) - Number(inName(a)) || a.name.localeCompare(b.name));
}
