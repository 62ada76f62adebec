/**
 * Structured front matter → work items (deterministic; the LLM path handles prose).
 * Forms (docs/requirements.md): `job:`, `jobs: {<key>: …}`, a pasted bundle `resources: {jobs: {<key>: …}}`,
 * `update:`, `run:`, `delete:` (each an object or a list), plus `depends_on`, `priority`, `adopt`.
 */
import type {
  Diagnostic,
  Interpretation,
  JobSettings,
  JobTarget,
  WorkItem,
  ValidationContext,
} from "../../domain/model.js";
import { didYouMean, formatPath, joinPath } from "../../domain/schema.js";
import { PERMISSION_LEVELS, PRINCIPAL_FIELDS } from "../../domain/vocabulary.js";
import type { RequirementDoc } from "../types.js";

import { docLineOf } from "./frontmatter.js";
import { STABLE_ID, stableIdOf } from "./stable-id.js";
import { DUPLICATES_KEY, duplicatesLine, readDuplicates } from "./duplicates.js";

/** Documentation keys allowed at the top of the front matter (ignored by the agent). */
export const DOC_KEYS = ["title", "owner", "description", "labels"];
/** Keys with meaning to the agent. */
export const STRUCTURED_KEYS = [
  "job",
  "jobs",
  "resources",
  "update",
  "run",
  "delete",
  "depends_on",
  "priority",
  "adopt",
  "targets",
  "id",
  DUPLICATES_KEY,
];
/** Keys that make a requirement structured (each defines work items). */
export const ACTION_KEYS = ["job", "jobs", "resources", "update", "run", "delete"];
/** Bundle (databricks.yml) sections that are not Jobs API and cannot be applied here. */
const BUNDLE_SECTIONS = [
  "bundle",
  "variables",
  "include",
  "workspace",
  "artifacts",
  "sync",
  "permissions",
  "presets",
  "experimental",
  "run_as",
  "scripts",
];

const ITEM_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const UPDATE_KEYS = ["job", "set", "remove", "adopt", "key", "depends_on", "priority"];
const RUN_KEYS = ["job", "job_parameters", "only", "wait", "key", "depends_on", "priority"];
const DELETE_KEYS = ["job", "key", "depends_on", "priority"];
const TARGET_KEYS = ["job_id", "name", "tag", "code_path"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

interface Built {
  item: WorkItem;
  basePath: string;
}

interface Ctx {
  doc: RequirementDoc;
  lineOf: (path: string) => number | undefined;
  diagnostics: Diagnostic[];
}

function diag(
  ctx: Ctx,
  severity: Diagnostic["severity"],
  code: string,
  path: string,
  message: string,
  fix: string,
  value?: unknown,
): void {
  ctx.diagnostics.push({
    severity,
    code,
    file: ctx.doc.file,
    line: ctx.lineOf(path) ?? 1,
    path,
    ...(value === undefined ? {} : { value }),
    message: `${ctx.doc.file}:${ctx.lineOf(path) ?? 1}: ${message}`,
    fix,
  });
}

/** File name → item key (`jobs/orders-daily.md` → `orders-daily`). */
function keyFromFile(file: string): string {
  const base = file.split("/").pop() ?? file;
  return slug(base.replace(/\.md$/i, "")) || "job";
}

/** An item key made of a name (lower case; runs of other characters become `-`). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, 60);
}

function checkUnknownKeys(ctx: Ctx, block: Obj, allowed: string[], basePath: string, what: string): void {
  for (const key of Object.keys(block)) {
    if (allowed.includes(key)) continue;
    const suggestion = didYouMean(key, allowed);
    diag(
      ctx,
      "error",
      "requirement.unknown-key",
      joinPath(basePath, key),
      `unknown key '${key}' in ${what}`,
      suggestion
        ? `did you mean '${suggestion}'? Allowed keys: ${allowed.join(", ")}`
        : `remove it; allowed keys in ${what}: ${allowed.join(", ")}`,
      key,
    );
  }
}

/** Strings with bundle interpolation (`${var.x}`, `${resources.pipelines.p.id}`) cannot be applied by the Jobs API. */
function checkInterpolation(
  ctx: Ctx,
  value: unknown,
  segments: Array<string | number>,
  root: unknown,
  basePath: string,
): void {
  if (typeof value === "string") {
    const m = /\$\{[^}]*\}/.exec(value);
    if (m) {
      const p = joinPath(basePath, formatPath(segments, root));
      diag(
        ctx,
        "error",
        "requirement.bundle-interpolation",
        p,
        `${p} uses bundle interpolation '${m[0]}', which only 'databricks bundle' resolves; the Jobs API would receive it literally`,
        `replace '${m[0]}' with its literal value (for a job parameter at run time use the dynamic reference {{job.parameters.<name>}})`,
        value.length > 120 ? `${value.slice(0, 117)}...` : value,
      );
    }
    return;
  }
  if (Array.isArray(value))
    value.forEach((v, i) => checkInterpolation(ctx, v, [...segments, i], root, basePath));
  else if (isObj(value))
    for (const [k, v] of Object.entries(value)) checkInterpolation(ctx, v, [...segments, k], root, basePath);
}

const PRINCIPALS = PRINCIPAL_FIELDS;

/** Bundle `permissions: [{level, user_name|group_name|service_principal_name}]` → Jobs API access_control_list. */
function mapPermissions(ctx: Ctx, settings: Obj, basePath: string): void {
  const perms = settings.permissions;
  delete settings.permissions;
  const at = joinPath(basePath, "permissions");
  if (settings.access_control_list !== undefined) {
    diag(
      ctx,
      "error",
      "requirement.permissions-conflict",
      at,
      "both bundle 'permissions' and 'access_control_list' are set",
      "keep one of them (permissions is mapped to access_control_list)",
    );
    return;
  }
  if (!Array.isArray(perms)) {
    diag(
      ctx,
      "error",
      "requirement.permissions",
      at,
      `permissions must be a list of {level, user_name | group_name | service_principal_name}`,
      "write permissions as a YAML list, e.g. - {level: CAN_VIEW, group_name: users}",
      typeof perms,
    );
    return;
  }
  const acl: Obj[] = [];
  perms.forEach((entry, i) => {
    const p = `${at}[${i}]`;
    if (!isObj(entry)) {
      diag(
        ctx,
        "error",
        "requirement.permissions",
        p,
        "a permissions entry must be a mapping",
        "write {level: CAN_VIEW, group_name: users}",
      );
      return;
    }
    const level = entry.level;
    const principals = PRINCIPALS.filter((k) => typeof entry[k] === "string" && entry[k] !== "");
    if (typeof level !== "string" || !PERMISSION_LEVELS.includes(level)) {
      const s = typeof level === "string" ? didYouMean(level.toUpperCase(), PERMISSION_LEVELS) : undefined;
      diag(
        ctx,
        "error",
        "requirement.permissions",
        `${p}.level`,
        `permission level must be one of ${PERMISSION_LEVELS.join(", ")}, found ${JSON.stringify(level)}`,
        s ? `did you mean '${s}'?` : `use one of ${PERMISSION_LEVELS.join(", ")}`,
        level,
      );
      return;
    }
    if (principals.length !== 1) {
      diag(
        ctx,
        "error",
        "requirement.permissions",
        p,
        `a permissions entry must name exactly one of ${PRINCIPALS.join(", ")}`,
        "give one principal per entry",
      );
      return;
    }
    const extra = Object.keys(entry).filter((k) => k !== "level" && !PRINCIPALS.includes(k));
    if (extra.length > 0) {
      diag(
        ctx,
        "error",
        "requirement.permissions",
        `${p}.${extra[0]}`,
        `unknown key '${extra[0]}' in a permissions entry`,
        `allowed: level, ${PRINCIPALS.join(", ")}`,
        extra[0],
      );
      return;
    }
    acl.push({ [principals[0]]: entry[principals[0]], permission_level: level });
  });
  settings.access_control_list = acl;
  diag(
    ctx,
    "warning",
    "requirement.permissions-mapped",
    at,
    "bundle 'permissions' mapped to the Jobs API access_control_list (level → permission_level)",
    "nothing to do; write access_control_list directly to silence this note",
  );
}

function jobItem(ctx: Ctx, value: unknown, key: string, basePath: string): Built | undefined {
  if (!isObj(value)) {
    diag(
      ctx,
      "error",
      "requirement.job-shape",
      basePath,
      `${basePath} must be a mapping of Jobs API 2.2 fields (name, tasks, schedule, ...), found ${Array.isArray(value) ? "a list" : JSON.stringify(value)}`,
      "indent the job's fields under the key, e.g. 'name: Orders daily' and 'tasks:'",
      Array.isArray(value) ? "a list" : value,
    );
    return undefined;
  }
  if (!ITEM_KEY.test(key)) {
    diag(
      ctx,
      "error",
      "requirement.item-key",
      basePath,
      `job key '${key}' is not a valid key: it names the task file, so it may only contain letters, digits, '_' and '-' (no '/', '..' or spaces)`,
      `rename it, e.g. '${slug(key) || "my_job"}'`,
      key,
    );
    return undefined;
  }
  const settings: Obj = structuredClone(value);
  if (settings.permissions !== undefined) mapPermissions(ctx, settings, basePath);
  checkInterpolation(ctx, settings, [], settings, basePath);
  if (settings.name === undefined) {
    settings.name = key;
    diag(
      ctx,
      "warning",
      "requirement.name-defaulted",
      basePath,
      `job '${key}' has no name; using the key '${key}' as its name`,
      `add name: to ${basePath} to choose the job's name`,
    );
  }
  return {
    item: { key, action: "create", settings: settings as JobSettings, line: ctx.lineOf(basePath) },
    basePath,
  };
}

function parseTarget(ctx: Ctx, value: unknown, at: string): JobTarget | undefined {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value > 0) return { job_id: value };
  } else if (typeof value === "string") {
    if (value.trim() !== "") return { name: value };
  } else if (isObj(value)) {
    const selectors = TARGET_KEYS.filter((k) => value[k] !== undefined);
    const extra = Object.keys(value).filter((k) => !TARGET_KEYS.includes(k));
    if (extra.length > 0) {
      const s = didYouMean(extra[0], TARGET_KEYS);
      diag(
        ctx,
        "error",
        "requirement.target",
        joinPath(at, extra[0]),
        `unknown key '${extra[0]}' in the job reference`,
        s ? `did you mean '${s}'?` : `name the job with one of ${TARGET_KEYS.join(", ")}`,
        extra[0],
      );
      return undefined;
    }
    if (selectors.length === 1) {
      const k = selectors[0];
      const v = value[k];
      if (k === "job_id" && typeof v === "number" && Number.isInteger(v) && v > 0) return { job_id: v };
      if ((k === "name" || k === "code_path") && typeof v === "string" && v.trim() !== "") return { [k]: v };
      if (k === "tag") {
        if (isObj(v) && typeof v.key === "string" && typeof v.value === "string")
          return { tag: { key: v.key, value: v.value } };
        if (isObj(v) && Object.keys(v).length === 1 && typeof Object.values(v)[0] === "string") {
          const [tk, tv] = Object.entries(v)[0];
          return { tag: { key: tk, value: tv as string } };
        }
      }
      diag(
        ctx,
        "error",
        "requirement.target",
        joinPath(at, k),
        `the job reference ${k} has an invalid value ${JSON.stringify(v)}`,
        k === "tag"
          ? "write tag: {key: team, value: data-eng}"
          : k === "job_id"
            ? "write the numeric job id, e.g. job_id: 123"
            : `write ${k} as a non-empty string`,
        v,
      );
      return undefined;
    }
    diag(
      ctx,
      "error",
      "requirement.target",
      at,
      `the job reference must use exactly one of ${TARGET_KEYS.join(", ")}${selectors.length ? `, found ${selectors.join(" and ")}` : ""}`,
      'name the job once: job: 123, job: "Orders daily", or job: {tag: {key: team, value: data-eng}}',
      selectors,
    );
    return undefined;
  }
  diag(
    ctx,
    "error",
    "requirement.target",
    at,
    `the job reference must be a job id (number), a job name (string) or {job_id | name | tag | code_path}, found ${JSON.stringify(value) ?? "nothing"}`,
    'write job: 123, job: "Orders daily" or job: {tag: {key: team, value: data-eng}}',
    value,
  );
  return undefined;
}

function targetLabel(target: JobTarget): string {
  if (target.job_id !== undefined) return String(target.job_id);
  if (target.name) return target.name;
  if (target.tag) return `${target.tag.key}-${target.tag.value}`;
  return target.code_path ?? "job";
}

function itemOptions(ctx: Ctx, block: Obj, at: string, item: WorkItem): void {
  if (block.depends_on !== undefined) {
    const deps = typeof block.depends_on === "string" ? [block.depends_on] : block.depends_on;
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== "string" || d === "")) {
      diag(
        ctx,
        "error",
        "requirement.depends-on",
        joinPath(at, "depends_on"),
        "depends_on must be a list of item keys (or task ids)",
        "write depends_on: [other_item_key]",
        block.depends_on,
      );
    } else item.depends_on = [...(item.depends_on ?? []), ...(deps as string[])];
  }
  if (block.priority !== undefined) {
    if (
      typeof block.priority !== "number" ||
      !Number.isInteger(block.priority) ||
      block.priority < 0 ||
      block.priority > 1000
    ) {
      diag(
        ctx,
        "error",
        "requirement.priority",
        joinPath(at, "priority"),
        `priority must be an integer from 0 to 1000 (lower runs first; default 100), found ${JSON.stringify(block.priority)}`,
        "write priority: 10",
        block.priority,
      );
    } else item.priority = block.priority;
  }
}

function explicitKey(ctx: Ctx, block: Obj, at: string): string | undefined {
  if (block.key === undefined) return undefined;
  if (typeof block.key !== "string" || !ITEM_KEY.test(block.key)) {
    diag(
      ctx,
      "error",
      "requirement.item-key",
      joinPath(at, "key"),
      `key ${JSON.stringify(block.key)} is not a valid item key: it names the task file, so it may only contain letters, digits, '_' and '-' (no '/', '..' or spaces)`,
      "write key: refresh_orders",
      block.key,
    );
    return "";
  }
  return block.key;
}

function actionBlocks(
  ctx: Ctx,
  name: "update" | "run" | "delete",
  value: unknown,
): Array<{ block: Obj; at: string }> {
  const list = Array.isArray(value) ? value : [value];
  const out: Array<{ block: Obj; at: string }> = [];
  list.forEach((block, i) => {
    const at = Array.isArray(value) ? `${name}[${i}]` : name;
    if (!isObj(block)) {
      diag(
        ctx,
        "error",
        "requirement.action-shape",
        at,
        `${at} must be a mapping with at least 'job:' (the job to ${name})`,
        `write ${name}: {job: "Orders daily"${name === "update" ? ", set: {max_concurrent_runs: 2}" : ""}}`,
        block,
      );
      return;
    }
    out.push({ block, at });
  });
  return out;
}

function updateItem(ctx: Ctx, block: Obj, at: string): WorkItem | undefined {
  checkUnknownKeys(ctx, block, UPDATE_KEYS, at, "an update");
  if (block.job === undefined) {
    diag(
      ctx,
      "error",
      "requirement.update-target",
      at,
      "update has no target: 'job:' must name the job to change",
      "add job: <job id | job name | {tag: {key, value}}>",
    );
    return undefined;
  }
  const target = parseTarget(ctx, block.job, joinPath(at, "job"));
  if (!target) return undefined;
  if (block.adopt !== undefined) {
    if (typeof block.adopt !== "boolean")
      diag(
        ctx,
        "error",
        "requirement.adopt",
        joinPath(at, "adopt"),
        `adopt must be true or false, found ${JSON.stringify(block.adopt)}`,
        "write adopt: true",
        block.adopt,
      );
    else if (block.adopt) target.adopt = true;
  }
  const set = block.set;
  const remove = block.remove;
  if (set === undefined && remove === undefined && !target.adopt) {
    diag(
      ctx,
      "error",
      "requirement.update-empty",
      at,
      "update changes nothing: give 'set:' (new settings) and/or 'remove:' (fields to remove)",
      "add set: {<field>: <value>} or remove: [<field>]",
    );
    return undefined;
  }
  if (set !== undefined && !isObj(set)) {
    diag(
      ctx,
      "error",
      "requirement.update-set",
      joinPath(at, "set"),
      `set must be a mapping of Jobs API fields, found ${JSON.stringify(set)}`,
      "write set: {max_concurrent_runs: 2}",
      set,
    );
    return undefined;
  }
  if (remove !== undefined && (!Array.isArray(remove) || remove.some((r) => typeof r !== "string"))) {
    diag(
      ctx,
      "error",
      "requirement.update-remove",
      joinPath(at, "remove"),
      "remove must be a list of field names (e.g. schedule, tasks/<task_key>)",
      "write remove: [schedule]",
      remove,
    );
    return undefined;
  }
  const newSettings: Obj = structuredClone(set ?? {});
  if (newSettings.permissions !== undefined) mapPermissions(ctx, newSettings, joinPath(at, "set"));
  checkInterpolation(ctx, newSettings, [], newSettings, joinPath(at, "set"));
  const key = explicitKey(ctx, block, at) ?? slug(`update-${targetLabel(target)}`);
  if (key === "") return undefined;
  const item: WorkItem = {
    key,
    action: "update",
    target,
    patch: {
      new_settings: newSettings as JobSettings,
      ...(remove ? { fields_to_remove: remove as string[] } : {}),
    },
    line: ctx.lineOf(at),
  };
  itemOptions(ctx, block, at, item);
  return item;
}

function runItem(ctx: Ctx, block: Obj, at: string, created: Built[]): WorkItem | undefined {
  checkUnknownKeys(ctx, block, RUN_KEYS, at, "a run");
  if (block.job === undefined) {
    diag(
      ctx,
      "error",
      "requirement.run-target",
      at,
      "run has no target: 'job:' must name the job to run",
      "add job: <job id | job name | key of a job in this file>",
    );
    return undefined;
  }
  const target = parseTarget(ctx, block.job, joinPath(at, "job"));
  if (!target) return undefined;
  const item: WorkItem = { key: "", action: "run", target, run: {}, line: ctx.lineOf(at) };
  // Running a job defined in this same file: wait for its create/update first.
  const local =
    target.name === undefined
      ? undefined
      : created.find(
          (c) => c.item.settings && (c.item.key === target.name || c.item.settings.name === target.name),
        );
  if (local) {
    item.target = { name: String(local.item.settings?.name ?? local.item.key) };
    item.depends_on = [local.item.key];
  }
  if (block.job_parameters !== undefined) {
    const jp = block.job_parameters;
    if (!isObj(jp)) {
      diag(
        ctx,
        "error",
        "requirement.run-parameters",
        joinPath(at, "job_parameters"),
        "job_parameters must be a mapping of parameter name to value",
        'write job_parameters: {run_date: "2024-01-01"}',
        jp,
      );
    } else {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(jp)) {
        if (typeof v !== "string") {
          diag(
            ctx,
            "error",
            "requirement.run-parameters",
            joinPath(at, `job_parameters.${k}`),
            `job parameter '${k}' must be a string, found ${JSON.stringify(v)}`,
            `quote it: "${String(v)}"`,
            v,
          );
        } else out[k] = v;
      }
      item.run!.job_parameters = out;
    }
  }
  if (block.only !== undefined) {
    const only = block.only;
    if (
      !Array.isArray(only) ||
      only.length === 0 ||
      only.some((o) => typeof o !== "string" || !/^[\w-]{1,100}$/.test(o))
    ) {
      diag(
        ctx,
        "error",
        "requirement.run-only",
        joinPath(at, "only"),
        `only must be a non-empty list of task keys, found ${JSON.stringify(only)}`,
        "write only: [ingest, transform]",
        only,
      );
    } else {
      item.run!.only = only as string[];
      if (local) {
        const keys = (local.item.settings?.tasks ?? []).map((t) => t.task_key);
        (only as string[]).forEach((o, i) => {
          if (!keys.includes(o)) {
            const s = didYouMean(o, keys);
            diag(
              ctx,
              "error",
              "requirement.run-only",
              joinPath(at, `only[${i}]`),
              `only names task '${o}', which job '${local.item.key}' does not have`,
              s ? `did you mean '${s}'?` : `use task keys of the job: ${keys.join(", ")}`,
              o,
            );
          }
        });
      }
    }
  }
  if (block.wait !== undefined) {
    if (typeof block.wait !== "boolean")
      diag(
        ctx,
        "error",
        "requirement.run-wait",
        joinPath(at, "wait"),
        `wait must be true or false, found ${JSON.stringify(block.wait)}`,
        "write wait: true",
        block.wait,
      );
    else item.run!.wait = block.wait;
  }
  const key = explicitKey(ctx, block, at) ?? slug(`run-${targetLabel(target)}`);
  if (key === "") return undefined;
  item.key = key;
  itemOptions(ctx, block, at, item);
  return item;
}

function deleteItem(ctx: Ctx, block: Obj, at: string, created: Built[]): WorkItem | undefined {
  checkUnknownKeys(ctx, block, DELETE_KEYS, at, "a delete");
  if (block.job === undefined) {
    diag(
      ctx,
      "error",
      "requirement.delete-target",
      at,
      "delete has no target: 'job:' must name the job to delete",
      "add job: <job id | exact job name>",
    );
    return undefined;
  }
  const target = parseTarget(ctx, block.job, joinPath(at, "job"));
  if (!target) return undefined;
  if (target.tag || target.code_path) {
    diag(
      ctx,
      "error",
      "requirement.delete-target",
      joinPath(at, "job"),
      "delete must name one job exactly (by job_id or name); a tag or code path may match several jobs",
      'write job: <job id> or job: "<exact job name>"',
      block.job,
    );
    return undefined;
  }
  if (
    target.name !== undefined &&
    created.some(
      (c) => c.item.settings && (c.item.key === target.name || c.item.settings.name === target.name),
    )
  ) {
    diag(
      ctx,
      "error",
      "requirement.delete-conflict",
      joinPath(at, "job"),
      `this file both defines and deletes job '${target.name}'`,
      "remove the job definition (the job is then deleted as an orphan when delete is allowed) or remove the delete",
      target.name,
    );
    return undefined;
  }
  const key = explicitKey(ctx, block, at) ?? slug(`delete-${targetLabel(target)}`);
  if (key === "") return undefined;
  const item: WorkItem = { key, action: "delete", target, line: ctx.lineOf(at) };
  itemOptions(ctx, block, at, item);
  return item;
}

function build(
  doc: RequirementDoc,
  lineOf: (path: string) => number | undefined,
): { built: Built[]; diagnostics: Diagnostic[]; structured: boolean } {
  const ctx: Ctx = { doc, lineOf, diagnostics: [] };
  const fm = doc.frontMatter;
  const built: Built[] = [];
  const known = [...STRUCTURED_KEYS, ...DOC_KEYS];
  for (const key of Object.keys(fm)) {
    if (known.includes(key)) continue;
    if (BUNDLE_SECTIONS.includes(key)) {
      diag(
        ctx,
        "error",
        "requirement.bundle-section",
        key,
        `'${key}' is a bundle (databricks.yml) section, not part of a Jobs API job`,
        key === "permissions" || key === "run_as"
          ? `move ${key} into the job (under job: or jobs.<key>:)`
          : `remove '${key}': paste only the resources: jobs: block and write literal values instead of bundle variables`,
        key,
      );
      continue;
    }
    const suggestion = didYouMean(key, known);
    diag(
      ctx,
      "error",
      "requirement.unknown-key",
      key,
      `unknown front matter key '${key}'`,
      suggestion
        ? `did you mean '${suggestion}'?`
        : `use job:, jobs:, resources:, update:, run: or delete: for structured requirements; ${DOC_KEYS.join(", ")} are allowed as documentation`,
      key,
    );
  }
  const structured = ACTION_KEYS.some((k) => fm[k] !== undefined);
  for (const k of DOC_KEYS) {
    const v = fm[k];
    if (v === undefined) continue;
    const ok =
      k === "labels" ? Array.isArray(v) && v.every((x) => typeof x === "string") : typeof v === "string";
    if (!ok)
      diag(
        ctx,
        "error",
        "requirement.doc-key",
        k,
        `'${k}' must be ${k === "labels" ? "a list of strings" : "a string"}, found ${JSON.stringify(v)}`,
        k === "labels" ? "write labels: [finance, daily]" : `write ${k}: "…"`,
        v,
      );
  }

  if (fm.id !== undefined && (typeof fm.id !== "string" || !STABLE_ID.test(fm.id)))
    diag(
      ctx,
      "error",
      "requirement.id",
      "id",
      `'id' must be letters, digits, '_' or '-' (at most 100, no '.' or '/'), found ${JSON.stringify(fm.id)}`,
      "write id: orders-daily (it names the requirement's jobs for good: keep it when you rename or move the file)",
      fm.id,
    );
  if (fm.job !== undefined) {
    const b = jobItem(ctx, fm.job, stableIdOf(fm) ?? keyFromFile(doc.file), "job");
    if (b) built.push(b);
  }
  const jobMaps: Array<{ value: unknown; at: string }> = [];
  if (fm.jobs !== undefined) jobMaps.push({ value: fm.jobs, at: "jobs" });
  if (fm.resources !== undefined) {
    if (!isObj(fm.resources)) {
      diag(
        ctx,
        "error",
        "requirement.resources",
        "resources",
        "resources must be a mapping with a 'jobs:' key (a pasted bundle resources block)",
        "paste the bundle block as resources: {jobs: {<key>: {...}}}",
        fm.resources,
      );
    } else {
      for (const k of Object.keys(fm.resources)) {
        if (k !== "jobs")
          diag(
            ctx,
            "error",
            "requirement.bundle-resource",
            `resources.${k}`,
            `bundle resources of type '${k}' are not managed by this agent (only resources.jobs)`,
            `remove resources.${k}; deploy it with 'databricks bundle deploy' and reference it by id`,
            k,
          );
      }
      if (fm.resources.jobs !== undefined) jobMaps.push({ value: fm.resources.jobs, at: "resources.jobs" });
    }
  }
  for (const { value, at } of jobMaps) {
    if (!isObj(value)) {
      diag(
        ctx,
        "error",
        "requirement.jobs-shape",
        at,
        `${at} must map job keys to job settings, e.g. ${at}: {orders_daily: {name: ..., tasks: [...]}}`,
        `indent each job under its key below ${at}:`,
        Array.isArray(value) ? "a list" : value,
      );
      continue;
    }
    for (const [key, settings] of Object.entries(value)) {
      const b = jobItem(ctx, settings, key, joinPath(at, formatPath([key])));
      if (b) built.push(b);
    }
  }
  for (const { block, at } of fm.update === undefined ? [] : actionBlocks(ctx, "update", fm.update)) {
    const item = updateItem(ctx, block, at);
    if (item) built.push({ item, basePath: at });
  }
  const creates = [...built];
  for (const { block, at } of fm.run === undefined ? [] : actionBlocks(ctx, "run", fm.run)) {
    const item = runItem(ctx, block, at, creates);
    if (item) built.push({ item, basePath: at });
  }
  for (const { block, at } of fm.delete === undefined ? [] : actionBlocks(ctx, "delete", fm.delete)) {
    const item = deleteItem(ctx, block, at, creates);
    if (item) built.push({ item, basePath: at });
  }

  // adopt: take over existing jobs (same name) that this repo did not create, then manage them declaratively.
  // `adopt: <job id>` (written by `jobagent import`) names the job by id, so a rename in the requirement stays one job.
  const adoptId = typeof fm.adopt === "number" && Number.isInteger(fm.adopt) && fm.adopt > 0 ? fm.adopt : 0;
  if (fm.adopt !== undefined) {
    if (typeof fm.adopt !== "boolean" && adoptId === 0) {
      diag(
        ctx,
        "error",
        "requirement.adopt",
        "adopt",
        `adopt must be true, false or the id of the job to take over, found ${JSON.stringify(fm.adopt)}`,
        "write adopt: true (the job with the same name) or adopt: 123 (the job with that id)",
        fm.adopt,
      );
    } else if (fm.adopt) {
      const declared = built.filter((b) => b.item.action === "create");
      if (adoptId > 0 && declared.length > 1)
        diag(
          ctx,
          "error",
          "requirement.adopt",
          "adopt",
          `adopt: ${adoptId} names one job, but this file defines ${declared.length}`,
          "put each adopted job in its own file, or write adopt: true to adopt them by name",
        );
      if (declared.length === 0)
        diag(
          ctx,
          "error",
          "requirement.adopt",
          "adopt",
          "adopt: true needs a job definition (job: or jobs:) naming the job to take over",
          "add the job's settings under job: (its name must match the existing job)",
        );
      for (const b of declared) {
        b.item.action = "update";
        b.item.target =
          adoptId > 0
            ? { job_id: adoptId, adopt: true }
            : { name: String(b.item.settings?.name), adopt: true };
      }
    }
  }

  checkDuplicatesKey(ctx, fm, structured, built);

  // Item keys unique; requirement-level depends_on / priority apply to every item.
  const seen = new Set<string>();
  for (const b of built) {
    if (seen.has(b.item.key)) {
      let n = 2;
      while (seen.has(`${b.item.key}-${n}`)) n++;
      if (b.basePath.startsWith("jobs") || b.basePath.startsWith("resources")) {
        diag(
          ctx,
          "error",
          "requirement.duplicate-key",
          b.basePath,
          `item key '${b.item.key}' is used twice in this file`,
          "give each job a different key",
          b.item.key,
        );
      } else b.item.key = `${b.item.key}-${n}`;
    }
    seen.add(b.item.key);
  }
  const top: Obj = fm;
  for (const b of built) itemOptions(ctx, top, "", b.item);
  // Clean up: an item must not depend on itself (requirement-level depends_on names others).
  for (const b of built) {
    if (b.item.depends_on) {
      b.item.depends_on = [...new Set(b.item.depends_on.filter((d) => d !== b.item.key))];
      if (b.item.depends_on.length === 0) delete b.item.depends_on;
    }
  }
  return {
    built,
    diagnostics: dedupe(ctx.diagnostics),
    structured: structured || ctx.diagnostics.some((d) => d.severity === "error"),
  };
}

/** `duplicates: keep <id>`: its form, and that the file defines a job it can apply to (prose: the interpreter's). */
function checkDuplicatesKey(ctx: Ctx, fm: Obj, structured: boolean, built: Built[]): void {
  const read = readDuplicates(fm);
  if (!read) return;
  if ("problem" in read) {
    diag(
      ctx,
      "error",
      "requirement.duplicates",
      DUPLICATES_KEY,
      read.problem,
      `write ${duplicatesLine([1020])} (the id of the copy to keep; the plan lists the copies and proposes one)`,
      fm[DUPLICATES_KEY],
    );
    return;
  }
  if (structured && !built.some((b) => b.item.action === "create"))
    diag(
      ctx,
      "error",
      "requirement.duplicates",
      DUPLICATES_KEY,
      `${DUPLICATES_KEY} resolves copies of a job this file defines, and this file defines none (adopt, update, run and delete name existing jobs)`,
      `remove the ${DUPLICATES_KEY} line, or define the job under job: or jobs:`,
      fm[DUPLICATES_KEY],
    );
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const id = `${d.code}|${d.path}|${d.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Work items of a requirement's front matter; undefined when it has no structured block (prose only). */
export function interpretFrontMatter(
  doc: RequirementDoc,
  lineOf: (path: string) => number | undefined,
): Interpretation | undefined {
  const { built, diagnostics, structured } = build(doc, lineOf);
  basePaths.set(doc, basePathsOf(built));
  if (!structured) return undefined;
  return { requirement: doc.file, items: built.map((b) => b.item), diagnostics, source: "structured" };
}

/** Where a work item's block sits in the front matter ("job", "jobs.orders", "update[1]", ...). */
export function itemBasePath(doc: RequirementDoc, itemKey: string): string | undefined {
  let paths = basePaths.get(doc);
  if (!paths) {
    const { built } = build(doc, () => undefined);
    paths = basePathsOf(built);
    basePaths.set(doc, paths);
  }
  return paths.get(itemKey);
}

function basePathsOf(built: Built[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const b of built) if (!paths.has(b.item.key)) paths.set(b.item.key, b.basePath);
  return paths;
}

/** Item key → base path of each requirement read in this process (built once per doc; forgotten with the doc). */
const basePaths = new WeakMap<RequirementDoc, Map<string, string>>();

/** The ValidationContext for one work item of a structured requirement (file, base path, line lookup). */
export function validationContextFor(doc: RequirementDoc, itemKey: string): ValidationContext {
  return { file: doc.file, basePath: itemBasePath(doc, itemKey), lineOf: docLineOf(doc) };
}
