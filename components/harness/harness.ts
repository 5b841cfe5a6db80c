/**
 * Mounts the real control bundles in a plain page, the way a model-driven
 * form does: construct, init, updateView, render. Load platform.js, then each
 * control's bundle.js, then this file, then call `SprxHarness.mount(...)`.
 */
import type * as ReactTypes from "react";
import type * as ReactDomTypes from "react-dom";
import { harnessContext, type HarnessOptions } from "./context";

declare const __SPRX_RESX__: Record<string, Record<string, string>>;

interface VirtualControl {
  init(context: ComponentFramework.Context<unknown>, notifyOutputChanged: () => void, state: ComponentFramework.Dictionary): void;
  updateView(context: ComponentFramework.Context<unknown>): ReactTypes.ReactElement;
  destroy(): void;
}

interface HarnessWindow {
  ReactDOMv16?: typeof ReactDomTypes;
  /** Where each bundle registers its constructor when the page has no ComponentFramework.registerControl. */
  SocialPrescribing?: Record<string, new () => VirtualControl>;
  SprxHarness?: typeof SprxHarness;
}

export interface MountedControl {
  /** Calls updateView again, as the platform does when the form changes. */
  rerender(): void;
  unmount(): void;
}

function mount(container: HTMLElement, options: HarnessOptions): MountedControl {
  const host = window as unknown as HarnessWindow;
  const ReactDOM = host.ReactDOMv16;
  if (!ReactDOM) throw new Error("Load platform.js before harness.js");
  const Control = host.SocialPrescribing?.[options.control];
  if (!Control) throw new Error(`Load the ${options.control} bundle.js before mounting it`);
  const strings = __SPRX_RESX__[options.control] ?? {};
  const control = new Control();
  const render = () => ReactDOM.render(control.updateView(context), container);
  const context = harnessContext(options, strings, render, () => container.clientWidth || window.innerWidth);
  control.init(context, () => undefined, {});
  render();
  return {
    rerender: render,
    unmount() {
      ReactDOM.unmountComponentAtNode(container);
      control.destroy();
    },
  };
}

const SprxHarness = { mount };
(window as unknown as HarnessWindow).SprxHarness = SprxHarness;
