/**
 * `npm run screenshots:app`: the model-driven app's pictures for the README —
 * a view, a record form, a chart and a dashboard — taken in Debian's Chromium
 * from a whole local environment with the demo data, started on free ports
 * with a throw-away data folder. Writes docs/screenshots/app-*.png.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { startLocalEnvironment } from "../emulator/start";

const OUT = path.resolve(__dirname, "..", "docs", "screenshots");

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-shots-"));
  const local = await startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory, print: () => undefined });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--lang=en-GB"], env: { ...process.env, LANG: "en_GB.UTF-8", LANGUAGE: "en_GB" } });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: "en-GB", timezoneId: "Europe/London" });
    const open = async (relative: string) => {
      const response = await page.goto(new URL(relative, local.url).href);
      if (response?.status() !== 200) throw new Error(`${relative} answered ${response?.status() ?? "nothing"}`);
    };
    const shots: string[] = [];
    const save = async (name: string, take: (file: string) => Promise<unknown>) => {
      const file = path.join(OUT, name);
      await take(file);
      shots.push(path.relative(process.cwd(), file));
    };

    await open("/main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=05bd048a-ccb5-49b3-9670-7b48c960ee91");
    await save("app-view.png", (file) => page.screenshot({ path: file }));
    await save("app-chart.png", (file) => page.getByRole("figure", { name: "Active engagements by stage" }).screenshot({ path: file }));

    const response = await fetch(new URL("/api/data/v9.2/sprx_engagements?$select=sprx_engagementid&$filter=statecode eq 0 and sprx_sessionsattended gt 1&$top=1", local.url));
    const [engagement] = ((await response.json()) as { value: { sprx_engagementid: string }[] }).value;
    await open(`/main.aspx?pagetype=entityrecord&etn=sprx_engagement&id=${engagement.sprx_engagementid}`);
    await save("app-form.png", (file) => page.screenshot({ path: file }));

    await open("/main.aspx?pagetype=dashboard&id=3f6b1c9e-8d2a-4e57-b0c4-9a1e7d5f2c61");
    await save("app-dashboard.png", (file) => page.screenshot({ path: file, fullPage: true }));

    await page.setViewportSize({ width: 390, height: 844 });
    await open("/main.aspx?pagetype=entitylist&etn=contact");
    await save("app-people-phone.png", (file) => page.screenshot({ path: file }));
    console.log(`Wrote ${shots.join(", ")}`);
  } finally {
    await browser.close();
    await local.stop();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
