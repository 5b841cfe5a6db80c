import { chartHtml } from "../../emulator/app/chart";
import { editFetchXml, quickFindColumns } from "../../emulator/app/fetchEdit";
import { formatValue } from "../../emulator/app/format";
import { FormRenderError, readFormXml } from "../../emulator/app/formXml";
import { renderApp } from "../../emulator/app/routes";
import { type ShippedSolution, loadShippedSolution } from "../../emulator/app/shipped";
import { seedDemoData } from "../../emulator/seed/demoData";
import type { ApiResponse } from "../../emulator/webapi/webApi";
import { type TestEnvironment, startTestDataverse } from "./support/localDataverse";

/**
 * The model-driven app's server side: it draws only what the shipped XML
 * declares, fails clearly when that XML is wrong, and formats for en-GB.
 * (The browser behaviour is in test/e2e/modelDriven.e2e.test.ts.)
 */

const NOW = new Date("2025-11-24T12:00:00Z");
const ENGAGEMENT = "de0a0002-0000-4000-8000-000000000005";
const solution = loadShippedSolution();
const html = (status: number, body: string): ApiResponse => ({ status, headers: {}, body });

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
});
afterAll(async () => {
  await env.close();
});

const render = (url: string, shipped: ShippedSolution = solution) => renderApp({ store: env.dataverse.store, now: () => NOW, solution: shipped }, url, html);

/** The shipped solution with one form's XML changed. */
function withFormXml(table: string, change: (xml: string) => string): ShippedSolution {
  return { ...solution, forms: solution.forms.map((f) => (f.table === table ? { ...f, formXml: change(f.formXml) } : f)) };
}

describe("a shipped form whose XML is wrong", () => {
  it("fails to render, naming the field that does not exist", () => {
    const broken = withFormXml("sprx_engagement", (xml) => xml.replace('datafieldname="sprx_referreremail"', 'datafieldname="sprx_referreremailaddress"'));
    const form = broken.forms.find((f) => f.table === "sprx_engagement");
    expect(form).toBeDefined();
    expect(() => readFormXml(form!, env.dataverse.store.metadata, broken)).toThrow(FormRenderError);
    expect(() => readFormXml(form!, env.dataverse.store.metadata, broken)).toThrow('The form "Engagement" places the field "sprx_referreremailaddress", which the table "sprx_engagement" does not have.');
  });

  it("answers the record page with 500 and that message, and draws the unbroken form", () => {
    const broken = withFormXml("sprx_engagement", (xml) => xml.replace('datafieldname="sprx_consent"', 'datafieldname="sprx_nosuchcolumn"'));
    const url = `/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=${ENGAGEMENT}`;
    const failed = render(url, broken);
    expect(failed?.status).toBe(500);
    expect(failed?.body).toContain("places the field &quot;sprx_nosuchcolumn&quot;");
    const drawn = render(url);
    expect(drawn?.status).toBe(200);
    expect(drawn?.body).toContain('data-field="sprx_consent"');
  });

  it("fails a view page whose layout names a column the table does not have, naming it", () => {
    const view = solution.views.find((v) => v.name === "Ready to close");
    const broken: ShippedSolution = { ...solution, views: solution.views.map((v) => (v.id === view!.id ? { ...v, cells: [...v.cells, { name: "sprx_nosuchcolumn", width: 100 }] } : v)) };
    const page = render(`/main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=${view!.id}`, broken);
    expect(page?.status).toBe(500);
    expect(page?.body).toContain("The view &quot;Ready to close&quot; shows the column &quot;sprx_nosuchcolumn&quot;");
  });

  it("names a subgrid's view that the solution does not ship", () => {
    const broken = withFormXml("sprx_engagement", (xml) => xml.replace("{9d2b6c1e-5a7f-4e38-a0c4-7b3e1f5d8a92}", "{00000000-0000-4000-8000-00000000abcd}"));
    const form = broken.forms.find((f) => f.table === "sprx_engagement");
    expect(() => readFormXml(form!, env.dataverse.store.metadata, broken)).toThrow(/00000000-0000-4000-8000-00000000abcd/);
  });
});

describe("drawing from the shipped XML", () => {
  it("reads every shipped main form and dashboard without a problem", () => {
    expect(solution.forms.filter((f) => f.kind === "dashboard").map((f) => f.name)).toEqual(["Supervisor: caseload", "Supervisor: outcomes", "Supervisor: community support"]);
    for (const form of solution.forms) expect(readFormXml(form, env.dataverse.store.metadata, solution).tabs.length).toBeGreaterThan(0);
  });

  it("replaces a view's order, pages it and adds quick find without losing its filter", () => {
    const view = solution.views.find((v) => v.name === "Ready to close");
    const edited = editFetchXml(view!.fetchXml, { order: { attribute: "sprx_name", descending: true }, page: { size: 50, number: 2 }, quickFind: { columns: ["sprx_name"], text: "ENG*1" } });
    expect(edited).toContain('count="50" page="2" returntotalrecordcount="true"');
    expect(edited).toContain('<order attribute="sprx_name" descending="true"');
    expect(edited).not.toContain('<order attribute="sprx_lastsessionon"');
    expect(edited).toContain('<condition attribute="sprx_checklistcomplete" operator="eq" value="1"');
    expect(edited).toContain('<condition attribute="sprx_name" operator="like" value="ENG%1%"');
    const quick = solution.views.find((v) => v.table === "sprx_engagement" && v.queryType === 4);
    expect(quickFindColumns(quick!.fetchXml)).toEqual(["sprx_name"]);
  });

  it("formats dates for en-GB in Europe/London, date-only columns without a zone shift", () => {
    const user = { locale: "en-GB", timeZone: "Europe/London" };
    expect(formatValue({ logicalName: "d", kind: "date" }, { d: "2026-03-29" }, "d", user)).toBe("29/03/2026");
    // 23:30 UTC on 28 June is 00:30 on 29 June in British Summer Time.
    expect(formatValue({ logicalName: "t", kind: "datetime" }, { t: "2026-06-28T23:30:00Z" }, "t", user)).toBe("29/06/2026 00:30");
    expect(formatValue({ logicalName: "n", kind: "integer" }, { n: 12500 }, "n", user)).toBe("12,500");
  });

  it("escapes record values in grids and forms", async () => {
    await env.request("PATCH", "contacts(de0a0001-0000-4000-8000-000000000001)", { firstname: "<img src=x onerror=alert(1)>" });
    const list = render("/main.aspx?pagetype=entitylist&etn=contact");
    expect(list?.body).not.toContain("<img src=x");
    expect(list?.body).toContain("&lt;img src=x");
    const form = render("/main.aspx?pagetype=entityrecord&etn=contact&id=de0a0001-0000-4000-8000-000000000001");
    expect(form?.body).not.toContain("<img src=x");
  });

  it("counts only the view's records in the chart beside it", () => {
    const view = solution.views.find((v) => v.name === "Ready to close");
    const page = render(`/main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=${view!.id}`)?.body ?? "";
    const records = Number(/Ready to close <span class="count">\((\d+) records?\)/.exec(page)?.[1]);
    const stageTable = /Data table: Active engagements by stage<\/summary>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? "";
    const counted = [...stageTable.matchAll(/<td>(\d+)<\/td>/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(records).toBeGreaterThan(0);
    expect(counted).toBe(records);
    // Closed engagements are not in an active view: the closures chart beside it is empty.
    expect(page).toMatch(/Data table: Closures by reason<\/summary>[\s\S]*?No data available/);
  });

  it("draws every shipped chart with a title and data on its table's list", () => {
    const onEngagements = solution.charts.filter((c) => c.table === "sprx_engagement");
    const closed = solution.views.find((v) => v.name === "Closed this quarter");
    const page = render(`/main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=${closed!.id}`);
    for (const chart of onEngagements) expect(page?.body).toContain(`<figcaption id="chart-${onEngagements.indexOf(chart)}-caption">${chart.name}</figcaption>`);
    expect(page?.body?.match(/<rect /g)?.length ?? 0).toBeGreaterThan(0);
    // Community support's chart, on the directory (issue 15).
    const byCategory = solution.views.find((v) => v.name === "Community services by category");
    const directory = render(`/main.aspx?pagetype=entitylist&etn=sprx_communityservice&viewid=${byCategory!.id}`);
    expect(directory?.body).toContain(`<figcaption id="chart-0-caption">Linking success by service category</figcaption>`);
    expect(directory?.body?.match(/<rect /g)?.length ?? 0).toBeGreaterThan(0);
  });

  it("draws a negative measure below the zero line and says when a category has no value", () => {
    const chart = solution.charts.find((c) => c.name === "Change in life satisfaction at closure");
    const svg = chartHtml({ chart: chart!, categoryLabel: "Closure reason", measureLabel: "Avg (Life satisfaction change)", points: [{ category: "Goals met", value: 2 }, { category: "Disengaged", value: -1.5 }, { category: "Other", value: null }] }, "t");
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[0]).toBeGreaterThan(0);
    expect(heights[1]).toBeGreaterThan(0);
    expect(heights[2]).toBe(0);
    expect(svg).toContain("<td>-1.5</td>");
    expect(svg).toContain("<th scope=\"row\">Other</th><td>no value</td>");
    expect(svg).toContain("Disengaged -1.5, Other no value.");
  });

  it("refuses a bad appid and an unknown dashboard plainly", () => {
    expect(render("/main.aspx?appid=nope&pagetype=dashboard")?.status).toBe(400);
    expect(render("/main.aspx?appname=sprx_SocialPrescribing&pagetype=dashboard")?.status).toBe(200);
    expect(render("/main.aspx?appname=msdyn_Other&pagetype=dashboard")?.status).toBe(404);
    expect(render("/main.aspx?pagetype=dashboard&id=00000000-0000-4000-8000-000000000000")?.status).toBe(404);
    expect(render("/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=00000000-0000-4000-8000-000000000000")?.status).toBe(404);
  });
});
