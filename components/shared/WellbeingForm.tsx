import * as React from "react";
import { Button, Field, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import {
  ONS4_ITEMS,
  TIMEPOINTS,
  UCLA3_ITEMS,
  dayFromIso,
  dayToIso,
  measureProblems,
  type Instrument,
  type Problem,
  type Timepoint,
} from "../../domain";
import { DayInput, dayFromText, dayText, formatHint } from "./DayInput";
import { answerColumn } from "./facts";
import { focusFirstInvalid } from "./focusFirstInvalid";
import { seenVersion } from "./gateway";
import { ScaleSelect } from "./ScaleSelect";
import type { ControlEnvironment } from "./hostContext";
import { InstrumentValues, keyOf, TimepointValues, type WellbeingScoreRow } from "./rows";
import type { Strings } from "./strings";
import type { EngagementHook } from "./useEngagement";

const useStyles = makeStyles({
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "end" },
  form: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS, maxWidth: "480px" },
  /** Wide enough for "ONS4 personal wellbeing" and "UCLA 3-item loneliness" without clipping. */
  instrument: { minWidth: "15rem" },
});

/** The field a problem belongs to: the item it names, the date, or the timepoint (one baseline / closing per instrument). */
function fieldOf(problem: Problem, items: readonly string[]): string {
  if (problem.code === "wellbeing.duplicateTimepoint") return "timepoint";
  if (problem.code.startsWith("wellbeing.date") || problem.code === "wellbeing.beforeReferral") return "date";
  const item = problem.message.split(" ")[0];
  return items.includes(item) ? item : "date";
}

/** The domain names the item first ("happy is missing"); the form says it with the question the worker sees. */
function problemText(problem: Problem, items: readonly string[], t: Strings): string {
  const item = problem.message.split(" ")[0];
  if (!problem.code.startsWith("wellbeing.ons4") && !problem.code.startsWith("wellbeing.ucla3")) return problem.message;
  if (!items.includes(item)) return problem.message;
  return t(problem.code.endsWith(".missing") ? "Wellbeing_ProblemMissing" : "Wellbeing_ProblemRange", { question: t(`Question_${item}`) });
}

const SEEN_COLUMNS = [
  "sprx_instrument", "sprx_timepoint", "sprx_completedon", "sprx_ons4_satisfied", "sprx_ons4_worthwhile", "sprx_ons4_happy", "sprx_ons4_anxious",
  "sprx_ucla_companionship", "sprx_ucla_leftout", "sprx_ucla_isolated",
] as const;

export interface WellbeingFormProps {
  readonly env: ControlEnvironment;
  readonly hook: EngagementHook;
  readonly engagementId: string;
  /** The engagement's stored measures: the first of an instrument defaults to Baseline, and a second baseline or closing is refused. */
  readonly scores?: readonly WellbeingScoreRow[];
  readonly referralDate?: string | null;
  /** Fixed timepoint (the closure checklist asks for the closing measure). */
  readonly timepoint?: Timepoint;
  /** A stored measure to correct instead of a new one. */
  readonly existing?: WellbeingScoreRow;
  readonly onDone?: () => void;
  readonly headingLevel?: "h4" | "h5";
}

/**
 * Records one ONS4 or UCLA-3 measure, or corrects a stored one. The domain's
 * rules (every item answered, dated between the referral and today, one
 * baseline and one closing per instrument) are checked before anything is
 * sent, the same rules the server applies; the server computes and stores
 * totals and bands.
 */
export function WellbeingForm(props: WellbeingFormProps): React.ReactElement {
  const { env, hook, engagementId, existing, scores = [] } = props;
  const t = env.strings;
  const styles = useStyles();
  const formRef = React.useRef<HTMLFormElement>(null);
  const firstOf = (i: Instrument) => !scores.some((s) => s.sprx_instrument === InstrumentValues[i] && s.sprx_wellbeingscoreid !== existing?.sprx_wellbeingscoreid);
  const [instrument, setInstrument] = React.useState<Instrument>(() => keyOf(InstrumentValues, existing?.sprx_instrument) ?? "ons4");
  const [timepoint, setTimepoint] = React.useState<Timepoint>(
    () => props.timepoint ?? keyOf(TimepointValues, existing?.sprx_timepoint) ?? (firstOf("ons4") ? "baseline" : "review"),
  );
  const [completedText, setCompletedText] = React.useState(() => dayText(env, existing?.sprx_completedon ?? dayToIso(env.calendar.dayOf(env.now()))));
  const completedOn = dayFromText(env, completedText);
  const [answers, setAnswers] = React.useState<Record<string, string>>(() => storedAnswers(existing));
  // Each problem shows at its own field, as on every other form; the key is the field it belongs to.
  const [problems, setProblems] = React.useState<Readonly<Record<string, string>>>({});
  const items: readonly string[] = instrument === "ons4" ? ONS4_ITEMS : UCLA3_ITEMS;
  const values = instrument === "ons4" ? Array.from({ length: 11 }, (_, i) => i) : [1, 2, 3];
  const idPrefix = existing?.sprx_wellbeingscoreid ? `sprx-measure-${existing.sprx_wellbeingscoreid}` : `sprx-measure-new-${props.timepoint ?? "any"}`;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const numbers = Object.fromEntries(items.map((item) => [item, answers[item] === undefined || answers[item] === "" ? undefined : Number(answers[item])]));
    let referralDay;
    try {
      referralDay = props.referralDate ? dayFromIso(props.referralDate) : undefined;
    } catch {
      referralDay = undefined;
    }
    const others = scores.flatMap((s) => {
      const i = keyOf(InstrumentValues, s.sprx_instrument);
      const p = keyOf(TimepointValues, s.sprx_timepoint);
      return i && p ? [{ id: s.sprx_wellbeingscoreid ?? undefined, instrument: i, timepoint: p }] : [];
    });
    const found = measureProblems(
      { id: existing?.sprx_wellbeingscoreid ?? undefined, instrument, timepoint, completedOn, answers: numbers },
      { referralDay, today: env.calendar.dayOf(env.now()), others },
      (day) => env.format.day(dayToIso(day)),
    );
    if (found.length > 0 || !completedOn) {
      if (!completedOn) found.push({ code: "wellbeing.date", message: "" });
      setProblems(Object.fromEntries([...found].reverse().map((p) => [fieldOf(p, items), p.code === "wellbeing.date" ? t("Wellbeing_DateRequired", { format: formatHint(env) }) : problemText(p, items, t)])));
      focusFirstInvalid(formRef.current);
      return;
    }
    setProblems({});
    const columns = Object.fromEntries(items.map((item) => [answerColumn(instrument, item), numbers[item] as number]));
    const input = { instrument, timepoint, completedOn, answers: columns };
    const ok = existing?.sprx_wellbeingscoreid
      ? await hook.save(
          // The server writes bands and totals to the row after every save; only a change to what the worker sees is a conflict.
          () => env.store.correctWellbeing(seenVersion(existing, existing.sprx_wellbeingscoreid, SEEN_COLUMNS), input),
          t("Wellbeing_Corrected"),
        )
      : await hook.save(() => env.store.recordWellbeing(engagementId, input), t("Wellbeing_Saved"));
    if (ok) {
      setAnswers({});
      props.onDone?.();
    }
  };

  const Heading = props.headingLevel ?? "h4";
  return (
    <form ref={formRef} className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <Text as={Heading} weight="semibold" id={`${idPrefix}-heading`}>
        {t(existing ? "Wellbeing_CorrectHeading" : "Wellbeing_FormHeading")}
      </Text>
      <div className={styles.row}>
        <Field label={t("Wellbeing_Instrument")} validationMessage={props.timepoint ? problems.timepoint : undefined}>
          <Select
            className={styles.instrument}
            value={instrument}
            disabled={!!existing}
            onChange={(_, d) => {
              const chosen = d.value as Instrument;
              setInstrument(chosen);
              if (!props.timepoint && !existing) setTimepoint(firstOf(chosen) ? "baseline" : "review");
              setAnswers({});
              setProblems({});
            }}
          >
            {(["ons4", "ucla3"] as const).map((i) => (
              <option key={i} value={i}>
                {t(`Instrument_${i}`)}
              </option>
            ))}
          </Select>
        </Field>
        {!props.timepoint && (
          <Field label={t("Wellbeing_Timepoint")} validationMessage={problems.timepoint}>
            <Select value={timepoint} onChange={(_, d) => setTimepoint(d.value as Timepoint)}>
              {TIMEPOINTS.map((p) => (
                <option key={p} value={p}>
                  {t(`Timepoint_${p}`)}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label={t("Wellbeing_CompletedOn")} required hint={formatHint(env)} validationMessage={problems.date}>
          <DayInput env={env} value={completedText} onChange={setCompletedText} />
        </Field>
      </div>
      {items.map((item) => (
        <Field key={`${instrument}-${item}`} label={t(`Question_${item}`)} required validationMessage={problems[item]}>
          <ScaleSelect
            value={answers[item] ?? ""}
            values={values}
            placeholder={t("Common_Choose")}
            labelOf={instrument === "ucla3" ? (v) => t(`UclaAnswer_${v}`) : undefined}
            onChange={(value) => setAnswers((a) => ({ ...a, [item]: value }))}
          />
        </Field>
      ))}
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabled={hook.saving}>
          {t(existing ? "Wellbeing_SaveCorrection" : "Wellbeing_Submit")}
        </Button>
        {props.onDone && <Button onClick={props.onDone}>{t("Wellbeing_Cancel")}</Button>}
      </div>
    </form>
  );
}

function storedAnswers(row: WellbeingScoreRow | undefined): Record<string, string> {
  if (!row) return {};
  const instrument = keyOf(InstrumentValues, row.sprx_instrument) ?? "ons4";
  const items: readonly string[] = instrument === "ons4" ? ONS4_ITEMS : UCLA3_ITEMS;
  return Object.fromEntries(
    items.flatMap((item) => {
      const value = (row as Record<string, unknown>)[answerColumn(instrument, item)];
      return typeof value === "number" ? [[item, String(value)]] : [];
    }),
  );
}
