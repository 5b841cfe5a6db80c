/**
 * The record form's save, served as /app/record-form.js (types stripped; the
 * page's Content-Security-Policy allows no inline script). It sends only the
 * changed columns in one Web API PATCH with the record's etag in If-Match, so
 * the pipeline's steps run as for any other client; a refusal is shown as
 * Dataverse shows it, in a dialog with the server's message. After a save it
 * waits for the local Dataverse's async steps and reloads the record. It
 * acts as the page's user (MSCRMCallerID, https://learn.microsoft.com/sv-se/previous-versions/dynamicscrm-2016/developers-guide/mt607702(v=crm.8)).
 */

const API_PATH = "/api/data/v9.2/";
const commands = document.getElementById("record-form") as HTMLFormElement | null;

type Value = string | number | boolean | null | string[];

function currentValue(element: HTMLElement): { value: Value; initial: string; changed: boolean; invalid?: boolean } {
  const kind = element.dataset.kind ?? "string";
  const initial = element.dataset.initial ?? "";
  if (kind === "multiselect") {
    const chosen = [...document.querySelectorAll<HTMLInputElement>(`input[data-option-of="${element.dataset.field ?? ""}"]`)].filter((b) => b.checked).map((b) => b.value).sort();
    return { value: chosen.length ? chosen.join(",") : null, initial, changed: chosen.join(",") !== initial };
  }
  const input = element as HTMLInputElement;
  switch (kind) {
    case "boolean": return { value: input.checked, initial, changed: String(input.checked) !== initial };
    case "integer": case "bigint": case "decimal": return { value: input.value === "" ? null : Number(input.value), initial, changed: input.value !== initial };
    case "picklist": return { value: input.value === "" ? null : Number(input.value), initial, changed: input.value !== initial };
    case "date": {
      const day = parseDay(input.value);
      return { value: day, initial, changed: input.value.trim() !== initial, invalid: input.value.trim() !== "" && day === null };
    }
    case "datetime": {
      const when = parseDateTime(input.value, input.dataset.timeZone ?? "Europe/London");
      return { value: when, initial, changed: input.value.trim() !== initial, invalid: input.value.trim() !== "" && when === null };
    }
    case "lookup": {
      // The typed name must be one of the list's records, or still the record's current name.
      const match = input.list ? [...input.list.options].find((o) => o.value === input.value) : undefined;
      const unchanged = input.value === (input.dataset.initialName ?? "");
      const id = input.value === "" ? "" : match?.dataset.id ?? (unchanged ? initial : "");
      return { value: id || null, initial, changed: id !== initial, invalid: input.value !== "" && !id };
    }
    default: return { value: input.value === "" ? null : input.value, initial, changed: input.value !== initial };
  }
}

/** dd/mm/yyyy → yyyy-mm-dd, or null when it is not a calendar day. */
function parseDay(text: string): string | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** dd/mm/yyyy hh:mm in the user's time zone → ISO instant, or null. */
function parseDateTime(text: string, timeZone: string): string | null {
  const match = /^(\S+)\s+(\d{1,2}):(\d{2})$/.exec(text.trim());
  const day = match ? parseDay(match[1]) : null;
  if (!match || !day || Number(match[2]) > 23 || Number(match[3]) > 59) return null;
  // The instant whose wall-clock time in the zone is the one typed (checked both sides of a clock change).
  const wall = Date.parse(`${day}T${match[2].padStart(2, "0")}:${match[3]}:00Z`);
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute")) - instant;
  };
  const first = wall - offsetAt(wall);
  const instant = wall - offsetAt(first);
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Dynamics shows a server-side refusal as "Business Process Error"; the form's own checks get their own title. */
function showRefusal(message: string, title = "Business Process Error"): void {
  const dialog = document.getElementById("save-error") as HTMLDialogElement | null;
  const text = document.getElementById("save-error-message");
  const heading = document.getElementById("save-error-title");
  if (heading) heading.textContent = title;
  if (!dialog || !text) {
    window.alert(message);
    return;
  }
  text.textContent = message;
  dialog.showModal();
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON: fall through to the status
  }
  return `The record could not be saved (${response.status} ${response.statusText}).`;
}

if (commands) {
  const status = commands.querySelector<HTMLElement>(".save-status");
  commands.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      const body: Record<string, unknown> = {};
      for (const element of document.querySelectorAll<HTMLElement>("[data-field][data-kind]")) {
        if ((element as HTMLInputElement).readOnly) continue;
        const { value, changed, invalid } = currentValue(element);
        const field = element.dataset.field ?? "";
        if (invalid) {
          const input = element as HTMLInputElement;
          const label = input.labels?.[0]?.textContent?.replace("*", "").trim() ?? field;
          showRefusal(element.dataset.kind === "lookup"
            ? `“${input.value}” is not a record you can choose for ${label}. Choose one from the list.`
            : `“${input.value}” is not a valid ${label}. Use the format ${element.dataset.kind === "date" ? "dd/mm/yyyy" : "dd/mm/yyyy hh:mm"}.`, "Invalid value");
          revealTabOf(input);
          input.focus();
          return;
        }
        if (!changed) continue;
        if (element.dataset.kind === "lookup") {
          body[`${element.dataset.navigation ?? field}@odata.bind`] = value === null ? null : `/${element.dataset.targetSet ?? ""}(${String(value)})`;
        } else body[field] = value;
      }
      if (Object.keys(body).length === 0) {
        if (status) status.textContent = "Nothing to save.";
        return;
      }
      if (status) status.textContent = "Saving…";
      const response = await fetch(`${API_PATH}${commands.dataset.entitySet ?? ""}(${commands.dataset.id ?? ""})`, {
        method: "PATCH",
        headers: { Accept: "application/json", "Content-Type": "application/json", "OData-Version": "4.0", "If-Match": commands.dataset.etag ?? "*",
          // The save acts as the user the page was drawn for, as a model-driven app's requests do.
          ...(commands.dataset.callerId ? { MSCRMCallerID: commands.dataset.callerId } : {}) },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        if (status) status.textContent = "Not saved.";
        showRefusal(await errorMessage(response));
        return;
      }
      if (status) status.textContent = "Saved. Refreshing…";
      try {
        await fetch("/_emulator/idle", { headers: { Accept: "application/json" } });
      } catch {
        // the reload still shows what has committed
      }
      window.location.reload();
    })();
  });
}

/**
 * Tabs: without script every tab is shown in order under a list of links; with
 * it, one tab at a time as a model-driven form shows them, chosen from a tab
 * list (arrow keys, Home and End move between tabs, as the ARIA tabs pattern
 * asks: https://www.w3.org/WAI/ARIA/apg/patterns/tabs/).
 */
const tabLinks = document.querySelector<HTMLElement>("nav.form-tabs");
const panels = [...document.querySelectorAll<HTMLElement>("section.form-tab")];
let selectTab: (index: number, focus: boolean) => void = () => undefined;
if (tabLinks && panels.length > 1) {
  const list = document.createElement("div");
  list.setAttribute("role", "tablist");
  list.setAttribute("aria-label", "Form tabs");
  list.className = "form-tabs";
  const buttons = panels.map((panel) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "form-tab-button";
    button.setAttribute("role", "tab");
    button.id = `${panel.id}-tab`;
    button.setAttribute("aria-controls", panel.id);
    button.textContent = panel.querySelector("h2")?.textContent ?? "";
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", button.id);
    list.append(button);
    return button;
  });
  selectTab = (index, focus) => {
    buttons.forEach((button, i) => {
      button.setAttribute("aria-selected", String(i === index));
      button.tabIndex = i === index ? 0 : -1;
      panels[i].hidden = i !== index;
    });
    if (focus) buttons[index].focus();
  };
  buttons.forEach((button, index) => {
    button.addEventListener("click", () => selectTab(index, false));
    button.addEventListener("keydown", (event) => {
      const last = buttons.length - 1;
      const next = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(next, true);
    });
  });
  tabLinks.replaceWith(list);
  const fromHash = panels.findIndex((panel) => `#${panel.id}` === window.location.hash);
  selectTab(Math.max(0, fromHash), false);
}

/** Shows the tab holding a field before it takes the focus (a refusal names a field on another tab). */
function revealTabOf(element: HTMLElement): void {
  const index = panels.findIndex((panel) => panel.contains(element));
  if (index >= 0 && panels[index].hidden) selectTab(index, false);
}
