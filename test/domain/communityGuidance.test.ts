import fc from "fast-check";
import { SERVICE_CATEGORIES, type DirectoryEntry, categoriesForGoal, searchDirectory, suggestedCategories, suggestsServices } from "../../domain";

describe("services suggested for a person's goals and barriers", () => {
  it("reads categories from the words of a goal", () => {
    expect(categoriesForGoal("Join a walking group")).toEqual(["physicalActivity"]);
    expect(categoriesForGoal("Get back to the allotment")).toEqual(["natureGreenSpaces"]);
    expect(categoriesForGoal("Sort out the benefits letter")).toEqual(["moneyDebtBenefits", "practicalHelp"]);
    expect(categoriesForGoal("Sing in a choir again")).toEqual(["artsMusicCulture"]);
    expect(categoriesForGoal("")).toEqual([]);
  });

  it("adds the barriers' categories after the goals', each once", () => {
    expect(suggestedCategories(["Get back to the allotment"], ["traumaOrGrief", "lowConfidence"])).toEqual(["natureGreenSpaces", "mentalHealthEmotional", "befriendingSocialGroups", "volunteering"]);
    expect(suggestedCategories([], [])).toEqual([]);
  });

  it("suggests services only in sessions 2–5", () => {
    expect(["establishing", "reviewing", "buildingIndependence", "closing", "closed"].filter((s) => suggestsServices(s as never))).toEqual(["reviewing", "buildingIndependence"]);
  });

  it("property: suggestions are categories of the directory, without repeats", () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }), fc.subarray(["lowConfidence", "coDependency", "negativeServiceExperience", "traumaOrGrief"] as const), (goals, barriers) => {
      const categories = suggestedCategories(goals, barriers);
      expect(new Set(categories).size).toBe(categories.length);
      for (const c of categories) expect(SERVICE_CATEGORIES).toContain(c);
    }));
  });
});

describe("searching the directory", () => {
  const entries: DirectoryEntry[] = [
    { name: "Canal Choir", category: "artsMusicCulture", area: "RS4", description: "Friendly community choir", active: true },
    { name: "Tuesday Lunch Club", category: "befriendingSocialGroups", area: "MB1", description: "Lunch and a chat; sometimes a sing-song", active: true },
    { name: "Green Gym", category: "natureGreenSpaces", area: "RS4", description: "Conservation work", active: false },
    { name: "Riverside Health Walks", category: "physicalActivity", area: "RS4 2", description: "Walks on the river path", provider: "Riverside Walking Network", active: true },
  ];

  it("finds by words in any order and case, names first", () => {
    expect(searchDirectory(entries, { words: "SING" }).map((e) => e.name)).toEqual(["Tuesday Lunch Club"]);
    expect(searchDirectory(entries, { words: "choir" }).map((e) => e.name)).toEqual(["Canal Choir"]);
    expect(searchDirectory(entries, { words: "network walks" }).map((e) => e.name)).toEqual(["Riverside Health Walks"]);
  });

  it("filters by category and by area, and never offers a paused service", () => {
    expect(searchDirectory(entries, { area: "rs4" }).map((e) => e.name)).toEqual(["Canal Choir", "Riverside Health Walks"]);
    expect(searchDirectory(entries, { category: "natureGreenSpaces" })).toEqual([]);
    expect(searchDirectory(entries, {}).length).toBe(3);
  });

  it("property: every result is active and contains every word", () => {
    fc.assert(fc.property(fc.constantFrom("choir", "walk", "lunch", "river", "", "x"), (word) => {
      for (const e of searchDirectory(entries, { words: word })) {
        expect(e.active).toBe(true);
        expect(`${e.name} ${e.description ?? ""} ${e.provider ?? ""} ${e.area ?? ""}`.toLowerCase()).toContain(word);
      }
    }));
  });
});
