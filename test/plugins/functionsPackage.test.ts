import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * `npm run build:functions` makes a deployable Azure Functions app: host.json,
 * a package.json whose main exists and whose dependencies are pinned as here,
 * and an index.js that registers the webhook function when the host loads it.
 */
const root = path.resolve(__dirname, "../..");
let out: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-functions-"));
  execFileSync(process.execPath, [path.join(root, "scripts", "build-functions.mjs")], { env: { ...process.env, SPRX_FUNCTIONS_OUT: out }, stdio: "pipe" });
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

it("writes host.json for the v4 extension bundle within Dataverse's 60 s", () => {
  const host = JSON.parse(fs.readFileSync(path.join(out, "host.json"), "utf8")) as { version: string; functionTimeout: string; extensionBundle: { id: string } };
  expect(host.version).toBe("2.0");
  expect(host.extensionBundle.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
  expect(host.functionTimeout).toBe("00:01:00");
});

it("points package.json main at the bundle and pins the runtime packages as this repository does", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8")) as { main: string; dependencies: Record<string, string> };
  const rootPkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(fs.existsSync(path.join(out, pkg.main))).toBe(true);
  for (const [name, version] of Object.entries(pkg.dependencies)) expect(version).toBe(rootPkg.dependencies[name]);
  expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(["@azure/functions", "@azure/identity"]));
});

it("loads in Node and registers the dataverse-webhook HTTP function", () => {
  const probe = `
    const functions = require("@azure/functions");
    const registered = [];
    functions.app.http = (name, options) => registered.push({ name, route: options.route, methods: options.methods, authLevel: options.authLevel });
    require(${JSON.stringify(path.join(out, "index.js"))});
    process.stdout.write(JSON.stringify(registered));`;
  const output = execFileSync(process.execPath, ["-e", probe], { env: { ...process.env, NODE_PATH: path.join(root, "node_modules") }, encoding: "utf8" });
  expect(JSON.parse(output)).toEqual([{ name: "dataverse-webhook", route: "dataverse-webhook", methods: ["POST"], authLevel: "anonymous" }]);
});
