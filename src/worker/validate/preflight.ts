/**
 * Validate layer 4: what the spec references exists in the workspace (node types, runtimes, notebook / file paths,
 * warehouses, pipelines, clusters, jobs run by run_job_task, cluster policies). Every lookup goes through the
 * Workspace port and is cached for the preflight's lifetime (one per run): list calls once, per-id calls once per id.
 */
import type { Diagnostic, JobSettings, ValidationContext } from "../../domain/model.js";
import { didYouMean, formatPath, joinPath } from "../../domain/schema.js";
import type { Workspace } from "../../adapters/databricks/port.js";

export interface Preflight {
  /** Node types, runtimes, notebook/file paths, warehouses, pipelines, clusters and jobs referenced by id exist. */
  check(settings: JobSettings, ctx: ValidationContext): Promise<Diagnostic[]>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

interface Ref {
  kind: "node-type" | "spark-version" | "path" | "warehouse" | "pipeline" | "cluster" | "job" | "policy";
  value: string;
  segments: Array<string | number>;
  /** For paths: what kind of object (notebook / python file / SQL file). */
  what?: string;
}

function collect(settings: JobSettings): Ref[] {
  const refs: Ref[] = [];
  const hasGit = isObj(settings.git_source);
  const cluster = (c: unknown, seg: Array<string | number>) => {
    if (!isObj(c)) return;
    for (const f of ["node_type_id", "driver_node_type_id"]) {
      if (typeof c[f] === "string" && c[f] !== "")
        refs.push({ kind: "node-type", value: c[f] as string, segments: [...seg, f] });
    }
    if (typeof c.spark_version === "string" && c.spark_version !== "")
      refs.push({ kind: "spark-version", value: c.spark_version, segments: [...seg, "spark_version"] });
    if (typeof c.policy_id === "string" && c.policy_id !== "")
      refs.push({ kind: "policy", value: c.policy_id, segments: [...seg, "policy_id"] });
  };
  const workspacePath = (value: unknown, source: unknown, seg: Array<string | number>, what: string) => {
    if (typeof value !== "string" || value === "") return;
    const effective = source ?? (hasGit ? "GIT" : "WORKSPACE");
    // Only workspace paths: repo-relative (git source), cloud URIs and Unity Catalog volumes are not workspace objects.
    if (
      effective !== "WORKSPACE" ||
      !value.startsWith("/") ||
      value.startsWith("/Volumes/") ||
      value.startsWith("/dbfs/")
    )
      return;
    refs.push({ kind: "path", value, segments: seg, what });
  };
  const task = (t: unknown, seg: Array<string | number>) => {
    if (!isObj(t)) return;
    cluster(t.new_cluster, [...seg, "new_cluster"]);
    if (typeof t.existing_cluster_id === "string" && t.existing_cluster_id !== "")
      refs.push({ kind: "cluster", value: t.existing_cluster_id, segments: [...seg, "existing_cluster_id"] });
    const nb = t.notebook_task;
    if (isObj(nb)) {
      workspacePath(nb.notebook_path, nb.source, [...seg, "notebook_task", "notebook_path"], "notebook");
      if (typeof nb.warehouse_id === "string")
        refs.push({
          kind: "warehouse",
          value: nb.warehouse_id,
          segments: [...seg, "notebook_task", "warehouse_id"],
        });
    }
    const py = t.spark_python_task;
    if (isObj(py))
      workspacePath(py.python_file, py.source, [...seg, "spark_python_task", "python_file"], "python file");
    const sql = t.sql_task;
    if (isObj(sql)) {
      if (typeof sql.warehouse_id === "string")
        refs.push({
          kind: "warehouse",
          value: sql.warehouse_id,
          segments: [...seg, "sql_task", "warehouse_id"],
        });
      if (isObj(sql.file))
        workspacePath(sql.file.path, sql.file.source, [...seg, "sql_task", "file", "path"], "SQL file");
    }
    for (const type of ["dbt_task", "dashboard_task"]) {
      const x = t[type];
      if (isObj(x) && typeof x.warehouse_id === "string")
        refs.push({ kind: "warehouse", value: x.warehouse_id, segments: [...seg, type, "warehouse_id"] });
    }
    if (isObj(t.pipeline_task) && typeof t.pipeline_task.pipeline_id === "string")
      refs.push({
        kind: "pipeline",
        value: t.pipeline_task.pipeline_id,
        segments: [...seg, "pipeline_task", "pipeline_id"],
      });
    if (isObj(t.run_job_task) && typeof t.run_job_task.job_id === "number")
      refs.push({
        kind: "job",
        value: String(t.run_job_task.job_id),
        segments: [...seg, "run_job_task", "job_id"],
      });
    if (isObj(t.for_each_task)) task(t.for_each_task.task, [...seg, "for_each_task", "task"]);
  };
  (Array.isArray(settings.tasks) ? settings.tasks : []).forEach((t, i) => task(t, ["tasks", i]));
  (Array.isArray(settings.job_clusters) ? settings.job_clusters : []).forEach((c, i) => {
    if (isObj(c)) cluster(c.new_cluster, ["job_clusters", i, "new_cluster"]);
  });
  return refs;
}

/** One preflight per run: workspace lookups are cached for its lifetime. */
export function createPreflight(workspace: Workspace): Preflight {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      cache.set(key, p);
    }
    return p;
  };
  const nodeTypeList = () => once("node-types", () => workspace.listNodeTypes());
  const nodeTypes = async () => (await nodeTypeList()).map((n) => n.node_type_id);
  const deprecatedNodeTypes = async () =>
    (await nodeTypeList()).filter((n) => n.is_deprecated).map((n) => n.node_type_id);
  const sparkVersions = () =>
    once("spark-versions", async () => (await workspace.listSparkVersions()).map((v) => v.key));
  const warehouses = () => once("warehouses", () => workspace.listWarehouses());
  const policies = () => once("policies", () => workspace.listClusterPolicies());

  async function checkRef(
    ref: Ref,
    root: JobSettings,
  ): Promise<{ code: string; message: string; fix: string; severity?: "warning" } | undefined> {
    const at = formatPath(ref.segments, root);
    switch (ref.kind) {
      case "node-type": {
        const known = await nodeTypes();
        if (!known.includes(ref.value)) {
          const s = didYouMean(ref.value, known);
          return {
            code: "preflight.node-type",
            message: `node type '${ref.value}' does not exist in this workspace`,
            fix: s
              ? `did you mean '${s}'?`
              : `use a node type the workspace offers (${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""})`,
          };
        }
        // The shared list call is cached; deprecated types only warn.
        const deprecated = await deprecatedNodeTypes();
        if (deprecated.includes(ref.value))
          return {
            code: "preflight.node-type-deprecated",
            message: `node type '${ref.value}' is deprecated`,
            fix: "pick a current node type",
            severity: "warning",
          };
        return undefined;
      }
      case "spark-version": {
        const known = await sparkVersions();
        if (!known.includes(ref.value)) {
          const s = didYouMean(ref.value, known);
          return {
            code: "preflight.spark-version",
            message: `Databricks Runtime '${ref.value}' (spark_version) does not exist in this workspace`,
            fix: s
              ? `did you mean '${s}'?`
              : `use one of ${known.slice(0, 6).join(", ")}${known.length > 6 ? ", ..." : ""}`,
          };
        }
        return undefined;
      }
      case "policy": {
        const list = await policies();
        if (!list.some((p) => p.policy_id === ref.value)) {
          return {
            code: "preflight.policy",
            message: `cluster policy '${ref.value}' does not exist`,
            fix: `use one of the workspace's policy ids${
              list.length
                ? ` (${list
                    .map((p) => `${p.policy_id} = ${p.name}`)
                    .slice(0, 5)
                    .join(", ")})`
                : ""
            }`,
          };
        }
        return undefined;
      }
      case "warehouse": {
        const list = await warehouses();
        if (!list.some((w) => w.id === ref.value)) {
          const byName = list.find((w) => w.name === ref.value);
          return {
            code: "preflight.warehouse",
            message: `SQL warehouse '${ref.value}' does not exist`,
            fix: byName
              ? `'${ref.value}' is a warehouse name; use its id '${byName.id}'`
              : `use a warehouse id${
                  list.length
                    ? ` (${list
                        .map((w) => `${w.id} = ${w.name}`)
                        .slice(0, 5)
                        .join(", ")})`
                    : ""
                }`,
          };
        }
        return undefined;
      }
      case "pipeline": {
        const p = await once(`pipeline:${ref.value}`, () => workspace.getPipeline(ref.value));
        if (!p)
          return {
            code: "preflight.pipeline",
            message: `pipeline '${ref.value}' does not exist`,
            fix: "use the id of an existing (triggered) pipeline",
          };
        if (p.continuous)
          return {
            code: "preflight.pipeline-continuous",
            message: `pipeline '${ref.value}' is continuous; pipeline_task only runs triggered pipelines`,
            fix: "point pipeline_task at a triggered pipeline, or set the pipeline to triggered mode",
          };
        return undefined;
      }
      case "cluster": {
        const c = await once(`cluster:${ref.value}`, () => workspace.getCluster(ref.value));
        if (!c)
          return {
            code: "preflight.cluster",
            message: `cluster '${ref.value}' does not exist`,
            fix: "use the id of an existing all-purpose cluster, or give the task a new_cluster / job_cluster_key",
          };
        if (c.cluster_source === "JOB")
          return {
            code: "preflight.cluster-job",
            message: `existing_cluster_id only supports all-purpose cluster IDs; '${ref.value}' is a job cluster`,
            fix: "use an all-purpose cluster, or a job cluster via job_clusters + job_cluster_key",
          };
        return undefined;
      }
      case "job": {
        const j = await once(`job:${ref.value}`, () => workspace.getJob(Number(ref.value)));
        if (!j)
          return {
            code: "preflight.job",
            message: `job ${ref.value} (run_job_task.job_id) does not exist`,
            fix: "use the id of an existing job",
          };
        return undefined;
      }
      case "path": {
        const o = await once(`path:${ref.value}`, () => workspace.getObjectStatus(ref.value));
        // The service accepts a job whose code is not there yet (only its runs fail), and teams often deploy the code
        // after the job (a Git folder sync, a bundle, a CI upload): a warning, not a blocker.
        if (!o)
          return {
            code: "preflight.path",
            message: `${ref.what} '${ref.value}' does not exist in the workspace (yet): the job is created, but its runs fail until it does`,
            fix: `upload the ${ref.what} to ${ref.value}, fix the path, or use git_source with a repo-relative path (at ${at})`,
            severity: "warning",
          };
        if (ref.what === "notebook" && o.object_type !== "NOTEBOOK") {
          return {
            code: "preflight.path-type",
            message: `'${ref.value}' is a ${o.object_type.toLowerCase()}, not a notebook`,
            fix: "point notebook_path at a notebook (without the file extension)",
          };
        }
        return undefined;
      }
    }
  }

  return {
    async check(settings: JobSettings, ctx: ValidationContext): Promise<Diagnostic[]> {
      const out: Diagnostic[] = [];
      const failed = new Set<string>();
      for (const ref of collect(settings)) {
        const path = joinPath(ctx.basePath, formatPath(ref.segments, settings));
        const line = ctx.lineOf?.(path) ?? ctx.defaultLine;
        let problem: Awaited<ReturnType<typeof checkRef>>;
        try {
          problem = await checkRef(ref, settings);
        } catch (error) {
          if (failed.has(ref.kind)) continue;
          failed.add(ref.kind);
          problem = {
            code: "preflight.unavailable",
            message: `could not check ${ref.kind.replace("-", " ")} '${ref.value}' in the workspace: ${(error as Error).message}`,
            fix: "check the workspace host, credentials and network, then plan again",
          };
        }
        if (!problem) continue;
        out.push({
          severity: problem.severity ?? "error",
          code: problem.code,
          file: ctx.file,
          ...(line ? { line } : {}),
          path,
          value: ref.kind === "job" ? Number(ref.value) : ref.value,
          message: `${ctx.file}${line ? `:${line}` : ""}: ${path}: ${problem.message}`,
          fix: problem.fix,
          see: [],
        });
      }
      return out;
    },
  };
}
