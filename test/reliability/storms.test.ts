/**
 * Suite 2 — storms. The CLI (dist/cli.js, a real child process with its default retry settings) plans and applies 20
 * jobs with dependencies while the local workspace answers about 30 % of all calls with 429 (Retry-After), 500, 503,
 * a dropped connection before the call runs, or a dropped connection after the write was committed. Several fault
 * seeds. Asserted: the apply completes (plan + apply retried only a bounded number of times, within a time bound),
 * each job exists exactly once, the task files and the progress log tell the truth, and a third plan is empty.
 * Then two outages: writes answered 503 forever (tasks end FAILED with a message naming the error, in bounded time),
 * and every call answered 503 (the run ends with exit 1 and a clear message, not a hang; nothing changes).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, it } from "vitest";
import { startLocalWorkspace, type FaultRule } from "../../src/dev/local-workspace/index.js";
import {
  allJobs,
  byTaskTag,
  cleanupTempDirs,
  describeRun,
  failureReason,
  makeRepo,
  planCounts,
  readTaskFiles,
  runCli,
  type CliResult,
} from "../support/reliability-harness.js";
import { twentyJobs } from "../support/reliability-fixtures.js";

const REPO = "acme/storm-suite";
const TOKEN = "dapi-storm-suite-0123456789abcdef";
const { files, taskIds, names } = twentyJobs("Storm");

/** About 30 % of calls fail: the rules are tried in order, each with its own chance. */
const STORM: FaultRule[] = [
  { kind: "status", status: 429, retryAfterSeconds: 1, probability: 0.1 },
  { kind: "status", status: 503, probability: 0.08 },
  { kind: "status", status: 500, probability: 0.05 },
  { kind: "drop", probability: 0.05 },
  { kind: "drop-after-commit", method: "POST", probability: 0.08 },
];

afterAll(cleanupTempDirs);

/** Runs a CLI command, retrying (bounded) when it failed because of the storm rather than because of a bug. */
async function withBoundedReruns(
  run: () => Promise<CliResult>,
  attempts: number,
): Promise<{ result: CliResult; runs: number }> {
  let result = await run();
  let runs = 1;
  while (result.code !== 0 && runs < attempts) {
    result = await run();
    runs++;
  }
  return { result, runs };
}

// The cases are independent (each has its own workspace and repository) and mostly wait on retry back-off, so they run
// concurrently: the suite takes as long as its slowest case instead of the sum.
describe.concurrent("storms: 429/5xx/dropped connections on ~30% of calls", () => {
  for (const seed of [1, 2, 3]) {
    it(`fault seed ${seed}: the apply completes, nothing duplicated, state tells the truth`, async ({
      expect,
    }) => {
      const ws = await startLocalWorkspace({ token: TOKEN, faultSeed: seed });
      try {
        const repoDir = await makeRepo(files, "jobagent-storm-");
        for (const rule of STORM) ws.faults.add(rule);
        const cli = (command: string) =>
          runCli(command, { repoDir, host: ws.url, token: TOKEN, repo: REPO, timeoutMs: 180_000 });
        const started = Date.now();
        // The adapter retries each call; a whole command is rerun at most twice when a call still failed.
        const plan = await withBoundedReruns(() => cli("plan"), 3);
        expect(plan.result.code, describeRun(plan.result)).toBe(0);
        const apply = await withBoundedReruns(async () => {
          const result = await cli("apply");
          return result;
        }, 3);
        expect(apply.result.code, describeRun(apply.result)).toBe(0);
        const seconds = (Date.now() - started) / 1000;
        const injected = ws.faults.list().reduce((n, f) => n + f.fired, 0);
        const calls = ws.faults.calls;
        ws.faults.clear();

        const groups = byTaskTag(await allJobs(ws), REPO);
        expect([...groups.keys()].sort()).toEqual([...taskIds].sort());
        for (const id of taskIds) {
          expect(groups.get(id)?.length, `jobs for ${id}`).toBe(1);
          expect(groups.get(id)?.[0].settings.name).toBe(names.get(id));
        }
        const tasks = await readTaskFiles(repoDir);
        const progress = await readFile(path.join(repoDir, "jobs/.tasks/progress.md"), "utf8");
        for (const id of taskIds) {
          const task = tasks.find((t) => t.id === id);
          expect(task?.status, `task ${id}`).toBe("COMPLETE");
          expect(task?.job_id).toBe(groups.get(id)?.[0].job_id);
          // The progress log's last word on the task is the truth.
          const lines = progress.split("\n").filter((l) => l.includes(`\`${id}\``) && l.includes("apply:"));
          expect(lines.at(-1) ?? "", `progress for ${id}`).toMatch(/COMPLETE/);
        }
        const third = await cli("plan");
        ws.faults.clear();
        expect(third.code, describeRun(third)).toBe(0);
        const counts = planCounts(third);
        expect(counts.create + counts.update + counts.delete).toBe(0);
        console.log(
          `storm seed ${seed}: ${calls} calls, ${injected} faults injected (${Math.round((100 * injected) / calls)}%), plan runs ${plan.runs}, apply runs ${apply.runs}, ${seconds.toFixed(1)} s`,
        );
        expect(injected / calls).toBeGreaterThan(0.15);
        // Bounded: at most 3 runs of each command and well under the time limit.
        expect(seconds).toBeLessThan(240);
      } finally {
        await ws.close();
      }
    });
  }

  it("a persistent outage of writes ends with FAILED tasks and a clear message, in bounded time", async ({
    expect,
  }) => {
    const ws = await startLocalWorkspace({ token: TOKEN });
    try {
      const repoDir = await makeRepo(files, "jobagent-outage-");
      const plan = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(plan.code, describeRun(plan)).toBe(0);
      // Job writes fail; the workspace files API (the apply lock and the ownership ledger) still answers.
      ws.faults.add({ kind: "status", method: "POST", path: "/jobs/", status: 503 });
      const started = Date.now();
      const apply = await runCli("apply", {
        repoDir,
        host: ws.url,
        token: TOKEN,
        repo: REPO,
        timeoutMs: 300_000,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(apply.code, describeRun(apply)).toBe(1);
      expect(failureReason(apply)).toBe("apply-failed");
      expect(apply.stdout + apply.stderr).toMatch(/503|TEMPORARILY_UNAVAILABLE|unavailable/i);
      expect(seconds).toBeLessThan(180);
      ws.faults.clear();
      expect(await allJobs(ws)).toEqual([]);
      const tasks = await readTaskFiles(repoDir);
      // Tasks whose create was attempted are FAILED with the error; the ones waiting for them did not start.
      const failed = tasks.filter((t) => t.status === "FAILED");
      expect(failed.length).toBeGreaterThan(0);
      for (const task of failed)
        expect(task.errors?.join(" ") ?? "", `errors of ${task.id}`).toMatch(
          /503|TEMPORARILY_UNAVAILABLE|unavailable/i,
        );
      expect(tasks.filter((t) => t.status === "COMPLETE" || t.status === "IN_PROGRESS")).toEqual([]);
      console.log(
        `write outage: exit ${apply.code} after ${seconds.toFixed(1)} s; ${failed.length} FAILED, ${tasks.length - failed.length} not started`,
      );
    } finally {
      await ws.close();
    }
  });

  // Found by this suite and fixed: FAILED → IN_PROGRESS was not a legal transition, so a FAILED task could never be
  // retried.
  it("after a write outage, a rerun of apply completes every task", async ({ expect }) => {
    const ws = await startLocalWorkspace({ token: TOKEN });
    try {
      const repoDir = await makeRepo(files, "jobagent-outage-");
      const plan = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(plan.code, describeRun(plan)).toBe(0);
      ws.faults.add({ kind: "status", method: "POST", path: "/jobs/create", status: 503, times: 30 });
      const apply = await runCli("apply", {
        repoDir,
        host: ws.url,
        token: TOKEN,
        repo: REPO,
        timeoutMs: 300_000,
      });
      expect(apply.code).toBe(1);
      ws.faults.clear();
      const rerun = await runCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(byTaskTag(await allJobs(ws), REPO).size).toBe(20);
    } finally {
      await ws.close();
    }
  });

  it("a total outage (every call 503) ends with exit 1 and a clear message, not a hang", async ({
    expect,
  }) => {
    const ws = await startLocalWorkspace({ token: TOKEN });
    try {
      const repoDir = await makeRepo(files, "jobagent-outage-");
      const plan = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(plan.code, describeRun(plan)).toBe(0);
      const before = await readTaskFiles(repoDir);
      ws.faults.add({ kind: "status", status: 503 });
      const started = Date.now();
      const apply = await runCli("apply", {
        repoDir,
        host: ws.url,
        token: TOKEN,
        repo: REPO,
        timeoutMs: 300_000,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(apply.signal, describeRun(apply)).toBeNull();
      expect(apply.code, describeRun(apply)).toBe(1);
      expect(apply.stdout + apply.stderr).toMatch(/503|TEMPORARILY_UNAVAILABLE|unavailable/i);
      expect(seconds).toBeLessThan(180);
      ws.faults.clear();
      expect(await allJobs(ws)).toEqual([]);
      // Nothing started: every task is still as planned (or FAILED with the error), none claims success.
      const after = await readTaskFiles(repoDir);
      expect(after.map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());
      expect(after.filter((t) => t.status === "COMPLETE" || t.status === "IN_PROGRESS")).toEqual([]);
      console.log(
        `total outage: exit ${apply.code} after ${seconds.toFixed(1)} s: ${apply.stderr.trim().split("\n").at(-1)}`,
      );
    } finally {
      await ws.close();
    }
  });
});
