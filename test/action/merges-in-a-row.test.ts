// Three quick merges with the documented concurrency group: GitHub cancels the pending middle run, so it never
// runs. Through the action's real entry point: the first run applies its PR, the last run applies the middle and
// the last PR's approved plans and names both PRs; each PR gets its result comment.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { startFakeGitHub } from "../support/fake-github.js";
import {
  BUNDLE,
  checkoutOf,
  git,
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
  statusOf,
  taskTexts,
  type FlowWorld,
} from "../support/action-run.js";

let world: FlowWorld;

async function jobCount(name: string): Promise<number> {
  const ws = createSdkWorkspace({ host: world.local.url, token: world.local.token });
  let n = 0;
  for await (const job of ws.listJobs({ name })) if (job.settings?.name === name) n++;
  return n;
}

/** The push run of a merge, on a checkout of the merge commit (what actions/checkout does for a push). */
async function applyRun(merged: { sha: string; before: string }, name: string) {
  const checkout = checkoutOf(world, "main", name);
  git(checkout, "checkout", "-q", merged.sha);
  git(checkout, "checkout", "-q", "-B", "main");
  return runAction(world, {
    event: "push",
    payload: pushPayload(merged.sha, merged.before),
    checkout,
    sha: merged.sha,
    ref: "refs/heads/main",
  });
}

describe.skipIf(!existsSync(BUNDLE))("several merges in a row", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-merges-"));
    const local = await startLocalWorkspace({ token: "dapi-merges-local-workspace-token-01234" });
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

  it("the middle run cancelled: the last run applies the middle and the last PR and names them", async () => {
    const prs = [
      { number: 61, branch: "add-alpha", job: "alpha-daily" },
      { number: 62, branch: "add-beta", job: "beta-daily" },
      { number: 63, branch: "add-gamma", job: "gamma-daily" },
    ];
    for (const pr of prs) {
      const { head, base } = openBranch(world, pr.branch, { [`jobs/${pr.job}.md`]: requirement(pr.job, 1) });
      world.github.files.set(pr.number, [{ filename: `jobs/${pr.job}.md`, status: "added" }]);
      const planned = await runAction(world, {
        event: "pull_request",
        payload: prPayload(pr.number, pr.branch, head, base),
        checkout: checkoutOf(world, pr.branch, `checkout-${pr.branch}`),
        sha: head,
        ref: `refs/pull/${pr.number}/merge`,
      });
      expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    }
    const merges = prs.map((pr) => merge(world, pr.branch, pr.number));

    const first = await applyRun(merges[0], "checkout-main-61");
    expect(first.code, first.stdout + first.stderr).toBe(0);
    // the run of merge #62 was cancelled by the concurrency group: it never ran
    const last = await applyRun(merges[2], "checkout-main-63");
    expect(last.code, last.stdout + last.stderr).toBe(0);
    expect(last.outputs["failure-reason"]).toBe("");
    expect(last.stdout).toMatch(/PR #62 approved plan \S+, not applied yet/);

    for (const pr of prs) expect(await jobCount(pr.job)).toBe(1);
    expect(last.outputs["to-create"]).toBe("2");
    const covered = "This apply covers the plans approved on pull requests #62 and #63";
    expect(last.summary).toContain(covered);
    for (const number of [62, 63]) {
      const result = world.github.commentsOn(number).find((c) => parseMarker(c.body)?.kind === "apply");
      expect(result?.body, `result comment on #${number}`).toMatch(/✅ Applied/);
      expect(result?.body).toContain(covered);
    }
    const main = checkoutOf(world, "main", "verify-main");
    expect(taskTexts(main).map(statusOf)).toEqual(["COMPLETE", "COMPLETE", "COMPLETE"]);
  });
});
