/**
 * Pure helpers on job settings as the service treats them: the defaults it fills in on write (what a read-back shows),
 * the jobs/update merge, fields_to_remove, and the 100-element paging of array fields on jobs/get (API 2.2).
 */
import type { JobSettings, JsonObject } from "../../domain/model.js";
import { invalidParameter } from "./errors.js";
import { isObject } from "../../domain/json.js";

const PAGED_ARRAYS = ["tasks", "job_clusters", "environments", "parameters"] as const;
export const PAGE_SIZE = 100;

/** AWS node type ids look like `i3.xlarge`; Azure `Standard_…`; GCP `n2-highmem-4`. */
export function cloudOfNodeType(nodeTypeId: unknown): "aws" | "azure" | "gcp" | undefined {
  if (typeof nodeTypeId !== "string") return undefined;
  if (nodeTypeId.startsWith("Standard_")) return "azure";
  if (/^[a-z]\d[a-z]*-[a-z]+(-\d+)?/.test(nodeTypeId)) return "gcp";
  if (/^[a-z0-9]+\.[a-z0-9]+$/.test(nodeTypeId)) return "aws";
  return undefined;
}

function withClusterDefaults(cluster: unknown): unknown {
  if (!isObject(cluster)) return cluster;
  const out: JsonObject = { ...cluster };
  delete out.apply_policy_default_values;
  if (cloudOfNodeType(out.node_type_id) === "aws") {
    if (out.aws_attributes === undefined)
      out.aws_attributes = { availability: "SPOT_WITH_FALLBACK", zone_id: "auto" };
    if (out.data_security_mode === undefined) out.data_security_mode = "SINGLE_USER";
  }
  return out;
}

function withTaskDefaults(task: unknown, hasGitSource: boolean): unknown {
  if (!isObject(task)) return task;
  const out: JsonObject = { ...task };
  if (out.run_if === undefined) out.run_if = "ALL_SUCCESS";
  if (out.timeout_seconds === undefined) out.timeout_seconds = 0;
  if (out.email_notifications === undefined) out.email_notifications = {};
  if (Array.isArray(out.depends_on)) {
    out.depends_on = [...out.depends_on].sort((a, b) =>
      String((a as JsonObject)?.task_key).localeCompare(String((b as JsonObject)?.task_key)),
    );
  }
  for (const kind of ["notebook_task", "spark_python_task", "dbt_task"]) {
    const spec = out[kind];
    if (isObject(spec) && spec.source === undefined) {
      const path = kind === "spark_python_task" ? spec.python_file : undefined;
      // Cloud URIs (dbfs:/, s3://, abfss://…) carry no workspace/git source.
      if (typeof path === "string" && /^[a-z][a-z0-9+.-]*:/i.test(path)) continue;
      out[kind] = { ...spec, source: hasGitSource ? "GIT" : "WORKSPACE" };
    }
  }
  if (out.new_cluster !== undefined) out.new_cluster = withClusterDefaults(out.new_cluster);
  return out;
}

/**
 * The settings as the service stores them: `format`, `name` "Untitled", empty notification objects, timeout 0,
 * max_concurrent_runs 1, queueing on for 2.2 creates, per-task run_if/timeout/email_notifications/source, sorted
 * depends_on, AWS cluster defaults. Idempotent.
 */
export function applyServerDefaults(settings: JobSettings, options: { queueDefault: boolean }): JobSettings {
  const out: JobSettings = { ...settings };
  delete out.access_control_list;
  out.format = "MULTI_TASK";
  if (out.name === undefined) out.name = "Untitled";
  if (out.email_notifications === undefined) out.email_notifications = {};
  if (out.webhook_notifications === undefined) out.webhook_notifications = {};
  if (out.timeout_seconds === undefined) out.timeout_seconds = 0;
  if (out.max_concurrent_runs === undefined) out.max_concurrent_runs = 1;
  if (out.queue === undefined && options.queueDefault) out.queue = { enabled: true };
  const hasGit = isObject(out.git_source);
  if (Array.isArray(out.tasks))
    out.tasks = out.tasks.map((t) => withTaskDefaults(t, hasGit)) as JobSettings["tasks"];
  if (Array.isArray(out.job_clusters)) {
    out.job_clusters = out.job_clusters.map((c) =>
      isObject(c) ? { ...c, new_cluster: withClusterDefaults(c.new_cluster) } : c,
    ) as JobSettings["job_clusters"];
  }
  return out;
}

function mergeByKey(existing: unknown, incoming: unknown[], key: string): unknown[] {
  const out = Array.isArray(existing) ? [...existing] : [];
  for (const entry of incoming) {
    const k = isObject(entry) ? entry[key] : undefined;
    const index = k === undefined ? -1 : out.findIndex((e) => isObject(e) && e[key] === k);
    if (index >= 0) out[index] = entry;
    else out.push(entry);
  }
  return out;
}

const REMOVABLE_ARRAYS: Record<string, string> = { tasks: "task_key", job_clusters: "job_cluster_key" };

/**
 * jobs/update: `fields_to_remove` (top-level names, or `tasks/<task_key>`, `job_clusters/<job_cluster_key>`) then
 * `new_settings`, whose top-level fields replace the stored ones except `tasks` and `job_clusters`, merged by key.
 */
export function mergeUpdate(
  current: JobSettings,
  newSettings: JobSettings | undefined,
  fieldsToRemove: string[],
  jobId: number,
): JobSettings {
  const out: JobSettings = { ...current };
  for (const field of fieldsToRemove) {
    const slash = field.indexOf("/");
    if (slash < 0) {
      delete out[field];
      continue;
    }
    const arrayName = field.slice(0, slash);
    const entryKey = field.slice(slash + 1);
    const keyField = REMOVABLE_ARRAYS[arrayName];
    if (!keyField || entryKey.length === 0 || entryKey.includes("/")) {
      throw invalidParameter(
        `Invalid fields_to_remove entry '${field}': nested fields cannot be removed; only top-level fields and tasks/<task_key> or job_clusters/<job_cluster_key> are supported.`,
      );
    }
    const list = Array.isArray(out[arrayName]) ? (out[arrayName] as unknown[]) : [];
    const kept = list.filter((e) => !(isObject(e) && e[keyField] === entryKey));
    if (kept.length === list.length) {
      throw invalidParameter(
        `Invalid fields_to_remove entry '${field}': job ${jobId} has no ${arrayName} entry with ${keyField} '${entryKey}'.`,
      );
    }
    out[arrayName] = kept;
  }
  for (const [field, value] of Object.entries(newSettings ?? {})) {
    if (field === "tasks" && Array.isArray(value))
      out.tasks = mergeByKey(out.tasks, value, "task_key") as JobSettings["tasks"];
    else if (field === "job_clusters" && Array.isArray(value))
      out.job_clusters = mergeByKey(
        out.job_clusters,
        value,
        "job_cluster_key",
      ) as JobSettings["job_clusters"];
    else out[field] = value;
  }
  return out;
}

/** Page `pageIndex` (0-based) of the array fields: 100 elements each; arrays exhausted on earlier pages come back empty. */
export function pageSettings(
  settings: JobSettings,
  pageIndex: number,
): { settings: JobSettings; hasMore: boolean } {
  const out: JobSettings = { ...settings };
  let hasMore = false;
  for (const name of PAGED_ARRAYS) {
    const list = settings[name];
    if (!Array.isArray(list)) continue;
    const slice = list.slice(pageIndex * PAGE_SIZE, (pageIndex + 1) * PAGE_SIZE);
    out[name] = slice;
    if (list.length > (pageIndex + 1) * PAGE_SIZE) hasMore = true;
  }
  return { settings: out, hasMore };
}

export function largestPagedArray(settings: JobSettings): number {
  return Math.max(
    0,
    ...PAGED_ARRAYS.map((name) => (Array.isArray(settings[name]) ? (settings[name] as unknown[]).length : 0)),
  );
}
