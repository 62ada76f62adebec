/**
 * Engine benchmark (run by `npm run bench` through scripts/bench.mjs): plan/apply/re-plan of N managed jobs against
 * the local workspace over real HTTP, with API calls per phase (reads must use list pages, not one GET per job),
 * wall time and peak memory; plus validation throughput over generated specs. Prints figures; asserts nothing.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../domain/model.js";
import { runApply, runPlan } from "../../engine/index.js";
import { startLocalWorkspace } from "../local-workspace/index.js";
import { createSdkWorkspace } from "../../adapters/databricks/sdk-workspace.js";
import { validateJobSettings } from "../../worker/validate/index.js";
import { readStatus } from "../../engine/index.js";
import { FileTaskStore } from "../../state/task-store.js";
import { withOwnership } from "../../state/ownership.js";
import { diffJobSettings } from "../../domain/plan.js";

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, group: (_n, fn) => fn() };

function requirement(i: number): string {
  return `---
job:
  name: bench-job-${i}
  schedule:
    quartz_cron_expression: "0 ${i % 60} ${i % 24} ? * MON-FRI"
    timezone_id: Europe/Berlin
  job_clusters:
    - job_cluster_key: etl
      new_cluster: { spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: ${1 + (i % 8)} }
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task: { notebook_path: /Workspace/Shared/etl/ingest }
    - task_key: transform
      depends_on: [{ task_key: ingest }]
      job_cluster_key: etl
      notebook_task: { notebook_path: /Workspace/Shared/etl/transform }
    - task_key: report
      depends_on: [{ task_key: transform }]
      job_cluster_key: etl
      notebook_task: { notebook_path: /Workspace/Shared/etl/report }
---
Bench job ${i}.
`;
}

export interface PhaseFigure {
  phase: string;
  ms: number;
  apiCalls: number;
  byEndpoint: Record<string, number>;
}

export interface EngineBench {
  jobs: number;
  phases: PhaseFigure[];
  /** Same re-plan done naively: one jobs/get per managed job. */
  naive: PhaseFigure;
  /** Re-plan and naive re-plan again with 50 ms added to every read. */
  withLatency: PhaseFigure[];
  peakRssMb: number;
  validatePerJobMs: number;
  rateLimited?: {
    jobs: number;
    writesPerSecond: number;
    ms: number;
    jobsPerSecond: number;
    fractionOfLimit: number;
    retries429: number;
  };
}

async function writeRequirements(repoDir: string, jobs: number): Promise<void> {
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  for (let i = 0; i < jobs; i++)
    await writeFile(join(repoDir, "jobs", `job-${String(i).padStart(4, "0")}.md`), requirement(i));
}

export async function benchEngine(
  jobs: number,
  rateLimitedJobs = 200,
  writesPerSecond = 20,
): Promise<EngineBench> {
  const local = await startLocalWorkspace({ runStepMs: 5 });
  const workspace = createSdkWorkspace({ host: local.url, token: local.token });
  const repoDir = await mkdtemp(join(tmpdir(), "jobagent-bench-"));
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await writeRequirements(repoDir, jobs);
    const options = {
      repoDir,
      jobsDir: "jobs",
      workspace,
      repo: "bench/repo",
      allowDelete: false,
      runId: "bench",
      log: silent,
      concurrency: 8,
    };
    const phases: PhaseFigure[] = [];
    const phase = async (name: string, fn: () => Promise<unknown>): Promise<PhaseFigure> => {
      local.resetStats();
      const start = performance.now();
      await fn();
      const byEndpoint = local.stats();
      const apiCalls = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
      return { phase: name, ms: Math.round(performance.now() - start), apiCalls, byEndpoint };
    };
    phases.push(await phase(`plan (${jobs} new jobs)`, () => runPlan(options)));
    phases.push(await phase(`apply (${jobs} creates)`, () => runApply(options, { onPlanChange: "fail" })));
    phases.push(await phase(`plan (${jobs} managed, unchanged)`, () => runPlan(options)));
    // The naive planner: read every managed job with its own jobs/get and diff it (what a simple tool does).
    const naivePlan = async () => {
      const store = new FileTaskStore(repoDir, "jobs");
      const { tasks } = await store.list();
      await readStatus(options);
      for (const task of tasks) {
        if (task.job_id === undefined || !task.spec.settings) continue;
        const actual = await workspace.getJob(task.job_id);
        if (actual)
          diffJobSettings(withOwnership(task.spec.settings, "bench/repo", task.id), actual.settings);
      }
    };
    const naive = await phase(`naive plan (one GET per job)`, naivePlan);
    // The same two re-plans with 50 ms per read, closer to a real workspace than a local server's ~0 ms.
    local.faults.add({ kind: "delay", method: "GET", delayMs: 50 });
    const withLatency = [
      await phase(`plan (${jobs} managed, unchanged, 50 ms/read)`, () => runPlan(options)),
      await phase(`naive plan (one GET per job, 50 ms/read)`, () => naivePlan()),
    ];
    local.faults.clear();
    const specs = Array.from({ length: 2000 }, (_, i) => ({
      name: `v${i}`,
      tasks: [{ task_key: "a", existing_cluster_id: "c", notebook_task: { notebook_path: "/Workspace/x" } }],
    }));
    const start = performance.now();
    for (const spec of specs) validateJobSettings(spec, { file: "bench.md" });
    const validatePerJobMs = (performance.now() - start) / specs.length;
    const result: EngineBench = {
      jobs,
      phases,
      naive,
      withLatency,
      peakRssMb: Math.round(peak / 1024 / 1024),
      validatePerJobMs,
    };
    if (rateLimitedJobs > 0) result.rateLimited = await benchRateLimited(rateLimitedJobs, writesPerSecond);
    return result;
  } finally {
    clearInterval(sample);
    await local.close();
    await rm(repoDir, { recursive: true, force: true });
  }
}

/** Apply of N jobs against a workspace that allows `writesPerSecond` writes (429 + Retry-After beyond it). */
async function benchRateLimited(
  jobs: number,
  writesPerSecond: number,
): Promise<NonNullable<EngineBench["rateLimited"]>> {
  const local = await startLocalWorkspace({
    runStepMs: 5,
    rateLimitPerSecond: writesPerSecond,
    rateLimitScope: "writes",
  });
  const workspace = createSdkWorkspace({ host: local.url, token: local.token });
  const repoDir = await mkdtemp(join(tmpdir(), "jobagent-bench-rl-"));
  try {
    await writeRequirements(repoDir, jobs);
    const options = {
      repoDir,
      jobsDir: "jobs",
      workspace,
      repo: "bench/repo",
      allowDelete: false,
      runId: "bench",
      log: silent,
      concurrency: 8,
    };
    await runPlan(options);
    local.resetStats();
    const start = performance.now();
    const result = await runApply(options, { onPlanChange: "fail" });
    const ms = performance.now() - start;
    if (!result.ok) throw new Error(`rate-limited apply failed: ${result.message ?? ""}`);
    const stats = local.stats();
    const retries429 = Object.entries(stats)
      .filter(([k]) => k.startsWith("429"))
      .reduce((a, [, v]) => a + v, 0);
    const jobsPerSecond = jobs / (ms / 1000);
    return {
      jobs,
      writesPerSecond,
      ms: Math.round(ms),
      jobsPerSecond: Number(jobsPerSecond.toFixed(2)),
      fractionOfLimit: Number((jobsPerSecond / writesPerSecond).toFixed(2)),
      retries429,
    };
  } finally {
    await local.close();
    await rm(repoDir, { recursive: true, force: true });
  }
}
