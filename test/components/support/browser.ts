/**
 * What a browser has and jsdom lacks, for Fluent's MessageBar (it reflows
 * through ResizeObserver). Imported first by every control test.
 */
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
if (typeof window !== "undefined" && !("ResizeObserver" in window)) {
  Object.defineProperty(window, "ResizeObserver", { value: NoResizeObserver, writable: true });
}
export {};
