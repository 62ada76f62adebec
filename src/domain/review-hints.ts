/**
 * Review hints: the rule table of review-rules.ts applied to a plan's created and updated jobs. A hint is a
 * warning (`review.<rule-id>`) unless the repository's config lists its rule under `review.blocking`; rules under
 * `review.ignore` are not evaluated. Pure: the clock and the team's time zone come in as options.
 */
import type { Diagnostic, FieldChange, JobChange, JobSettings } from "./model.js";
import { REVIEW_RULES, RUNTIME_SUPPORT, reviewRule } from "./review-rules.js";
import { clusterCost, sameMinute, type Hint } from "./review-cost.js";

export interface ReviewOptions {
  now: Date;
  /** The team's default schedule time zone (`review.timezone`); without it the time-zone rule is off. */
  timezone?: string;
  /** Jobs of the plan starting at the same minute before `schedule-same-minute` fires (default 5). */
  sameMinuteLimit?: number;
  /** Rule ids whose hints are errors (`review.blocking`). */
  blocking?: readonly string[];
  /** Rule ids not evaluated (`review.ignore`). */
  ignore?: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const tasksOf = (s: JobSettings): Obj[] => (Array.isArray(s.tasks) ? s.tasks.filter(isObj) : []);
const keyOf = (t: Obj): string => String(t.task_key ?? "");
const list = (keys: string[], max = 5): string =>
  keys.slice(0, max).join(", ") + (keys.length > max ? ` and ${keys.length - max} more` : "");

/** Words in a task's key, code path or type that say it talks to a system outside Databricks. */
const EXTERNAL =
  /(ingest|extract|api|http|rest|fetch|download|upload|s?ftp|kafka|jdbc|salesforce|export|sync|webhook|external|vendor|partner|crm)/i;

function callsExternal(task: Obj): boolean {
  if (task.dbt_task !== undefined) return true;
  const paths = [keyOf(task), JSON.stringify(task.notebook_task ?? task.spark_python_task ?? "")];
  return paths.some((p) => EXTERNAL.test(p));
}

function isScheduled(s: JobSettings): boolean {
  const paused = (v: unknown) => isObj(v) && v.pause_status === "PAUSED";
  return (
    (s.schedule !== undefined && !paused(s.schedule)) ||
    (s.trigger !== undefined && !paused(s.trigger)) ||
    (s.continuous !== undefined && !paused(s.continuous))
  );
}

function noRetries(s: JobSettings): Hint[] {
  if (s.continuous !== undefined) return []; // continuous jobs retry through continuous.task_retry_mode
  const bare = tasksOf(s).filter(
    (t) => t.condition_task === undefined && !(Number(t.max_retries) !== 0 && t.max_retries !== undefined),
  );
  if (bare.length === 0) return [];
  const external = bare.filter(callsExternal).map(keyOf);
  const others = bare.map(keyOf).filter((k) => !external.includes(k));
  const first = external[0] ?? others[0];
  const what = [
    external.length > 0 ? `${list(external)} (calling an external system)` : "",
    others.length > 0 ? list(others) : "",
  ].filter(Boolean);
  return [
    {
      rule: "no-retries",
      path: `tasks[${first}].max_retries`,
      message: `${bare.length === 1 ? "task" : `${bare.length} tasks`} without retries: ${what.join("; ")}`,
    },
  ];
}

function noTimeout(s: JobSettings): Hint[] {
  if (Number(s.timeout_seconds ?? 0) > 0 || s.continuous !== undefined) return [];
  const bare = tasksOf(s).filter((t) => !(Number(t.timeout_seconds ?? 0) > 0));
  if (bare.length === 0) return [];
  return [
    {
      rule: "no-timeout",
      path: "timeout_seconds",
      message: `no timeout on the job nor on ${bare.length === 1 ? "task" : "tasks"} ${list(bare.map(keyOf))}`,
    },
  ];
}

function hasOnFailure(o: unknown): boolean {
  if (!isObj(o)) return false;
  const has = (n: unknown) => isObj(n) && Array.isArray(n.on_failure) && n.on_failure.length > 0;
  return has(o.email_notifications) || has(o.webhook_notifications);
}

function noFailureNotification(s: JobSettings): Hint[] {
  if (hasOnFailure(s) || tasksOf(s).some(hasOnFailure)) return [];
  return [
    {
      rule: "no-failure-notification",
      path: "email_notifications.on_failure",
      message: "no one is notified when a run fails (no on_failure email or webhook on the job or its tasks)",
    },
  ];
}

function clusters(s: JobSettings): Array<{ path: string; cluster: Obj }> {
  const out: Array<{ path: string; cluster: Obj }> = [];
  for (const jc of Array.isArray(s.job_clusters) ? s.job_clusters : [])
    if (isObj(jc.new_cluster))
      out.push({ path: `job_clusters[${jc.job_cluster_key}].new_cluster`, cluster: jc.new_cluster });
  for (const t of tasksOf(s))
    if (isObj(t.new_cluster)) out.push({ path: `tasks[${keyOf(t)}].new_cluster`, cluster: t.new_cluster });
  return out;
}

const DAY = 86_400_000;

/** Why a runtime key is past (or near) end of support, from RUNTIME_SUPPORT; undefined when it is supported. */
export function runtimeSupportProblem(key: string, now: Date): string | undefined {
  const m = /^(\d+)\.(\d+)\.x-/.exec(key);
  if (!m) return undefined;
  const version = `${m[1]}.${m[2]}`;
  const num = Number(m[1]) * 1000 + Number(m[2]);
  const numOf = (v: string) => Number(v.split(".")[0]) * 1000 + Number(v.split(".")[1]);
  const lts = RUNTIME_SUPPORT.lts.find((r) => r.version === version);
  if (lts) {
    const end = Date.parse(lts.endOfSupport);
    if (end < now.getTime()) return `${version} LTS reached end of support on ${lts.endOfSupport}`;
    if (end - now.getTime() < 90 * DAY) return `${version} LTS reaches end of support on ${lts.endOfSupport}`;
    return undefined;
  }
  // A non-LTS release older than an LTS released more than six months ago is past its six months of support.
  const later = RUNTIME_SUPPORT.lts.find(
    (r) => numOf(r.version) > num && Date.parse(r.released) + 183 * DAY < now.getTime(),
  );
  if (later || num < numOf(RUNTIME_SUPPORT.lts[RUNTIME_SUPPORT.lts.length - 1].version))
    return `${version} is not a long-term support release and is older than ${later ? `${later.version} LTS` : "every supported LTS"}; non-LTS releases are supported for six months`;
  return undefined;
}

function runtimes(s: JobSettings, now: Date): Hint[] {
  const hints: Hint[] = [];
  for (const { path, cluster } of clusters(s)) {
    const key = cluster.spark_version;
    if (typeof key !== "string" || key.includes("{{")) continue;
    if (/^auto:|latest/i.test(key))
      hints.push({
        rule: "runtime-unpinned",
        path: `${path}.spark_version`,
        value: key,
        message: `spark_version "${key}" is not pinned`,
      });
    const problem = runtimeSupportProblem(key, now);
    if (problem)
      hints.push({
        rule: "runtime-end-of-support",
        path: `${path}.spark_version`,
        value: key,
        message: `Databricks Runtime ${problem}`,
      });
  }
  return hints;
}

function allPurpose(s: JobSettings): Hint[] {
  if (!isScheduled(s)) return [];
  const keys = tasksOf(s)
    .filter((t) => typeof t.existing_cluster_id === "string")
    .map(keyOf);
  if (keys.length === 0) return [];
  return [
    {
      rule: "all-purpose-compute",
      path: `tasks[${keys[0]}].existing_cluster_id`,
      message: `scheduled job runs ${keys.length === 1 ? "task" : "tasks"} ${list(keys)} on an all-purpose cluster (existing_cluster_id)`,
    },
  ];
}

const show = (v: unknown): string =>
  v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v);

function categoryChanges(fields: readonly FieldChange[]): Hint[] {
  const hints: Hint[] = [];
  const runAs = fields.filter((f) => f.category === "run_as");
  if (runAs.length > 0) {
    const side = (key: "before" | "after") =>
      runAs.flatMap((f) => (f[key] === undefined ? [] : [show(f[key])])).join(", ") || "(the job's owner)";
    hints.push({
      rule: "run-as-change",
      path: runAs[0].path,
      message: `run_as changes: ${side("before")} → ${side("after")}`,
    });
  }
  for (const f of fields)
    if (f.category === "permissions")
      hints.push({
        rule: "permission-change",
        path: f.path,
        message: `permissions change: ${show(f.before)} → ${show(f.after)}`,
      });
  return hints;
}

const UTC = new Set(["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z"]);
function timezone(s: JobSettings, team: string | undefined): Hint[] {
  const tz = isObj(s.schedule) ? s.schedule.timezone_id : undefined;
  if (!team || typeof tz !== "string" || tz === team || (UTC.has(tz) && UTC.has(team))) return [];
  return [
    {
      rule: "schedule-timezone",
      path: "schedule.timezone_id",
      value: tz,
      message: `schedule in ${tz}, the team default is ${team}`,
    },
  ];
}

/** Java zone ids that read like a region's time but are fixed offsets without daylight saving. */
const FIXED_OFFSET_ABBREVIATIONS = new Set(["EST", "MST"]);
function fixedOffset(s: JobSettings): Hint[] {
  const tz = isObj(s.schedule) ? s.schedule.timezone_id : undefined;
  if (typeof tz !== "string" || !FIXED_OFFSET_ABBREVIATIONS.has(tz)) return [];
  return [
    {
      rule: "timezone-fixed-offset",
      path: "schedule.timezone_id",
      value: tz,
      message: `schedule in ${tz}, a fixed offset with no daylight saving`,
    },
  ];
}

function hintsOf(change: JobChange, options: ReviewOptions): Hint[] {
  const s = change.desired;
  if (!s || (change.op !== "create" && change.op !== "update")) return [];
  return [
    ...noRetries(s),
    ...noTimeout(s),
    ...noFailureNotification(s),
    ...runtimes(s, options.now),
    ...allPurpose(s),
    ...categoryChanges(change.fields),
    ...timezone(s, options.timezone),
    ...fixedOffset(s),
    ...(change.op === "update" ? clusterCost(change) : []),
  ];
}

/** The review hints of each created / updated job, as diagnostics (task id → hints), in rule-table order. */
export function reviewHints(
  changes: readonly JobChange[],
  options: ReviewOptions,
): Map<string, Diagnostic[]> {
  const ignore = new Set(options.ignore ?? []);
  const blocking = new Set(options.blocking ?? []);
  const same = sameMinute(changes, options.sameMinuteLimit ?? 5);
  const out = new Map<string, Diagnostic[]>();
  const order = (h: Hint) => REVIEW_RULES.findIndex((r) => r.id === h.rule);
  for (const change of changes) {
    const hints = [...hintsOf(change, options), ...(same.get(change.taskId) ?? [])]
      .filter((h) => !ignore.has(h.rule))
      .sort((a, b) => order(a) - order(b));
    if (hints.length === 0) continue;
    out.set(
      change.taskId,
      hints.map((h) => toDiagnostic(change, h, blocking.has(h.rule))),
    );
  }
  return out;
}

function toDiagnostic(change: JobChange, hint: Hint, blocking: boolean): Diagnostic {
  const rule = reviewRule(hint.rule);
  return {
    severity: blocking ? "error" : "warning",
    code: `review.${hint.rule}`,
    file: change.requirement,
    path: hint.path,
    ...(hint.value !== undefined ? { value: hint.value } : {}),
    message: hint.message,
    fix: rule?.fix ?? "",
    see: rule ? [`${rule.title} <${rule.docs}>`] : [],
  };
}

/** The rule id of a review hint diagnostic (`review.no-retries` → `no-retries`), else undefined. */
export function hintRule(d: Pick<Diagnostic, "code">): string | undefined {
  return d.code.startsWith("review.") ? d.code.slice("review.".length) : undefined;
}
