import * as React from "react";
import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  makeStyles,
  tokens,
  webLightTheme,
  type Theme,
} from "@fluentui/react-components";
import { RenderGuard } from "./RenderGuard";
import type { Notice } from "./useEngagement";
import type { Strings } from "./strings";

const useStyles = makeStyles({
  region: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalM,
    minWidth: 0,
    maxWidth: "100%",
    boxSizing: "border-box",
    paddingTop: tokens.spacingVerticalS,
    paddingBottom: tokens.spacingVerticalS,
    overflowWrap: "anywhere",
  },
});

export interface ControlShellProps {
  /** The landmark's accessible name, e.g. "Six-appointment tracker". */
  readonly label: string;
  readonly theme?: Theme;
  readonly strings: Strings;
  readonly status: "loading" | "ready" | "failed";
  readonly loadError?: string;
  readonly notice?: Notice;
  readonly onRetry: () => void;
  readonly onDismissNotice: () => void;
  readonly children?: React.ReactNode;
}

/**
 * The frame of each control: the platform's Fluent theme (or Fluent's light
 * theme outside Dynamics), a named landmark region, the loading state, load
 * failures with Retry, and save results announced to assistive technology.
 */
export function ControlShell(props: ControlShellProps): React.ReactElement {
  const styles = useStyles();
  const { strings: t, notice } = props;
  // After every save, focus lands on what happened (the refusal or the confirmation), never on the page body.
  const noticeRef = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);
  return (
    <FluentProvider theme={props.theme ?? webLightTheme}>
      <section role="region" aria-label={props.label} className={styles.region}>
        {props.status === "loading" && <Spinner size="small" label={t("Common_Loading")} />}
        {props.status === "failed" && (
          <MessageBar intent="error" role="alert">
            <MessageBarBody>
              <MessageBarTitle>{t("Common_LoadFailedTitle")}</MessageBarTitle>
              {props.loadError}
            </MessageBarBody>
            <MessageBarActions>
              <Button onClick={props.onRetry}>{t("Common_Retry")}</Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {notice && notice.intent !== "success" && (
          <MessageBar intent={notice.intent} role="alert" ref={noticeRef} tabIndex={-1}>
            <MessageBarBody>{notice.text}</MessageBarBody>
            <MessageBarActions>
              <Button onClick={props.onDismissNotice}>{t("Common_Dismiss")}</Button>
            </MessageBarActions>
          </MessageBar>
        )}
        <div role="status" aria-live="polite">
          {notice?.intent === "success" && (
            <MessageBar intent="success" ref={noticeRef} tabIndex={-1}>
              <MessageBarBody>{notice.text}</MessageBarBody>
            </MessageBar>
          )}
        </div>
        {props.status === "ready" && (
          <RenderGuard title={t("Common_RecordProblem")} retryLabel={t("Common_Retry")} onRetry={props.onRetry}>
            {props.children}
          </RenderGuard>
        )}
      </section>
    </FluentProvider>
  );
}
