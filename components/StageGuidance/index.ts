import type * as React from "react";
import { StageGuidance as View } from "./StageGuidance";
import { createControlView } from "../shared/control";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** The stage guidance panel on the contact form: what the next session is for, the plan, barriers and measures. */
export class StageGuidance implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private readonly view = createControlView(View);

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.view.init(context);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    return this.view.render(context);
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    // Nothing to release: React unmounts the view, and no timers or subscriptions are held.
  }
}
