import { asText } from "../storage/text";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return asText(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/**
 * Every shell page loads scripts only from this server. Styles may be inline
 * because Fluent UI (Griffel) inserts its style rules at run time and the
 * tracker positions its window markers with style attributes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export interface PageOptions {
  /** Script URLs on this server, loaded in order at the end of the body. */
  readonly scripts?: readonly string[];
  /** False when the page renders its own h1 (the contact form's record header). */
  readonly heading?: boolean;
}

/** One accessible page: a language, a title, skip link, landmarks and a visible focus style. */
export function page(title: string, main: string, options: PageOptions = {}): string {
  const scripts = (options.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}"></script>`).join("\n");
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Social Prescribing (local)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/shell/shell.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="app"><nav aria-label="Local environment"><a href="/">People</a><a href="/views">Supervisor views</a><a href="/outbox">Outbox</a></nav></header>
<main id="main">
${options.heading === false ? "" : `<h1>${escapeHtml(title)}</h1>\n`}${main}
</main>
${scripts}
</body>
</html>`;
}

export function table(caption: string, headings: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("");
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join("")}</tr>`).join("\n")
    : `<tr><td colspan="${headings.length}">Nothing to show.</td></tr>`;
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
