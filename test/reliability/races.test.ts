/**
 * Suite 3 — races. Two applies of the same repository state start at once (two CLI child processes, the same repo
 * directory, the same workspace): each job is applied exactly once, the loser exits 1 with failure reason `locked`
 * (in --json) and leaves the task files correct. The lock lives in the workspace: a lock left behind by a SIGKILLed
 * apply is taken over by the next run (dead pid on this host) or after its expiry, an unexpired lock of a live process
 * locks, and `jobagent unlock` releases a stuck one.
 */
import { hostname } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import {
  allJobs,
  byTaskTag,
  cleanupTempDirs,
  describeRun,
  failureReason,
  makeRepo,
  parseJsonOutput,
  planCounts,
  putWorkspaceFile,
  readTaskFiles,
  workspaceFile,
  runCli,
  spawnCli,
} from "../support/reliability-harness.js";
import { twentyJobs } from "../support/reliability-fixtures.js";

const REPO = "acme/race-suite";
const TOKEN = "dapi-race-suite-0123456789abcdef";
const { files, taskIds } = twentyJobs("Race");

afterAll(cleanupTempDirs);

async function planned(ws: LocalWorkspace): Promise<string> {
  const repoDir = await makeRepo(files, "jobagent-race-");
  const plan = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
  expect(plan.code, describeRun(plan)).toBe(0);
  return repoDir;
}

async function expectConverged(repoDir: string, ws: LocalWorkspace): Promise<void> {
  const groups = byTaskTag(await allJobs(ws), REPO);
  expect([...groups.keys()].sort()).toEqual([...taskIds].sort());
  for (const id of taskIds) expect(groups.get(id)?.length, `jobs for ${id}`).toBe(1);
  const tasks = await readTaskFiles(repoDir);
  for (const id of taskIds) {
    const task = tasks.find((t) => t.id === id);
    expect(task?.status, `task ${id}`).toBe("COMPLETE");
    expect(task?.job_id).toBe(groups.get(id)?.[0].job_id);
  }
  expect(await workspaceFile(ws, LOCK), "lock left behind").toBeUndefined();
  const plan = await runCli("plan", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
  const counts = planCounts(plan);
  expect(counts.create + counts.update + counts.delete).toBe(0);
}

const LOCK = "/Workspace/Shared/.jobagent/projects/acme--race-suite/apply.lock.json";

describe("races: concurrent applies and leases", () => {
  for (const round of [1, 2, 3]) {
    it(`round ${round}: two applies at once — one wins, the other reports locked, every job applied exactly once`, async () => {
      const ws = await startLocalWorkspace({ token: TOKEN });
      try {
        const repoDir = await planned(ws);
        // Slow creates keep the winner's lease held while the second process starts.
        ws.faults.add({ kind: "delay", method: "POST", path: "/jobs/create", delayMs: 150 });
        const a = spawnCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
        const b = spawnCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
        const results = await Promise.all([a.done, b.done]);
        ws.faults.clear();
        const winners = results.filter((r) => r.code === 0);
        const losers = results.filter((r) => r.code !== 0);
        expect(winners.length, results.map(describeRun).join("\n=====\n")).toBe(1);
        expect(losers).toHaveLength(1);
        expect(losers[0].code).toBe(1);
        expect(failureReason(losers[0])).toBe("locked");
        expect(parseJsonOutput<{ results?: unknown[] }>(losers[0], "apply --json").results ?? []).toEqual([]);
        expect(losers[0].stdout + losers[0].stderr).toMatch(/holds the workspace lock/);
        await expectConverged(repoDir, ws);
        // The creates happened once each: 20 POST /jobs/create in total across both processes.
        const creates = Object.entries(ws.stats())
          .filter(([k]) => k.startsWith("POST") && k.endsWith("/jobs/create"))
          .reduce((n, [, v]) => n + v, 0);
        expect(creates).toBe(20);
      } finally {
        await ws.close();
      }
    });
  }

  it("a lock left by a SIGKILLed apply is taken over by the next run", async () => {
    const ws = await startLocalWorkspace({ token: TOKEN });
    try {
      const repoDir = await planned(ws);
      ws.faults.add({ kind: "delay", method: "POST", path: "/jobs/create", delayMs: 400 });
      const victim = spawnCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      // Kill it mid-apply: after its first create was received.
      const deadline = Date.now() + 60_000;
      while (!Object.keys(ws.stats()).some((k) => k.endsWith("/jobs/create")) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(await workspaceFile(ws, LOCK), "the running apply holds the lock").toBeDefined();
      victim.child.kill("SIGKILL");
      const killed = await victim.done;
      expect(killed.signal).toBe("SIGKILL");
      expect(await workspaceFile(ws, LOCK), "the killed apply left its lock").toBeDefined();
      ws.faults.clear();
      const next = await runCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(next.code, describeRun(next)).toBe(0);
      expect(next.stderr).toMatch(/took over/i);
      await expectConverged(repoDir, ws);
    } finally {
      await ws.close();
    }
  });

  it("an expired lock of a live process is taken over; an unexpired one locks until unlock", async () => {
    const ws = await startLocalWorkspace({ token: TOKEN });
    try {
      const repoDir = await planned(ws);
      const lock = (expires: Date, nonce: string) =>
        JSON.stringify({
          project: REPO,
          holder: "other-run",
          where: "https://github.com/acme/race-suite/actions/runs/42",
          host: hostname(),
          pid: process.pid,
          acquired: new Date(Date.now() - 3_600_000).toISOString(),
          expires: expires.toISOString(),
          nonce,
        });
      // A live holder (this test process) whose lock has not expired: locked, nothing applied, lock kept.
      await putWorkspaceFile(ws, LOCK, lock(new Date(Date.now() + 3_600_000), "live"));
      const locked = await runCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(locked.code, describeRun(locked)).toBe(1);
      expect(failureReason(locked)).toBe("locked");
      expect(locked.stdout).toContain("actions/runs/42");
      expect(await allJobs(ws)).toEqual([]);
      expect((await readTaskFiles(repoDir)).every((t) => t.status === "PLANNED")).toBe(true);
      expect(await workspaceFile(ws, LOCK)).toContain("other-run");
      // `jobagent unlock` releases it, saying whose it was.
      const unlock = await runCli("unlock", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(unlock.code, describeRun(unlock)).toBe(0);
      expect(unlock.stdout).toMatch(/Released the workspace lock .* held by run other-run/);
      expect(await workspaceFile(ws, LOCK)).toBeUndefined();
      // The same holder, expired: taken over.
      await putWorkspaceFile(ws, LOCK, lock(new Date(Date.now() - 1000), "expired"));
      const next = await runCli("apply", { repoDir, host: ws.url, token: TOKEN, repo: REPO });
      expect(next.code, describeRun(next)).toBe(0);
      expect(next.stderr).toMatch(/took over/i);
      await expectConverged(repoDir, ws);
    } finally {
      await ws.close();
    }
  });
});
