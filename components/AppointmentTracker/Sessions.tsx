import * as React from "react";
import { Badge, Button, Field, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import { ATTENDANCES, stageFor, stageName, type Attendance, type EngagementState, type SessionView } from "../../domain";
import { DateTimeFields, dayTimeOf, instantOf, validDay, validTime, type DayTime } from "../shared/DateTimeFields";
import { formatHint } from "../shared/DayInput";
import { evaluate } from "../shared/facts";
import type { ControlEnvironment } from "../shared/hostContext";
import type { EngagementRow } from "../shared/rows";
import type { ContactEngagements } from "../shared/store";
import type { EngagementHook } from "../shared/useEngagement";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "center" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  session: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

const ATTENDANCE_RECORDABLE: readonly Attendance[] = ATTENDANCES.filter((a) => a !== "planned");

/**
 * The most recent engagement, closed: its sessions stay readable here (the
 * plan and wellbeing stay in Stage guidance, the outcome in the Closure
 * checklist), above the form that starts a re-referral.
 */
export function ClosedEngagement(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow }): React.ReactElement {
  const { env, hook, data, engagement } = props;
  const t = env.strings;
  const styles = useStyles();
  const state = evaluate(data, env.calendar, env.now());
  return (
    <div className={styles.stack}>
      <Text as="h3" weight="semibold" size={400}>
        {t("Tracker_ClosedHeading", { reference: engagement.sprx_name ?? "" })}
      </Text>
      <Text>{attendedText(env, state.sessionsAttended)}</Text>
      <SessionList env={env} hook={hook} state={state} data={data} readOnly />
    </div>
  );
}

/** "1 session attended", "3 sessions attended". */
function attendedText(env: ControlEnvironment, attended: number): string {
  return env.strings(attended === 1 ? "Tracker_AttendedOne" : "Tracker_AttendedMany", { attended: env.format.integer(attended) });
}

export function SessionList(props: { env: ControlEnvironment; hook: EngagementHook; state: EngagementState; data: ContactEngagements; readOnly?: boolean }): React.ReactElement {
  const { env, hook, state, data, readOnly = false } = props;
  const t = env.strings;
  const styles = useStyles();
  const booked = state.sessions.filter((s) => s.attendance === "attended" || s.attendance === "planned").length;
  const placeholders = readOnly ? [] : Array.from({ length: Math.max(0, state.plannedSessions - booked) }, (_, i) => booked + i + 1);
  return (
    <section aria-labelledby="sprx-sessions-heading" className={styles.stack}>
      <Text as="h4" weight="semibold" id="sprx-sessions-heading">
        {t("Sessions_Heading")}
      </Text>
      <ol className={styles.list}>
        {state.sessions.map((session) => (
          <SessionItem
            key={session.id ?? session.day}
            env={env}
            hook={hook}
            session={session}
            planned={state.plannedSessions}
            etag={data.sessions.find((row) => row.activityid === session.id)?.["@odata.etag"]}
            readOnly={readOnly}
          />
        ))}
        {placeholders.map((number) => (
          <li key={`placeholder-${number}`} className={styles.session}>
            <Text weight="semibold">{t("Session_Title", { number, stage: stageName(stageFor(number - 1, state.plannedSessions, false)) })}</Text>
            <Text>{t("Session_NotBooked")}</Text>
          </li>
        ))}
      </ol>
    </section>
  );
}

function SessionItem(props: { env: ControlEnvironment; hook: EngagementHook; session: SessionView; planned: number; etag?: string | null; readOnly: boolean }): React.ReactElement {
  const { env, hook, session, planned, etag, readOnly } = props;
  const t = env.strings;
  const styles = useStyles();
  const [attendance, setAttendance] = React.useState<Attendance | "">("");
  const [rescheduling, setRescheduling] = React.useState(false);
  const [when, setWhen] = React.useState<DayTime>(() => dayTimeOf(env, session.start));
  const id = session.id ?? "";
  const counted = session.attendance === "attended" || session.attendance === "planned";
  const choices = ATTENDANCE_RECORDABLE.filter((a) => session.isPast || (a !== "attended" && a !== "didNotAttend"));

  const record = async () => {
    if (!attendance) return;
    const ok = await hook.save(() => env.store.updateSession({ id, etag }, { attendance }), t("Session_AttendanceSaved", { number: session.sessionNumber }));
    if (ok) setAttendance("");
  };
  const reschedule = async () => {
    const start = instantOf(env, when);
    if (!start) return;
    const end = new Date(start.getTime() + 60 * 60_000);
    const ok = await hook.save(() => env.store.updateSession({ id, etag }, { start, end }), t("Session_Rescheduled", { number: session.sessionNumber }));
    if (ok) setRescheduling(false);
  };

  return (
    <li className={styles.session}>
      <Text weight="semibold">
        {counted
          ? t("Session_Title", { number: session.sessionNumber, stage: stageName(stageFor(session.sessionNumber - 1, planned, false)) })
          : // A missed or cancelled session used no slot of the plan: the next one booked takes its number.
            t(session.attendance === "didNotAttend" ? "Session_TitleMissed" : "Session_TitleCancelled", { number: session.sessionNumber })}
      </Text>
      <div className={styles.row}>
        <Text>{env.format.dateTime(session.start)}</Text>
        <Text>{t("Session_Week", { week: env.format.integer(session.week) })}</Text>
        <Badge appearance="tint" color={attendanceColour(session.attendance)}>
          {t(`Attendance_${session.attendance}`)}
        </Badge>
        {session.mode && <Text>{t(`Mode_${session.mode}`)}</Text>}
      </div>
      {session.attendance === "planned" && !readOnly && (
        <div className={styles.row}>
          <Field label={t("Session_RecordLabel", { number: session.sessionNumber })}>
            <Select value={attendance} onChange={(_, d) => setAttendance(d.value as Attendance | "")}>
              <option value="">{t("Common_Choose")}</option>
              {choices.map((a) => (
                <option key={a} value={a}>
                  {t(`Attendance_${a}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Button onClick={() => void record()} disabled={!attendance || hook.saving}>
            {t("Session_Record")}
          </Button>
          <Button appearance="subtle" onClick={() => setRescheduling((r) => !r)} aria-expanded={rescheduling}>
            {t("Session_Reschedule")}
          </Button>
        </div>
      )}
      {rescheduling && !readOnly && (
        <div className={styles.row}>
          <DateTimeFields
            env={env}
            value={when}
            onChange={setWhen}
            dateLabel={t("Session_NewDate", { number: session.sessionNumber })}
            timeLabel={t("Session_NewStart", { number: session.sessionNumber })}
            dateProblem={validDay(env, when.day) ? undefined : t("Book_DateInvalid", { format: formatHint(env) })}
            timeProblem={validTime(when.time) ? undefined : t("Book_StartInvalid")}
          />
          <Button appearance="primary" onClick={() => void reschedule()} disabled={hook.saving}>
            {t("Session_SaveTime")}
          </Button>
        </div>
      )}
    </li>
  );
}

function attendanceColour(attendance: Attendance): "success" | "danger" | "informative" | "subtle" {
  if (attendance === "attended") return "success";
  if (attendance === "didNotAttend") return "danger";
  if (attendance === "planned") return "informative";
  return "subtle";
}
