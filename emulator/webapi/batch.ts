import { randomUUID } from "node:crypto";
import { MAX_BATCH_REQUESTS, batchRequestCount, limitFaults } from "../guard";
import { faults } from "../service/faults";
import { API_ROOT, type ApiRequest, type ApiResponse, type WebApi, faultResponse } from "./webApi";

/**
 * `$batch` (multipart/mixed). Requests outside a change set run one by one;
 * a change set runs as one unit of work, so one failure rolls back all of it
 * and only that failure is answered. Without
 * `Prefer: odata.continue-on-error`, processing stops at the first failure
 * and the batch itself answers with that request's status (400 for a bad
 * request); with it, the batch answers 200 and every part carries its own.
 * `$n` in a change set's URL or body stands for the row created by Content-ID n;
 * an undeclared one is a 400.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#reference-uris-in-an-operation
 */

interface Part {
  readonly headers: Record<string, string>;
  readonly body: string;
}

function boundaryOf(contentType: string | undefined): string | undefined {
  return /boundary=("?)([^";]+)\1/i.exec(contentType ?? "")?.[2];
}

function splitMultipart(body: string, boundary: string): Part[] {
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  const parts: Part[] = [];
  for (const section of sections.slice(1)) {
    if (section.startsWith("--")) break;
    const text = section.replace(/^\r?\n/, "");
    const split = /\r?\n\r?\n/.exec(text);
    const head = split ? text.slice(0, split.index) : text;
    const rest = split ? text.slice(split.index + split[0].length) : "";
    parts.push({ headers: parseHeaders(head), body: rest.replace(/\r?\n$/, "") });
  }
  return parts;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** An application/http part: "PATCH url HTTP/1.1", headers, blank line, body. */
function parseRequest(part: Part, outer: ApiRequest["headers"]): ApiRequest & { contentId?: string } {
  const split = /\r?\n\r?\n/.exec(part.body);
  const head = split ? part.body.slice(0, split.index) : part.body;
  const body = split ? part.body.slice(split.index + split[0].length).trim() : "";
  const [requestLine, ...headerLines] = head.split(/\r?\n/);
  const match = /^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)(?:\s+HTTP\/1\.1)?$/i.exec(requestLine.trim());
  if (!match) throw faults.query(`A $batch part has no valid request line.`);
  let url = match[2];
  const absolute = url.indexOf(API_ROOT);
  if (absolute >= 0) url = url.slice(absolute);
  else if (!url.startsWith("/") && !url.startsWith("$")) url = `${API_ROOT}${url}`;
  const headers = { ...outer, ...parseHeaders(headerLines.join("\n")) };
  return { method: match[1].toUpperCase(), url, headers, body, contentId: part.headers["content-id"] };
}

function httpPart(response: ApiResponse, contentId?: string): string {
  const lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  const statusText: Record<number, string> = { 200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 412: "Precondition Failed", 500: "Internal Server Error", 501: "Not Implemented" };
  const head = [`HTTP/1.1 ${response.status} ${statusText[response.status] ?? ""}`.trim(), ...Object.entries(response.headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join("\r\n")}\r\n\r\n${head.join("\r\n")}\r\n\r\n${response.body ?? ""}`;
}

/** `$1` in a change set's URL or @odata.bind stands for the entity created by Content-ID 1. */
function resolveReferences(text: string, created: ReadonlyMap<string, string>, inUrl: boolean): string {
  const lookUp = (id: string): string => {
    const url = created.get(id);
    if (url === undefined) throw faults.query(`Content-ID Reference: '$${id}' does not exist in the batch context.`);
    return url;
  };
  if (inUrl) return text.replace(/^\$(\d+)(?=[/?]|$)/, (_whole, id: string) => `${API_ROOT}${lookUp(id).slice(1)}`);
  // Only where a URL belongs: the value of an @odata.bind or @odata.id.
  return text.replace(/(@odata\.(?:bind|id)"\s*:\s*")\$(\d+)(?=[/"])/g, (_whole, before: string, id: string) => `${before}${lookUp(id)}`);
}

export async function runBatch(api: WebApi, request: ApiRequest): Promise<ApiResponse> {
  const boundary = boundaryOf(request.headers["content-type"]);
  if (!boundary) throw faults.query("The $batch request needs a multipart/mixed Content-Type with a boundary.");
  const count = batchRequestCount(request.body);
  if (count > MAX_BATCH_REQUESTS) throw limitFaults.batchTooLarge(count);
  const continueOnError = /odata\.continue-on-error/i.test(request.headers["prefer"] ?? "");
  const outer = {
    prefer: request.headers["prefer"], "x-ms-correlation-request-id": request.headers["x-ms-correlation-request-id"],
    "mscrm.bypasscustompluginexecution": request.headers["mscrm.bypasscustompluginexecution"], "mscrm.bypassbusinesslogicexecution": request.headers["mscrm.bypassbusinesslogicexecution"],
    // The caller of the batch is the caller of every part.
    mscrmcallerid: request.headers["mscrmcallerid"], callerobjectid: request.headers["callerobjectid"], authorization: request.headers["authorization"], cookie: request.headers["cookie"],
  };
  const responseBoundary = `batchresponse_${randomUUID()}`;
  const out: string[] = [];
  /** The first failure when processing stopped at it: the batch answers with its status. */
  let stoppedAt: number | undefined;

  for (const part of splitMultipart(request.body, boundary)) {
    const inner = boundaryOf(part.headers["content-type"]);
    if (inner) {
      const changesetBoundary = `changesetresponse_${randomUUID()}`;
      const requests = splitMultipart(part.body, inner).map((p) => parseRequest(p, outer));
      const created = new Map<string, string>();
      const responses: { response: ApiResponse; contentId?: string }[] = [];
      let failure: { response: ApiResponse; contentId?: string } | undefined;
      try {
        await api.service.unit(api.caller(outer), async (unit) => {
          for (const r of requests) {
            if (r.method === "GET") throw faults.query("A change set cannot contain a GET request.");
            const resolved = { ...r, url: resolveReferences(r.url, created, true), body: resolveReferences(r.body, created, false) };
            const response = await api.handle(resolved, unit);
            if (response.status >= 400) {
              failure = { response, contentId: r.contentId };
              throw new Error("change set failed");
            }
            const entityId = response.headers["OData-EntityId"];
            if (r.contentId && entityId) created.set(r.contentId, entityId.slice(entityId.indexOf(API_ROOT) + API_ROOT.length - 1));
            responses.push({ response, contentId: r.contentId });
          }
        });
      } catch (error) {
        failure ??= { response: faultResponse(error) };
      }
      if (failure) {
        out.push(httpPart(failure.response, failure.contentId));
        if (!continueOnError) {
          stoppedAt = failure.response.status;
          break;
        }
        continue;
      }
      out.push(
        `Content-Type: multipart/mixed; boundary=${changesetBoundary}\r\n\r\n` +
          responses.map((r) => `--${changesetBoundary}\r\n${httpPart(r.response, r.contentId)}\r\n`).join("") +
          `--${changesetBoundary}--`,
      );
      continue;
    }
    const single = parseRequest(part, outer);
    const response = single.url.startsWith("$")
      ? faultResponse(faults.query(`Content-ID Reference: '${single.url.split("/")[0]}' does not exist in the batch context.`))
      : await api.handle(single);
    out.push(httpPart(response, single.contentId));
    if (response.status >= 400 && !continueOnError) {
      stoppedAt = response.status;
      break;
    }
  }
  return {
    status: stoppedAt ?? 200,
    headers: { "Content-Type": `multipart/mixed; boundary=${responseBoundary}`, "OData-Version": "4.0" },
    body: out.map((p) => `--${responseBoundary}\r\n${p}\r\n`).join("") + `--${responseBoundary}--\r\n`,
  };
}
