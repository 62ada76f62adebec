/**
 * Field-level diff of job settings, the minimal jobs/update body, and the service's update semantics.
 * Pure: no I/O.
 *
 * Paths are readable and stable: `schedule.quartz_cron_expression`, `tasks[ingest].new_cluster.num_workers`,
 * `tasks[old_task]` (a whole task added or removed), `job_clusters[etl].new_cluster.node_type_id`,
 * `parameters[catalog]`, `tags["cost center"]`. Entries of `tasks`, `job_clusters`, `parameters` and
 * `environments` are matched by their key; other arrays are compared as a whole (after normalisation has
 * sorted the order-insensitive ones) and reported as one change.
 */
import type { FieldChange, JobSettings, JsonObject } from "./model.js";
import { canonicalJson } from "./hash.js";
import { KEYED_ARRAYS, isPlainObject, normalizeJobSettings, type NormalizeOptions } from "./normalize.js";
import { rulesOfKind } from "./field-rules.js";

export type FieldCategory = FieldChange["category"];

export interface DiffOptions extends NormalizeOptions {
  /**
   * Ignore fields the service fills in with a value of its choosing when the desired settings leave them out
   * (default true): the field-behaviour table's `server_default` rows with value "any" (cloud attributes and their
   * members, `data_security_mode`, `enable_elastic_disk`, ...) and `run_as` naming the creator (or any `run_as`
   * when the creator is unknown; reset keeps a previous run_as anyway).
   */
  ignoreServerFilled?: boolean;
}

/** One path segment: an object member or a keyed array entry. */
type Segment = { kind: "field"; name: string } | { kind: "entry"; array: string; key: string };

function fieldSegment(name: string, first: boolean): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return first ? name : `.${name}`;
  return `[${JSON.stringify(name)}]`;
}

/** Renders segments as a readable path. */
export function formatPath(segments: readonly Segment[]): string {
  let out = "";
  segments.forEach((seg, i) => {
    if (seg.kind === "field") out += fieldSegment(seg.name, i === 0);
    else
      out += `${i === 0 ? seg.array : `.${seg.array}`}${/^[\w-]+$/.test(seg.key) ? `[${seg.key}]` : `[${JSON.stringify(seg.key)}]`}`;
  });
  return out;
}

const COMPUTE_FIELDS = new Set([
  "new_cluster",
  "existing_cluster_id",
  "job_cluster_key",
  "environment_key",
  "compute",
  "existing_cluster",
  "node_type_id",
  "driver_node_type_id",
  "num_workers",
  "autoscale",
  "policy_id",
  "instance_pool_id",
  "spark_version",
]);
const NOTIFICATION_FIELDS = new Set([
  "email_notifications",
  "webhook_notifications",
  "notification_settings",
  "health",
]);
const SCHEDULE_FIELDS = new Set(["schedule", "continuous", "trigger", "triggers"]);

function names(segments: readonly Segment[]): string[] {
  return segments.map((s) => (s.kind === "field" ? s.name : s.array));
}

/** Reviewer highlight class of a change at `segments`. */
function categoryOf(segments: readonly Segment[]): FieldCategory {
  const ns = names(segments);
  const first = ns[0];
  if (first === "access_control_list" || first === "permissions") return "permissions";
  if (first === "run_as" || first === "run_as_user_name") return "run_as";
  if (SCHEDULE_FIELDS.has(first)) return "schedule";
  if (NOTIFICATION_FIELDS.has(first)) return "notifications";
  if (first === "job_clusters" || first === "environments" || first === "performance_target")
    return "compute";
  if (COMPUTE_FIELDS.has(first)) return "compute"; // Jobs 2.0 single-task layout
  if (first === "tasks") {
    const rest = ns.slice(1);
    if (rest.some((n) => COMPUTE_FIELDS.has(n))) return "compute";
    if (rest.some((n) => NOTIFICATION_FIELDS.has(n))) return "notifications";
    return "tasks";
  }
  return "other";
}

/** Category of a rendered path such as `tasks[ingest].new_cluster.num_workers` (for callers holding only paths). */
export function categorizePath(path: string): FieldCategory {
  // bracketed keys are user data, not field names: strip them before looking at words
  const stripped = path.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, "");
  const fields = stripped.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return categoryOf(fields.map((name) => ({ kind: "field", name }) as Segment));
}

interface InternalChange {
  segments: Segment[];
  kind: FieldChange["kind"];
  before?: unknown;
  after?: unknown;
}

function keyOf(entry: unknown, keyField: string): string | undefined {
  if (!isPlainObject(entry)) return undefined;
  const k = entry[keyField];
  return typeof k === "string" || typeof k === "number" ? String(k) : undefined;
}

/** Entries by key, or undefined when an entry has no key or a key repeats (then the array is compared whole). */
function indexByKey(arr: unknown[], keyField: string): Map<string, unknown> | undefined {
  const map = new Map<string, unknown>();
  for (const entry of arr) {
    const k = keyOf(entry, keyField);
    if (k === undefined || map.has(k)) return undefined;
    map.set(k, entry);
  }
  return map;
}

/** The table path of a diff location: `tasks[*].new_cluster.aws_attributes.zone_id`. */
function rulePath(segments: readonly Segment[]): string {
  return segments
    .map((seg, i) =>
      seg.kind === "entry" ? `${i === 0 ? "" : "."}${seg.array}[*]` : `${i === 0 ? "" : "."}${seg.name}`,
    )
    .join("");
}

function isServerFilled(segments: readonly Segment[], actual: unknown, ctx: DiffContext): boolean {
  if (!ctx.ignoreServerFilled) return false;
  for (const rule of rulesOfKind(rulePath(segments), "server_default")) {
    if (rule.value === "any") return true;
    if (rule.value === "creator") {
      if (ctx.creatorUserName === undefined) return true;
      if (
        isPlainObject(actual) &&
        Object.keys(actual).length === 1 &&
        actual.user_name === ctx.creatorUserName
      )
        return true;
    }
  }
  return false;
}

interface DiffContext {
  ignoreServerFilled: boolean;
  creatorUserName?: string;
}

function diffValue(
  segments: Segment[],
  desired: unknown,
  actual: unknown,
  ctx: DiffContext,
  out: InternalChange[],
): void {
  if (desired === undefined && actual === undefined) return;
  const last = segments[segments.length - 1];
  const keyField = segments.length === 1 && last.kind === "field" ? KEYED_ARRAYS[last.name] : undefined;
  if (
    keyField &&
    (Array.isArray(desired) || desired === undefined) &&
    (Array.isArray(actual) || actual === undefined)
  ) {
    // keyed arrays: a missing array is an empty one, so entries show up one by one (`tasks[a]`)
    const d = indexByKey((desired as unknown[] | undefined) ?? [], keyField);
    const a = indexByKey((actual as unknown[] | undefined) ?? [], keyField);
    if (d && a) {
      const array = (last as { name: string }).name;
      const keys = [...new Set([...d.keys(), ...a.keys()])].sort();
      for (const k of keys) diffValue([{ kind: "entry", array, key: k }], d.get(k), a.get(k), ctx, out);
      return;
    }
  }
  if (desired === undefined) {
    if (!isServerFilled(segments, actual, ctx)) out.push({ segments, kind: "remove", before: actual });
    return;
  }
  if (actual === undefined) {
    out.push({ segments, kind: "add", after: desired });
    return;
  }
  if (isPlainObject(desired) && isPlainObject(actual)) {
    const keys = [...new Set([...Object.keys(desired), ...Object.keys(actual)])].sort();
    for (const k of keys)
      diffValue([...segments, { kind: "field", name: k }], desired[k], actual[k], ctx, out);
    return;
  }
  if (canonicalJson(desired) !== canonicalJson(actual))
    out.push({ segments, kind: "change", before: actual, after: desired });
}

function diffNormalized(desired: JsonObject, actual: JsonObject, options: DiffOptions): InternalChange[] {
  const out: InternalChange[] = [];
  const ctx: DiffContext = {
    ignoreServerFilled: options.ignoreServerFilled !== false,
    creatorUserName: options.creatorUserName,
  };
  diffValue([], desired, actual, ctx, out);
  return out;
}

function toFieldChange(c: InternalChange): FieldChange {
  const change: FieldChange = {
    path: formatPath(c.segments),
    kind: c.kind,
    category: categoryOf(c.segments),
  };
  if (c.kind !== "add") change.before = c.before;
  if (c.kind !== "remove") change.after = c.after;
  return change;
}

/**
 * Field-level diff of desired vs. actual (both normalised inside; `options.creatorUserName` applies to actual).
 * Tasks, job clusters, parameters and environments are matched by key; a renamed task key shows as
 * `tasks[old]` remove + `tasks[new]` add.
 */
export function diffJobSettings(
  desired: JobSettings,
  actual: JobSettings,
  options: DiffOptions = {},
): FieldChange[] {
  const nd = normalizeJobSettings(desired, { queueEnabledByDefault: options.queueEnabledByDefault });
  const na = normalizeJobSettings(actual, options);
  return diffNormalized(nd, na, options).map(toFieldChange);
}

/** The fields of a job to create (every field an add), from settings already normalised (normalizeJobSettings). */
export function diffFromNothing(normalizedDesired: JobSettings): FieldChange[] {
  return diffNormalized(normalizedDesired as JsonObject, normalizeJobSettings({}) as JsonObject, {}).map(
    toFieldChange,
  );
}

const WHOLE_ENTRY = /^(tasks|job_clusters)\[(?:"((?:[^"\\]|\\.)*)"|([^\]]*))\]$/;

/** A whole task (or job cluster) added or removed: `{array, key}` for paths like `tasks[ingest]`. */
export function wholeEntry(path: string): { array: string; key: string } | undefined {
  const m = WHOLE_ENTRY.exec(path);
  if (!m) return undefined;
  const key = m[2] !== undefined ? (JSON.parse(`"${m[2]}"`) as string) : m[3];
  return { array: m[1], key };
}

/**
 * Task keys that look renamed: a whole task removed and another added whose settings (without task_key and
 * depends_on) are identical. Returned as `{from, to}` pairs.
 */
export function taskRenames(fields: readonly FieldChange[]): Array<{ from: string; to: string }> {
  const strip = (task: unknown): string => {
    if (!isPlainObject(task)) return canonicalJson(task);
    const { task_key: _k, depends_on: _d, ...rest } = task;
    return canonicalJson(rest);
  };
  const removed = fields.filter((f) => f.kind === "remove" && wholeEntry(f.path)?.array === "tasks");
  const added = fields.filter((f) => f.kind === "add" && wholeEntry(f.path)?.array === "tasks");
  const used = new Set<FieldChange>();
  const pairs: Array<{ from: string; to: string }> = [];
  for (const r of removed) {
    const match = added.find((a) => !used.has(a) && strip(a.after) === strip(r.before));
    if (match) {
      used.add(match);
      pairs.push({ from: wholeEntry(r.path)!.key, to: wholeEntry(match.path)!.key });
    }
  }
  return pairs;
}

/**
 * True when the change loses run history the way a task_key rename does: at least one whole task is removed
 * while another is added in the same update (a rename, or a replacement under a new key). A plain removal of a
 * task the requirement no longer lists, or adding tasks, is not destructive; deleting a job is (the engine sets
 * that from the op).
 */
export function isDestructiveChange(fields: readonly FieldChange[]): boolean {
  const removed = fields.some((f) => f.kind === "remove" && wholeEntry(f.path)?.array === "tasks");
  const added = fields.some((f) => f.kind === "add" && wholeEntry(f.path)?.array === "tasks");
  return removed && added;
}

/** Top-level scalar fields whose removal is sent as the explicit default value (clearer than fields_to_remove). */
const SCALAR_DEFAULTS: Readonly<Record<string, unknown>> = { max_concurrent_runs: 1, timeout_seconds: 0 };

export interface UpdateRequest {
  new_settings: JobSettings;
  fields_to_remove: string[];
}

/**
 * Minimal jobs/update body turning `actual` into `desired`; undefined when nothing changes.
 * - changed top-level fields go into `new_settings` with the value as written in `desired`;
 * - for `tasks` / `job_clusters` only the changed or added entries (the service merges them by key), and
 *   `tasks/<key>` / `job_clusters/<key>` in `fields_to_remove` for removed ones;
 * - top-level fields in actual but not in desired go to `fields_to_remove` (except `max_concurrent_runs` and
 *   `timeout_seconds`, sent as their explicit defaults 1 and 0).
 * Exact: `diffJobSettings(desired, applyUpdateRequest(actual, request))` is empty.
 */
export function computeUpdateRequest(
  desired: JobSettings,
  actual: JobSettings,
  options: DiffOptions = {},
): UpdateRequest | undefined {
  const nd = normalizeJobSettings(desired, { queueEnabledByDefault: options.queueEnabledByDefault });
  const na = normalizeJobSettings(actual, options);
  const changes = diffNormalized(nd, na, options);
  if (changes.length === 0) return undefined;
  const raw = structuredClone(desired ?? {}) as JsonObject;
  const newSettings: JsonObject = {};
  const fieldsToRemove: string[] = [];
  const changedTop = new Set<string>();
  const changedEntries = new Map<string, Set<string>>();
  for (const c of changes) {
    const first = c.segments[0];
    if (first.kind === "entry") {
      const set = changedEntries.get(first.array) ?? new Set<string>();
      set.add(first.key);
      changedEntries.set(first.array, set);
    } else {
      changedTop.add(first.name);
    }
  }
  for (const [array, keys] of changedEntries) {
    const keyField = KEYED_ARRAYS[array];
    if (array === "tasks" || array === "job_clusters") {
      const desiredEntries = Array.isArray(raw[array]) ? (raw[array] as unknown[]) : [];
      const sent: unknown[] = [];
      for (const key of [...keys].sort()) {
        const entry = desiredEntries.find((e) => keyOf(e, keyField) === key);
        if (entry !== undefined) sent.push(entry);
        else fieldsToRemove.push(`${array}/${key}`);
      }
      if (sent.length > 0) newSettings[array] = sent;
    } else {
      changedTop.add(array); // parameters / environments are replaced as a whole
    }
  }
  for (const field of [...changedTop].sort()) {
    if (raw[field] !== undefined && raw[field] !== null) newSettings[field] = raw[field];
    else if (field in SCALAR_DEFAULTS) newSettings[field] = SCALAR_DEFAULTS[field];
    else fieldsToRemove.push(field);
  }
  return { new_settings: newSettings as JobSettings, fields_to_remove: fieldsToRemove };
}

const MERGED_ARRAYS: Readonly<Record<string, string>> = {
  tasks: "task_key",
  job_clusters: "job_cluster_key",
};

/**
 * Applies a jobs/update body exactly as the service documents it: every top-level field of `new_settings`
 * replaces the stored one wholesale, except `tasks` / `job_clusters`, merged by key (an entry sent replaces
 * the stored entry with that key completely; new keys are appended; others are kept). `fields_to_remove`
 * deletes top-level fields or single entries written `tasks/<task_key>` / `job_clusters/<job_cluster_key>`.
 * Throws (like a 400 from the service) for nested removal paths and for a field both set and removed.
 */
export function applyUpdateRequest(
  settings: JobSettings,
  update: { new_settings: JobSettings; fields_to_remove?: string[] },
): JobSettings {
  const out = structuredClone(settings ?? {}) as JsonObject;
  const newSettings = (update.new_settings ?? {}) as JsonObject;
  const removals = update.fields_to_remove ?? [];
  for (const field of removals) {
    const m = /^(tasks|job_clusters)\/(.+)$/.exec(field);
    if (m) {
      const [, array, key] = m;
      const sent = newSettings[array];
      if (Array.isArray(sent) && sent.some((e) => keyOf(e, MERGED_ARRAYS[array]) === key)) {
        throw new Error(
          `fields_to_remove has "${field}" but new_settings.${array} also sets ${MERGED_ARRAYS[array]} "${key}"; send one of them`,
        );
      }
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
      throw new Error(
        `fields_to_remove entry "${field}" is not supported: only top-level fields (e.g. "schedule") and "tasks/<task_key>", "job_clusters/<job_cluster_key>" can be removed`,
      );
    }
    if (newSettings[field] !== undefined) {
      throw new Error(`fields_to_remove has "${field}" but new_settings also sets it; send one of them`);
    }
  }
  for (const [field, value] of Object.entries(newSettings)) {
    if (value === undefined) continue;
    const keyField = MERGED_ARRAYS[field];
    if (keyField && Array.isArray(value)) {
      const merged = Array.isArray(out[field]) ? [...(out[field] as unknown[])] : [];
      for (const entry of value) {
        const k = keyOf(entry, keyField);
        const idx = k === undefined ? -1 : merged.findIndex((e) => keyOf(e, keyField) === k);
        if (idx >= 0) merged[idx] = structuredClone(entry);
        else merged.push(structuredClone(entry));
      }
      out[field] = merged;
    } else {
      out[field] = structuredClone(value);
    }
  }
  for (const field of removals) {
    const m = /^(tasks|job_clusters)\/(.+)$/.exec(field);
    if (m) {
      const [, array, key] = m;
      if (Array.isArray(out[array])) {
        out[array] = (out[array] as unknown[]).filter((e) => keyOf(e, MERGED_ARRAYS[array]) !== key);
        if ((out[array] as unknown[]).length === 0) delete out[array];
      }
    } else {
      delete out[field];
    }
  }
  return out as JobSettings;
}
