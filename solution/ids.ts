import { createHash } from "node:crypto";

/**
 * A GUID derived from a name (RFC 4122 version 5 layout over SHA-1), for the
 * many ids inside forms and system views that nobody refers to by hand. The
 * same name gives the same id on every run, so regenerating never churns the
 * committed sources and an upgrade updates components instead of duplicating them.
 */
export function stableGuid(...nameParts: readonly string[]): string {
  const hash = createHash("sha1").update(`sprx:${nameParts.join("/")}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
