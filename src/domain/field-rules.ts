/**
 * Lookups over the field-behaviour table (field-behaviour.ts): macro expansion, path matching and the conditions
 * under which the service fills a default. Pure; the only place that interprets the table.
 */
import { escapeRegExp } from "./regexp.js";
import { FIELD_BEHAVIOURS, type Condition, type FieldBehaviour } from "./field-behaviour.js";

export type Rule = FieldBehaviour;
export type ServerDefault = Extract<FieldBehaviour, { kind: "server_default" }>;
export type UnorderedRule = Extract<FieldBehaviour, { kind: "unordered" }>;

const TASKS = ["tasks[*]", "tasks[*].for_each_task.task"];
const CLUSTERS = ["job_clusters[*].new_cluster", ...TASKS.map((t) => `${t}.new_cluster`), "new_cluster"];

/** `<task>` / `<cluster>` expanded into concrete paths. */
export function expandPath(path: string): string[] {
  if (path.startsWith("<task>")) return TASKS.map((t) => t + path.slice("<task>".length));
  if (path.startsWith("<cluster>")) return CLUSTERS.map((c) => c + path.slice("<cluster>".length));
  return [path];
}

interface Compiled {
  exact: Map<string, Rule[]>;
  patterns: Array<{ re: RegExp; rule: Rule }>;
}

function compile(rules: readonly Rule[]): Compiled {
  const exact = new Map<string, Rule[]>();
  const patterns: Compiled["patterns"] = [];
  for (const rule of rules) {
    for (const path of expandPath(rule.path)) {
      if (!path.includes("*_") && !/\.\*$/.test(path)) {
        exact.set(path, [...(exact.get(path) ?? []), rule]);
        continue;
      }
      const source = path
        .split(/(\[\*\]|\.\*_task|^\*_task|\.\*)/)
        .map((part) =>
          part === "[*]"
            ? "\\[\\*\\]"
            : part === ".*_task" || part === "*_task"
              ? `${part.startsWith(".") ? "\\." : ""}[A-Za-z0-9_]*_task`
              : part === ".*"
                ? "\\.[^.[]+"
                : escapeRegExp(part),
        )
        .join("");
      patterns.push({ re: new RegExp(`^${source}$`), rule });
    }
  }
  return { exact, patterns };
}

const COMPILED = compile(FIELD_BEHAVIOURS);
const memo = new Map<string, Rule[]>();

/** Every rule that applies at a concrete path such as `job_clusters[*].new_cluster.aws_attributes.zone_id`. */
export function rulesAt(path: string): Rule[] {
  const hit = memo.get(path);
  if (hit) return hit;
  const found = [...(COMPILED.exact.get(path) ?? [])];
  for (const { re, rule } of COMPILED.patterns) if (re.test(path)) found.push(rule);
  memo.set(path, found);
  return found;
}

export function rulesOfKind<K extends Rule["kind"]>(
  path: string,
  kind: K,
): Array<Extract<Rule, { kind: K }>> {
  return rulesAt(path).filter((r): r is Extract<Rule, { kind: K }> => r.kind === kind);
}

/** Server-default rules whose field is a direct member of the object at `parentPath` (for filling absent fields). */
const underMemo = new Map<string, Array<{ key: string; rule: ServerDefault }>>();

export function defaultsUnder(parentPath: string): Array<{ key: string; rule: ServerDefault }> {
  const hit = underMemo.get(parentPath);
  if (hit) return hit;
  const out: Array<{ key: string; rule: ServerDefault }> = [];
  for (const [path, rules] of COMPILED.exact) {
    const dot = path.lastIndexOf(".");
    const parent = dot < 0 ? "" : path.slice(0, dot);
    if (parent !== parentPath) continue;
    for (const rule of rules)
      if (rule.kind === "server_default") out.push({ key: path.slice(dot + 1), rule });
  }
  underMemo.set(parentPath, out);
  return out;
}

/** Top-level arrays whose entries are matched by a key field (tasks by task_key, ...), from the table. */
export const KEYED_ARRAYS: Readonly<Record<string, string>> = Object.fromEntries(
  FIELD_BEHAVIOURS.filter(
    (r): r is UnorderedRule => r.kind === "unordered" && typeof r.key === "string" && !r.path.includes("."),
  ).map((r) => [r.path, r.key as string]),
);

/** AWS node type ids look like `i3.xlarge`; Azure `Standard_…`; GCP `n2-highmem-4`. */
export function cloudOfNodeType(nodeTypeId: unknown): "aws" | "azure" | "gcp" | undefined {
  if (typeof nodeTypeId !== "string") return undefined;
  if (nodeTypeId.startsWith("Standard_")) return "azure";
  if (/^[a-z]\d[a-z]*-[a-z]+(-\d+)?/.test(nodeTypeId)) return "gcp";
  if (/^[a-z0-9]+\.[a-z0-9]+$/.test(nodeTypeId)) return "aws";
  return undefined;
}

export interface ConditionContext {
  /** The whole job settings. */
  root: Record<string, unknown>;
  /** The object holding the field. */
  holder: Record<string, unknown>;
  /** The nearest enclosing cluster spec, when the field is inside one. */
  cluster?: Record<string, unknown>;
  /** Jobs created through API 2.2 queue by default. */
  createdWith22: boolean;
}

export function conditionHolds(when: Condition | undefined, ctx: ConditionContext): boolean {
  const cluster = ctx.cluster ?? {};
  const sparkVersion = typeof cluster.spark_version === "string" ? cluster.spark_version : "";
  switch (when ?? "always") {
    case "always":
      return true;
    case "aws":
    case "azure":
    case "gcp":
      return cloudOfNodeType(cluster.node_type_id) === when;
    case "classic":
      return ctx.cluster !== undefined;
    case "no_autoscale":
      return ctx.holder.autoscale === undefined || ctx.holder.autoscale === null;
    case "git_source":
      return isObject(ctx.root.git_source);
    case "no_git_source":
      return !isObject(ctx.root.git_source);
    case "created_with_2_2":
      return ctx.createdWith22;
    case "single_user":
      return cluster.data_security_mode === "SINGLE_USER";
    case "node_type":
      return typeof cluster.node_type_id === "string";
    case "photon":
      return ctx.cluster !== undefined && sparkVersion.includes("-photon-");
    case "not_photon":
      return ctx.cluster !== undefined && !sparkVersion.includes("-photon-");
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `a.b`, `a[*]`: the path of a member / an array element. */
export function childPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/** True when `path` is a cluster spec (`job_clusters[*].new_cluster`, `tasks[*].new_cluster`, ...). */
export function isClusterPath(path: string): boolean {
  return CLUSTERS.includes(path);
}
