/** Preflight against an in-memory Workspace (counting calls) and against the local workspace over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobSettings } from "../../src/domain/model.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createPreflight } from "../../src/worker/validate/index.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

function fakeWorkspace() {
  const calls: Record<string, number> = {};
  const count = (k: string) => (calls[k] = (calls[k] ?? 0) + 1);
  const ws: Partial<Workspace> = {
    host: "http://fake",
    listNodeTypes: async () => (
      count("listNodeTypes"),
      [
        { node_type_id: "i3.xlarge" },
        { node_type_id: "m5d.large" },
        { node_type_id: "m4.large", is_deprecated: true },
      ]
    ),
    listSparkVersions: async () => (
      count("listSparkVersions"),
      [
        { key: "15.4.x-scala2.12", name: "15.4 LTS" },
        { key: "14.3.x-scala2.12", name: "14.3 LTS" },
      ]
    ),
    getObjectStatus: async (p: string) => (
      count(`getObjectStatus ${p}`),
      p === "/Workspace/Shared/etl/ingest"
        ? { path: p, object_type: "NOTEBOOK" }
        : p === "/Workspace/Shared/scripts/main.py"
          ? { path: p, object_type: "FILE" }
          : undefined
    ),
    listWarehouses: async () => (count("listWarehouses"), [{ id: "wh1", name: "Starter" }]),
    getPipeline: async (id: string) => (
      count(`getPipeline ${id}`),
      id === "p1" ? { pipeline_id: id } : id === "stream" ? { pipeline_id: id, continuous: true } : undefined
    ),
    getCluster: async (id: string) => (
      count(`getCluster ${id}`),
      id === "c-ui"
        ? { cluster_id: id, cluster_source: "UI" }
        : id === "c-job"
          ? { cluster_id: id, cluster_source: "JOB" }
          : undefined
    ),
    getJob: async (id: number) => (count(`getJob ${id}`), id === 1 ? { job_id: 1, settings: {} } : undefined),
    listClusterPolicies: async () => (
      count("listClusterPolicies"),
      [{ policy_id: "pol1", name: "Job Compute" }]
    ),
  };
  return { ws: ws as Workspace, calls };
}

const cluster = (extra: Record<string, unknown> = {}) => ({
  spark_version: "15.4.x-scala2.12",
  node_type_id: "i3.xlarge",
  num_workers: 1,
  ...extra,
});

describe("preflight (fake workspace)", () => {
  it("finds every missing reference, with did-you-mean, and caches each lookup", async () => {
    const { ws, calls } = fakeWorkspace();
    const preflight = createPreflight(ws);
    const settings: JobSettings = {
      name: "j",
      job_clusters: [
        {
          job_cluster_key: "c",
          new_cluster: cluster({
            node_type_id: "i3.xlarg",
            spark_version: "15.4.x-scala2.13",
            policy_id: "nope",
          }),
        },
      ],
      tasks: [
        {
          task_key: "nb",
          job_cluster_key: "c",
          notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest" },
        },
        {
          task_key: "nb_missing",
          job_cluster_key: "c",
          notebook_task: { notebook_path: "/Workspace/Shared/etl/missing" },
        },
        {
          task_key: "file_not_notebook",
          job_cluster_key: "c",
          notebook_task: { notebook_path: "/Workspace/Shared/scripts/main.py" },
        },
        {
          task_key: "py",
          new_cluster: cluster({ node_type_id: "m4.large" }),
          spark_python_task: { python_file: "/Workspace/Shared/scripts/main.py" },
        },
        { task_key: "sql", sql_task: { warehouse_id: "Starter", query: { query_id: "q" } } },
        { task_key: "dlt", pipeline_task: { pipeline_id: "p-missing" } },
        { task_key: "dlt_stream", pipeline_task: { pipeline_id: "stream" } },
        {
          task_key: "old_cluster",
          existing_cluster_id: "c-job",
          notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest" },
        },
        { task_key: "chain", run_job_task: { job_id: 99 } },
        { task_key: "ok_chain", run_job_task: { job_id: 1 } },
      ],
    };
    const diags = await preflight.check(settings, {
      file: "jobs/x.md",
      basePath: "job",
      lineOf: (p) => (p.includes("tasks[dlt]") ? 12 : undefined),
    });
    const got = diags.map((d) => [d.severity, d.code, d.path]);
    expect(got).toEqual([
      ["warning", "preflight.path", "job.tasks[nb_missing].notebook_task.notebook_path"],
      ["error", "preflight.path-type", "job.tasks[file_not_notebook].notebook_task.notebook_path"],
      ["warning", "preflight.node-type-deprecated", "job.tasks[py].new_cluster.node_type_id"],
      ["error", "preflight.warehouse", "job.tasks[sql].sql_task.warehouse_id"],
      ["error", "preflight.pipeline", "job.tasks[dlt].pipeline_task.pipeline_id"],
      ["error", "preflight.pipeline-continuous", "job.tasks[dlt_stream].pipeline_task.pipeline_id"],
      ["error", "preflight.cluster-job", "job.tasks[old_cluster].existing_cluster_id"],
      ["error", "preflight.job", "job.tasks[chain].run_job_task.job_id"],
      ["error", "preflight.node-type", "job.job_clusters[c].new_cluster.node_type_id"],
      ["error", "preflight.spark-version", "job.job_clusters[c].new_cluster.spark_version"],
      ["error", "preflight.policy", "job.job_clusters[c].new_cluster.policy_id"],
    ]);
    const byCode = (c: string) => diags.find((d) => d.code === c)!;
    expect(byCode("preflight.node-type").fix).toContain("did you mean 'i3.xlarge'");
    expect(byCode("preflight.spark-version").fix).toContain("did you mean '15.4.x-scala2.12'");
    expect(byCode("preflight.warehouse").fix).toContain("use its id 'wh1'");
    expect(byCode("preflight.pipeline")).toMatchObject({ line: 12, file: "jobs/x.md", value: "p-missing" });

    // A second job in the same run reuses every answer.
    await preflight.check(
      {
        name: "k",
        tasks: [
          {
            task_key: "nb",
            new_cluster: cluster(),
            notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest" },
          },
        ],
      },
      { file: "jobs/y.md" },
    );
    expect(calls.listNodeTypes).toBe(1);
    expect(calls.listSparkVersions).toBe(1);
    expect(calls.listWarehouses).toBe(1);
    expect(calls.listClusterPolicies).toBe(1);
    expect(calls["getObjectStatus /Workspace/Shared/etl/ingest"]).toBe(1);
  });

  it("skips repo-relative (git source) paths, volumes and cloud URIs", async () => {
    const { ws, calls } = fakeWorkspace();
    const diags = await createPreflight(ws).check(
      {
        name: "g",
        git_source: { git_url: "https://github.com/o/r", git_provider: "gitHub", git_branch: "main" },
        tasks: [
          { task_key: "a", notebook_task: { notebook_path: "notebooks/ingest" } },
          {
            task_key: "b",
            environment_key: "e",
            spark_python_task: { python_file: "/Volumes/main/x/run.py", source: "WORKSPACE" },
          },
          {
            task_key: "c",
            environment_key: "e",
            spark_python_task: { python_file: "s3://bucket/run.py", source: "WORKSPACE" },
          },
        ],
      },
      { file: "jobs/g.md" },
    );
    expect(diags).toEqual([]);
    expect(Object.keys(calls).filter((k) => k.startsWith("getObjectStatus"))).toEqual([]);
  });

  it("reports an unreachable workspace once per lookup kind instead of throwing", async () => {
    const broken = {
      listNodeTypes: async () => {
        throw new Error("connect ECONNREFUSED");
      },
    } as unknown as Workspace;
    const diags = await createPreflight(broken).check(
      {
        name: "b",
        job_clusters: [
          { job_cluster_key: "c", new_cluster: { node_type_id: "x", driver_node_type_id: "y" } },
        ],
      },
      { file: "jobs/b.md" },
    );
    expect(diags.map((d) => d.code)).toEqual(["preflight.unavailable"]);
    expect(diags[0].message).toContain("ECONNREFUSED");
  });
});

describe("preflight (local workspace, official SDK over HTTP)", () => {
  let local: LocalWorkspace;
  beforeAll(async () => {
    local = await startLocalWorkspace({ runStepMs: 5 });
  });
  afterAll(async () => {
    await local?.close();
  });

  it("accepts seeded references and rejects missing ones, one list call per kind", async () => {
    const workspace = createSdkWorkspace({ host: local.url, token: local.token });
    const preflight = createPreflight(workspace);
    local.resetStats();
    const diags = await preflight.check(
      {
        name: "l",
        tasks: [
          {
            task_key: "a",
            new_cluster: cluster(),
            notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest" },
          },
          {
            task_key: "b",
            new_cluster: cluster({ node_type_id: "Standard_DS3_v3" }),
            notebook_task: { notebook_path: "/Workspace/Shared/etl/nope" },
          },
          { task_key: "c", pipeline_task: { pipeline_id: "1a2b3c4d-0000-4000-8000-00000000c0de" } },
          { task_key: "d", sql_task: { warehouse_id: "a1b2c3d4e5f60718", query: { query_id: "q" } } },
        ],
      },
      { file: "jobs/l.md" },
    );
    expect(diags.map((d) => [d.code, d.path])).toEqual([
      ["preflight.node-type", "tasks[b].new_cluster.node_type_id"],
      ["preflight.path", "tasks[b].notebook_task.notebook_path"],
    ]);
    expect(diags[0].fix).toContain("did you mean 'Standard_DS3_v2'");
    const stats = local.stats();
    expect(stats["GET /api/2.1/clusters/list-node-types"]).toBe(1);
    expect(stats["GET /api/2.1/clusters/spark-versions"]).toBe(1);
  });
});
