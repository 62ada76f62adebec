// The action end to end, exactly as the runner runs it: `node dist/index.js` as a child process with the GitHub
// environment (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH with a realistic payload, GITHUB_REPOSITORY, GITHUB_WORKSPACE,
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, INPUT_*), against a bare git remote with a real checkout, the fake GitHub
// REST server (GITHUB_API_URL) and the local Databricks workspace over real HTTP.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { WorkspaceJob } from "../../src/domain/model.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github.js";
import {
  BUNDLE,
  GITHUB_TOKEN,
  OWNER,
  REPO,
  checkoutOf as checkoutStep,
  dev,
  git,
  merge as mergeStep,
  openBranch as openBranchStep,
  prPayload as prPayloadOf,
  pushPayload,
  runAction as runStep,
  statusOf,
  write,
  type FlowWorld,
  type RunOptions,
  type RunResult,
} from "../support/action-run.js";

const FORK_TOKEN = "ghs_e2eForkReadOnlyToken0123456789";

function requirement(name: string, workers: number): string {
  return `---
title: ${name}
job:
  name: ${name}
  tags: { team: data-eng }
  schedule:
    quartz_cron_expression: "0 0 6 ? * MON-FRI"
    timezone_id: Europe/Berlin
  job_clusters:
    - job_cluster_key: etl
      new_cluster:
        spark_version: 15.4.x-scala2.12
        node_type_id: i3.xlarge
        num_workers: ${workers}
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/etl/ingest
    - task_key: transform
      depends_on: [{ task_key: ingest }]
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/etl/transform
---
# ${name}

Every weekday at 06:00 Berlin time, ingest the orders and build the silver table.
`;
}

let root: string;
let remote: string;
let local: LocalWorkspace;
let github: FakeGitHub;
let world: FlowWorld;
/** Everything the runs printed, wrote to the summary or set as outputs: the secret scan reads it. */
const produced: string[] = [];

// The steps are test/support/action-run.ts's, on this file's world (one remote, one workspace, one fake GitHub).
async function runAction(options: RunOptions): Promise<RunResult> {
  const run = await runStep(world, options);
  produced.push(run.stdout, run.stderr, run.summary, Object.values(run.outputs).join("\n"));
  return run;
}
const checkoutOf = (branch: string, name: string) => checkoutStep(world, branch, name);
const openBranch = (branch: string, files: Record<string, string>) => openBranchStep(world, branch, files);
const merge = (branch: string, number: number) => mergeStep(world, branch, number);
const prPayload = (
  action: string,
  number: number,
  headRef: string,
  headSha: string,
  baseSha: string,
  headRepo?: string,
) => prPayloadOf(number, headRef, headSha, baseSha, { action, ...(headRepo ? { headRepo } : {}) });

async function jobsNamed(name: string): Promise<WorkspaceJob[]> {
  const ws = createSdkWorkspace({ host: local.url, token: local.token });
  const jobs: WorkspaceJob[] = [];
  for await (const job of ws.listJobs({ name })) jobs.push(job);
  return jobs;
}

function taskFiles(dir: string): string[] {
  const tasks = join(dir, "jobs", ".tasks");
  return existsSync(tasks) ? readdirSync(tasks).filter((f) => f.endsWith(".md") && f !== "progress.md") : [];
}

const ready = existsSync(BUNDLE);
if (!ready)
  console.warn(`e2e: ${BUNDLE} is missing (the global setup builds it); the action e2e tests are skipped`);

describe.skipIf(!ready)("the action as the runner runs it", () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "jobagent-e2e-"));
    remote = join(root, "origin.git");
    git(root, "init", "--quiet", "--bare", "-b", "main", remote);
    const seed = join(root, "seed");
    git(root, "clone", "--quiet", remote, seed);
    write(seed, "README.md", "# data jobs\n");
    write(seed, "jobs/.gitkeep", "");
    dev(seed, "add", ".");
    dev(seed, "commit", "-q", "-m", "initial");
    dev(seed, "push", "-q", "origin", "HEAD:main");
    local = await startLocalWorkspace({ token: "dapi-e2e-local-workspace-token-0123456789" });
    github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: {
        [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" },
        [FORK_TOKEN]: { login: "github-actions[bot]", type: "Bot", readOnly: true },
      },
    });
    world = { root, remote, github, local, runs: 0 };
  });

  afterAll(async () => {
    await github?.close();
    await local?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("PR opened → task files pushed and one plan comment; PR updated → the same comment edited; merge → applied, states committed back, result commented", async () => {
    const { devDir, head, base } = openBranch("add-orders", {
      "jobs/orders-daily.md": requirement("orders-daily", 2),
    });
    github.files.set(7, [{ filename: "jobs/orders-daily.md", status: "added" }]);

    // --- PR opened
    const opened = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 7, "add-orders", head, base),
      checkout: checkoutOf("add-orders", "checkout-pr-1"),
      sha: head,
      ref: "refs/pull/7/merge",
    });
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    expect(opened.outputs["to-create"]).toBe("1");
    expect(opened.outputs.changes).toBe("true");
    expect(opened.outputs["failure-reason"]).toBe("");
    const planHash1 = opened.outputs["plan-hash"];
    expect(planHash1).toMatch(/^[0-9a-f]{8,}$/);

    const pushed1 = git(remote, "rev-parse", "add-orders");
    expect(pushed1).not.toBe(head);
    expect(git(remote, "log", "-1", "--format=%an|%s", "add-orders")).toMatch(
      /^github-actions\[bot\]\|jobagent: task files/,
    );
    const fresh = checkoutOf("add-orders", "verify-pr-1");
    const tasks = taskFiles(fresh);
    expect(tasks.length).toBe(1);
    expect(statusOf(readFileSync(join(fresh, "jobs/.tasks", tasks[0]), "utf8"))).toBe("PLANNED");

    const comments1 = github.commentsOn(7);
    expect(comments1).toHaveLength(1);
    expect(comments1[0].user.login).toBe("github-actions[bot]");
    expect(parseMarker(comments1[0].body)).toEqual({
      kind: "plan",
      jobsDir: "jobs",
      planHash: planHash1,
      headSha: pushed1,
    });
    expect(comments1[0].body).toContain("orders-daily");
    expect(opened.summary).toContain(planHash1);
    expect(opened.stdout).toMatch(/::group::/);

    // --- PR synchronize: the developer changes the requirement
    dev(devDir, "pull", "-q", "--rebase", "origin", "add-orders");
    write(devDir, "jobs/orders-daily.md", requirement("orders-daily", 4));
    dev(devDir, "commit", "-q", "-am", "more workers");
    dev(devDir, "push", "-q", "origin", "add-orders");
    const head2 = git(devDir, "rev-parse", "HEAD");
    const synced = await runAction({
      event: "pull_request",
      payload: prPayload("synchronize", 7, "add-orders", head2, base),
      checkout: checkoutOf("add-orders", "checkout-pr-2"),
      sha: head2,
      ref: "refs/pull/7/merge",
    });
    expect(synced.code, synced.stdout + synced.stderr).toBe(0);
    const planHash2 = synced.outputs["plan-hash"];
    expect(planHash2).not.toBe(planHash1);
    const comments2 = github.commentsOn(7);
    expect(comments2).toHaveLength(1);
    expect(comments2[0].id).toBe(comments1[0].id);
    expect(parseMarker(comments2[0].body)?.planHash).toBe(planHash2);
    expect(comments2[0].body).toContain(`supersedes ~~plan \`${planHash1}\``);
    expect(
      github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/issues/7/comments")),
    ).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);

    // --- merge → push to main → apply
    const merged = merge("add-orders", 7);
    const applied = await runAction({
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf("main", "checkout-main-1"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.outputs["failure-reason"]).toBe("");
    expect(applied.stdout).toContain(`approved plan ${planHash2}`);
    const jobs = await jobsNamed("orders-daily");
    expect(jobs).toHaveLength(1);

    const back = git(remote, "log", "-1", "--format=%an|%s", "main");
    expect(back).toMatch(/^github-actions\[bot\]\|jobagent: applied plan \S+ \[skip ci\]$/);
    const main = checkoutOf("main", "verify-main-1");
    const mainTasks = taskFiles(main);
    expect(mainTasks).toHaveLength(1);
    expect(statusOf(readFileSync(join(main, "jobs/.tasks", mainTasks[0]), "utf8"))).toBe("COMPLETE");
    expect(readFileSync(join(main, "jobs/.tasks/progress.md"), "utf8")).toMatch(/orders-daily/);

    const comments3 = github.commentsOn(7);
    expect(comments3).toHaveLength(2);
    const result = comments3[1];
    expect(parseMarker(result.body)?.kind).toBe("apply");
    expect(result.body).toContain(`[orders-daily](${local.url}/jobs/${jobs[0].job_id})`);
    expect(result.body).toMatch(/COMPLETE/);
    expect(applied.summary).toMatch(/Applied/);

    // --- the same push delivered twice more at once (re-runs racing each other) applies nothing twice
    const racers = await Promise.all(
      [1, 2].map((i) =>
        runAction({
          event: "push",
          payload: pushPayload(merged.sha, merged.before),
          checkout: checkoutOf("main", `checkout-race-${i}`),
          sha: merged.sha,
          ref: "refs/heads/main",
        }),
      ),
    );
    for (const racer of racers)
      expect(["", "locked", "git-push-failed"]).toContain(racer.outputs["failure-reason"]);
    expect(await jobsNamed("orders-daily")).toHaveLength(1);
    expect((await jobsNamed("orders-daily"))[0].job_id).toBe(jobs[0].job_id);
    // a re-run that applied nothing keeps the result comment of the run that did
    expect(github.commentsOn(7)[1].body).toContain(`/jobs/${jobs[0].job_id}`);
  });

  it("two merges in a row (runs serialised by the concurrency group): each job applied once, both states committed", async () => {
    const a = openBranch("add-a", { "jobs/seq-a.md": requirement("seq-a", 1) });
    const b = openBranch("add-b", { "jobs/seq-b.md": requirement("seq-b", 1) });
    github.files.set(21, [{ filename: "jobs/seq-a.md", status: "added" }]);
    github.files.set(22, [{ filename: "jobs/seq-b.md", status: "added" }]);
    for (const [n, branch, pr] of [
      [21, "add-a", a],
      [22, "add-b", b],
    ] as const) {
      const run = await runAction({
        event: "pull_request",
        payload: prPayload("opened", n, branch, pr.head, pr.base),
        checkout: checkoutOf(branch, `checkout-seq-${n}`),
        sha: pr.head,
        ref: `refs/pull/${n}/merge`,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
    const mergeA = merge("add-a", 21);
    const mergeB = merge("add-b", 22);
    // both checkouts are taken when the runs start: B's does not contain A's state commit
    const checkoutA = checkoutOf("main", "checkout-seq-main-a");
    git(checkoutA, "checkout", "-q", mergeA.sha);
    git(checkoutA, "checkout", "-q", "-B", "main");
    const checkoutB = checkoutOf("main", "checkout-seq-main-b");
    const applyA = await runAction({
      event: "push",
      payload: pushPayload(mergeA.sha, mergeA.before),
      checkout: checkoutA,
      sha: mergeA.sha,
      ref: "refs/heads/main",
    });
    const applyB = await runAction({
      event: "push",
      payload: pushPayload(mergeB.sha, mergeB.before),
      checkout: checkoutB,
      sha: mergeB.sha,
      ref: "refs/heads/main",
    });
    expect(applyA.code, applyA.stdout + applyA.stderr).toBe(0);
    expect(applyB.code, applyB.stdout + applyB.stderr).toBe(0);
    expect(await jobsNamed("seq-a")).toHaveLength(1);
    expect(await jobsNamed("seq-b")).toHaveLength(1);
    const main = checkoutOf("main", "verify-seq-main");
    const states = taskFiles(main)
      .map((f) => readFileSync(join(main, "jobs/.tasks", f), "utf8"))
      .filter((t) => /seq-[ab]/.test(t))
      .map(statusOf);
    expect(states).toEqual(["COMPLETE", "COMPLETE"]);
  });

  it("refuses with plan-changed when the merged requirement differs from the plan shown on the PR", async () => {
    const { devDir, head, base } = openBranch("add-invoices", {
      "jobs/invoices.md": requirement("invoices-daily", 2),
    });
    github.files.set(8, [{ filename: "jobs/invoices.md", status: "added" }]);
    const opened = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 8, "add-invoices", head, base),
      checkout: checkoutOf("add-invoices", "checkout-pr8"),
      sha: head,
      ref: "refs/pull/8/merge",
    });
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);

    // a change pushed behind the PR's back: no workflow ran for it, so no plan was shown
    dev(devDir, "pull", "-q", "--rebase", "origin", "add-invoices");
    write(devDir, "jobs/invoices.md", requirement("invoices-daily", 8));
    dev(devDir, "commit", "-q", "-am", "sneaky: 8 workers [skip ci]");
    dev(devDir, "push", "-q", "origin", "add-invoices");

    const merged = merge("add-invoices", 8);
    const applied = await runAction({
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf("main", "checkout-main-8"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code).toBe(1);
    expect(applied.outputs["failure-reason"]).toBe("plan-changed");
    expect(applied.stdout).toMatch(/::error::.*plan/);
    expect(await jobsNamed("invoices-daily")).toHaveLength(0);
    const result = github.commentsOn(8).find((c) => parseMarker(c.body)?.kind === "apply");
    expect(result?.body).toMatch(/Apply failed \(`plan-changed`\)/);
    expect(applied.summary).toMatch(/plan-changed/);
  });

  it("fork PR: no secrets → nothing pushed, nothing commented, the job summary says why", async () => {
    const { head, base } = openBranch("fork-feature", { "jobs/fork.md": requirement("from-a-fork", 1) });
    github.files.set(9, [{ filename: "jobs/fork.md", status: "added" }]);
    const run = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 9, "fork-feature", head, base, "stranger/data-jobs"),
      checkout: checkoutOf("fork-feature", "checkout-fork"),
      sha: head,
      ref: "refs/pull/9/merge",
      inputs: { "databricks-host": "", "databricks-token": "", "github-token": FORK_TOKEN },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(git(remote, "rev-parse", "fork-feature")).toBe(head);
    expect(github.commentsOn(9)).toHaveLength(0);
    expect(run.summary).toMatch(/comes from a fork/);
  });

  it("fork PR with credentials available: planned but never pushed; the read-only token's refusal is not a failure", async () => {
    const { head, base } = openBranch("fork-two", { "jobs/fork-two.md": requirement("fork-two", 1) });
    github.files.set(10, [{ filename: "jobs/fork-two.md", status: "added" }]);
    const run = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 10, "fork-two", head, base, "stranger/data-jobs"),
      checkout: checkoutOf("fork-two", "checkout-fork-two"),
      sha: head,
      ref: "refs/pull/10/merge",
      inputs: { "github-token": FORK_TOKEN },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // main already holds the other tests' requirements: the fork's job is one of the creates
    expect(Number(run.outputs["to-create"])).toBeGreaterThanOrEqual(1);
    expect(run.summary).toContain("fork-two");
    expect(git(remote, "rev-parse", "fork-two")).toBe(head);
    expect(github.commentsOn(10)).toHaveLength(0);
    expect(run.stdout).toMatch(/read-only token cannot comment/);
    expect(await jobsNamed("fork-two")).toHaveLength(0);

    const apply = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 10, "fork-two", head, base, "stranger/data-jobs"),
      checkout: checkoutOf("fork-two", "checkout-fork-apply"),
      sha: head,
      ref: "refs/pull/10/merge",
      inputs: { mode: "apply" },
    });
    expect(apply.code).toBe(1);
    expect(apply.outputs["failure-reason"]).toBe("configuration");
    expect(await jobsNamed("fork-two")).toHaveLength(0);
  });

  it("a requirement that fails validation: annotation on the file, comment without an approvable hash, validation-failed", async () => {
    const broken = requirement("broken-job", 1).replace(
      "notebook_path: /Workspace/Shared/etl/transform",
      "notebok_path: /Workspace/Shared/etl/transform",
    );
    const { head, base } = openBranch("broken", { "jobs/broken.md": broken });
    github.files.set(12, [{ filename: "jobs/broken.md", status: "added" }]);
    const run = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 12, "broken", head, base),
      checkout: checkoutOf("broken", "checkout-broken"),
      sha: head,
      ref: "refs/pull/12/merge",
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("validation-failed");
    expect(run.stdout).toMatch(/::error title=[^,]*,file=jobs\/broken\.md,line=\d+::/);
    // the annotation carries the documentation page of the field (the Retriever's links)
    expect(run.stdout).toMatch(
      /::error title=[^,]*,file=jobs\/broken\.md,line=\d+::.* See: https:\/\/docs\.databricks\.com\//,
    );
    const comment = github.commentsOn(12)[0];
    expect(comment.body).toMatch(/Validation failed/);
    expect(parseMarker(comment.body)?.planHash).toBeUndefined();
  });

  it("a requirement whose words disagree with its structured block: the plan comment shows the consistency warning", async () => {
    const disagreeing = requirement("kpi-refresh", 2).replace(
      "Every weekday at 06:00 Berlin time, ingest the orders and build the silver table.",
      "Refresh the KPIs every day at 07:30 UTC.",
    );
    const { head, base } = openBranch("kpi", { "jobs/kpi-refresh.md": disagreeing });
    github.files.set(13, [{ filename: "jobs/kpi-refresh.md", status: "added" }]);
    const run = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 13, "kpi", head, base),
      checkout: checkoutOf("kpi", "checkout-kpi"),
      sha: head,
      ref: "refs/pull/13/merge",
    });
    expect(run.code, run.stdout + run.stderr).toBe(0); // warnings do not block unless asked to
    const comment = github.commentsOn(13)[0];
    expect(comment.body).toContain("Requirement vs. plan");
    expect(comment.body).toMatch(/07:30/);
    expect(comment.body).toMatch(/quartz(&#95;|_)cron(&#95;|_)expression|timezone(&#95;|_)id/);
  });

  it("a bad input fails with failure-reason configuration, naming the input; the summary is written anyway", async () => {
    const { head, base } = openBranch("bad-input", { "jobs/bad.md": requirement("bad-input", 1) });
    const run = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 11, "bad-input", head, base),
      checkout: checkoutOf("bad-input", "checkout-bad"),
      sha: head,
      ref: "refs/pull/11/merge",
      inputs: { "on-plan-change": "sometimes" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("configuration");
    expect(run.stdout).toContain(
      '::error::input "on-plan-change" has the value "sometimes"; use one of: fail, apply',
    );
    expect(run.summary).toMatch(/jobagent failed \(`configuration`\)/);
  });

  it("a tag push in auto mode is a quiet no-op, like a push to another branch", async () => {
    const main = checkoutOf("main", "checkout-tag");
    const sha = git(main, "rev-parse", "HEAD");
    const before = git(remote, "for-each-ref", "--format=%(refname) %(objectname)");
    const allJobs = async () => {
      const ws = createSdkWorkspace({ host: local.url, token: local.token });
      let n = 0;
      for await (const _ of ws.listJobs({ expandTasks: false })) n++;
      return n;
    };
    const jobsBefore = await allJobs();
    const writesBefore = github.requests.filter((r) => r.method !== "GET").length;
    const run = await runAction({
      event: "push",
      payload: { ...pushPayload(sha, sha), ref: "refs/tags/v1.2.0", base_ref: "refs/heads/main" },
      checkout: main,
      sha,
      ref: "refs/tags/v1.2.0",
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs["failure-reason"]).toBe("");
    expect(run.stdout).toContain('event "push" of tag v1.2.0 has nothing for mode auto to do');
    expect(run.stdout).not.toMatch(/::error/);
    expect(run.summary).toContain("Event `push` (tag `v1.2.0`): nothing to do in mode `auto`.");
    // nothing written anywhere: no ref moved, no job, no GitHub write
    expect(git(remote, "for-each-ref", "--format=%(refname) %(objectname)")).toBe(before);
    expect(await allJobs()).toBe(jobsBefore);
    expect(github.requests.filter((r) => r.method !== "GET").length).toBe(writesBefore);
  });

  it("a pull_request run on the merge-ref checkout is refused before anything is written; the branch is untouched", async () => {
    const { head, base } = openBranch("merge-ref", { "jobs/merge-ref.md": requirement("merge-ref-job", 1) });
    github.files.set(33, [{ filename: "jobs/merge-ref.md", status: "added" }]);
    // what actions/checkout does by default for pull_request: the synthetic merge of head into base, detached
    const checkout = checkoutOf("main", "checkout-merge-ref");
    git(checkout, "fetch", "-q", "origin", "merge-ref");
    dev(checkout, "merge", "-q", "--no-ff", "FETCH_HEAD", "-m", "Merge head into base");
    git(checkout, "checkout", "-q", "--detach");
    const run = await runAction({
      event: "pull_request",
      payload: prPayload("opened", 33, "merge-ref", head, base),
      checkout,
      sha: git(checkout, "rev-parse", "HEAD"),
      ref: "refs/pull/33/merge",
    });
    expect(run.code, run.stdout.slice(-3000)).toBe(1);
    expect(run.outputs["failure-reason"]).toBe("configuration");
    expect(run.stdout).toMatch(
      /is not the pull request's head branch "merge-ref".*ref: \$\{\{ github.head_ref \}\}/,
    );
    expect(git(remote, "rev-parse", "merge-ref")).toBe(head);
    expect(github.commentsOn(33)).toHaveLength(0);
  });

  describe("comment commands (issue_comment, recorded payload)", () => {
    const recorded = JSON.parse(
      readFileSync(resolve("test/fixtures/webhooks/issue_comment.created.json"), "utf8"),
    ) as {
      issue: { number: number; pull_request?: unknown };
      comment: { id: number; body: string; user: { login: string; type: string } };
      repository: { full_name: string; name: string; default_branch: string };
    };
    let commentId = 50_000;
    let pr: { head: string; base: string } = { head: "", base: "" };
    const NUMBER = 31;

    function commentPayload(login: string, body: string, number = NUMBER) {
      const payload = structuredClone(recorded);
      payload.issue.number = number;
      payload.issue.pull_request = {
        url: `${github.url}/repos/${OWNER}/${REPO}/pulls/${number}`,
        html_url: `https://github.example/${OWNER}/${REPO}/pull/${number}`,
        diff_url: `https://github.example/${OWNER}/${REPO}/pull/${number}.diff`,
        patch_url: `https://github.example/${OWNER}/${REPO}/pull/${number}.patch`,
        merged_at: null,
      };
      payload.comment.id = ++commentId;
      payload.comment.body = body;
      payload.comment.user.login = login;
      payload.comment.user.type = "User";
      payload.repository.full_name = `${OWNER}/${REPO}`;
      payload.repository.name = REPO;
      payload.repository.default_branch = "main";
      return payload;
    }

    /** issue_comment workflows check out the default branch (actions/checkout's default for this event). */
    function comment(login: string, body: string, inputs: Record<string, string> = {}, number = NUMBER) {
      const main = git(remote, "rev-parse", "main");
      return runAction({
        event: "issue_comment",
        payload: commentPayload(login, body, number),
        checkout: checkoutOf("main", `checkout-cmd-${commentId + 1}`),
        sha: main,
        ref: "refs/heads/main",
        inputs,
      });
    }

    const answerOn = (n = NUMBER) =>
      github.commentsOn(n).filter((c) => parseMarker(c.body)?.kind === "command");
    const reactionsTo = (id: number) =>
      github.reactions.filter((r) => r.commentId === id).map((r) => r.content);

    beforeAll(() => {
      pr = openBranch("cmd-orders", { "jobs/cmd-orders.md": requirement("cmd-orders", 1) });
      github.files.set(NUMBER, [{ filename: "jobs/cmd-orders.md", status: "added" }]);
      github.pullRequests.set(NUMBER, {
        number: NUMBER,
        state: "open",
        merged: false,
        mergeable: true,
        mergeable_state: "clean",
        html_url: `https://github.example/${OWNER}/${REPO}/pull/${NUMBER}`,
        head: { ref: "cmd-orders", sha: pr.head, repo: { full_name: `${OWNER}/${REPO}` } },
        base: { ref: "main", sha: pr.base, repo: { full_name: `${OWNER}/${REPO}` } },
      });
      github.permissions.set("dana", "write");
      github.permissions.set("visitor", "read");
    });

    it("/jobagent help: anyone may ask; 👀 then 👍 and the list in the sticky answer", async () => {
      const run = await comment("stranger-danger", "/jobagent help");
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(reactionsTo(commentId)).toEqual(["eyes", "+1"]);
      const [answer] = answerOn();
      expect(answer.user.login).toBe("github-actions[bot]");
      expect(answer.body).toContain("`/jobagent apply`");
      // no permission lookup was needed for help
      expect(github.requests.some((r) => r.path.includes("/collaborators/stranger-danger/"))).toBe(false);
    });

    it("refuses a re-plan by someone without write access: 👎, who may and why, nothing pushed or planned", async () => {
      const before = git(remote, "rev-parse", "cmd-orders");
      const run = await comment("visitor", "Could you?\n/jobagent plan");
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(reactionsTo(commentId)).toEqual(["eyes", "-1"]);
      const answers = answerOn();
      expect(answers).toHaveLength(1); // the same sticky answer, edited
      expect(answers[0].body).toMatch(/Refused.*`visitor` has `read` permission.*needs write access/);
      expect(git(remote, "rev-parse", "cmd-orders")).toBe(before);
      expect(github.commentsOn(NUMBER).filter((c) => parseMarker(c.body)?.kind === "plan")).toHaveLength(0);
    });

    it("/jobagent plan by a writer: the PR head is planned from the default-branch checkout and the plan comment posted", async () => {
      const run = await comment("dana", "/jobagent plan");
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(reactionsTo(commentId)).toEqual(["eyes", "+1"]);
      const plan = github.commentsOn(NUMBER).find((c) => parseMarker(c.body)?.kind === "plan");
      expect(plan?.body).toContain("cmd-orders");
      expect(parseMarker(plan!.body)?.planHash).toBe(run.outputs["plan-hash"]);
      // task files went to the PR branch, not to main
      expect(git(remote, "log", "-1", "--format=%s", "cmd-orders")).toMatch(/^jobagent: task files/);
      expect(git(remote, "log", "-1", "--format=%s", "main")).not.toMatch(/cmd-orders/);
      expect(answerOn()[0].body).toContain(`plan \`${run.outputs["plan-hash"]}\``);
      expect(await jobsNamed("cmd-orders")).toHaveLength(0);
    });

    it("/jobagent apply: refused while off, then unapproved; applied once approved and mergeable", async () => {
      const off = await comment("dana", "/jobagent apply");
      expect(off.code).toBe(0);
      expect(answerOn()[0].body).toMatch(/Refused.*`comment-apply` input is `false`/);
      const on = { "comment-apply": "true" };
      const unapproved = await comment("dana", "/jobagent apply", on);
      expect(unapproved.code).toBe(0);
      expect(answerOn()[0].body).toMatch(/Refused.*is not approved/);
      expect(await jobsNamed("cmd-orders")).toHaveLength(0);

      github.reviews.set(NUMBER, [{ user: { login: "rita" }, state: "APPROVED" }]);
      github.pullRequests.get(NUMBER)!.mergeable_state = "dirty";
      const conflicted = await comment("dana", "/jobagent apply", on);
      expect(answerOn()[0].body).toMatch(/Refused.*not mergeable.*`dirty`/);
      expect(conflicted.code).toBe(0);

      github.pullRequests.get(NUMBER)!.mergeable_state = "clean";
      const applied = await comment("dana", "/jobagent apply", on);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(reactionsTo(commentId)).toEqual(["eyes", "+1"]);
      expect(answerOn()[0].body).toMatch(/Applied/);
      expect(await jobsNamed("cmd-orders")).toHaveLength(1);
      expect(git(remote, "log", "-1", "--format=%s", "cmd-orders")).toMatch(
        /applied plan \S+ from a comment/,
      );
    });

    it("/jobagent run <job> starts a run of a managed job; unknown jobs and forks are refused; unlock answers", async () => {
      const run = await comment("dana", "/jobagent run cmd-orders");
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const [job] = await jobsNamed("cmd-orders");
      expect(answerOn()[0].body).toMatch(
        new RegExp(`Started \\[run \\d+\\]\\([^)]+\\) of \`cmd-orders\` \\(job ${job.job_id}\\)`),
      );
      // waited for (run-wait-seconds 5): one log line per state, then the result with its duration
      expect(answerOn()[0].body).toMatch(/: ✅ `SUCCESS` in \d+ (ms|s)\./);
      expect(run.stdout).toMatch(
        new RegExp(`run \\d+ of job ${job.job_id}: TERMINATED SUCCESS after \\d+ (ms|s) — http`),
      );
      const unknown = await comment("dana", "/jobagent run nobody-knows");
      expect(unknown.code).toBe(0);
      expect(answerOn()[0].body).toMatch(/Refused.*`nobody-knows` is not a job this repository manages/);

      github.pullRequests.set(32, {
        number: 32,
        state: "open",
        mergeable: true,
        head: { ref: "fork-branch", sha: pr.head, repo: { full_name: "stranger/data-jobs" } },
        base: { ref: "main", sha: pr.base },
      });
      const fork = await comment("dana", "/jobagent plan", {}, 32);
      expect(fork.code).toBe(0);
      expect(answerOn(32)[0].body).toMatch(/Refused.*comes from a fork/);

      const unlock = await comment("dana", "/jobagent unlock");
      expect(unlock.code).toBe(0);
      expect(answerOn()[0].body).toMatch(/unlock/i);
    });

    it("ignores comments that are not commands and the action's own comments", async () => {
      const before = github.requests.length;
      const chat = await comment("dana", "> /jobagent apply\nplease don't");
      expect(chat.code).toBe(0);
      const own = await comment("github-actions[bot]", "/jobagent plan");
      expect(own.code).toBe(0);
      expect(github.requests.slice(before).filter((r) => r.method !== "GET")).toHaveLength(0);
    });
  });

  it("no token reaches any log line, output, summary, comment or commit", () => {
    expect(world.runs).toBeGreaterThan(5);
    const secrets = [local.token, GITHUB_TOKEN, FORK_TOKEN];
    // `::add-mask::<secret>` is how core.setSecret tells the runner what to mask; the runner consumes those lines.
    const texts = produced.map((t) => t.replace(/^::add-mask::.*$/gm, ""));
    texts.push(...github.comments.map((c) => c.body));
    texts.push(git(remote, "log", "--all", "-p", "--format=%an %ae %s %b"));
    for (const secret of secrets) for (const text of texts) expect(text.includes(secret)).toBe(false);
    // the masks were registered
    expect(produced.join("\n")).toContain(`::add-mask::${local.token}`);
  });
});
