/**
 * The platform libraries a model-driven app provides to virtual controls,
 * under the global names pcf-scripts' externals expect (see its
 * PlatformLibraryVersions.json: React 16.14 → Reactv16, Fluent 9.x →
 * FluentUIReactv940). ReactDOM is for the harness itself, which renders the
 * element a virtual control's updateView returns.
 */
import * as React from "react";
import * as ReactDOM from "react-dom";
import * as Fluent from "@fluentui/react-components";

Object.assign(window, {
  Reactv16: React,
  ReactDOMv16: ReactDOM,
  FluentUIReactv940: Fluent,
  React,
  ReactDOM,
});
