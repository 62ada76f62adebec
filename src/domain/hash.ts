/**
 * Canonical JSON and short content hashes. Pure (node:crypto only computes; no I/O).
 *
 * Canonical JSON: object keys sorted by code point, `undefined` members dropped (as JSON.stringify does),
 * arrays kept in order, no whitespace. Hashes are the first 16 hex characters of SHA-256 over that text.
 * Order-insensitive arrays of job settings are made stable by normalising first (see normalize.ts);
 * `hashJobSettings` does both.
 */
import { createHash } from "node:crypto";

/** Deterministic JSON text: sorted object keys, undefined members dropped, arrays in order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

/** Deep copy with object keys sorted and undefined members dropped (arrays keep their order). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeysDeep(v)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 of canonical JSON, first 16 hex characters. */
export function hashJson(value: unknown): string {
  return createHash("sha256")
    .update(canonicalJson(value === undefined ? null : value), "utf8")
    .digest("hex")
    .slice(0, 16);
}

/**
 * Overall plan hash: hash of the sorted `[taskId, hash]` pairs of every change (order of the changes does not
 * matter; any change in any job's hash, or a job added or dropped, changes it).
 */
export function planHash(changes: ReadonlyArray<{ taskId: string; hash: string }>): string {
  const pairs = changes
    .map((c) => [c.taskId, c.hash])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  return hashJson({ version: 1, changes: pairs });
}
