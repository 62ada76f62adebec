/**
 * Review hints that look at an update's field changes (cluster size before → after) or across the plan's jobs
 * (many schedules at the same minute). Part of review-hints.ts. Pure.
 */
import type { FieldChange, JobChange, JobSettings } from "./model.js";
import { splitPath } from "./render-yaml.js";

export interface Hint {
  rule: string;
  path: string;
  message: string;
  value?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

const SIZE_FIELD =
  /^new_cluster\.(num_workers|node_type_id|driver_node_type_id|instance_pool_id|autoscale(\.(min|max)_workers)?)$/;

function clusterOf(s: JobSettings, group: string): Obj | undefined {
  const [kind, ...rest] = group.startsWith("job cluster ")
    ? ["job", group.slice(12)]
    : ["task", group.slice(5)];
  const key = rest.join(" ");
  const entries: unknown[] = kind === "job" ? (s.job_clusters ?? []) : (s.tasks ?? []);
  const entry = entries.find((e) => isObj(e) && (kind === "job" ? e.job_cluster_key : e.task_key) === key) as
    Obj | undefined;
  return isObj(entry?.new_cluster) ? entry.new_cluster : undefined;
}

/** "2 × i3.xlarge", "2–8 × i3.xlarge" (autoscale), "0 × …" (single node). */
export function clusterSize(c: Obj): string {
  const auto = isObj(c.autoscale) ? c.autoscale : undefined;
  const workers = auto
    ? `${String(auto.min_workers ?? "?")}–${String(auto.max_workers ?? "?")}`
    : String(c.num_workers ?? 0);
  const node =
    typeof c.node_type_id === "string"
      ? c.node_type_id
      : typeof c.instance_pool_id === "string"
        ? `pool ${c.instance_pool_id}`
        : "(policy default)";
  const driver =
    typeof c.driver_node_type_id === "string" && c.driver_node_type_id !== c.node_type_id
      ? ` + driver ${c.driver_node_type_id}`
      : "";
  return `${workers} × ${node}${driver}`;
}

function setIn(target: Obj, dotted: string, value: unknown): void {
  const parts = dotted.split(".");
  let at = target;
  for (const part of parts.slice(0, -1)) {
    if (!isObj(at[part])) at[part] = {};
    at = at[part] as Obj;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
}

/** `cluster-cost`: each cluster whose size fields change, workers × node type before → after. */
export function clusterCost(change: JobChange): Hint[] {
  if (!change.desired) return [];
  const groups = new Map<string, FieldChange[]>();
  for (const f of change.fields) {
    const { group, field } = splitPath(f.path);
    if (group === "job" || !SIZE_FIELD.test(field)) continue;
    groups.set(group, [...(groups.get(group) ?? []), f]);
  }
  const hints: Hint[] = [];
  for (const [group, fields] of groups) {
    const after = clusterOf(change.desired, group);
    if (!after) continue;
    const before = structuredClone(after);
    for (const f of fields)
      setIn(
        before,
        splitPath(f.path).field.slice("new_cluster.".length),
        f.kind === "add" ? undefined : f.before,
      );
    const from = clusterSize(before);
    const to = clusterSize(after);
    if (from === to) continue;
    hints.push({ rule: "cluster-cost", path: fields[0].path, message: `${group}: ${from} → ${to}` });
  }
  return hints;
}

function startMinute(s: JobSettings): { key: string; when: string } | undefined {
  const sch = s.schedule;
  if (!isObj(sch) || sch.pause_status === "PAUSED" || typeof sch.quartz_cron_expression !== "string")
    return undefined;
  const [sec, min, hour] = sch.quartz_cron_expression.trim().split(/\s+/);
  if (!/^\d+$/.test(sec ?? "") || !/^\d+$/.test(min ?? "")) return undefined;
  const tz = typeof sch.timezone_id === "string" ? sch.timezone_id : "UTC";
  const mm = String(Number(min)).padStart(2, "0");
  const when = /^\d+$/.test(hour ?? "")
    ? `${String(Number(hour)).padStart(2, "0")}:${mm} ${tz}`
    : `minute ${mm} of hours "${hour}" ${tz}`;
  return { key: `${Number(min)}|${hour}|${tz}`, when };
}

/** `schedule-same-minute`: jobs of the plan starting at the same minute, when at least `limit` of them do. */
export function sameMinute(changes: readonly JobChange[], limit: number): Map<string, Hint[]> {
  const groups = new Map<string, { when: string; jobs: JobChange[] }>();
  for (const change of changes) {
    if (!change.desired || change.op === "delete" || change.op === "run") continue;
    const start = startMinute(change.desired);
    if (!start) continue;
    const g = groups.get(start.key) ?? { when: start.when, jobs: [] };
    g.jobs.push(change);
    groups.set(start.key, g);
  }
  const out = new Map<string, Hint[]>();
  for (const { when, jobs } of groups.values()) {
    if (jobs.length < limit) continue;
    for (const change of jobs) {
      if (change.op !== "create" && change.op !== "update") continue;
      const others = jobs.filter((j) => j !== change).map((j) => j.jobName);
      out.set(change.taskId, [
        {
          rule: "schedule-same-minute",
          path: "schedule.quartz_cron_expression",
          message: `${jobs.length} jobs of this plan start at ${when}: this one and ${others.slice(0, 4).join(", ")}${others.length > 4 ? ` and ${others.length - 4} more` : ""}`,
        },
      ]);
    }
  }
  return out;
}
