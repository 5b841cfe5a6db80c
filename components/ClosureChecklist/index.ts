import type * as React from "react";
import { ClosureChecklist as View } from "./ClosureChecklist";
import { createControlView } from "../shared/control";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** The closure checklist on the contact form: reason, required checks, summary, and the "Close engagement" button. */
export class ClosureChecklist implements ComponentFramework.ReactControl<IInputs, IOutputs> {
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
