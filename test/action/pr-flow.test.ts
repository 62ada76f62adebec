// The pull request flow through the action's real entry point: the Tech Lead's task-file commit (made when task
// files changed, not again when a re-run changes nothing, never for a plan that failed validation) and a file
// listing GitHub cut at 3,000 files.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { startFakeGitHub } from "../support/fake-github.js";
import {
  BUNDLE,
  checkoutOf,
  git,
  GITHUB_TOKEN,
  openBranch,
  OWNER,
  prPayload,
  REPO,
  requirement,
  runAction,
  seedRemote,
  type FlowWorld,
} from "../support/action-run.js";

let world: FlowWorld;

async function planRun(number: number, branch: string, head: string, base: string) {
  return runAction(world, {
    event: "pull_request",
    payload: prPayload(number, branch, head, base),
    checkout: checkoutOf(world, branch, `checkout-${branch}-${world.runs}`),
    sha: head,
    ref: `refs/pull/${number}/merge`,
  });
}

describe.skipIf(!existsSync(BUNDLE))("the pull request flow", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-prcommits-"));
    const local = await startLocalWorkspace({ token: "dapi-prcommits-local-workspace-token-012" });
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

  it("commits task files once; a re-run with nothing changed commits nothing", async () => {
    const { head, base } = openBranch(world, "add-orders", { "jobs/orders.md": requirement("orders", 1) });
    world.github.files.set(71, [{ filename: "jobs/orders.md", status: "added" }]);
    const first = await planRun(71, "add-orders", head, base);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const committed = git(world.remote, "rev-parse", "add-orders");
    expect(committed).not.toBe(head);
    expect(git(world.remote, "log", "-1", "--format=%an", "add-orders")).toBe("github-actions[bot]");

    const again = await planRun(71, "add-orders", committed, base);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain("task files unchanged: nothing to commit");
    expect(git(world.remote, "rev-parse", "add-orders")).toBe(committed);
  });

  it("a plan that failed validation commits nothing and says so in the comment", async () => {
    const broken = requirement("broken", 1).replace("notebook_path:", "notebok_path:");
    const { head, base } = openBranch(world, "broken", { "jobs/broken.md": broken });
    world.github.files.set(72, [{ filename: "jobs/broken.md", status: "added" }]);
    const run = await planRun(72, "broken", head, base);
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("validation-failed");
    expect(git(world.remote, "rev-parse", "broken")).toBe(head);
    const comment = world.github.commentsOn(72)[0];
    expect(comment.body).toContain("Validation failed: task files were not committed to the branch");
  });

  it("a pull request of more than 3,000 files: GitHub's cut listing is replaced by git diff", async () => {
    const { head, base } = openBranch(world, "big-change", { "jobs/late.md": requirement("late", 1) });
    // GitHub's list stops at 3,000 files, none of them the requirement
    world.github.files.set(
      73,
      Array.from({ length: 3000 }, (_, i) => ({ filename: `data/part-${i}.csv`, status: "added" })),
    );
    const run = await planRun(73, "big-change", head, base);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("GitHub lists at most 3000 files of a pull request: using git diff");
    expect(run.outputs["to-create"]).toBe("1");
    expect(world.github.commentsOn(73)[0].body).toContain("late");
  });
});
