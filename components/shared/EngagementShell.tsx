import * as React from "react";
import { Text } from "@fluentui/react-components";
import { ControlShell } from "./ControlShell";
import type { ControlEnvironment } from "./hostContext";
import { type EngagementHook, useEngagement } from "./useEngagement";

/** The contact's engagements from the control's store, with the shared load and conflict texts. */
export function useContactEngagement(env: ControlEnvironment): EngagementHook {
  const t = env.strings;
  const text = React.useMemo(() => ({ conflict: t("Common_Conflict"), loadFailed: t("Common_LoadFailed") }), [t]);
  return useEngagement(env.store, env.contactId, text);
}

/**
 * What every control on the contact form shares around its own body: the
 * landmark and theme, the load state with Retry, notices, and the hint to
 * save a new contact first (a control has nothing to show before that).
 */
export function EngagementShell(props: { env: ControlEnvironment; hook: EngagementHook; label: string; children?: React.ReactNode }): React.ReactElement {
  const { env, hook } = props;
  return (
    <ControlShell
      label={props.label}
      theme={env.theme}
      strings={env.strings}
      status={env.contactId ? hook.status : "ready"}
      loadError={hook.loadError}
      notice={hook.notice}
      onRetry={hook.reload}
      onDismissNotice={hook.dismissNotice}
    >
      {!env.contactId ? <Text>{env.strings("Common_SaveContactFirst")}</Text> : props.children}
    </ControlShell>
  );
}
