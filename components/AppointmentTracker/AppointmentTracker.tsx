import * as React from "react";
import {
  Badge,
  Button,
  Field,
  Input,
  Select,
  Text,
  Textarea,
} from "@fluentui/react-components";
import {
  SESSION_MODES,
  closureReasonLabel,
  dayFromIso,
  dayToIso,
  nextSessionNumber,
  stageName,
  type EngagementState,
  type SessionMode,
} from "../../domain";
import { EngagementShell, useContactEngagement } from "../shared/EngagementShell";
import { seenVersion } from "../shared/gateway";
import { configurationFor, engagementFacts, evaluate, isClosed } from "../shared/facts";
import { DateTimeFields, dayTimeOf, instantOf, validDay, validTime, type DayTime } from "../shared/DateTimeFields";
import { formatHint } from "../shared/DayInput";
import { focusFirstInvalid } from "../shared/focusFirstInvalid";
import type { ControlEnvironment } from "../shared/hostContext";
import { ClosureReasonValues, keyOf, type EngagementRow } from "../shared/rows";
import type { ContactEngagements } from "../shared/store";
import type { EngagementHook } from "../shared/useEngagement";
import { ClosedEngagement, SessionList } from "./Sessions";
import { StartEngagement } from "./StartEngagement";
import { useTrackerStyles } from "./styles";


export interface AppointmentTrackerProps {
  readonly env: ControlEnvironment;
}

export function AppointmentTracker({ env }: AppointmentTrackerProps): React.ReactElement {
  const t = env.strings;
  const hook = useContactEngagement(env);
  return (
    <EngagementShell env={env} hook={hook} label={t("Tracker_Region")}>
      {hook.data && <TrackerBody env={env} hook={hook} data={hook.data} />}
    </EngagementShell>
  );
}

function TrackerBody({ env, hook, data }: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements }): React.ReactElement {
  const t = env.strings;
  const engagement = data.engagement;
  const open = engagement && !isClosed(engagement) ? engagement : undefined;
  const past = open ? data.pastEngagements : [...(engagement ? [engagement] : []), ...data.pastEngagements];
  const closedLatest = engagement && !open ? engagement : undefined;
  return (
    <>
      {closedLatest && <ClosedEngagement env={env} hook={hook} data={data} engagement={closedLatest} />}
      {open ? <OpenEngagement env={env} hook={hook} data={data} engagement={open} /> : <StartEngagement env={env} hook={hook} reReferral={past.length > 0} />}
      {past.length > 0 && <PastEngagements env={env} engagements={past} />}
      {open === undefined && engagement === undefined && past.length === 0 && <Text>{t("Tracker_NoEngagements")}</Text>}
    </>
  );
}

function OpenEngagement(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow }): React.ReactElement {
  const { env, hook, data, engagement } = props;
  const t = env.strings;
  const styles = useTrackerStyles();
  const now = env.now();
  const state = evaluate(data, env.calendar, now);
  const config = configurationFor(engagement);
  const next = nextSessionNumber(engagementFacts(data), config);
  const engagementId = engagement.sprx_engagementid ?? "";

  return (
    <div className={styles.stack}>
      <Text as="h3" weight="semibold" size={400}>
        {t("Tracker_Heading", { reference: engagement.sprx_name ?? "" })}
      </Text>
      <div className={styles.row}>
        <Badge appearance="outline" color="brand">
          {t("Tracker_NextFocus", { stage: stageName(state.stage) })}
        </Badge>
        <Text>
          {t("Tracker_Progress", { attended: env.format.integer(state.sessionsAttended), planned: env.format.integer(state.plannedSessions) })}
        </Text>
        {state.consecutiveDidNotAttend > 0 && (
          <Badge appearance="filled" color={state.consecutiveDidNotAttend >= config.dnaThreshold ? "danger" : "warning"}>
            {t("Tracker_DnaStreak", { count: env.format.integer(state.consecutiveDidNotAttend) })}
          </Badge>
        )}
        {state.overdue && (
          <Badge appearance="filled" color="danger">
            {t("Tracker_Overdue", { days: env.format.integer(config.longestGapDays) })}
          </Badge>
        )}
        {state.pastWindow && (
          <Badge appearance="filled" color="danger">
            {t("Tracker_PastWindow")}
          </Badge>
        )}
        {state.beyondPlanWithoutExtension && (
          <Badge appearance="filled" color="warning">
            {t("Tracker_BeyondPlan")}
          </Badge>
        )}
        {state.unrecordedPastSessions > 0 && (
          <Badge appearance="outline" color="warning">
            {t("Tracker_Unrecorded", { count: env.format.integer(state.unrecordedPastSessions) })}
          </Badge>
        )}
      </div>
      <WindowBar env={env} state={state} />
      <SessionList env={env} hook={hook} state={state} data={data} />
      {next.allowed ? (
        <BookSession env={env} hook={hook} engagement={engagement} number={next.number} engagementId={engagementId} />
      ) : (
        <RequestExtension env={env} hook={hook} engagement={engagement} planned={state.plannedSessions} />
      )}
    </div>
  );
}

/** The 12–16 week window as a bar, with today and each session on it, and the same facts in words. */
function WindowBar({ env, state }: { env: ControlEnvironment; state: EngagementState }): React.ReactElement | null {
  const t = env.strings;
  const styles = useTrackerStyles();
  if (!state.windowStart || !state.windowEnd || !state.windowTargetEnd) {
    return <Text>{t("Window_NotStarted")}</Text>;
  }
  const start = dayFromIso(state.windowStart);
  const span = dayFromIso(state.windowEnd) - start;
  const place = (day: string) => `${Math.min(100, Math.max(0, ((dayFromIso(day) - start) / span) * 100))}%`;
  const today = dayToIso(env.calendar.dayOf(env.now()));
  const summary = t("Window_Summary", {
    start: env.format.day(state.windowStart),
    target: env.format.day(state.windowTargetEnd),
    end: env.format.day(state.windowEnd),
    week: state.weekNow === undefined ? "–" : env.format.integer(state.weekNow),
  });
  return (
    <div className={styles.stack}>
      <Text>{summary}</Text>
      <div className={styles.track} role="img" aria-label={summary}>
        <div className={styles.closingZone} style={{ left: place(state.windowTargetEnd), right: 0 }} />
        {state.sessions
          .filter((s) => s.attendance === "attended" || s.attendance === "planned" || s.attendance === "didNotAttend")
          .map((s) => (
            <div key={s.id ?? s.day} className={styles.marker} style={{ left: place(s.day) }} title={t("Window_SessionMarker", { number: s.sessionNumber, date: env.format.day(s.day) })} />
          ))}
        <div className={styles.today} style={{ left: place(today) }} title={t("Window_Today")} />
      </div>
    </div>
  );
}

interface Slot {
  readonly start: Date;
  readonly end?: Date;
}

/**
 * The server's suggested slots, as the nextSessionSuggestion step stores them
 * ({ suggestedOn, latestDay, source, slots: [{ start, end }] }), or a bare
 * array of ISO strings or {start, end}; anything else shows none.
 */
export function parseSuggestedSlots(text: string | null | undefined, now: Date): Slot[] {
  if (!text) return [];
  try {
    const stored: unknown = JSON.parse(text);
    const parsed: unknown = Array.isArray(stored) ? stored : (stored as { slots?: unknown } | null)?.slots;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .map((entry: unknown): Slot | undefined => {
        const start = typeof entry === "string" ? entry : (entry as { start?: unknown })?.start;
        const end = typeof entry === "object" && entry ? (entry as { end?: unknown }).end : undefined;
        if (typeof start !== "string" || Number.isNaN(Date.parse(start))) return undefined;
        return { start: new Date(start), end: typeof end === "string" && !Number.isNaN(Date.parse(end)) ? new Date(end) : undefined };
      })
      .filter((slot): slot is Slot => slot !== undefined && slot.start.getTime() > now.getTime());
  } catch {
    return [];
  }
}

function BookSession(props: { env: ControlEnvironment; hook: EngagementHook; engagement: EngagementRow; number: number; engagementId: string }): React.ReactElement {
  const { env, hook, engagement, number, engagementId } = props;
  const t = env.strings;
  const styles = useTrackerStyles();
  const [when, setWhen] = React.useState<DayTime>({ day: "", time: "" });
  const [minutes, setMinutes] = React.useState("60");
  const [mode, setMode] = React.useState<SessionMode>("inPerson");
  const [tried, setTried] = React.useState(false);
  const formRef = React.useRef<HTMLFormElement>(null);
  const slots = parseSuggestedSlots(engagement.sprx_suggestedslots, env.now());
  const start = instantOf(env, when);
  const duration = Number(minutes);
  const problems = {
    day: validDay(env, when.day) ? undefined : t("Book_DateInvalid", { format: formatHint(env) }),
    time: validTime(when.time) ? undefined : t("Book_StartInvalid"),
    minutes: Number.isInteger(duration) && duration >= 5 && duration <= 480 ? undefined : t("Book_DurationInvalid"),
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!start || problems.minutes) {
      focusFirstInvalid(formRef.current);
      return;
    }
    const end = new Date(start.getTime() + duration * 60_000);
    const ok = await hook.save(() => env.store.bookSession(engagementId, { number, start, end, mode }), t("Book_Saved", { number }));
    if (ok) {
      setWhen({ day: "", time: "" });
      setTried(false);
    }
  };

  return (
    <form ref={formRef} className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="sprx-book-heading">
      <Text as="h4" weight="semibold" id="sprx-book-heading">
        {t("Book_Heading", { number })}
      </Text>
      {slots.length > 0 && (
        <div className={styles.row} role="group" aria-label={t("Book_Suggested")}>
          <Text>{t("Book_Suggested")}</Text>
          {slots.map((slot) => (
            <Button
              key={slot.start.toISOString()}
              size="small"
              onClick={() => {
                setWhen(dayTimeOf(env, slot.start));
                if (slot.end) setMinutes(String(Math.round((slot.end.getTime() - slot.start.getTime()) / 60_000)));
              }}
            >
              {env.format.dateTime(slot.start)}
            </Button>
          ))}
        </div>
      )}
      <DateTimeFields
        env={env}
        value={when}
        onChange={setWhen}
        required
        dateLabel={t("Book_Date")}
        timeLabel={t("Book_Start")}
        dateProblem={tried ? problems.day : undefined}
        timeProblem={tried ? problems.time : undefined}
      />
      <Field label={t("Book_Duration")} validationMessage={tried ? problems.minutes : undefined}>
        <Input type="number" min={5} max={480} step={5} value={minutes} onChange={(_, d) => setMinutes(d.value)} />
      </Field>
      <Field label={t("Book_Mode")}>
        <Select value={mode} onChange={(_, d) => setMode(d.value as SessionMode)}>
          {SESSION_MODES.map((m) => (
            <option key={m} value={m}>
              {t(`Mode_${m}`)}
            </option>
          ))}
        </Select>
      </Field>
      <div>
        <Button type="submit" appearance="primary" disabled={hook.saving}>
          {t("Book_Submit", { number })}
        </Button>
      </div>
    </form>
  );
}

function RequestExtension(props: { env: ControlEnvironment; hook: EngagementHook; engagement: EngagementRow; planned: number }): React.ReactElement {
  const { env, hook, engagement, planned } = props;
  const t = env.strings;
  const styles = useTrackerStyles();
  const [reason, setReason] = React.useState("");
  const [tried, setTried] = React.useState(false);
  const requests = engagement.sprx_extensionrequests ?? 0;
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!reason.trim()) return;
    const ok = await hook.save(
      () =>
        env.store.updateEngagement(
          seenVersion(engagement, engagement.sprx_engagementid, ["statecode", "sprx_extensionrequests", "sprx_extensionreason", "sprx_extensionapproved"]),
          { sprx_extensionrequests: requests + 1, sprx_extensionreason: reason.trim() },
        ),
      t("Extension_Saved"),
    );
    if (ok) {
      setReason("");
      setTried(false);
    }
  };
  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="sprx-extension-heading">
      <Text as="h4" weight="semibold" id="sprx-extension-heading">
        {t("Extension_Heading")}
      </Text>
      <Text>{t("Extension_Explain", { planned: env.format.integer(planned), requests: env.format.integer(requests) })}</Text>
      <Field label={t("Extension_Reason")} required validationMessage={tried && !reason.trim() ? t("Extension_ReasonRequired") : undefined}>
        <Textarea value={reason} onChange={(_, d) => setReason(d.value)} resize="vertical" />
      </Field>
      <div>
        <Button type="submit" disabled={hook.saving}>
          {t("Extension_Submit")}
        </Button>
      </div>
    </form>
  );
}

function PastEngagements({ env, engagements }: { env: ControlEnvironment; engagements: readonly EngagementRow[] }): React.ReactElement {
  const t = env.strings;
  const styles = useTrackerStyles();
  return (
    <section aria-labelledby="sprx-past-heading" className={styles.stack}>
      <Text as="h4" weight="semibold" id="sprx-past-heading">
        {t("Past_Heading")}
      </Text>
      <ul className={styles.list}>
        {engagements.map((e) => {
          const reason = keyOf(ClosureReasonValues, e.sprx_closurereason);
          return (
            <li key={e.sprx_engagementid ?? e.sprx_name}>
              <Text>
                {t(e.statecode !== 1 ? "Past_Open" : e.sprx_sessionsattended === 1 ? "Past_ClosedOne" : "Past_Closed", {
                  reference: e.sprx_name ?? "",
                  referred: e.sprx_referraldate ? env.format.day(e.sprx_referraldate) : "–",
                  closed: e.sprx_closedon ? env.format.dateTime(new Date(e.sprx_closedon)) : "–",
                  reason: reason ? closureReasonLabel(reason) : "–",
                  attended: env.format.integer(e.sprx_sessionsattended ?? 0),
                })}
              </Text>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
