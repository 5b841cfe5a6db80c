import type * as http from "node:http";
import { DataverseFault } from "../service/faults";

/**
 * Who may call the local Dataverse: only pages and programs on this machine
 * that address it by its loopback name. A request whose Host is another name
 * (a DNS-rebinding page) is refused, as a web server refuses a host name it
 * does not serve; a browser request from another site (its Origin, or
 * Sec-Fetch-Site) is refused; and a write must say it is JSON (or a $batch),
 * which a page on another site cannot send without the browser asking first.
 */

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export const callerFaults = {
  foreignHost: () => new DataverseFault(400, "0x80060888", "Bad Request - Invalid Hostname: this local Dataverse answers only to its loopback address."),
  crossSite: () => new DataverseFault(403, "0x80040220", "Requests from another site are not allowed to the local Dataverse."),
  notJson: () => new DataverseFault(415, "0x80060888", "A request that changes data must send Content-Type: application/json (or multipart/mixed for $batch)."),
};

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request's own port, so the guard holds on any server the listener is mounted on. */
function ownOrigins(request: http.IncomingMessage): { hosts: Set<string>; origins: Set<string> } {
  const port = request.socket.localPort;
  const hosts = new Set(LOOPBACK_NAMES.map((name) => `${name}:${String(port)}`));
  return { hosts, origins: new Set([...hosts].map((host) => `http://${host}`)) };
}

/** Why this request may not come in, or undefined when it may. */
export function refuseCaller(request: http.IncomingMessage, path: string): DataverseFault | undefined {
  const { hosts, origins } = ownOrigins(request);
  const host = header(request, "host")?.toLowerCase();
  if (!host || !hosts.has(host)) return callerFaults.foreignHost();
  const origin = header(request, "origin")?.toLowerCase();
  if (origin !== undefined && !origins.has(origin)) return callerFaults.crossSite();
  const site = header(request, "sec-fetch-site")?.toLowerCase();
  if (site === "cross-site" || site === "same-site") return callerFaults.crossSite();
  const method = (request.method ?? "GET").toUpperCase();
  if (WRITE_METHODS.has(method)) {
    const type = header(request, "content-type")?.toLowerCase() ?? "";
    const length = Number(header(request, "content-length") ?? 0);
    const hasBody = length > 0 || header(request, "transfer-encoding") !== undefined;
    const json = type.startsWith("application/json") || (path.endsWith("/$batch") && type.startsWith("multipart/mixed"));
    // A Web API body must be JSON; the app may take a form, but only from its own pages (its own Origin).
    const ownForm = !path.startsWith("/api/") && origin !== undefined;
    if (hasBody && !json && !ownForm) return callerFaults.notJson();
    // A write with no body (reset, delete, an action without parameters) from a browser must come from this origin.
    if (!hasBody && origin === undefined && site !== undefined && site !== "same-origin" && site !== "none") return callerFaults.crossSite();
  }
  return undefined;
}
