import type { Barrier, ClosureCheckItem, ClosureReason, SignalKind, Stage } from "../vocabulary";
import type { Signal } from "../engagement";
import { en, type GuidanceKey } from "./en";

export type Catalogue = Readonly<Record<GuidanceKey, string>>;
export { en, type GuidanceKey };

const catalogues: Record<string, Catalogue> = { en };

/** The catalogue for a language tag ("en-GB" → en), English when none fits. */
export function catalogueFor(language = "en"): Catalogue {
  return catalogues[language.toLowerCase().split("-")[0]] ?? en;
}

export function text(key: GuidanceKey, values: Readonly<Record<string, number | string>> = {}, catalogue: Catalogue = en): string {
  return catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function numbered(prefix: string, catalogue: Catalogue): string[] {
  const found: string[] = [];
  for (let i = 1; `${prefix}.${i}` in catalogue; i++) found.push(catalogue[`${prefix}.${i}` as GuidanceKey]);
  return found;
}

export interface StageGuidance {
  readonly stage: Stage;
  readonly title: string;
  readonly purpose: string;
  readonly prompts: readonly string[];
  readonly toCover: readonly string[];
}

export function stageGuidance(stage: Stage, catalogue: Catalogue = en): StageGuidance {
  return {
    stage,
    title: catalogue[`stage.${stage}.title`],
    purpose: catalogue[`stage.${stage}.purpose`],
    prompts: numbered(`stage.${stage}.prompt`, catalogue),
    toCover: numbered(`stage.${stage}.cover`, catalogue),
  };
}

export interface BarrierGuidance {
  readonly barrier: Barrier;
  readonly title: string;
  readonly whatHelps: string;
  readonly signpost: string;
}

export function barrierGuidance(barrier: Barrier, catalogue: Catalogue = en): BarrierGuidance {
  return {
    barrier,
    title: catalogue[`barrier.${barrier}.title`],
    whatHelps: catalogue[`barrier.${barrier}.helps`],
    signpost: catalogue[`barrier.${barrier}.signpost`],
  };
}

export interface ConversationGuidance {
  readonly title: string;
  readonly intro: string;
  readonly prompts: readonly { readonly approach: "appreciative" | "exploratory" | "redirect"; readonly text: string }[];
  readonly reasons: readonly string[];
}

/** The courageous-conversation card: shown only when a signal fires, and saying why. */
export function conversationGuidance(signals: readonly Signal[], catalogue: Catalogue = en): ConversationGuidance | undefined {
  if (signals.length === 0) return undefined;
  return {
    title: catalogue["conversation.title"],
    intro: catalogue["conversation.intro"],
    prompts: (["appreciative", "exploratory", "redirect"] as const).map((approach) => ({
      approach,
      text: catalogue[`conversation.${approach}`],
    })),
    reasons: signals.map((s) => signalReason(s.kind, s.values, catalogue)),
  };
}

export function signalReason(kind: SignalKind, values: Readonly<Record<string, number>>, catalogue: Catalogue = en): string {
  return text(`signal.${kind}`, values, catalogue);
}

export function closureReasonLabel(reason: ClosureReason, catalogue: Catalogue = en): string {
  return catalogue[`closureReason.${reason}`];
}

export function closureCheckLabel(item: ClosureCheckItem, catalogue: Catalogue = en): string {
  return catalogue[`closureCheck.${item}`];
}

export function stageName(stage: Stage, catalogue: Catalogue = en): string {
  return catalogue[`stageName.${stage}`];
}
