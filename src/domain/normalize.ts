/**
 * Canonical form of Jobs API 2.2 JobSettings, so that a job as written in a requirement and the same job as
 * read back from the service compare equal. Pure: no I/O.
 *
 * What normalisation does (sources: ../shared/reference/databricks-jobs-api.md §1.1.1, §1.1.9, §3 and
 * INTERPRETATION.md §2):
 * - drops values the service fills in or treats as the default on read-back:
 *   job: `format` (ignored on write), `name: "Untitled"`, `timeout_seconds: 0`, `max_concurrent_runs: 1`,
 *   `queue: {enabled: true}` (2.2 default; option), `email_notifications.no_alert_for_skipped_runs: false`,
 *   `pause_status: "UNPAUSED"` in schedule / continuous / trigger, `run_as` naming the job's creator (option),
 *   `notification_settings.*: false`;
 *   task: `run_if: "ALL_SUCCESS"`, `timeout_seconds: 0`, `max_retries: 0`, `min_retry_interval_millis: 0`,
 *   `retry_on_timeout: false`, `disabled: false`, `pipeline_task.full_refresh: false`,
 *   `notification_settings.*: false`; cluster: `apply_policy_default_values` (consumed, never echoed);
 * - makes the context-dependent default explicit instead: `source` of notebook / spark_python / dbt / sql-file
 *   tasks becomes `GIT` when the job has `git_source`, else `WORKSPACE` (so a change of `git_source` shows up on
 *   the tasks it affects);
 * - drops `null`, empty arrays and empty objects ("absent and empty are the same"), except objects whose mere
 *   presence means something (`continuous: {}`, task-type objects such as `spark_submit_task: {}`, ...);
 * - sorts arrays whose order the service ignores: tasks by task_key, job_clusters by job_cluster_key,
 *   parameters by name, environments by environment_key, depends_on, libraries, email lists, webhook ids,
 *   health rules, trigger.table_update.table_names;
 * - writes every object with its keys in sorted order; canonical casing of `git_source.git_provider`.
 * Everything else is kept as written: `max_concurrent_runs: 0`, `num_workers: 0`, `"7"` vs `7` stay distinct.
 */
import type { JobSettings, JsonObject } from "./model.js";
import { canonicalJson, sortKeysDeep } from "./hash.js";
import { GIT_PROVIDERS } from "./vocabulary.js";
import { isObject as isPlainObject } from "./json.js";

export interface NormalizeOptions {
  /** The job's creator (jobs/get `creator_user_name`): `run_as: {user_name: <creator>}` is the service default. */
  creatorUserName?: string;
  /** Jobs created through API 2.2 queue by default, so `queue: {enabled: true}` equals absent. Default true. */
  queueEnabledByDefault?: boolean;
}

/** Arrays of objects merged or matched by a key field. */
export const KEYED_ARRAYS: Readonly<Record<string, string>> = {
  tasks: "task_key",
  job_clusters: "job_cluster_key",
  parameters: "name",
  environments: "environment_key",
};

/** Object-valued keys whose empty value `{}` still means something (kept by pruning). */
function presenceSignificant(key: string): boolean {
  return (
    key.endsWith("_task") ||
    key === "continuous" ||
    key === "new_cluster" ||
    key === "autoscale" ||
    key === "periodic" ||
    key === "file_arrival" ||
    key === "table_update" ||
    key === "spec" ||
    key === "git_source"
  );
}

function dropIf(obj: JsonObject, key: string, defaultValue: unknown): void {
  if (obj[key] === defaultValue) delete obj[key];
}

function sortBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.item);
}

/** Sort key for an element of a keyed array: entries with a key first (by key), others by their JSON. */
function keyedSortKey(keyField: string) {
  return (item: unknown): string => {
    const k = isPlainObject(item) ? item[keyField] : undefined;
    return typeof k === "string" || typeof k === "number" ? `0${String(k)}` : `1${canonicalJson(item)}`;
  };
}

function sortSet(value: unknown): unknown {
  return Array.isArray(value) ? sortBy(value, (v) => canonicalJson(v)) : value;
}

function normalizeEmailNotifications(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  dropIf(value, "no_alert_for_skipped_runs", false);
  for (const [k, v] of Object.entries(value)) if (Array.isArray(v)) value[k] = sortSet(v);
  return value;
}

function normalizeWebhookNotifications(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  for (const [k, v] of Object.entries(value)) if (Array.isArray(v)) value[k] = sortSet(v);
  return value;
}

function normalizeNotificationSettings(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  for (const [k, v] of Object.entries(value)) if (v === false) delete value[k];
  return value;
}

function normalizeHealth(value: unknown): unknown {
  if (isPlainObject(value) && Array.isArray(value.rules)) value.rules = sortSet(value.rules);
  return value;
}

function normalizeCluster(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  delete value.apply_policy_default_values;
  return value;
}

function normalizeTask(task: unknown, hasGitSource: boolean): unknown {
  if (!isPlainObject(task)) return task;
  dropIf(task, "run_if", "ALL_SUCCESS");
  dropIf(task, "timeout_seconds", 0);
  dropIf(task, "max_retries", 0);
  dropIf(task, "min_retry_interval_millis", 0);
  dropIf(task, "retry_on_timeout", false);
  dropIf(task, "disabled", false);
  if (task.email_notifications !== undefined)
    task.email_notifications = normalizeEmailNotifications(task.email_notifications);
  if (task.webhook_notifications !== undefined)
    task.webhook_notifications = normalizeWebhookNotifications(task.webhook_notifications);
  if (task.notification_settings !== undefined)
    task.notification_settings = normalizeNotificationSettings(task.notification_settings);
  if (task.health !== undefined) task.health = normalizeHealth(task.health);
  if (Array.isArray(task.depends_on)) {
    task.depends_on = sortBy(task.depends_on, (d) =>
      isPlainObject(d) ? `${String(d.task_key)}\u0000${String(d.outcome ?? "")}` : canonicalJson(d),
    );
  }
  if (Array.isArray(task.libraries)) task.libraries = sortSet(task.libraries);
  if (task.new_cluster !== undefined) task.new_cluster = normalizeCluster(task.new_cluster);
  const defaultSource = hasGitSource ? "GIT" : "WORKSPACE";
  for (const kind of ["notebook_task", "spark_python_task", "dbt_task"]) {
    const t = task[kind];
    if (isPlainObject(t) && (t.source === undefined || t.source === null)) t.source = defaultSource;
  }
  if (isPlainObject(task.sql_task) && isPlainObject(task.sql_task.file)) {
    const file = task.sql_task.file;
    if (file.source === undefined || file.source === null) file.source = defaultSource;
  }
  if (isPlainObject(task.pipeline_task)) dropIf(task.pipeline_task, "full_refresh", false);
  if (isPlainObject(task.for_each_task) && task.for_each_task.task !== undefined) {
    task.for_each_task.task = normalizeTask(task.for_each_task.task, hasGitSource);
  }
  return task;
}

/** Deep copy without null/undefined, empty arrays and (non-significant) empty objects. */
function prune(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined && v !== null).map((v) => prune(v));
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      const p = prune(v, k);
      if (p !== undefined) out[k] = p;
    }
    if (Object.keys(out).length === 0 && !presenceSignificant(key)) return undefined;
    return out;
  }
  return value;
}

/**
 * Applies the service's read-back defaults and drops API-ignored ordering/empties so equal jobs compare equal.
 * Idempotent: normalizeJobSettings(normalizeJobSettings(x)) deep-equals normalizeJobSettings(x).
 */
export function normalizeJobSettings(settings: JobSettings, options: NormalizeOptions = {}): JobSettings {
  const s = (prune(settings ?? {}) ?? {}) as JsonObject; // prune builds a fresh deep copy
  const hasGitSource = isPlainObject(s.git_source);

  delete s.format;
  dropIf(s, "name", "Untitled");
  dropIf(s, "timeout_seconds", 0);
  dropIf(s, "max_concurrent_runs", 1);
  dropIf(s, "max_retries", 0); // 2.0-layout single-task jobs carry task fields at the top level
  dropIf(s, "retry_on_timeout", false);
  dropIf(s, "min_retry_interval_millis", 0);
  if (s.email_notifications !== undefined)
    s.email_notifications = normalizeEmailNotifications(s.email_notifications);
  if (s.webhook_notifications !== undefined)
    s.webhook_notifications = normalizeWebhookNotifications(s.webhook_notifications);
  if (s.notification_settings !== undefined)
    s.notification_settings = normalizeNotificationSettings(s.notification_settings);
  if (s.health !== undefined) s.health = normalizeHealth(s.health);
  if (
    options.queueEnabledByDefault !== false &&
    isPlainObject(s.queue) &&
    s.queue.enabled === true &&
    Object.keys(s.queue).length === 1
  ) {
    delete s.queue;
  }
  for (const k of ["schedule", "continuous", "trigger"]) {
    const v = s[k];
    if (isPlainObject(v)) dropIf(v, "pause_status", "UNPAUSED");
  }
  if (isPlainObject(s.schedule) && typeof s.schedule.quartz_cron_expression === "string") {
    s.schedule.quartz_cron_expression = s.schedule.quartz_cron_expression.trim().split(/\s+/).join(" ");
  }
  if (isPlainObject(s.trigger) && isPlainObject(s.trigger.table_update)) {
    const tu = s.trigger.table_update;
    if (Array.isArray(tu.table_names)) tu.table_names = sortSet(tu.table_names);
  }
  if (
    options.creatorUserName !== undefined &&
    isPlainObject(s.run_as) &&
    Object.keys(s.run_as).length === 1 &&
    s.run_as.user_name === options.creatorUserName
  ) {
    delete s.run_as;
  }
  if (isPlainObject(s.git_source) && typeof s.git_source.git_provider === "string") {
    const provider = s.git_source.git_provider.toLowerCase();
    const canonical = GIT_PROVIDERS.find((p) => p.toLowerCase() === provider);
    if (canonical) s.git_source.git_provider = canonical;
  }
  if (s.new_cluster !== undefined) s.new_cluster = normalizeCluster(s.new_cluster);
  if (Array.isArray(s.job_clusters)) {
    for (const jc of s.job_clusters) if (isPlainObject(jc)) jc.new_cluster = normalizeCluster(jc.new_cluster);
  }
  if (Array.isArray(s.tasks))
    s.tasks = s.tasks.map((t) => normalizeTask(t, hasGitSource)) as JobSettings["tasks"];
  for (const [field, keyField] of Object.entries(KEYED_ARRAYS)) {
    const arr = s[field];
    if (Array.isArray(arr)) s[field] = sortBy(arr, keyedSortKey(keyField));
  }
  return sortKeysDeep(prune(s) ?? {}) as JobSettings;
}
