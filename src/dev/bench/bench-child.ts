/**
 * One phase of the engine benchmark, run in its own Node process so that its peak memory
 * (process.resourceUsage().maxRSS) is the phase's own: the read+parse baseline, a plan, or an apply, against a
 * local workspace served by the parent process. Prints one JSON line: wall time of the phase (not of start-up),
 * peak RSS and the adapter's request count.
 * Usage (from the bundle): node bench-child.mjs '{"phase":"plan","repoDir":"…","host":"…","token":"…"}'
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import matter from "gray-matter";
import type { Logger } from "../../domain/model.js";
import { runApply, runPlan } from "../../engine/index.js";
import { createSdkWorkspace } from "../../adapters/databricks/sdk-workspace.js";
import type { Workspace, WorkspaceRequestStats } from "../../adapters/databricks/port.js";

/** Counts the creates and the time between the first sent and the last answered. */
function timeCreates(workspace: Workspace): () => { count: number; windowMs: number } {
  const create = workspace.createJob.bind(workspace);
  let first: number | undefined;
  let last = 0;
  let count = 0;
  workspace.createJob = async (settings) => {
    first ??= performance.now();
    try {
      return await create(settings);
    } finally {
      count += 1;
      last = performance.now();
    }
  };
  return () => ({ count, windowMs: first === undefined ? 0 : Math.round(last - first) });
}

export interface ChildArgs {
  phase: "baseline" | "write-floor" | "plan" | "apply";
  repoDir: string;
  host?: string;
  token?: string;
  concurrency?: number;
}

export interface ChildResult {
  phase: ChildArgs["phase"];
  ms: number;
  maxRssMb: number;
  requests: number;
  ok: boolean;
  message?: string;
  counts?: Record<string, number>;
  /** The adapter's request accounting (429s, learned limits). */
  requestStats?: WorkspaceRequestStats;
  /** Wall time (ms) of each of the engine's log groups. */
  groups?: Record<string, number>;
  /** Creates made and the time from the first create sent to the last one answered (apply). */
  creates?: { count: number; windowMs: number };
}

/** Wall time of each of the engine's log groups (Tech Lead, validate and plan, apply…), summed by name. */
const groups: Record<string, number> = {};
const silent: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  group: async (name, fn) => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      groups[name] = Math.round((groups[name] ?? 0) + performance.now() - start);
    }
  },
};

/**
 * The floor: read every requirement file and parse its front matter (gray-matter, its default YAML engine), one
 * file after the other with synchronous reads — the fastest plain way to read small files in Node (an awaited
 * `fs.promises.readFile` per file is about 3× slower: it makes the floor look higher and every ratio better). The
 * issue measured this floor at ≈ 0.12 s for 1,000 files on a 2-CPU machine.
 */
function baseline(repoDir: string): number {
  const dir = join(repoDir, "jobs");
  const names = readdirSync(dir).filter((n) => n.endsWith(".md"));
  let keys = 0;
  for (const name of names) {
    const text = readFileSync(join(dir, name), "utf8");
    keys += Object.keys(matter(text).data).length;
  }
  return keys;
}

/**
 * What a first plan must do beyond reading: create one task file per job. The task files a plan wrote are read
 * (not timed), then written again as new files the way the task store writes them (a temporary file, renamed), one
 * after the other, in a directory beside them on the same file system; the directory is removed after.
 * Creating a file costs several times reading one on most file systems.
 */
function writeFloor(repoDir: string): number {
  const dir = join(repoDir, "jobs", ".tasks");
  const texts = readdirSync(dir)
    .filter((n) => n.endsWith(".md") && n !== "progress.md")
    .map((n) => readFileSync(join(dir, n), "utf8"));
  const out = join(repoDir, ".write-floor");
  mkdirSync(out);
  try {
    const start = performance.now();
    texts.forEach((text, i) => {
      writeFileSync(join(out, `.${i}.tmp`), text);
      renameSync(join(out, `.${i}.tmp`), join(out, `${i}.md`));
    });
    return performance.now() - start;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function runPhase(args: ChildArgs): Promise<ChildResult> {
  const start = performance.now();
  if (args.phase === "baseline") {
    baseline(args.repoDir);
    return { phase: args.phase, ms: performance.now() - start, maxRssMb: 0, requests: 0, ok: true };
  }
  if (args.phase === "write-floor")
    return { phase: args.phase, ms: writeFloor(args.repoDir), maxRssMb: 0, requests: 0, ok: true };
  const workspace = createSdkWorkspace({ host: String(args.host), token: String(args.token) });
  const options = {
    repoDir: args.repoDir,
    jobsDir: "jobs",
    workspace,
    repo: "bench/repo",
    allowDelete: false,
    runId: "bench",
    log: silent,
    concurrency: args.concurrency ?? 8,
  };
  const result: ChildResult = { phase: args.phase, ms: 0, maxRssMb: 0, requests: 0, ok: true };
  const creates = timeCreates(workspace);
  if (args.phase === "plan") {
    const plan = await runPlan(options);
    result.ok = plan.valid;
    result.counts = { ...plan.counts };
    if (!plan.valid) result.message = plan.diagnostics.find((d) => d.severity === "error")?.message;
  } else {
    const applied = await runApply(options, { onPlanChange: "fail" });
    result.ok = applied.ok;
    if (applied.message) result.message = applied.message;
    result.counts = { tasks: applied.results.length };
  }
  result.ms = performance.now() - start;
  result.requests = workspace.callCount ?? 0;
  if (workspace.requestStats) result.requestStats = workspace.requestStats();
  result.creates = creates();
  result.groups = { ...groups };
  return result;
}

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
const result = await runPhase(args);
result.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
result.ms = Math.round(result.ms);
// BENCH_MEM=1 (with node --expose-gc): what the phase left on the heap, to tell retention from transient garbage.
if (process.env.BENCH_MEM) {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  process.stderr.write(
    `heapUsed ${Math.round(m.heapUsed / 1048576)} MB, heapTotal ${Math.round(m.heapTotal / 1048576)} MB, rss ${Math.round(m.rss / 1048576)} MB, external ${Math.round(m.external / 1048576)} MB\n`,
  );
}
process.stdout.write(`${JSON.stringify(result)}\n`);
