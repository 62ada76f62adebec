/**
 * The planner's pure core (contract used by the engine). Pure: no I/O.
 * Implementations live in normalize.ts (canonical form), diff.ts (field diff, update requests, update
 * semantics) and hash.ts (canonical JSON hashes); the format is documented in docs/plan-format.md.
 */
import type { FieldChange, JobChange, JobSettings } from "./model.js";
import { hashJson as hashCanonicalJson } from "./hash.js";
import { normalizeJobSettings as normalize, type NormalizeOptions } from "./normalize.js";
import {
  applyUpdateRequest as applyUpdate,
  computeUpdateRequest as computeUpdate,
  diffFromNothing,
  diffJobSettings as diff,
  type DiffOptions,
} from "./diff.js";

export type { NormalizeOptions } from "./normalize.js";
export type { DiffOptions } from "./diff.js";
export { isDestructiveChange, taskRenames, categorizePath } from "./diff.js";
export { planHash } from "./hash.js";

/** Applies the service's read-back defaults and drops API-ignored ordering/empties so equal jobs compare equal. */
export function normalizeJobSettings(settings: JobSettings, options?: NormalizeOptions): JobSettings {
  return normalize(settings, options);
}

/** Field-level diff of desired vs. actual (both normalised inside); tasks/job_clusters matched by key. */
export function diffJobSettings(
  desired: JobSettings,
  actual: JobSettings,
  options?: DiffOptions,
): FieldChange[] {
  return diff(desired, actual, options);
}

/** The fields of a job to create, from its settings normalised once (normalizeJobSettings) for this and the plan. */
export function diffCreate(normalizedDesired: JobSettings): FieldChange[] {
  return diffFromNothing(normalizedDesired);
}

/** Minimal jobs/update body turning `actual` into `desired`; undefined when nothing changes. */
export function computeUpdateRequest(
  desired: JobSettings,
  actual: JobSettings,
  options?: DiffOptions,
): { new_settings: JobSettings; fields_to_remove: string[] } | undefined {
  return computeUpdate(desired, actual, options);
}

/** Applies a jobs/update body to settings exactly as the service does (top-level replace; tasks/job_clusters merged by key). */
export function applyUpdateRequest(
  settings: JobSettings,
  update: { new_settings: JobSettings; fields_to_remove?: string[] },
): JobSettings {
  return applyUpdate(settings, update);
}

/** Stable sha256 (hex, first 16 chars) of canonical JSON (sorted keys). */
export function hashJson(value: unknown): string {
  return hashCanonicalJson(value);
}

/** Hash of normalised job settings: equal for equal jobs regardless of key order, set-array order and defaults. */
export function hashJobSettings(settings: JobSettings, options?: NormalizeOptions): string {
  return hashCanonicalJson(normalize(settings, options));
}

/**
 * The field diff as a change's hash covers it: path, kind, before and after, sorted by path. The before values come
 * from the workspace, so a job edited behind the pull request's back changes the hash of its change.
 */
export function hashedFields(
  fields: readonly FieldChange[],
): Array<Pick<FieldChange, "path" | "kind" | "before" | "after">> {
  return [...fields]
    .map((f) => ({ path: f.path, kind: f.kind, before: f.before, after: f.after }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Per-job plan hash: what would be done to which job. Covers op, job id, job name, the normalised desired
 * settings, the field diff (sorted by path; before values come from the workspace, so a job edited behind the
 * PR's back changes the hash) and the run request. Excludes drift, warnings, rendering and the raw request.
 */
export function jobChangeHash(
  change: Pick<JobChange, "op" | "jobName" | "fields"> &
    Partial<Pick<JobChange, "jobId" | "desired" | "run">>,
): string {
  const fields = hashedFields(change.fields);
  return hashCanonicalJson({
    version: 1,
    op: change.op,
    jobId: change.jobId ?? null,
    jobName: change.jobName,
    desired: change.desired ? normalize(change.desired) : null,
    fields,
    run: change.run ?? null,
  });
}
