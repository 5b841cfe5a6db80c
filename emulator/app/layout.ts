import { escapeHtml } from "../shell/html";
import type { ShippedSolution } from "./shipped";

/**
 * The model-driven app's frame: the app name, the site map's areas, groups and
 * subareas as navigation (the current page marked with aria-current), and the
 * page's main landmark. Links are model-driven URLs
 * (https://learn.microsoft.com/en-us/powerapps/developer/model-driven-apps/open-forms-views-dialogs-reports-url):
 * /main.aspx?pagetype=entitylist&etn=…&viewid=…, pagetype=entityrecord&etn=…&id=…, pagetype=dashboard&id=….
 */

export type MainParams = Readonly<Record<string, string | number | undefined>>;

/** A /main.aspx URL with the parameters in a stable order; `appid` is carried when the request had one. */
export function mainUrl(params: MainParams): string {
  const query = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `/main.aspx?${query}`;
}

export interface AppPage {
  readonly title: string;
  readonly body: string;
  /** The subarea to mark as current: its table, or the dashboard id. */
  readonly current?: { readonly entity?: string; readonly dashboardId?: string };
  readonly appId?: string;
  readonly scripts?: readonly string[];
  /** False when the body has its own h1 (a record form's header). */
  readonly heading?: boolean;
}

function subAreaHref(subArea: { entity?: string; url?: string }, appId: string | undefined): string {
  if (subArea.entity) return mainUrl({ appid: appId, pagetype: "entitylist", etn: subArea.entity });
  const url = subArea.url ?? "/";
  if (!appId || !url.startsWith("/main.aspx?")) return url;
  return `/main.aspx?appid=${encodeURIComponent(appId)}&${url.slice("/main.aspx?".length)}`;
}

const dashboardIdOf = (url: string | undefined): string | undefined => /[?&]id=%7B?\{?([0-9a-f-]{36})/i.exec(url ?? "")?.[1]?.toLowerCase();

export function siteMapNav(solution: ShippedSolution, page: Pick<AppPage, "current" | "appId">): string {
  const areas = solution.areas.map((area) => {
    const groups = area.groups.map((group) => {
      const items = group.subAreas.map((s) => {
        const current = (s.entity && s.entity === page.current?.entity) || (page.current?.dashboardId && dashboardIdOf(s.url) === page.current.dashboardId);
        return `<li><a href="${escapeHtml(subAreaHref(s, page.appId))}"${current ? ' aria-current="page"' : ""}>${escapeHtml(s.title)}</a></li>`;
      }).join("");
      return `<li><span class="group-title" id="grp-${escapeHtml(group.id)}">${escapeHtml(group.title)}</span><ul aria-labelledby="grp-${escapeHtml(group.id)}">${items}</ul></li>`;
    }).join("");
    return `<li><span class="area-title">${escapeHtml(area.title)}</span><ul>${groups}</ul></li>`;
  }).join("");
  return `<nav class="sitemap" aria-label="Site map"><ul>${areas}</ul></nav>`;
}

/** A whole page under the shell's Content-Security-Policy: scripts only from this server, no inline script. */
export function appPage(solution: ShippedSolution, page: AppPage): string {
  const scripts = (page.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}"></script>`).join("\n");
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} – ${escapeHtml(solution.appName)} (local)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/shell/shell.css">
<link rel="stylesheet" href="/app/app.css">
</head>
<body class="mda">
<a class="skip" href="#main">Skip to content</a>
<header class="app"><span class="app-name">${escapeHtml(solution.appName)}</span><nav aria-label="Local environment"><a href="/outbox">Outbox</a></nav></header>
<div class="mda-frame">
${siteMapNav(solution, page)}
<main id="main">
${page.heading === false ? "" : `<h1>${escapeHtml(page.title)}</h1>\n`}${page.body}
</main>
</div>
${scripts}
</body>
</html>`;
}
