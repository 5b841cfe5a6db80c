import * as React from "react";
import {
  Badge,
  Button,
  Checkbox,
  Field,
  Select,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  CHECKS_PROVED_FROM_RECORD,
  CLOSURE_REASONS,
  closureCheckLabel,
  closureReasonLabel,
  requiredChecks,
  validateClosure,
  type ClosureCheckItem,
  type ClosureReason,
} from "../../domain";
import { EngagementShell, useContactEngagement } from "../shared/EngagementShell";
import { communitySupportOf } from "../shared/communityFacts";
import { seenVersion, type Versioned } from "../shared/gateway";
import { configurationFor, evaluate, isClosed } from "../shared/facts";
import type { ControlEnvironment } from "../shared/hostContext";
import { ClosureCheckItemValues, ClosureReasonValues, TimepointValues, keyOf, type ClosureCheckRow, type EngagementRow } from "../shared/rows";
import type { ContactEngagements } from "../shared/store";
import type { EngagementHook } from "../shared/useEngagement";
import { WellbeingForm } from "../shared/WellbeingForm";
import { ConfirmClosure } from "./ConfirmClosure";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "center" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS },
  plain: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  item: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  form: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS, maxWidth: "560px" },
});


const FORMATTED = "@OData.Community.Display.V1.FormattedValue";

export function ClosureChecklist({ env }: { env: ControlEnvironment }): React.ReactElement {
  const t = env.strings;
  const hook = useContactEngagement(env);
  const engagement = hook.data?.engagement;
  return (
    <EngagementShell env={env} hook={hook} label={t("Checklist_Region")}>
      {!engagement || !hook.data ? (
        <Text>{t("Checklist_NoEngagement")}</Text>
      ) : isClosed(engagement) ? (
        <ClosedSummary env={env} hook={hook} data={hook.data} engagement={engagement} />
      ) : (
        <OpenChecklist env={env} hook={hook} data={hook.data} engagement={engagement} />
      )}
    </EngagementShell>
  );
}

/** The engagement as the worker sees it here: only these columns make a newer save a conflict. */
function versionOf(engagement: EngagementRow) {
  return seenVersion(engagement, engagement.sprx_engagementid, ["statecode", "sprx_closurereason", "sprx_closuresummary", "sprx_nextsteps"]);
}

function checkRows(data: ContactEngagements): Map<ClosureCheckItem, ClosureCheckRow> {
  const rows = new Map<ClosureCheckItem, ClosureCheckRow>();
  for (const row of data.checks) {
    const item = keyOf(ClosureCheckItemValues, row.sprx_item);
    if (item) rows.set(item, row);
  }
  return rows;
}

function OpenChecklist(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow }): React.ReactElement {
  const { env, hook, data, engagement } = props;
  const t = env.strings;
  const styles = useStyles();
  const config = configurationFor(engagement);
  const now = env.now();
  const state = evaluate(data, env.calendar, now);
  const reason = keyOf(ClosureReasonValues, engagement.sprx_closurereason);
  const rows = checkRows(data);
  const [summary, setSummary] = React.useState(engagement.sprx_closuresummary ?? "");
  const [nextSteps, setNextSteps] = React.useState(engagement.sprx_nextsteps ?? "");
  const openFutureSessions = state.sessions.filter((s) => s.attendance === "planned" && !s.isPast).length;
  const closingWellbeingRecorded = data.scores.some((s) => s.sprx_timepoint === TimepointValues.closing);
  const done = [...rows].filter(([, row]) => row.sprx_done === true).map(([item]) => item);
  // "Community support in place" is proved from the record, as the server judges it: an attended connection, or the tick with its reason.
  const communitySupport = communitySupportOf(data, rows.get("communitySupportConfirmed"));
  const verdict = validateClosure({ reason, done, summary, openFutureSessions, closingWellbeingRecorded, communitySupport }, config);
  const items = reason ? requiredChecks(reason, config) : [];

  // Notes as typed, by item; one Save notes writes every note that changed.
  const [notes, setNotes] = React.useState<Partial<Record<ClosureCheckItem, string>>>({});
  const changedNotes = items.filter((item) => !CHECKS_PROVED_FROM_RECORD.has(item) && notes[item] !== undefined && notes[item] !== (rows.get(item)?.sprx_note ?? ""));
  const saveNotes = () =>
    void hook.save(async () => {
      for (const item of changedNotes) {
        const row = rows.get(item);
        await env.store.saveCheck(engagement.sprx_engagementid ?? "", versionOfCheck(row), {
          item, label: closureCheckLabel(item), done: row?.sprx_done === true, note: notes[item] ?? "", userId: env.userId, now: env.now(),
        });
      }
    }, t("Checklist_NotesSaved", { count: changedNotes.length }));

  const chooseReason = (value: string) => {
    const chosen = value as ClosureReason;
    void hook.save(
      () => env.store.updateEngagement(versionOf(engagement), { sprx_closurereason: value ? ClosureReasonValues[chosen] : null }),
      t("Checklist_ReasonSaved"),
    );
  };

  const close = () => {
    if (!reason || !verdict.canClose) return;
    // The server checks again (any client can close by a plain update); if it refuses, its message shows and the text stays.
    void hook.save(
      () => env.store.closeEngagement(versionOf(engagement), { reason, summary: summary.trim(), nextSteps: nextSteps.trim() }),
      t("Checklist_Closed"),
    );
  };

  return (
    <div className={styles.stack}>
      <Field label={t("Checklist_Reason")} required>
        <Select value={reason ?? ""} disabled={hook.saving} onChange={(_, d) => chooseReason(d.value)}>
          <option value="">{t("Common_Choose")}</option>
          {CLOSURE_REASONS.map((r) => (
            <option key={r} value={r}>
              {closureReasonLabel(r)}
            </option>
          ))}
        </Select>
      </Field>
      {reason && (
        <section aria-labelledby="sprx-checks-heading" className={styles.stack}>
          <Text as="h3" weight="semibold" size={400} id="sprx-checks-heading">
            {t("Checklist_ChecksHeading", { reason: closureReasonLabel(reason) })}
          </Text>
          <ul className={styles.plain}>
            {items.map((item) =>
              CHECKS_PROVED_FROM_RECORD.has(item) ? (
                <ProvedCheck
                  key={item}
                  env={env}
                  hook={hook}
                  item={item}
                  engagement={engagement}
                  met={item === "futureSessionsCancelled" ? openFutureSessions === 0 : closingWellbeingRecorded}
                  openFutureSessions={openFutureSessions}
                  scores={data.scores}
                />
              ) : (
                <TickedCheck
                  key={item}
                  env={env}
                  hook={hook}
                  item={item}
                  row={rows.get(item)}
                  engagementId={engagement.sprx_engagementid ?? ""}
                  note={notes[item] ?? rows.get(item)?.sprx_note ?? ""}
                  onNote={(text) => setNotes((n) => ({ ...n, [item]: text }))}
                />
              ),
            )}
          </ul>
          <div>
            <Button disabled={hook.saving || changedNotes.length === 0} onClick={saveNotes}>
              {t("Checklist_SaveNotes")}
            </Button>
          </div>
        </section>
      )}
      <section aria-labelledby="sprx-summary-heading" className={styles.form}>
        <Text as="h3" weight="semibold" size={400} id="sprx-summary-heading">
          {t("Checklist_SummaryHeading")}
        </Text>
        <Field label={t("Checklist_Summary")} required hint={t("Checklist_SummaryHint")}>
          <Textarea value={summary} onChange={(_, d) => setSummary(d.value)} resize="vertical" />
        </Field>
        <Field label={t("Checklist_NextSteps")}>
          <Textarea value={nextSteps} onChange={(_, d) => setNextSteps(d.value)} resize="vertical" />
        </Field>
        <div>
          <Button
            disabled={hook.saving}
            onClick={() =>
              void hook.save(
                () => env.store.updateEngagement(versionOf(engagement), { sprx_closuresummary: summary.trim(), sprx_nextsteps: nextSteps.trim() }),
                t("Checklist_SummarySaved"),
              )
            }
          >
            {t("Checklist_SaveSummary")}
          </Button>
        </div>
      </section>
      {!verdict.canClose && (
        <section aria-labelledby="sprx-missing-heading" className={styles.stack}>
          <Text as="h3" weight="semibold" size={400} id="sprx-missing-heading">
            {t("Checklist_Missing")}
          </Text>
          <ul className={styles.list} id="sprx-missing-list">
            {verdict.missing.map((m) => (
              <li key={`${m.code}-${m.item ?? ""}`}>
                <Text>{m.message}</Text>
              </li>
            ))}
          </ul>
        </section>
      )}
      <ConfirmClosure env={env} canClose={verdict.canClose} saving={hook.saving} consentToShare={engagement.sprx_consenttoshare === true} onConfirm={close} />
    </div>
  );
}

function TickedCheck(props: {
  env: ControlEnvironment;
  hook: EngagementHook;
  item: ClosureCheckItem;
  row?: ClosureCheckRow;
  engagementId: string;
  note: string;
  onNote: (text: string) => void;
}): React.ReactElement {
  const { env, hook, item, row, engagementId, note, onNote } = props;
  const t = env.strings;
  const styles = useStyles();
  const label = closureCheckLabel(item);
  const done = row?.sprx_done === true;
  // Ticking saves the note typed beside it too.
  const tick = (nextDone: boolean) =>
    void hook.save(
      () => env.store.saveCheck(engagementId, versionOfCheck(row), { item, label, done: nextDone, note, userId: env.userId, now: env.now() }),
      t(nextDone ? "Checklist_Ticked" : "Checklist_Unticked", { item: label }),
    );
  const byId = row?._sprx_donebyid_value;
  const who = (row as Record<string, unknown> | undefined)?.[`_sprx_donebyid_value${FORMATTED}`];
  const whoText = typeof who === "string" && who ? who : byId && env.userId.replace(/[{}]/g, "").toLowerCase() === byId.toLowerCase() ? t("Checklist_You") : t("Checklist_Colleague");
  return (
    <li className={styles.item}>
      <Checkbox checked={done} disabled={hook.saving} label={label} onChange={(_, d) => tick(d.checked === true)} />
      {done && row?.sprx_doneon && <Text>{t("Checklist_DoneBy", { who: whoText, when: env.format.dateTime(new Date(row.sprx_doneon)) })}</Text>}
      {/* The item's name is the checkbox just above: the visible label does not repeat it; the accessible name does, to tell the notes apart. */}
      <Field label={t("Checklist_NoteLabel")} hint={t("Checklist_NoteHint")}>
        <Textarea value={note} onChange={(_, d) => onNote(d.value)} resize="vertical" aria-label={t("Checklist_Note", { item: label })} />
      </Field>
    </li>
  );
}

/** A check row as loaded, for a conditional write. */
function versionOfCheck(row: ClosureCheckRow | undefined): Versioned | undefined {
  return row?.sprx_closurecheckid ? { id: row.sprx_closurecheckid, etag: row["@odata.etag"] } : undefined;
}

function ProvedCheck(props: {
  env: ControlEnvironment;
  hook: EngagementHook;
  item: ClosureCheckItem;
  engagement: EngagementRow;
  met: boolean;
  openFutureSessions: number;
  scores: ContactEngagements["scores"];
}): React.ReactElement {
  const { env, hook, item, engagement, met, openFutureSessions, scores } = props;
  const t = env.strings;
  const styles = useStyles();
  return (
    <li className={styles.item}>
      <div className={styles.row}>
        <Badge appearance="tint" color={met ? "success" : "warning"}>
          {t(met ? "Checklist_Met" : "Checklist_NotMet")}
        </Badge>
        <Text>{closureCheckLabel(item)}</Text>
      </div>
      <Text>
        {item === "futureSessionsCancelled"
          ? met
            ? t("Checklist_NoFutureSessions")
            : openFutureSessions === 1
              ? t("Checklist_FutureSessionsOne")
              : t("Checklist_FutureSessions", { count: env.format.integer(openFutureSessions) })
          : met
            ? t("Checklist_ClosingMeasureStored")
            : t("Checklist_ClosingMeasureMissing")}
      </Text>
      {item === "closingWellbeingRecorded" && !met && (
        <WellbeingForm
          env={env}
          hook={hook}
          engagementId={engagement.sprx_engagementid ?? ""}
          scores={scores}
          referralDate={engagement.sprx_referraldate}
          timepoint="closing"
          headingLevel="h4"
        />
      )}
    </li>
  );
}

function ClosedSummary(props: { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow }): React.ReactElement {
  const { env, hook, data, engagement } = props;
  const t = env.strings;
  const styles = useStyles();
  const reason = keyOf(ClosureReasonValues, engagement.sprx_closurereason);
  const done = [...checkRows(data)].filter(([, row]) => row.sprx_done === true);
  return (
    <div className={styles.stack}>
      <Text as="h3" weight="semibold" size={400}>
        {t("Closed_Heading", { reference: engagement.sprx_name ?? "" })}
      </Text>
      <dl className={styles.stack}>
        <dt>
          <Text weight="semibold">{t("Closed_Reason")}</Text>
        </dt>
        <dd>
          <Text>{reason ? closureReasonLabel(reason) : "–"}</Text>
        </dd>
        <dt>
          <Text weight="semibold">{t("Closed_On")}</Text>
        </dt>
        <dd>
          <Text>{engagement.sprx_closedon ? env.format.dateTime(new Date(engagement.sprx_closedon)) : "–"}</Text>
        </dd>
        <dt>
          <Text weight="semibold">{t("Checklist_Summary")}</Text>
        </dt>
        <dd>
          <Text>{engagement.sprx_closuresummary || "–"}</Text>
        </dd>
        <dt>
          <Text weight="semibold">{t("Checklist_NextSteps")}</Text>
        </dt>
        <dd>
          <Text>{engagement.sprx_nextsteps || "–"}</Text>
        </dd>
        <dt>
          <Text weight="semibold">{t("Closed_Checks")}</Text>
        </dt>
        <dd>
          <ul className={styles.list}>
            {done.map(([item, row]) => (
              <li key={item}>
                <Text>
                  {closureCheckLabel(item)}
                  {row.sprx_note ? `: ${row.sprx_note}` : ""}
                </Text>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {env.isSupervisor && (
        <div>
          <Button disabled={hook.saving} onClick={() => void hook.save(() => env.store.reopenEngagement(versionOf(engagement)), t("Closed_Reopened"))}>
            {t("Closed_Reopen")}
          </Button>
        </div>
      )}
    </div>
  );
}
