// A job unchanged since the last apply is not validated or compared again (issue #18): the apply records a
// fingerprint of what it left (worker/plan/unchanged.ts) and a later plan that finds the same fingerprint reports the
// no-op directly, saying so in --verbose. Through the real engine, the official SDK over HTTP and the local workspace
// reading back like the real service (defaults filled in). What must hold: the plan with the skip is the plan
// without it (every field of the result), and anything that changed — the job in the workspace, the requirement —
// is planned in full.
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineOptions, PlanResult } from "../../src/engine/api.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { Logger } from "../../src/domain/model.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const requirement = (name: string, workers = 2, extra = "") => `---
job:
  name: ${name}
  timeout_seconds: 3600
  email_notifications: { on_failure: [data@example.com] }
  schedule: { quartz_cron_expression: "0 15 1 * * ?", timezone_id: UTC }
  job_clusters:
    - job_cluster_key: etl
      new_cluster: { spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: ${workers} }
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      max_retries: 2
      notebook_task: { notebook_path: /Workspace/Shared/ingest }
${extra}---
The ${name} job.
`;

let local: LocalWorkspace;
let repoDir: string;
let debug: string[];

function options(): EngineOptions {
  debug = [];
  const log: Logger = {
    info() {},
    warn() {},
    error() {},
    debug: (line: string) => void debug.push(line),
    group: (_n, fn) => fn(),
  };
  return {
    repoDir,
    jobsDir: "jobs",
    workspace: createSdkWorkspace({ host: local.url, token: local.token }),
    repo: "acme/data-jobs",
    allowDelete: false,
    runId: "test-run",
    log,
  };
}

const skipped = () => debug.filter((l) => l.includes("unchanged since the last apply"));
const taskFiles = async () =>
  (await readdir(join(repoDir, "jobs/.tasks"))).filter((n) => n.endsWith(".md") && n !== "progress.md");

/** The plan as `--json` gives it (the lazily rendered markdown included: it is enumerable). */
const seen = (plan: PlanResult) => JSON.parse(JSON.stringify(plan)) as PlanResult;

async function api(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${local.url}/api/2.2/${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

beforeEach(async () => {
  local = await startLocalWorkspace({ runStepMs: 5, fidelity: "realistic" });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-unchanged-"));
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  await writeFile(join(repoDir, "jobs/orders.md"), requirement("orders"));
  await writeFile(join(repoDir, "jobs/refunds.md"), requirement("refunds"));
  await writeFile(
    join(repoDir, "jobs/granted.md"),
    requirement(
      "granted",
      2,
      "  access_control_list:\n    - { group_name: data-eng, permission_level: CAN_MANAGE_RUN }\n",
    ),
  );
  await runPlan(options());
  const applied = await runApply(options(), { onPlanChange: "fail" });
  expect(applied.ok, applied.message).toBe(true);
});

afterEach(async () => {
  await local.close();
  await rm(repoDir, { recursive: true, force: true });
});

describe("a job unchanged since the last apply", () => {
  it("is reported as a no-op without being checked again, and the plan is the one a full check gives", async () => {
    const fast = await runPlan(options());
    expect(fast.counts).toMatchObject({ create: 0, update: 0, noop: 3 });
    // The two jobs without grants are skipped; the one with grants is compared (its grants are read per job).
    expect(
      skipped()
        .map((l) => l.split(":")[0])
        .sort(),
    ).toEqual(["orders.orders", "refunds.refunds"]);
    const granted = await readFile(join(repoDir, "jobs/.tasks/granted.granted.md"), "utf8");
    expect(granted).not.toContain("observed_hash");

    // The same repository with the fingerprints removed is planned in full: the same result, field for field.
    for (const name of await taskFiles()) {
      const file = join(repoDir, "jobs/.tasks", name);
      await writeFile(file, (await readFile(file, "utf8")).replace(/^observed_hash: .*\n/m, ""));
    }
    const full = await runPlan(options(), { record: false });
    expect(skipped()).toEqual([]);
    expect(seen(fast)).toEqual(seen(full));
    expect(fast.markdown).toBe(full.markdown);
  });

  it("is planned in full once the job was changed in the workspace, and the drift is shown", async () => {
    const tasks = await readFile(join(repoDir, "jobs/.tasks/orders.orders.md"), "utf8");
    const jobId = Number(/^job_id: (\d+)$/m.exec(tasks)?.[1]);
    await api("jobs/update", { job_id: jobId, new_settings: { max_concurrent_runs: 4 } });
    const plan = await runPlan(options(), { record: false });
    expect(skipped().map((l) => l.split(":")[0])).toEqual(["refunds.refunds"]);
    const change = plan.changes.find((c) => c.taskId === "orders.orders");
    expect(change?.op).toBe("update");
    expect(change?.fields.map((f) => f.path)).toEqual(["max_concurrent_runs"]);
    expect(change?.warnings.map((w) => w.code)).toContain("drift.changed");
  });

  it("is planned in full once its requirement changed", async () => {
    await writeFile(join(repoDir, "jobs/orders.md"), requirement("orders", 4));
    const plan = await runPlan(options(), { record: false });
    expect(skipped().map((l) => l.split(":")[0])).toEqual(["refunds.refunds"]);
    const change = plan.changes.find((c) => c.taskId === "orders.orders");
    expect(change?.op).toBe("update");
    expect(change?.fields.map((f) => f.path)).toEqual(["job_clusters[etl].new_cluster.num_workers"]);
  });

  it("gets its fingerprint at the next apply when its task file has none (written by an earlier version)", async () => {
    for (const name of await taskFiles()) {
      const file = join(repoDir, "jobs/.tasks", name);
      await writeFile(file, (await readFile(file, "utf8")).replace(/^observed_hash: .*\n/m, ""));
    }
    await runPlan(options(), { record: false });
    expect(skipped()).toEqual([]);
    // An apply with nothing to change fingerprints the unchanged jobs from its listing; the next plan skips them.
    const applied = await runApply(options(), { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    expect(applied.results).toEqual([]);
    const again = await runPlan(options(), { record: false });
    expect(
      skipped()
        .map((l) => l.split(":")[0])
        .sort(),
    ).toEqual(["orders.orders", "refunds.refunds"]);
    expect(again.counts).toMatchObject({ create: 0, update: 0, noop: 3 });
    // Recording them once is enough: a further apply writes no task file.
    const before = await Promise.all(
      (await taskFiles()).map((n) => readFile(join(repoDir, "jobs/.tasks", n), "utf8")),
    );
    await runApply(options(), { onPlanChange: "fail" });
    const after = await Promise.all(
      (await taskFiles()).map((n) => readFile(join(repoDir, "jobs/.tasks", n), "utf8")),
    );
    expect(after).toEqual(before);
  });
});
