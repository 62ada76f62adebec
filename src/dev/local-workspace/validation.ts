/**
 * The service's checks on job settings (create, reset, and the merged result of update): first the request's shape
 * (JSON types of known fields, documented limits), then the Jobs service's semantic rules (`checkJobRules`). The first
 * problem is answered as the real service does: HTTP 400 `INVALID_PARAMETER_VALUE` with a message.
 * Unknown fields are accepted and kept, as the service ignores fields it does not know.
 */
import type { JobSettings } from "../../domain/model.js";
import { checkJobRules } from "../../domain/rules.js";
import { describeValue, invalidParameter, missingField, type ServiceError } from "./errors.js";

type Shape =
  | { t: "string" }
  | { t: "int"; min?: number; max?: number }
  | { t: "number" }
  | { t: "bool" }
  | { t: "any" }
  | { t: "array"; of: Shape; max?: number; maxMessage?: (n: number, path: string) => string }
  | { t: "map"; of: Shape; max?: number; maxMessage?: (n: number, path: string) => string }
  | { t: "object"; fields: Record<string, Shape>; required?: string[] };

const str: Shape = { t: "string" };
const int = (min?: number, max?: number): Shape => ({ t: "int", min, max });
const bool: Shape = { t: "bool" };
const any: Shape = { t: "any" };
const arr = (of: Shape, max?: number, maxMessage?: (n: number, path: string) => string): Shape => ({
  t: "array",
  of,
  max,
  maxMessage,
});
const map = (of: Shape, max?: number, maxMessage?: (n: number, path: string) => string): Shape => ({
  t: "map",
  of,
  max,
  maxMessage,
});
const obj = (fields: Record<string, Shape>, required?: string[]): Shape => ({
  t: "object",
  fields,
  required,
});

const webhookList = (path: string): Shape =>
  arr(
    obj({ id: str }, ["id"]),
    3,
    (n) =>
      `Too many webhook notification destinations for ${path}: ${n} given, at most 3 are allowed per event.`,
  );

const emailNotifications = obj({
  on_start: arr(str),
  on_success: arr(str),
  on_failure: arr(str),
  on_duration_warning_threshold_exceeded: arr(str),
  on_streaming_backlog_exceeded: arr(str),
  no_alert_for_skipped_runs: bool,
});

const webhookNotifications = (prefix: string): Shape =>
  obj({
    on_start: webhookList(`${prefix}.on_start`),
    on_success: webhookList(`${prefix}.on_success`),
    on_failure: webhookList(`${prefix}.on_failure`),
    on_duration_warning_threshold_exceeded: webhookList(`${prefix}.on_duration_warning_threshold_exceeded`),
    on_streaming_backlog_exceeded: webhookList(`${prefix}.on_streaming_backlog_exceeded`),
  });

const health = obj({ rules: arr(obj({ metric: str, op: str, value: int() }, ["metric", "op", "value"])) });

const newCluster = obj({
  spark_version: str,
  node_type_id: str,
  driver_node_type_id: str,
  num_workers: int(0),
  autoscale: obj({ min_workers: int(0), max_workers: int(0) }),
  spark_conf: map(any),
  spark_env_vars: map(any),
  custom_tags: map(any, 45, (n) => `Too many custom tags on a cluster: ${n} given, at most 45 are allowed.`),
  ssh_public_keys: arr(str, 10),
  instance_pool_id: str,
  driver_instance_pool_id: str,
  policy_id: str,
  apply_policy_default_values: bool,
  enable_elastic_disk: bool,
  init_scripts: arr(any),
  data_security_mode: str,
  single_user_name: str,
  runtime_engine: str,
  aws_attributes: obj({}),
  azure_attributes: obj({}),
  gcp_attributes: obj({}),
});

const library = obj({
  jar: str,
  whl: str,
  egg: str,
  requirements: str,
  pypi: obj({ package: str, repo: str }, ["package"]),
  maven: obj({ coordinates: str, repo: str, exclusions: arr(str) }, ["coordinates"]),
  cran: obj({ package: str, repo: str }, ["package"]),
});

const taskFields = (): Record<string, Shape> => ({
  task_key: str,
  description: str,
  depends_on: arr(obj({ task_key: str, outcome: str }, ["task_key"])),
  run_if: str,
  existing_cluster_id: str,
  new_cluster: newCluster,
  job_cluster_key: str,
  environment_key: str,
  libraries: arr(library),
  timeout_seconds: int(0),
  max_retries: int(-1),
  min_retry_interval_millis: int(0),
  retry_on_timeout: bool,
  disabled: bool,
  email_notifications: emailNotifications,
  webhook_notifications: webhookNotifications("tasks.webhook_notifications"),
  notification_settings: obj({
    no_alert_for_skipped_runs: bool,
    no_alert_for_canceled_runs: bool,
    alert_on_last_attempt: bool,
  }),
  health,
  notebook_task: obj({ notebook_path: str, source: str, base_parameters: map(str), warehouse_id: str }, [
    "notebook_path",
  ]),
  spark_python_task: obj({ python_file: str, parameters: arr(str), source: str }, ["python_file"]),
  python_wheel_task: obj(
    { package_name: str, entry_point: str, parameters: arr(str), named_parameters: map(str) },
    ["package_name", "entry_point"],
  ),
  spark_jar_task: obj({ main_class_name: str, parameters: arr(str), jar_uri: str }),
  spark_submit_task: obj({ parameters: arr(str) }),
  pipeline_task: obj({ pipeline_id: str, full_refresh: bool }, ["pipeline_id"]),
  run_job_task: obj({ job_id: int(1), job_parameters: map(str) }, ["job_id"]),
  sql_task: obj(
    {
      warehouse_id: str,
      parameters: map(str),
      query: obj({ query_id: str }),
      dashboard: obj({}),
      alert: obj({}),
      file: obj({ path: str, source: str }, ["path"]),
    },
    ["warehouse_id"],
  ),
  dbt_task: obj(
    {
      commands: arr(str),
      project_directory: str,
      profiles_directory: str,
      warehouse_id: str,
      catalog: str,
      schema: str,
      source: str,
    },
    ["commands"],
  ),
  condition_task: obj({ left: str, op: str, right: str }, ["left", "op", "right"]),
  dashboard_task: obj({ dashboard_id: str, warehouse_id: str }),
});

const forEachInner = obj(taskFields(), ["task_key"]);
const task = obj(
  {
    ...taskFields(),
    for_each_task: obj({ inputs: str, concurrency: int(1), task: forEachInner }, ["inputs", "task"]),
  },
  ["task_key"],
);

function jobSettingsShape(maxTasks: number): Shape {
  return obj({
    name: str,
    description: str,
    tags: map(str, 25, (n) => `The number of tags for a job must be at most 25, but ${n} were given.`),
    tasks: arr(task, maxTasks, (n) =>
      maxTasks === 100
        ? `A job may have at most 100 tasks in API 2.1 (${n} given); use API 2.2, which allows 1000.`
        : `The number of tasks in a job must be at most ${maxTasks}, but ${n} were given.`,
    ),
    job_clusters: arr(
      obj({ job_cluster_key: str, new_cluster: newCluster }, ["job_cluster_key", "new_cluster"]),
    ),
    environments: arr(
      obj(
        {
          environment_key: str,
          spec: obj({
            client: str,
            environment_version: str,
            dependencies: arr(str),
            java_dependencies: arr(str),
          }),
        },
        ["environment_key"],
      ),
    ),
    parameters: arr(obj({ name: str, default: str }, ["name", "default"])),
    max_concurrent_runs: int(0, 1000),
    timeout_seconds: int(0),
    schedule: obj({ quartz_cron_expression: str, timezone_id: str, pause_status: str }, [
      "quartz_cron_expression",
      "timezone_id",
    ]),
    continuous: obj({ pause_status: str, task_retry_mode: str }),
    trigger: obj({
      pause_status: str,
      file_arrival: obj({ url: str }, ["url"]),
      periodic: obj({ interval: int(1), unit: str }, ["interval", "unit"]),
      table_update: obj({ table_names: arr(str) }, ["table_names"]),
    }),
    email_notifications: emailNotifications,
    webhook_notifications: webhookNotifications("webhook_notifications"),
    notification_settings: obj({ no_alert_for_skipped_runs: bool, no_alert_for_canceled_runs: bool }),
    health,
    run_as: obj({ user_name: str, service_principal_name: str, group_name: str }),
    queue: obj({ enabled: bool }, ["enabled"]),
    git_source: obj({ git_url: str, git_provider: str, git_branch: str, git_tag: str, git_commit: str }, [
      "git_url",
      "git_provider",
    ]),
    format: str,
    edit_mode: str,
    performance_target: str,
    budget_policy_id: str,
    usage_policy_id: str,
    access_control_list: arr(any),
  });
}

/** Required identifiers and paths where an empty string means "not given" (an empty parameter default is fine). */
const NON_EMPTY = new Set([
  "task_key",
  "job_cluster_key",
  "environment_key",
  "notebook_path",
  "python_file",
  "package_name",
  "entry_point",
  "pipeline_id",
  "quartz_cron_expression",
  "timezone_id",
  "git_url",
]);

function check(value: unknown, shape: Shape, path: string): ServiceError | undefined {
  if (value === undefined || value === null || shape.t === "any") return undefined;
  const wrongType = (expected: string): ServiceError =>
    invalidParameter(`Invalid value for ${path}: expected ${expected}, got ${describeValue(value)}.`);
  switch (shape.t) {
    case "string":
      return typeof value === "string" ? undefined : wrongType("a string");
    case "bool":
      return typeof value === "boolean" ? undefined : wrongType("a boolean");
    case "number":
      return typeof value === "number" ? undefined : wrongType("a number");
    case "int": {
      // proto3 JSON accepts int64 values as numbers or as decimal strings.
      const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n)) return wrongType("an integer");
      if (shape.min !== undefined && n < shape.min)
        return invalidParameter(`Invalid value for ${path}: ${n} is less than the minimum ${shape.min}.`);
      if (shape.max !== undefined && n > shape.max)
        return invalidParameter(`Invalid value for ${path}: ${n} is greater than the maximum ${shape.max}.`);
      return undefined;
    }
    case "array": {
      if (!Array.isArray(value)) return wrongType("an array");
      if (shape.max !== undefined && value.length > shape.max) {
        return invalidParameter(
          shape.maxMessage
            ? shape.maxMessage(value.length, path)
            : `Too many elements in ${path}: ${value.length} given, at most ${shape.max} are allowed.`,
        );
      }
      for (let i = 0; i < value.length; i++) {
        const error = check(value[i], shape.of, `${path}[${i}]`);
        if (error) return error;
      }
      return undefined;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return wrongType("an object (map)");
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.max !== undefined && entries.length > shape.max) {
        return invalidParameter(
          shape.maxMessage
            ? shape.maxMessage(entries.length, path)
            : `Too many entries in ${path}: ${entries.length} given, at most ${shape.max} are allowed.`,
        );
      }
      for (const [key, item] of entries) {
        const error = check(item, shape.of, `${path}.${key}`);
        if (error) return error;
      }
      return undefined;
    }
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return wrongType("an object");
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        const empty = record[name] === "" && NON_EMPTY.has(name);
        if (record[name] === undefined || record[name] === null || empty)
          return missingField(`${path}.${name}`);
      }
      for (const [name, fieldShape] of Object.entries(shape.fields)) {
        const error = check(record[name], fieldShape, `${path}.${name}`);
        if (error) return error;
      }
      return undefined;
    }
  }
}

/** The first problem with these settings, phrased as the service phrases it; undefined when they are accepted. */
export function validateJobSettings(settings: unknown, apiVersion: "2.1" | "2.2"): ServiceError | undefined {
  const shapeError = check(settings, jobSettingsShape(apiVersion === "2.1" ? 100 : 1000), "settings");
  if (shapeError) return shapeError;
  const name = (settings as JobSettings).name;
  if (typeof name === "string" && Buffer.byteLength(name) > 4096) {
    return invalidParameter(
      `Invalid value for settings.name: the job name must be at most 4096 bytes, got ${Buffer.byteLength(name)}.`,
    );
  }
  const violations = checkJobRules(settings as JobSettings);
  if (violations.length > 0) return invalidParameter(violations[0].message);
  return undefined;
}
