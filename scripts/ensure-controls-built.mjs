// Builds the controls and their harness once, when any output is missing, so
// `npm start` and the browser tests always have the real controls to host.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outputs = [
  "out/harness/platform.js",
  "out/harness/harness.js",
  ...["AppointmentTracker", "StageGuidance", "CommunitySupport", "ClosureChecklist"].map((name) => `out/controls/${name}/bundle.js`),
];
const missing = outputs.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.log(`Building the controls first (missing ${missing.join(", ")}); this takes a minute or two, once.`);
  const build = spawnSync(process.execPath, [join(root, "scripts", "build-controls.mjs")], { stdio: "inherit", cwd: root });
  process.exit(build.status ?? 1);
}
