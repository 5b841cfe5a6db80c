import * as React from "react";
import { Input, type InputProps } from "@fluentui/react-components";
import { dayFromIso, formatDayAs, parseDayAs } from "../../domain";
import type { ControlEnvironment } from "./hostContext";

/**
 * A date typed and shown in the user's own format from their Dynamics
 * settings (`userSettings.dateFormattingInfo.shortDatePattern`), whatever
 * language the browser runs in — a native date input follows the browser
 * instead. Fluent's DatePicker is not part of @fluentui/react-components
 * 9.46.2, the platform library these controls use; its separate package
 * (@fluentui/react-datepicker-compat) needs newer Fluent internals than the
 * platform provides, so it would be bundled beside them. The field's hint
 * shows the format; the parent keeps the text and reads it with dayFromText.
 */
export function DayInput(props: { env: ControlEnvironment; value: string; onChange: (text: string) => void } & Omit<InputProps, "value" | "onChange" | "type">): React.ReactElement {
  const { env, value, onChange, ...rest } = props;
  return <Input {...rest} type="text" inputMode="numeric" autoComplete="off" placeholder={formatHint(env)} value={value} onChange={(_, d) => onChange(d.value)} />;
}

/** "dd/mm/yyyy": the user's pattern as people read it. */
export function formatHint(env: ControlEnvironment): string {
  return env.datePattern.toLowerCase();
}

/** A stored "YYYY-MM-DD" as the user writes it; "" for none. */
export function dayText(env: ControlEnvironment, iso: string | null | undefined): string {
  if (!iso) return "";
  try {
    return formatDayAs(dayFromIso(iso.slice(0, 10)), env.datePattern);
  } catch {
    return "";
  }
}

/** The typed text as "YYYY-MM-DD", or undefined when it is not a day in the user's format. */
export function dayFromText(env: ControlEnvironment, text: string): string | undefined {
  return parseDayAs(text, env.datePattern);
}
