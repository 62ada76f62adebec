import { afterEach, describe, expect, it } from "vitest";
import {
  startLocalWorkspace,
  type LocalWorkspace,
  type LocalWorkspaceOptions,
} from "../../src/dev/local-workspace/index.js";
import {
  AmbiguousWriteError,
  WorkspaceApiError,
  type Workspace,
} from "../../src/adapters/databricks/port.js";
import { createSdkWorkspace, type SdkWorkspaceOptions } from "../../src/adapters/databricks/sdk-workspace.js";

const open: LocalWorkspace[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

async function setup(
  serverOptions: LocalWorkspaceOptions = {},
  adapterOptions: Partial<SdkWorkspaceOptions> = {},
): Promise<{ ws: LocalWorkspace; workspace: Workspace }> {
  const ws = await startLocalWorkspace({ runStepMs: 20, ...serverOptions });
  open.push(ws);
  return {
    ws,
    workspace: createSdkWorkspace({
      host: ws.url,
      token: ws.token,
      baseDelayMs: 20,
      maxDelayMs: 200,
      ...adapterOptions,
    }),
  };
}

const job = (name: string) => ({
  name,
  tasks: [
    {
      task_key: "main",
      notebook_task: { notebook_path: "/Shared/etl/ingest" },
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
    },
  ],
});

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe("createSdkWorkspace against the local workspace", () => {
  it("implements the port: jobs CRUD, runs, catalog, permissions; missing things are undefined", async () => {
    const { workspace } = await setup();
    const jobId = await workspace.createJob({ ...job("port"), triggers: undefined, tags: { owner: "repo" } });
    const read = await workspace.getJob(jobId);
    expect(read?.settings).toMatchObject({ name: "port", tags: { owner: "repo" } });
    expect(await workspace.getJob(99999999)).toBeUndefined();

    await workspace.updateJob(jobId, { description: "updated" }, ["tags"]);
    expect((await workspace.getJob(jobId))?.settings).toMatchObject({ description: "updated" });
    expect((await workspace.getJob(jobId))?.settings.tags).toBeUndefined();
    await workspace.resetJob(jobId, job("port-reset"));
    expect((await workspace.getJob(jobId))?.settings.description).toBeUndefined();

    const listed = [];
    for await (const j of workspace.listJobs({ name: "port-reset", expandTasks: true })) listed.push(j);
    expect(listed.map((j) => [j.job_id, j.settings.tasks?.length])).toEqual([[jobId, 1]]);

    const { run_id } = await workspace.runNow(jobId, {
      idempotency_token: "tok-1",
      job_parameters: { a: "b" },
    });
    expect((await workspace.runNow(jobId, { idempotency_token: "tok-1" })).run_id).toBe(run_id);
    let run = await workspace.getRun(run_id);
    for (
      let i = 0;
      i < 200 && !["TERMINATED", "INTERNAL_ERROR", "SKIPPED"].includes(run.life_cycle_state);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
      run = await workspace.getRun(run_id);
    }
    expect(run).toMatchObject({
      run_id,
      job_id: jobId,
      life_cycle_state: "TERMINATED",
      result_state: "SUCCESS",
      tasks: [{ task_key: "main", result_state: "SUCCESS" }],
    });

    expect((await workspace.listNodeTypes()).map((n) => n.node_type_id)).toContain("Standard_E8ds_v4");
    expect((await workspace.listSparkVersions()).map((v) => v.key)).toContain("15.4.x-scala2.12");
    expect(await workspace.getObjectStatus("/Workspace/Shared/etl/ingest")).toMatchObject({
      object_type: "NOTEBOOK",
    });
    expect(await workspace.getObjectStatus("/Shared/missing")).toBeUndefined();
    expect((await workspace.listWarehouses()).some((w) => w.enable_serverless_compute)).toBe(true);
    expect(await workspace.getPipeline("5e6f7a8b-0000-4000-8000-0000000057ea")).toMatchObject({
      name: "events-streaming",
      continuous: true,
    });
    expect(await workspace.getPipeline("missing")).toBeUndefined();
    expect(await workspace.getCluster("0101-120000-abcd1234")).toMatchObject({ cluster_source: "UI" });
    expect(await workspace.getCluster("nope")).toBeUndefined();
    expect((await workspace.listClusterPolicies()).length).toBeGreaterThan(0);

    await workspace.setJobPermissions(jobId, [{ group_name: "readers", permission_level: "CAN_VIEW" }]);
    const acl = (await workspace.getJobPermissions(jobId)).access_control_list as Array<
      Record<string, unknown>
    >;
    expect(acl.map((e) => e.user_name ?? e.group_name)).toEqual([
      "jane.doe@example.com",
      "readers",
      "admins",
    ]);

    await workspace.deleteJob(jobId);
    expect(await workspace.getJob(jobId)).toBeUndefined();
    expect(workspace.callCount).toBeGreaterThan(20);
  });

  it("API errors become WorkspaceApiError with the service's code, status and the operation", async () => {
    const { workspace } = await setup();
    const error = await caught(workspace.createJob({ name: "bad", max_concurrent_runs: 5000 }));
    expect(error).toBeInstanceOf(WorkspaceApiError);
    expect(error).toMatchObject({
      errorCode: "INVALID_PARAMETER_VALUE",
      statusCode: 400,
      operation: "jobs/create",
    });
    expect(error.message).toContain("settings.max_concurrent_runs");
    const missing = await caught(workspace.updateJob(123456789, { name: "x" }, []));
    expect(missing).toMatchObject({
      errorCode: "INVALID_PARAMETER_VALUE",
      statusCode: 400,
      operation: "jobs/update",
    });
    expect(missing.message).toContain("Job 123456789 does not exist.");
  });

  it("getJob merges 2.2 array pages (>100 tasks)", async () => {
    const { ws, workspace } = await setup();
    const tasks = Array.from({ length: 230 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: "/Shared/etl/ingest" },
    }));
    const jobId = await workspace.createJob({ name: "wide", tasks });
    ws.resetStats();
    const read = await workspace.getJob(jobId);
    // every page merged; the service returns tasks sorted by task_key (field-behaviour table)
    expect(read?.settings.tasks?.map((t) => t.task_key)).toEqual(tasks.map((t) => t.task_key).sort());
    expect(ws.stats()["GET /api/2.2/jobs/get"]).toBe(3);
    expect((read as unknown as Record<string, unknown>).next_page_token).toBeUndefined();
  });

  it("listJobs pages with limit 100: 250 jobs in 3 list calls", async () => {
    const { ws, workspace } = await setup();
    for (let i = 0; i < 250; i++) await workspace.createJob({ name: `j${i}` });
    ws.resetStats();
    const before = workspace.callCount;
    const ids = [];
    for await (const j of workspace.listJobs()) ids.push(j.job_id);
    expect(new Set(ids).size).toBe(250);
    expect(ws.stats()).toEqual({ "GET /api/2.2/jobs/list": 3 });
    expect(workspace.callCount - before).toBe(3);
  });

  it("a 429 storm with Retry-After completes with bounded retries that wait as told", async () => {
    const { ws, workspace } = await setup();
    ws.faults.add({ kind: "status", status: 429, retryAfterSeconds: 1, times: 2 });
    const started = Date.now();
    const jobId = await workspace.createJob(job("after-storm"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(ws.stats()["POST /api/2.2/jobs/create"]).toBe(3);
    expect((await workspace.getJob(jobId))?.settings.name).toBe("after-storm");
  });

  it("a server rate limit is absorbed: 12 creates at 5 requests/s all succeed, nothing duplicated", async () => {
    const { ws, workspace } = await setup({ rateLimitPerSecond: 5, rateLimitScope: "writes" });
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) => workspace.createJob({ name: `rl-${i}` })),
    );
    expect(new Set(ids).size).toBe(12);
    const names = [];
    for await (const j of workspace.listJobs()) names.push(j.settings.name);
    expect(names.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `rl-${i}`).sort());
    expect(ws.stats()["POST /api/2.2/jobs/create"]).toBeGreaterThan(12);
  });

  it("reads survive dropped connections and 5xx (retried)", async () => {
    const { ws, workspace } = await setup();
    const jobId = await workspace.createJob(job("read-me"));
    ws.faults.add({ method: "GET", kind: "drop", times: 2 });
    expect((await workspace.getJob(jobId))?.settings.name).toBe("read-me");
    ws.faults.add({ method: "GET", kind: "status", status: 500, times: 1 });
    ws.faults.add({ method: "GET", kind: "status", status: 502, times: 1 });
    expect((await workspace.listNodeTypes()).length).toBeGreaterThan(5);
  });

  it("writes: 503 is retried (not executed); a dropped connection or 500 after sending is an AmbiguousWriteError", async () => {
    const { ws, workspace } = await setup();
    ws.faults.add({ path: "/jobs/create", kind: "status", status: 503, times: 2 });
    await workspace.createJob(job("after-503"));

    ws.faults.add({ path: "/jobs/create", kind: "drop-after-commit", times: 1 });
    const dropped = await caught(workspace.createJob(job("maybe")));
    expect(dropped).toBeInstanceOf(AmbiguousWriteError);
    expect((dropped as AmbiguousWriteError).operation).toBe("jobs/create");
    expect(dropped.message).toMatch(/may or may not have been applied/);
    const names = [];
    for await (const j of workspace.listJobs()) names.push(j.settings.name);
    expect(names).toEqual(["after-503", "maybe"]);

    const jobId = (await workspace.createJob(job("x")))!;
    ws.faults.add({ path: "/jobs/update", kind: "status", status: 500, times: 1 });
    expect(await caught(workspace.updateJob(jobId, { description: "d" }, []))).toBeInstanceOf(
      AmbiguousWriteError,
    );
    ws.faults.add({ path: "/jobs/delete", kind: "drop", times: 1 });
    expect(await caught(workspace.deleteJob(jobId))).toBeInstanceOf(AmbiguousWriteError);
    expect(ws.stats()["POST /api/2.2/jobs/update"]).toBe(1);
  });

  it("persistent 503 ends with a clear error after the retry bound, not a hang", async () => {
    const { ws, workspace } = await setup({}, { maxRetries: 3 });
    ws.faults.add({ kind: "status", status: 503 });
    const started = Date.now();
    const error = await caught(workspace.listSparkVersions());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(WorkspaceApiError);
    expect(error).toMatchObject({
      statusCode: 503,
      errorCode: "TEMPORARILY_UNAVAILABLE",
      operation: "clusters/spark-versions",
    });
    expect(error.message).toContain("gave up after 4 attempts");
    expect(ws.stats()["GET /api/2.1/clusters/spark-versions"]).toBe(4);
  });

  it("a 429 whose Retry-After exceeds the time budget fails at once with the reason", async () => {
    const { ws, workspace } = await setup({}, { timeoutMs: 3000 });
    ws.faults.add({ kind: "status", status: 429, retryAfterSeconds: 60 });
    const started = Date.now();
    const error = await caught(workspace.listNodeTypes());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.message).toMatch(/would pass the 3000 ms time budget/);
    expect(error).toMatchObject({ statusCode: 429, errorCode: "REQUEST_LIMIT_EXCEEDED" });
  });

  it("a hung answer is cut by the attempt timeout and retried (reads)", async () => {
    const { ws, workspace } = await setup({}, { attemptTimeoutMs: 300 });
    ws.faults.add({ method: "GET", kind: "delay", delayMs: 2000, times: 1 });
    const started = Date.now();
    expect((await workspace.listSparkVersions()).length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("auth failure: a clear error that never contains the token", async () => {
    const { ws } = await setup();
    const secret = "dapi0123456789abcdef-SECRET";
    const workspace = createSdkWorkspace({ host: ws.url, token: secret, baseDelayMs: 10 });
    const error = await caught(workspace.listSparkVersions());
    expect(error).toBeInstanceOf(WorkspaceApiError);
    expect(error).toMatchObject({ statusCode: 403, errorCode: "PERMISSION_DENIED" });
    expect(error.message).toContain("Invalid access token.");
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
  });

  it("does not read DATABRICKS_* variables or ~/.databrickscfg", async () => {
    const { ws } = await setup();
    const saved = { ...process.env };
    process.env.DATABRICKS_CLIENT_ID = "someone-else";
    process.env.DATABRICKS_CLIENT_SECRET = "s";
    process.env.DATABRICKS_CONFIG_PROFILE = "does-not-exist";
    try {
      const workspace = createSdkWorkspace({ host: ws.url, token: ws.token });
      expect((await workspace.listSparkVersions()).length).toBeGreaterThan(0);
    } finally {
      process.env = saved;
    }
  });
});
