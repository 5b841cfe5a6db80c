/**
 * The contact form's script, served as /shell/contact-form.js (types stripped
 * when served; the page's Content-Security-Policy allows no inline script).
 * It mounts the controls through the harness, and keeps them in step:
 * each control reloads its own data after it saves, but knows nothing of the
 * others, so after a successful write to the Web API the shell waits for the
 * local Dataverse's async steps to finish (their rollups land after commit)
 * and mounts the other controls again, which loads them afresh. A control
 * that holds the keyboard focus is refreshed only once focus leaves it, so
 * nobody loses their place or what they were typing.
 */
import type { HarnessOptions } from "../../../components/harness/context";
import type { MountedControl } from "../../../components/harness/harness";

interface Harness {
  mount(container: HTMLElement, options: HarnessOptions): MountedControl;
}

const API_PATH = "/api/data/v9.2/";
const IDLE_PATH = "/_emulator/idle";

const form = document.getElementById("sprx-form");
const harness = (window as unknown as { SprxHarness?: Harness }).SprxHarness;

function showProblem(host: HTMLElement, message: string): void {
  const note = document.createElement("p");
  note.setAttribute("role", "alert");
  note.textContent = message;
  host.replaceChildren(note);
}

if (form && harness) {
  const contactId = form.dataset.contactId ?? "";
  const webApiUrl = new URL(API_PATH, window.location.origin).href;
  const hosts = [...form.querySelectorAll<HTMLElement>("[data-control]")];
  const mounted = new Map<HTMLElement, MountedControl>();
  const stale = new Set<HTMLElement>();
  let writesInFlight = 0;

  const mountInto = (host: HTMLElement): void => {
    try {
      // The person the shell acts as (emulator/shell/actingUser.ts): who ticks a check, and whether they supervise.
      const user = { userId: form.dataset.userId, userName: form.dataset.userName, supervisor: form.dataset.supervisor === "true" };
      mounted.set(host, harness.mount(host, { control: host.dataset.control ?? "", contactId, webApiUrl, locale: "en-GB", ...user }));
    } catch (error) {
      showProblem(host, `${host.dataset.label ?? "This control"} could not start: ${error instanceof Error ? error.message : "unknown error"}`);
    }
  };
  const remount = (host: HTMLElement): void => {
    stale.delete(host);
    mounted.get(host)?.unmount();
    mounted.delete(host);
    mountInto(host);
  };
  const holdsFocus = (host: HTMLElement): boolean => host.contains(document.activeElement);
  const nativeFetch = window.fetch.bind(window);

  const refreshWhenIdle = async (): Promise<void> => {
    try {
      await nativeFetch(IDLE_PATH, { headers: { Accept: "application/json" } });
    } catch {
      // The controls can still load what has committed; the rollups follow on the next refresh.
    }
    if (writesInFlight > 0) return; // the last write to finish refreshes
    for (const host of [...stale]) if (!holdsFocus(host)) remount(host);
  };

  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const isWrite = method !== "GET" && method !== "HEAD" && url.origin === window.location.origin && url.pathname.startsWith(API_PATH);
    if (!isWrite) return nativeFetch(input, init);
    // The control that holds the focus is the one saving (its button or field was just used).
    const writer = hosts.find(holdsFocus);
    writesInFlight += 1;
    try {
      const response = await nativeFetch(input, init);
      if (response.ok) {
        for (const host of hosts) if (host !== writer) stale.add(host);
        // The writer reloads itself after saving, so it will see everything committed so far.
        if (writer) stale.delete(writer);
      }
      return response;
    } finally {
      writesInFlight -= 1;
      if (writesInFlight === 0 && stale.size > 0) void refreshWhenIdle();
    }
  };

  form.addEventListener("focusout", (event) => {
    const host = hosts.find((h) => h.contains(event.target as Node));
    const next = event.relatedTarget as Node | null;
    if (host && stale.has(host) && writesInFlight === 0 && !(next && host.contains(next))) remount(host);
  });

  hosts.forEach(mountInto);
} else if (form) {
  for (const host of form.querySelectorAll<HTMLElement>("[data-control]")) showProblem(host, "The control harness did not load: run npm run build, then reload this page.");
}
