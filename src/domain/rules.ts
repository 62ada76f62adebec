/**
 * The Jobs service's own semantic rules, pure. Used by the validator (before any API call) AND by the local
 * workspace server (which answers 400 INVALID_PARAMETER_VALUE with `message`, as the real service does).
 * Defensive about types: the input may be any JSON (schema errors are reported by src/domain/schema.ts).
 */
import type { JobSettings } from "./model.js";
import { checkQuartzCron } from "./quartz.js";
import { GIT_PROVIDERS, TASK_TYPES, WEBHOOK_EVENTS } from "./vocabulary.js";
import { didYouMean, formatPath } from "./schema.js";

export interface RuleViolation {
  /** Stable code, e.g. "semantic.task-key-pattern", "semantic.cycle", "semantic.cron". */
  code: string;
  /** Field path, e.g. "tasks[ingest].depends_on[0].task_key". */
  path: string;
  value?: unknown;
  /** Phrased like the service's error message. */
  message: string;
  /** How to fix it. */
  fix: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const KEY_PATTERN = /^[\w-]+$/;
const CLUSTER_TYPES = ["existing_cluster_id", "new_cluster", "job_cluster_key", "environment_key"] as const;

const TASK_TYPE_FIELDS = TASK_TYPES;
/** Task types that run code and need compute (classic cluster or a serverless environment). */
const NEEDS_COMPUTE = new Set([
  "spark_python_task",
  "python_wheel_task",
  "spark_jar_task",
  "spark_submit_task",
  "dbt_task",
]);
/** Task types that run elsewhere (warehouse, pipeline, other job) or orchestrate: no compute fields allowed. */
const NO_COMPUTE = new Set([
  "pipeline_task",
  "run_job_task",
  "condition_task",
  "for_each_task",
  "sql_task",
  "dashboard_task",
  "alert_task",
  "clean_rooms_notebook_task",
  "power_bi_task",
]);

let zoneCache: Set<string> | undefined;
function knownZones(): Set<string> {
  zoneCache ??= new Set(Intl.supportedValuesOf("timeZone"));
  return zoneCache;
}

/** True for a Java/IANA time zone id the service accepts (canonical IANA ids, their aliases, UTC/GMT/Etc zones). */
export function isValidTimezoneId(id: string): boolean {
  if (id === "UTC" || id === "GMT" || id === "Z") return id !== "Z";
  if (knownZones().has(id)) return true;
  if (/^Etc\/(UTC|GMT|UCT|Zulu|Universal|Greenwich|GMT[+-](\d|1[0-4])|GMT0)$/.test(id)) return true;
  // Aliases (US/Pacific, Asia/Calcutta, EST): Java ids are case-sensitive, Intl is not, so insist on the usual casing.
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(id)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: id });
    return true;
  } catch {
    return false;
  }
}

/** The closest valid time zone id (for did-you-mean). */
export function suggestTimezone(id: string): string | undefined {
  const zones = [...knownZones(), "UTC"];
  const exact = zones.find((z) => z.toLowerCase() === id.toLowerCase());
  if (exact) return exact;
  try {
    const resolved = new Intl.DateTimeFormat("en", { timeZone: id }).resolvedOptions().timeZone;
    if (resolved) return resolved;
  } catch {
    // not a zone at all
  }
  return didYouMean(id, zones);
}

interface TaskRef {
  task: Obj;
  index: number;
  key: string | undefined;
  path: string;
}

function taskTypes(task: Obj): string[] {
  return TASK_TYPE_FIELDS.filter((t) => task[t] !== undefined && task[t] !== null);
}

function checkTaskKey(key: unknown, path: string, out: RuleViolation[]): void {
  if (typeof key !== "string") return; // schema reports a missing / non-string key
  if (key.length === 0 || key.length > 100 || !KEY_PATTERN.test(key)) {
    out.push({
      code: "semantic.task-key-pattern",
      path: `${path}.task_key`,
      value: key,
      message: `Invalid task_key '${key}': task_key must be 1-100 characters of letters, digits, '_' and '-' (pattern ^[\\w\\-_]+$).`,
      fix: `rename the task, e.g. '${
        key
          .replace(/[^\w-]+/g, "_")
          .replace(/^_+|_+$/g, "")
          .slice(0, 100) || "task_1"
      }'`,
    });
  }
}

function checkCompute(task: Obj, path: string, key: string, settings: Obj, out: RuleViolation[]): void {
  const types = taskTypes(task);
  if (types.length !== 1) return;
  const type = types[0];
  const present = CLUSTER_TYPES.filter((c) => task[c] !== undefined && task[c] !== null);
  const classic = present.filter((c) => c !== "environment_key");
  if (present.length > 1) {
    out.push({
      code: "semantic.compute-conflict",
      path: `${path}.${present[1]}`,
      value: present,
      message: `Task ${key} specifies more than one of ${present.join(", ")}; a task runs on exactly one compute (existing_cluster_id, new_cluster, job_cluster_key or serverless environment_key).`,
      fix: `keep one of ${present.join(" / ")} on task ${key} and remove the others`,
    });
    return;
  }
  if (NO_COMPUTE.has(type) && present.length > 0) {
    out.push({
      code: "semantic.compute-not-allowed",
      path: `${path}.${present[0]}`,
      value: task[present[0]] as unknown,
      message: `Task ${key} is a ${type}, which does not run on a cluster; ${present[0]} is not allowed on it.`,
      fix: `remove ${present[0]} from task ${key}${type === "for_each_task" ? " and put it on the nested for_each_task.task" : ""}`,
    });
    return;
  }
  const notebookOnWarehouse =
    type === "notebook_task" && isObj(task.notebook_task) && task.notebook_task.warehouse_id !== undefined;
  if (notebookOnWarehouse && classic.length > 0) {
    out.push({
      code: "semantic.compute-conflict",
      path: `${path}.${classic[0]}`,
      value: task[classic[0]] as unknown,
      message: `Task ${key} runs its notebook on SQL warehouse (notebook_task.warehouse_id) and also sets ${classic[0]}.`,
      fix: `remove either notebook_task.warehouse_id or ${classic[0]} from task ${key}`,
    });
  }
  if (NEEDS_COMPUTE.has(type) && present.length === 0) {
    const serverlessOk = type !== "spark_submit_task";
    out.push({
      code: "semantic.compute-missing",
      path,
      value: key,
      message: `Task ${key} is a ${type}, which needs compute: One of job_cluster_key, new_cluster, or existing_cluster_id must be specified${serverlessOk ? " (or environment_key for serverless)" : ""}.`,
      fix: serverlessOk
        ? `add job_cluster_key (a cluster from job_clusters), new_cluster, existing_cluster_id, or environment_key naming an entry of environments (serverless) to task ${key}`
        : `add job_cluster_key, new_cluster or existing_cluster_id to task ${key} (spark_submit_task cannot run on serverless)`,
    });
  }
  if (type === "spark_submit_task" && present[0] === "environment_key") {
    out.push({
      code: "semantic.compute-not-allowed",
      path: `${path}.environment_key`,
      value: task.environment_key,
      message: `Task ${key} is a spark_submit_task, which cannot run on serverless compute (environment_key).`,
      fix: `use job_cluster_key, new_cluster or existing_cluster_id on task ${key}`,
    });
  }
  const jobClusterKey = asString(task.job_cluster_key);
  if (jobClusterKey !== undefined) {
    const defined = asArray(settings.job_clusters)
      .filter(isObj)
      .map((c) => asString(c.job_cluster_key))
      .filter((k): k is string => k !== undefined);
    if (!defined.includes(jobClusterKey)) {
      const suggestion = didYouMean(jobClusterKey, defined);
      out.push({
        code: "semantic.job-cluster-undefined",
        path: `${path}.job_cluster_key`,
        value: jobClusterKey,
        message: `Task ${key} references job_cluster_key '${jobClusterKey}', which is not defined in job_clusters.`,
        fix: suggestion
          ? `did you mean '${suggestion}'? Or add {job_cluster_key: ${jobClusterKey}, new_cluster: {...}} to job_clusters`
          : `add {job_cluster_key: ${jobClusterKey}, new_cluster: {...}} to job_clusters${defined.length ? ` (defined: ${defined.join(", ")})` : ""}`,
      });
    }
  }
  const environmentKey = asString(task.environment_key);
  if (environmentKey !== undefined) {
    const defined = asArray(settings.environments)
      .filter(isObj)
      .map((e) => asString(e.environment_key))
      .filter((k): k is string => k !== undefined);
    if (!defined.includes(environmentKey)) {
      const suggestion = didYouMean(environmentKey, defined);
      out.push({
        code: "semantic.environment-undefined",
        path: `${path}.environment_key`,
        value: environmentKey,
        message: `Task ${key} references environment_key '${environmentKey}', which is not defined in environments.`,
        fix: suggestion
          ? `did you mean '${suggestion}'?`
          : `add {environment_key: ${environmentKey}, spec: {environment_version: "2"}} to environments`,
      });
    }
  }
  if (isObj(task.new_cluster)) checkCluster(task.new_cluster, `${path}.new_cluster`, out);
  if (Array.isArray(task.libraries) && task.libraries.length > 0 && present[0] === "environment_key") {
    out.push({
      code: "semantic.libraries-serverless",
      path: `${path}.libraries`,
      value: "libraries",
      message: `Task ${key} runs on serverless (environment_key); libraries are not supported on serverless tasks.`,
      fix: `move the libraries into environments[${environmentKey}].spec.dependencies`,
    });
  }
}

function checkCluster(cluster: Obj, path: string, out: RuleViolation[]): void {
  const hasPolicy = typeof cluster.policy_id === "string" && cluster.policy_id !== "";
  if (cluster.num_workers !== undefined && cluster.autoscale !== undefined) {
    out.push({
      code: "semantic.cluster-size-conflict",
      path: `${path}.autoscale`,
      value: { num_workers: cluster.num_workers, autoscale: cluster.autoscale },
      message: `Cluster size is ambiguous: both num_workers and autoscale are set.`,
      fix: `keep either num_workers (fixed size) or autoscale {min_workers, max_workers}, not both`,
    });
  }
  if (isObj(cluster.autoscale)) {
    const min = cluster.autoscale.min_workers;
    const max = cluster.autoscale.max_workers;
    if (typeof min === "number" && typeof max === "number" && max < min) {
      out.push({
        code: "semantic.autoscale-range",
        path: `${path}.autoscale.max_workers`,
        value: max,
        message: `autoscale.max_workers (${max}) must be greater than or equal to autoscale.min_workers (${min}).`,
        fix: `raise max_workers to at least ${min} or lower min_workers`,
      });
    }
  }
  if (!hasPolicy && cluster.spark_version === undefined) {
    out.push({
      code: "semantic.cluster-spark-version",
      path: `${path}.spark_version`,
      message: `Missing required field: ${path}.spark_version`,
      fix: `add spark_version (a Databricks Runtime key such as 15.4.x-scala2.12) or a policy_id whose policy fixes it`,
    });
  }
  if (!hasPolicy && cluster.node_type_id === undefined && cluster.instance_pool_id === undefined) {
    out.push({
      code: "semantic.cluster-node-type",
      path: `${path}.node_type_id`,
      message: `Missing required field: ${path}.node_type_id (or instance_pool_id)`,
      fix: `add node_type_id (e.g. i3.xlarge on AWS, Standard_DS3_v2 on Azure), instance_pool_id, or a policy_id`,
    });
  }
  if (
    !hasPolicy &&
    cluster.num_workers === undefined &&
    cluster.autoscale === undefined &&
    cluster.is_single_node !== true
  ) {
    out.push({
      code: "semantic.cluster-size",
      path: `${path}.num_workers`,
      message: `Missing required field: ${path}.num_workers (or autoscale)`,
      fix: `add num_workers (0 for a single-node cluster) or autoscale {min_workers, max_workers}`,
    });
  }
  const runtime = asString(cluster.spark_version);
  if (runtime && /-photon-/.test(runtime) && cluster.runtime_engine === "STANDARD") {
    out.push({
      code: "semantic.runtime-engine",
      path: `${path}.runtime_engine`,
      value: cluster.runtime_engine,
      message: `runtime_engine STANDARD contradicts the Photon spark_version '${runtime}'.`,
      fix: `use the runtime key without -photon- for STANDARD, or remove runtime_engine`,
    });
  }
}

/** A path with `.`/`..` segments resolved (what a reader means by it). */
function normalisedPath(value: string): string {
  const out: string[] = [];
  for (const segment of value.split("/")) {
    if (segment === ".") continue;
    if (segment === "..") {
      const absolute = out[0] === "";
      const last = out.at(-1);
      if (last !== undefined && last !== ".." && !(absolute && out.length === 1)) out.pop();
      else if (!absolute) out.push(".."); // a relative path that climbs above its root keeps saying so
      continue;
    }
    out.push(segment);
  }
  return out.join("/") || "/";
}

function checkCodePath(task: Obj, path: string, key: string, settings: Obj, out: RuleViolation[]): void {
  const hasGit = isObj(settings.git_source);
  const check = (field: string, sub: string, value: unknown, source: unknown, allowUri: boolean): void => {
    if (typeof value !== "string" || value === "") return;
    const effective = source ?? (hasGit ? "GIT" : "WORKSPACE");
    const uri = /^[a-z][a-z0-9+.-]*:/i.test(value);
    if (effective === "WORKSPACE" && !value.startsWith("/") && !(allowUri && uri)) {
      out.push({
        code: "semantic.relative-path",
        path: `${path}.${field}.${sub}`,
        value,
        message: `Task ${key}: ${field}.${sub} '${value}' is relative, but the source is WORKSPACE, which needs an absolute workspace path.`,
        fix: `write an absolute path such as /Workspace/Shared/${value.replace(/^[~./]+/, "")}, or add git_source (then paths are repo-relative)`,
      });
      return;
    }
    // `.`/`..` segments: the service keeps the path as written, so it is not the object a reviewer reads.
    if (!uri && value.split("/").some((s) => s === "." || s === "..")) {
      out.push({
        code: "semantic.path-dot-segment",
        path: `${path}.${field}.${sub}`,
        value,
        message: `Task ${key}: ${field}.${sub} '${value}' has '.' or '..' segments.`,
        fix: `write the path without them (the object it means: ${normalisedPath(value)})`,
      });
    }
  };
  if (isObj(task.notebook_task))
    check(
      "notebook_task",
      "notebook_path",
      task.notebook_task.notebook_path,
      task.notebook_task.source,
      false,
    );
  if (isObj(task.spark_python_task))
    check(
      "spark_python_task",
      "python_file",
      task.spark_python_task.python_file,
      task.spark_python_task.source,
      true,
    );
}

function checkTaskShape(task: Obj, path: string, key: string, out: RuleViolation[]): void {
  if (isObj(task.sql_task)) {
    const kinds = ["query", "dashboard", "alert", "file"].filter(
      (k) => (task.sql_task as Obj)[k] !== undefined,
    );
    if (kinds.length !== 1) {
      out.push({
        code: "semantic.sql-task-kind",
        path: `${path}.sql_task`,
        value: kinds,
        message: `Task ${key}: sql_task must specify exactly one of query, dashboard, alert or file${kinds.length ? `, found ${kinds.join(", ")}` : ""}.`,
        fix: `keep exactly one of sql_task.query / dashboard / alert / file`,
      });
    }
  }
  if (
    isObj(task.python_wheel_task) &&
    task.python_wheel_task.parameters !== undefined &&
    task.python_wheel_task.named_parameters !== undefined
  ) {
    out.push({
      code: "semantic.wheel-parameters",
      path: `${path}.python_wheel_task.named_parameters`,
      message: `Task ${key}: python_wheel_task cannot have both parameters and named_parameters.`,
      fix: `use either parameters (a list) or named_parameters (a map)`,
    });
  }
  if (isObj(task.dbt_task)) {
    asArray(task.dbt_task.commands).forEach((c, i) => {
      if (typeof c === "string" && !/^dbt(\s|$)/.test(c.trim())) {
        out.push({
          code: "semantic.dbt-command",
          path: `${path}.dbt_task.commands[${i}]`,
          value: c,
          message: `Task ${key}: dbt command '${c}' must start with 'dbt'.`,
          fix: `write it as 'dbt ${c.trim()}'`,
        });
      }
    });
  }
  if (isObj(task.condition_task) && (task.max_retries !== undefined || task.retry_on_timeout !== undefined)) {
    out.push({
      code: "semantic.condition-retries",
      path: `${path}.max_retries`,
      value: task.max_retries,
      message: `Task ${key} is a condition_task; condition tasks do not support retries.`,
      fix: `remove max_retries / retry_on_timeout from task ${key}`,
    });
  }
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const s = state.get(next) ?? 0;
      if (s === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (s === 0) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 2);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if ((state.get(node) ?? 0) === 0) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

function checkTasks(settings: Obj, out: RuleViolation[]): void {
  const tasks = asArray(settings.tasks);
  if (tasks.length > 1000) {
    out.push({
      code: "semantic.too-many-tasks",
      path: "tasks",
      value: tasks.length,
      message: `A job can have at most 1000 tasks; found ${tasks.length}.`,
      fix: "split the job into several jobs (run_job_task can chain them)",
    });
  }
  const refs: TaskRef[] = [];
  const seen = new Map<string, number>();
  tasks.forEach((task, index) => {
    if (!isObj(task)) return;
    const key = asString(task.task_key);
    const path = formatPath(["tasks", index], settings);
    refs.push({ task, index, key, path });
    checkTaskKey(task.task_key, path, out);
    if (key !== undefined) {
      if (seen.has(key)) {
        out.push({
          code: "semantic.task-key-duplicate",
          path: `tasks[${index}].task_key`,
          value: key,
          message: `Task key '${key}' is used by more than one task (tasks ${seen.get(key)} and ${index}); task keys must be unique within a job.`,
          fix: `rename one of the tasks named '${key}'`,
        });
      } else seen.set(key, index);
    }
  });
  const keys = [...seen.keys()];
  const conditionKeys = new Set(
    refs.filter((r) => isObj(r.task.condition_task) && r.key).map((r) => r.key as string),
  );
  const graph = new Map<string, string[]>();

  for (const { task, key, path } of refs) {
    const label = key ?? path;
    const checkOne = (t: Obj, p: string, nested: boolean): void => {
      const types = taskTypes(t);
      if (types.length === 0) {
        out.push({
          code: "semantic.task-type-missing",
          path: p,
          value: asString(t.task_key),
          message: `No task defined for ${asString(t.task_key) ?? label}: a task needs exactly one task type (notebook_task, spark_python_task, python_wheel_task, sql_task, dbt_task, pipeline_task, run_job_task, condition_task, for_each_task, ...).`,
          fix: `add one task type to ${p}, e.g. notebook_task: {notebook_path: /Workspace/Shared/my_notebook}`,
        });
      } else if (types.length > 1) {
        out.push({
          code: "semantic.task-type-multiple",
          path: `${p}.${types[1]}`,
          value: types,
          message: `Task ${asString(t.task_key) ?? label} defines more than one task type (${types.join(", ")}); a task has exactly one.`,
          fix: `split it into separate tasks (one per type) linked with depends_on`,
        });
      }
      checkCompute(t, p, asString(t.task_key) ?? label, settings, out);
      checkCodePath(t, p, asString(t.task_key) ?? label, settings, out);
      checkTaskShape(t, p, asString(t.task_key) ?? label, out);
      if (nested && t.for_each_task !== undefined) {
        // The SDK's ForEachTask.task is a Task, so the schema allows it; the service does not nest for_each.
        out.push({
          code: "semantic.for-each-nested",
          path: `${p}.for_each_task`,
          message: `Task ${asString(t.task_key) ?? label}: a for_each_task cannot run another for_each_task.`,
          fix: `move the inner loop into its own job and call it with run_job_task, or flatten the loop`,
        });
      }
      if (!nested && isObj(t.for_each_task) && isObj(t.for_each_task.task)) {
        const inner = t.for_each_task.task;
        checkTaskKey(inner.task_key, `${p}.for_each_task.task`, out);
        checkOne(inner, `${p}.for_each_task.task`, true);
      }
    };
    checkOne(task, path, false);

    const deps = asArray(task.depends_on);
    const edges: string[] = [];
    deps.forEach((dep, i) => {
      if (!isObj(dep)) return;
      const target = asString(dep.task_key);
      const depPath = `${path}.depends_on[${i}]`;
      if (target === undefined) return; // schema: Missing required field
      if (target === key) {
        out.push({
          code: "semantic.dependency-self",
          path: `${depPath}.task_key`,
          value: target,
          message: `Invalid dependency graph, task '${target}' can not reference itself.`,
          fix: `remove the depends_on entry '${target}' from task ${target}`,
        });
        return;
      }
      if (!seen.has(target)) {
        const suggestion = didYouMean(target, keys);
        out.push({
          code: "semantic.dependency-unknown",
          path: `${depPath}.task_key`,
          value: target,
          message: `Task ${label} depends on task '${target}', which does not exist in this job.`,
          fix: suggestion
            ? `did you mean '${suggestion}'?`
            : `use one of the job's task keys: ${keys.join(", ")}`,
        });
        return;
      }
      edges.push(target);
      if (dep.outcome !== undefined) {
        if (!conditionKeys.has(target)) {
          out.push({
            code: "semantic.dependency-outcome",
            path: `${depPath}.outcome`,
            value: dep.outcome,
            message: `Task ${label}: depends_on outcome is only allowed when the upstream task ('${target}') is a condition_task.`,
            fix: `remove outcome from the dependency on '${target}'`,
          });
        } else if (dep.outcome !== "true" && dep.outcome !== "false") {
          out.push({
            code: "semantic.dependency-outcome",
            path: `${depPath}.outcome`,
            value: dep.outcome,
            message: `Task ${label}: the outcome of condition task '${target}' must be "true" or "false", found ${JSON.stringify(dep.outcome)}.`,
            fix: `write outcome: "true" or outcome: "false" (quoted)`,
          });
        }
      }
    });
    if (key !== undefined) graph.set(key, edges);
    if (task.run_if !== undefined && task.run_if !== "ALL_SUCCESS" && deps.length === 0) {
      out.push({
        code: "semantic.run-if-without-dependencies",
        path: `${path}.run_if`,
        value: task.run_if,
        message: `Task ${label} sets run_if ${String(task.run_if)} but has no depends_on; run_if only applies to tasks with dependencies.`,
        fix: `add depends_on to task ${label} or remove run_if`,
      });
    }
  }
  const cycle = findCycle(graph);
  if (cycle) {
    const first = refs.find((r) => r.key === cycle[0]);
    out.push({
      code: "semantic.cycle",
      path: first ? `${first.path}.depends_on` : "tasks",
      value: cycle.join(" -> "),
      message: `Invalid dependency graph, the tasks form a cycle: ${cycle.join(" -> ")}.`,
      fix: `remove one of the depends_on links in ${cycle.join(" -> ")} so the tasks form a DAG`,
    });
  }
}

function checkJobClusters(settings: Obj, out: RuleViolation[]): void {
  const seen = new Set<string>();
  const used = new Set<string>();
  for (const task of asArray(settings.tasks)) {
    if (!isObj(task)) continue;
    if (typeof task.job_cluster_key === "string") used.add(task.job_cluster_key);
    if (
      isObj(task.for_each_task) &&
      isObj(task.for_each_task.task) &&
      typeof task.for_each_task.task.job_cluster_key === "string"
    )
      used.add(task.for_each_task.task.job_cluster_key);
  }
  asArray(settings.job_clusters).forEach((cluster, index) => {
    if (!isObj(cluster)) return;
    const key = asString(cluster.job_cluster_key);
    const path = formatPath(["job_clusters", index], settings);
    if (key === undefined) return;
    if (key.length === 0 || key.length > 100 || !KEY_PATTERN.test(key)) {
      out.push({
        code: "semantic.job-cluster-key-pattern",
        path: `${path}.job_cluster_key`,
        value: key,
        message: `Invalid job_cluster_key '${key}': it must be 1-100 characters of letters, digits, '_' and '-'.`,
        fix: `rename it, e.g. '${key.replace(/[^\w-]+/g, "_") || "main"}'`,
      });
    }
    if (seen.has(key)) {
      out.push({
        code: "semantic.job-cluster-duplicate",
        path: `job_clusters[${index}].job_cluster_key`,
        value: key,
        message: `Job cluster key '${key}' is defined more than once; job cluster keys must be unique.`,
        fix: `rename or remove the second job cluster '${key}'`,
      });
    }
    seen.add(key);
    if (!used.has(key)) {
      out.push({
        code: "semantic.job-cluster-unused",
        path,
        value: key,
        message: `Job cluster '${key}' is defined but not used by any task.`,
        fix: `reference it with job_cluster_key: ${key} on a task, or remove it from job_clusters`,
      });
    }
    if (isObj(cluster.new_cluster)) checkCluster(cluster.new_cluster, `${path}.new_cluster`, out);
  });
  const envs = new Set<string>();
  asArray(settings.environments).forEach((env, index) => {
    if (!isObj(env) || typeof env.environment_key !== "string") return;
    if (envs.has(env.environment_key)) {
      out.push({
        code: "semantic.environment-duplicate",
        path: `environments[${index}].environment_key`,
        value: env.environment_key,
        message: `Environment key '${env.environment_key}' is defined more than once.`,
        fix: `rename or remove the second environment '${env.environment_key}'`,
      });
    }
    envs.add(env.environment_key);
  });
}

function checkTriggers(settings: Obj, out: RuleViolation[]): void {
  const present = ["schedule", "continuous", "trigger"].filter(
    (k) => settings[k] !== undefined && settings[k] !== null,
  );
  if (present.length > 1) {
    out.push({
      code: "semantic.trigger-exclusive",
      path: present[1],
      value: present,
      message: `Only one of schedule, continuous and trigger can be set; found ${present.join(" and ")}.`,
      fix: `keep one of ${present.join(" / ")} and remove the others`,
    });
  }
  if (isObj(settings.schedule)) {
    const expr = settings.schedule.quartz_cron_expression;
    if (typeof expr === "string" && expr !== "") {
      const result = checkQuartzCron(expr);
      if (!result.ok) {
        out.push({
          code: "semantic.cron",
          path: "schedule.quartz_cron_expression",
          value: expr,
          message: `Invalid quartz_cron_expression: ${expr}. Databricks uses Quartz cron syntax, which is different from the standard cron syntax: ${result.reason}.`,
          fix: result.fromUnix
            ? `write the Quartz form: quartz_cron_expression: "${result.fromUnix}"`
            : `write a Quartz expression 'sec min hour day-of-month month day-of-week', e.g. '0 0 6 * * ?' (daily 06:00) or '0 30 19 ? * MON-FRI'`,
        });
      }
    }
    const tz = settings.schedule.timezone_id;
    if (typeof tz === "string" && tz !== "" && !isValidTimezoneId(tz)) {
      const suggestion = suggestTimezone(tz);
      out.push({
        code: "semantic.timezone",
        path: "schedule.timezone_id",
        value: tz,
        message: `Invalid timezone_id: '${tz}' is not a Java time zone id.`,
        fix: suggestion
          ? `did you mean '${suggestion}'? Use an IANA id such as Europe/Berlin or UTC`
          : `use an IANA id such as Europe/Berlin, America/New_York or UTC`,
      });
    }
  }
  if (isObj(settings.trigger)) {
    const kinds = ["file_arrival", "table_update", "periodic", "model", "sql_condition"].filter(
      (k) => (settings.trigger as Obj)[k] !== undefined,
    );
    if (kinds.length !== 1) {
      out.push({
        code: "semantic.trigger-kind",
        path: "trigger",
        value: kinds,
        message: `trigger must specify exactly one of file_arrival, table_update or periodic${kinds.length ? `, found ${kinds.join(", ")}` : ""}.`,
        fix: kinds.length
          ? `keep one of ${kinds.join(" / ")}`
          : `add file_arrival: {url: ...}, table_update: {table_names: [...]} or periodic: {interval: 1, unit: DAYS}`,
      });
    }
  }
}

function checkJobLevel(settings: Obj, out: RuleViolation[]): void {
  if (typeof settings.name === "string" && new TextEncoder().encode(settings.name).length > 4096) {
    out.push({
      code: "semantic.name-length",
      path: "name",
      value: `${settings.name.slice(0, 40)}...`,
      message: `Job name is longer than 4096 bytes.`,
      fix: "shorten the name",
    });
  }
  if (isObj(settings.tags)) {
    const count = Object.keys(settings.tags).length;
    if (count > 25) {
      out.push({
        code: "semantic.tags-limit",
        path: "tags",
        value: count,
        message: `A job can have at most 25 tags; found ${count}.`,
        fix: "remove tags until at most 25 remain",
      });
    }
    for (const [k, v] of Object.entries(settings.tags)) {
      if (k.length === 0 || k.length > 127 || (typeof v === "string" && v.length > 255)) {
        out.push({
          code: "semantic.tag-length",
          path: formatPath(["tags", k]),
          value: k,
          message: `Tag '${k.slice(0, 40)}': keys must be 1-127 characters and values at most 255 characters.`,
          fix: "shorten the tag key or value",
        });
      }
    }
  }
  const mcr = settings.max_concurrent_runs;
  if (typeof mcr === "number" && (mcr < 0 || mcr > 1000 || !Number.isInteger(mcr))) {
    out.push({
      code: "semantic.max-concurrent-runs",
      path: "max_concurrent_runs",
      value: mcr,
      message: `max_concurrent_runs must be an integer between 0 and 1000, found ${mcr}.`,
      fix: "set max_concurrent_runs to 1 (the default) or another value from 0 to 1000",
    });
  }
  const checkTimeout = (value: unknown, path: string): void => {
    if (typeof value === "number" && value < 0) {
      out.push({
        code: "semantic.timeout",
        path,
        value,
        message: `${path} must be >= 0 (0 means no timeout), found ${value}.`,
        fix: `set ${path} to 0 or a positive number of seconds`,
      });
    }
  };
  checkTimeout(settings.timeout_seconds, "timeout_seconds");
  asArray(settings.tasks).forEach((task, index) => {
    if (!isObj(task)) return;
    const path = formatPath(["tasks", index], settings);
    checkTimeout(task.timeout_seconds, `${path}.timeout_seconds`);
    if (typeof task.max_retries === "number" && task.max_retries < -1) {
      out.push({
        code: "semantic.max-retries",
        path: `${path}.max_retries`,
        value: task.max_retries,
        message: `max_retries must be -1 (retry forever), 0 (never) or a positive number, found ${task.max_retries}.`,
        fix: "set max_retries to -1, 0 or a positive number",
      });
    }
    checkWebhooks(task.webhook_notifications, `${path}.webhook_notifications`, out);
  });
  checkWebhooks(settings.webhook_notifications, "webhook_notifications", out);

  const names = new Set<string>();
  asArray(settings.parameters).forEach((p, index) => {
    if (!isObj(p) || typeof p.name !== "string") return;
    if (names.has(p.name)) {
      out.push({
        code: "semantic.parameter-duplicate",
        path: `parameters[${index}].name`,
        value: p.name,
        message: `Job parameter '${p.name}' is defined more than once.`,
        fix: `remove or rename the second parameter '${p.name}'`,
      });
    }
    names.add(p.name);
  });

  if (isObj(settings.git_source)) {
    const provider = settings.git_source.git_provider;
    if (
      typeof provider === "string" &&
      provider !== "" &&
      !GIT_PROVIDERS.some((p) => p.toLowerCase() === provider.toLowerCase())
    ) {
      const suggestion = didYouMean(provider, GIT_PROVIDERS);
      out.push({
        code: "semantic.git-provider",
        path: "git_source.git_provider",
        value: provider,
        message: `git_source.git_provider must be one of: ${GIT_PROVIDERS.map((p) => p.toLowerCase()).join(",")}`,
        fix: suggestion ? `did you mean '${suggestion}'?` : `use one of ${GIT_PROVIDERS.join(", ")}`,
      });
    }
    const refs = ["git_branch", "git_tag", "git_commit"].filter(
      (k) => (settings.git_source as Obj)[k] !== undefined,
    );
    if (refs.length > 1) {
      out.push({
        code: "semantic.git-ref",
        path: `git_source.${refs[1]}`,
        value: refs,
        message: `git_source can name only one of git_branch, git_tag and git_commit; found ${refs.join(", ")}.`,
        fix: `keep one of ${refs.join(" / ")}`,
      });
    }
  }
  if (isObj(settings.run_as)) {
    const ids = ["user_name", "service_principal_name", "group_name"].filter(
      (k) => (settings.run_as as Obj)[k] !== undefined,
    );
    if (ids.length !== 1) {
      out.push({
        code: "semantic.run-as",
        path: "run_as",
        value: ids,
        message: `run_as must name exactly one of user_name or service_principal_name${ids.length ? `, found ${ids.join(" and ")}` : ""}.`,
        fix: "keep exactly one of run_as.user_name / run_as.service_principal_name",
      });
    }
  }
  if (Array.isArray(settings.access_control_list)) {
    const owners = settings.access_control_list.filter(
      (e) => isObj(e) && e.permission_level === "IS_OWNER",
    ).length;
    if (owners > 1) {
      out.push({
        code: "semantic.acl-owner",
        path: "access_control_list",
        value: owners,
        message: "The job must have exactly one owner.",
        fix: "keep one IS_OWNER entry in access_control_list (use CAN_MANAGE for the others)",
      });
    }
  }
}

function checkWebhooks(value: unknown, path: string, out: RuleViolation[]): void {
  if (!isObj(value)) return;
  for (const event of WEBHOOK_EVENTS) {
    const list = value[event];
    if (Array.isArray(list) && list.length > 3) {
      out.push({
        code: "semantic.webhook-limit",
        path: `${path}.${event}`,
        value: list.length,
        message: `Too many webhook destinations for ${event}: ${list.length} given, at most 3 are allowed per event.`,
        fix: `keep at most 3 destinations in ${path}.${event}`,
      });
    }
  }
}

/** Every service rule the settings break (empty when the service would accept them). */
export function checkJobRules(settings: JobSettings): RuleViolation[] {
  if (!isObj(settings)) return [];
  const out: RuleViolation[] = [];
  checkJobLevel(settings, out);
  checkTasks(settings, out);
  checkJobClusters(settings, out);
  checkTriggers(settings, out);
  return out;
}
