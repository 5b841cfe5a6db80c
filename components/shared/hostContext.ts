import { createGateway, type DirectWebApi } from "./gateway";
import { createEngagementStore, type EngagementStore } from "./store";
import { createFormat, userCalendar, type Format } from "./format";
import { createStrings, type Strings } from "./strings";
import type { Theme } from "@fluentui/react-components";
import { DEFAULT_DATE_FORMAT, type Calendar } from "../../domain";

/** What every control receives as props: the PCF context adapted once, nothing else. */
export interface ControlEnvironment {
  readonly contactId?: string;
  readonly store: EngagementStore;
  readonly strings: Strings;
  readonly format: Format;
  readonly calendar: Calendar;
  readonly offsetMinutes: (instant: Date) => number;
  /** The user's short date pattern from their settings, e.g. "dd/MM/yyyy"; dates are typed and shown in it. */
  readonly datePattern: string;
  readonly userId: string;
  /**
   * Write on engagements beyond the user's own (business unit or wider): the
   * Supervisor role's depth, where link workers write only their own. Read from
   * the privileges the platform already holds, so no request and no role GUIDs;
   * the server still enforces who may reopen.
   */
  readonly isSupervisor: boolean;
  readonly theme?: Theme;
  readonly now: () => Date;
}

/** Parts of the context that model-driven apps provide but the public typings do not declare. */
interface ModelDrivenExtras {
  mode: { contextInfo?: { entityId?: string; entityTypeName?: string } };
  page?: { getClientUrl?: () => string };
}

/** The contact the form shows, or undefined on a new (unsaved) contact or another table's form. */
export function contactIdOf(context: ComponentFramework.Context<unknown>): string | undefined {
  const info = (context as unknown as ModelDrivenExtras).mode.contextInfo;
  if (info?.entityTypeName !== "contact" || !info.entityId) return undefined;
  return info.entityId;
}

function directWebApi(context: ComponentFramework.Context<unknown>): DirectWebApi | undefined {
  const clientUrl = (context as unknown as ModelDrivenExtras).page?.getClientUrl?.();
  if (!clientUrl || typeof fetch !== "function") return undefined;
  return { clientUrl, fetch: (input, init) => fetch(input, init) };
}

export function environmentFrom(context: ComponentFramework.Context<unknown>): ControlEnvironment {
  const offsetMinutes = (instant: Date) => context.userSettings.getTimeZoneOffsetMinutes(instant);
  return {
    contactId: contactIdOf(context),
    store: createEngagementStore(createGateway(context.webAPI, directWebApi(context))),
    strings: createStrings(context.resources),
    format: createFormat(context.formatting),
    calendar: userCalendar(context.userSettings),
    offsetMinutes,
    datePattern: context.userSettings.dateFormattingInfo?.shortDatePattern || DEFAULT_DATE_FORMAT,
    userId: context.userSettings.userId,
    isSupervisor: ([1, 2, 3] as const).some((depth) => context.utils.hasEntityPrivilege("sprx_engagement", 3, depth)),
    // The platform's Fluent v9 theme when the app has one (its typings leave the type open).
    theme: context.fluentDesignLanguage?.tokenTheme as Theme | undefined,
    now: () => new Date(),
  };
}
