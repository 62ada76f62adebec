/**
 * JSON Schema of Jobs API 2.2 JobSettings (the body of jobs/create, plus access_control_list), checked with Ajv 8.
 * Written from the field reference (shared/reference/databricks-jobs-api.md) and the SDK's model types
 * (@databricks/sdk-experimental jobs/compute model.d.ts). Pure: no I/O.
 *
 * Also home of the field-path notation every diagnostic uses: `tasks[ingest].new_cluster.num_workers`
 * (array entries named by task_key / job_cluster_key / environment_key / parameter name when known, else
 * by index; map keys that are not identifiers quoted: `spark_conf["spark.sql.shuffle.partitions"]`).
 */
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { closest, distance } from "fastest-levenshtein";

type Schema = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Schema builders
// ---------------------------------------------------------------------------------------------------------------

const str: Schema = { type: "string" };
const nonEmpty: Schema = { type: "string", minLength: 1 };
const int: Schema = { type: "integer" };
const nonNegInt: Schema = { type: "integer", minimum: 0 };
const num: Schema = { type: "number" };
const bool: Schema = { type: "boolean" };
const strMap: Schema = { type: "object", additionalProperties: { type: "string" } };
const strList: Schema = { type: "array", items: { type: "string" } };
const enumOf = (...values: string[]): Schema => ({ type: "string", enum: values });

function obj(properties: Record<string, Schema>, required: string[] = []): Schema {
  const schema: Schema = { type: "object", properties, additionalProperties: false };
  if (required.length > 0) schema.required = required;
  return schema;
}

const listOf = (items: Schema, extra: Schema = {}): Schema => ({ type: "array", items, ...extra });

const PAUSE_STATUS = enumOf("PAUSED", "UNPAUSED");
const SOURCE = enumOf("WORKSPACE", "GIT");
export const RUN_IF_VALUES = [
  "ALL_SUCCESS",
  "ALL_DONE",
  "NONE_FAILED",
  "AT_LEAST_ONE_SUCCESS",
  "ALL_FAILED",
  "AT_LEAST_ONE_FAILED",
];

// --- compute (Clusters API ClusterSpec) ---

const storageDestination = obj({ destination: nonEmpty }, ["destination"]);
const s3Storage = obj(
  {
    destination: nonEmpty,
    region: str,
    endpoint: str,
    enable_encryption: bool,
    encryption_type: str,
    kms_key: str,
    canned_acl: str,
  },
  ["destination"],
);

const initScript = obj({
  workspace: storageDestination,
  volumes: storageDestination,
  dbfs: storageDestination,
  s3: s3Storage,
  abfss: storageDestination,
  gcs: storageDestination,
  file: storageDestination,
});

const newCluster = obj({
  spark_version: nonEmpty,
  node_type_id: nonEmpty,
  driver_node_type_id: nonEmpty,
  num_workers: nonNegInt,
  autoscale: obj({ min_workers: nonNegInt, max_workers: { type: "integer", minimum: 1 } }),
  instance_pool_id: nonEmpty,
  driver_instance_pool_id: nonEmpty,
  policy_id: str,
  apply_policy_default_values: bool,
  cluster_name: str,
  spark_conf: strMap,
  spark_env_vars: strMap,
  custom_tags: { ...strMap, maxProperties: 45 },
  ssh_public_keys: listOf(str, { maxItems: 10 }),
  init_scripts: listOf(initScript),
  cluster_log_conf: obj({ dbfs: storageDestination, s3: s3Storage, volumes: storageDestination }),
  data_security_mode: enumOf(
    "DATA_SECURITY_MODE_AUTO",
    "DATA_SECURITY_MODE_DEDICATED",
    "DATA_SECURITY_MODE_STANDARD",
    "LEGACY_PASSTHROUGH",
    "LEGACY_SINGLE_USER",
    "LEGACY_SINGLE_USER_STANDARD",
    "LEGACY_TABLE_ACL",
    "NONE",
    "SINGLE_USER",
    "USER_ISOLATION",
  ),
  single_user_name: str,
  runtime_engine: enumOf("NULL", "PHOTON", "STANDARD"),
  enable_elastic_disk: bool,
  enable_local_disk_encryption: bool,
  autotermination_minutes: nonNegInt,
  is_single_node: bool,
  kind: enumOf("CLASSIC_PREVIEW"),
  use_ml_runtime: bool,
  remote_disk_throughput: int,
  total_initial_remote_disk_size: int,
  workload_type: obj({ clients: obj({ jobs: bool, notebooks: bool }) }, ["clients"]),
  docker_image: obj({ url: nonEmpty, basic_auth: obj({ username: str, password: str }) }),
  aws_attributes: obj({
    availability: enumOf("ON_DEMAND", "SPOT", "SPOT_WITH_FALLBACK"),
    zone_id: str,
    first_on_demand: nonNegInt,
    spot_bid_price_percent: nonNegInt,
    instance_profile_arn: str,
    ebs_volume_type: enumOf("GENERAL_PURPOSE_SSD", "THROUGHPUT_OPTIMIZED_HDD"),
    ebs_volume_count: nonNegInt,
    ebs_volume_size: nonNegInt,
    ebs_volume_iops: nonNegInt,
    ebs_volume_throughput: nonNegInt,
  }),
  azure_attributes: obj({
    availability: enumOf("ON_DEMAND_AZURE", "SPOT_AZURE", "SPOT_WITH_FALLBACK_AZURE"),
    first_on_demand: nonNegInt,
    spot_bid_max_price: num,
    log_analytics_info: obj({ log_analytics_workspace_id: str, log_analytics_primary_key: str }),
  }),
  gcp_attributes: obj({
    availability: enumOf("ON_DEMAND_GCP", "PREEMPTIBLE_GCP", "PREEMPTIBLE_WITH_FALLBACK_GCP"),
    boot_disk_size: nonNegInt,
    first_on_demand: nonNegInt,
    google_service_account: str,
    local_ssd_count: nonNegInt,
    use_preemptible_executors: bool,
    zone_id: str,
  }),
});

const library = obj({
  whl: nonEmpty,
  jar: nonEmpty,
  egg: nonEmpty,
  requirements: nonEmpty,
  pypi: obj({ package: nonEmpty, repo: str }, ["package"]),
  maven: obj({ coordinates: nonEmpty, repo: str, exclusions: strList }, ["coordinates"]),
  cran: obj({ package: nonEmpty, repo: str }, ["package"]),
});

// --- notifications, health ---

const emailList = listOf(nonEmpty);
const emailNotifications = obj({
  on_start: emailList,
  on_success: emailList,
  on_failure: emailList,
  on_duration_warning_threshold_exceeded: emailList,
  on_streaming_backlog_exceeded: emailList,
  no_alert_for_skipped_runs: bool,
});
const webhookList = listOf(obj({ id: nonEmpty }, ["id"]));
const webhookNotifications = obj({
  on_start: webhookList,
  on_success: webhookList,
  on_failure: webhookList,
  on_duration_warning_threshold_exceeded: webhookList,
  on_streaming_backlog_exceeded: webhookList,
});
const health = obj({
  rules: listOf(
    obj(
      {
        metric: enumOf(
          "RUN_DURATION_SECONDS",
          "STREAMING_BACKLOG_BYTES",
          "STREAMING_BACKLOG_RECORDS",
          "STREAMING_BACKLOG_SECONDS",
          "STREAMING_BACKLOG_FILES",
        ),
        op: enumOf("GREATER_THAN"),
        value: int,
      },
      ["metric", "op", "value"],
    ),
  ),
});

// --- tasks ---

const sqlSubscriptions = listOf(obj({ user_name: str, destination_id: str }));

function taskSchema(nested: Schema | undefined): Schema {
  const properties: Record<string, Schema> = {
    task_key: { type: "string" },
    description: str,
    depends_on: listOf(obj({ task_key: { type: "string" }, outcome: str }, ["task_key"])),
    run_if: enumOf(...RUN_IF_VALUES),
    disabled: bool,
    disable_auto_optimization: bool,
    existing_cluster_id: nonEmpty,
    new_cluster: newCluster,
    job_cluster_key: { type: "string" },
    environment_key: { type: "string" },
    compute: obj({ hardware_accelerator: nonEmpty }),
    libraries: listOf(library),
    max_retries: { type: "integer", minimum: -1 },
    min_retry_interval_millis: nonNegInt,
    retry_on_timeout: bool,
    timeout_seconds: nonNegInt,
    email_notifications: emailNotifications,
    webhook_notifications: webhookNotifications,
    notification_settings: obj({
      no_alert_for_skipped_runs: bool,
      no_alert_for_canceled_runs: bool,
      alert_on_last_attempt: bool,
    }),
    health,
    notebook_task: obj(
      { notebook_path: nonEmpty, source: SOURCE, base_parameters: strMap, warehouse_id: nonEmpty },
      ["notebook_path"],
    ),
    spark_python_task: obj({ python_file: nonEmpty, parameters: strList, source: SOURCE }, ["python_file"]),
    python_wheel_task: obj(
      { package_name: nonEmpty, entry_point: nonEmpty, parameters: strList, named_parameters: strMap },
      ["package_name", "entry_point"],
    ),
    spark_jar_task: obj({ main_class_name: nonEmpty, parameters: strList, jar_uri: str, run_as_repl: bool }, [
      "main_class_name",
    ]),
    spark_submit_task: obj({ parameters: strList }),
    pipeline_task: obj({ pipeline_id: nonEmpty, full_refresh: bool }, ["pipeline_id"]),
    run_job_task: obj(
      {
        job_id: int,
        job_parameters: strMap,
        notebook_params: strMap,
        python_named_params: strMap,
        sql_params: strMap,
        jar_params: strList,
        python_params: strList,
        spark_submit_params: strList,
        dbt_commands: strList,
        pipeline_params: obj({ full_refresh: bool }),
      },
      ["job_id"],
    ),
    sql_task: obj(
      {
        warehouse_id: nonEmpty,
        parameters: strMap,
        query: obj({ query_id: nonEmpty }, ["query_id"]),
        file: obj({ path: nonEmpty, source: SOURCE }, ["path"]),
        dashboard: obj(
          {
            dashboard_id: nonEmpty,
            custom_subject: str,
            pause_subscriptions: bool,
            subscriptions: sqlSubscriptions,
          },
          ["dashboard_id"],
        ),
        alert: obj({ alert_id: nonEmpty, pause_subscriptions: bool, subscriptions: sqlSubscriptions }, [
          "alert_id",
        ]),
      },
      ["warehouse_id"],
    ),
    dbt_task: obj(
      {
        commands: listOf(nonEmpty, { minItems: 1, maxItems: 10 }),
        project_directory: str,
        profiles_directory: str,
        catalog: str,
        schema: str,
        warehouse_id: nonEmpty,
        source: SOURCE,
      },
      ["commands"],
    ),
    condition_task: obj(
      {
        left: str,
        right: str,
        op: enumOf(
          "EQUAL_TO",
          "NOT_EQUAL",
          "GREATER_THAN",
          "GREATER_THAN_OR_EQUAL",
          "LESS_THAN",
          "LESS_THAN_OR_EQUAL",
        ),
      },
      ["left", "op", "right"],
    ),
    dashboard_task: obj(
      {
        dashboard_id: nonEmpty,
        warehouse_id: nonEmpty,
        subscription: obj({
          custom_subject: str,
          paused: bool,
          subscribers: listOf(obj({ user_name: str, destination_id: str })),
        }),
      },
      ["dashboard_id"],
    ),
    clean_rooms_notebook_task: obj(
      { clean_room_name: nonEmpty, notebook_name: nonEmpty, etag: str, notebook_base_parameters: strMap },
      ["clean_room_name", "notebook_name"],
    ),
    // Preview task types: shape not pinned down in the reference notes; accepted as objects.
    power_bi_task: { type: "object" },
    alert_task: { type: "object" },
    gen_ai_compute_task: { type: "object" },
    dbt_cloud_task: { type: "object" },
    dbt_platform_task: { type: "object" },
  };
  if (nested) {
    properties.for_each_task = obj(
      {
        inputs: { type: "string", minLength: 1 },
        concurrency: { type: "integer", minimum: 1 },
        task: nested,
      },
      ["inputs", "task"],
    );
  }
  return obj(properties, ["task_key"]);
}

// for_each nests one level (the service does not allow a for_each inside a for_each).
const innerTask = taskSchema(undefined);
const task = taskSchema(innerTask);

// --- job level ---

export const JOB_SETTINGS_SCHEMA: Schema = {
  $id: "https://jobagent.local/schemas/job-settings.json",
  ...obj({
    name: { type: "string", maxLength: 4096 },
    description: { type: "string", maxLength: 27700 },
    tags: { ...strMap, maxProperties: 25 },
    tasks: listOf(task, { maxItems: 1000 }),
    job_clusters: listOf(
      obj({ job_cluster_key: { type: "string" }, new_cluster: newCluster }, [
        "job_cluster_key",
        "new_cluster",
      ]),
    ),
    environments: listOf(
      obj(
        {
          environment_key: { type: "string", minLength: 1 },
          spec: obj({
            environment_version: nonEmpty,
            client: nonEmpty,
            base_environment: nonEmpty,
            dependencies: strList,
            java_dependencies: strList,
          }),
        },
        ["environment_key"],
      ),
    ),
    max_concurrent_runs: { type: "integer", minimum: 0, maximum: 1000 },
    timeout_seconds: nonNegInt,
    schedule: obj({ quartz_cron_expression: nonEmpty, timezone_id: nonEmpty, pause_status: PAUSE_STATUS }, [
      "quartz_cron_expression",
      "timezone_id",
    ]),
    continuous: obj({ pause_status: PAUSE_STATUS, task_retry_mode: enumOf("NEVER", "ON_FAILURE") }),
    trigger: obj({
      pause_status: PAUSE_STATUS,
      file_arrival: obj(
        {
          url: nonEmpty,
          min_time_between_triggers_seconds: { type: "integer", minimum: 60 },
          wait_after_last_change_seconds: { type: "integer", minimum: 60 },
        },
        ["url"],
      ),
      table_update: obj(
        {
          table_names: listOf(nonEmpty, { minItems: 1 }),
          condition: enumOf("ANY_UPDATED", "ALL_UPDATED"),
          min_time_between_triggers_seconds: { type: "integer", minimum: 60 },
          wait_after_last_change_seconds: { type: "integer", minimum: 60 },
        },
        ["table_names"],
      ),
      periodic: obj({ interval: { type: "integer", minimum: 1 }, unit: enumOf("HOURS", "DAYS", "WEEKS") }, [
        "interval",
        "unit",
      ]),
    }),
    email_notifications: emailNotifications,
    webhook_notifications: webhookNotifications,
    notification_settings: obj({ no_alert_for_skipped_runs: bool, no_alert_for_canceled_runs: bool }),
    health,
    parameters: listOf(
      obj(
        {
          name: { type: "string", minLength: 1, pattern: "^[A-Za-z0-9_.\\-]+$" },
          default: { type: "string" },
        },
        ["name", "default"],
      ),
    ),
    git_source: obj(
      {
        git_url: { type: "string", minLength: 1, maxLength: 300 },
        git_provider: nonEmpty,
        git_branch: { type: "string", maxLength: 255 },
        git_tag: { type: "string", maxLength: 255 },
        git_commit: { type: "string", maxLength: 64 },
        sparse_checkout: obj({ patterns: strList }),
      },
      ["git_url", "git_provider"],
    ),
    run_as: obj({ user_name: nonEmpty, service_principal_name: nonEmpty, group_name: nonEmpty }),
    queue: obj({ enabled: bool }, ["enabled"]),
    deployment: obj({ kind: enumOf("BUNDLE", "SYSTEM_MANAGED"), metadata_file_path: str }, ["kind"]),
    edit_mode: enumOf("UI_LOCKED", "EDITABLE"),
    format: enumOf("MULTI_TASK", "SINGLE_TASK"),
    // Exported jobs carry "" for "no policy".
    budget_policy_id: str,
    usage_policy_id: str,
    performance_target: enumOf("PERFORMANCE_OPTIMIZED", "STANDARD"),
    access_control_list: listOf(
      obj(
        {
          user_name: nonEmpty,
          group_name: nonEmpty,
          service_principal_name: nonEmpty,
          permission_level: enumOf("CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"),
        },
        ["permission_level"],
      ),
    ),
  }),
};

// ---------------------------------------------------------------------------------------------------------------
// Field paths
// ---------------------------------------------------------------------------------------------------------------

/** One step of a field path: an object key, or an array entry named by its key field or index. */
export type PathSegment = { key: string } | { item: string };

const ENTRY_LABELS = ["task_key", "job_cluster_key", "environment_key", "name"];

/** The label an array entry is addressed by in paths (task_key, job_cluster_key, environment_key, name). */
export function entryLabel(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return undefined;
  for (const field of ENTRY_LABELS) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "" && !/[[\]"]/.test(value)) return value;
  }
  return undefined;
}

/** Renders segments in our notation; `root` (the data) lets array indices become keys (`tasks[ingest]`). */
export function formatPath(segments: Array<string | number>, root?: unknown): string {
  let out = "";
  let node: unknown = root;
  for (const seg of segments) {
    if (typeof seg === "number") {
      const entry = Array.isArray(node) ? node[seg] : undefined;
      out += `[${entryLabel(entry) ?? seg}]`;
      node = entry;
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)
        ? out === ""
          ? seg
          : `.${seg}`
        : `[${JSON.stringify(seg)}]`;
      node =
        node !== null && typeof node === "object" && !Array.isArray(node)
          ? (node as Record<string, unknown>)[seg]
          : undefined;
    }
  }
  return out;
}

/** Joins a prefix (e.g. "jobs.orders") and a relative path ("tasks[a].x" or "[0]"). */
export function joinPath(prefix: string | undefined, path: string): string {
  if (!prefix) return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Parses a path written by formatPath back into segments. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === ".") {
      i++;
      continue;
    }
    if (ch === "[") {
      if (path[i + 1] === '"') {
        // JSON-quoted key
        let j = i + 2;
        while (j < path.length && !(path[j] === '"' && path[j - 1] !== "\\")) j++;
        out.push({ key: JSON.parse(path.slice(i + 1, j + 1)) as string });
        i = path.indexOf("]", j) + 1 || path.length;
      } else {
        const end = path.indexOf("]", i);
        const stop = end === -1 ? path.length : end;
        out.push({ item: path.slice(i + 1, stop) });
        i = stop + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
    out.push({ key: path.slice(i, j) });
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

export interface SchemaIssue {
  code: string;
  path: string;
  value?: unknown;
  message: string;
  fix: string;
}

// Jobs API 2.0 single-task fields that moved into tasks[] in 2.1.
const LEGACY_TASK_FIELDS = new Set([
  "notebook_task",
  "spark_python_task",
  "spark_jar_task",
  "spark_submit_task",
  "python_wheel_task",
  "pipeline_task",
  "new_cluster",
  "existing_cluster_id",
  "libraries",
  "max_retries",
  "min_retry_interval_millis",
  "retry_on_timeout",
]);
const OUTPUT_ONLY_FIELDS = new Set([
  "job_id",
  "created_time",
  "creator_user_name",
  "run_as_user_name",
  "settings",
  "effective_budget_policy_id",
]);

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let compiled: ReturnType<Ajv["compile"]> | undefined;

function validator(): ReturnType<Ajv["compile"]> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(JOB_SETTINGS_SCHEMA);
  }
  return compiled;
}

function pointerToSegments(pointer: string): Array<string | number> {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value} ${shown}`;
}

function shortValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : value;
}

/** Suggests the closest known name (did-you-mean), when close enough to be a typo. */
export function didYouMean(input: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(input, candidates);
  const d = distance(input.toLowerCase(), best.toLowerCase());
  if (d <= Math.max(2, Math.floor(best.length / 3))) return best;
  // Word-level match: "retries" vs "max_retries", "cluster" vs "new_cluster".
  const part = candidates.find((c) => c.split("_").includes(input.toLowerCase()));
  return part;
}

function issueFor(error: ErrorObject, root: unknown): SchemaIssue | undefined {
  const segments = pointerToSegments(error.instancePath);
  const path = formatPath(segments, root);
  const at = path === "" ? "the job settings" : path;
  const expected = (error.schema ?? undefined) as unknown;
  switch (error.keyword) {
    case "additionalProperties": {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parent?.properties ?? {});
      const fieldPath = formatPath([...segments, field], root);
      const suggestion = didYouMean(field, known);
      let fix: string;
      if (segments.length === 0 && LEGACY_TASK_FIELDS.has(field)) {
        fix = `'${field}' is a task-level field (Jobs API 2.0 single-task format); move it into an entry of tasks[] (e.g. tasks: [{task_key: main, ${field}: ...}])`;
      } else if (segments.length === 0 && OUTPUT_ONLY_FIELDS.has(field)) {
        fix = `'${field}' is returned by jobs/get but not accepted by jobs/create; remove it (a job exported with jobs/get keeps its settings under 'settings')`;
      } else if (suggestion) {
        fix = `did you mean '${suggestion}'? Rename '${field}' to '${suggestion}'`;
      } else {
        fix = `remove '${field}'; fields allowed at ${at}: ${known.join(", ")}`;
      }
      return {
        code: "schema.unknown-field",
        path: fieldPath,
        value: field,
        message: `unknown field '${field}' at ${at}`,
        fix,
      };
    }
    case "type": {
      const want = (error.params as { type: string }).type;
      const found = describe(error.data);
      const coerce =
        want === "string" && (typeof error.data === "number" || typeof error.data === "boolean")
          ? `quote it: "${String(error.data)}" (the Jobs API takes strings here)`
          : want === "integer" && typeof error.data === "string" && /^-?\d+$/.test(error.data)
            ? `write it without quotes: ${error.data}`
            : `give ${at} a value of type ${want}`;
      return {
        code: "schema.type",
        path,
        value: shortValue(error.data),
        message: `${at} must be ${want === "array" || want === "object" || want === "integer" ? `an ${want}` : `a ${want}`}, found ${found}`,
        fix: coerce,
      };
    }
    case "enum": {
      const allowed = (error.params as { allowedValues: string[] }).allowedValues;
      const suggestion =
        typeof error.data === "string" ? didYouMean(error.data.toUpperCase(), allowed) : undefined;
      return {
        code: "schema.enum",
        path,
        value: error.data,
        message: `${at} must be one of ${allowed.join(", ")}, found ${describe(error.data)}`,
        fix: suggestion
          ? `did you mean '${suggestion}'? Use '${suggestion}'`
          : `use one of ${allowed.join(", ")}`,
      };
    }
    case "required": {
      const field = (error.params as { missingProperty: string }).missingProperty;
      const fieldPath = formatPath([...segments, field], root);
      return {
        code: "schema.required",
        path: fieldPath,
        message: `Missing required field: ${fieldPath}`,
        fix: `add '${field}' to ${at}`,
      };
    }
    case "minLength":
      return {
        code: "schema.empty",
        path,
        value: error.data,
        message: `${at} is empty`,
        fix: `give ${at} a value (it cannot be blank)`,
      };
    case "maxLength":
      return {
        code: "schema.too-long",
        path,
        value: shortValue(error.data),
        message: `${at} is longer than ${String(expected)} characters`,
        fix: `shorten ${at} to at most ${String(expected)} characters`,
      };
    case "minimum":
    case "maximum": {
      const limit = (error.params as { limit: number }).limit;
      const word = error.keyword === "minimum" ? "at least" : "at most";
      return {
        code: "schema.range",
        path,
        value: error.data,
        message: `${at} must be ${word} ${limit}, found ${String(error.data)}`,
        fix: `set ${at} to a value ${word} ${limit}`,
      };
    }
    case "maxItems":
    case "maxProperties": {
      const limit = (error.params as { limit: number }).limit;
      const count = Array.isArray(error.data) ? error.data.length : Object.keys(error.data as object).length;
      return {
        code: "schema.limit",
        path,
        value: count,
        message: `${at} has ${count} entries; the limit is ${limit}`,
        fix: `reduce ${at} to at most ${limit} entries`,
      };
    }
    case "minItems":
      return {
        code: "schema.empty",
        path,
        value: error.data,
        message: `${at} is empty`,
        fix: `give ${at} at least one entry`,
      };
    case "pattern":
      return {
        code: "schema.pattern",
        path,
        value: error.data,
        message: `${at} ${JSON.stringify(error.data)} does not match ${String(expected)}`,
        fix: `use only letters, digits, '_', '-' and '.' in ${at}`,
      };
    default:
      return {
        code: `schema.${error.keyword}`,
        path,
        value: shortValue(error.data),
        message: `${at} ${error.message ?? "is invalid"}`,
        fix: `correct ${at}`,
      };
  }
}

/** Validates JobSettings against the schema; one issue per problem, paths in our notation. */
export function checkJobSchema(settings: unknown): SchemaIssue[] {
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
    return [
      {
        code: "schema.type",
        path: "",
        value: shortValue(settings),
        message: `job settings must be a mapping of Jobs API fields, found ${describe(settings)}`,
        fix: "write the job as a YAML mapping (name:, tasks:, ...)",
      },
    ];
  }
  const validate = validator();
  if (validate(settings)) return [];
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = issueFor(error, settings);
    if (!issue) continue;
    const id = `${issue.code}|${issue.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}
