import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FakeWebApi } from "./fakeWebApi";

/** The control's resx as a key → value map, read from the very file the build ships. */
export function resxStrings(control: string): Map<string, string> {
  const xml = readFileSync(join(__dirname, "../../../components", control, "strings", `${control}.1033.resx`), "utf8");
  const strings = new Map<string, string>();
  const decode = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  for (const match of xml.matchAll(/<data name="([^"]+)"[^>]*>\s*<value>([\s\S]*?)<\/value>/g)) strings.set(match[1], decode(match[2]));
  return strings;
}

export const USER_ID = "11111111-1111-4111-8111-111111111111";

export interface FakeContextOptions {
  readonly control: "AppointmentTracker" | "StageGuidance" | "CommunitySupport" | "ClosureChecklist";
  readonly webAPI: FakeWebApi;
  readonly contactId?: string;
  readonly supervisor?: boolean;
  /** Offers the direct Web API path (If-Match) the way model-driven apps expose the org URL. */
  readonly clientUrl?: string;
  /** The user's short date pattern (userSettings.dateFormattingInfo); dd/MM/yyyy by default. */
  readonly datePattern?: string;
}

/**
 * A PCF context as a model-driven form gives it. A string missing from the
 * resx throws, so a test fails instead of showing a key.
 */
export function fakeContext(options: FakeContextOptions): ComponentFramework.Context<never> {
  const strings = resxStrings(options.control);
  const context = {
    mode: { contextInfo: { entityId: options.contactId, entityTypeName: "contact" }, isControlDisabled: false, isVisible: true },
    page: options.clientUrl ? { getClientUrl: () => options.clientUrl } : undefined,
    webAPI: options.webAPI,
    parameters: { contact: { raw: "A person", formatted: "A person" } },
    resources: {
      getString(key: string) {
        const value = strings.get(key);
        if (value === undefined) throw new Error(`The ${options.control} resx has no string "${key}"`);
        return value;
      },
      getResource: () => undefined,
    },
    userSettings: {
      userId: `{${USER_ID.toUpperCase()}}`,
      userName: "Link worker",
      languageId: 1033,
      isRTL: false,
      securityRoles: [],
      dateFormattingInfo: { shortDatePattern: options.datePattern ?? "dd/MM/yyyy" },
      getTimeZoneOffsetMinutes: () => 0,
    },
    formatting: {
      formatDateShort: (d: Date, includeTime?: boolean) => (includeTime ? `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}` : d.toISOString().slice(0, 10)),
      formatInteger: (n: number) => String(n),
    },
    utils: { hasEntityPrivilege: (_table: string, _type: number, depth: number) => depth === 0 || options.supervisor === true },
    fluentDesignLanguage: undefined,
  };
  return context as unknown as ComponentFramework.Context<never>;
}
