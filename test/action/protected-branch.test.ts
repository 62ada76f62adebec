// Apply on a protected default branch, through the action's real entry point: the bare remote refuses any push to
// main whose tip is the action's own commit (a pre-receive hook, as GitHub's protection refuses it), so task states
// must land on the state branch with a pull request, the result comment must say so, and a re-run must be a clean
// no-op that keeps the result comment.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { WorkspaceJob } from "../../src/domain/model.js";
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

const HOOK = `#!/bin/sh
# main takes changes through pull requests only: the workflow's own commits are refused.
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ] && [ "$(git log -1 --format=%an "$new")" = "github-actions[bot]" ]; then
    echo "$ref $new" >> "$GIT_DIR/refused.log"
    echo "main accepts changes through pull requests only" >&2
    exit 1
  fi
done
exit 0
`;

let world: FlowWorld;

async function jobsNamed(name: string): Promise<WorkspaceJob[]> {
  const ws = createSdkWorkspace({ host: world.local.url, token: world.local.token });
  const jobs: WorkspaceJob[] = [];
  for await (const job of ws.listJobs({ name })) jobs.push(job);
  return jobs;
}

function refusedPushes(): string[] {
  const log = join(world.remote, "refused.log");
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
}

/** A PR adding `file`: its plan run (task files on the PR branch), then the merge; returns the merge. */
async function mergedPullRequest(number: number, branch: string, job: string) {
  const { head, base } = openBranch(world, branch, { [`jobs/${job}.md`]: requirement(job, 2) });
  world.github.files.set(number, [{ filename: `jobs/${job}.md`, status: "added" }]);
  const planned = await runAction(world, {
    event: "pull_request",
    payload: prPayload(number, branch, head, base),
    checkout: checkoutOf(world, branch, `checkout-${branch}`),
    sha: head,
    ref: `refs/pull/${number}/merge`,
  });
  expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  return merge(world, branch, number);
}

const ready = existsSync(BUNDLE);

describe.skipIf(!ready)("apply on a protected default branch (pre-receive hook on the remote)", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-protected-"));
    const remote = seedRemote(root);
    writeFileSync(join(remote, "hooks", "pre-receive"), HOOK);
    chmodSync(join(remote, "hooks", "pre-receive"), 0o755);
    const local = await startLocalWorkspace({ token: "dapi-protected-local-workspace-token-0123" });
    const github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
    world = { root, remote, github, local, runs: 0 };
  });

  afterAll(async () => {
    await world?.github.close();
    await world?.local.close();
    if (world?.root) rmSync(world.root, { recursive: true, force: true });
  });

  it("protection not readable (403): the refused push falls back to the state branch and its PR; a re-run keeps the result", async () => {
    world.github.protection.set("main", 403);
    world.github.allowAutoMerge = true;
    const merged = await mergedPullRequest(41, "add-orders", "orders-daily");

    const applied = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-main-1"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.outputs["failure-reason"]).toBe("");
    expect(await jobsNamed("orders-daily")).toHaveLength(1);

    // main refused the action's commit and still ends at the merge; the states are on the state branch
    expect(refusedPushes()).toHaveLength(1);
    expect(git(world.remote, "rev-parse", "main")).toBe(merged.sha);
    expect(git(world.remote, "log", "-1", "--format=%an|%s", "jobagent/state")).toMatch(
      /^github-actions\[bot\]\|jobagent: applied plan \S+ \[skip ci\]$/,
    );
    const state = checkoutOf(world, "jobagent/state", "verify-state-1");
    expect(taskTexts(state).map(statusOf)).toEqual(["COMPLETE"]);
    expect(git(state, "merge-base", "--is-ancestor", merged.sha, "HEAD")).toBe("");

    // the state branch's pull request, opened with auto-merge
    expect(world.github.openedPulls).toHaveLength(1);
    const pull = world.github.openedPulls[0];
    expect(pull).toMatchObject({ head: "jobagent/state", base: "main", state: "open" });
    expect(pull.auto_merge, applied.stdout).toBe(true);
    expect(pull.body).toContain(`\`${merged.sha.slice(0, 7)}\``);

    // the result comment on the merged PR says where the progress went
    const result = world.github.commentsOn(41).find((c) => parseMarker(c.body)?.kind === "apply");
    expect(result?.body).toMatch(/✅ Applied/);
    expect(result?.body).toContain("Progress recorded on `jobagent/state`");
    expect(result?.body).toContain(`[#${pull.number}](${pull.html_url})`);
    expect(applied.summary).toContain("Progress recorded on `jobagent/state`");

    // re-run of the same push: nothing applied, nothing pushed, the result comment untouched
    const stateTip = git(world.remote, "rev-parse", "jobagent/state");
    const before = { body: result?.body, updated: result?.updated_at };
    const rerun = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-main-1b"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.outputs.changes).toBe("false");
    expect(rerun.stdout).toContain("read the task states recorded on jobagent/state");
    expect(await jobsNamed("orders-daily")).toHaveLength(1);
    expect(git(world.remote, "rev-parse", "jobagent/state")).toBe(stateTip);
    expect(refusedPushes()).toHaveLength(1);
    const kept = world.github.commentsOn(41).find((c) => c.id === result?.id);
    expect({ body: kept?.body, updated: kept?.updated_at }).toEqual(before);
    expect(world.github.openedPulls).toHaveLength(1);
  });

  it("a ruleset requiring pull requests: apply goes to the state branch up front and updates the same PR", async () => {
    world.github.rules.set("main", [{ type: "deletion" }, { type: "pull_request" }]);
    const merged = await mergedPullRequest(42, "add-invoices", "invoices-daily");
    const applied = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-main-2"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain("progress goes to jobagent/state: a ruleset on `main` says");
    expect(await jobsNamed("invoices-daily")).toHaveLength(1);
    expect(refusedPushes()).toHaveLength(1); // no push to main was tried

    // the state branch holds both applies' states; the same pull request was updated, not a second one opened
    const state = checkoutOf(world, "jobagent/state", "verify-state-2");
    expect(taskTexts(state).map(statusOf)).toEqual(["COMPLETE", "COMPLETE"]);
    expect(world.github.openedPulls).toHaveLength(1);
    expect(world.github.openedPulls[0].body).toContain(`\`${merged.sha.slice(0, 7)}\``);
    const result = world.github.commentsOn(42).find((c) => parseMarker(c.body)?.kind === "apply");
    expect(result?.body).toContain("a ruleset on `main` says changes must go through a pull request");
  });
});
