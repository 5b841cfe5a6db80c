import * as React from "react";
import { Button, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { ControlEnvironment } from "../shared/hostContext";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "center" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS },
  item: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
});

/**
 * Closing cannot be undone by the worker, so it asks first and says what
 * follows: the referrer is sent the summary (with consent), the person
 * leaves the caseload, and only a supervisor can reopen. The question opens
 * in place below the button (no modal layer that could leave the rest of the
 * page hidden from assistive technology): focus moves to it, Escape or
 * "Not yet" cancels and returns focus to the button.
 */
export function ConfirmClosure(props: { env: ControlEnvironment; canClose: boolean; saving: boolean; consentToShare: boolean; onConfirm: () => void }): React.ReactElement {
  const { env, canClose, saving, consentToShare, onConfirm } = props;
  const t = env.strings;
  const styles = useStyles();
  const [open, setOpen] = React.useState(false);
  const closeButton = React.useRef<HTMLButtonElement>(null);
  const confirmRef = React.useRef<HTMLButtonElement>(null);
  React.useEffect(() => {
    if (open) confirmRef.current?.focus();
  }, [open]);
  const cancel = () => {
    setOpen(false);
    closeButton.current?.focus();
  };
  return (
    <div className={styles.stack}>
      <div>
        <Button
          ref={closeButton}
          appearance="primary"
          disabledFocusable={!canClose || saving}
          aria-describedby={canClose ? undefined : "sprx-missing-list"}
          aria-expanded={open}
          onClick={() => canClose && setOpen(true)}
        >
          {t("Checklist_Close")}
        </Button>
      </div>
      {open && canClose && (
        <div
          role="alertdialog"
          aria-labelledby="sprx-confirm-closure-title"
          aria-describedby="sprx-confirm-closure-text"
          className={styles.item}
          onKeyDown={(event) => {
            if (event.key === "Escape") cancel();
          }}
        >
          <Text as="h3" weight="semibold" size={400} id="sprx-confirm-closure-title">
            {t("Confirm_Title")}
          </Text>
          <ul className={styles.list} id="sprx-confirm-closure-text">
            <li>
              <Text>{t(consentToShare ? "Confirm_ReferrerEmailed" : "Confirm_ReferrerNotEmailed")}</Text>
            </li>
            <li>
              <Text>{t("Confirm_LeavesCaseload")}</Text>
            </li>
            <li>
              <Text>{t("Confirm_SupervisorReopens")}</Text>
            </li>
          </ul>
          <div className={styles.row}>
            <Button
              ref={confirmRef}
              appearance="primary"
              disabled={saving}
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {t("Checklist_Close")}
            </Button>
            <Button onClick={cancel}>{t("Confirm_Cancel")}</Button>
          </div>
        </div>
      )}
    </div>
  );
}
