import * as React from "react";
import { Text } from "@fluentui/react-components";
import { ControlShell } from "../shared/ControlShell";
import { isClosed } from "../shared/facts";
import type { ControlEnvironment } from "../shared/hostContext";
import { useEngagement } from "../shared/useEngagement";
import { CommunitySection } from "./CommunitySection";

/**
 * The Community support control (issue 15): its own landmark on the contact
 * form, beside the stage guidance, so the directory search and follow-ups do
 * not weigh on the other controls' bundles.
 */
export function CommunitySupport({ env }: { env: ControlEnvironment }): React.ReactElement {
  const t = env.strings;
  const text = React.useMemo(() => ({ conflict: t("Common_Conflict"), loadFailed: t("Common_LoadFailed") }), [t]);
  const hook = useEngagement(env.store, env.contactId, text);
  const engagement = hook.data?.engagement;
  return (
    <ControlShell
      label={t("Community_Region")}
      theme={env.theme}
      strings={t}
      status={env.contactId ? hook.status : "ready"}
      loadError={hook.loadError}
      notice={hook.notice}
      onRetry={hook.reload}
      onDismissNotice={hook.dismissNotice}
    >
      {!env.contactId ? (
        <Text>{t("Common_SaveContactFirst")}</Text>
      ) : engagement && hook.data ? (
        <CommunitySection env={env} hook={hook} data={hook.data} engagement={engagement} readOnly={isClosed(engagement)} />
      ) : (
        <Text>{t("Community_NoEngagement")}</Text>
      )}
    </ControlShell>
  );
}
