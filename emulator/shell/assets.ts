import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { ApiResponse } from "../webapi/webApi";

/**
 * The files the contact page loads: the controls and harness that `npm run
 * build` writes (out/controls/<Name>/bundle.js, out/harness/*.js, side by
 * side), and the shell's own stylesheet and form script. Each URL maps to one
 * known file; no part of a request path ever becomes part of a file path, so
 * nothing else on disk can be reached.
 */

export const CONTROL_NAMES = ["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

/** The landmark each control renders, by the name DESIGN section 4 gives it. */
export const CONTROL_LABELS: Readonly<Record<ControlName, string>> = {
  AppointmentTracker: "Six-appointment tracker",
  StageGuidance: "Stage guidance",
  CommunitySupport: "Community support",
  ClosureChecklist: "Closure checklist",
};

export const HARNESS_SCRIPTS = ["/out/harness/platform.js", ...CONTROL_NAMES.map((name) => `/out/controls/${name}/bundle.js`), "/out/harness/harness.js"] as const;
export const FORM_SCRIPT = "/shell/contact-form.js";

/** URL path → path below the build output folder (the parent of out/controls). */
const BUILT_FILES: ReadonlyMap<string, string> = new Map(HARNESS_SCRIPTS.map((url) => [url, url.slice("/out/".length)]));

function builtFile(controlsDirectory: string, relative: string): string {
  return path.join(path.dirname(path.resolve(controlsDirectory)), ...relative.split("/"));
}

/** Whether every file the contact page needs has been built. */
export function controlsBuilt(controlsDirectory: string | undefined): boolean {
  if (!controlsDirectory) return false;
  return [...BUILT_FILES.values()].every((relative) => fs.existsSync(builtFile(controlsDirectory, relative)));
}

const ASSET_HEADERS = { "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache" };
const javascript = (body: string): ApiResponse => ({ status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8", ...ASSET_HEADERS }, body });

/** The stylesheet and the form script: read once, the script transpiled from its TypeScript source. */
let shellAssets: { css: string; formScript: string } | undefined;

interface Transformer {
  transformSync(code: string, options: { loader: "ts"; format: "iife"; target: string; sourcefile: string }): { code: string };
}

function loadShellAssets(): { css: string; formScript: string } {
  if (shellAssets) return shellAssets;
  // esbuild ships with tsx, which runs the local environment; it strips the types and nothing else.
  const esbuild = createRequire(require.resolve("tsx/package.json"))("esbuild") as Transformer;
  const source = path.join(__dirname, "browser", "contactForm.ts");
  const formScript = esbuild.transformSync(fs.readFileSync(source, "utf8"), { loader: "ts", format: "iife", target: "es2020", sourcefile: "contactForm.ts" }).code;
  shellAssets = { css: fs.readFileSync(path.join(__dirname, "assets", "shell.css"), "utf8"), formScript };
  return shellAssets;
}

/** The asset at this URL path, or undefined when the path is not an asset (the shell then answers 404). */
export function serveAsset(urlPath: string, controlsDirectory: string | undefined): ApiResponse | undefined {
  if (urlPath === "/shell/shell.css") return { status: 200, headers: { "Content-Type": "text/css; charset=utf-8", ...ASSET_HEADERS }, body: loadShellAssets().css };
  if (urlPath === FORM_SCRIPT) return javascript(loadShellAssets().formScript);
  const relative = BUILT_FILES.get(urlPath);
  if (relative === undefined || !controlsDirectory) return undefined;
  const file = builtFile(controlsDirectory, relative);
  // Read on each request: `npm run build` may replace the bundles while the environment runs.
  if (!fs.existsSync(file)) return undefined;
  return javascript(fs.readFileSync(file, "utf8"));
}
