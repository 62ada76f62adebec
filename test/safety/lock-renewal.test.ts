/**
 * An apply that runs longer than its lock's lifetime renews the lock (same nonce, new expiry), so a second apply
 * still finds it held instead of taking it over; an apply whose lock was taken over stops writing and fails clearly.
 * The real engine against a local workspace whose jobs/create is slowed down by its fault injection.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { ApplyResult } from "../../src/engine/api.js";
import { acquireWorkspaceLock, lockPathOf } from "../../src/state/workspace-lock.js";
import { allJobs, cleanupTempDirs, makeRepo, runCli, spawnCli } from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const REPO = "acme/renewal";
const FILES = {
  "jobs/a.md": requirementFile("a", { a: jobSettings({ name: "Job A" }) }),
  "jobs/b.md": requirementFile("b", { b: jobSettings({ name: "Job B" }) }),
  "jobs/c.md": requirementFile("c", { c: jobSettings({ name: "Job C" }) }),
};
const CREATE = "POST /api/2.2/jobs/create";

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-renewal-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

/** Resolves once the workspace has received `n` jobs/create calls; fails if the apply ends first. */
async function createsStarted(n: number, apply: Promise<ApplyResult>): Promise<void> {
  let ended: ApplyResult | undefined;
  void apply.then((r) => (ended = r));
  while ((ws.stats()[CREATE] ?? 0) < n) {
    if (ended) throw new Error(`the apply ended before ${n} creates: ${ended.message ?? "ok"}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function slowRepo(delayMs: number) {
  const repoDir = await makeRepo(FILES, "jobagent-renewal-");
  ws.faults.add({ kind: "delay", method: "POST", path: "/jobs/create", delayMs });
  // Planned first (as in a pull request): the apply then starts its creates soon after it takes the lock.
  await runPlan(engineOptions(repoDir, ws, { repo: REPO }));
  // A 3-second lock (renewed every second); one create at a time, each slowed down, so the apply outlives the lock's first expiry.
  return engineOptions(repoDir, ws, { repo: REPO, leaseSeconds: 3, concurrency: 1 });
}

describe("lock renewal", () => {
  it("an apply longer than the lock's lifetime keeps the lock: a second apply is told it is locked", async () => {
    const options = await slowRepo(1500);
    const first = runApply(options, { onPlanChange: "apply" });
    const firstLock = JSON.parse(
      await (async () => {
        await createsStarted(1, first);
        return (await options.workspace.readFile(lockPathOf(REPO))) ?? "{}";
      })(),
    ) as { nonce: string; expires: string };
    // The third create starts after the first expiry of the lock (two slowed creates of 1.5 s each).
    await createsStarted(3, first);
    const renewed = JSON.parse((await options.workspace.readFile(lockPathOf(REPO))) ?? "{}") as {
      nonce: string;
      expires: string;
    };
    expect(renewed.nonce).toBe(firstLock.nonce);
    expect(Date.parse(renewed.expires)).toBeGreaterThan(Date.parse(firstLock.expires));
    const second = await runApply({ ...options, runId: "second-run" }, { onPlanChange: "apply" });
    expect(second.failureReason, second.message).toBe("locked");
    const done = await first;
    expect(done.ok, done.message).toBe(true);
    expect((await allJobs(ws)).map((j) => j.settings.name).sort()).toEqual(["Job A", "Job B", "Job C"]);
    expect(await options.workspace.readFile(lockPathOf(REPO))).toBeUndefined(); // released
  });

  it("an apply whose lock was taken over stops writing, fails clearly and leaves the new holder's lock alone", async () => {
    const options = await slowRepo(1000);
    const first = runApply(options, { onPlanChange: "apply" });
    await createsStarted(1, first);
    const theirs = {
      project: REPO,
      holder: "other-run",
      where: "https://ci.example.com/run/7",
      host: "elsewhere",
      pid: 1,
      acquired: new Date().toISOString(),
      expires: new Date(Date.now() + 3_600_000).toISOString(),
      nonce: "0123456789abcdef",
    };
    const text = JSON.stringify(theirs, null, 2);
    await options.workspace.writeFile(lockPathOf(REPO), text); // another run took the lock over
    const result = await first;
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(
      /lost its workspace lock: run other-run \(https:\/\/ci\.example\.com\/run\/7\)/,
    );
    const skipped = result.results.filter((r) => r.status === "SKIPPED");
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped[0]?.error).toMatch(/workspace lock was lost/);
    expect((await allJobs(ws)).length).toBe(3 - skipped.length);
    expect(await options.workspace.readFile(lockPathOf(REPO))).toBe(text);
  });
});

describe("--lock-wait", () => {
  const EXPORT = "GET /api/2.0/workspace/export";

  it("a second apply waits for the lock with --lock-wait and succeeds once the holder releases it; without, it is locked", async () => {
    const repoDir = await makeRepo(FILES, "jobagent-lockwait-");
    const cli = { repoDir, host: ws.url, token: ws.token, repo: REPO };
    expect((await runCli("plan", cli)).code).toBe(0);
    const workspace = engineOptions(repoDir, ws).workspace;
    const holder = await acquireWorkspaceLock(workspace, {
      project: REPO,
      holder: "first-run",
      where: "https://ci.example.com/run/1",
      seconds: 600,
      now: () => new Date(),
    });

    const locked = await runCli("apply", cli);
    expect(locked.code).toBe(1);
    expect(JSON.parse(locked.stdout)).toMatchObject({ ok: false, failureReason: "locked" });
    expect(locked.stdout).toContain("run first-run at https://ci.example.com/run/1");

    ws.resetStats();
    const waiting = spawnCli("apply", { ...cli, extraArgs: ["--lock-wait", "60"] });
    // Once it has read the held lock twice, it is waiting; the holder finishes and releases.
    while ((ws.stats()[EXPORT] ?? 0) < 2) await new Promise((r) => setTimeout(r, 50));
    expect((await allJobs(ws)).length).toBe(0);
    await holder.release();
    const result = await waiting.done;
    expect(result.code, result.stderr).toBe(0);
    // The wait was not silent: who holds the lock, since when, and how long it waits at most; then the end of it.
    expect(result.stderr).toContain(
      `Waiting up to 60 s for the workspace lock ${lockPathOf(REPO)}: held by run first-run (https://ci.example.com/run/1) since ${holder.info.acquired}`,
    );
    expect(result.stderr).toMatch(/Took the workspace lock after waiting \d+ s\./);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
    expect((await allJobs(ws)).map((j) => j.settings.name).sort()).toEqual(["Job A", "Job B", "Job C"]);
  });

  it("JOBAGENT_LOCK_WAIT outside 0–3600 is a usage error naming it", async () => {
    const repoDir = await makeRepo(FILES, "jobagent-lockwait-");
    const result = await runCli("apply", {
      repoDir,
      host: ws.url,
      token: ws.token,
      repo: REPO,
      env: { JOBAGENT_LOCK_WAIT: "9999" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/JOBAGENT_LOCK_WAIT/);
  });
});
