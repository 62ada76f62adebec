/**
 * Databricks Asset Bundle reader: `databricks.yml` (+ `include:` globs) → the jobs it deploys, as Jobs API settings,
 * with the bundle's rules applied as Databricks documents them: target selection (`-t`, else `default: true`, else
 * the only target), target overrides merged into `resources.jobs` (maps deep-merged; `tasks` by task_key,
 * `job_clusters` by job_cluster_key, `environments` by environment_key, `parameters` by name; other lists replaced),
 * variables (target value > BUNDLE_VAR_<name> > default; complex values), `${var.*}`, `${bundle.*}`,
 * `${workspace.*}` substitution, `mode: development` (name prefix `[dev <short_name>] `, schedules and triggers
 * paused, tag `dev`), notebook / file paths relative to the file that defines them, and
 * `${resources.jobs.<key>.id}` in a run_job_task (the job runs the other bundle job: a dependency).
 * What it cannot honour (lookups, other resource types, unknown references) is reported with file, line and why.
 * Pure: the caller reads the files.
 */
import type { Diagnostic, JobSettings } from "../../domain/model.js";
import { formatPath } from "../../domain/schema.js";
import { KEYED_ARRAYS } from "../../domain/normalize.js";
import { buildLineOf, parseYamlSafely } from "./frontmatter.js";
import { interpolate, variableValues, type Scope, type Unresolved } from "./bundle-interpolate.js";
import { posix } from "node:path";
import { applyDevelopmentMode, shortNameOf, translatePaths } from "./bundle-presets.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export interface BundleSource {
  /** Text of a file relative to the bundle root, undefined when absent. */
  read(rel: string): string | undefined;
  /** Files (relative to the bundle root) matching an include glob. */
  glob(pattern: string): string[];
}

export interface BundleOptions {
  target?: string;
  /** The deploying user (workspace.current_user.userName). */
  user: string;
  /** Environment (BUNDLE_VAR_<name>). */
  env?: Record<string, string | undefined>;
}

export interface BundleJob {
  key: string;
  settings: JobSettings;
  /** Keys of the bundle jobs this job runs (run_job_task → ${resources.jobs.<key>.id}). */
  runs: string[];
  file: string;
  line?: number;
}

export interface BundleResult {
  name: string;
  target?: string;
  jobs: BundleJob[];
  diagnostics: Diagnostic[];
}

interface Loaded {
  file: string;
  data: Obj;
  lineOf: (path: string) => number | undefined;
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly source: BundleSource) {}

  warn(file: string, line: number | undefined, path: string, message: string, fix: string): void {
    this.error(file, line, path, message, fix, "warning");
  }

  error(
    file: string,
    line: number | undefined,
    path: string,
    message: string,
    fix: string,
    severity: Diagnostic["severity"] = "error",
  ): void {
    const where = `${file}:${line ?? 1}`;
    this.diagnostics.push({
      severity,
      code: "bundle.unsupported",
      file,
      line: line ?? 1,
      path,
      message: `${where}: ${path ? `${path}: ` : ""}${message}`,
      fix,
    });
  }

  load(file: string): Loaded | undefined {
    const text = this.source.read(file);
    if (text === undefined) {
      this.error(file, 1, "", "file not found", "check the path of the bundle file / include glob");
      return undefined;
    }
    try {
      const data = parseYamlSafely(text);
      const lines = buildLineOf(`---\n${text}\n---\n`);
      return {
        file,
        data: isObj(data) ? data : {},
        lineOf: (p) => {
          const l = lines(p);
          return l === undefined ? undefined : l - 1;
        },
      };
    } catch (error) {
      const line = (error as { line?: number }).line;
      const message = (error as Error).message.replace(" in front matter", "");
      this.error(file, line, "", message, "fix the YAML syntax (quote values that start with '{' or '${')");
      return undefined;
    }
  }
}

/** Merges a target override into a job (bundle rules: keyed lists merge by key, other lists are replaced). */
export function mergeOverride(base: unknown, over: unknown, field?: string): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeOverride(base[k], v, k) : v;
    return out;
  }
  const keyField = field ? KEYED_ARRAYS[field] : undefined;
  if (keyField && Array.isArray(base) && Array.isArray(over)) {
    const out = [...base];
    for (const item of over) {
      const i = out.findIndex((b) => isObj(b) && isObj(item) && b[keyField] === item[keyField]);
      if (i >= 0) out[i] = mergeOverride(out[i], item);
      else out.push(item);
    }
    return out;
  }
  return over === undefined ? base : over;
}

function pickTarget(r: Reader, root: Loaded, wanted?: string): string | undefined {
  const targets = isObj(root.data.targets) ? root.data.targets : {};
  const names = Object.keys(targets);
  if (wanted !== undefined) {
    if (!names.includes(wanted))
      r.error(
        root.file,
        root.lineOf("targets"),
        "targets",
        `no target '${wanted}'`,
        `use one of: ${names.join(", ")}`,
      );
    return wanted;
  }
  const byDefault = names.filter((n) => isObj(targets[n]) && (targets[n] as Obj).default === true);
  if (byDefault.length > 0) return byDefault[0];
  if (names.length === 1) return names[0];
  if (names.length > 1)
    r.error(
      root.file,
      root.lineOf("targets"),
      "targets",
      "several targets and none is `default: true`",
      "pass --target NAME or mark one target default: true",
    );
  return undefined;
}

interface Defined {
  settings: Obj;
  from: Loaded;
}

function collect(r: Reader, loaded: Loaded[]): { jobs: Map<string, Defined>; variables: Obj } {
  const jobs = new Map<string, Defined>();
  const variables: Obj = {};
  for (const l of loaded) {
    if (isObj(l.data.variables)) Object.assign(variables, l.data.variables);
    const resources = isObj(l.data.resources) ? l.data.resources : {};
    for (const [kind, defs] of Object.entries(resources)) {
      if (kind !== "jobs") {
        r.warn(
          l.file,
          l.lineOf(`resources.${kind}`),
          `resources.${kind}`,
          `bundle resources of type '${kind}' are not managed by jobagent and are left out`,
          "keep deploying them with `databricks bundle deploy`",
        );
        continue;
      }
      for (const [key, def] of Object.entries(isObj(defs) ? defs : {})) {
        if (jobs.has(key))
          r.error(
            l.file,
            l.lineOf(`resources.jobs.${key}`),
            `resources.jobs.${key}`,
            `job '${key}' is defined twice (also in ${jobs.get(key)?.from.file})`,
            "keep one definition; put target differences under targets:",
          );
        else if (isObj(def)) jobs.set(key, { settings: def, from: l });
      }
    }
  }
  return { jobs, variables };
}

/** Reads a bundle (see the module comment). `rootFile` is relative to the source's root. */
export function readBundle(rootFile: string, source: BundleSource, options: BundleOptions): BundleResult {
  const r = new Reader(source);
  const root = r.load(rootFile);
  if (!root) return { name: "", jobs: [], diagnostics: r.diagnostics };
  const rootDir = posix.dirname(rootFile);
  const loaded = [root];
  const includes = Array.isArray(root.data.include) ? root.data.include : [];
  for (const pattern of includes.map(String)) {
    const files = source.glob(posix.join(rootDir, pattern));
    if (files.length === 0)
      r.warn(
        root.file,
        root.lineOf("include"),
        "include",
        `include '${pattern}' matches no file`,
        "check the glob (relative to databricks.yml)",
      );
    for (const f of files) {
      const l = r.load(f);
      if (l) loaded.push(l);
    }
  }
  // Resources a bundle defines in Python (pydabs: `python: resources: [module:function]`) exist only when the
  // Databricks CLI runs that code; this reader reads YAML.
  const python = isObj(root.data.python)
    ? root.data.python
    : isObj(root.data.experimental) && isObj(root.data.experimental.python)
      ? root.data.experimental.python
      : undefined;
  const loaders = python && Array.isArray(python.resources) ? python.resources.map(String) : [];
  if (loaders.length > 0)
    r.warn(
      root.file,
      root.lineOf(isObj(root.data.python) ? "python.resources" : "experimental.python.resources"),
      "python.resources",
      `this bundle also defines resources in Python (${loaders.join(", ")}), which only the Databricks CLI runs: the jobs they make are not read`,
      "keep deploying those with `databricks bundle deploy`, or take each job's settings from `databricks bundle validate --output json` (resources.jobs) into a requirement file — pasted as a json block, it is read as the job",
    );
  const bundle = isObj(root.data.bundle) ? root.data.bundle : {};
  const name = String(bundle.name ?? posix.basename(rootDir === "." ? "bundle" : rootDir));
  const { jobs, variables } = collect(r, loaded);
  const target = pickTarget(r, root, options.target);
  const t = (
    target && isObj(root.data.targets) && isObj(root.data.targets[target]) ? root.data.targets[target] : {}
  ) as Obj;
  for (const key of ["presets", "artifacts", "sync"])
    if (t[key] !== undefined)
      r.warn(
        root.file,
        root.lineOf(`targets.${target}.${key}`),
        `targets.${target}.${key}`,
        `'${key}' is not applied by jobagent`,
        "check the resulting settings in the plan",
      );
  const vars = variableValues(
    variables,
    isObj(t.variables) ? t.variables : {},
    options.env ?? {},
    (v, why, fix) => r.error(root.file, root.lineOf(`variables.${v}`), `variables.${v}`, why, fix),
  );
  const user = options.user;
  const ws = {
    ...(isObj(root.data.workspace) ? root.data.workspace : {}),
    ...(isObj(t.workspace) ? t.workspace : {}),
  } as Obj;
  const values: Record<string, string> = {
    "bundle.name": name,
    "bundle.target": target ?? "default",
    "workspace.current_user.userName": user,
    "workspace.current_user.short_name": shortNameOf(user),
    "workspace.host": String(ws.host ?? ""),
  };
  const scope: Scope = { vars, values, jobKeys: [...jobs.keys()] };
  const sub = (v: unknown, fallback: string) => String(interpolate(v ?? fallback, scope, [], [], []));
  values["workspace.root_path"] = sub(
    ws.root_path,
    `/Workspace/Users/${user}/.bundle/${name}/${target ?? "default"}`,
  );
  values["workspace.file_path"] = sub(ws.file_path, `${values["workspace.root_path"]}/files`);
  values["workspace.artifact_path"] = sub(ws.artifact_path, `${values["workspace.root_path"]}/artifacts`);
  const overrides = isObj(t.resources) && isObj(t.resources.jobs) ? t.resources.jobs : {};
  const out: BundleJob[] = [];
  for (const [key, def] of jobs) {
    const merged = mergeOverride(def.settings, overrides[key]) as Obj;
    out.push(finishJob(r, key, merged, def.from, scope, { rootDir, t, target, root }));
  }
  for (const key of Object.keys(overrides))
    if (!jobs.has(key))
      r.error(
        root.file,
        root.lineOf(`targets.${target}.resources.jobs.${key}`),
        `targets.${target}.resources.jobs.${key}`,
        `target '${target}' overrides job '${key}', which no resources.jobs defines`,
        "define the job under resources.jobs (or fix the key)",
      );
  return { name, ...(target ? { target } : {}), jobs: out, diagnostics: r.diagnostics };
}

function finishJob(
  r: Reader,
  key: string,
  merged: Obj,
  from: Loaded,
  scope: Scope,
  c: { rootDir: string; t: Obj; target?: string; root: Loaded },
): BundleJob {
  const unresolved: Unresolved[] = [];
  const runs: string[] = [];
  const base = `resources.jobs.${key}`;
  const settings = interpolate(merged, scope, [], unresolved, runs) as Obj;
  for (const u of unresolved) {
    const at = `${base}.${formatPath(u.segments, merged)}`;
    r.error(from.file, from.lineOf(at), at, `cannot resolve '${u.reference}': ${u.why}`, u.fix);
  }
  translatePaths(settings, from.file, c.rootDir, scope.values["workspace.file_path"] as string);
  if (isObj(c.t.run_as) && settings.run_as === undefined) settings.run_as = c.t.run_as;
  const topPerms = c.root.data.permissions;
  if (Array.isArray(topPerms))
    settings.permissions = [
      ...(Array.isArray(settings.permissions) ? settings.permissions : []),
      ...topPerms,
    ];
  if (c.t.mode === "development")
    applyDevelopmentMode(settings, scope.values["workspace.current_user.short_name"] as string);
  for (const k of ["lifecycle"]) delete settings[k];
  const line = from.lineOf(base);
  return {
    key,
    settings: settings as JobSettings,
    runs: [...new Set(runs)],
    file: from.file,
    ...(line ? { line } : {}),
  };
}
