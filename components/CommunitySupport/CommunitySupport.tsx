import * as React from "react";
import { Text } from "@fluentui/react-components";
import { EngagementShell, useContactEngagement } from "../shared/EngagementShell";
import { isClosed } from "../shared/facts";
import type { ControlEnvironment } from "../shared/hostContext";
import { CommunitySection } from "./CommunitySection";

/**
 * The Community support control (issue 15): its own landmark on the contact
 * form, beside the stage guidance, so the directory search and follow-ups do
 * not weigh on the other controls' bundles.
 */
export function CommunitySupport({ env }: { env: ControlEnvironment }): React.ReactElement {
  const t = env.strings;
  const hook = useContactEngagement(env);
  const engagement = hook.data?.engagement;
  return (
    <EngagementShell env={env} hook={hook} label={t("Community_Region")}>
      {engagement && hook.data ? (
        <CommunitySection env={env} hook={hook} data={hook.data} engagement={engagement} readOnly={isClosed(engagement)} />
      ) : (
        <Text>{t("Community_NoEngagement")}</Text>
      )}
    </EngagementShell>
  );
}
