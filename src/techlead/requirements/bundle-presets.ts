/**
 * Bundle deploy behaviour applied by the bundle reader (bundle.ts): `mode: development` presets as Databricks
 * documents them, and notebook / file paths relative to the file that defines them. Pure.
 */
import { posix } from "node:path";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const NOTEBOOK_EXT = /\.(py|ipynb|sql|scala|r)$/i;

/** Development mode (documented presets): name prefix, `dev` tag, paused schedules/triggers, concurrent runs. */
const DEV_CONCURRENT_RUNS = 4;
export function applyDevelopmentMode(job: Obj, shortName: string): void {
  job.name = `[dev ${shortName}] ${String(job.name ?? "")}`;
  job.tags = { ...(isObj(job.tags) ? job.tags : {}), dev: shortName };
  for (const k of ["schedule", "trigger", "continuous"]) {
    const v = job[k];
    if (isObj(v) && v.pause_status === undefined) v.pause_status = "PAUSED";
  }
  job.max_concurrent_runs ??= DEV_CONCURRENT_RUNS;
}

/** Relative notebook / file paths are relative to the file that defines them, deployed under workspace.file_path. */
export function translatePaths(job: Obj, definedIn: string, root: string, filePath: string): void {
  if (isObj(job.git_source)) return;
  const base = posix.dirname(posix.relative(root, definedIn));
  const abs = (p: unknown, stripExt: boolean): unknown => {
    if (typeof p !== "string" || p.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.includes("${"))
      return p;
    const full = posix.normalize(posix.join(filePath, base, p));
    return stripExt ? full.replace(NOTEBOOK_EXT, "") : full;
  };
  const task = (t: unknown): void => {
    if (!isObj(t)) return;
    const nb = t.notebook_task;
    if (isObj(nb) && nb.source !== "GIT") nb.notebook_path = abs(nb.notebook_path, true);
    const py = t.spark_python_task;
    if (isObj(py) && py.source !== "GIT") py.python_file = abs(py.python_file, false);
    const sql = isObj(t.sql_task) ? t.sql_task.file : undefined;
    if (isObj(sql) && sql.source !== "GIT") sql.path = abs(sql.path, false);
    if (isObj(t.for_each_task)) task(t.for_each_task.task);
  };
  if (Array.isArray(job.tasks)) job.tasks.forEach(task);
}

export function shortNameOf(user: string): string {
  return (user.split("@")[0] ?? user).replace(/[^A-Za-z0-9]+/g, "_").toLowerCase();
}
