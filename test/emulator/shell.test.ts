import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { SUPERVISOR_VIEWS } from "../../solution/views";
import { CONTROL_NAMES } from "../../emulator/shell/assets";
import { SCENARIOS, SEEDED_PEOPLE, seedDemoData } from "../../emulator/seed/demoData";
import { FOUNDATION } from "../../emulator/seed/foundation";
import { type TestEnvironment, startTestDataverse } from "./support/localDataverse";

const NOW = new Date("2025-11-24T12:00:00Z");
const FIRST_CONTACT = "de0a0001-0000-4000-8000-000000000001";
/** The shell acts as a link worker unless told otherwise; the local administrator sees everyone. */
const AS_ADMINISTRATOR = { Cookie: `sprx_caller=${FOUNDATION.adminUserId}` };
let env: TestEnvironment;
beforeEach(async () => {
  env = await startTestDataverse({ seed: seedDemoData, now: () => NOW });
});
afterEach(async () => {
  await env.close();
});

describe("app shell", () => {
  it("lists every person with a link to their contact form, on an accessible page (/ opens the app's people view)", async () => {
    const home = await env.request("GET", "/", undefined, AS_ADMINISTRATOR);
    expect(home.status).toBe(200);
    expect(home.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(home.headers.get("Content-Security-Policy")).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(home.text).toMatch(/<html lang="en-GB">/);
    expect(home.text).toMatch(/<main id="main">/);
    expect(home.text).toMatch(/<nav aria-label="Local environment">/);
    expect(home.text.match(/href="\/main\.aspx\?pagetype=entityrecord&amp;etn=contact&amp;id=[0-9a-f-]{36}"/g)).toHaveLength(SEEDED_PEOPLE);
  });

  it("shows the contact, their engagement and says plainly that the controls are not built yet", async () => {
    const page = await env.request("GET", `/contacts/${FIRST_CONTACT}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("ENG-000001");
    expect(page.text).toContain("Establishing");
    expect(page.text).toContain("npm run build");
    expect((await env.request("GET", "/contacts/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("runs every supervisor view as a grid (/views opens the app's engagement views)", async () => {
    const page = await env.request("GET", "/views", undefined, AS_ADMINISTRATOR);
    for (const view of SUPERVISOR_VIEWS) expect(page.text).toContain(`<option value="${view.savedQueryId}"`);
    const disengaged = SUPERVISOR_VIEWS.find((v) => v.name === "Closed as disengaged");
    const closed = await env.request("GET", `/main.aspx?pagetype=entitylist&etn=sprx_engagement&viewid=${disengaged?.savedQueryId ?? ""}`, undefined, AS_ADMINISTRATOR);
    expect(closed.text).toContain('Closed as disengaged <span class="count">(1 record)</span>');
  });

  it("escapes what it shows", async () => {
    await env.request("PATCH", `contacts(${FIRST_CONTACT})`, { firstname: "<script>alert(1)</script>" });
    const page = await env.request("GET", "/");
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect(page.text).toContain("&lt;script&gt;");
  });

  it("resets to the demo data with POST /_emulator/reset, and refuses GET", async () => {
    await env.request("DELETE", "sprx_engagements(de0a0002-0000-4000-8000-000000000001)");
    await env.request("POST", "sprx_OnEngagementClosed", { EngagementId: FIRST_CONTACT, ContactId: FIRST_CONTACT, ClosureReason: 727000000, ClosedOn: "2025-01-01T00:00:00Z", SessionsAttended: 1 });
    expect((await env.request("GET", "/_emulator/reset")).status).toBe(405);
    const reset = await env.request("POST", "/_emulator/reset");
    expect(reset.status).toBe(200);
    expect((await env.request("GET", "sprx_engagements?$count=true&$select=sprx_name")).json["@odata.count"]).toBe(SCENARIOS.length);
    expect((await env.request("GET", "/_emulator/events")).json.value).toEqual([]);
  });

  it("deleting an engagement deletes its sessions, goals, checks and scores with it", async () => {
    const id = "de0a0002-0000-4000-8000-000000000005";
    const count = async (set: string, lookup: string) => (await env.request("GET", `${set}?$count=true&$filter=${lookup} eq ${id}`)).json["@odata.count"];
    expect(await count("sprx_closurechecks", "_sprx_engagementid_value")).toBeGreaterThan(0);
    expect(await count("appointments", "_regardingobjectid_value")).toBeGreaterThan(0);
    expect((await env.request("DELETE", `sprx_engagements(${id})`)).status).toBe(204);
    expect(await count("sprx_closurechecks", "_sprx_engagementid_value")).toBe(0);
    expect(await count("appointments", "_regardingobjectid_value")).toBe(0);
    expect(await count("sprx_goals", "_sprx_engagementid_value")).toBe(0);
  });
});

/** A build output folder like `npm run build` leaves: out/controls/<Name>/bundle.js beside out/harness/*.js. */
function fakeBuild(options: { harness: boolean }): { out: string; controls: string; files: Record<string, string> } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-shell-out-"));
  const files: Record<string, string> = {};
  const write = (relative: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(out, relative)), { recursive: true });
    fs.writeFileSync(path.join(out, relative), text);
    files[`/out/${relative}`] = text;
  };
  for (const name of CONTROL_NAMES) {
    write(`controls/${name}/bundle.js`, `/* ${name} bundle */`);
    write(`controls/${name}/ControlManifest.xml`, "<manifest/>");
  }
  if (options.harness) {
    write("harness/platform.js", "/* platform */");
    write("harness/harness.js", "/* harness */");
  }
  return { out, controls: path.join(out, "controls"), files };
}

/** A GET with the path exactly as given: fetch would normalise "..", a crafted request does not. */
function rawGet(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}`, { method: "GET", path: rawPath }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("contact form with the controls built", () => {
  let built: TestEnvironment;
  let build: ReturnType<typeof fakeBuild>;
  beforeAll(async () => {
    build = fakeBuild({ harness: true });
    built = await startTestDataverse({ seed: seedDemoData, now: () => NOW, controlsDirectory: build.controls });
  });
  afterAll(async () => {
    await built.close();
    fs.rmSync(build.out, { recursive: true, force: true });
  });

  it("lays out the controls in the Social prescribing tab under the person's name, loading scripts only from itself", async () => {
    const page = await built.request("GET", `/contacts/${FIRST_CONTACT}`);
    expect(page.status).toBe(200);
    const policy = page.headers.get("Content-Security-Policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    expect(page.text).toMatch(/<h1>[^<]+<\/h1>/);
    expect(page.text).toContain("Social prescribing");
    expect(page.text).toContain(`data-contact-id="${FIRST_CONTACT}"`);
    expect(page.text.match(/data-control="(\w+)"/g)).toEqual(CONTROL_NAMES.map((name) => `data-control="${name}"`));
    // A link per control near the top, to a section that takes the focus and shows the control's own title.
    const jump = /<nav aria-label="On this form"[^>]*>(.*?)<\/nav>/s.exec(page.text)?.[1] ?? "";
    expect([...jump.matchAll(/<a href="#([\w-]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]])).toEqual([
      ["sprx-section-AppointmentTracker", "Six-appointment tracker"],
      ["sprx-section-StageGuidance", "Stage guidance"],
      ["sprx-section-CommunitySupport", "Community support"],
      ["sprx-section-ClosureChecklist", "Closure checklist"],
    ]);
    for (const name of CONTROL_NAMES) expect(page.text).toMatch(new RegExp(`<div class="form-section" id="sprx-section-${name}" tabindex="-1">\\s*<h3 class="section-title">`));
    // The harness order: platform libraries, each control's bundle, the harness, then the form script.
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual(["/out/harness/platform.js", ...CONTROL_NAMES.map((n) => `/out/controls/${n}/bundle.js`), "/out/harness/harness.js", "/shell/contact-form.js", "/app/record-form.js"]);
    expect(page.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    expect(page.text).not.toContain("npm run build");
  });

  it("serves each built file as JavaScript, byte for byte", async () => {
    for (const [url, text] of Object.entries(build.files).filter(([url]) => url.endsWith(".js"))) {
      const response = await built.request("GET", url);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.text).toBe(text);
    }
  });

  it("serves nothing else from the build folder or the disk, however the path is spelt", async () => {
    const secret = fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8").slice(0, 40);
    for (const attempt of [
      "/out/controls/AppointmentTracker/ControlManifest.xml",
      "/out/controls/Unknown/bundle.js",
      "/out/controls/../../package.json",
      "/out/controls/AppointmentTracker/../../../package.json",
      "/out/harness/%2e%2e/%2e%2e/package.json",
      "/out/controls/AppointmentTracker%2F..%2F..%2F..%2Fpackage.json",
      "/out/harness//platform.js",
      "/shell/../package.json",
    ]) {
      const response = await rawGet(built.dataverse.url(), attempt);
      expect({ attempt, status: response.status }).toEqual({ attempt, status: 404 });
      expect(response.body).not.toContain(secret);
    }
  });

  it("serves the form script as plain JavaScript (types stripped) and the stylesheet as CSS", async () => {
    const script = await built.request("GET", "/shell/contact-form.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(script.text).toContain("SprxHarness");
    expect(script.text).not.toMatch(/import type|: HTMLElement/);
    expect(() => new vm.Script(script.text)).not.toThrow();
    const css = await built.request("GET", "/shell/shell.css");
    expect(css.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(css.text).toContain(".form-sections");
  });
});

it("says plainly that the controls are not built while the harness is missing, even with the bundles there", async () => {
  const build = fakeBuild({ harness: false });
  const partial = await startTestDataverse({ seed: seedDemoData, now: () => NOW, controlsDirectory: build.controls });
  try {
    const page = await partial.request("GET", `/contacts/${FIRST_CONTACT}`);
    expect(page.text).toContain("not built yet");
    expect(page.text).not.toContain('<script src="/out/');
    expect((await partial.request("GET", "/out/harness/harness.js")).status).toBe(404);
  } finally {
    await partial.close();
    fs.rmSync(build.out, { recursive: true, force: true });
  }
});
