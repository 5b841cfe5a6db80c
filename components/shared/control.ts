import * as React from "react";
import { environmentFrom, type ControlEnvironment } from "./hostContext";

/**
 * The body every control's index.ts shares: adapt the PCF context once in
 * init (so the store and its callbacks stay stable across renders), then hand
 * the view its props. Nothing else happens in the control class.
 */
export function createControlView(view: React.ComponentType<{ env: ControlEnvironment }>) {
  let env: ControlEnvironment | undefined;
  return {
    init(context: ComponentFramework.Context<unknown>): void {
      env = environmentFrom(context);
    },
    render(context: ComponentFramework.Context<unknown>): React.ReactElement {
      env ??= environmentFrom(context);
      return React.createElement(view, { env });
    },
  };
}
