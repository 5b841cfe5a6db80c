import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Tables } from "../../../solution/generated/dataverse";
import { schema } from "../../../solution/schema/schema";
import { splitTopLevel } from "../../../emulator/odata/query";

/**
 * A small recording stand-in for the Dataverse Web API, on loopback: rows in
 * memory, every request recorded, failures injectable. It speaks the parts
 * of the protocol the service uses — $select, a conjunctive $filter, $top,
 * paging with odata.maxpagesize and @odata.nextLink, one level of $expand of
 * collection-valued navigation properties (with their own $select, $filter,
 * $orderby and $top, paged with `<navigation>@odata.nextLink` to the related
 * collection), OData-EntityId on create, If-Match (etags and *), @odata.bind,
 * unbound actions, and Dataverse's error shape.
 */

export interface RecordedRequest {
  readonly method: string;
  /** Path and query after /api/data/v9.2/, decoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Record<string, unknown> | undefined;
}

type Row = Record<string, unknown>;

const PRIMARY_KEYS: Record<string, string> = {
  sprx_engagements: "sprx_engagementid",
  appointments: "activityid",
  sprx_goals: "sprx_goalid",
  sprx_closurechecks: "sprx_closurecheckid",
  sprx_wellbeingscores: "sprx_wellbeingscoreid",
  sprx_connections: "sprx_connectionid",
  sprx_communityservices: "sprx_communityserviceid",
  accounts: "accountid",
  contacts: "contactid",
  systemusers: "systemuserid",
  usersettingscollection: "systemuserid",
  serviceendpoints: "serviceendpointid",
  sdkmessages: "sdkmessageid",
  sdkmessagefilters: "sdkmessagefilterid",
  sdkmessageprocessingsteps: "sdkmessageprocessingstepid",
  sdkmessageprocessingstepimages: "sdkmessageprocessingstepimageid",
};

interface Collection {
  readonly set: string;
  readonly lookup: string;
}

/** Collection-valued navigation properties by entity set, from the schema's relationships. */
const COLLECTIONS: Record<string, Record<string, Collection>> = (() => {
  const setOf = new Map<string, string>(Object.values(Tables).map((t) => [t.logicalName, t.entitySetName]));
  const collections: Record<string, Record<string, Collection>> = {};
  for (const relationship of schema.relationships) {
    const parent = setOf.get(relationship.referencedTable);
    const child = setOf.get(relationship.referencingTable);
    if (parent && child) (collections[parent] ??= {})[relationship.collectionProperty] = { set: child, lookup: `_${relationship.lookup}_value` };
  }
  return collections;
})();

/** Whether a row's lookup points at the parent row. */
const relatedTo = (collection: Collection, parentId: string) => (row: Row) => {
  const lookup = row[collection.lookup];
  return typeof lookup === "string" && lookup.toLowerCase() === parentId;
};

/** Navigation properties whose lookup column is named differently. */
const LOOKUP_OF_NAVIGATION: Record<string, string> = { eventhandler_serviceendpoint: "eventhandler" };

interface Fault {
  readonly matches: (request: RecordedRequest) => boolean;
  remaining: number;
  readonly status: number;
  readonly headers: Record<string, string>;
}

export interface FakeDataverse {
  readonly url: string;
  /**
   * How many rows of an expanded collection are returned inline before a
   * `<navigation>@odata.nextLink`; Dataverse decides this itself, so tests set it.
   */
  expansionPageSize: number;
  readonly requests: RecordedRequest[];
  readonly actions: { name: string; body: Record<string, unknown> }[];
  insert(entitySet: string, row: Row): string;
  row(entitySet: string, id: string): Row | undefined;
  rows(entitySet: string): Row[];
  /** The next `count` requests that match answer `status` (with headers such as Retry-After). */
  fail(matches: (request: RecordedRequest) => boolean, count: number, status: number, headers?: Record<string, string>): void;
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

function literal(text: string): unknown {
  if (text === "null") return null;
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text.toLowerCase();
}

function compare(value: unknown, operator: string, expected: unknown): boolean {
  const a = typeof value === "string" ? value.toLowerCase() : (value ?? null);
  const b = typeof expected === "string" ? expected.toLowerCase() : expected;
  switch (operator) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "gt":
      return a !== null && b !== null && (a as number) > (b as number);
    case "ge":
      return a !== null && b !== null && (a as number) >= (b as number);
    case "lt":
      return a !== null && b !== null && (a as number) < (b as number);
    case "le":
      return a !== null && b !== null && (a as number) <= (b as number);
    default:
      throw new Error(`operator ${operator} not supported by the fake`);
  }
}

/** `a eq 1 and b ne null and c eq 'x'` — the conjunctions the service sends. */
function matchesFilter(row: Row, filter: string | null): boolean {
  if (!filter) return true;
  return filter.split(/\s+and\s+/i).every((clause) => {
    const match = /^\s*(\S+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/.exec(clause);
    if (!match) throw new Error(`filter clause not supported by the fake: ${clause}`);
    return compare(row[match[1]], match[2], literal(match[3]));
  });
}


class QueryFault extends Error {}

interface Expansion {
  readonly navigation: string;
  readonly collection: Collection;
  readonly options: Map<string, string>;
}

/** `nav($select=a,b;$filter=c eq 1;$orderby=d asc;$top=1),other` against the set's collection-valued properties. */
function parseExpand(set: string, text: string | null): Expansion[] {
  if (!text) return [];
  return splitTopLevel(text, ",").map((item) => {
    const match = /^\s*([A-Za-z_]\w*)(?:\((.*)\))?\s*$/s.exec(item);
    if (!match) throw new QueryFault(`Syntax error in $expand: '${item}'.`);
    const [, navigation, inner] = match;
    const collection = COLLECTIONS[set]?.[navigation];
    if (!collection) throw new QueryFault(`Could not find a property named '${navigation}' on '${set}'.`);
    const options = new Map<string, string>();
    for (const part of inner ? splitTopLevel(inner, ";") : []) {
      const eq = part.indexOf("=");
      const name = part.slice(0, eq).trim();
      if (eq < 0 || !["$select", "$filter", "$orderby", "$top"].includes(name)) throw new QueryFault(`Expand option not supported by the fake: '${part}'.`);
      options.set(name, part.slice(eq + 1).trim());
    }
    return { navigation, collection, options };
  });
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export async function startFakeDataverse(): Promise<FakeDataverse> {
  const tables = new Map<string, Map<string, Row>>();
  const requests: RecordedRequest[] = [];
  const actions: { name: string; body: Record<string, unknown> }[] = [];
  const faults: Fault[] = [];
  let version = 1000;
  const table = (set: string) => {
    if (!tables.has(set)) tables.set(set, new Map());
    return tables.get(set)!;
  };
  const stamp = (row: Row) => {
    version++;
    row["@odata.etag"] = `W/"${version}"`;
    row.versionnumber = version;
    return row;
  };
  const applyBinds = (row: Row, body: Row) => {
    for (const [key, value] of Object.entries(body)) {
      if (key.endsWith("@odata.bind")) {
        const navigation = key.slice(0, -"@odata.bind".length);
        const id = /\(([0-9a-f-]{36})\)$/i.exec(String(value))?.[1];
        row[`_${LOOKUP_OF_NAVIGATION[navigation] ?? navigation}_value`] = id?.toLowerCase();
      } else {
        row[key] = value;
      }
    }
  };
  const insert = (set: string, row: Row): string => {
    const key = PRIMARY_KEYS[set];
    const id = ((row[key] as string | undefined) ?? randomUUID()).toLowerCase();
    const stored: Row = { createdon: new Date().toISOString() };
    applyBinds(stored, row);
    stored[key] = id;
    table(set).set(id, stamp(stored));
    return id;
  };

  interface Options {
    get(name: string): string | null;
  }
  /** The row as the query asks for it: its selected columns (with key and etag) and any expanded collections. */
  const shape = (set: string, row: Row, options: Options): Row => {
    const key = PRIMARY_KEYS[set];
    const select = options.get("$select")?.split(",");
    const shaped = select ? Object.fromEntries(Object.entries(row).filter(([k]) => select.includes(k) || k === "@odata.etag" || k === key)) : { ...row };
    for (const { navigation, collection, options: inner } of parseExpand(set, options.get("$expand"))) {
      const id = String(row[key]);
      const page = collectionPage(collection.set, relatedTo(collection, id), { get: (name) => inner.get(name) ?? null }, 0, api.expansionPageSize);
      shaped[navigation] = page.rows;
      if (page.more) {
        const query = new URLSearchParams([...inner, ["$skiptoken", String(page.rows.length)]]);
        shaped[`${navigation}@odata.nextLink`] = `${api.url}/api/data/v9.2/${set}(${id})/${navigation}?${query.toString()}`;
      }
    }
    return shaped;
  };
  /** One page of the rows of a set that pass `scope` and the query's $filter, in $orderby order, cut by $top. */
  const collectionPage = (set: string, scope: (row: Row) => boolean, options: Options, skip: number, size: number) => {
    let found = [...table(set).values()].filter((row) => scope(row) && matchesFilter(row, options.get("$filter")));
    const orderby = options.get("$orderby");
    if (orderby) {
      const [column, direction] = orderby.trim().split(/\s+/);
      const text = (row: Row) => JSON.stringify(row[column] ?? "");
      found.sort((a, b) => text(a).localeCompare(text(b)) * (direction === "desc" ? -1 : 1));
    }
    const top = options.get("$top");
    if (top) found = found.slice(0, Number(top));
    return { rows: found.slice(skip, skip + size).map((row) => shape(set, row, options)), more: skip + size < found.length };
  };

  /**
   * `$batch` with change sets: each operation is sent to this fake itself, in
   * order; the first failure restores the rows and actions as they were
   * before the change set (all or nothing) and is the change set's answer.
   */
  const runChangeSets = async (text: string, origin: string): Promise<string> => {
    const parts: string[] = [];
    const snapshot = new Map([...tables].map(([set, rows]) => [set, new Map([...rows].map(([id, row]) => [id, structuredClone(row)]))]));
    const actionCount = actions.length;
    for (const operation of text.split(/--changeset_[^\r\n-]+(?:--)?\r?\n?/).filter((p) => p.includes("application/http"))) {
      const [, head = "", payload = ""] = /^[\s\S]*?\r?\n\r?\n([\s\S]*?)\r?\n\r?\n([\s\S]*)$/.exec(operation) ?? [];
      const [requestLine, ...headerLines] = head.split(/\r?\n/);
      const [method, target] = requestLine.split(" ");
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(":")).trim(), line.slice(line.indexOf(":") + 1).trim()]));
      const response = await fetch(new URL(target, origin), { method, headers, body: payload.trim() || undefined });
      const answer = await response.text();
      if (response.status >= 400) {
        // Undo what the earlier operations of the change set did (a failure of the first one changed nothing).
        if (parts.length > 0) {
          tables.clear();
          for (const [set, rows] of snapshot) tables.set(set, rows);
          actions.length = actionCount;
        }
        return `--batchresponse_fake\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 ${response.status} Failed\r\nContent-Type: application/json\r\n\r\n${answer}\r\n--batchresponse_fake--\r\n`;
      }
      parts.push(`HTTP/1.1 ${response.status} OK`);
    }
    return `--batchresponse_fake\r\n${parts.join("\r\n")}\r\n--batchresponse_fake--\r\n`;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const relative = decodeURIComponent(url.pathname.replace(/^\/api\/data\/v9\.2\//, "")) + decodeURIComponent(url.search);
      const text = Buffer.concat(chunks).toString("utf8");
      if (req.method === "POST" && url.pathname.endsWith("/$batch")) {
        void runChangeSets(text, `http://${req.headers.host}`).then((answer) => {
          res.writeHead(200, { "Content-Type": "multipart/mixed; boundary=batchresponse_fake", "OData-Version": "4.0" });
          res.end(answer);
        });
        return;
      }
      const body = text ? (JSON.parse(text) as Row) : undefined;
      const headers = {
        "if-match": req.headers["if-match"],
        "if-none-match": req.headers["if-none-match"],
        prefer: req.headers.prefer as string | undefined,
        authorization: req.headers.authorization,
        "x-ms-correlation-request-id": req.headers["x-ms-correlation-request-id"] as string | undefined,
      };
      const recorded: RecordedRequest = { method: req.method ?? "", path: relative, headers, body };
      requests.push(recorded);
      const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, { ...(payload === undefined ? {} : { "Content-Type": "application/json; odata.metadata=minimal" }), "OData-Version": "4.0", ...extra });
        res.end(payload === undefined ? undefined : typeof payload === "string" ? payload : JSON.stringify(payload));
      };
      const fault = faults.find((f) => f.remaining > 0 && f.matches(recorded));
      if (fault) {
        fault.remaining--;
        return send(fault.status, errorBody("0x80072321", "Injected failure"), fault.headers);
      }

      const match = /^\/api\/data\/v9\.2\/([A-Za-z_]+)(?:\(([0-9a-f-]{36})\))?(?:\/([A-Za-z_]\w*))?$/i.exec(url.pathname);
      if (!match) return send(404, errorBody("0x8006088a", "Resource not found for the segment."));
      const [, set, rawId, navigation] = match;
      const id = rawId?.toLowerCase();
      const key = PRIMARY_KEYS[set];
      if (!key) {
        if (req.method === "POST" && !id && !navigation) {
          actions.push({ name: set, body: body ?? {} });
          return send(204);
        }
        return send(404, errorBody("0x8006088a", `Resource not found for the segment '${set}'.`));
      }
      const rows = table(set);
      const notFound = () => send(404, errorBody("0x80040217", `${set} With Id = ${id} Does Not Exist`));
      const preferredPageSize = Number(/odata\.maxpagesize=(\d+)/.exec(headers.prefer ?? "")?.[1] ?? 5000);
      const skip = Number(url.searchParams.get("$skiptoken") ?? 0);
      const pageBody = (page: { rows: Row[]; more: boolean }) => {
        const next = page.more ? new URL(req.url ?? "", `http://${req.headers.host}`) : undefined;
        next?.searchParams.set("$skiptoken", String(skip + page.rows.length));
        return { value: page.rows, ...(next ? { "@odata.nextLink": next.toString() } : {}) };
      };

      if (req.method === "GET") {
        try {
          if (id && navigation) {
            // The related collection, as an expanded collection's @odata.nextLink addresses it.
            const collection = COLLECTIONS[set]?.[navigation];
            if (!collection) throw new QueryFault(`Could not find a property named '${navigation}' on '${set}'.`);
            if (!rows.has(id)) return notFound();
            const page = collectionPage(collection.set, relatedTo(collection, id), url.searchParams, skip, preferredPageSize);
            return send(200, pageBody(page));
          }
          if (navigation) return send(405, errorBody("0x80060888", "Method not supported by the fake"));
          if (id) {
            const row = rows.get(id);
            return row ? send(200, shape(set, row, url.searchParams)) : notFound();
          }
          const page = collectionPage(set, () => true, url.searchParams, skip, preferredPageSize);
          return send(200, pageBody(page));
        } catch (error) {
          if (error instanceof QueryFault) return send(400, errorBody("0x80060888", error.message));
          throw error;
        }
      }
      if (navigation) return send(405, errorBody("0x80060888", "Method not supported by the fake"));
      if (req.method === "POST" && !id) {
        const newId = insert(set, body ?? {});
        return send(204, undefined, { "OData-EntityId": `http://${req.headers.host}/api/data/v9.2/${set}(${newId})` });
      }
      if (req.method === "PATCH" && id) {
        const row = rows.get(id);
        const ifMatch = headers["if-match"];
        if (!row && ifMatch) return send(404, errorBody("0x80040217", `${set} With Id = ${id} Does Not Exist`));
        if (row && ifMatch && ifMatch !== "*" && ifMatch !== row["@odata.etag"]) {
          return send(412, errorBody("0x80060882", "The version of the existing record doesn't match the RowVersion property provided."));
        }
        if (!row) {
          insert(set, { ...(body ?? {}), [key]: id });
          return send(204);
        }
        applyBinds(row, body ?? {});
        stamp(row);
        return send(204);
      }
      if (req.method === "DELETE" && id) {
        return rows.delete(id) ? send(204) : send(404, errorBody("0x80040217", `${set} With Id = ${id} Does Not Exist`));
      }
      return send(405, errorBody("0x80060888", "Method not supported by the fake"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const api: FakeDataverse = {
    url: `http://127.0.0.1:${port}`,
    expansionPageSize: 5000,
    requests,
    actions,
    insert,
    row: (set, id) => table(set).get(id.toLowerCase()),
    rows: (set) => [...table(set).values()],
    fail(matches, count, status, headers = {}) {
      faults.push({ matches, remaining: count, status, headers });
    },
    writes: () => requests.filter((r) => r.method !== "GET"),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
