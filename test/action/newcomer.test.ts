// A newcomer's first hour with the action: the example workflow as printed (its inputs evaluated the way the runner
// does: a repository variable or secret that does not exist is an empty string), `node dist/index.js` as a child
// process, the fake GitHub, the local workspace — and the first mistakes: no DATABRICKS_HOST variable, no
// DATABRICKS_TOKEN secret, a token the workspace refuses, a `permissions:` block without `pull-requests: write` or
// `contents: write`, a checkout with `persist-credentials: false`. Each failure names the fix in the job log, with
// no stack trace, and nothing is committed, commented or applied by mistake.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";
import {
  BUNDLE,
  GITHUB_TOKEN,
  OWNER,
  REPO,
  checkoutOf,
  git,
  merge,
  openBranch,
  prPayload,
  pushPayload,
  requirement,
  runAction,
  seedRemote,
  type FlowWorld,
  type RunResult,
} from "../support/action-run.js";
import { exampleWorkflowInputs } from "../support/example-workflow.js";

let world: FlowWorld;
let local: LocalWorkspace;
let github: FakeGitHub;
/** A git "remote" over HTTP that refuses every push the way github.com does (403, or 401 without credentials). */
let refuser: Server;
let refuserUrl: string;
let pr = 100;

const inputs = (event: string, vars: Record<string, string>, secrets: Record<string, string>) =>
  exampleWorkflowInputs({ event, vars, secrets, githubToken: GITHUB_TOKEN });
const configured = (event = "pull_request") =>
  inputs(event, { DATABRICKS_HOST: local.url }, { DATABRICKS_TOKEN: local.token });

/** The job log shows no stack trace (the runner shows `::debug::` lines only with debug logging on). */
function expectNoStackTrace(run: RunResult): void {
  const visible = run.stdout
    .split("\n")
    .filter((line) => !line.startsWith("::debug::"))
    .join("\n");
  expect(visible).not.toMatch(/^\s+at |file:\/\/\/|\.js:\d+:\d+/m);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

/** The `::error::` line of the run (the failed step's annotation). */
function errorLine(run: RunResult): string {
  return run.stdout.split("\n").find((line) => line.startsWith("::error::")) ?? "";
}

async function jobsNamed(name: string): Promise<number> {
  const ws = createSdkWorkspace({ host: local.url, token: local.token });
  let n = 0;
  for await (const job of ws.listJobs({ name })) if (job.settings?.name === name) n++;
  return n;
}

/** A pull request opening one requirement; the checkout is the PR head as the example workflow's checkout gives it. */
function openPullRequest(branch: string, name: string, extra: Record<string, string> = {}, jobsDir = "jobs") {
  const number = ++pr;
  const { head, base } = openBranch(world, branch, {
    [`${jobsDir}/${name}.md`]: requirement(name, 1),
    ...extra,
  });
  github.files.set(number, [{ filename: `${jobsDir}/${name}.md`, status: "added" }]);
  return {
    number,
    head,
    checkout: checkoutOf(world, branch, `checkout-${branch}`),
    payload: prPayload(number, branch, head, base),
  };
}

const ready = existsSync(BUNDLE);

describe.skipIf(!ready)("a newcomer's first mistakes with the example workflow", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-newcomer-"));
    local = await startLocalWorkspace({ token: "dapi-newcomer-local-token-0123456789" });
    github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
    world = { root, remote: seedRemote(root), github, local, runs: 0 };
    refuser = createServer((req, res) => {
      if (req.url?.includes("/nocreds/")) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"', "content-type": "text/plain" });
        res.end("Unauthorized\n");
        return;
      }
      res.writeHead(403, { "content-type": "text/plain" });
      res.end(`Permission to ${OWNER}/${REPO}.git denied to github-actions[bot].\n`);
    });
    await new Promise<void>((done) => refuser.listen(0, "127.0.0.1", done));
    refuserUrl = `http://127.0.0.1:${(refuser.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((done) => refuser?.close(done));
    await github?.close();
    await local?.close();
    if (world?.root) rmSync(world.root, { recursive: true, force: true });
  });

  it("no DATABRICKS_HOST repository variable (it arrives as an empty string): the error says to create it; nothing is committed or commented", async () => {
    const opened = openPullRequest("no-host", "no-host");
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: inputs("pull_request", {}, {}),
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("configuration");
    const error = errorLine(run);
    expect(error).toContain("repository variable DATABRICKS_HOST");
    expect(error).toContain("Settings → Secrets and variables → Actions → Variables");
    expect(error).toContain("${{ secrets.DATABRICKS_HOST }}");
    expect(run.summary).toContain("repository variable DATABRICKS_HOST");
    expectNoStackTrace(run);
    expect(git(world.remote, "rev-parse", "no-host")).toBe(opened.head);
    expect(github.commentsOn(opened.number)).toHaveLength(0);
  });

  it("no DATABRICKS_TOKEN secret: the error names the secret and the OIDC alternative; on the merge nothing is applied", async () => {
    const opened = openPullRequest("no-token", "no-token");
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: inputs("pull_request", { DATABRICKS_HOST: local.url }, {}),
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("configuration");
    const error = errorLine(run);
    expect(error).toContain(`no Databricks token for ${local.url}`);
    expect(error).toContain("repository secret DATABRICKS_TOKEN");
    expect(error).toContain("`id-token: write`");
    expectNoStackTrace(run);

    const merged = merge(world, "no-token", opened.number);
    const apply = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-no-token-main"),
      sha: merged.sha,
      ref: "refs/heads/main",
      inputs: inputs("push", { DATABRICKS_HOST: local.url }, {}),
    });
    expect(apply.code).toBe(1);
    expect(errorLine(apply)).toContain("so nothing was applied");
    expect(errorLine(apply)).toContain("repository secret DATABRICKS_TOKEN");
    expect(await jobsNamed("no-token")).toBe(0);
  });

  it("a token the workspace refuses: `configuration`, and the error says to fix the DATABRICKS_TOKEN secret", async () => {
    const opened = openPullRequest("bad-token", "bad-token");
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: inputs(
        "pull_request",
        { DATABRICKS_HOST: local.url },
        { DATABRICKS_TOKEN: "dapi-revoked-token-000000000000000" },
      ),
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("configuration");
    const error = errorLine(run);
    expect(error).toContain("Invalid access token");
    expect(error).toContain("does not accept the token");
    expect(error).toContain("DATABRICKS_TOKEN secret");
    // the runner swallows `::add-mask::` lines (they make it mask the value); nothing else may carry the token
    expect(run.stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain("dapi-revoked-token-000000000000000");
    expect(run.summary).not.toContain("dapi-revoked-token-000000000000000");
    expectNoStackTrace(run);
  });

  it("`permissions:` without `pull-requests: write` (the comment answers 403): the error says which permission to add", async () => {
    const opened = openPullRequest("no-pr-write", "no-pr-write");
    github.fault({
      method: "POST",
      path: new RegExp(`/issues/${opened.number}/comments$`),
      status: 403,
      times: 1,
      message: "Resource not accessible by integration",
    });
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: configured(),
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("configuration");
    const error = errorLine(run);
    expect(error).toContain("HTTP 403");
    expect(error).toContain("add `pull-requests: write` under `permissions:`");
    expect(run.summary).toContain("`pull-requests: write`");
    expectNoStackTrace(run);
  });

  it("`permissions:` without `contents: write` (the push answers 403): the error says to add it; nothing is commented", async () => {
    const opened = openPullRequest("no-contents-write", "no-contents-write");
    git(opened.checkout, "config", "remote.origin.pushurl", `${refuserUrl}/${OWNER}/${REPO}`);
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: configured(),
      env: { GIT_TERMINAL_PROMPT: "0" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("git-push-failed");
    const error = errorLine(run);
    expect(error).toContain("denied to github-actions[bot]");
    expect(error).toContain("add `contents: write` under `permissions:`");
    expectNoStackTrace(run);
    expect(github.commentsOn(opened.number)).toHaveLength(0);
  });

  it("actions/checkout with `persist-credentials: false` (no credentials to push with): the error says to remove it", async () => {
    const opened = openPullRequest("no-credentials", "no-credentials");
    git(opened.checkout, "config", "remote.origin.pushurl", `${refuserUrl}/nocreds/${OWNER}/${REPO}`);
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: configured(),
      env: { GIT_TERMINAL_PROMPT: "0" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("git-push-failed");
    expect(errorLine(run)).toContain("remove `persist-credentials: false` from the actions/checkout step");
    expectNoStackTrace(run);
  });

  it("the merge's push of task states answers 403: the jobs are applied once, the error names `contents: write`", async () => {
    const opened = openPullRequest("apply-no-push", "apply-no-push");
    const planned = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: configured(),
    });
    expect(planned.code, planned.stdout).toBe(0);
    const merged = merge(world, "apply-no-push", opened.number);
    const main = checkoutOf(world, "main", "checkout-main-apply-no-push");
    git(main, "config", "remote.origin.pushurl", `${refuserUrl}/${OWNER}/${REPO}`);
    const apply = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: main,
      sha: merged.sha,
      ref: "refs/heads/main",
      inputs: configured("push"),
      env: { GIT_TERMINAL_PROMPT: "0" },
    });
    expect(apply.code).toBe(1);
    expect(apply.outputs["failure-reason"]).toBe("git-push-failed");
    const errors = apply.stdout.split("\n").filter((line) => line.startsWith("::error::"));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toContain("add `contents: write` under `permissions:`");
    expect(errors.at(-1)).toContain("the jobs were applied but their task states could not be committed");
    expectNoStackTrace(apply);
    expect(await jobsNamed("apply-no-push")).toBe(1);
  });

  it("the first plan says what the merge does and how to change it; a prose requirement that needs answers is not '✅ No changes'", async () => {
    const opened = openPullRequest("first-plan", "first-plan");
    const run = await runAction(world, {
      event: "pull_request",
      payload: opened.payload,
      checkout: opened.checkout,
      sha: opened.head,
      ref: `refs/pull/${opened.number}/merge`,
      inputs: configured(),
    });
    expect(run.code, run.stdout).toBe(0);
    const body = github.commentsOn(opened.number)[0].body;
    expect(body).toContain(
      "**Merging this pull request applies exactly this plan**. To change it, edit the requirement file(s) in `jobs/` " +
        "and push: this comment is updated with the new plan.",
    );

    const number = ++pr;
    const { head, base } = openBranch(world, "vague", {
      "jobs/nightly.md": "# Nightly\n\nRun the notebook /Workspace/Shared/etl/report sometime at night.\n",
    });
    github.files.set(number, [{ filename: "jobs/nightly.md", status: "added" }]);
    const vague = await runAction(world, {
      event: "pull_request",
      payload: prPayload(number, "vague", head, base),
      checkout: checkoutOf(world, "vague", "checkout-vague"),
      sha: head,
      ref: `refs/pull/${number}/merge`,
      inputs: configured(),
    });
    expect(vague.code, vague.stdout).toBe(0);
    const blocked = github.commentsOn(number)[0].body;
    expect(blocked).not.toContain("✅ No changes");
    expect(blocked).toContain(
      "⛔ **1 job(s) blocked** and not applied by the merge: they need a person (see *Blocked* below); to go on, " +
        "edit the requirement file(s) in `jobs/` and push",
    );
    expect(blocked).toMatch(/❓ At what time should it run/);
  });

  describe("the merge would not run the apply (the workflow's `on: push` filter)", () => {
    const WORKFLOW = ".github/workflows/jobagent.yml";
    const exampleWorkflow = readFileSync(WORKFLOW, "utf8");
    const planRun = async (
      opened: ReturnType<typeof openPullRequest>,
      defaultBranch: string,
      jobsDir = "jobs",
    ): Promise<RunResult> => {
      const payload = {
        ...opened.payload,
        repository: { full_name: `${OWNER}/${REPO}`, default_branch: defaultBranch },
      };
      payload.pull_request.base.ref = defaultBranch;
      return runAction(world, {
        event: "pull_request",
        payload,
        checkout: opened.checkout,
        sha: opened.head,
        ref: `refs/pull/${opened.number}/merge`,
        inputs: { ...configured(), "jobs-dir": jobsDir },
        env: { GITHUB_WORKFLOW_REF: `${OWNER}/${REPO}/${WORKFLOW}@refs/pull/${opened.number}/merge` },
      });
    };

    it("the example workflow as printed, default branch main, jobs/: no warning", async () => {
      const opened = openPullRequest("trigger-ok", "trigger-ok", { [WORKFLOW]: exampleWorkflow });
      const run = await planRun(opened, "main");
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).not.toContain("Merging will not apply");
      expect(github.commentsOn(opened.number)[0].body).not.toContain("Merging will not apply");
    });

    it("a default branch not named main: the plan comment says the merge will not apply and what to change", async () => {
      const opened = openPullRequest("trigger-master", "trigger-master", { [WORKFLOW]: exampleWorkflow });
      const run = await planRun(opened, "master");
      expect(run.code, run.stdout).toBe(0);
      const said =
        "Merging will not apply this plan: `.github/workflows/jobagent.yml` runs on `push` with `branches: [main]`, " +
        "which leaves out this repository's default branch `master`. Change `on: push: branches:` to `[master]`.";
      expect(run.stdout).toContain(`::warning::${said}`);
      expect(github.commentsOn(opened.number)[0].body).toContain(`> [!WARNING]\n> ${said}`);
    });

    it("requirements in pipelines/ (jobs-dir: pipelines) with the example's paths filter: the comment says to add pipelines/**", async () => {
      // the newcomer changed the pull_request filter (the first `paths:`) and forgot the push one
      const workflow = exampleWorkflow.replace(
        'paths: ["jobs/**", "jobagent.yml"]',
        'paths: ["pipelines/**"]',
      );
      const opened = openPullRequest("trigger-dir", "trigger-dir", { [WORKFLOW]: workflow }, "pipelines");
      const run = await planRun(opened, "main", "pipelines");
      expect(run.code, run.stdout).toBe(0);
      const body = github.commentsOn(opened.number)[0].body;
      expect(body).toContain(
        "runs on `push` with `paths: [jobs/**, jobagent.yml]`, which leaves out the jobs directory `pipelines/` " +
          '(input `jobs-dir`). Add `"pipelines/**"` to `on: push: paths:`',
      );
      expect(body).not.toContain("default branch");
    });
  });
});
