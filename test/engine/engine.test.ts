// The engine end to end: requirement files in a temp repo → task files → plan → apply against the local workspace
// through the official SDK over real HTTP.
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/api.js";
import { readStatus, runApply, runPlan } from "../../src/engine/index.js";
import { acquireWorkspaceLock } from "../../src/state/workspace-lock.js";
import { parseTaskFile } from "../../src/state/task-file.js";
import type { Logger, WorkspaceJob } from "../../src/domain/model.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, group: (_n, fn) => fn() };

const ORDERS = `---
job:
  name: orders-daily
  schedule:
    quartz_cron_expression: "0 0 6 ? * MON-FRI"
    timezone_id: Europe/Berlin
  job_clusters:
    - job_cluster_key: etl
      new_cluster:
        spark_version: 15.4.x-scala2.12
        node_type_id: i3.xlarge
        num_workers: 2
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/orders/ingest
    - task_key: aggregate
      depends_on: [{ task_key: ingest }]
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/orders/aggregate
---
Orders every weekday at 6:00 Berlin time.
`;

const BUNDLE = `---
resources:
  jobs:
    sales_report:
      name: sales-report
      tasks:
        - task_key: report
          sql_task:
            warehouse_id: WAREHOUSE_ID
            file:
              path: /Workspace/Shared/reports/sales.sql
    sales_cleanup:
      name: sales-cleanup
      tasks:
        - task_key: cleanup
          existing_cluster_id: CLUSTER_ID
          spark_python_task:
            python_file: /Workspace/Shared/reports/cleanup.py
---
Two jobs pasted from a bundle.
`;

let local: LocalWorkspace;
let workspace: Workspace;
let repoDir: string;
let options: EngineOptions;

async function firstOf<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function allJobs(): Promise<WorkspaceJob[]> {
  return firstOf(workspace.listJobs({ expandTasks: true }));
}

async function write(file: string, text: string): Promise<void> {
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  await writeFile(join(repoDir, "jobs", file), text);
}

beforeEach(async () => {
  local = await startLocalWorkspace({ runStepMs: 5 });
  workspace = createSdkWorkspace({ host: local.url, token: local.token });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-engine-"));
  const warehouses = await workspace.listWarehouses();
  const clusters = await fetch(`${local.url}/api/2.0/clusters/list`, {
    headers: { Authorization: `Bearer ${local.token}` },
  }).then((r) => r.json() as Promise<{ clusters?: Array<{ cluster_id: string }> }>);
  await write("orders-daily.md", ORDERS);
  await write(
    "sales.md",
    BUNDLE.replace("WAREHOUSE_ID", warehouses[0]?.id ?? "missing").replace(
      "CLUSTER_ID",
      clusters.clusters?.[0]?.cluster_id ?? "missing",
    ),
  );
  await seedPaths([
    "/Workspace/Shared/orders/ingest",
    "/Workspace/Shared/orders/aggregate",
    "/Workspace/Shared/reports/sales.sql",
    "/Workspace/Shared/reports/cleanup.py",
  ]);
  options = {
    repoDir,
    jobsDir: "jobs",
    workspace,
    repo: "acme/data-jobs",
    allowDelete: false,
    runId: "test-run",
    log: silent,
  };
});

afterEach(async () => {
  await local.close();
  await rm(repoDir, { recursive: true, force: true });
});

async function seedPaths(paths: string[]): Promise<void> {
  for (const path of paths) {
    const dir = path.slice(0, path.lastIndexOf("/"));
    await fetch(`${local.url}/api/2.0/workspace/mkdirs`, {
      method: "POST",
      headers: { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ path: dir }),
    });
    const language = path.endsWith(".sql") ? "SQL" : "PYTHON";
    const res = await fetch(`${local.url}/api/2.0/workspace/import`, {
      method: "POST",
      headers: { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        path,
        format: path.includes(".") ? "AUTO" : "SOURCE",
        language,
        content: Buffer.from("# demo").toString("base64"),
        overwrite: true,
      }),
    });
    expect(res.status, `import ${path}`).toBeLessThan(300);
  }
}

describe("plan → apply → plan", () => {
  it("creates every job once, records the truth in the task files, and then plans no changes", async () => {
    const plan = await runPlan(options);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(plan.valid).toBe(true);
    expect(plan.counts).toMatchObject({ create: 3, update: 0, delete: 0 });
    expect((await allJobs()).length).toBe(0); // plan never changes the workspace

    const status = await readStatus(options);
    expect(status.counts.PLANNED).toBe(3);

    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.failureReason).toBeUndefined();
    expect(applied.ok).toBe(true);
    expect(applied.results.map((r) => r.status)).toEqual(["COMPLETE", "COMPLETE", "COMPLETE"]);

    const jobs = await allJobs();
    expect(jobs.map((j) => j.settings.name).sort()).toEqual([
      "orders-daily",
      "sales-cleanup",
      "sales-report",
    ]);
    for (const job of jobs) expect(job.settings.tags?.["jobagent-repo"]).toBe("acme/data-jobs");

    const after = await readStatus(options);
    expect(after.counts.COMPLETE).toBe(3);
    for (const task of after.tasks) expect(jobs.map((j) => j.job_id)).toContain(task.jobId);

    const again = await runPlan(options);
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0, run: 0, noop: 3 });
    expect(again.changes.flatMap((c) => c.fields)).toEqual([]);
  });

  it("plans an edit as a field-level update and applies only what changed", async () => {
    await runPlan(options);
    await runApply(options, { onPlanChange: "fail" });
    await write(
      "orders-daily.md",
      ORDERS.replace('"0 0 6 ? * MON-FRI"', '"0 30 7 ? * MON-FRI"').replace(
        "num_workers: 2",
        "num_workers: 4",
      ),
    );
    const plan = await runPlan(options);
    expect(plan.counts).toMatchObject({ create: 0, update: 1, noop: 2 });
    const change = plan.changes.find((c) => c.op === "update");
    expect(change?.fields.map((f) => f.path).sort()).toEqual([
      "job_clusters[etl].new_cluster.num_workers",
      "schedule.quartz_cron_expression",
    ]);
    expect(change?.request?.endpoint).toBe("jobs/update");
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok).toBe(true);
    const job = (await allJobs()).find((j) => j.settings.name === "orders-daily");
    expect(
      (job?.settings.schedule as { quartz_cron_expression?: string } | undefined)?.quartz_cron_expression,
    ).toBe("0 30 7 ? * MON-FRI");
    expect((await runPlan(options)).counts.update).toBe(0);
  });

  it("refuses with plan-changed when the requirement changed after the plan, and applies nothing", async () => {
    await runPlan(options);
    await write("orders-daily.md", ORDERS.replace("num_workers: 2", "num_workers: 8"));
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok).toBe(false);
    expect(applied.failureReason).toBe("plan-changed");
    expect((await allJobs()).length).toBe(0);
  });

  it("refuses with plan-changed when the approved plan hash is not the recorded one", async () => {
    await runPlan(options);
    const applied = await runApply(options, { onPlanChange: "fail", approvedPlanHash: "0000000000000000" });
    expect(applied.failureReason).toBe("plan-changed");
    expect((await allJobs()).length).toBe(0);
  });

  it("refuses with plan-changed when the job changed in the workspace after the plan (the before values are hashed)", async () => {
    await runPlan(options);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    await write("orders-daily.md", ORDERS.replace("num_workers: 2", "num_workers: 4"));
    const plan = await runPlan(options);
    expect(plan.counts.update).toBe(1);
    // Someone else (another checkout's apply, the UI) sets the field the plan changes, to another value.
    const job = (await allJobs()).find((j) => j.settings.name === "orders-daily")!;
    const clusters = structuredClone(job.settings.job_clusters)!;
    clusters[0]!.new_cluster!.num_workers = 6;
    await workspace.updateJob(job.job_id, { job_clusters: clusters }, []);
    const replanned = await runPlan(options, { record: false });
    expect(replanned.planHash).not.toBe(plan.planHash);
    const applied = await runApply(options, { onPlanChange: "fail", approvedPlanHash: plan.planHash });
    expect(applied.ok).toBe(false);
    expect(applied.failureReason).toBe("plan-changed");
    const after = (await allJobs()).find((j) => j.settings.name === "orders-daily")!;
    expect(after.settings.job_clusters?.[0]?.new_cluster?.num_workers).toBe(6);
  });

  it("reports locked, naming the holder, when another apply holds the workspace lock", async () => {
    await runPlan(options);
    const lease = await acquireWorkspaceLock(workspace, {
      project: options.repo,
      holder: "other-run",
      where: "https://github.com/acme/x/actions/runs/1",
      seconds: 600,
      now: () => new Date(),
    });
    try {
      const applied = await runApply(options, { onPlanChange: "fail" });
      expect(applied.failureReason).toBe("locked");
      expect(applied.message).toContain("other-run");
      expect(applied.message).toContain("jobagent unlock");
      expect((await allJobs()).length).toBe(0);
    } finally {
      await lease.release();
    }
  });

  it("reports drift and restores the job; deletes a removed requirement's job only with allow-delete", async () => {
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    const orders = first.results.find((r) => r.jobName === "orders-daily")?.jobId as number;
    await workspace.updateJob(orders, { max_concurrent_runs: 7 }, []);
    const drift = await runPlan(options, { record: false, drift: true });
    const change = drift.changes.find((c) => c.jobId === orders);
    expect(change?.op).toBe("update");
    expect(change?.drift.map((f) => f.path)).toContain("max_concurrent_runs");

    await rm(join(repoDir, "jobs", "sales.md"));
    const blocked = await runPlan(options);
    expect(blocked.counts.delete).toBe(0);
    expect(blocked.blocked.map((b) => b.reason).join(" ")).toMatch(/allow-delete/);
    const withDelete = { ...options, allowDelete: true };
    const plan = await runPlan(withDelete);
    expect(plan.counts).toMatchObject({ delete: 2, update: 1 });
    const applied = await runApply(withDelete, { onPlanChange: "fail" });
    expect(applied.ok).toBe(true);
    expect((await allJobs()).map((j) => j.settings.name)).toEqual(["orders-daily"]);
    expect((await allJobs())[0]?.settings.max_concurrent_runs ?? 1).toBe(1);
    expect((await runPlan(withDelete)).counts).toMatchObject({ create: 0, update: 0, delete: 0 });
  });

  it("never touches a job it does not own: update without adopt is an error, nothing applied", async () => {
    const foreign = await workspace.createJob({
      name: "finance-close",
      tasks: [
        {
          task_key: "t",
          existing_cluster_id: "x",
          notebook_task: { notebook_path: "/Workspace/Shared/orders/ingest" },
        },
      ],
    });
    await write(
      "finance.md",
      `---\nupdate:\n  job: finance-close\n  set:\n    max_concurrent_runs: 3\n---\nAllow three concurrent runs.\n`,
    );
    const plan = await runPlan(options);
    expect(plan.valid).toBe(false);
    const error = plan.diagnostics.find((d) => d.code === "ownership.not-managed");
    expect(error?.file).toBe("jobs/finance.md");
    expect(error?.fix).toMatch(/adopt: true/);
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.failureReason).toBe("validation-failed");
    expect((await workspace.getJob(foreign))?.settings.max_concurrent_runs ?? 1).toBe(1);
    expect((await allJobs()).length).toBe(1);
  });

  it("writes task files whose front matter tells the state and history", async () => {
    await runPlan(options);
    await runApply(options, { onPlanChange: "fail" });
    const status = await readStatus(options);
    const task = status.tasks.find((t) => t.jobName === "orders-daily");
    const parsed = parseTaskFile(task?.file ?? "", await readFile(join(repoDir, task?.file ?? ""), "utf8"));
    expect(parsed.status).toBe("COMPLETE");
    expect(parsed.history.map((h) => h.to)).toEqual(["PENDING", "PLANNED", "IN_PROGRESS", "COMPLETE"]);
    const progress = await readFile(join(repoDir, "jobs", ".tasks", "progress.md"), "utf8");
    expect(progress).toMatch(
      /apply: `orders-daily\.orders[-_]daily` create "orders-daily" \(job \d+\) → COMPLETE/,
    );
  });

  it("compares grants through the Permissions API: no noise after create, a PUT when they change", async () => {
    const withAcl = ORDERS.replace(
      "job:\n  name: orders-daily\n",
      "job:\n  name: orders-daily\n  access_control_list:\n    - group_name: analysts\n      permission_level: CAN_VIEW\n",
    );
    await write("orders-daily.md", withAcl);
    await runPlan(options);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect((await runPlan(options)).counts).toMatchObject({ create: 0, update: 0 });

    await write(
      "orders-daily.md",
      withAcl.replace("permission_level: CAN_VIEW", "permission_level: CAN_MANAGE_RUN"),
    );
    const plan = await runPlan(options);
    const change = plan.changes.find((c) => c.op === "update");
    expect(change?.fields.map((f) => [f.path, f.category])).toEqual([["access_control_list", "permissions"]]);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    const job = (await allJobs()).find((j) => j.settings.name === "orders-daily") as WorkspaceJob;
    const acl = (await workspace.getJobPermissions(job.job_id)).access_control_list as Array<{
      group_name?: string;
      all_permissions: Array<{ permission_level: string }>;
    }>;
    expect(
      acl.find((e) => e.group_name === "analysts")?.all_permissions.map((p) => p.permission_level),
    ).toContain("CAN_MANAGE_RUN");
    expect((await runPlan(options)).counts).toMatchObject({ create: 0, update: 0 });
  });

  it("adopts a job the repo did not create only when told to, then keeps it in sync", async () => {
    const foreign = await workspace.createJob({
      name: "marketing-attribution",
      tags: { team: "marketing" },
      tasks: [
        {
          task_key: "attribution",
          existing_cluster_id: "0101-120000-abcd1234",
          notebook_task: { notebook_path: "/Workspace/Shared/orders/ingest" },
        },
      ],
    });
    const adopt = `---\nadopt: true\njob:\n  name: marketing-attribution\n  tags: {team: marketing}\n  max_concurrent_runs: 2\n  tasks:\n    - task_key: attribution\n      existing_cluster_id: 0101-120000-abcd1234\n      notebook_task: {notebook_path: /Workspace/Shared/orders/ingest}\n---\nTake over the marketing job.\n`;
    await write("marketing.md", adopt);
    const plan = await runPlan(options);
    expect(plan.valid).toBe(true);
    const change = plan.changes.find((c) => c.jobId === foreign);
    expect(change?.op).toBe("update");
    expect(plan.diagnostics.some((d) => d.code === "ownership.adopt")).toBe(true);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    const adopted = await workspace.getJob(foreign);
    expect(adopted?.settings.tags).toMatchObject({ team: "marketing", "jobagent-repo": "acme/data-jobs" });
    expect(adopted?.settings.max_concurrent_runs).toBe(2);
    expect((await runPlan(options)).changes.find((c) => c.jobId === foreign)?.op).toBe("no-op");
    await workspace.updateJob(foreign, { max_concurrent_runs: 9 }, []);
    expect((await runPlan(options)).changes.find((c) => c.jobId === foreign)?.op).toBe("update");
  });

  it("runs a job after creating it and reports a failed run as FAILED with its result and URL", async () => {
    await seedPaths(["/Workspace/Shared/orders/__fail__check"]);
    await write(
      "check.md",
      `---\njob:\n  name: data-check\n  tasks:\n    - task_key: check\n      existing_cluster_id: CLUSTER\n      notebook_task: {notebook_path: /Workspace/Shared/orders/__fail__check}\nrun:\n  job: data-check\n  wait: true\n---\nCreate the check and run it once.\n`.replace(
        "CLUSTER",
        "0101-120000-abcd1234",
      ),
    );
    await rm(join(repoDir, "jobs", "orders-daily.md"));
    await rm(join(repoDir, "jobs", "sales.md"));
    const plan = await runPlan(options);
    expect(plan.valid, JSON.stringify(plan.diagnostics)).toBe(true);
    expect(plan.counts).toMatchObject({ create: 1, run: 1 });
    const applied = await runApply(options, { onPlanChange: "fail", runWaitSeconds: 30 });
    expect(applied.ok).toBe(false);
    expect(applied.failureReason).toBe("apply-failed");
    const run = applied.results.find((r) => r.op === "run");
    expect(run?.status).toBe("FAILED");
    expect(run?.run?.result).toBe("FAILED");
    expect(run?.run?.url).toMatch(/^http/);
    expect(run?.error).toMatch(/ended FAILED/);
    expect(applied.results.find((r) => r.op === "create")?.status).toBe("COMPLETE");
    const status = await readStatus(options);
    expect(status.counts).toMatchObject({ COMPLETE: 1, FAILED: 1 });
  });

  it("explains in the task file which words of a prose requirement gave which field", async () => {
    await rm(join(repoDir, "jobs", "sales.md"));
    await write(
      "export.md",
      "# Customer export\n\nRun the notebook /Workspace/Shared/orders/ingest every weekday at 7:30 PM Berlin time on 2 workers (i3.xlarge, runtime 15.4.x-scala2.12). Retry twice.\n",
    );
    const plan = await runPlan(options);
    expect(plan.valid, JSON.stringify(plan.diagnostics)).toBe(true);
    const task = (await readStatus(options)).tasks.find((t) => t.requirement === "jobs/export.md");
    const body = await readFile(join(repoDir, task?.file ?? ""), "utf8");
    expect(parseTaskFile(task?.file ?? "", body).source).toBe("interpreter");
    expect(body).toContain("## Why each field has its value");
    expect(body).toMatch(/`schedule\.quartz_cron_expression` ← "[^"]*7:30 PM[^"]*"/);
    expect(body).toMatch(/max_retries` ← "[^"]*[Rr]etry twice/);
  });

  it("fills in the job_id of a run_job task from the job another task creates, in the same apply", async () => {
    await write(
      "orchestrator.md",
      `---\ndepends_on: [orders-daily.orders-daily]\njob:\n  name: orchestrator\n  tasks:\n    - task_key: run_orders\n      run_job_task: {}\n---\nRun the orders job.\n`,
    );
    const plan = await runPlan(options);
    expect(plan.valid, JSON.stringify(plan.diagnostics.filter((d) => d.severity === "error"))).toBe(true);
    expect(plan.counts.create).toBe(4);
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    const jobs = await allJobs();
    const orders = jobs.find((j) => j.settings.name === "orders-daily") as WorkspaceJob;
    const orchestrator = jobs.find((j) => j.settings.name === "orchestrator") as WorkspaceJob;
    expect((orchestrator.settings.tasks?.[0]?.run_job_task as { job_id?: number }).job_id).toBe(
      orders.job_id,
    );
    expect((await runPlan(options)).counts).toMatchObject({ create: 0, update: 0 });
  });
});

describe("code that is not in the workspace yet", () => {
  it("warns with the file, line, field and fix, and still plans and applies the job (the service accepts it)", async () => {
    await rm(join(repoDir, "jobs"), { recursive: true, force: true });
    await write(
      "orders-daily.md",
      ORDERS.replace("/Workspace/Shared/orders/aggregate", "/Workspace/Shared/orders/later"),
    );
    const plan = await runPlan(options);
    expect(plan.valid).toBe(true);
    const warning = plan.diagnostics.find((d) => d.code === "preflight.path");
    expect(warning).toMatchObject({
      severity: "warning",
      file: "jobs/orders-daily.md",
      line: 22, // the notebook_path line of the aggregate task
      path: "job.tasks[aggregate].notebook_task.notebook_path",
      value: "/Workspace/Shared/orders/later",
    });
    expect(warning?.message).toContain("does not exist in the workspace (yet)");
    expect(warning?.fix).toContain("upload the notebook to /Workspace/Shared/orders/later");
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok).toBe(true);
    const [job] = await allJobs();
    expect(job.settings.tasks?.find((t) => t.task_key === "aggregate")?.notebook_task?.notebook_path).toBe(
      "/Workspace/Shared/orders/later",
    );
  });
});

describe("a prose requirement after its job exists", () => {
  it("stays the job it created: the re-plan is a no-op, not an update of 'the job that runs this notebook'", async () => {
    await rm(join(repoDir, "jobs"), { recursive: true, force: true });
    await write(
      "customer-export.md",
      "# Customer export\n\nRun the notebook /Workspace/Shared/orders/ingest every day at 2am UTC on 2 workers of i3.xlarge.\nEmail ops@example.com if it fails.\n",
    );
    const first = await runPlan(options);
    expect(first.counts).toMatchObject({ create: 1, update: 0, delete: 0 });
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    const again = await runPlan(options);
    expect(again.blocked).toEqual([]);
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0, run: 0 });
    expect(again.changes.map((c) => c.op)).toEqual(["no-op"]);
  });
});
