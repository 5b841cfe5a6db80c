import type { Page } from "playwright-core";
import { gridColumns } from "../../emulator/app/grid";
import { publicViews } from "../../emulator/app/entityList";
import { shippedSolution } from "../../emulator/app/shipped";
import { CONTENT_SECURITY_POLICY } from "../../emulator/shell/html";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { LINK_WORKERS } from "../../emulator/seed/users";
import { SHELL_COOKIE } from "../../emulator/security";
import { type E2eEnvironment, axeViolations, startE2eEnvironment, tabTo, until } from "./support/environment";

/**
 * The local app as a model-driven app, drawn from the solution's own XML:
 * site map and /main.aspx URLs, every shipped view as a grid, every shipped
 * chart as SVG, the supervisor dashboards, the engagement form saving through
 * the Web API and the pipeline, a server refusal in a dialog, and axe-core on
 * a grid, a form and a dashboard. The steps share one environment and run in order.
 */

let env: E2eEnvironment;
let page: Page;
const solution = shippedSolution();
const APP_ID = "7d1c5a2e-4b3f-4e8a-9c6d-0f1e2a3b4c5d";
const DATE = /^\d{2}\/\d{2}\/\d{4}( \d{2}:\d{2})?$/;

const url = (relative: string) => `${env.local.url}${relative.replace(/^\//, "")}`;
const list = (etn: string, viewId?: string) => url(`/main.aspx?pagetype=entitylist&etn=${etn}${viewId ? `&viewid=${viewId}` : ""}`);
const grid = () => page.locator("main table.grid").first();
const noSidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
/** Save, then wait for the form to reload itself with what the server kept (the save script reloads once async steps are done). */
async function saveAndWaitForReload(): Promise<void> {
  const reloaded = page.waitForEvent("load");
  await page.getByRole("button", { name: "Save" }).click();
  await reloaded;
}

beforeAll(async () => {
  env = await startE2eEnvironment();
  page = env.page;
  // These tests prove the app draws the shipped XML over every record, so they act as the local administrator;
  // what each role may see is proved in engagement.e2e (link worker, supervisor) and test/security.
  await actAs(FOUNDATION.adminUserId);
}, 120_000);

const actAs = (userId: string) => page.context().addCookies([{ name: SHELL_COOKIE, value: userId, url: env.local.url }]);

afterAll(async () => {
  await env?.stop();
}, 60_000);

describe("site map and model-driven URLs", () => {
  it("opens the people list at / and draws the shipped site map, with appid carried through links", async () => {
    const response = await page.goto(url("/"));
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(page.url()).toContain("pagetype=entitylist&etn=contact");
    const siteMap = page.getByRole("navigation", { name: "Site map" });
    for (const subArea of solution.areas.flatMap((a) => a.groups.flatMap((g) => g.subAreas))) await siteMap.getByRole("link", { name: subArea.title, exact: true }).waitFor();
    expect(await siteMap.getByRole("link", { name: "People" }).getAttribute("aria-current")).toBe("page");

    await page.goto(url(`/main.aspx?appid=${APP_ID}&pagetype=entitylist&etn=sprx_engagement`));
    expect(await siteMap.getByRole("link", { name: "Wellbeing scores" }).getAttribute("href")).toContain(`appid=${APP_ID}`);
    await siteMap.getByRole("link", { name: "Wellbeing scores" }).click();
    await page.getByRole("heading", { level: 1, name: /^Wellbeing score:/ }).waitFor();
    expect(page.url()).toContain(`appid=${APP_ID}`);
  });

  it("answers an unknown table or page type with a page that says so", async () => {
    expect((await page.goto(url("/main.aspx?pagetype=entitylist&etn=nosuchtable")))?.status()).toBe(404);
    await page.getByText('The app has no table "nosuchtable".').waitFor();
    expect((await page.goto(url("/main.aspx?pagetype=somethingelse")))?.status()).toBe(404);
  });
});

describe("views as grids", () => {
  const store = () => env.local.dataverse.store;

  it("draws every shipped public view with display-name headers, en-GB dates and record links that open, without sideways scrolling", async () => {
    const tables = [...new Set(solution.views.map((v) => v.table))];
    for (const table of tables) {
      for (const view of publicViews(solution, table)) {
        const response = await page.goto(list(table, view.id));
        expect(response?.status()).toBe(200);
        expect({ view: view.name, fits: await noSidewaysScroll() }).toEqual({ view: view.name, fits: true });
        const columns = gridColumns(store(), solution, view);
        const headers = (await grid().locator("thead th").allInnerTexts()).map((h) => h.replace(/[↑↓]/g, "").trim());
        expect(headers).toEqual(columns.map((c) => c.label));
        for (const header of headers) expect(header).not.toMatch(/^[a-z_]+$|sprx_/);
        for (const [index, column] of columns.entries()) {
          if (column.attribute?.kind !== "date" && column.attribute?.kind !== "datetime") continue;
          const values = (await grid().locator(`tbody td:nth-child(${index + 1})`).allInnerTexts()).filter((v) => v.trim());
          for (const value of values) expect(value.trim()).toMatch(DATE);
        }
        const hrefs = await grid().locator("tbody a").evaluateAll((links) => links.slice(0, 4).map((a) => (a as HTMLAnchorElement).href));
        for (const href of hrefs) {
          expect(href).toMatch(/pagetype=entityrecord&etn=\w+&id=[0-9a-f-]{36}$/);
          expect((await page.request.get(href)).status()).toBe(200);
        }
      }
    }
  });

  it("shows a date as the Web API's value in en-GB (dd/MM/yyyy), and quick find narrows the view", async () => {
    const records = await env.api("GET", "sprx_engagements?$select=sprx_name,sprx_referraldate&$filter=statecode eq 0&$top=1");
    const [first] = records.json.value as { sprx_name: string; sprx_referraldate: string }[];
    const view = solution.views.find((v) => v.name === "Active engagements");
    await page.goto(list("sprx_engagement", view?.id));
    await page.getByRole("searchbox", { name: "Search this view" }).fill(first.sprx_name);
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/search=/);
    const rows = grid().locator("tbody tr");
    expect(await rows.count()).toBe(1);
    const [year, month, day] = first.sprx_referraldate.slice(0, 10).split("-");
    expect(await rows.locator('td[data-label="Referral date"]').innerText()).toBe(`${day}/${month}/${year}`);
  });

  it("sorts by a header, both ways, and says so to assistive technology", async () => {
    await page.goto(list("sprx_engagement", solution.views.find((v) => v.name === "Active engagements")?.id));
    await grid().getByRole("link", { name: "Reference", exact: true }).click();
    await page.waitForURL(/sort=sprx_name/);
    const header = grid().getByRole("columnheader", { name: /^Reference/ });
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    const ascending = await grid().locator("tbody tr td:first-child").allInnerTexts();
    expect(ascending).toEqual([...ascending].sort());
    await grid().getByRole("link", { name: /^Reference/ }).click();
    await page.waitForURL(/desc=1/);
    expect(await grid().getByRole("columnheader", { name: /^Reference/ }).getAttribute("aria-sort")).toBe("descending");
    const descending = await grid().locator("tbody tr td:first-child").allInnerTexts();
    expect(descending).toEqual([...ascending].reverse());
  });

  it("pages through more records than fit on a page", async () => {
    for (let i = 0; i < 25; i += 1) expect((await env.api("POST", "contacts", { firstname: "Paging", lastname: `Person ${String(i).padStart(2, "0")}` })).status).toBe(201);
    await page.goto(list("contact"));
    await page.getByText("Page 1 of 2").waitFor();
    await page.getByRole("navigation", { name: /^Pages of/ }).getByRole("link", { name: "Next page" }).click();
    await page.getByText("Page 2 of 2").waitFor();
    expect(await grid().locator("tbody tr").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: "Previous page" }).click();
    await page.getByText("Page 1 of 2").waitFor();
    expect(await grid().locator("tbody tr").count()).toBe(50);
  });

  it("switches views with the view picker, by keyboard", async () => {
    await page.goto(list("sprx_engagement"));
    const picker = page.getByRole("combobox", { name: "View" });
    await tabTo(page, picker);
    await picker.selectOption({ label: "Ready to close" });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator("main table.grid caption", { hasText: "Ready to close" }).waitFor();
  });

  it("finds people with quick find, and lists those awaiting first contact at a glance", async () => {
    await page.goto(list("contact"));
    const headers = await grid().locator("thead th").allInnerTexts();
    expect(headers.map((h) => h.replace(/[↑↓]/g, "").trim())).toEqual(["Full Name", "Stage (Engagement)", "Sessions attended (Engagement)", "Next session (Engagement)", "Owner (Engagement)", "Email"]);
    await page.getByRole("searchbox", { name: "Search this view" }).fill("Idris");
    await page.getByRole("searchbox", { name: "Search this view" }).press("Enter");
    await page.getByRole("status").filter({ hasText: "Idris" }).waitFor();
    expect(await grid().locator("tbody tr").allInnerTexts()).toEqual([expect.stringContaining("Idris Penhale")]);

    await page.goto(list("contact", solution.views.find((v) => v.name === "People awaiting first contact")?.id));
    const names = await grid().locator("tbody td:first-child").allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(["Idris Penhale", "Senara Polglaze"]));
    expect(names).not.toContain("Ada Carrow");
  });

  it("fits a laptop without sideways scrolling, and becomes a readable list on a phone", async () => {
    for (const [width, height] of [[1366, 768], [1280, 800]]) {
      await page.setViewportSize({ width, height });
      await page.goto(list("sprx_engagement", solution.views.find((v) => v.name === "Closed this quarter")?.id));
      expect(await noSidewaysScroll()).toBe(true);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    // The table's default view is "My active caseload": a link worker's, who has one (the administrator has none).
    await actAs(LINK_WORKERS[0].id);
    await page.goto(list("sprx_engagement"));
    expect(await noSidewaysScroll()).toBe(true);
    const firstCell = grid().locator("tbody td").nth(1);
    expect(await firstCell.evaluate((td) => getComputedStyle(td, "::before").content)).toBe('"Person"');
    await actAs(FOUNDATION.adminUserId);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("has no WCAG 2.2 A/AA violations on a grid page", async () => {
    await page.goto(list("sprx_engagement"));
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("charts and dashboards", () => {
  it("draws every shipped chart as SVG with its title, labelled axes and data", async () => {
    const onDashboards = new Set<string>();
    for (const subArea of solution.areas.flatMap((a) => a.groups.flatMap((g) => g.subAreas)).filter((s) => s.url)) {
      await page.goto(url(subArea.url ?? ""));
      for (const title of await page.locator("svg.chart > title").allTextContents()) onDashboards.add(title);
    }
    // Beside a grid a chart counts that view's records, so each chart is found with data on one of its table's views.
    for (const chart of solution.charts) {
      let drawnWithData = false;
      for (const view of publicViews(solution, chart.table)) {
        await page.goto(list(chart.table, view.id));
        const figure = page.getByRole("figure", { name: chart.name });
        const svg = figure.getByRole("img", { name: new RegExp(`^${chart.name}`) });
        expect(await svg.locator(":scope > title").textContent()).toBe(chart.name);
        expect(await svg.locator("text.axis-title").count()).toBe(2);
        if ((await svg.locator("rect").count()) === 0) continue;
        await figure.getByText(`Data table: ${chart.name}`).click();
        expect(await figure.locator("tbody tr").count()).toBeGreaterThan(0);
        drawnWithData = true;
        break;
      }
      expect({ chart: chart.name, drawnWithData }).toEqual({ chart: chart.name, drawnWithData: true });
    }
    expect([...onDashboards].sort()).toEqual(["Active engagements by stage", "Change in life satisfaction at closure", "Closures this quarter by reason", "Linking success by service category"]);
  });

  it("opens the supervisor dashboards from the site map, drawn from their form XML", async () => {
    await page.goto(list("contact"));
    await page.getByRole("navigation", { name: "Site map" }).getByRole("link", { name: "Supervisor: caseload" }).click();
    await page.getByRole("heading", { level: 1, name: "Supervisor: caseload" }).waitFor();
    expect(page.url()).toContain("pagetype=dashboard");
    const captions = await page.locator(".dashboard table.grid > caption").allInnerTexts();
    expect(captions.map((c) => c.replace(/\s*\(.*\)$/, ""))).toEqual(["Overdue: no session in 21 days", "Past the 16-week window", "Courageous conversation suggested", "Ready to close"]);
    await page.getByRole("figure", { name: "Active engagements by stage" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("navigation", { name: "Site map" }).getByRole("link", { name: "Supervisor: outcomes" }).click();
    await page.getByRole("heading", { level: 1, name: "Supervisor: outcomes" }).waitFor();
    expect(await page.locator("svg.chart").count()).toBe(2);
  });
});

describe("record forms", () => {
  let engagementId: string;
  let engagementName: string;
  const NEW_EMAIL = "new-referrer@riverside-surgery.invalid";

  it("edits and saves the referrer's email and the consent to share on the engagement form", async () => {
    const ready = await env.api("GET", "sprx_engagements?$select=sprx_name,sprx_engagementid&$filter=sprx_checklistcomplete eq true and statecode eq 0 and sprx_consenttoshare eq false&$top=1");
    const [engagement] = ready.json.value as { sprx_name: string; sprx_engagementid: string }[];
    engagementId = engagement.sprx_engagementid;
    engagementName = engagement.sprx_name;
    await page.goto(url(`/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=${engagementId}`));
    await page.getByRole("heading", { level: 1, name: engagementName }).waitFor();
    // The shipped form's tabs, sections and fields, in order.
    const tabs = page.getByRole("tablist", { name: "Form tabs" }).getByRole("tab");
    expect(await tabs.allInnerTexts()).toEqual(["Engagement", "Pacing and extension", "Closure"]);
    // One tab at a time; the arrow keys move between them (the ARIA tabs pattern).
    expect(await page.getByRole("tabpanel", { name: "Engagement" }).isVisible()).toBe(true);
    await tabs.first().focus();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("tabpanel", { name: "Pacing and extension" }).getByRole("group", { name: "Extension" }).waitFor();
    expect(await page.getByRole("tabpanel", { name: "Engagement" }).isHidden()).toBe(true);
    await page.keyboard.press("Home");
    await page.getByRole("tabpanel", { name: "Engagement" }).waitFor();
    expect(await page.getByLabel("Stage", { exact: true }).getAttribute("readonly")).not.toBeNull();
    expect(await page.getByRole("spinbutton", { name: "Planned sessions" }).getAttribute("max")).toBe("52");
    await page.getByRole("combobox", { name: "Person" }).waitFor();

    await page.getByRole("textbox", { name: "Referrer email" }).fill(NEW_EMAIL);
    await page.getByRole("checkbox", { name: "Consent to share outcome" }).check();
    await saveAndWaitForReload();
    await until("the saved values come back from the server", async () => {
      const saved = await env.api("GET", `sprx_engagements(${engagementId})?$select=sprx_referreremail,sprx_consenttoshare`);
      return saved.json.sprx_referreremail === NEW_EMAIL && saved.json.sprx_consenttoshare === true;
    });
    await until("the form shows the saved email", async () => (await page.getByRole("textbox", { name: "Referrer email" }).inputValue()) === NEW_EMAIL);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("changes a lookup by typing to search, a multi-select choice and a whole number, in one save", async () => {
    const active = await env.api("GET", `sprx_engagements?$select=sprx_engagementid,sprx_barriers&$filter=statecode eq 0 and _ownerid_value eq ${LINK_WORKERS[0].id}&$top=1`);
    const [{ sprx_engagementid: id }] = active.json.value as { sprx_engagementid: string }[];
    await page.goto(url(`/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=${id}`));
    const owner = page.getByRole("combobox", { name: "Owner" });
    await owner.fill("");
    await owner.pressSequentially("Priya");
    await owner.fill("Priya Hollis"); // the datalist's option, as choosing it from the list does
    await page.getByRole("group", { name: "Barriers" }).getByRole("checkbox", { name: "Low confidence or fear of failure" }).check();
    await page.getByRole("spinbutton", { name: "Planned sessions" }).fill("8");
    // Dates are typed as the user's format shows them, dd/mm/yyyy, whatever the browser's locale.
    const referral = page.getByRole("textbox", { name: /^Referral date/ });
    expect(await referral.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await referral.fill("01/10/2026");
    await saveAndWaitForReload();
    await until("the lookup, the choices, the number and the date are saved", async () => {
      const saved = await env.api("GET", `sprx_engagements(${id})?$select=_ownerid_value,sprx_barriers,sprx_plannedsessions,sprx_referraldate`);
      return saved.json._ownerid_value === LINK_WORKERS[1].id && typeof saved.json.sprx_barriers === "string" && saved.json.sprx_barriers.length > 0
        && saved.json.sprx_plannedsessions === 8 && typeof saved.json.sprx_referraldate === "string" && saved.json.sprx_referraldate.startsWith("2026-10-01");
    });
  });

  it("refuses a name that is not one of the lookup's records, and a day that does not exist, before sending anything", async () => {
    const active = await env.api("GET", "sprx_engagements?$select=sprx_engagementid&$filter=statecode eq 0&$top=1");
    const [{ sprx_engagementid: id }] = active.json.value as { sprx_engagementid: string }[];
    await page.goto(url(`/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=${id}`));
    await page.getByRole("combobox", { name: "Owner" }).fill("Nobody Known");
    await page.getByRole("button", { name: "Save" }).click();
    const dialog = page.getByRole("dialog", { name: "Invalid value" });
    await dialog.getByText("“Nobody Known” is not a record you can choose for Owner. Choose one from the list.").waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("combobox", { name: "Owner" }).fill("Alex Marlow");
    await page.getByRole("textbox", { name: /^Referral date/ }).fill("31/02/2026");
    await page.getByRole("button", { name: "Save" }).click();
    await dialog.getByText("“31/02/2026” is not a valid Referral date", { exact: false }).waitFor();
    await dialog.getByRole("button", { name: "OK" }).click();
  });

  it("then a closure emails the referrer at the saved address, visible on /outbox", async () => {
    expect((await env.api("PATCH", `sprx_engagements(${engagementId})`, { statecode: 1, statuscode: 2 })).status).toBeLessThan(300);
    await env.idle();
    await page.goto(url("/outbox"));
    await page.getByText(NEW_EMAIL, { exact: false }).first().waitFor();
  });

  it("shows a server refusal as a dialog with the server's message", async () => {
    const active = await env.api("GET", "sprx_engagements?$select=sprx_engagementid&$filter=statecode eq 0&$top=1");
    const [{ sprx_engagementid: id }] = active.json.value as { sprx_engagementid: string }[];
    await page.goto(url(`/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=${id}`));
    // Someone else saves first: the form's etag is now stale and the server refuses the second save.
    expect((await env.api("PATCH", `sprx_engagements(${id})`, { sprx_referrername: "Changed elsewhere" })).status).toBeLessThan(300);
    await page.getByRole("textbox", { name: "Referrer", exact: true }).fill("Changed here");
    await page.getByRole("button", { name: "Save" }).click();
    const dialog = page.getByRole("dialog", { name: "Business Process Error" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/version/i);
    await dialog.getByRole("button", { name: "OK" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await env.api("GET", `sprx_engagements(${id})?$select=sprx_referrername`)).json.sprx_referrername).toBe("Changed elsewhere");
  });

  it("draws the contact form from its form XML with the three code components where it places them", async () => {
    env.browserProblems.splice(0); // earlier steps provoked a 404 and a 412 on purpose
    const person = await env.api("GET", "contacts?$select=contactid,fullname&$filter=lastname eq 'Penhale'");
    const [{ contactid, fullname }] = person.json.value as { contactid: string; fullname: string }[];
    await page.goto(url(`/contacts/${contactid}`));
    expect(page.url()).toContain(`pagetype=entityrecord&etn=contact&id=${contactid}`);
    await page.getByRole("heading", { level: 1, name: fullname }).waitFor();
    for (const region of ["Six-appointment tracker", "Stage guidance", "Closure checklist"]) await page.getByRole("region", { name: region }).waitFor();
    await page.getByRole("tab", { name: "Details" }).click();
    await page.locator(".subgrid table.grid caption", { hasText: "Engagements" }).waitFor();
    expect(env.browserProblems).toEqual([]);
  });
});
