import { fetchWebApi } from "./webApi";

export interface HarnessOptions {
  /** Constructor name in the SocialPrescribing namespace (sprx_SocialPrescribing.* once packed), e.g. "AppointmentTracker". */
  readonly control: string;
  readonly contactId: string;
  /** e.g. "http://127.0.0.1:8080/api/data/v9.2". */
  readonly webApiUrl: string;
  readonly userId?: string;
  readonly userName?: string;
  /** Grants business-unit write on engagements, as the Supervisor role does. */
  readonly supervisor?: boolean;
  /** Fixed offset from UTC in minutes; the browser's own zone when omitted. */
  readonly timeZoneOffsetMinutes?: number;
  readonly locale?: string;
  readonly fetch?: typeof fetch;
}

export const DEMO_USER_ID = "00000000-0000-0000-0000-00000000a001";

/** A ComponentFramework.Context as a model-driven contact form gives it, over the local Dataverse. */
export function harnessContext(
  options: HarnessOptions,
  strings: Readonly<Record<string, string>>,
  requestRender: () => void,
  width: () => number,
): ComponentFramework.Context<unknown> {
  const locale = options.locale ?? "en-GB";
  const offset = (date?: Date) => options.timeZoneOffsetMinutes ?? -(date ?? new Date()).getTimezoneOffset();
  // Intl in UTC after shifting by the user's offset: the user's time zone, whatever the browser's.
  const shifted = (date: Date) => new Date(date.getTime() + offset(date) * 60_000);
  const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric" });
  const time = new Intl.DateTimeFormat(locale, { timeZone: "UTC", hour: "2-digit", minute: "2-digit" });
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = (precision = 2) => new Intl.NumberFormat(locale, { minimumFractionDigits: precision, maximumFractionDigits: precision });
  const clientUrl = new URL(options.webApiUrl, window.location.href).href.replace(/\/api\/data\/v[\d.]+\/?$/, "");

  const context = {
    client: { disableScroll: false, getFormFactor: () => (width() < 600 ? 3 : width() < 1024 ? 2 : 1), getClient: () => "Web", isOffline: () => false, isNetworkAvailable: () => true },
    mode: {
      allocatedHeight: -1,
      get allocatedWidth() {
        return width();
      },
      isControlDisabled: false,
      isVisible: true,
      label: "",
      contextInfo: { entityId: options.contactId, entityTypeName: "contact", entityRecordName: "" },
      setControlState: () => true,
      setFullScreen: () => undefined,
      trackContainerResize: () => undefined,
    },
    page: { getClientUrl: () => clientUrl },
    parameters: { contact: { raw: "", formatted: "", type: "SingleLine.Text", error: false, errorMessage: "" } },
    updatedProperties: [],
    events: {},
    factory: { requestRender, getPopupService: () => undefined },
    webAPI: fetchWebApi(options.webApiUrl, options.fetch),
    resources: {
      getString: (key: string) => strings[key] ?? key,
      getResource: (_id: string, _success: (data: string) => void, failure: () => void) => failure(),
    },
    userSettings: {
      userId: `{${(options.userId ?? DEMO_USER_ID).toUpperCase()}}`,
      userName: options.userName ?? "Demo link worker",
      languageId: 1033,
      isRTL: false,
      securityRoles: [],
      dateFormattingInfo: { shortDatePattern: "dd/MM/yyyy", shortTimePattern: "HH:mm", firstDayOfWeek: 1 },
      numberFormattingInfo: { numberDecimalSeparator: ".", numberGroupSeparator: "," },
      getTimeZoneOffsetMinutes: offset,
    },
    formatting: {
      formatDateShort: (value: Date, includeTime?: boolean) =>
        includeTime ? `${day.format(shifted(value))} ${time.format(shifted(value))}` : day.format(shifted(value)),
      formatDateLong: (value: Date) => new Intl.DateTimeFormat(locale, { timeZone: "UTC", dateStyle: "full" }).format(shifted(value)),
      formatDateLongAbbreviated: (value: Date) => new Intl.DateTimeFormat(locale, { timeZone: "UTC", dateStyle: "medium" }).format(shifted(value)),
      formatDateYearMonth: (value: Date) => new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long" }).format(shifted(value)),
      formatDateAsFilterStringInUTC: (value: Date, includeTime?: boolean) => (includeTime ? value.toISOString() : value.toISOString().slice(0, 10)),
      formatTime: (value: Date, behavior: number) => time.format(behavior === 1 ? shifted(value) : value),
      formatInteger: (value: number) => integer.format(value),
      formatDecimal: (value: number, precision?: number) => decimal(precision).format(value),
      formatCurrency: (value: number, precision?: number, symbol?: string) => `${symbol ?? "£"}${decimal(precision).format(value)}`,
      formatLanguage: (value: number) => (value === 1033 ? "English" : String(value)),
      getWeekOfYear: (value: Date) => {
        const d = new Date(Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate()));
        d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
        return Math.ceil(((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
      },
    },
    utils: {
      // Link workers write their own engagements (Basic); supervisors the business unit's (Local).
      hasEntityPrivilege: (_entity: string, _type: number, depth: number) => depth === 0 || options.supervisor === true,
      getEntityMetadata: () => Promise.reject(new Error("Metadata is not available in the local harness")),
      lookupObjects: () => Promise.resolve([]),
    },
    navigation: {},
    device: {},
    fluentDesignLanguage: undefined,
  };
  return context as unknown as ComponentFramework.Context<unknown>;
}
