/**
 * CONTRACT STUB (owned by the planner helper; replace the bodies, keep the signatures). Pure: no I/O.
 */
import type { FieldChange, JobSettings } from "./model.js";

/** Applies the service's read-back defaults and drops API-ignored ordering/empties so equal jobs compare equal. */
export function normalizeJobSettings(settings: JobSettings): JobSettings {
  return settings;
}

/** Field-level diff of desired vs. actual (both normalised inside); tasks/job_clusters matched by key. */
export function diffJobSettings(desired: JobSettings, actual: JobSettings): FieldChange[] {
  void desired;
  void actual;
  return [];
}

/** Minimal jobs/update body turning `actual` into `desired`; undefined when nothing changes. */
export function computeUpdateRequest(
  desired: JobSettings,
  actual: JobSettings,
): { new_settings: JobSettings; fields_to_remove: string[] } | undefined {
  void desired;
  void actual;
  return undefined;
}

/** Applies a jobs/update body to settings exactly as the service does (top-level replace; tasks/job_clusters merged by key). */
export function applyUpdateRequest(
  settings: JobSettings,
  update: { new_settings: JobSettings; fields_to_remove?: string[] },
): JobSettings {
  void update;
  return settings;
}

/** Stable sha256 (hex, first 16 chars) of canonical JSON (sorted keys). */
export function hashJson(value: unknown): string {
  void value;
  return "";
}
