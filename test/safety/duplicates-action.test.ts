// Pre-existing duplicates through the action's real entry point (`node dist/index.js`, the fake GitHub, the local
// workspace): the pull request's plan comment reports them and the line to add; a pull request adding
// `duplicates: keep <id>` shows the delete in its plan, and its merge deletes the copy and updates the kept job.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { JobSettings } from "../../src/domain/model.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { allJobs, createJob } from "../support/reliability-harness.js";
import {
  BUNDLE,
  checkoutOf,
  GITHUB_TOKEN,
  merge,
  openBranch,
  OWNER,
  prPayload,
  pushPayload,
  REPO,
  requirement,
  runAction,
  seedRemote,
  type FlowWorld,
} from "../support/action-run.js";

let world: FlowWorld;

async function planRun(number: number, branch: string, head: string, base: string) {
  world.github.files.set(number, [{ filename: "jobs/orders.md", status: "modified" }]);
  const run = await runAction(world, {
    event: "pull_request",
    payload: prPayload(number, branch, head, base),
    checkout: checkoutOf(world, branch, `checkout-${branch}-${world.runs}`),
    sha: head,
    ref: `refs/pull/${number}/merge`,
  });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return run;
}

async function mergeAndApply(branch: string, number: number) {
  const merged = merge(world, branch, number);
  const run = await runAction(world, {
    event: "push",
    payload: pushPayload(merged.sha, merged.before),
    checkout: checkoutOf(world, "main", `checkout-main-${world.runs}`),
    sha: merged.sha,
    ref: "refs/heads/main",
  });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return run;
}

const ids = async () => (await allJobs(world.local)).map((j) => j.job_id).sort((a, b) => a - b);

describe.skipIf(!existsSync(BUNDLE))("pre-existing duplicates in the action", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-dups-action-"));
    const local = await startLocalWorkspace({ token: "dapi-dups-action-local-workspace-token-01" });
    const github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
    world = { root, remote: seedRemote(root), github, local, runs: 0 };
  });

  afterAll(async () => {
    await world?.github.close();
    await world?.local.close();
    if (world?.root) rmSync(world.root, { recursive: true, force: true });
  });

  it("the plan comment reports them; a reviewed `duplicates: keep` deletes the copy on merge", async () => {
    const first = openBranch(world, "add-orders", { "jobs/orders.md": requirement("orders", 1) });
    await planRun(81, "add-orders", first.head, first.base);
    await mergeAndApply("add-orders", 81);
    const [kept] = await ids();
    const copy = await createJob(world.local, {
      name: "orders",
      tags: { "jobagent-repo": `${OWNER}/${REPO}`, "jobagent-task": "orders.orders" },
    } as JobSettings);

    // An edit alone: the comment reports both jobs, the proposal and the line; the merge changes neither job.
    const edit = openBranch(world, "more-workers", { "jobs/orders.md": requirement("orders", 3) });
    await planRun(82, "more-workers", edit.head, edit.base);
    const reported = world.github.commentsOn(82)[0]?.body ?? "";
    expect(reported).toContain(`job ${kept} (recorded in the ownership ledger`);
    expect(reported).toContain(`job ${copy} (carries the tags but was not created by this project`);
    expect(reported).toContain(`duplicates&#58; keep ${kept}`);
    await mergeAndApply("more-workers", 82);
    expect(await ids()).toEqual([kept, copy]);

    // The decision, reviewed: the plan shows the delete; the merge deletes the copy and updates the kept job.
    const keep = openBranch(world, "keep-one", {
      "jobs/orders.md": requirement("orders", 3).replace(/^---\n/, `---\nduplicates: keep ${kept}\n`),
    });
    await planRun(83, "keep-one", keep.head, keep.base);
    const plan = world.github.commentsOn(83)[0]?.body ?? "";
    expect(plan).toContain(
      `delete duplicate job ${copy} (kept ${kept}, the job the ownership ledger records`,
    );
    const applied = await mergeAndApply("keep-one", 83);
    expect(applied.outputs["failure-reason"]).toBe("");
    expect(await ids()).toEqual([kept]);
    const job = (await allJobs(world.local))[0];
    expect(
      (job?.settings.job_clusters?.[0]?.new_cluster as { num_workers?: number } | undefined)?.num_workers,
    ).toBe(3);
    expect(world.github.commentsOn(83)[1]?.body).toContain(`deleted duplicate job(s) ${copy}`);
  });
});
