import * as React from "react";
import { Badge, Button, Card, CardHeader, Checkbox, Field, Select, Text, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import {
  BARRIERS,
  GOAL_STATUSES,
  barrierGuidance,
  conversationGuidance,
  reviewGoal,
  stageGuidance,
  stageName,
  type Barrier,
  type GoalStatus,
} from "../../domain";
import { EngagementShell, useContactEngagement } from "../shared/EngagementShell";
import { seenVersion } from "../shared/gateway";
import { ScaleSelect } from "../shared/ScaleSelect";
import { evaluate, isClosed } from "../shared/facts";
import { Wellbeing } from "./WellbeingSection";
import type { ControlEnvironment } from "../shared/hostContext";
import { BarrierValues, GoalStatusValues, keyOf, keysOf, multiSelectValue, type EngagementRow, type GoalRow } from "../shared/rows";
import type { ContactEngagements } from "../shared/store";
import type { EngagementHook } from "../shared/useEngagement";
import { DayInput, dayFromText, dayText, formatHint } from "../shared/DayInput";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "end" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS },
  plain: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  item: { padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  form: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS, maxWidth: "480px" },
  card: { backgroundColor: tokens.colorPaletteYellowBackground1 },
  planSection: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalM,
    marginTop: tokens.spacingVerticalL,
    paddingTop: tokens.spacingVerticalM,
    borderTop: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke1}`,
  },
});

const SCALE = Array.from({ length: 10 }, (_, i) => i + 1);

export function StageGuidance({ env }: { env: ControlEnvironment }): React.ReactElement {
  const t = env.strings;
  const hook = useContactEngagement(env);
  return (
    <EngagementShell env={env} hook={hook} label={t("Guidance_Region")}>
      {hook.data?.engagement ? (
        <GuidanceBody env={env} hook={hook} data={hook.data} engagement={hook.data.engagement} />
      ) : (
        <Text>{t("Guidance_NoEngagement")}</Text>
      )}
    </EngagementShell>
  );
}

function GuidanceBody(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow }): React.ReactElement {
  const { env, hook, data, engagement } = props;
  const t = env.strings;
  const styles = useStyles();
  const state = evaluate(data, env.calendar, env.now());
  const guidance = stageGuidance(state.stage);
  const conversation = conversationGuidance(state.signals);
  const closed = isClosed(engagement);
  return (
    <div className={styles.stack}>
      <section aria-labelledby="sprx-stage-heading" className={styles.stack}>
        <Text as="h3" weight="semibold" size={400} id="sprx-stage-heading">
          {/* "Closed: Closed" says nothing twice: a title that is the stage's own name stands alone. */}
          {guidance.title === stageName(state.stage) ? guidance.title : t("Guidance_StageHeading", { stage: stageName(state.stage), title: guidance.title })}
        </Text>
        <Text>{guidance.purpose}</Text>
        {guidance.toCover.length > 0 && (
          <>
            <Text as="h4" weight="semibold">
              {t("Guidance_ToCover")}
            </Text>
            <ul className={styles.list}>
              {guidance.toCover.map((line) => (
                <li key={line}>
                  <Text>{line}</Text>
                </li>
              ))}
            </ul>
          </>
        )}
        {guidance.prompts.length > 0 && (
          <>
            <Text as="h4" weight="semibold">
              {t("Guidance_Prompts")}
            </Text>
            <ul className={styles.list}>
              {guidance.prompts.map((line) => (
                <li key={line}>
                  <Text italic>{line}</Text>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {conversation && (
        <Card className={styles.card} role="group" aria-labelledby="sprx-conversation-heading">
          <CardHeader
            header={
              <Text as="h4" weight="semibold" id="sprx-conversation-heading">
                {conversation.title}
              </Text>
            }
          />
          <Text>{conversation.intro}</Text>
          <Text weight="semibold">{t("Conversation_Why")}</Text>
          <ul className={styles.list}>
            {conversation.reasons.map((reason) => (
              <li key={reason}>
                <Text>{reason}</Text>
              </li>
            ))}
          </ul>
          <ul className={styles.list}>
            {conversation.prompts.map((prompt) => (
              <li key={prompt.approach}>
                <Text>
                  <Text weight="semibold">{t(`Conversation_${prompt.approach}`)}</Text> {prompt.text}
                </Text>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {/* The person's own record — plan, barriers, measures — in a section of its own, apart from the guidance above. */}
      <div className={styles.planSection}>
        <Text as="h3" weight="semibold" size={400}>
          {t("Plan_Heading")}
        </Text>
        <Goals env={env} hook={hook} data={data} engagement={engagement} readOnly={closed} />
        <Barriers env={env} hook={hook} engagement={engagement} readOnly={closed} />
        <Wellbeing env={env} hook={hook} data={data} engagement={engagement} readOnly={closed} />
      </div>
    </div>
  );
}

interface GoalDraft {
  name: string;
  importance: string;
  confidence: string;
  status: GoalStatus;
  reviewDate: string;
}

const emptyGoal: GoalDraft = { name: "", importance: "", confidence: "", status: "notStarted", reviewDate: "" };

function draftOf(env: ControlEnvironment, goal: GoalRow): GoalDraft {
  return {
    name: goal.sprx_name ?? "",
    importance: goal.sprx_importance ? String(goal.sprx_importance) : "",
    confidence: goal.sprx_confidence ? String(goal.sprx_confidence) : "",
    status: keyOf(GoalStatusValues, goal.sprx_status) ?? "notStarted",
    reviewDate: dayText(env, goal.sprx_reviewdate),
  };
}

function Goals(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow; readOnly: boolean }): React.ReactElement {
  const { env, hook, data, engagement, readOnly } = props;
  const t = env.strings;
  const styles = useStyles();
  const [editing, setEditing] = React.useState<string | undefined>();
  const engagementId = engagement.sprx_engagementid ?? "";
  return (
    <section aria-labelledby="sprx-goals-heading" className={styles.stack}>
      <Text as="h4" weight="semibold" id="sprx-goals-heading">
        {t("Goals_Heading")}
      </Text>
      {data.goals.length === 0 && <Text>{t("Goals_None")}</Text>}
      <ul className={styles.plain}>
        {data.goals.map((goal) => {
          const id = goal.sprx_goalid ?? "";
          const status = keyOf(GoalStatusValues, goal.sprx_status) ?? "notStarted";
          return (
            <li key={id} className={styles.item}>
              {editing === id ? (
                <GoalForm
                  env={env}
                  initial={draftOf(env, goal)}
                  submitLabel={t("Goals_SaveReview")}
                  busy={hook.saving}
                  onCancel={() => setEditing(undefined)}
                  onSubmit={async (goalInput) => {
                    const reviewsSinceProgress = reviewGoal(
                      { confidence: goal.sprx_confidence ?? 0, reviewsSinceProgress: goal.sprx_reviewssinceprogress ?? 0 },
                      { confidence: goalInput.confidence, status: goalInput.status },
                    );
                    const ok = await hook.save(
                      () => env.store.updateGoal({ id, etag: goal["@odata.etag"] }, { ...goalInput, reviewsSinceProgress }),
                      t("Goals_Saved"),
                    );
                    if (ok) setEditing(undefined);
                    return ok;
                  }}
                />
              ) : (
                <div className={styles.row}>
                  <Text weight="semibold">{goal.sprx_name}</Text>
                  <Text>{t("Goals_Scores", { importance: goal.sprx_importance ?? "–", confidence: goal.sprx_confidence ?? "–" })}</Text>
                  <Badge appearance="tint" color={status === "achieved" ? "success" : status === "setAside" ? "subtle" : "informative"}>
                    {t(`GoalStatus_${status}`)}
                  </Badge>
                  {goal.sprx_reviewdate && <Text>{t("Goals_ReviewOn", { date: env.format.day(goal.sprx_reviewdate) })}</Text>}
                  {!readOnly && (
                    <Button size="small" onClick={() => setEditing(id)} aria-label={t("Goals_EditNamed", { name: goal.sprx_name ?? "" })}>
                      {t("Goals_Edit")}
                    </Button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {/* One edit form at a time: while a goal is reviewed, "Add a goal" waits. */}
      {!readOnly && editing === undefined && (
        <GoalForm
          env={env}
          initial={emptyGoal}
          heading={t("Goals_AddHeading")}
          submitLabel={t("Goals_Add")}
          busy={hook.saving}
          onSubmit={(goalInput) => hook.save(() => env.store.createGoal(engagementId, goalInput), t("Goals_Added"))}
        />
      )}
    </section>
  );
}

function GoalForm(props: {
  env: ControlEnvironment;
  initial: GoalDraft;
  heading?: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: (goal: { name: string; importance: number; confidence: number; status: GoalStatus; reviewDate: string | null }) => Promise<boolean>;
  onCancel?: () => void;
}): React.ReactElement {
  const { env } = props;
  const t = env.strings;
  const styles = useStyles();
  const [draft, setDraft] = React.useState(props.initial);
  const [tried, setTried] = React.useState(false);
  const set = (changes: Partial<GoalDraft>) => setDraft((d) => ({ ...d, ...changes }));
  const reviewDateInvalid = tried && draft.reviewDate.trim() !== "" && !dayFromText(env, draft.reviewDate);
  const problems = {
    name: draft.name.trim() ? undefined : t("Goals_NameRequired"),
    importance: draft.importance ? undefined : t("Goals_ScoreRequired"),
    confidence: draft.confidence ? undefined : t("Goals_ScoreRequired"),
  };
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.values(problems).some(Boolean) || (draft.reviewDate.trim() !== "" && !dayFromText(env, draft.reviewDate))) return;
    const ok = await props.onSubmit({
      name: draft.name,
      importance: Number(draft.importance),
      confidence: Number(draft.confidence),
      status: draft.status,
      reviewDate: draft.reviewDate.trim() ? (dayFromText(env, draft.reviewDate) ?? null) : null,
    });
    if (ok && !props.onCancel) {
      setDraft(props.initial);
      setTried(false);
    }
  };
  const shown = (problem?: string) => (tried ? problem : undefined);
  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label={props.heading ?? props.submitLabel}>
      {props.heading && (
        <Text as="h4" weight="semibold">
          {props.heading}
        </Text>
      )}
      <Field label={t("Goals_Name")} required validationMessage={shown(problems.name)}>
        <Textarea value={draft.name} onChange={(_, d) => set({ name: d.value })} resize="vertical" />
      </Field>
      <div className={styles.row}>
        <Field label={t("Goals_Importance")} required validationMessage={shown(problems.importance)}>
          <ScaleSelect value={draft.importance} values={SCALE} placeholder={t("Common_Choose")} onChange={(value) => set({ importance: value })} />
        </Field>
        <Field label={t("Goals_Confidence")} required validationMessage={shown(problems.confidence)}>
          <ScaleSelect value={draft.confidence} values={SCALE} placeholder={t("Common_Choose")} onChange={(value) => set({ confidence: value })} />
        </Field>
        <Field label={t("Goals_Status")}>
          <Select value={draft.status} onChange={(_, d) => set({ status: d.value as GoalStatus })}>
            {GOAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`GoalStatus_${s}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("Goals_ReviewDate")} hint={formatHint(env)} validationMessage={reviewDateInvalid ? t("Goals_ReviewDateInvalid", { format: formatHint(env) }) : undefined}>
          <DayInput env={env} value={draft.reviewDate} onChange={(text) => set({ reviewDate: text })} />
        </Field>
      </div>
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabled={props.busy}>
          {props.submitLabel}
        </Button>
        {props.onCancel && <Button onClick={props.onCancel}>{t("Common_Cancel")}</Button>}
      </div>
    </form>
  );
}

function Barriers(props: { env: ControlEnvironment; hook: EngagementHook; engagement: EngagementRow; readOnly: boolean }): React.ReactElement {
  const { env, hook, engagement, readOnly } = props;
  const t = env.strings;
  const styles = useStyles();
  const stored = keysOf(BarrierValues, engagement.sprx_barriers);
  const [selected, setSelected] = React.useState<Barrier[]>(stored);
  const storedKey = stored.join(",");
  // A newer engagement (after a save or a conflict) brings its stored tags unless the user has unsaved changes.
  const [baseline, setBaseline] = React.useState(storedKey);
  if (baseline !== storedKey) {
    setBaseline(storedKey);
    if (selected.join(",") === baseline) setSelected(stored);
  }
  const toggle = (barrier: Barrier, on: boolean) => setSelected((s) => BARRIERS.filter((b) => (b === barrier ? on : s.includes(b))));
  const changed = selected.join(",") !== storedKey;
  return (
    <section aria-labelledby="sprx-barriers-heading" className={styles.stack}>
      <Text as="h4" weight="semibold" id="sprx-barriers-heading">
        {t("Barriers_Heading")}
      </Text>
      <div role="group" aria-labelledby="sprx-barriers-heading" className={styles.stack}>
        {BARRIERS.map((barrier) => {
          const guidance = barrierGuidance(barrier);
          const on = selected.includes(barrier);
          return (
            <div key={barrier} className={styles.item}>
              <Checkbox checked={on} disabled={readOnly} onChange={(_, d) => toggle(barrier, d.checked === true)} label={guidance.title} />
              {on && (
                <div className={styles.stack}>
                  <Text>
                    <Text weight="semibold">{t("Barriers_Helps")}</Text> {guidance.whatHelps}
                  </Text>
                  <Text>
                    <Text weight="semibold">{t("Barriers_Signpost")}</Text> {guidance.signpost}
                  </Text>
                </div>
              )}
            </div>
          );
        })}
      </div>
      {!readOnly && (
        <div>
          <Button
            disabled={!changed || hook.saving}
            onClick={() =>
              void hook.save(
                () =>
                  env.store.updateEngagement(
                    seenVersion(engagement, engagement.sprx_engagementid, ["statecode", "sprx_barriers"]),
                    { sprx_barriers: multiSelectValue(BarrierValues, selected) },
                  ),
                t("Barriers_Saved"),
              )
            }
          >
            {t("Barriers_Save")}
          </Button>
        </div>
      )}
    </section>
  );
}
