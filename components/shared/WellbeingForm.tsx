import * as React from "react";
import { Button, Field, Input, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import { ONS4_ITEMS, RuleViolation, TIMEPOINTS, UCLA3_ITEMS, dayToIso, scoreWellbeing, type Instrument, type Problem, type Timepoint } from "../../domain";
import { answerColumn } from "./facts";
import { ScaleSelect } from "./ScaleSelect";
import type { ControlEnvironment } from "./hostContext";
import type { Strings } from "./strings";
import type { EngagementHook } from "./useEngagement";

const useStyles = makeStyles({
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "end" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  form: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS, maxWidth: "480px" },
});

/** The domain names the item first ("happy is missing"); the form says it with the question the worker sees. */
function problemText(problem: Problem, items: readonly string[], t: Strings): string {
  const item = problem.message.split(" ")[0];
  if (!items.includes(item)) return problem.message;
  return t(problem.code.endsWith(".missing") ? "Wellbeing_ProblemMissing" : "Wellbeing_ProblemRange", { question: t(`Question_${item}`) });
}

/**
 * Records one ONS4 or UCLA-3 measure. The domain's scoring checks the answers
 * before anything is sent; the server computes and stores totals and bands.
 */
export function WellbeingForm(props: { env: ControlEnvironment; hook: EngagementHook; engagementId: string; timepoint?: Timepoint; headingLevel?: "h4" | "h5" }): React.ReactElement {
  const { env, hook, engagementId } = props;
  const t = env.strings;
  const styles = useStyles();
  const [instrument, setInstrument] = React.useState<Instrument>("ons4");
  const [timepoint, setTimepoint] = React.useState<Timepoint>(props.timepoint ?? "review");
  const [completedOn, setCompletedOn] = React.useState(() => dayToIso(env.calendar.dayOf(env.now())));
  const [answers, setAnswers] = React.useState<Record<string, string>>({});
  const [problems, setProblems] = React.useState<string[]>([]);
  const items: readonly string[] = instrument === "ons4" ? ONS4_ITEMS : UCLA3_ITEMS;
  const values = instrument === "ons4" ? Array.from({ length: 11 }, (_, i) => i) : [1, 2, 3];

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const numbers = Object.fromEntries(items.map((item) => [item, answers[item] === undefined || answers[item] === "" ? undefined : Number(answers[item])]));
    try {
      scoreWellbeing(instrument, numbers);
    } catch (error) {
      setProblems(error instanceof RuleViolation ? error.problems.map((p) => problemText(p, items, t)) : [String(error)]);
      return;
    }
    setProblems([]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(completedOn)) {
      setProblems([t("Wellbeing_DateRequired")]);
      return;
    }
    const columns = Object.fromEntries(items.map((item) => [answerColumn(instrument, item), numbers[item] as number]));
    const ok = await hook.save(() => env.store.recordWellbeing(engagementId, { instrument, timepoint, completedOn, answers: columns }), t("Wellbeing_Saved"));
    if (ok) setAnswers({});
  };

  const Heading = props.headingLevel ?? "h4";
  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label={t("Wellbeing_FormHeading")}>
      <Text as={Heading} weight="semibold">
        {t("Wellbeing_FormHeading")}
      </Text>
      <div className={styles.row}>
        <Field label={t("Wellbeing_Instrument")}>
          <Select
            value={instrument}
            onChange={(_, d) => {
              setInstrument(d.value as Instrument);
              setAnswers({});
              setProblems([]);
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
          <Field label={t("Wellbeing_Timepoint")}>
            <Select value={timepoint} onChange={(_, d) => setTimepoint(d.value as Timepoint)}>
              {TIMEPOINTS.map((p) => (
                <option key={p} value={p}>
                  {t(`Timepoint_${p}`)}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label={t("Wellbeing_CompletedOn")} required>
          <Input type="date" value={completedOn} onChange={(_, d) => setCompletedOn(d.value)} />
        </Field>
      </div>
      {items.map((item) => (
        <Field key={`${instrument}-${item}`} label={t(`Question_${item}`)} required>
          <ScaleSelect
            value={answers[item] ?? ""}
            values={values}
            placeholder={t("Common_Choose")}
            labelOf={instrument === "ucla3" ? (v) => t(`UclaAnswer_${v}`) : undefined}
            onChange={(value) => setAnswers((a) => ({ ...a, [item]: value }))}
          />
        </Field>
      ))}
      {problems.length > 0 && (
        <ul className={styles.list} role="alert">
          {problems.map((p) => (
            <li key={p}>
              <Text>{p}</Text>
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button type="submit" appearance="primary" disabled={hook.saving}>
          {t("Wellbeing_Submit")}
        </Button>
      </div>
    </form>
  );
}
