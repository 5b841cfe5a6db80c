import "./support/browser";
import { axeViolations } from "./support/axe";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CommunitySupport } from "../../components/CommunitySupport";
import {
  BarrierValues, ConnectionKindValues, ConnectionStatusValues, GoalStatusValues, ReferralRouteValues, ServiceCategoryValues, ServiceStatusValues,
} from "../../solution/generated/dataverse";
import { daysFromNow, isoDay, mount, personWithEngagement } from "./support/scenario";

/** Community support on the contact form (issue 15): the plan with its connections, follow-ups, suggestions and the directory search. */

const FORMATTED = "@OData.Community.Display.V1.FormattedValue";

function jo() {
  const scenario = personWithEngagement([{ days: -28, attendance: "attended" }], {
    [`_sprx_contactid_value${FORMATTED}`]: "Jo Example", sprx_barriers: String(BarrierValues.lowConfidence),
  });
  const { webAPI, engagementId } = scenario;
  const goalId = webAPI.seed("sprx_goal", { sprx_name: "Join a walking group", _sprx_engagementid_value: engagementId, sprx_status: GoalStatusValues.inProgress, sprx_importance: 8, sprx_confidence: 4 });
  const service = (name: string, category: number, area: string, extra: Record<string, unknown> = {}) =>
    webAPI.seed("sprx_communityservice", { sprx_name: name, sprx_category: category, sprx_area: area, sprx_status: ServiceStatusValues.active, sprx_referralroute: ReferralRouteValues.self, statecode: 0, ...extra });
  const choir = service("Canal Choir", ServiceCategoryValues.artsMusicCulture, "RS4", { sprx_description: "Friendly community choir" });
  const walks = service("Riverside Health Walks", ServiceCategoryValues.physicalActivity, "RS4", { sprx_referralroute: ReferralRouteValues.introduction });
  service("Green Gym", ServiceCategoryValues.natureGreenSpaces, "RS4", { sprx_status: ServiceStatusValues.paused });
  const connection = webAPI.seed("sprx_connection", {
    sprx_name: "Canal Choir", _sprx_engagementid_value: engagementId, _sprx_serviceid_value: choir, [`_sprx_serviceid_value${FORMATTED}`]: "Canal Choir",
    sprx_status: ConnectionStatusValues.referred, sprx_referredon: isoDay(daysFromNow(-20)), sprx_kind: ConnectionKindValues.signposted,
  });
  return { ...scenario, goalId, choir, walks, connection };
}

describe("Community support on the contact form", () => {
  it("prompts the due follow-up by name and records that Jo went", async () => {
    const { webAPI, contactId, connection } = jo();
    const user = userEvent.setup();
    mount(CommunitySupport, { control: "CommunitySupport", webAPI, contactId });
    const prompt = await screen.findByRole("group", { name: "Did Jo get to Canal Choir?" });
    await user.click(within(prompt).getByRole("button", { name: "Canal Choir: went" }));
    await screen.findByText("Follow-up recorded.");
    expect(webAPI.row("sprx_connection", connection)).toMatchObject({ sprx_status: ConnectionStatusValues.attended, sprx_attendedon: isoDay(new Date()) });
    expect(screen.queryByRole("group", { name: "Did Jo get to Canal Choir?" })).toBeNull();
  });

  it("shows each goal with its connections, and loads in two requests", async () => {
    const { webAPI, contactId, engagementId, walks, goalId } = jo();
    webAPI.seed("sprx_connection", {
      _sprx_engagementid_value: engagementId, _sprx_serviceid_value: walks, [`_sprx_serviceid_value${FORMATTED}`]: "Riverside Health Walks", _sprx_goalid_value: goalId,
      sprx_status: ConnectionStatusValues.attended, sprx_referredon: isoDay(daysFromNow(-10)), sprx_attendedon: isoDay(daysFromNow(-3)),
    });
    mount(CommunitySupport, { control: "CommunitySupport", webAPI, contactId });
    const plan = await screen.findByRole("region", { name: "Support for each goal" });
    const goal = within(plan).getByText("Join a walking group").closest("li")!;
    expect(within(goal as HTMLElement).getByText("Riverside Health Walks: attended")).toBeTruthy();
    expect(within(plan).getByText("Other support")).toBeTruthy();
    expect(within(plan).getByText("Canal Choir: referred")).toBeTruthy();
    expect(screen.getByText("2 connections made, 1 attended")).toBeTruthy();
    expect(webAPI.calls).toHaveLength(2);
  });

  it("in sessions 2–5 suggests the categories of the goals and barriers, opening the search on one", async () => {
    const { webAPI, contactId, engagementId, goalId } = jo();
    const user = userEvent.setup();
    mount(CommunitySupport, { control: "CommunitySupport", webAPI, contactId });
    const suggested = await screen.findByRole("region", { name: "For this stage: services that may suit Jo's goals and barriers" });
    expect(within(suggested).getAllByRole("button").map((b) => b.textContent)).toEqual(["Physical activity", "Befriending and social groups", "Volunteering"]);
    await user.click(within(suggested).getByRole("button", { name: "Find services: Physical activity" }));
    const refer = await screen.findByRole("button", { name: "Refer to Riverside Health Walks" });
    expect(screen.queryByRole("button", { name: "Refer to Canal Choir" })).toBeNull();
    await user.click(refer);
    await screen.findByText("Riverside Health Walks added to the plan.");
    const created = webAPI.writes().find((c) => c.method === "createRecord" && c.entity === "sprx_connection");
    expect(created?.data).toMatchObject({
      "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`, "sprx_goalid@odata.bind": `/sprx_goals(${goalId})`,
      sprx_status: ConnectionStatusValues.referred, sprx_kind: ConnectionKindValues.introduced, sprx_referredon: isoDay(new Date()),
    });
  });

  it("finds a service by words and connects the person from the keyboard, never offering a paused one", async () => {
    const { webAPI, contactId } = jo();
    const user = userEvent.setup();
    const { region } = mount(CommunitySupport, { control: "CommunitySupport", webAPI, contactId });
    await user.click(await screen.findByRole("button", { name: "Find a service" }));
    const words = await screen.findByRole("searchbox", { name: /Words/ });
    expect(document.activeElement).toBe(words);
    await user.keyboard("choir{Enter}");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Refer to Canal Choir" }));
    expect(screen.getByText("1 service(s) found").getAttribute("role")).toBe("status");
    await user.keyboard("{Enter}");
    await screen.findByText("Canal Choir added to the plan.");
    expect(webAPI.writes().filter((c) => c.entity === "sprx_connection")).toHaveLength(1);
    await user.clear(screen.getByRole("searchbox", { name: /Words/ }));
    await user.type(screen.getByRole("textbox", { name: /Area/ }), "rs4");
    expect(screen.queryByRole("button", { name: "Refer to Green Gym" })).toBeNull();
    expect(await axeViolations(region)).toEqual([]);
  });
});
