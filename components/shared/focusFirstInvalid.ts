/**
 * After a refused submit, focus goes to the first field that needs fixing
 * (Fluent's Field marks its control aria-invalid once it shows a message),
 * so keyboard and screen-reader users start where the problem is.
 */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  // The messages render on the next paint; wait for it rather than for a fixed time.
  requestAnimationFrame(() => {
    const invalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.focus();
  });
}
