import * as React from "react";
import { Field, Input, makeStyles, tokens } from "@fluentui/react-components";
import { DayInput, dayFromText, dayText, formatHint } from "./DayInput";
import { fromLocalInput, toLocalInput } from "./format";
import type { ControlEnvironment } from "./hostContext";

const useStyles = makeStyles({
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "start" },
  time: { maxWidth: "8rem" },
});

/** A session's start as typed: the day in the user's date format, the time as 24-hour hh:mm. */
export interface DayTime {
  readonly day: string;
  readonly time: string;
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export function dayTimeOf(env: ControlEnvironment, instant: Date): DayTime {
  const local = toLocalInput(instant, env.offsetMinutes);
  return { day: dayText(env, local.slice(0, 10)), time: local.slice(11, 16) };
}

/** The instant the user means, in their time zone; undefined unless both parts are valid. */
export function instantOf(env: ControlEnvironment, value: DayTime): Date | undefined {
  const day = dayFromText(env, value.day);
  const time = TIME.exec(value.time.trim());
  if (!day || !time) return undefined;
  return fromLocalInput(`${day}T${time[1].padStart(2, "0")}:${time[2]}`, env.offsetMinutes);
}

/**
 * Date and start time as two fields, the date in the user's own format (see
 * DayInput) — a native datetime-local input would follow the browser's
 * language instead.
 */
export function DateTimeFields(props: {
  env: ControlEnvironment;
  value: DayTime;
  onChange: (value: DayTime) => void;
  dateLabel: string;
  timeLabel: string;
  required?: boolean;
  dateProblem?: string;
  timeProblem?: string;
}): React.ReactElement {
  const { env, value, onChange } = props;
  const styles = useStyles();
  return (
    <div className={styles.row}>
      <Field label={props.dateLabel} required={props.required} hint={formatHint(env)} validationMessage={props.dateProblem}>
        <DayInput env={env} value={value.day} onChange={(day) => onChange({ ...value, day })} />
      </Field>
      <Field label={props.timeLabel} required={props.required} hint="hh:mm" validationMessage={props.timeProblem}>
        <Input className={styles.time} type="text" inputMode="numeric" autoComplete="off" placeholder="hh:mm" value={value.time} onChange={(_, d) => onChange({ ...value, time: d.value })} />
      </Field>
    </div>
  );
}

export function validDay(env: ControlEnvironment, text: string): boolean {
  return dayFromText(env, text) !== undefined;
}

export function validTime(text: string): boolean {
  return TIME.test(text.trim());
}
