// Production build of the three PCF controls and the browser harness that
// hosts them in the local app shell. `pcf-scripts build` exits 0 even when
// TypeScript, ESLint or webpack fail, so success is judged here: its
// "[build] Succeeded" line and the files each control must produce.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { XMLParser } from "fast-xml-parser";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outControls = join(root, "out", "controls");
const outHarness = join(root, "out", "harness");
/** Platform libraries are external, so a control this large has pulled in something it should not. */
const BUNDLE_LIMIT_BYTES = 60 * 1024;

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

const controls = readdirSync(join(root, "components")).filter((name) =>
  existsSync(join(root, "components", name, "ControlManifest.Input.xml")),
);
if (controls.length === 0) fail("no controls found under components/");

const pcf = spawnSync(process.execPath, [join(root, "node_modules", "pcf-scripts", "bin", "pcf-scripts.js"), "build", "--buildMode", "production"], {
  cwd: root,
  env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" },
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
process.stdout.write(pcf.stdout ?? "");
process.stderr.write(pcf.stderr ?? "");
if (pcf.status !== 0 || !/\[build\] Succeeded/.test(pcf.stdout ?? "")) fail("pcf-scripts build did not succeed (see its output above)");

const sizes = [];
for (const name of controls) {
  for (const file of ["bundle.js", "ControlManifest.xml"]) {
    if (!existsSync(join(outControls, name, file))) fail(`out/controls/${name}/${file} was not produced`);
  }
  const bytes = statSync(join(outControls, name, "bundle.js")).size;
  if (bytes > BUNDLE_LIMIT_BYTES) fail(`${name}/bundle.js is ${bytes} bytes, over the ${BUNDLE_LIMIT_BYTES}-byte budget`);
  sizes.push({ control: name, "bundle.js bytes": bytes });
}

// The harness: React, ReactDOM and Fluent under the globals the platform-library
// externals name, and the PCF context over fetch for the local Dataverse.
const requireFromTsx = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"));
const esbuild = requireFromTsx("esbuild");
const resx = {};
const resxParser = new XMLParser({ ignoreAttributes: false, isArray: (tag) => tag === "data", parseTagValue: false, trimValues: false });
for (const name of controls) {
  const xml = readFileSync(join(root, "components", name, "strings", `${name}.1033.resx`), "utf8");
  const entries = resxParser.parse(xml).root?.data ?? [];
  resx[name] = Object.fromEntries(entries.map((entry) => [entry["@_name"], String(entry.value ?? "")]));
}
mkdirSync(outHarness, { recursive: true });
for (const [entry, outfile] of [["platform.ts", "platform.js"], ["harness.ts", "harness.js"]]) {
  await esbuild.build({
    entryPoints: [join(root, "components", "harness", entry)],
    outfile: join(outHarness, outfile),
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    platform: "browser",
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"', __SPRX_RESX__: JSON.stringify(resx) },
    logLevel: "warning",
  });
}
writeFileSync(join(outHarness, "controls.json"), JSON.stringify(controls));
for (const file of ["platform.js", "harness.js"]) sizes.push({ control: `harness/${file}`, "bundle.js bytes": statSync(join(outHarness, file)).size });

// solution/src/Controls/<name>/ gets the built files beside the generated .data.xml, so
// `pac solution pack --folder solution/src` has everything (solution/stage.ts).
const stage = spawnSync(process.execPath, ["--import", "tsx", join(root, "solution", "stage.ts")], { cwd: root, stdio: "inherit" });
if (stage.status !== 0) fail("staging the controls into solution/src failed (see above)");

console.table(sizes);
console.log("build: succeeded");
