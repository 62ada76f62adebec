// Drift comes back as a pull request, through the action's real entry point (`node dist/index.js`, schedule event)
// against a bare git remote, the fake GitHub and the local workspace over HTTP: a managed job edited in the workspace
// (settings and permissions, through the API as the UI does) gets one pull request on jobagent/drift/<task> whose
// branch adopts the workspace's version (its plan: zero changes); a re-run updates it instead of opening another;
// drift that went away closes it; the revert label rewrites the branch so that merging it makes the apply restore the
// requirement; a person's commit on the branch is never overwritten.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";
import { startLocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { JobSettings, JsonObject } from "../../src/domain/model.js";
import * as engine from "../../src/engine/index.js";
import { startFakeGitHub } from "../support/fake-github.js";
import {
  BUNDLE,
  checkoutOf,
  dev,
  git,
  GITHUB_TOKEN,
  merge,
  mergeIntoMain,
  openBranch,
  OWNER,
  prPayload,
  pushPayload,
  REPO,
  runAction,
  seedRemote,
  statusOf,
  write,
  type FlowWorld,
} from "../support/action-run.js";

const ORDERS = `---
title: orders-daily
# The nightly orders job; owned by data-eng.
job:
  name: orders-daily
  max_concurrent_runs: 2 # two backfills may overlap
  tags: { team: data-eng }
  access_control_list:
    - group_name: data-eng
      permission_level: CAN_MANAGE_RUN
  job_clusters:
    - job_cluster_key: etl
      new_cluster:
        spark_version: 15.4.x-scala2.12
        node_type_id: i3.xlarge
        num_workers: 2
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/etl/ingest
---
# orders-daily

Ingest the orders.
`;

// Prose (no job block): its drift is reported, but no pull request can edit it in place.
const EXPORT = `# Nightly customer export

Run the notebook /Workspace/Shared/etl/report every day at 2am UTC on a small cluster
(2 workers, i3.xlarge, runtime 15.4.x-scala2.12). Retry twice. Email ops@example.com if it fails.
`;

let world: FlowWorld;
let workspace: Workspace;
let jobId: number;
let taskId: string;
let branch: string;
let original: JobSettings;

const schedule = (name: string, inputs: Record<string, string> = {}) =>
  runAction(world, {
    event: "schedule",
    payload: { schedule: "0 6 * * *", repository: { full_name: `${OWNER}/${REPO}`, default_branch: "main" } },
    checkout: checkoutOf(world, "main", name),
    sha: git(world.remote, "rev-parse", "main"),
    ref: "refs/heads/main",
    inputs,
  });

/** The text of `file` on origin/<ref>. */
const show = (ref: string, file: string) => git(world.remote, "show", `${ref}:${file}`);
const openPulls = () => world.github.openedPulls.filter((p) => p.state === "open");

async function grantsOf(id: number): Promise<string[]> {
  const acl = ((await workspace.getJobPermissions(id)).access_control_list ?? []) as JsonObject[];
  return acl
    .flatMap((e) =>
      ((e.all_permissions ?? []) as JsonObject[])
        .filter((p) => !p.inherited)
        .map(
          (p) =>
            `${String(e.user_name ?? e.group_name ?? e.service_principal_name)}:${String(p.permission_level)}`,
        ),
    )
    .sort();
}

/** Checks out origin/<ref> in a fresh clone and plans it against the workspace (nothing recorded). */
async function planOf(ref: string, name: string) {
  const dir = join(world.root, name);
  git(world.root, "clone", "--quiet", "--branch", ref, world.remote, dir);
  const plan = await engine.runPlan(
    {
      repoDir: dir,
      jobsDir: "jobs",
      workspace,
      repo: `${OWNER}/${REPO}`,
      runId: name,
      log: { info() {}, warn() {}, error() {}, debug() {}, group: (_n, fn) => fn() },
      allowDelete: false,
    },
    { record: false, drift: true },
  );
  return { dir, plan };
}

const ready = existsSync(BUNDLE);

describe.skipIf(!ready)("drift comes back as a pull request (the action's schedule run)", () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "jobagent-drift-pr-"));
    const remote = seedRemote(root);
    const local = await startLocalWorkspace({ token: "dapi-drift-pr-local-workspace-token-0123" });
    const github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
    world = { root, remote, github, local, runs: 0 };
    workspace = createSdkWorkspace({ host: local.url, token: local.token });

    // The jobs are created the usual way: a pull request's plan, the merge, the apply on the push.
    const { head, base } = openBranch(world, "add-orders", {
      "jobs/orders-daily.md": ORDERS,
      "jobs/customer-export.md": EXPORT,
    });
    world.github.files.set(41, [
      { filename: "jobs/orders-daily.md", status: "added" },
      { filename: "jobs/customer-export.md", status: "added" },
    ]);
    const planned = await runAction(world, {
      event: "pull_request",
      payload: prPayload(41, "add-orders", head, base),
      checkout: checkoutOf(world, "add-orders", "checkout-pr"),
      sha: head,
      ref: "refs/pull/41/merge",
    });
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    const merged = merge(world, "add-orders", 41);
    const applied = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-apply"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const jobs = [];
    for await (const job of workspace.listJobs({ name: "orders-daily" })) jobs.push(job);
    expect(jobs).toHaveLength(1);
    jobId = jobs[0]!.job_id;
    original = (await workspace.getJob(jobId))!.settings;
    const main = checkoutOf(world, "main", "checkout-read");
    const status = await engine.readStatus({ repoDir: main, jobsDir: "jobs" });
    expect(status.tasks.map((t) => t.status)).toEqual(["COMPLETE", "COMPLETE"]);
    taskId = status.tasks.find((t) => t.requirement === "jobs/orders-daily.md")!.id;
    branch = `jobagent/drift/${taskId}`;
  }, 120_000);

  afterAll(async () => {
    await world?.github.close();
    await world?.local.close();
    if (world?.root) rmSync(world.root, { recursive: true, force: true });
  });

  it("no drift: no pull request", async () => {
    const run = await schedule("checkout-drift-0");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary).toContain("No drift");
    expect(world.github.openedPulls).toHaveLength(0);
  });

  it("a job edited in the workspace: one pull request whose branch adopts the workspace's version (its plan: zero changes)", async () => {
    const current = (await workspace.getJob(jobId))!.settings;
    await workspace.resetJob(jobId, {
      ...current,
      max_concurrent_runs: 5,
      tasks: current.tasks!.map((t) => ({ ...t, max_retries: 2 })),
    });

    const run = await schedule("checkout-drift-1");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(openPulls(), run.summary + run.stdout).toHaveLength(1);
    const pull = openPulls()[0]!;
    expect(pull.head).toBe(branch);
    expect(pull.base).toBe("main");
    expect(pull.title).toBe("jobagent: adopt workspace drift of orders-daily");
    // The body: each drifted field, requirement → workspace, and how to revert instead.
    expect(pull.body).toContain("| `max_concurrent_runs` | `2` | `5` | changed |");
    expect(pull.body).toContain("| `tasks[ingest].max_retries` | _(not set)_ | `2` | added |");
    expect(pull.body).toContain("**Merging adopts the workspace's version.**");
    expect(pull.body).toContain("add the label `jobagent:revert-drift`");
    expect(pull.body).toContain(`(job ${jobId})`);
    expect(run.summary).toMatch(
      /\| orders-daily \| `jobagent\/drift\/[^`]+` \| \[#500\]\([^)]+\) \| opened \(adopt\) \|/,
    );

    // The branch: one commit on main changing the requirement (only the drifted fields) and the task file.
    expect(git(world.remote, "rev-list", "--count", `main..${branch}`)).toBe("1");
    expect(git(world.remote, "diff", "--name-only", "main", branch).split("\n").sort()).toEqual(
      ["jobs/.tasks/" + `${taskId}.md`, "jobs/orders-daily.md"].sort(),
    );
    const adopted = show(branch, "jobs/orders-daily.md");
    expect(adopted).toContain("  max_concurrent_runs: 5 # two backfills may overlap");
    expect(adopted).toContain("# The nightly orders job; owned by data-eng.");
    expect(adopted).toContain("      max_retries: 2");
    expect(adopted).toContain("  tags: { team: data-eng }");
    expect(adopted.split("\n---\n")[1]).toBe("# orders-daily\n\nIngest the orders."); // the body as it was
    expect(show(branch, `jobs/.tasks/${taskId}.md`)).toContain(
      "nothing to change — the requirement adopts the workspace's drift of max_concurrent_runs, tasks[ingest].max_retries",
    );
    const diff = git(world.remote, "diff", "main", branch, "--", "jobs/orders-daily.md");
    expect(diff.split("\n").filter((l) => /^[-+][^-+]/.test(l))).toEqual([
      "-  max_concurrent_runs: 2 # two backfills may overlap",
      "+  max_concurrent_runs: 5 # two backfills may overlap",
      "+      max_retries: 2",
    ]);

    // Checked out, the branch plans to zero changes against the workspace.
    const { plan } = await planOf(branch, "branch-plan-1");
    expect(plan.valid).toBe(true);
    expect(plan.changes.map((c) => [c.requirement, c.op, c.drift.length]).sort()).toEqual([
      ["jobs/customer-export.md", "no-op", 0],
      ["jobs/orders-daily.md", "no-op", 0],
    ]);
  });

  it("a re-run with the same drift changes nothing: no second pull request, the branch untouched", async () => {
    const tip = git(world.remote, "rev-parse", branch);
    const run = await schedule("checkout-drift-2");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(world.github.openedPulls).toHaveLength(1);
    expect(git(world.remote, "rev-parse", branch)).toBe(tip);
    expect(run.summary).toContain("unchanged (adopt)");
  });

  it("permissions changed in the UI count as drift: the same pull request is updated and adopts the grants", async () => {
    await workspace.setJobPermissions(jobId, [
      { group_name: "data-eng", permission_level: "CAN_MANAGE" },
      { user_name: "ana@example.com", permission_level: "CAN_VIEW" },
    ]);
    const run = await schedule("checkout-drift-3");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(world.github.openedPulls).toHaveLength(1);
    const pull = openPulls()[0]!;
    expect(pull.body).toContain("`access_control_list`");
    expect(pull.body).toMatch(
      /data-eng: CAN_MANAGE_RUN.*\| .*ana@example\.com: CAN_VIEW.*data-eng: CAN_MANAGE/,
    );
    expect(run.summary).toContain("updated (adopt)");
    expect(git(world.remote, "rev-list", "--count", `main..${branch}`)).toBe("1");
    const adopted = show(branch, "jobs/orders-daily.md");
    expect(adopted).toContain(
      [
        "  access_control_list:",
        "    - group_name: data-eng",
        "      permission_level: CAN_MANAGE",
        "    - user_name: ana@example.com",
        "      permission_level: CAN_VIEW",
      ].join("\n"),
    );
    const { plan } = await planOf(branch, "branch-plan-2");
    expect(plan.changes.every((c) => c.op === "no-op")).toBe(true);
    expect(plan.changes.map((c) => c.jobName)).toContain("orders-daily");
  });

  it("a person's commit on the drift branch is never overwritten", async () => {
    const devDir = join(world.root, "dev-drift");
    git(world.root, "clone", "--quiet", "--branch", branch, world.remote, devDir);
    write(
      devDir,
      "jobs/orders-daily.md",
      show(branch, "jobs/orders-daily.md").replace(
        "Ingest the orders.",
        "Ingest the orders (5 at once now).",
      ),
    );
    dev(devDir, "commit", "-qam", "explain the new concurrency");
    dev(devDir, "push", "-q", "origin", branch);
    const tip = git(world.remote, "rev-parse", branch);

    const current = (await workspace.getJob(jobId))!.settings;
    await workspace.resetJob(jobId, { ...current, max_concurrent_runs: 6 });
    const run = await schedule("checkout-drift-4");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(git(world.remote, "rev-parse", branch)).toBe(tip);
    expect(run.summary).toMatch(
      /kept \(adopt\) \| `jobagent\/drift\/[^`]+` has 1 commit\(s\) by Dana Developer/,
    );
    const comment = world.github.commentsOn(500).at(-1);
    expect(comment?.body).toContain("did not rewrite it");
    expect(world.github.openedPulls).toHaveLength(1);
  });

  it("drift that went away closes the pull request with a comment", async () => {
    // The person's commit is dropped (branch reset to the action's commit), and the workspace is put back by hand.
    const current = (await workspace.getJob(jobId))!.settings;
    await workspace.resetJob(jobId, { ...original, tags: current.tags });
    await workspace.setJobPermissions(jobId, [
      { group_name: "data-eng", permission_level: "CAN_MANAGE_RUN" },
    ]);
    git(world.remote, "update-ref", `refs/heads/${branch}`, `${branch}~1`);
    const run = await schedule("checkout-drift-5");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary).toContain("No drift");
    expect(openPulls()).toHaveLength(0);
    expect(world.github.openedPulls[0]!.state).toBe("closed");
    expect(world.github.commentsOn(500).at(-1)?.body).toContain("The workspace matches the repository again");
  });

  it("labelled jobagent:revert-drift, the branch keeps the requirement and records the restoring update; merged, the apply restores the job", async () => {
    const current = (await workspace.getJob(jobId))!.settings;
    await workspace.resetJob(jobId, { ...current, max_concurrent_runs: 9 });
    await workspace.setJobPermissions(jobId, [
      { user_name: "ana@example.com", permission_level: "CAN_MANAGE" },
    ]);
    const opened = await schedule("checkout-drift-6");
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    expect(openPulls()).toHaveLength(1);
    const pull = openPulls()[0]!;
    expect(pull.number).toBe(501);
    expect(show(branch, "jobs/orders-daily.md")).toContain("max_concurrent_runs: 9");

    pull.labels.push({ name: "jobagent:revert-drift" });
    const reverted = await schedule("checkout-drift-7");
    expect(reverted.code, reverted.stdout + reverted.stderr).toBe(0);
    expect(openPulls()).toHaveLength(1);
    expect(pull.title).toBe("jobagent: revert workspace drift of orders-daily");
    expect(pull.body).toContain("**Merging reverts the workspace**");
    expect(reverted.summary).toContain("updated (revert)");
    // The requirement is main's; the task file records the planned update that restores it.
    expect(git(world.remote, "diff", "--name-only", "main", branch)).toBe(`jobs/.tasks/${taskId}.md`);
    const task = show(branch, `jobs/.tasks/${taskId}.md`);
    expect(statusOf(task)).toBe("PLANNED");
    expect(task).toMatch(/^plan_hash: \S+/m);
    expect(task).toMatch(
      /note: "?plan \S+: update — the apply after the merge reverts the workspace's drift of (max_concurrent_runs, access_control_list|access_control_list, max_concurrent_runs) \(drift check of [0-9a-f]{7}\)/,
    );
    // Checked out, the branch plans the update that puts the requirement's values back.
    const { plan } = await planOf(branch, "branch-plan-3");
    const change = plan.changes.find((c) => c.taskId === taskId)!;
    expect(change.op).toBe("update");
    expect(change.fields.map((f) => f.path).sort()).toEqual(["access_control_list", "max_concurrent_runs"]);

    // Merged (the merge button), the push's apply restores the requirement's values in the workspace.
    const merged = mergeIntoMain(world, branch, 501, "merge-revert");
    pull.state = "closed";
    pull.merged_at = new Date().toISOString();
    const applied = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-apply-revert"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect((await workspace.getJob(jobId))!.settings.max_concurrent_runs).toBe(2);
    expect(await grantsOf(jobId)).toContain("data-eng:CAN_MANAGE_RUN");
    expect(await grantsOf(jobId)).not.toContain("ana@example.com:CAN_MANAGE");

    const after = await schedule("checkout-drift-8");
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.summary).toContain("No drift");
    expect(openPulls()).toHaveLength(0);
  });

  it("a drift pull request closed without merging is not proposed again until the drift changes", async () => {
    const current = (await workspace.getJob(jobId))!.settings;
    await workspace.resetJob(jobId, { ...current, max_concurrent_runs: 7 });
    const opened = await schedule("checkout-drift-9");
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    const pull = openPulls()[0]!;
    expect(pull.number).toBe(502);
    pull.state = "closed"; // a person closes it: the drift is accepted as it is, for now

    const again = await schedule("checkout-drift-10");
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(openPulls()).toHaveLength(0);
    expect(again.summary).toMatch(/dismissed \(adopt\) \| #502 with this drift was closed without merging/);

    await workspace.resetJob(jobId, { ...current, max_concurrent_runs: 8 });
    const changed = await schedule("checkout-drift-11");
    expect(changed.code, changed.stdout + changed.stderr).toBe(0);
    expect(openPulls().map((p) => p.number)).toEqual([503]);
    expect(show(branch, "jobs/orders-daily.md")).toContain("max_concurrent_runs: 8");
  });

  it("merged, the adopt pull request's apply changes nothing; the job's next change in the workspace is drift again", async () => {
    const pull = openPulls()[0]!;
    expect(pull.number).toBe(503);
    const before = (await workspace.getJob(jobId))!.settings;
    const merged = mergeIntoMain(world, branch, 503, "merge-adopt");
    pull.state = "closed";
    pull.merged_at = new Date().toISOString();
    const applied = await runAction(world, {
      event: "push",
      payload: pushPayload(merged.sha, merged.before),
      checkout: checkoutOf(world, "main", "checkout-apply-adopt"),
      sha: merged.sha,
      ref: "refs/heads/main",
    });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.outputs.changes).toBe("false");
    expect((await workspace.getJob(jobId))!.settings).toEqual(before);
    expect(show("main", "jobs/orders-daily.md")).toContain(
      "max_concurrent_runs: 8 # two backfills may overlap",
    );

    const quiet = await schedule("checkout-drift-12");
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect(quiet.summary).toContain("No drift");

    await workspace.resetJob(jobId, { ...before, max_concurrent_runs: 3 });
    const again = await schedule("checkout-drift-13");
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(openPulls().map((p) => p.number)).toEqual([504]);
    expect(openPulls()[0]!.body).toContain("| `max_concurrent_runs` | `8` | `3` | changed |");
  });

  it("a prose requirement's job changed in the workspace: reported, and refused a pull request with the reason", async () => {
    const jobs = [];
    for await (const job of workspace.listJobs()) jobs.push(job);
    const prose = jobs.find((j) => j.job_id !== jobId)!;
    const settings = (await workspace.getJob(prose.job_id))!.settings;
    await workspace.resetJob(prose.job_id, { ...settings, max_concurrent_runs: 3 });
    const run = await schedule("checkout-drift-14");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary).toMatch(
      /\| refused \(adopt\) \| jobs\/customer-export\.md: the requirement is prose \(no front matter\): its settings are interpreted from the text and cannot be edited in place \|/,
    );
    expect(openPulls().map((p) => p.number)).toEqual([504]); // orders-daily's, still open; none for the prose job
  });

  it("a run on another branch (workflow_dispatch on a feature branch) reports the drift but proposes no pull request", async () => {
    const before = world.github.openedPulls.length;
    const run = await runAction(world, {
      event: "workflow_dispatch",
      payload: {
        ref: "refs/heads/add-orders",
        repository: { full_name: `${OWNER}/${REPO}`, default_branch: "main" },
      },
      checkout: checkoutOf(world, "add-orders", "checkout-feature"),
      sha: git(world.remote, "rev-parse", "add-orders"),
      ref: "refs/heads/add-orders",
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary).toContain("changed in the workspace outside the repo");
    expect(run.summary).toContain(
      "Drift pull requests: drift pull requests are opened by a run on the default branch `main` only (this run is on `refs/heads/add-orders`).",
    );
    expect(world.github.openedPulls).toHaveLength(before);
  });
});
