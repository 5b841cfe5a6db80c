// Packages the webhook service as an Azure Functions app (v4 programming model)
// in out/functions/: our code bundled into index.js (the packages it uses stay
// external and are installed by the Functions build from package.json), plus
// host.json. Deploy with `func azure functionapp publish <app>` from that
// folder, or zip it for zip deploy with remote build.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(process.env.SPRX_FUNCTIONS_OUT ?? join(root, "out", "functions"));
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// esbuild comes pinned through tsx (as for the controls' harness): pcf-scripts wants an older
// esbuild as an optional peer, so a second top-level copy would fight it.
const esbuild = createRequire(createRequire(join(root, "package.json")).resolve("tsx/package.json"))("esbuild");

/** Runtime packages the service imports; the versions are the ones this repository pins. */
const RUNTIME = ["@azure/functions", "@azure/identity", "@microsoft/microsoft-graph-client"];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [join(root, "plugins", "host", "azureFunction.ts")],
  outfile: join(out, "index.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});
writeFileSync(
  join(out, "package.json"),
  `${JSON.stringify(
    {
      name: "sprx-dataverse-webhook",
      version: rootPackage.version,
      private: true,
      description: "Social Prescribing Engagement: the Dataverse webhook service as an Azure Functions app",
      main: "index.js",
      engines: { node: ">=20" },
      dependencies: Object.fromEntries(RUNTIME.map((name) => [name, rootPackage.dependencies[name]])),
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(out, "host.json"),
  `${JSON.stringify(
    {
      version: "2.0",
      logging: { applicationInsights: { samplingSettings: { isEnabled: true, excludedTypes: "Request" } } },
      extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
      // Dataverse waits 60 s for a webhook; the function never needs longer.
      functionTimeout: "00:01:00",
    },
    null,
    2,
  )}\n`,
);
console.log(`functions: ${out} (index.js, host.json, package.json)`);
