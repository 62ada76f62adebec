// `/jobagent unlock` through the action's real entry point with the recorded issue_comment payload: a writer
// releases the apply lock a cancelled run left in the (local) workspace; a reader is refused and the lock stays.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { acquireWorkspaceLock, lockPathOf } from "../../src/state/workspace-lock.js";
import { startFakeGitHub } from "../support/fake-github.js";
import {
  BUNDLE,
  checkoutOf,
  git,
  GITHUB_TOKEN,
  OWNER,
  REPO,
  runAction,
  seedRemote,
  type FlowWorld,
} from "../support/action-run.js";

const NUMBER = 81;
let world: FlowWorld;
let commentId = 70_000;

function payload(login: string, body: string) {
  const recorded = JSON.parse(
    readFileSync(resolve("test/fixtures/webhooks/issue_comment.created.json"), "utf8"),
  );
  recorded.issue.number = NUMBER;
  recorded.issue.pull_request = {
    url: `${world.github.url}/repos/${OWNER}/${REPO}/pulls/${NUMBER}`,
    html_url: `https://github.example/${OWNER}/${REPO}/pull/${NUMBER}`,
    merged_at: null,
  };
  recorded.comment.id = ++commentId;
  recorded.comment.body = body;
  recorded.comment.user.login = login;
  recorded.comment.user.type = "User";
  recorded.repository.full_name = `${OWNER}/${REPO}`;
  recorded.repository.name = REPO;
  recorded.repository.default_branch = "main";
  return recorded as Record<string, unknown>;
}

function comment(login: string, body: string) {
  return runAction(world, {
    event: "issue_comment",
    payload: payload(login, body),
    checkout: checkoutOf(world, "main", `checkout-cmd-${commentId}`),
    sha: git(world.remote, "rev-parse", "main"),
    ref: "refs/heads/main",
  });
}

const workspace = () => createSdkWorkspace({ host: world.local.url, token: world.local.token });
const LOCK = lockPathOf(`${OWNER}/${REPO}`);
const lockExists = async () => (await workspace().readFile(LOCK)) !== undefined;

describe.skipIf(!existsSync(BUNDLE))("/jobagent unlock", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-unlock-"));
    const local = await startLocalWorkspace({ token: "dapi-unlock-local-workspace-token-0123456" });
    const github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
    world = { root, remote: seedRemote(root), github, local, runs: 0 };
    const main = git(world.remote, "rev-parse", "main");
    github.pullRequests.set(NUMBER, {
      number: NUMBER,
      state: "open",
      merged: false,
      head: { ref: "some-branch", sha: main, repo: { full_name: `${OWNER}/${REPO}` } },
      base: { ref: "main", sha: main, repo: { full_name: `${OWNER}/${REPO}` } },
    });
    github.permissions.set("dana", "write");
    github.permissions.set("visitor", "read");
  });

  afterAll(async () => {
    await world?.github.close();
    await world?.local.close();
    if (world?.root) rmSync(world.root, { recursive: true, force: true });
  });

  it("a reader is refused; a writer releases the lock a cancelled run left, and hears whose it was", async () => {
    await acquireWorkspaceLock(workspace(), {
      project: `${OWNER}/${REPO}`,
      holder: "9123-1",
      where: "https://github.example/acme/data-jobs/actions/runs/9123",
      seconds: 3600,
      now: () => new Date(),
    });
    expect(await lockExists()).toBe(true);

    const refused = await comment("visitor", "/jobagent unlock");
    expect(refused.code, refused.stdout + refused.stderr).toBe(0);
    expect(await lockExists()).toBe(true);

    const run = await comment("dana", "/jobagent unlock");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await lockExists()).toBe(false);
    const answer = world.github.commentsOn(NUMBER).find((c) => parseMarker(c.body)?.kind === "command");
    expect(answer?.body).toContain(`Released the workspace lock \`${LOCK}\` held by run 9123-1`);

    const again = await comment("dana", "/jobagent unlock");
    expect(again.code).toBe(0);
    const latest = world.github.commentsOn(NUMBER).find((c) => parseMarker(c.body)?.kind === "command");
    expect(latest?.body).toContain("nothing to release");
  });
});
