/**
 * Canonical form of Jobs API 2.2 JobSettings, so that a job as written in a requirement and the same job as
 * read back from the service compare equal. Pure: no I/O.
 *
 * Every field-specific decision comes from the field-behaviour table (field-behaviour.ts, read through
 * field-rules.ts); this module only applies it:
 * - output-only and input-only fields are dropped;
 * - a server default with a literal value is dropped on both sides when the field holds that value (so leaving it
 *   out and writing the default compare equal, and a contradicting value stays visible); `explicit` defaults
 *   (task `source`, which follows `git_source`) are written in instead, so a change of their condition shows up;
 * - case-insensitive values take their canonical spelling;
 * - unordered arrays are sorted (by their key, else by canonical JSON); objects get sorted keys;
 * - `null`, empty arrays and empty objects are dropped ("absent and empty are the same"), except objects whose
 *   mere presence means something (`meaningful_when_empty` rows: `continuous: {}`, task-type objects, ...).
 * Values that are defaults only in the service's own choosing (`"any"` rows, e.g. `aws_attributes.zone_id`) are
 * not touched here: the diff (diff.ts) skips them when the requirement does not name the field.
 * Everything else is kept as written: `max_concurrent_runs: 0`, `"7"` vs `7` stay distinct.
 */
import type { JobSettings, JsonObject } from "./model.js";
import { canonicalJson, sortKeysDeep } from "./hash.js";
import {
  childPath,
  conditionHolds,
  defaultsUnder,
  isClusterPath,
  isObject,
  rulesAt,
  rulesOfKind,
  type ConditionContext,
} from "./field-rules.js";

export { KEYED_ARRAYS } from "./field-rules.js";

export interface NormalizeOptions {
  /** The job's creator (jobs/get `creator_user_name`): `run_as: {user_name: <creator>}` is the service default. */
  creatorUserName?: string;
  /** Jobs created through API 2.2 queue by default, so `queue: {enabled: true}` equals absent. Default true. */
  queueEnabledByDefault?: boolean;
}

export function isPlainObject(value: unknown): value is JsonObject {
  return isObject(value);
}

function meaningfulWhenEmpty(path: string): boolean {
  return rulesOfKind(path, "meaningful_when_empty").length > 0;
}

/** Deep copy without null/undefined, empty arrays and (non-significant) empty objects. */
function prune(value: unknown, path = ""): unknown {
  if (Array.isArray(value)) {
    const items = value
      .filter((v) => v !== undefined && v !== null)
      .map((v) => prune(v, `${path}[*]`))
      .filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      const p = prune(v, childPath(path, k));
      if (p !== undefined) out[k] = p;
    }
    if (Object.keys(out).length === 0 && !meaningfulWhenEmpty(path)) return undefined;
    return out;
  }
  return value;
}

/** Sort key of an array element: by its key field(s) when it has them, else by its canonical JSON. */
function sortKeyOf(item: unknown, key: string | readonly string[] | undefined): string {
  const fields = key === undefined ? [] : typeof key === "string" ? [key] : key;
  if (isObject(item) && fields.length > 0) {
    const first = item[fields[0]];
    if (typeof first === "string" || typeof first === "number")
      return `0${fields.map((f) => String(item[f] ?? "")).join("\u0000")}`;
  }
  return `1${canonicalJson(item)}`;
}

export function sortUnordered(items: unknown[], key: string | readonly string[] | undefined): unknown[] {
  return items
    .map((item) => ({ item, k: sortKeyOf(item, key) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.item);
}

interface Walk {
  root: JsonObject;
  options: NormalizeOptions;
}

/** The value the table's default stands for: literal, the creator as `{user_name}`, or undefined for "any". */
export function defaultValue(value: unknown, creator: string | undefined): unknown {
  if (value === "any") return undefined;
  if (value === "creator") return creator === undefined ? undefined : { user_name: creator };
  return value;
}

function applyFieldRules(
  holder: JsonObject,
  key: string,
  path: string,
  walk: Walk,
  cluster?: JsonObject,
): void {
  const ctx: ConditionContext = {
    root: walk.root,
    holder,
    cluster,
    createdWith22: walk.options.queueEnabledByDefault !== false,
  };
  for (const rule of rulesAt(path)) {
    if (!(key in holder)) return;
    const v = holder[key];
    if (rule.kind === "input_only" || (rule.kind === "output_only" && rule.scope === "settings")) {
      delete holder[key];
    } else if (rule.kind === "case_insensitive" && typeof v === "string") {
      holder[key] = rule.canonical.find((c) => c.toLowerCase() === v.toLowerCase()) ?? v;
    } else if (rule.kind === "server_default" && !rule.explicit && conditionHolds(rule.when, ctx)) {
      const d = defaultValue(rule.value, walk.options.creatorUserName);
      if (d !== undefined && canonicalJson(v) === canonicalJson(d)) delete holder[key];
    }
  }
}

function fillExplicit(holder: JsonObject, path: string, walk: Walk, cluster?: JsonObject): void {
  for (const { key, rule } of defaultsUnder(path)) {
    if (!rule.explicit || key in holder) continue;
    const ctx = {
      root: walk.root,
      holder,
      cluster,
      createdWith22: walk.options.queueEnabledByDefault !== false,
    };
    if (conditionHolds(rule.when, ctx)) holder[key] = rule.value;
  }
}

function normalizeNode(value: unknown, path: string, walk: Walk, cluster?: JsonObject): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalizeNode(v, `${path}[*]`, walk, cluster));
    const order = rulesOfKind(path, "unordered").find((r) => !r.map);
    return order ? sortUnordered(items, order.key) : items;
  }
  if (!isObject(value)) return value;
  const here = isClusterPath(path) ? value : cluster;
  fillExplicit(value, path, walk, here);
  for (const key of Object.keys(value)) {
    const p = childPath(path, key);
    value[key] = normalizeNode(value[key], p, walk, here);
    applyFieldRules(value, key, p, walk, here);
  }
  return value;
}

/**
 * Applies the service's read-back behaviour (the field-behaviour table) so equal jobs compare equal.
 * Idempotent: normalizeJobSettings(normalizeJobSettings(x)) deep-equals normalizeJobSettings(x).
 */
export function normalizeJobSettings(settings: JobSettings, options: NormalizeOptions = {}): JobSettings {
  const s = (prune(settings ?? {}) ?? {}) as JsonObject; // prune builds a fresh deep copy
  if (isObject(s.schedule) && typeof s.schedule.quartz_cron_expression === "string") {
    s.schedule.quartz_cron_expression = s.schedule.quartz_cron_expression.trim().split(/\s+/).join(" ");
  }
  normalizeNode(s, "", { root: s, options });
  return sortKeysDeep(prune(s) ?? {}) as JobSettings;
}
