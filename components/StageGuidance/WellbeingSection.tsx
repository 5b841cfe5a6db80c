import * as React from "react";
import { Button, Text, makeStyles, tokens } from "@fluentui/react-components";
import { ONS4_ITEMS, wellbeingChange, type Instrument } from "../../domain";
import { scoredMeasures, type ScoredMeasure } from "../shared/facts";
import { seenVersion } from "../shared/gateway";
import type { ControlEnvironment } from "../shared/hostContext";
import { InstrumentValues, keyOf, TimepointValues, type EngagementRow, type WellbeingScoreRow } from "../shared/rows";
import type { ContactEngagements } from "../shared/store";
import type { EngagementHook } from "../shared/useEngagement";
import { WellbeingForm } from "../shared/WellbeingForm";

/** What the worker sees of a measure: a newer row is a conflict only when one of these changed (bands are the server's). */
const MEASURE_COLUMNS = ["sprx_instrument", "sprx_timepoint", "sprx_completedon", "sprx_ons4_satisfied", "sprx_ons4_worthwhile", "sprx_ons4_happy", "sprx_ons4_anxious", "sprx_ucla_companionship", "sprx_ucla_leftout", "sprx_ucla_isolated"] as const;

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "center" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS },
  plain: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  item: { padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
});

/** The first baseline (or, failing that, the first measure) and the latest, per instrument. */
function baselineAndLatest(measures: readonly ScoredMeasure[], instrument: Instrument): { baseline?: ScoredMeasure; latest?: ScoredMeasure } {
  const own = measures.filter((m) => m.instrument === instrument);
  const baseline = own.find((m) => m.timepoint === "baseline") ?? own[0];
  const latest = own.at(-1);
  return { baseline, latest: latest === baseline ? undefined : latest };
}

/**
 * Wellbeing: the change since baseline in words, every stored measure with
 * Correct and Delete, and one form at a time — a new measure, or the
 * correction of the one chosen.
 */
export function Wellbeing(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow; readOnly: boolean }): React.ReactElement {
  const { env, hook, data, engagement, readOnly } = props;
  const t = env.strings;
  const styles = useStyles();
  const measures = scoredMeasures(data.scores);
  const [editing, setEditing] = React.useState<string | undefined>();
  const correcting = data.scores.find((s) => s.sprx_wellbeingscoreid === editing);
  return (
    <section aria-labelledby="sprx-wellbeing-heading" className={styles.stack}>
      <Text as="h4" weight="semibold" id="sprx-wellbeing-heading">
        {t("Wellbeing_Heading")}
      </Text>
      {(["ons4", "ucla3"] as const).map((instrument) => {
        const { baseline, latest } = baselineAndLatest(measures, instrument);
        if (!baseline) return <Text key={instrument}>{t("Wellbeing_NoneYet", { instrument: t(`Instrument_${instrument}`) })}</Text>;
        return (
          <div key={instrument} className={styles.item}>
            <Text weight="semibold">{t(`Instrument_${instrument}`)}</Text>
            <Text block>
              {t("Wellbeing_Baseline", { date: baseline.completedOn ? env.format.day(baseline.completedOn) : "–" })}
              {latest && ` ${t("Wellbeing_Latest", { date: latest.completedOn ? env.format.day(latest.completedOn) : "–" })}`}
            </Text>
            <ul className={styles.list}>
              {latest
                ? wellbeingChange(baseline.score, latest.score).map((change) => (
                    <li key={change.measure}>
                      <Text>
                        {t("Wellbeing_Change", {
                          measure: t(`Measure_${change.measure}`),
                          from: change.from,
                          to: change.to,
                          direction: t(change.change === 0 ? "Wellbeing_Same" : change.improved ? "Wellbeing_Better" : "Wellbeing_Worse"),
                        })}
                      </Text>
                    </li>
                  ))
                : describeItems(baseline, t).map((line) => (
                    <li key={line}>
                      <Text>{line}</Text>
                    </li>
                  ))}
            </ul>
          </div>
        );
      })}
      {data.scores.length > 0 && (
        <MeasureList env={env} hook={hook} rows={data.scores} readOnly={readOnly} editing={editing} onCorrect={setEditing} />
      )}
      {!readOnly && (
        <WellbeingForm
          key={editing ?? "new"}
          env={env}
          hook={hook}
          engagementId={engagement.sprx_engagementid ?? ""}
          scores={data.scores}
          referralDate={engagement.sprx_referraldate}
          existing={correcting}
          onDone={correcting ? () => setEditing(undefined) : undefined}
        />
      )}
    </section>
  );
}

function describeItems(measure: ScoredMeasure, t: ControlEnvironment["strings"]): string[] {
  const score = measure.score;
  if (score.instrument === "ucla3") return [t("Wellbeing_UclaTotal", { total: score.total, band: t(`Band_${score.band}`) })];
  return ONS4_ITEMS.map((item) => t("Wellbeing_Item", { measure: t(`Measure_${item}`), value: score.items[item], band: t(`Band_${score.bands[item]}`) }));
}

function measureName(env: ControlEnvironment, row: WellbeingScoreRow): string {
  const t = env.strings;
  const instrument = keyOf(InstrumentValues, row.sprx_instrument);
  const timepoint = keyOf(TimepointValues, row.sprx_timepoint);
  return t("Wellbeing_MeasureLine", {
    timepoint: timepoint ? t(`Timepoint_${timepoint}`) : "–",
    instrument: instrument ? t(`Instrument_${instrument}`) : "–",
    date: row.sprx_completedon ? env.format.day(row.sprx_completedon) : "–",
  });
}

function MeasureList(props: {
  env: ControlEnvironment;
  hook: EngagementHook;
  rows: readonly WellbeingScoreRow[];
  readOnly: boolean;
  editing?: string;
  onCorrect: (id: string | undefined) => void;
}): React.ReactElement {
  const { env, hook, rows, readOnly, editing, onCorrect } = props;
  const t = env.strings;
  const styles = useStyles();
  const [deleting, setDeleting] = React.useState<string | undefined>();
  const sorted = [...rows].sort((a, b) => String(a.sprx_completedon ?? "").localeCompare(String(b.sprx_completedon ?? "")));
  return (
    <section aria-labelledby="sprx-measures-heading" className={styles.stack}>
      <Text as="h5" weight="semibold" id="sprx-measures-heading">
        {t("Wellbeing_Measures")}
      </Text>
      <ul className={styles.plain}>
        {sorted.map((row) => {
          const id = row.sprx_wellbeingscoreid ?? "";
          const name = measureName(env, row);
          return (
            <li key={id} className={styles.row}>
              <Text>{name}</Text>
              {!readOnly && deleting !== id && (
                <>
                  <Button size="small" aria-label={t("Wellbeing_CorrectNamed", { measure: name })} aria-pressed={editing === id} onClick={() => onCorrect(editing === id ? undefined : id)}>
                    {t("Wellbeing_Correct")}
                  </Button>
                  <Button size="small" appearance="subtle" aria-label={t("Wellbeing_DeleteNamed", { measure: name })} onClick={() => setDeleting(id)}>
                    {t("Wellbeing_Delete")}
                  </Button>
                </>
              )}
              {!readOnly && deleting === id && (
                <div className={styles.row} role="group" aria-label={t("Wellbeing_ConfirmDelete", { measure: name })}>
                  <Text>{t("Wellbeing_ConfirmDelete", { measure: name })}</Text>
                  <Button
                    size="small"
                    appearance="primary"
                    disabled={hook.saving}
                    onClick={() => {
                      if (editing === id) onCorrect(undefined);
                      void hook.save(() => env.store.deleteWellbeing(seenVersion(row, id, MEASURE_COLUMNS)), t("Wellbeing_Deleted")).then(() => setDeleting(undefined));
                    }}
                  >
                    {t("Wellbeing_ConfirmDeleteButton")}
                  </Button>
                  <Button size="small" onClick={() => setDeleting(undefined)}>
                    {t("Wellbeing_Keep")}
                  </Button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
