/**
 * Targets: one requirement, several workspaces. Pure functions that turn a requirement's job settings into the
 * settings for one target — the target's overrides merged in with the merge rules of Databricks Asset Bundle targets,
 * then the target's mode applied.
 *
 * Merge rules (https://docs.databricks.com/dev-tools/bundles/settings#targets, "override" semantics of bundle targets):
 * - maps merge key by key, recursively;
 * - keyed arrays (the job's tasks, job clusters, parameters and environments) merge element by element on their key;
 *   an element whose key is new is appended;
 * - every other value (scalars, other arrays) is replaced by the override;
 * - `null` in an override removes the field.
 *
 * Development mode (https://docs.databricks.com/dev-tools/bundles/deployment-modes): names prefixed with
 * `[dev <user>] `, a `dev: <user>` tag, schedules, triggers and continuous runs paused unless the requirement or the
 * target explicitly unpauses them, and concurrent runs allowed (max_concurrent_runs 4 when not set, as the bundle
 * engine does).
 */
import type { JobSettings, JsonObject } from "./model.js";

/** The key of each keyed array that bundle targets merge element by element. */
export const TARGET_MERGE_KEYS: Readonly<Record<string, string>> = {
  tasks: "task_key",
  job_clusters: "job_cluster_key",
  parameters: "name",
  environments: "environment_key",
};

export type TargetMode = "development" | "production";

export interface TargetSpec {
  name: string;
  mode?: TargetMode;
  /** Prepended to every job name of the target (development mode defaults to `[dev <user>] `). */
  prefix?: string;
  /** Merged over every requirement's settings. */
  overrides?: JsonObject;
}

export interface TargetIdentity {
  /** Short name of the user or branch that development-mode names are prefixed with. */
  user: string;
}

/** Development mode's concurrent-run allowance when a job does not set max_concurrent_runs (bundle engine value). */
export const DEVELOPMENT_CONCURRENT_RUNS = 4;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** Merges `override` over `base` with the bundle target rules; neither input is modified. */
export function mergeOverrides(base: JsonObject, override: JsonObject, keyedArrays = true): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    const mergeKey = keyedArrays ? TARGET_MERGE_KEYS[key] : undefined;
    if (mergeKey && Array.isArray(current) && Array.isArray(value))
      out[key] = mergeKeyed(current, value, mergeKey);
    else if (isObject(current) && isObject(value)) out[key] = mergeOverrides(current, value, false);
    else out[key] = structuredClone(value);
  }
  return out;
}

function mergeKeyed(base: unknown[], override: unknown[], key: string): unknown[] {
  const out = base.map((e) => e);
  for (const element of override) {
    const id = isObject(element) ? element[key] : undefined;
    const at = id === undefined ? -1 : out.findIndex((e) => isObject(e) && e[key] === id);
    if (at < 0) out.push(structuredClone(element));
    else out[at] = mergeOverrides(out[at] as JsonObject, element as JsonObject, false);
  }
  return out;
}

/** The name prefix a target gives its jobs. */
export function targetPrefix(target: TargetSpec, identity: TargetIdentity): string {
  if (target.prefix !== undefined) return target.prefix;
  return target.mode === "development" ? `[dev ${identity.user}] ` : "";
}

/**
 * The settings one target applies for a requirement: target overrides, then the requirement's own overrides for
 * this target, then the mode. In development mode a schedule, trigger or continuous block stays unpaused only when
 * the merged settings say `pause_status: UNPAUSED` explicitly (the bundle rule).
 */
export function settingsForTarget(
  settings: JobSettings,
  target: TargetSpec,
  identity: TargetIdentity,
  requirementOverrides?: JsonObject,
): JobSettings {
  let merged: JsonObject = settings;
  if (target.overrides) merged = mergeOverrides(merged, target.overrides);
  if (requirementOverrides) merged = mergeOverrides(merged, requirementOverrides);
  const prefix = targetPrefix(target, identity);
  const out: JsonObject = { ...merged };
  if (prefix && typeof out.name === "string" && !out.name.startsWith(prefix)) out.name = prefix + out.name;
  if (target.mode === "development") applyDevelopmentMode(out, identity);
  return out as JobSettings;
}

function applyDevelopmentMode(out: JsonObject, identity: TargetIdentity): void {
  for (const field of ["schedule", "trigger", "continuous"]) {
    const block = out[field];
    if (isObject(block) && block.pause_status !== "UNPAUSED")
      out[field] = { ...block, pause_status: "PAUSED" };
  }
  if (out.max_concurrent_runs === undefined) out.max_concurrent_runs = DEVELOPMENT_CONCURRENT_RUNS;
  const tags = isObject(out.tags) ? out.tags : {};
  out.tags = { ...tags, dev: identity.user };
}

/** A user or branch name reduced to what a job name prefix and a tag value accept. */
export function shortIdentity(raw: string): string {
  const local = raw.includes("@") ? raw.slice(0, raw.indexOf("@")) : raw;
  const cleaned = local
    .replace(/^refs\/heads\//, "")
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return cleaned.slice(0, 64) || "user";
}
