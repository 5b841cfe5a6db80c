import { XMLParser } from "fast-xml-parser";
import type { Store } from "../storage/database";
import { asText } from "../storage/text";

/**
 * The steps the pipeline runs, read from the registration rows
 * (sdkmessageprocessingstep, its images, filter, message and service
 * endpoint) exactly as `npm run register` writes them — so what runs locally
 * is what was registered, not a list compiled into the emulator.
 */

export interface ServiceEndpoint {
  readonly id: string;
  readonly url: string;
  /** 4 WebhookKey, 5 HttpHeader, 6 HttpQueryString. */
  readonly authType: number;
  readonly authValue: string;
}

export interface RegisteredImage {
  readonly alias: string;
  /** 0 PreImage, 1 PostImage, 2 both. */
  readonly imageType: number;
  /** Empty means every column. */
  readonly attributes: readonly string[];
}

export interface RegisteredStep {
  readonly id: string;
  readonly name: string;
  readonly stage: 10 | 20 | 40;
  readonly mode: 0 | 1;
  readonly rank: number;
  readonly filteringAttributes: readonly string[];
  readonly asyncAutoDelete: boolean;
  readonly endpoint: ServiceEndpoint;
  readonly images: readonly RegisteredImage[];
}

function list(text: unknown): string[] {
  return typeof text === "string" ? text.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "") : [];
}

export function registeredSteps(store: Store, message: string, table: string): RegisteredStep[] {
  const rows = store.select(
    `SELECT s."sdkmessageprocessingstepid" AS id, s."name" AS name, s."stage" AS stage, s."mode" AS mode, s."rank" AS rank,
            s."filteringattributes" AS filtering, s."asyncautodelete" AS autodelete,
            e."serviceendpointid" AS endpointid, e."url" AS url, e."authtype" AS authtype, e."authvalue" AS authvalue
       FROM "sdkmessageprocessingstep" s
       JOIN "sdkmessage" m ON m."sdkmessageid" = s."sdkmessageid"
       JOIN "sdkmessagefilter" f ON f."sdkmessagefilterid" = s."sdkmessagefilterid"
       JOIN "serviceendpoint" e ON e."serviceendpointid" = s."eventhandler"
      WHERE m."name" = ? AND f."primaryobjecttypecode" = ? AND COALESCE(s."statecode", 0) = 0 AND e."contract" = 8
      ORDER BY s."stage", s."rank", s."name"`,
    [message, table],
  );
  const images = store.select(
    `SELECT i."sdkmessageprocessingstepid" AS stepid, i."entityalias" AS alias, i."imagetype" AS imagetype, i."attributes" AS attributes
       FROM "sdkmessageprocessingstepimage" i`,
    [],
  );
  return rows.map((r) => ({
    id: asText(r.id),
    name: asText(r.name),
    stage: Number(r.stage) as 10 | 20 | 40,
    mode: Number(r.mode ?? 0) === 1 ? 1 : 0,
    rank: Number(r.rank ?? 1),
    filteringAttributes: list(r.filtering),
    asyncAutoDelete: r.autodelete === 1,
    endpoint: { id: asText(r.endpointid), url: asText(r.url), authType: Number(r.authtype ?? 4), authValue: asText(r.authvalue) },
    images: images
      .filter((i) => i.stepid === r.id)
      .map((i) => ({ alias: asText(i.alias), imageType: Number(i.imagetype ?? 0), attributes: list(i.attributes) })),
  }));
}

/** An Update step fires only when the request sets one of its filtering attributes (all, when none are listed). */
export function firesFor(step: RegisteredStep, message: string, changed: readonly string[]): boolean {
  if (message !== "Update" || step.filteringAttributes.length === 0) return true;
  return changed.some((c) => step.filteringAttributes.includes(c.toLowerCase()));
}

/**
 * HttpHeader and HttpQueryString endpoints keep their pairs as
 * `<settings><setting name="x-api-key" value="…" /></settings>`.
 */
export function authSettings(authValue: string): Record<string, string> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "setting" });
  try {
    const parsed = parser.parse(authValue) as { settings?: { setting?: { name?: string; value?: string }[] } };
    const out: Record<string, string> = {};
    for (const s of parsed.settings?.setting ?? []) if (s.name) out[s.name] = String(s.value ?? "");
    return out;
  } catch {
    return {};
  }
}
