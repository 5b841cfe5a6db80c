import { asText } from "../storage/text";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return asText(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** One accessible page: a language, a title, skip link, landmarks and a visible focus style. */
export function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Social Prescribing (local)</title>
<style>
  body { font-family: "Segoe UI", system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
  header, main { padding: 0.75rem 1.5rem; }
  header { background: #0f4c81; color: #fff; }
  header a { color: #fff; margin-right: 1rem; }
  a:focus-visible, button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
  table { border-collapse: collapse; margin-bottom: 1.5rem; background: #fff; }
  th, td { border: 1px solid #c8c8c8; padding: 0.35rem 0.6rem; text-align: left; }
  caption { text-align: left; font-weight: 600; padding: 0.4rem 0; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 0.5rem; top: 0.5rem; background: #fff; color: #000; padding: 0.25rem; }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><nav aria-label="Local environment"><a href="/">People</a><a href="/views">Supervisor views</a><a href="/outbox">Outbox</a></nav></header>
<main id="main">
<h1>${escapeHtml(title)}</h1>
${main}
</main>
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
