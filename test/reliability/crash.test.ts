/**
 * Suite 1 — crash at every point. An apply of 20 jobs with dependencies (five requirement files) runs as a real child
 * process (dist/cli.js) against the local workspace through a counting proxy. For every k the proxy freezes the client
 * at its k-th API call and the test SIGKILLs it:
 *   - "before": calls 1..k were answered, call k+1 never reaches the workspace;
 *   - "after-commit": call k reached the workspace and was committed, but its answer never reached the client
 *     (run for every k whose call is a write, the case find-before-create exists for).
 * Then `apply` is rerun (and, only if it answers plan-changed, `plan` + `apply`; the count is reported). Asserted for
 * every k: the workspace holds exactly the 20 intended jobs (one per ownership tag, none missing, none duplicated),
 * every task file is COMPLETE with the job id the workspace has, no lease is left, and a third `plan` has no changes.
 */
import { cp } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import {
  allJobs,
  byTaskTag,
  cleanupTempDirs,
  describeRun,
  failureReason,
  makeRepo,
  parseJsonOutput,
  mapLimit,
  planCounts,
  readTaskFiles,
  runCli,
  spawnCli,
  tempDir,
  type CliResult,
} from "../support/reliability-harness.js";
import { twentyJobs } from "../support/reliability-fixtures.js";
import { startCountingProxy, type CallRecord, type FreezeMode } from "../support/reliability-proxy.js";

const REPO = "acme/crash-suite";
const TOKEN = "dapi-crash-suite-0123456789abcdef";
const { files, taskIds, names } = twentyJobs("Crash");
const PARALLEL = Number(process.env.JOBAGENT_CRASH_PARALLEL ?? 3);

interface CaseOutcome {
  k: number;
  mode: FreezeMode;
  frozenAt?: CallRecord;
  killed: boolean;
  replanned: boolean;
  replanReason?: string;
  /** API calls the interrupted apply made (all of them when it finished before the freeze point). */
  calls: number;
  problems: string[];
  ms: number;
}

let template: string;
let calibration: CallRecord[] = [];

async function freshCase(): Promise<{ repoDir: string; ws: LocalWorkspace }> {
  const repoDir = path.join(await tempDir("jobagent-crash-"), "repo");
  await cp(template, repoDir, { recursive: true });
  const ws = await startLocalWorkspace({ token: TOKEN });
  return { repoDir, ws };
}

/** The convergence oracle: workspace, task files, lease, and a third plan. Returns the problems found. */
async function checkConverged(repoDir: string, ws: LocalWorkspace): Promise<string[]> {
  const problems: string[] = [];
  const groups = byTaskTag(await allJobs(ws), REPO);
  for (const id of taskIds) {
    const jobs = groups.get(id) ?? [];
    if (jobs.length === 0) problems.push(`job for ${id} is missing`);
    if (jobs.length > 1)
      problems.push(`job for ${id} exists ${jobs.length} times (${jobs.map((j) => j.job_id).join(", ")})`);
    if (jobs[0] && jobs[0].settings.name !== names.get(id))
      problems.push(`job for ${id} is named "${jobs[0].settings.name}"`);
  }
  for (const tag of groups.keys())
    if (!taskIds.includes(tag)) problems.push(`unexpected managed job tagged ${tag}`);
  const tasks = await readTaskFiles(repoDir);
  for (const id of taskIds) {
    const task = tasks.find((t) => t.id === id);
    if (!task) {
      problems.push(`task file for ${id} is missing`);
      continue;
    }
    if (task.status !== "COMPLETE")
      problems.push(
        `task ${id} is ${task.status}, not COMPLETE (errors: ${task.errors?.join("; ") ?? "none"})`,
      );
    const job = groups.get(id)?.[0];
    if (job && task.job_id !== job.job_id)
      problems.push(`task ${id} records job_id ${task.job_id}, the workspace has job ${job.job_id}`);
  }
  if (existsSync(path.join(repoDir, "jobs/.tasks/.lease.json")))
    problems.push("the apply lease was left behind");
  const third = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
  if (third.code !== 0) problems.push(`third plan failed: ${describeRun(third)}`);
  else {
    const counts = planCounts(third);
    if (counts.create + counts.update + counts.delete !== 0)
      problems.push(`third plan is not empty: ${JSON.stringify(counts)}`);
  }
  return problems;
}

async function runCase(k: number, mode: FreezeMode): Promise<CaseOutcome> {
  const started = Date.now();
  const { repoDir, ws } = await freshCase();
  const proxy = await startCountingProxy(ws.url, { at: k, mode });
  const outcome: CaseOutcome = { k, mode, killed: false, replanned: false, problems: [], ms: 0, calls: 0 };
  try {
    const { child, done } = spawnCli("apply", { repoDir, host: proxy.url, token: TOKEN, repo: REPO });
    const first = await Promise.race([
      proxy.frozen.then((record) => ({ record })),
      done.then((result) => ({ result })),
    ]);
    if ("record" in first) {
      outcome.frozenAt = first.record;
      child.kill("SIGKILL");
      outcome.killed = true;
    }
    const killedRun = await done;
    outcome.calls = proxy.calls;
    await proxy.close();
    if (outcome.killed && killedRun.signal !== "SIGKILL")
      outcome.problems.push(`apply was not killed: ${describeRun(killedRun)}`);

    let rerun: CliResult = await runCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
    if (rerun.code !== 0 && failureReason(rerun) === "plan-changed") {
      outcome.replanned = true;
      outcome.replanReason = parseJsonOutput<{ message?: string }>(rerun, "apply --json").message ?? "";
      const plan = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      if (plan.code !== 0) outcome.problems.push(`replan failed: ${describeRun(plan)}`);
      rerun = await runCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
    }
    if (rerun.code !== 0) outcome.problems.push(`rerun apply failed: ${describeRun(rerun)}`);
    outcome.problems.push(...(await checkConverged(repoDir, ws)));
  } finally {
    await proxy.close();
    await ws.close();
  }
  outcome.ms = Date.now() - started;
  return outcome;
}

describe("crash at every point: 20 jobs with dependencies, SIGKILL after the k-th API call", () => {
  beforeAll(async () => {
    // The template repo: requirements committed and planned (task files PLANNED), as after a reviewed PR.
    template = await makeRepo(files, "jobagent-crash-template-");
    const ws = await startLocalWorkspace({ token: TOKEN });
    try {
      const plan = await runCli("plan", { repoDir: template, host: ws.url, token: TOKEN, repo: REPO });
      expect(plan.code, describeRun(plan)).toBe(0);
      expect(planCounts(plan).create).toBe(20);
    } finally {
      await ws.close();
    }
  });

  afterAll(cleanupTempDirs);

  it("an uninterrupted apply through the proxy converges (calibration: counts the API calls)", async () => {
    const { repoDir, ws } = await freshCase();
    const proxy = await startCountingProxy(ws.url);
    try {
      const apply = await runCli("apply", { repoDir, host: proxy.url, token: TOKEN, repo: REPO });
      expect(apply.code, describeRun(apply)).toBe(0);
      calibration = [...proxy.log];
      expect(await checkConverged(repoDir, ws)).toEqual([]);
    } finally {
      await proxy.close();
      await ws.close();
    }
    expect(calibration.filter((c) => c.method === "POST" && c.path.endsWith("/jobs/create"))).toHaveLength(
      20,
    );
  });

  it("converges after a SIGKILL at every call k (before call k+1, and after the commit of every write k)", async () => {
    expect(calibration.length, "calibration must run first").toBeGreaterThan(0);
    const cases: Array<{ k: number; mode: FreezeMode }> = [];
    for (let k = 0; k < calibration.length; k++) cases.push({ k, mode: "before" });
    calibration.forEach((call) => {
      if (call.method !== "GET") cases.push({ k: call.n, mode: "after-commit" });
    });
    // JOBAGENT_CRASH_STRIDE=N keeps every N-th case (both modes; JOBAGENT_CRASH_STRIDE samples when time is short).
    const stride = Math.max(1, Number(process.env.JOBAGENT_CRASH_STRIDE ?? 1));
    if (stride > 1) cases.splice(0, cases.length, ...cases.filter((_, i) => i % stride === 0));
    // JOBAGENT_CRASH_ONLY="55:before,12:after-commit" runs only those cases (debugging).
    const only = process.env.JOBAGENT_CRASH_ONLY?.split(",").map((s) => s.trim());
    if (only) cases.splice(0, cases.length, ...cases.filter((c) => only.includes(`${c.k}:${c.mode}`)));
    const started = Date.now();
    const outcomes = await mapLimit(cases, PARALLEL, (c) => runCase(c.k, c.mode));
    const failed = outcomes.filter((o) => o.problems.length > 0);
    const summary = {
      apiCallsInOneApply: calibration.length,
      writesInOneApply: calibration.filter((c) => c.method !== "GET").length,
      cases: outcomes.length,
      killed: outcomes.filter((o) => o.killed).length,
      rerunNeededReplan: outcomes.filter((o) => o.replanned).length,
      failed: failed.length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`crash suite: ${JSON.stringify(summary)}`);
    if (process.env.JOBAGENT_CRASH_VERBOSE)
      for (const o of outcomes)
        console.log(JSON.stringify({ ...o, problems: o.problems.map((p) => p.slice(0, 300)) }));
    expect(
      failed.map(
        (o) =>
          `k=${o.k} ${o.mode} (frozen at ${o.frozenAt ? `${o.frozenAt.method} ${o.frozenAt.path}` : "-"}): ${o.problems.join(" | ")}`,
      ),
    ).toEqual([]);
    // Every case before the last call really interrupted the apply.
    expect(
      outcomes
        .filter((o) => o.mode === "before" && o.k < calibration.length - 1 && !o.killed)
        .map((o) => o.k),
    ).toEqual([]);
  });
});
