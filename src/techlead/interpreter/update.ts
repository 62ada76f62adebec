/**
 * The jobs/update body that turns an existing job's settings into the desired ones: changed top-level fields are
 * sent whole (the service replaces them), tasks and job_clusters only for the entries that changed (the service
 * merges them by key), removed fields and entries in fields_to_remove. Pure.
 */
import type { JobSettings, JsonObject } from "../../domain/model.js";

const KEYED: Record<string, string> = { tasks: "task_key", job_clusters: "job_cluster_key" };

export function buildUpdateBody(
  existing: JobSettings,
  desired: JobSettings,
): { new_settings: JobSettings; fields_to_remove: string[] } {
  const newSettings: JsonObject = {};
  const remove: string[] = [];
  const fields = new Set([...Object.keys(existing), ...Object.keys(desired)]);
  for (const field of fields) {
    const before = existing[field];
    const after = desired[field];
    if (after === undefined) {
      if (before !== undefined) remove.push(field);
      continue;
    }
    if (stableJson(before) === stableJson(after)) continue;
    const keyName = KEYED[field];
    if (keyName && Array.isArray(after)) {
      const beforeByKey = new Map(
        (Array.isArray(before) ? before : []).map((e) => [(e as JsonObject)[keyName], e]),
      );
      const changed = after.filter(
        (e) => stableJson(beforeByKey.get((e as JsonObject)[keyName])) !== stableJson(e),
      );
      const afterKeys = new Set(after.map((e) => (e as JsonObject)[keyName]));
      for (const key of beforeByKey.keys()) if (!afterKeys.has(key)) remove.push(`${field}/${String(key)}`);
      if (changed.length) newSettings[field] = changed;
      continue;
    }
    newSettings[field] = after;
  }
  return { new_settings: newSettings as JobSettings, fields_to_remove: remove };
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as JsonObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
