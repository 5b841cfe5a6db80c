import { type DayFormatter, dayFormatter } from "../../domain";
import type { StepContext } from "../context";
import type { StepServices } from "./types";

/**
 * The calling user's date format, from their Dataverse user settings
 * (`usersettingscollection(<systemuserid>)`, column `dateformatstring`):
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/usersettings
 * Read only when a message is about to name a date. When the settings cannot
 * be read (no such user, no privilege, an environment without the table) the
 * message still goes out, in dd/MM/yyyy.
 */
export async function userDayFormatter(context: StepContext, services: StepServices): Promise<DayFormatter> {
  const userId = context.initiatingUserId ?? context.userId;
  if (!userId) return dayFormatter(undefined);
  try {
    const settings = await services.dataverse.retrieve<{ dateformatstring?: string | null }>("usersettingscollection", userId, ["dateformatstring"]);
    return dayFormatter(settings.dateformatstring);
  } catch {
    return dayFormatter(undefined);
  }
}
