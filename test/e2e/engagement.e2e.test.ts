import * as fs from "node:fs";
import * as path from "node:path";
import type { Locator, Page } from "playwright-core";
import { CONTENT_SECURITY_POLICY } from "../../emulator/shell/html";
import { LINK_WORKERS } from "../../emulator/seed/users";
import { SUPERVISOR_VIEWS } from "../../solution/views";
import { SCREENSHOTS, type E2eEnvironment, axeViolations, hasFocus, startE2eEnvironment, tabTo, until } from "./support/environment";

/**
 * One whole engagement, through the app shell's contact form only: start it
 * from the referral (the referrer's details and the consents), book and
 * attend six sessions (two missed on the way), record and correct a
 * wellbeing measure, close it with the keyboard alone once the checklist is
 * done (confirming what closing does), find it still readable on the form
 * and stored as closed, then find the closure in the outbox and in the
 * supervisor's "Closed this quarter" view. The steps share one environment
 * and run in order.
 *
 * Screenshots for docs/screenshots/ are written only by `npm run
 * screenshots` (SPRX_SCREENSHOTS=1), so a test run leaves `git status` clean.
 */

const TIME_ZONE = "Europe/London";
/** A person with no engagement yet, created as a receptionist would before the referral arrives. */
const PERSON = { firstname: "Morwenna", lastname: "Trevithick", emailaddress1: "morwenna.trevithick@example.invalid" };

let env: E2eEnvironment;
let page: Page;
let contactId: string;
let engagementId: string;
let engagementName: string;

/** yyyy-mm-dd, `offset` days from today in the service's time zone. */
function day(offset: number): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** The same day as the demo user types it: their settings say dd/MM/yyyy (en-GB), whatever the browser's language. */
const typed = (isoDay: string) => isoDay.split("-").reverse().join("/");

const tracker = () => page.getByRole("region", { name: "Six-appointment tracker" });
const guidance = () => page.getByRole("region", { name: "Stage guidance" });
const checklist = () => page.getByRole("region", { name: "Closure checklist" });
/** The form section (card) around a control, for its screenshot. */
const sectionOf = (region: Locator) => page.locator(".form-section").filter({ has: region });

async function expectStage(trackerStage: string, guidanceHeading: string): Promise<void> {
  await tracker().getByText(`Next session: ${trackerStage}`, { exact: true }).waitFor();
  await guidance().getByRole("heading", { name: guidanceHeading }).waitFor();
}

async function bookSession(number: number, on: string, attendance: "attended" | "didNotAttend"): Promise<void> {
  await tracker().getByRole("textbox", { name: "Session date" }).fill(typed(on));
  await tracker().getByRole("textbox", { name: "Start time" }).fill("10:00");
  await tracker().getByRole("button", { name: `Book session ${number}`, exact: true }).click();
  await tracker().getByText(`Session ${number} booked.`, { exact: true }).waitFor();
  await tracker().getByRole("combobox", { name: `Attendance for session ${number}` }).selectOption(attendance);
  await tracker().getByRole("button", { name: "Record attendance" }).click();
  await tracker().getByText(`Attendance for session ${number} saved.`, { exact: true }).waitFor();
}

const WRITE_SCREENSHOTS = process.env.SPRX_SCREENSHOTS === "1";

async function screenshot(target: Locator | Page, name: string): Promise<void> {
  if (!WRITE_SCREENSHOTS) return;
  const file = path.join(SCREENSHOTS, name);
  if ("goto" in target) await target.screenshot({ path: file, fullPage: true });
  else await target.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
}

beforeAll(async () => {
  if (WRITE_SCREENSHOTS) fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // The browser speaks US English while the demo user's settings say en-GB (dd/MM/yyyy): every date
  // typed on the form must follow the user's settings, not the browser.
  env = await startE2eEnvironment({ locale: "en-US" });
  page = env.page;
  // The person is on Alex's caseload (North hub), so Alex, the link worker the shell acts as, can open them.
  const created = await env.api("POST", "contacts", { ...PERSON, "ownerid@odata.bind": `/systemusers(${LINK_WORKERS[0].id})` });
  expect(created.status).toBe(201);
  contactId = String(created.json.contactid);
}, 120_000);

afterAll(async () => {
  await env?.stop();
}, 60_000);

describe("a whole engagement through the contact form", () => {
  it("opens the person's contact form with its controls, under a script-only-from-self policy", async () => {
    const response = await page.goto(`${env.local.url}contacts/${contactId}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    await page.getByRole("heading", { level: 1, name: `${PERSON.firstname} ${PERSON.lastname}` }).waitFor();
    // Every request of the journey runs as the link worker, not the administrator.
    expect(await page.locator("#acting-who").textContent()).toBe("Acting as Alex Marlow (Link worker)");
    await tracker().getByRole("heading", { name: "Start an engagement" }).waitFor();
    await guidance().getByText("No engagement yet.", { exact: false }).waitFor();
    await checklist().getByText("No engagement to close.").waitFor();
  });

  it("has no WCAG 2.2 A/AA violations before the engagement starts", async () => {
    expect(await axeViolations(page)).toEqual([]);
  });

  it("starts the engagement from the referral as PRSB records it: the referrer, how it came, why, and both consents", async () => {
    // Nothing is sent until the form is complete: each missing answer is named, and focus goes to the first.
    await tracker().getByRole("button", { name: "Start engagement" }).click();
    await tracker().getByText("Choose who referred the person.").waitFor();
    await tracker().getByText("The engagement can only start once the person has agreed.").waitFor();
    await until("focus is on the first field to fix", () => hasFocus(tracker().getByRole("combobox", { name: "Referred by" })));

    await tracker().getByLabel("Referral date").fill(typed(day(-100)));
    await tracker().getByRole("combobox", { name: "Referred by" }).selectOption("gp");
    await tracker().getByRole("textbox", { name: "Referrer's name" }).fill("Dr Example");
    await tracker().getByRole("textbox", { name: "Referrer's role" }).fill("Practice nurse");
    await tracker().getByRole("textbox", { name: "Referrer's organisation" }).fill("Riverside Surgery");
    await tracker().getByRole("textbox", { name: "Referrer's email" }).fill("referrals@riverside.example");
    await tracker().getByRole("combobox", { name: "Referral method" }).selectOption("electronic");
    await tracker().getByLabel("Reason for referral").fill("Feeling isolated since retiring; would like to get out more.");
    await tracker().getByRole("checkbox", { name: /agrees to work with the service/ }).check();
    await tracker().getByRole("checkbox", { name: /outcome may be shared with the referrer/ }).check();
    await tracker().getByRole("button", { name: "Start engagement" }).click();
    await tracker().getByText("Engagement started.", { exact: true }).waitFor();
    await expectStage("Establishing", "Establishing: Getting started");
    await checklist().getByRole("combobox", { name: "Closure reason" }).waitFor();

    const columns = "sprx_name,sprx_referraldate,sprx_consent,sprx_consenttoshare,sprx_referrername,sprx_referrerrole,sprx_referrerorganisation,sprx_referreremail,sprx_referralmethod,_ownerid_value";
    const stored = await env.api("GET", `sprx_engagements?$select=${columns}&$filter=_sprx_contactid_value eq ${contactId}`);
    const rows = stored.json.value as { sprx_engagementid: string; sprx_name: string; sprx_referraldate: string; sprx_consent: boolean; _ownerid_value: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      sprx_referraldate: day(-100), sprx_consent: true, sprx_consenttoshare: true, sprx_referrername: "Dr Example", sprx_referrerrole: "Practice nurse",
      sprx_referrerorganisation: "Riverside Surgery", sprx_referreremail: "referrals@riverside.example", sprx_referralmethod: 727000000,
      _ownerid_value: LINK_WORKERS[0].id,
    });
    engagementId = rows[0].sprx_engagementid;
    engagementName = rows[0].sprx_name;
    await tracker().getByRole("heading", { name: `Engagement ${engagementName}` }).waitFor();
  });

  it("attends the first two sessions and the stage moves on to reviewing", async () => {
    await bookSession(1, day(-98), "attended");
    await expectStage("Reviewing", "Reviewing: Checking in");
    await bookSession(2, day(-84), "attended");
    await tracker().getByText("2 of 6 sessions attended").waitFor();
    await expectStage("Reviewing", "Reviewing: Checking in");
  });

  it("records a baseline wellbeing measure, then corrects it on the form", async () => {
    const form = guidance().getByRole("form", { name: "Record a wellbeing measure" });
    // The person's first ONS4 measure: Baseline unless the worker says otherwise.
    expect(await form.getByRole("combobox", { name: "Time point" }).inputValue()).toBe("baseline");
    await form.getByLabel("Answered on").fill(typed(day(-98)));
    for (const [question, answer] of [[/how satisfied are you/, "4"], [/worthwhile/, "5"], [/how happy did you feel/, "4"], [/how anxious did you feel/, "6"]] as const) {
      await form.getByRole("combobox", { name: question }).selectOption(answer);
    }
    await form.getByRole("button", { name: "Save measure" }).click();
    await guidance().getByText("Wellbeing measure saved.", { exact: true }).waitFor();

    // It was 5 for happiness, not 4: corrected in place.
    await guidance().getByRole("button", { name: /^Correct Baseline ONS4/ }).click();
    const correction = guidance().getByRole("form", { name: "Correct this measure" });
    expect(await guidance().getByRole("form", { name: "Record a wellbeing measure" }).count()).toBe(0);
    await correction.getByRole("combobox", { name: /how happy did you feel/ }).selectOption("5");
    await correction.getByRole("button", { name: "Save correction" }).click();
    await guidance().getByText("Measure corrected.", { exact: true }).waitFor();
    await env.idle();
    const measures = await env.api("GET", `sprx_wellbeingscores?$select=sprx_timepoint,sprx_ons4_happy,sprx_ons4_happy_band&$filter=_sprx_engagementid_value eq ${engagementId}`);
    expect(measures.json.value).toEqual([expect.objectContaining({ sprx_timepoint: 727000000, sprx_ons4_happy: 5, sprx_ons4_happy_band: 727000001 })]);
  });

  it("raises the courageous-conversation card, saying why, after two missed sessions in a row", async () => {
    await bookSession(3, day(-77), "didNotAttend");
    await tracker().getByText("Missed in a row: 1").waitFor();
    expect(await guidance().getByRole("group", { name: "A courageous conversation may help" }).count()).toBe(0);

    await bookSession(3, day(-70), "didNotAttend");
    await tracker().getByText("Missed in a row: 2").waitFor();
    const card = guidance().getByRole("group", { name: "A courageous conversation may help" });
    await card.waitFor();
    await card.getByText("2 sessions in a row were missed (the prompt appears at 2).").waitFor();
    await card.getByText("What has gone well:").waitFor();
    await screenshot(sectionOf(guidance()), "guidance.png");
  });

  it("attends sessions three to six, the stage and guidance following to closing", async () => {
    await bookSession(3, day(-63), "attended");
    await expectStage("Building independence", "Building independence");
    expect(await tracker().getByText(/Missed in a row/).count()).toBe(0);
    await bookSession(4, day(-49), "attended");
    await bookSession(5, day(-35), "attended");
    await expectStage("Closing", "Closing: Reflecting and closing");
    await bookSession(6, day(-21), "attended");
    await tracker().getByText("6 of 6 sessions attended").waitFor();
    // All six used: the tracker offers an extension instead of a seventh booking.
    await tracker().getByRole("heading", { name: "Ask for an extension" }).waitFor();
    await screenshot(sectionOf(tracker()), "tracker.png");

    await env.idle();
    const stored = await env.api("GET", `sprx_engagements(${engagementId})?$select=sprx_stage,sprx_sessionsattended,sprx_sessionsdna,sprx_consecutivedna`);
    expect(stored.json).toMatchObject({ sprx_stage: 727000003, sprx_sessionsattended: 6, sprx_sessionsdna: 2, sprx_consecutivedna: 0 });
  });

  it("fits a phone's width without sideways scrolling, and a tablet's", async () => {
    for (const width of [390, 768]) {
      await page.setViewportSize({ width, height: 844 });
      await until(`the form has reflowed to ${width} pixels`, () =>
        page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
      );
      const widths = await page.locator(".form-section").evaluateAll((sections) => sections.map((s) => s.getBoundingClientRect().right));
      expect(widths.every((right) => right <= width)).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("records the walking group Morwenna was connected to, and went to (issue 15's journey covers doing it on the form)", async () => {
    const services = (await env.api("GET", "sprx_communityservices?$select=sprx_name&$filter=sprx_name eq 'Riverside Health Walks'")).json.value as Record<string, unknown>[];
    const connected = await env.api("POST", "sprx_connections", {
      // On Alex's caseload, as the engagement is: Alex is the link worker the contact form acts as.
      "ownerid@odata.bind": `/systemusers(${LINK_WORKERS[0].id})`,
      sprx_name: "Riverside Health Walks", "sprx_engagementid@odata.bind": `/sprx_engagements(${engagementId})`,
      "sprx_serviceid@odata.bind": `/sprx_communityservices(${String(services[0].sprx_communityserviceid)})`,
      sprx_status: 727000002, sprx_suggestedon: day(-84), sprx_referredon: day(-84), sprx_attendedon: day(-77),
    });
    expect(connected.status).toBe(201);
    await env.idle();
  });

  it("blocks closure while the checklist is incomplete, listing what is missing", async () => {
    const close = checklist().getByRole("button", { name: "Close engagement" });
    await close.waitFor();
    expect(await close.getAttribute("aria-disabled")).toBe("true");
    const missing = await checklist().locator("#sprx-missing-list li").allTextContents();
    expect(missing).toEqual(["Choose a closure reason", "Write a closure summary for the referrer"]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("reaches the closure checklist from the top of the page in few key presses", async () => {
    await page.reload();
    await checklist().getByRole("combobox", { name: "Closure reason" }).waitFor();
    const firstInChecklist = () => page.evaluate(() => !!document.activeElement?.closest('[aria-label="Closure checklist"]'));
    let presses = 0;
    while (!(await firstInChecklist())) {
      await page.keyboard.press("Tab");
      presses += 1;
      if (presses > 300) throw new Error("Tab never reached the closure checklist");
    }
    // Through the link near the top instead: Tab to it, Enter, then Tab into the checklist.
    await page.reload();
    await checklist().getByRole("combobox", { name: "Closure reason" }).waitFor();
    const link = page.getByRole("navigation", { name: "On this form" }).getByRole("link", { name: "Closure checklist" });
    let viaLink = 0;
    while (!(await hasFocus(link))) {
      await page.keyboard.press("Tab");
      viaLink += 1;
      if (viaLink > 50) throw new Error("Tab never reached the link to the closure checklist");
    }
    await page.keyboard.press("Enter");
    viaLink += 1;
    while (!(await firstInChecklist())) {
      await page.keyboard.press("Tab");
      viaLink += 1;
      if (viaLink > 100) throw new Error("Tab never reached the closure checklist from its link");
    }
    process.stdout.write(`Keyboard: ${presses} Tab presses from the top of the page to the closure checklist; ${viaLink} key presses through the link "Closure checklist" near the top.\n`);
    expect(viaLink).toBeLessThan(presses);
  });

  it("closes the engagement with the keyboard alone once every check is done", async () => {
    const close = checklist().getByRole("button", { name: "Close engagement" });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    // The reason: the first choice after "Choose…" is "Goals met".
    const reason = checklist().getByRole("combobox", { name: "Closure reason" });
    await tabTo(page, reason);
    await page.keyboard.press("ArrowDown");
    await checklist().getByText("Closure reason saved.", { exact: true }).waitFor();
    await checklist().getByRole("heading", { name: 'Checks for "Goals met"' }).waitFor();
    expect(await close.getAttribute("aria-disabled")).toBe("true");
    const missing = await checklist().locator("#sprx-missing-list li").allTextContents();
    expect(missing).toEqual([
      "Achievements reviewed and celebrated: not done yet",
      "Next steps for staying well agreed: not done yet",
      "Closing wellbeing measure recorded: no closing wellbeing measure is stored",
      "Referrer informed of the outcome: not done yet",
      "Write a closure summary for the referrer",
    ]);

    // Down the checklist in order: three checks, the closing measure (ONS4, answered inline), the last check.
    const tick = async (item: string) => {
      const check = checklist().getByRole("checkbox", { name: item });
      await tabTo(page, check);
      await page.keyboard.press("Space");
      await checklist().getByText(`"${item}" ticked.`, { exact: true }).waitFor();
      // Saved, then reloaded: ticked and usable again.
      await until(`"${item}" shows ticked`, async () => (await check.isChecked()) && (await check.isEnabled()));
    };
    await tick("Achievements reviewed and celebrated");
    await screenshot(sectionOf(checklist()), "checklist.png");
    await screenshot(page, "contact-page.png");
    await tick("Next steps for staying well agreed");
    await tick("Community support in place confirmed");

    for (const [question, answer] of [[/how satisfied are you/, 7], [/things you do in your life are worthwhile/, 7], [/how happy did you feel/, 8], [/how anxious did you feel/, 3]] as const) {
      const select = checklist().getByRole("combobox", { name: question });
      await tabTo(page, select);
      // "Choose…" comes first, then 0 to 10.
      for (let step = 0; step <= answer; step += 1) await page.keyboard.press("ArrowDown");
      expect(await select.inputValue()).toBe(String(answer));
    }
    await tabTo(page, checklist().getByRole("button", { name: "Save measure" }));
    await page.keyboard.press("Enter");
    await checklist().getByText("Wellbeing measure saved.", { exact: true }).waitFor();
    await checklist().getByText("A closing wellbeing measure is stored.").waitFor();
    await tick("Referrer informed of the outcome");

    await tabTo(page, checklist().getByRole("textbox", { name: "Closure summary", exact: true }));
    await page.keyboard.type("Six sessions attended. Now walks with a local group twice a week and feels more connected.");
    await tabTo(page, checklist().getByRole("textbox", { name: "Next steps", exact: true }));
    await page.keyboard.type("Keep going to the walking group; the surgery can refer again at any time.");
    // Back to the summary and forward again, to show the way round the form works both ways.
    await tabTo(page, checklist().getByRole("textbox", { name: "Closure summary", exact: true }), { backwards: true, limit: 5 });
    expect(await checklist().locator("#sprx-missing-list").count()).toBe(0);
    expect(await close.getAttribute("aria-disabled")).toBeNull();

    await tabTo(page, close);
    expect(await hasFocus(close)).toBe(true);
    await page.keyboard.press("Enter");
    // Closing asks first, saying what follows.
    const confirm = page.getByRole("alertdialog", { name: "Close this engagement?" });
    await confirm.waitFor();
    const said = await confirm.textContent();
    expect(said).toContain("The referrer is emailed the closure summary.");
    expect(said).toContain("The person leaves your active caseload.");
    expect(said).toContain("Only a supervisor can reopen it.");
    await screenshot(page, "closure-confirmation.png");
    await tabTo(page, confirm.getByRole("button", { name: "Close engagement" }), { limit: 5 });
    await page.keyboard.press("Enter");
    const closed = checklist().getByRole("heading", { name: `Engagement ${engagementName} is closed` });
    // The last tick's async rollups change the engagement after the checklist reloaded; the
    // closure must still go through at once, because none of the columns the worker sees changed.
    const conflict = checklist().getByText("Someone else changed this engagement", { exact: false });
    await closed.or(conflict).waitFor();
    expect(await conflict.isVisible()).toBe(false);
    await closed.waitFor();
    await checklist().getByText("Goals met").waitFor();

    await env.idle();
    const stored = await env.api("GET", `sprx_engagements(${engagementId})?$select=statecode,statuscode,sprx_stage,sprx_closurereason,sprx_closuresummary,sprx_nextsteps,sprx_closedon`);
    // The stored stage says closed too: supervisors' views read it.
    expect(stored.json).toMatchObject({ statecode: 1, statuscode: 2, sprx_stage: 727000004, sprx_closurereason: 727000000 });
    expect(stored.json.sprx_closuresummary).toMatch(/walks with a local group/);
    expect(stored.json.sprx_nextsteps).toMatch(/can refer again/);
    expect(stored.json.sprx_closedon).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The other two controls follow: the tracker offers a re-referral and lists this engagement as past.
    await tracker().getByRole("heading", { name: "Start a new engagement (re-referral)" }).waitFor();
    await guidance().getByRole("heading", { name: "Closed", exact: true }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("keeps the closed engagement readable: its sessions, plan, measures and outcome", async () => {
    await tracker().getByRole("heading", { name: `Engagement ${engagementName} (closed)` }).waitFor();
    const sessions = tracker().getByRole("region", { name: "Sessions" });
    expect(await sessions.getByRole("listitem").count()).toBe(8);
    expect(await sessions.getByText("Missed — would have been session 3").count()).toBe(2);
    expect(await sessions.getByRole("button").count()).toBe(0);
    await tracker().getByText("6 sessions attended").first().waitFor();
    await guidance().getByRole("heading", { name: "Measures recorded" }).waitFor();
    expect(await guidance().getByRole("button", { name: /^Correct / }).count()).toBe(0);
    await checklist().getByText(/walks with a local group/).waitFor();
    await screenshot(page, "closed-engagement.png");
  });

  it("raises exactly one closure event, shown on the outbox", async () => {
    await page.goto(`${env.local.url}outbox`);
    const events = page.getByRole("table", { name: "Business events" });
    const rows = events.getByRole("row").filter({ hasText: engagementId });
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("sprx_OnEngagementClosed");
  });

  it("lists the engagement in the supervisor's 'Closed this quarter' view, and the caseload views follow who is looking", async () => {
    // Each view as the model-driven app draws it, at its model-driven URL.
    const viewUrl = (name: string) => `${env.local.url}main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=${SUPERVISOR_VIEWS.find((v) => v.name === name)?.savedQueryId ?? ""}`;
    const countOf = async (name: string) => {
      await page.goto(viewUrl(name));
      return page.locator("table.grid caption .count").textContent();
    };
    const mine = await countOf("My active caseload");
    // Switch to the hub's supervisor with the keyboard, through the picker in the header.
    await page.getByRole("combobox", { name: "Act as" }).focus();
    await page.getByRole("combobox", { name: "Act as" }).selectOption({ label: "Morgan Hale (Supervisor)" });
    await tabTo(page, page.getByRole("button", { name: "Switch user" }));
    await page.keyboard.press("Enter");
    await page.locator("#acting-who").getByText("Morgan Hale").waitFor();
    await page.goto(viewUrl("Closed this quarter"));
    const view = page.getByRole("region", { name: "Closed this quarter" });
    await view.getByRole("row").filter({ hasText: engagementName }).waitFor();
    expect(await view.getByRole("row").filter({ hasText: engagementName }).textContent()).toContain("Goals met");
    expect(await countOf("My active caseload")).not.toBe(mine);
    // The supervisor's team view spans both of the hub's link workers.
    await page.goto(viewUrl("Team active caseload by link worker"));
    const owners = await page.locator("table.grid tbody tr").allTextContents();
    expect(owners.some((row) => row.includes("Alex Marlow"))).toBe(true);
    expect(owners.some((row) => row.includes("Priya Hollis"))).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("ran without a script error or a Content-Security-Policy violation in the browser", () => {
    // The browser logs every refused request; a 412 answered by the server's own rollups is
    // retried on the fresh etag by the controls (the closure step proves nothing is shown).
    const refusedAsStale = env.browserProblems.filter((line) => /status of 412/.test(line));
    expect(env.browserProblems.filter((line) => !refusedAsStale.includes(line))).toEqual([]);
  });

  it("wrote no seeded person's name or email to any log line of the run", async () => {
    const people = env.local.dataverse.store.select(`SELECT "firstname", "lastname", "emailaddress1" FROM "contact"`, []);
    await env.stop();
    const needles = [...new Set(people.flatMap((p) => [p.firstname, p.lastname, p.emailaddress1]).filter((v): v is string => typeof v === "string" && v.length > 0))];
    expect(needles.length).toBeGreaterThanOrEqual(60);
    expect(env.logs.length).toBeGreaterThan(0);
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const leaks = env.logs.flatMap((line) => needles.filter((needle) => new RegExp(`\\b${escape(needle)}\\b`).test(line)).map((needle) => ({ needle, line })));
    expect(leaks).toEqual([]);
  }, 60_000);
});
