/**
 * Two clones of one repository (real git clones in different directories) apply at the same time against one local
 * workspace, 20 rounds, with random delays injected by the workspace's fault injection (seeded per round). The lock
 * lives in the workspace, so the checkouts exclude each other: every requirement ends with exactly one job, each run
 * ends with a clear result (applied, or `locked` naming the holder), and a later plan of either clone wants nothing.
 * One clone waits for the lock (and re-plans under it: find-before-create), the other fails fast.
 */
import path from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { ApplyResult } from "../../src/engine/api.js";
import { allJobs, byTaskTag, cleanupTempDirs, makeRepo, tempDir } from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const PROJECT = "acme/two-clones";
const FILES = {
  "jobagent.yml": `project: ${PROJECT}\n`,
  "jobs/core.md": requirementFile("core", {
    ingest: jobSettings({ name: "Clone ingest" }),
    clean: jobSettings({ name: "Clone clean" }),
  }),
  "jobs/reports.md": requirementFile("reports", {
    daily: jobSettings({ name: "Clone daily report" }),
    weekly: jobSettings({ name: "Clone weekly report" }),
  }),
};
const TASKS = ["core.clean", "core.ingest", "reports.daily", "reports.weekly"];

afterAll(cleanupTempDirs);

async function twoClones(): Promise<[string, string]> {
  const origin = await makeRepo(FILES, "jobagent-origin-");
  const a = path.join(await tempDir("jobagent-clone-a-"), "checkout");
  const b = path.join(await tempDir("jobagent-clone-b-"), "elsewhere");
  await simpleGit().clone(origin, a);
  await simpleGit().clone(origin, b);
  return [a, b];
}

function clearResult(result: ApplyResult): void {
  if (result.ok) return;
  expect(result.failureReason, result.message).toBe("locked");
  expect(result.message).toMatch(/holds the workspace lock .* \(run [^ ]+ at .*\); .*jobagent unlock/);
  expect(result.results).toEqual([]);
}

describe("two clones applying at once against one workspace", () => {
  for (let round = 1; round <= 20; round++) {
    it(`round ${round}: exactly one job per requirement, a clear result for both`, async () => {
      const ws = await startLocalWorkspace({ token: "dapi-clones-0123456789abcdef", faultSeed: round });
      try {
        const [a, b] = await twoClones();
        const options = [a, b].map((dir, i) =>
          engineOptions(dir, ws, {
            repo: PROJECT,
            runId: `clone-${i}-round-${round}`,
            lockWaitSeconds: i * 60,
          }),
        );
        for (const o of options) expect((await runPlan(o)).counts.create).toBe(4);
        ws.faults.add({ kind: "delay", method: "POST", path: "/jobs/create", delayMs: 40, probability: 0.5 });
        ws.faults.add({ kind: "delay", path: "/workspace/", delayMs: 25, probability: 0.5 });
        ws.faults.add({ kind: "delay", method: "GET", path: "/jobs/list", delayMs: 30, probability: 0.5 });
        const stagger = (round * 7) % 40;
        const results = await Promise.all(
          options.map(async (o, i) => {
            if (i === round % 2) await new Promise((r) => setTimeout(r, stagger));
            return runApply(o, { onPlanChange: "fail" });
          }),
        );
        ws.faults.clear();
        results.forEach(clearResult);
        expect(results.some((r) => r.ok)).toBe(true);
        const groups = byTaskTag(await allJobs(ws), PROJECT);
        expect([...groups.keys()].sort()).toEqual(TASKS);
        for (const id of TASKS) expect(groups.get(id)?.length, `jobs for ${id}`).toBe(1);
        for (const o of options) {
          const again = await runPlan(o, { record: false });
          expect(again.counts.create + again.counts.update + again.counts.delete).toBe(0);
          expect(again.blocked).toEqual([]);
        }
      } finally {
        await ws.close();
      }
    });
  }
});
