import * as React from "react";
import { Button, Checkbox, Field, Input, Select, Text, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import { REFERRAL_METHODS, REFERRAL_SOURCES, dayToIso, type ReferralMethod, type ReferralSource } from "../../domain";
import { DayInput, dayFromText, dayText, formatHint } from "../shared/DayInput";
import { focusFirstInvalid } from "../shared/focusFirstInvalid";
import type { ControlEnvironment } from "../shared/hostContext";
import type { EngagementHook } from "../shared/useEngagement";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS, maxWidth: "480px" },
  group: { border: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
});

/** A plain check that an address has one @ and a dot in its domain; the referrer's mail server has the last word. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The referral as the PRSB social prescribing standard records it: when,
 * from whom (name, role, organisation, contact email), how it arrived and
 * why — and the person's consents: to the service, and to the outcome being
 * shared with the referrer. Without the last two the closure summary can
 * never reach the referrer.
 */
export function StartEngagement({ env, hook, reReferral }: { env: ControlEnvironment; hook: EngagementHook; reReferral: boolean }): React.ReactElement {
  const t = env.strings;
  const styles = useStyles();
  const formRef = React.useRef<HTMLFormElement>(null);
  const today = dayToIso(env.calendar.dayOf(env.now()));
  const [referralText, setReferralText] = React.useState(() => dayText(env, today));
  const referralDate = dayFromText(env, referralText);
  const [source, setSource] = React.useState<ReferralSource | "">("");
  const [referrerName, setReferrerName] = React.useState("");
  const [referrerRole, setReferrerRole] = React.useState("");
  const [referrerOrganisation, setReferrerOrganisation] = React.useState("");
  const [referrerEmail, setReferrerEmail] = React.useState("");
  const [method, setMethod] = React.useState<ReferralMethod | "">("");
  const [reason, setReason] = React.useState("");
  const [consent, setConsent] = React.useState(false);
  const [consentToShare, setConsentToShare] = React.useState(false);
  const [tried, setTried] = React.useState(false);

  const selfReferred = source === "selfReferral";
  const email = referrerEmail.trim();
  const problems = {
    referralDate: !referralDate ? t("Start_DateInvalid", { format: formatHint(env) }) : referralDate > today ? t("Start_DateInFuture") : undefined,
    source: source ? undefined : t("Start_SourceRequired"),
    referrerName: selfReferred || referrerName.trim() ? undefined : t("Start_ReferrerNameRequired"),
    referrerEmail: email && !EMAIL.test(email) ? t("Start_EmailInvalid") : consentToShare && !selfReferred && !email ? t("Start_EmailForSharing") : undefined,
    reason: reason.trim() ? undefined : t("Start_ReasonRequired"),
    consent: consent ? undefined : t("Start_ConsentRequired"),
  };
  const shown = (problem: string | undefined) => (tried ? problem : undefined);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.values(problems).some(Boolean) || !env.contactId || !source || !referralDate) {
      focusFirstInvalid(formRef.current);
      return;
    }
    const contactId = env.contactId;
    // On success the open engagement replaces this form; on failure everything typed stays.
    await hook.save(
      () =>
        env.store.startEngagement(contactId, {
          referralDate,
          source,
          reason: reason.trim(),
          consent,
          consentToShare,
          referrer: selfReferred
            ? undefined
            : { name: referrerName.trim(), role: referrerRole.trim(), organisation: referrerOrganisation.trim(), email },
          method: method || undefined,
        }),
      t("Start_Saved"),
    );
  };

  return (
    <form ref={formRef} className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="sprx-start-heading">
      <Text as="h3" weight="semibold" size={400} id="sprx-start-heading">
        {t(reReferral ? "Start_TitleReReferral" : "Start_Title")}
      </Text>
      <Field label={t("Start_ReferralDate")} required validationMessage={shown(problems.referralDate)} hint={t("Start_DateHint", { format: formatHint(env) })}>
        <DayInput env={env} value={referralText} onChange={setReferralText} />
      </Field>
      <Field label={t("Start_Source")} required validationMessage={shown(problems.source)}>
        <Select value={source} onChange={(_, d) => setSource(d.value as ReferralSource | "")}>
          <option value="">{t("Common_Choose")}</option>
          {REFERRAL_SOURCES.map((s) => (
            <option key={s} value={s}>
              {t(`ReferralSource_${s}`)}
            </option>
          ))}
        </Select>
      </Field>
      {!selfReferred && (
        <fieldset className={styles.group}>
          <legend>
            <Text weight="semibold">{t("Start_ReferrerHeading")}</Text>
          </legend>
          <Field label={t("Start_ReferrerName")} required validationMessage={shown(problems.referrerName)}>
            <Input value={referrerName} onChange={(_, d) => setReferrerName(d.value)} autoComplete="off" />
          </Field>
          <Field label={t("Start_ReferrerRole")}>
            <Input value={referrerRole} onChange={(_, d) => setReferrerRole(d.value)} autoComplete="off" />
          </Field>
          <Field label={t("Start_ReferrerOrganisation")}>
            <Input value={referrerOrganisation} onChange={(_, d) => setReferrerOrganisation(d.value)} autoComplete="off" />
          </Field>
          <Field label={t("Start_ReferrerEmail")} validationMessage={shown(problems.referrerEmail)} hint={t("Start_ReferrerEmailHint")}>
            <Input type="email" value={referrerEmail} onChange={(_, d) => setReferrerEmail(d.value)} autoComplete="off" />
          </Field>
        </fieldset>
      )}
      <Field label={t("Start_Method")}>
        <Select value={method} onChange={(_, d) => setMethod(d.value as ReferralMethod | "")}>
          <option value="">{t("Common_Choose")}</option>
          {REFERRAL_METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`ReferralMethod_${m}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("Start_Reason")} required validationMessage={shown(problems.reason)}>
        <Textarea value={reason} onChange={(_, d) => setReason(d.value)} resize="vertical" />
      </Field>
      <Field validationMessage={shown(problems.consent)}>
        <Checkbox checked={consent} onChange={(_, d) => setConsent(d.checked === true)} label={t("Start_Consent")} />
      </Field>
      <Field>
        <Checkbox checked={consentToShare} onChange={(_, d) => setConsentToShare(d.checked === true)} label={t("Start_ConsentToShare")} />
      </Field>
      <div>
        <Button type="submit" appearance="primary" disabled={hook.saving}>
          {t("Start_Submit")}
        </Button>
      </div>
    </form>
  );
}
