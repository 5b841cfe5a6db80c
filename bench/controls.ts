import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { createGateway } from "../components/shared/gateway";
import { createEngagementStore } from "../components/shared/store";
import { fetchWebApi } from "../components/harness/webApi";
import { createLocalDataverse } from "../emulator/server";
import { seedDemoData } from "../emulator/seed/demoData";
import type { Figure, Section } from "./report";

const REPO_ROOT = path.resolve(__dirname, "..");
const CONTROLS = ["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"] as const;
const BUNDLE_LIMIT = 60 * 1024;

/**
 * Web API requests when the contact form loads: each of the four controls
 * gets its own context, gateway and store (as `environmentFrom` gives them in
 * a model-driven app) and runs its load against the local Dataverse, seeded
 * with the demo data, over HTTP; the server counts what reaches it.
 */
export async function benchFormLoad(): Promise<Section> {
  const dataverse = createLocalDataverse({ databaseFile: ":memory:", seed: seedDemoData });
  const received: string[] = [];
  dataverse.server.prependListener("request", (request: { method?: string; url?: string }) => {
    if (request.url?.startsWith("/api/data/")) received.push(`${request.method ?? ""} ${request.url.split("?")[0]}`);
  });
  await new Promise<void>((resolve) => dataverse.server.listen(0, "127.0.0.1", resolve));
  try {
    const clientUrl = dataverse.url().replace(/\/$/, "");
    const people = (await (await fetch(`${clientUrl}/api/data/v9.2/sprx_engagements?$select=_sprx_contactid_value&$filter=statecode eq 0&$top=1`)).json()) as { value: { _sprx_contactid_value: string }[] };
    const contactId = people.value[0]?._sprx_contactid_value;
    if (!contactId) throw new Error("The demo data has no active engagement to load");
    received.length = 0;
    const loaded = await Promise.all(
      CONTROLS.map(() => {
        const direct = { clientUrl, fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) };
        return createEngagementStore(createGateway(fetchWebApi(`${clientUrl}/api/data/v9.2/`), direct)).loadForContact(contactId);
      }),
    );
    if (loaded.some((data) => !data.engagement)) throw new Error("A control loaded no engagement for the demo contact");
    const perControl = received.length / CONTROLS.length;
    // What the same data would cost read one table at a time: the engagement, its five child tables and the past engagements.
    const perTable = CONTROLS.length * 7;
    const figures: Figure[] = [
      {
        area: "Contact form",
        figure: `Web API requests, ${CONTROLS.length} controls loading`,
        value: `${received.length} (${perControl} per control)`,
        comparedWith: `${perTable} reading one table per request`,
        ratio: received.length / perTable,
        target: `≤ 2 per control (${2 * CONTROLS.length})`,
        met: received.length <= 2 * CONTROLS.length,
      },
    ];
    return {
      name: "formLoad",
      figures,
      data: { requests: received, perControl, oneTablePerRequest: perTable },
      method: "Each control's store (its own gateway, as on a model-driven form) loads the demo contact's engagement from the local Dataverse over HTTP; requests counted at the server.",
    };
  } finally {
    await dataverse.close();
  }
}

/** Production bundle of each control, platform libraries external; builds only when out/controls is missing. */
export function benchBundles(): Section {
  const outDir = path.join(REPO_ROOT, "out", "controls");
  const missing = CONTROLS.some((name) => !fs.existsSync(path.join(outDir, name, "bundle.js")));
  if (missing) execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "inherit", env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" } });
  const sizes = CONTROLS.map((name) => {
    const bundle = fs.readFileSync(path.join(outDir, name, "bundle.js"));
    return { name, bytes: bundle.length, gzipBytes: gzipSync(bundle, { level: 9 }).length };
  });
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return {
    name: "bundles",
    figures: sizes.map((s): Figure => ({
      area: "Control bundle",
      figure: s.name,
      value: `${kb(s.bytes)} (${kb(s.gzipBytes)} gzipped)`,
      comparedWith: `60 KB budget`,
      ratio: s.bytes / BUNDLE_LIMIT,
      target: "< 60 KB before gzip",
      met: s.bytes < BUNDLE_LIMIT,
    })),
    data: { built: missing, sizes },
    method: "out/controls/<Name>/bundle.js from `npm run build` (production, React and Fluent UI from the platform); gzip level 9 in Node.",
  };
}
