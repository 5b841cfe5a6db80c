import * as React from "react";
import { Badge, Button, Field, Input, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import {
  SERVICE_CATEGORIES,
  categoriesForGoal,
  dayToIso,
  followUpOn,
  followUpsDue,
  linkingSuccess,
  searchDirectory,
  suggestedCategories,
  suggestsServices,
  type ConnectionKind,
  type ServiceCategory,
} from "../../domain";
import { connectionFacts } from "../shared/communityFacts";
import type { DirectoryService } from "../shared/communityStore";
import { evaluate } from "../shared/facts";
import type { ControlEnvironment } from "../shared/hostContext";
import { BarrierValues, ReferralRouteValues, keyOf, keysOf, type ConnectionRow, type EngagementRow } from "../shared/rows";
import type { ContactEngagements } from "../shared/store";
import type { EngagementHook } from "../shared/useEngagement";

/**
 * Community support on the contact form (issue 15): follow-ups due at this
 * session, each goal with the services it is connected to, the categories
 * that suit the person's goals and barriers in sessions 2–5 (the stages for
 * signposting), and a directory search that connects in a few keystrokes.
 */

const FORMATTED = "@OData.Community.Display.V1.FormattedValue";
const MAX_RESULTS = 8;

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "end" },
  plain: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS },
  item: { padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  due: { padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorPaletteYellowBackground1 },
});

type Props = { env: ControlEnvironment; hook: EngagementHook; data: ContactEngagements; engagement: EngagementRow; readOnly: boolean };

const factsOf = connectionFacts;

const serviceName = (row: ConnectionRow) => {
  const formatted = (row as Record<string, unknown>)[`_sprx_serviceid_value${FORMATTED}`];
  return typeof formatted === "string" && formatted ? formatted : (row.sprx_name ?? "");
};

const KIND_BY_ROUTE: Record<keyof typeof ReferralRouteValues, ConnectionKind> = { self: "signposted", introduction: "introduced", formalReferral: "formalReferral" };
const kindFor = (service: DirectoryService): ConnectionKind => KIND_BY_ROUTE[keyOf(ReferralRouteValues, service.route) ?? "self"];

export function CommunitySection(props: Props): React.ReactElement {
  const { env, data, engagement, readOnly } = props;
  const t = env.strings;
  const styles = useStyles();
  const stage = evaluate(data, env.calendar, env.now()).stage;
  const [search, setSearch] = React.useState<{ category?: ServiceCategory; goalId?: string } | undefined>();
  const searchOpen = search !== undefined;
  // The directory is read only once the worker opens the search, so the form still loads in its two requests.
  const wanted = !readOnly && searchOpen;
  const [directory, setDirectory] = React.useState<DirectoryService[] | undefined>();
  const [directoryFailed, setDirectoryFailed] = React.useState(false);
  React.useEffect(() => {
    if (!wanted) return;
    let alive = true;
    env.store.loadDirectory().then(
      (services) => alive && setDirectory(services),
      () => alive && setDirectoryFailed(true),
    );
    return () => {
      alive = false;
    };
  }, [env.store, wanted]);

  const today = dayToIso(env.calendar.dayOf(env.now()));
  const connections = data.connections ?? [];
  const success = linkingSuccess(connections.map(factsOf));
  const fullName = (engagement as Record<string, unknown>)[`_sprx_contactid_value${FORMATTED}`];
  const person = typeof fullName === "string" && fullName.trim() ? fullName.trim().split(/\s+/)[0] : t("Community_ThePerson");
  const due = readOnly ? [] : followUpsDue(connections.map((row) => ({ ...factsOf(row), row })), env.calendar.dayOf(env.now()));

  const connect = (service: DirectoryService, status: "suggested" | "referred", goalId?: string) =>
    props.hook.save(
      () => env.store.connect(engagement.sprx_engagementid ?? "", { serviceId: service.id, serviceName: service.name, goalId, kind: kindFor(service), status, on: today }),
      t("Community_Connected", { service: service.name }),
    );

  return (
    <div className={styles.stack}>
      <Text>{t(success.made === 1 ? "Community_FiguresOne" : "Community_Figures", { made: success.made, attended: success.attended })}</Text>
      {due.length > 0 && (
        <section aria-labelledby="sprx-followups-heading" className={styles.stack}>
          <Text as="h3" weight="semibold" size={400} id="sprx-followups-heading">
            {t("Community_FollowUpsHeading")}
          </Text>
          <ul className={styles.plain}>
            {due.map(({ row }) => (
              <FollowUp key={row.sprx_connectionid} {...props} row={row} person={person} today={today} />
            ))}
          </ul>
        </section>
      )}
      <Plan {...props} connections={connections} />
      {directoryFailed && <Text role="alert">{t("Community_DirectoryFailed")}</Text>}
      {!readOnly && suggestsServices(stage) && <Suggestions {...props} person={person} onChoose={setSearch} />}
      {!readOnly && !searchOpen && (
        <div>
          <Button onClick={() => setSearch({})}>{t("Community_FindHeading")}</Button>
        </div>
      )}
      {search && directory && (
        <FindService key={`${search.category ?? ""}-${search.goalId ?? ""}`} {...props} directory={directory} connect={connect} initialCategory={search.category} initialGoalId={search.goalId} />
      )}
    </div>
  );
}

function FollowUp(props: Props & { row: ConnectionRow; person: string; today: string }): React.ReactElement {
  const { env, hook, row, person, today } = props;
  const t = env.strings;
  const styles = useStyles();
  const [on, setOn] = React.useState(today);
  const service = serviceName(row);
  const id = row.sprx_connectionid ?? "";
  const question = `sprx-followup-${id}`;
  const answer = (changes: Parameters<ControlEnvironment["store"]["updateConnection"]>[1]) =>
    void hook.save(() => env.store.updateConnection({ id, etag: row["@odata.etag"] }, changes), t("Community_FollowedUp"));
  return (
    <li className={styles.due}>
      <div role="group" aria-labelledby={question} className={styles.stack}>
        <Text weight="semibold" id={question}>
          {t("Community_FollowUpQuestion", { person, service })}
        </Text>
        <div className={styles.row}>
          <Field label={t("Community_FollowUpDate")}>
            <Input type="date" value={on} max={today} onChange={(_, d) => setOn(d.value)} />
          </Field>
          <Button disabled={hook.saving} aria-label={t("Community_WentNamed", { service })} onClick={() => answer({ status: "attended", attendedOn: on })}>
            {t("Community_Went")}
          </Button>
          <Button disabled={hook.saving} aria-label={t("Community_NotYetNamed", { service })} onClick={() => answer({ status: "notAttended", outcomeOn: on })}>
            {t("Community_NotYet")}
          </Button>
          <Button disabled={hook.saving} aria-label={t("Community_DeclinedNamed", { service })} onClick={() => answer({ status: "declined", outcomeOn: on })}>
            {t("Community_Declined")}
          </Button>
        </div>
      </div>
    </li>
  );
}

function Plan(props: Props & { connections: readonly ConnectionRow[] }): React.ReactElement {
  const { env, data, connections } = props;
  const t = env.strings;
  const styles = useStyles();
  const goalIds = new Set(data.goals.map((g) => g.sprx_goalid));
  const groups = [
    ...data.goals.map((goal) => ({ key: goal.sprx_goalid ?? "", title: goal.sprx_name ?? "", rows: connections.filter((c) => c._sprx_goalid_value === goal.sprx_goalid) })),
    { key: "other", title: t("Community_OtherSupport"), rows: connections.filter((c) => !c._sprx_goalid_value || !goalIds.has(c._sprx_goalid_value)) },
  ].filter((g) => g.key !== "other" || g.rows.length > 0);
  return (
    <section aria-labelledby="sprx-plan-heading" className={styles.stack}>
      <Text as="h3" weight="semibold" size={400} id="sprx-plan-heading">
        {t("Community_PlanHeading")}
      </Text>
      {connections.length === 0 && <Text>{t("Community_NoConnections")}</Text>}
      <ul className={styles.plain}>
        {groups.map((group) => (
          <li key={group.key} className={styles.item}>
            <Text weight="semibold">{group.title}</Text>
            {group.rows.length > 0 && (
              <ul className={styles.plain}>
                {group.rows.map((row) => {
                  const facts = factsOf(row);
                  const followUp = followUpOn(facts);
                  return (
                    <li key={row.sprx_connectionid} className={styles.row}>
                      <Text>{t("Community_Connection", { service: serviceName(row), status: t(`ConnectionStatus_${facts.status}`) })}</Text>
                      {facts.status === "attended" && <Badge appearance="tint" color="success">{t("ConnectionStatus_attended")}</Badge>}
                      {followUp && <Text>{t("Community_FollowUpOn", { date: env.format.day(followUp) })}</Text>}
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Connect = (service: DirectoryService, status: "suggested" | "referred", goalId?: string) => Promise<boolean>;

function ServiceList(props: { env: ControlEnvironment; busy: boolean; services: readonly DirectoryService[]; connect: Connect; goalFor: (s: DirectoryService) => string | undefined; firstRef?: React.Ref<HTMLButtonElement> }): React.ReactElement {
  const { env, busy, services, connect, goalFor, firstRef } = props;
  const t = env.strings;
  const styles = useStyles();
  return (
    <ul className={styles.plain}>
      {services.map((service, i) => (
        <li key={service.id} className={styles.item}>
          <div className={styles.row}>
            <Text weight="semibold">{service.name}</Text>
            {service.category && <Badge appearance="outline">{t(`ServiceCategory_${service.category}`)}</Badge>}
            <Text>{[service.area, service.provider, service.cost].filter(Boolean).join(" · ")}</Text>
          </div>
          {service.description && <Text block>{service.description}</Text>}
          <div className={styles.row}>
            <Button ref={i === 0 ? firstRef : undefined} appearance="primary" disabled={busy} aria-label={t("Community_ReferNamed", { service: service.name })} onClick={() => void connect(service, "referred", goalFor(service))}>
              {t("Community_Refer")}
            </Button>
            <Button disabled={busy} aria-label={t("Community_SuggestNamed", { service: service.name })} onClick={() => void connect(service, "suggested", goalFor(service))}>
              {t("Community_Suggest")}
            </Button>
          </div>
        </li>
      ))}
    </ul>
  );
}

/**
 * In sessions 2–5: the categories of service that suit the person's goals and
 * barriers, each opening the directory search on that category (and goal).
 */
function Suggestions(props: Props & { person: string; onChoose: (search: { category: ServiceCategory; goalId?: string }) => void }): React.ReactElement | null {
  const { env, data, engagement, person, onChoose } = props;
  const t = env.strings;
  const styles = useStyles();
  const goals = data.goals.filter((g) => g.sprx_name);
  const categories = suggestedCategories(goals.map((g) => g.sprx_name ?? ""), keysOf(BarrierValues, engagement.sprx_barriers));
  if (categories.length === 0) return null;
  const goalFor = (category: ServiceCategory) => goals.find((g) => categoriesForGoal(g.sprx_name ?? "").includes(category))?.sprx_goalid ?? undefined;
  return (
    <section aria-labelledby="sprx-suggested-heading" className={styles.stack}>
      <Text as="h3" weight="semibold" size={400} id="sprx-suggested-heading">
        {t("Community_SuggestedHeading", { person })}
      </Text>
      <div className={styles.row}>
        {categories.map((category) => (
          <Button key={category} onClick={() => onChoose({ category, goalId: goalFor(category) })} aria-label={t("Community_FindInCategory", { category: t(`ServiceCategory_${category}`) })}>
            {t(`ServiceCategory_${category}`)}
          </Button>
        ))}
      </div>
    </section>
  );
}

function FindService(props: Props & { directory: readonly DirectoryService[]; connect: Connect; initialCategory?: ServiceCategory; initialGoalId?: string }): React.ReactElement {
  const { env, hook, data, directory, connect, initialCategory, initialGoalId } = props;
  const t = env.strings;
  const styles = useStyles();
  const [words, setWords] = React.useState("");
  const [category, setCategory] = React.useState<ServiceCategory | "">(initialCategory ?? "");
  const [area, setArea] = React.useState("");
  const [goalId, setGoalId] = React.useState(initialGoalId ?? data.goals[0]?.sprx_goalid ?? "");
  const first = React.useRef<HTMLButtonElement>(null);
  const searching = words.trim() !== "" || category !== "" || area.trim() !== "";
  const results = searching ? searchDirectory(directory, { words, category: category || undefined, area }) : [];
  return (
    <section aria-labelledby="sprx-find-heading" className={styles.stack}>
      <Text as="h3" weight="semibold" size={400} id="sprx-find-heading">
        {t("Community_FindHeading")}
      </Text>
      <div className={styles.row}>
        <Field label={t("Community_Words")} hint={t("Community_WordsHint")}>
          <Input
            // Opened by the worker's own button press: the search is where they are going next.
            autoFocus
            type="search"
            value={words}
            onChange={(_, d) => setWords(d.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                first.current?.focus();
              }
            }}
          />
        </Field>
        <Field label={t("Community_Category")}>
          <Select value={category} onChange={(_, d) => setCategory(d.value as ServiceCategory | "")}>
            <option value="">{t("Community_AnyCategory")}</option>
            {SERVICE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`ServiceCategory_${c}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("Community_Area")}>
          <Input value={area} onChange={(_, d) => setArea(d.value)} />
        </Field>
        <Field label={t("Community_ForGoal")}>
          <Select value={goalId} onChange={(_, d) => setGoalId(d.value)}>
            <option value="">{t("Community_NoGoal")}</option>
            {data.goals.map((g) => (
              <option key={g.sprx_goalid} value={g.sprx_goalid ?? ""}>
                {g.sprx_name}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Text role="status" aria-live="polite">
        {searching ? t("Community_Found", { count: results.length }) : ""}
      </Text>
      <ServiceList env={env} busy={hook.saving} services={results.slice(0, MAX_RESULTS)} connect={connect} goalFor={() => goalId || undefined} firstRef={first} />
    </section>
  );
}
