import type * as React from "react";
import { CommunitySupport as View } from "./CommunitySupport";
import { createControlView } from "../shared/control";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** Community support on the contact form: follow-ups due, each goal with its connections, suggestions for the stage, and the directory search. */
export class CommunitySupport implements ComponentFramework.ReactControl<IInputs, IOutputs> {
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
