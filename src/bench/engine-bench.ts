/**
 * Engine benchmark (run by `npm run bench` through scripts/bench.mjs): plan/apply/re-plan of N managed jobs against
 * the local workspace over real HTTP, with API calls per phase (reads must use list pages, not one GET per job),
 * wall time and peak memory; plus validation throughput over generated specs. Prints figures; asserts nothing.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../domain/model.js";
import { runApply, runPlan } from "../engine/index.js";
import { startLocalWorkspace } from "../local-workspace/index.js";
import { createSdkWorkspace } from "../workspace/sdk-workspace.js";
import { validateJobSettings } from "../validate/index.js";

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

export async function benchEngine(jobs: number): Promise<{ jobs: number; phases: PhaseFigure[]; peakRssMb: number; validatePerJobMs: number }> {
  const local = await startLocalWorkspace({ runStepMs: 5 });
  const workspace = createSdkWorkspace({ host: local.url, token: local.token });
  const repoDir = await mkdtemp(join(tmpdir(), "jobagent-bench-"));
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await mkdir(join(repoDir, "jobs"), { recursive: true });
    for (let i = 0; i < jobs; i++) await writeFile(join(repoDir, "jobs", `job-${String(i).padStart(4, "0")}.md`), requirement(i));
    const options = { repoDir, jobsDir: "jobs", workspace, repo: "bench/repo", allowDelete: false, runId: "bench", log: silent, concurrency: 8 };
    const phases: PhaseFigure[] = [];
    const phase = async (name: string, fn: () => Promise<unknown>) => {
      local.resetStats();
      const start = performance.now();
      await fn();
      const byEndpoint = local.stats();
      const apiCalls = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
      phases.push({ phase: name, ms: Math.round(performance.now() - start), apiCalls, byEndpoint });
    };
    await phase(`plan (${jobs} new jobs)`, () => runPlan(options));
    await phase(`apply (${jobs} creates)`, () => runApply(options, { onPlanChange: "fail" }));
    await phase(`plan (${jobs} managed, unchanged)`, () => runPlan(options));
    const specs = Array.from({ length: 2000 }, (_, i) => ({ name: `v${i}`, tasks: [{ task_key: "a", existing_cluster_id: "c", notebook_task: { notebook_path: "/Workspace/x" } }] }));
    const start = performance.now();
    for (const spec of specs) validateJobSettings(spec, { file: "bench.md" });
    const validatePerJobMs = (performance.now() - start) / specs.length;
    return { jobs, phases, peakRssMb: Math.round(peak / 1024 / 1024), validatePerJobMs };
  } finally {
    clearInterval(sample);
    await local.close();
    await rm(repoDir, { recursive: true, force: true });
  }
}
