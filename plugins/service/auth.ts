import { createHash, timingSafeEqual } from "node:crypto";

/**
 * How Dataverse authenticates to the service, as set on the service
 * endpoint (authtype): WebhookKey sends `?code=<key>` (an `x-api-key` header
 * carrying the same key is accepted too), HttpHeader sends
 * configured header pairs, HttpQueryString configured query pairs.
 */
export type WebhookAuth =
  | { readonly kind: "WebhookKey"; readonly key: string }
  | { readonly kind: "HttpHeader"; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: "HttpQueryString"; readonly parameters: Readonly<Record<string, string>> };

export const WEBHOOK_AUTH_KINDS = ["WebhookKey", "HttpHeader", "HttpQueryString"] as const;

/** Equal-length digests compared in constant time, so neither length nor content leaks through timing. */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  const a = createHash("sha256").update(given ?? "").digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given !== undefined && expected.length > 0;
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value as readonly string[])[0] : (value as string | undefined);
}

export function isAuthorised(
  auth: WebhookAuth,
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): boolean {
  switch (auth.kind) {
    case "WebhookKey": {
      // Dataverse puts the key in `?code=`; hosts and gateways in front of the
      // service (and curl users) send it as `x-api-key`. Either must match.
      const fromQuery = secretsEqual(first(query.code), auth.key);
      const fromHeader = secretsEqual(first(headers["x-api-key"]), auth.key);
      return fromQuery || fromHeader;
    }
    case "HttpHeader": {
      const pairs = Object.entries(auth.headers);
      // Every pair is checked, whatever the outcome of the others, to keep the time constant.
      return pairs.length > 0 && pairs.map(([name, value]) => secretsEqual(first(headers[name.toLowerCase()]), value)).every(Boolean);
    }
    case "HttpQueryString": {
      const pairs = Object.entries(auth.parameters);
      return pairs.length > 0 && pairs.map(([name, value]) => secretsEqual(first(query[name]), value)).every(Boolean);
    }
  }
}
