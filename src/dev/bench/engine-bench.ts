/**
 * Engine benchmark (run by `npm run bench` through scripts/bench.mjs). For 100 and 1,000 requirement files (and
 * 10,000 with `large`), each a job with two tasks on a job cluster, a schedule and a notification: the read+parse
 * baseline, the first plan, the apply of every create and the re-plan with nothing changed, each in its own child
 * process (peak RSS is the phase's own) against a local workspace served from this process over real HTTP, with
 * the requests the workspace received per endpoint. Then an apply under a writes-per-second limit enforced by the
 * local workspace. Figures only; bench-report.ts compares them with the goals.
 */
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startLocalWorkspace, type LocalWorkspace } from "../local-workspace/index.js";
import type { ChildArgs, ChildResult } from "./bench-child.js";

const run = promisify(execFile);

export function requirement(i: number): string {
  return `---
job:
  name: bench-job-${i}
  schedule:
    quartz_cron_expression: "0 ${i % 60} ${i % 24} ? * MON-FRI"
    timezone_id: Europe/Berlin
  email_notifications:
    on_failure: [data-team@example.com]
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
---
Bench job ${i}: ingest then transform the orders, weekdays; mail the data team on failure.
`;
}

export interface PhaseFigure extends ChildResult {
  /** Requests the local workspace received, keyed "METHOD /path" (429 answers as "429 METHOD /path"). */
  byEndpoint: Record<string, number>;
  reads: number;
  writes: number;
  rejected429: number;
}

export interface SizeFigures {
  files: number;
  /** Median of every baseline run of this size (the slope row compares sizes with it). */
  baselineMs: number;
  /** Each with the baseline run just before it, which its ratio is taken against. */
  firstPlan: PhaseFigure & { baselineMs: number };
  /** Writing the task files the first plan wrote, as new files (temporary file + rename), one after the other. */
  writeFloorMs: number;
  apply: PhaseFigure;
  replan: PhaseFigure & { baselineMs: number };
}

export interface RateLimitedFigures {
  jobs: number;
  writesPerSecond: number;
  apply: PhaseFigure;
  jobsPerSecond: number;
  fractionOfLimit: number;
}

export interface EngineBench {
  sizes: SizeFigures[];
  rateLimited: RateLimitedFigures;
}

export interface BenchOptions {
  /** The bundled bench-child.ts (an .mjs file) run for every phase. */
  childScript: string;
  sizes: number[];
  rateLimitedJobs?: number;
  writesPerSecond?: number;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
}

async function writeRequirements(repoDir: string, files: number): Promise<void> {
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  const width = String(files - 1).length;
  for (let i = 0; i < files; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(files, i + 100); j++)
      batch.push(
        writeFile(join(repoDir, "jobs", `job-${String(j).padStart(width, "0")}.md`), requirement(j)),
      );
    await Promise.all(batch);
  }
}

async function child(script: string, args: ChildArgs): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [script, JSON.stringify(args)], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  const line = stdout.trim().split("\n").at(-1) ?? "{}";
  return JSON.parse(line) as ChildResult;
}

async function phase(
  script: string,
  local: LocalWorkspace,
  args: Omit<ChildArgs, "host" | "token">,
): Promise<PhaseFigure> {
  local.resetStats();
  const result = await child(script, { ...args, host: local.url, token: local.token });
  const byEndpoint = local.stats();
  let reads = 0;
  let writes = 0;
  let rejected429 = 0;
  for (const [key, n] of Object.entries(byEndpoint)) {
    if (key.startsWith("429 ")) rejected429 += n;
    else if (key.startsWith("GET ")) reads += n;
    else writes += n;
  }
  // A request refused with 429 was counted under its endpoint too: it is neither a read nor a write that happened.
  return { ...result, byEndpoint, reads, writes: writes - rejected429, rejected429 };
}

/**
 * `run` made `times` times (`reset` before each, e.g. removing the task files a first plan wrote), each time right
 * after a run of the read+parse baseline over the same files: the pair whose ratio is the median. This VM's speed
 * drifts by tens of percent within minutes; a ratio taken from two runs seconds apart is steadier than one from
 * medians taken minutes apart, and one slow or fast run decides neither a baseline nor a ratio.
 */
async function pairedMedian<T extends { ms: number }>(
  times: number,
  baseline: () => Promise<number>,
  run: () => Promise<T>,
  reset?: () => Promise<void>,
): Promise<{ figure: T; baselineMs: number; baselines: number[] }> {
  const pairs: Array<{ figure: T; baselineMs: number }> = [];
  for (let i = 0; i < times; i++) {
    if (reset) await reset();
    const baselineMs = await baseline();
    pairs.push({ figure: await run(), baselineMs });
  }
  const ratio = (p: { figure: T; baselineMs: number }) => p.figure.ms / Math.max(1, p.baselineMs);
  pairs.sort((a, b) => ratio(a) - ratio(b));
  return { ...pairs[Math.floor(pairs.length / 2)]!, baselines: pairs.map((p) => p.baselineMs) };
}

async function benchSize(opts: BenchOptions, files: number): Promise<SizeFigures> {
  const local = await startLocalWorkspace({ runStepMs: 5 });
  const repoDir = await mkdtemp(join(tmpdir(), "jobagent-bench-"));
  try {
    await writeRequirements(repoDir, files);
    const baseline = async () => (await child(opts.childScript, { phase: "baseline", repoDir })).ms;
    // The first plan writes task files and records nothing in the workspace: removing them makes the next run a
    // first plan again. (10,000 files: once, it takes long enough not to be noise.)
    const times = files >= 10_000 ? 1 : 3;
    const first = await pairedMedian(
      times,
      baseline,
      () => phase(opts.childScript, local, { phase: "plan", repoDir }),
      () => rm(join(repoDir, "jobs", ".tasks"), { recursive: true, force: true }),
    );
    opts.progress?.(`  ${files} files: first plan ${first.figure.ms} ms (baseline ${first.baselineMs} ms)`);
    const writeFloorMs = (await child(opts.childScript, { phase: "write-floor", repoDir })).ms;
    const apply = await phase(opts.childScript, local, { phase: "apply", repoDir });
    opts.progress?.(`  ${files} files: apply ${apply.ms} ms`);
    const re = await pairedMedian(times, baseline, () =>
      phase(opts.childScript, local, { phase: "plan", repoDir }),
    );
    opts.progress?.(`  ${files} files: re-plan ${re.figure.ms} ms (baseline ${re.baselineMs} ms)`);
    for (const p of [first.figure, apply, re.figure])
      if (!p.ok) throw new Error(`bench: ${p.phase} of ${files} files failed: ${p.message ?? ""}`);
    const all = [...first.baselines, ...re.baselines].sort((a, b) => a - b);
    return {
      files,
      baselineMs: all[Math.floor(all.length / 2)]!,
      firstPlan: { ...first.figure, baselineMs: first.baselineMs },
      writeFloorMs,
      apply,
      replan: { ...re.figure, baselineMs: re.baselineMs },
    };
  } finally {
    await local.close();
    await rm(repoDir, { recursive: true, force: true });
  }
}

/** Apply of `jobs` creates against a workspace that allows `writesPerSecond` writes (429 + Retry-After beyond). */
async function benchRateLimited(
  opts: BenchOptions,
  jobs: number,
  writesPerSecond: number,
): Promise<RateLimitedFigures> {
  const local = await startLocalWorkspace({
    runStepMs: 5,
    rateLimitPerSecond: writesPerSecond,
    rateLimitScope: "writes",
  });
  const repoDir = await mkdtemp(join(tmpdir(), "jobagent-bench-rl-"));
  try {
    await writeRequirements(repoDir, jobs);
    await phase(opts.childScript, local, { phase: "plan", repoDir });
    const apply = await phase(opts.childScript, local, { phase: "apply", repoDir });
    if (!apply.ok) throw new Error(`bench: rate-limited apply failed: ${apply.message ?? ""}`);
    // Throughput of the writes: creates from the first sent to the last answered (the re-plan before is not limited).
    const windowMs = Math.max(1, apply.creates?.windowMs ?? apply.ms);
    const jobsPerSecond = (apply.creates?.count ?? jobs) / (windowMs / 1000);
    return {
      jobs,
      writesPerSecond,
      apply,
      jobsPerSecond: Number(jobsPerSecond.toFixed(2)),
      fractionOfLimit: Number((jobsPerSecond / writesPerSecond).toFixed(3)),
    };
  } finally {
    await local.close();
    await rm(repoDir, { recursive: true, force: true });
  }
}

export async function benchEngine(opts: BenchOptions): Promise<EngineBench> {
  const sizes: SizeFigures[] = [];
  for (const files of opts.sizes) sizes.push(await benchSize(opts, files));
  const rateLimited = await benchRateLimited(opts, opts.rateLimitedJobs ?? 400, opts.writesPerSecond ?? 20);
  opts.progress?.(`  rate-limited apply: ${rateLimited.apply.ms} ms`);
  return { sizes, rateLimited };
}
