import type * as React from "react";
import { AppointmentTracker as View } from "./AppointmentTracker";
import { createControlView } from "../shared/control";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** The six-appointment tracker on the contact form (bound to the contact's name field only to be placed there). */
export class AppointmentTracker implements ComponentFramework.ReactControl<IInputs, IOutputs> {
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
