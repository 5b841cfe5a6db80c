import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type BrowserContext, type Locator, type Page, chromium } from "playwright-core";
import { controlsBuilt } from "../../../emulator/shell/assets";
import { type LocalEnvironment, startLocalEnvironment } from "../../../emulator/start";

/**
 * The whole local environment (local Dataverse, webhook service, Graph
 * stand-in) on free ports with a throw-away data folder, and Debian's
 * Chromium driven by playwright-core. Every line any part of it logs is kept,
 * so a test can prove that no personal data reached a log.
 */

const REPO_ROOT = path.resolve(__dirname, "../../..");
export const SCREENSHOTS = path.join(REPO_ROOT, "docs", "screenshots");
export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface E2eEnvironment {
  readonly local: LocalEnvironment;
  readonly browser: BrowserContext;
  readonly page: Page;
  /** Every log line of the run: the environment's output and whatever this process wrote to the console. */
  readonly logs: string[];
  /** Console errors, page errors and Content-Security-Policy violations in the browser. */
  readonly browserProblems: string[];
  /** A Web API request, for arranging data and reading back what the UI did. */
  api(method: string, relative: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Resolves once the local Dataverse's async steps have all run. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** `locale` is the browser's language (en-GB unless a test proves something about another). */
export async function startE2eEnvironment(options: { locale?: string } = {}): Promise<E2eEnvironment> {
  const controls = path.join(REPO_ROOT, "out", "controls");
  if (!controlsBuilt(controls)) throw new Error("The controls are not built: run `npm run build` (npm run test:e2e does it when out/ is missing)");
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-e2e-"));
  const logs: string[] = [];
  const keep = (stream: "log" | "info" | "warn" | "error") => {
    const original = console[stream].bind(console);
    jest.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logs.push(args.map(String).join(" "));
      original(...args);
    });
  };
  (["log", "info", "warn", "error"] as const).forEach(keep);

  const local = await startLocalEnvironment({ port: 0, pluginPort: 0, dataDirectory, print: (line) => logs.push(line) });
  let browser: BrowserContext;
  try {
    browser = await chromium.launchPersistentContext(path.join(dataDirectory, "chromium"), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      locale: options.locale ?? "en-GB",
      timezoneId: "Europe/London",
    });
  } catch (error) {
    await local.stop();
    throw error;
  }
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(20_000);
  const browserProblems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text())) browserProblems.push(message.text());
  });
  page.on("pageerror", (error) => browserProblems.push(error.message));

  const apiRoot = `${local.url}api/data/v9.2/`;
  let stopped = false;
  return {
    local,
    browser,
    page,
    logs,
    browserProblems,
    async api(method, relative, body) {
      const response = await fetch(`${apiRoot}${relative}`, {
        method,
        headers: { Accept: "application/json", "Content-Type": "application/json", Prefer: "return=representation" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async idle() {
      await fetch(`${local.url}_emulator/idle`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await browser.close();
      await local.stop();
      jest.restoreAllMocks();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Polls until the condition holds; fails after `timeoutMs`. */
export async function until(describe: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${describe}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether the element (or something inside it) has the keyboard focus. */
export function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === document.activeElement || element.contains(document.activeElement));
}

/**
 * Moves the focus with Tab (or Shift+Tab) only, as a keyboard user does,
 * until the target has it. Fails, saying where focus got stuck, after `limit` presses.
 */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; limit?: number } = {}): Promise<void> {
  await target.waitFor({ state: "visible" });
  const key = options.backwards ? "Shift+Tab" : "Tab";
  for (let presses = 0; presses < (options.limit ?? 300); presses += 1) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(key);
  }
  const where = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? "nothing");
  throw new Error(`Keyboard focus never reached the target; it is on ${where}`);
}

/** Axe-core's WCAG 2.0, 2.1 and 2.2 level A and AA rules, run in the page. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the page itself allows no inline script.
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(" ")) }));
  }, WCAG_TAGS);
}
