/**
 * Pure helpers on job settings as the service treats them: the defaults it fills in on write and the order it reads
 * back in (both from the field-behaviour table), the jobs/update merge, fields_to_remove, and the 100-element paging
 * of array fields on jobs/get (API 2.2).
 */
import type { JobSettings, JsonObject } from "../../domain/model.js";
import { FIELD_BEHAVIOURS, PAGED_ARRAYS, PAGE_SIZE } from "../../domain/field-behaviour.js";
import {
  childPath,
  conditionHolds,
  defaultsUnder,
  isClusterPath,
  rulesOfKind,
  type ServerDefault,
} from "../../domain/field-rules.js";
import { sortUnordered } from "../../domain/normalize.js";
import { invalidParameter } from "./errors.js";

export { PAGE_SIZE } from "../../domain/field-behaviour.js";

/** How the local workspace reads jobs back: like the real service (default) or as an echo of what was sent. */
export type Fidelity = "realistic" | "echo";

export interface StoreOptions {
  /** The job was created through API 2.2 (queueing on by default). */
  queueDefault: boolean;
  /** The job's creator (run_as default). */
  creator: string;
  fidelity: Fidelity;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What the service stores for an absent field under this rule, or undefined when it stores nothing we can name. */
function fillOf(rule: ServerDefault, creator: string): unknown {
  const value = "fill" in rule ? rule.fill : rule.value;
  if (value === "any") return undefined;
  if (value === "creator") return { user_name: creator };
  return value;
}

function fillNode(
  node: JsonObject,
  path: string,
  walk: { root: JsonObject; options: StoreOptions },
  cluster?: JsonObject,
): void {
  const here = isClusterPath(path) ? node : cluster;
  for (const { key, rule } of defaultsUnder(path)) {
    if (node[key] !== undefined) continue;
    const ctx = { root: walk.root, holder: node, cluster: here, createdWith22: walk.options.queueDefault };
    if (!conditionHolds(rule.when, ctx)) continue;
    const value = fillOf(rule, walk.options.creator);
    if (value !== undefined) node[key] = structuredClone(value);
  }
  for (const [key, value] of Object.entries(node)) {
    const p = childPath(path, key);
    if (rulesOfKind(p, "input_only").length > 0) delete node[key];
    else if (isObject(value)) fillNode(value, p, walk, here);
    else if (Array.isArray(value))
      for (const item of value) if (isObject(item)) fillNode(item, `${p}[*]`, walk, here);
  }
}

/**
 * The settings as the service stores them, driven by the field-behaviour table (domain/field-behaviour.ts):
 * input-only fields dropped, output-only `format` set, every server default the table gives a value for filled in
 * where the job leaves it out (job, tasks, cluster specs and the members of partially written cloud blocks).
 * Echo fidelity stores the settings as sent. Idempotent.
 */
export function applyServerDefaults(settings: JobSettings, options: StoreOptions): JobSettings {
  const out = structuredClone(settings) as JsonObject;
  delete out.access_control_list;
  if (options.fidelity === "echo") return out as JobSettings;
  for (const rule of FIELD_BEHAVIOURS)
    if (rule.kind === "output_only" && rule.scope === "settings" && rule.fill !== undefined)
      out[rule.path] = rule.fill;
  fillNode(out, "", { root: out, options });
  return out as JobSettings;
}

function reorderNode(value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => reorderNode(v, `${path}[*]`));
    const rule = rulesOfKind(path, "unordered").find((r) => !r.map);
    if (!rule) return items;
    return rule.readOrder === "sorted" ? sortUnordered(items, rule.key) : items.reverse();
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (rulesOfKind(path, "unordered").some((r) => r.map)) keys.reverse();
  const out: JsonObject = {};
  for (const key of keys) out[key] = reorderNode(value[key], childPath(path, key));
  return out;
}

/** The order the service answers in: unordered arrays sorted or reversed, maps with their keys reversed. */
export function readBackOrder(settings: JobSettings, fidelity: Fidelity): JobSettings {
  return fidelity === "echo" ? settings : (reorderNode(settings, "") as JobSettings);
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
