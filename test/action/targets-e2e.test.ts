// Targets through the action's real entry point (dist/index.js as a child process): two local workspaces on two
// ports are the dev and prod targets of one repository. A pull request plans both (one comment section and plan
// hash per target); the merge applies dev only; the prod step (the workflow job bound to the prod environment,
// `mode: apply`, `target: prod`) applies prod; a prod job edited by hand after approval makes the prod step refuse.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { WorkspaceJob } from "../../src/domain/model.js";
import { ActionHarness, BUNDLE, prPayload, pushPayload } from "../support/action-harness.js";
import { putWorkspaceFile, workspaceFile } from "../support/reliability-harness.js";

const DEV_TOKEN = "dapi-dev-workspace-token-0123456789abcdef";
const PROD_TOKEN = "dapi-prod-workspace-token-0123456789abcdef";

let devWs: LocalWorkspace;
let prodWs: LocalWorkspace;
const h = new ActionHarness();

function requirement(workers: number): string {
  return `---
title: orders-daily
job:
  name: orders-daily
  schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: UTC }
  job_clusters:
    - job_cluster_key: etl
      new_cluster: { spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: ${workers} }
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task: { notebook_path: /Workspace/Shared/etl/ingest }
---
Daily orders ingest.
`;
}

async function jobsIn(ws: LocalWorkspace, token: string): Promise<WorkspaceJob[]> {
  const client = createSdkWorkspace({ host: ws.url, token });
  const out: WorkspaceJob[] = [];
  for await (const job of client.listJobs({})) out.push((await client.getJob(job.job_id))!);
  return out;
}

const workers = (job: WorkspaceJob) => job.settings.job_clusters?.[0]?.new_cluster?.num_workers;

/** The PR job: plans every target, with each target's credentials mapped from repository secrets. */
const prEnv = () => ({
  DATABRICKS_TOKEN_DEV: DEV_TOKEN,
  DATABRICKS_HOST_PROD: prodWs.url,
  DATABRICKS_TOKEN_PROD: PROD_TOKEN,
});
/** The job bound to environment `dev`: its secrets mapped to the general inputs. */
const devInputs = () => ({ "databricks-host": devWs.url, "databricks-token": DEV_TOKEN });
/** The job bound to environment `production`. */
const prodInputs = () => ({
  mode: "apply",
  target: "prod",
  "databricks-host": prodWs.url,
  "databricks-token": PROD_TOKEN,
});

function taskStates(dir: string, target: string): string[] {
  const tasks = join(dir, "jobs", ".tasks", target);
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks)
    .filter((f) => f.endsWith(".md") && f !== "progress.md")
    .map((f) => /^status:\s*(\S+)/m.exec(readFileSync(join(tasks, f), "utf8"))?.[1] ?? "?");
}

async function planPr(number: number, branch: string, files: Record<string, string>) {
  const { head, base } = h.openBranch(branch, files);
  h.github.files.set(
    number,
    Object.keys(files).map((filename) => ({ filename, status: "modified" })),
  );
  const run = await h.run({
    event: "pull_request",
    payload: prPayload(number, branch, head, base),
    checkout: h.checkout(branch, `checkout-pr-${number}`),
    sha: head,
    ref: `refs/pull/${number}/merge`,
    env: prEnv(),
  });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const comment = h.github.commentsOn(number).find((c) => parseMarker(c.body)?.kind === "plan")!;
  return { run, comment, marker: parseMarker(comment.body)! };
}

async function mergeAndApplyDev(number: number, branch: string) {
  const merged = h.merge(branch, number);
  const run = await h.run({
    event: "push",
    payload: pushPayload(merged.sha, merged.before),
    checkout: h.checkout("main", `checkout-dev-${number}`),
    sha: merged.sha,
    ref: "refs/heads/main",
    inputs: devInputs(),
  });
  return { merged, run };
}

/** The prod job of the same workflow run: GITHUB_SHA is the merge commit, checked out as actions/checkout does. */
function promoteProd(number: number, merged: { sha: string; before: string }) {
  return h.run({
    event: "push",
    payload: pushPayload(merged.sha, merged.before),
    checkout: h.checkout("main", `checkout-prod-${number}`, merged.sha),
    sha: merged.sha,
    ref: "refs/heads/main",
    inputs: prodInputs(),
  });
}

const ready = existsSync(BUNDLE);

describe.skipIf(!ready)("targets in the action: dev → prod through GitHub environments", () => {
  beforeAll(async () => {
    devWs = await startLocalWorkspace({ token: DEV_TOKEN });
    prodWs = await startLocalWorkspace({ token: PROD_TOKEN });
    await h.start({
      "jobs/.gitkeep": "",
      "jobagent.yml": `project: acme/data-jobs
targets:
  dev:
    mode: development
    host: ${devWs.url}
    overrides:
      job_clusters:
        - job_cluster_key: etl
          new_cluster: { num_workers: 1 }
  prod:
    mode: production
    environment: production
`,
    });
  });

  afterAll(async () => {
    await Promise.all([devWs?.close(), prodWs?.close()]);
    await h.close();
  });

  it("plans both targets on the PR, applies dev on merge, prod in its own step, and refuses prod when its plan changed", async () => {
    // --- PR: one section and one plan hash per target
    const pr = await planPr(7, "add-orders", { "jobs/orders-daily.md": requirement(2) });
    const hashes = JSON.parse(pr.run.outputs["plan-hashes"]) as Record<string, string>;
    expect(Object.keys(hashes)).toEqual(["dev", "prod"]);
    expect(pr.marker.targets).toEqual(hashes);
    expect(hashes.dev).not.toBe(hashes.prod);
    expect(pr.run.outputs["to-create"]).toBe("2");
    expect(pr.comment.body).toContain(
      `<details open><summary><b>dev</b> — 1 to create · plan <code>${hashes.dev}</code>`,
    );
    expect(pr.comment.body).toContain(`<b>prod</b> — 1 to create · plan <code>${hashes.prod}</code>`);
    expect(pr.comment.body).toContain("[dev ci] orders-daily");
    expect(pr.comment.body).toContain("environment `production`");
    const branch = h.checkout("add-orders", "verify-pr-7");
    expect(taskStates(branch, "dev")).toEqual(["PLANNED"]);
    expect(taskStates(branch, "prod")).toEqual(["PLANNED"]);
    // the plan touched no workspace
    expect(await jobsIn(devWs, DEV_TOKEN)).toHaveLength(0);
    expect(await jobsIn(prodWs, PROD_TOKEN)).toHaveLength(0);

    // --- merge → dev applied, prod untouched
    const { merged, run: devRun } = await mergeAndApplyDev(7, "add-orders");
    expect(devRun.code, devRun.stdout + devRun.stderr).toBe(0);
    expect(devRun.outputs.target).toBe("dev");
    expect(devRun.stdout).toContain(`target dev: approved plan ${hashes.dev}`);
    const [devJob, ...moreDev] = await jobsIn(devWs, DEV_TOKEN);
    expect(moreDev).toHaveLength(0);
    expect(devJob.settings.name).toBe("[dev ci] orders-daily");
    expect(workers(devJob)).toBe(1);
    expect(devJob.settings.schedule?.pause_status).toBe("PAUSED");
    expect(await jobsIn(prodWs, PROD_TOKEN)).toHaveLength(0);

    // --- the prod step (environment `production`) applies prod's approved plan
    const prodRun = await promoteProd(7, merged);
    expect(prodRun.code, prodRun.stdout + prodRun.stderr).toBe(0);
    expect(prodRun.outputs.target).toBe("prod");
    expect(prodRun.stdout).toContain(`target prod: approved plan ${hashes.prod}`);
    const [prodJob, ...moreProd] = await jobsIn(prodWs, PROD_TOKEN);
    expect(moreProd).toHaveLength(0);
    expect(prodJob.settings.name).toBe("orders-daily");
    expect(workers(prodJob)).toBe(2);
    expect(prodJob.settings.tags?.["jobagent-repo"]).toBe("acme/data-jobs@prod");
    expect(await jobsIn(devWs, DEV_TOKEN)).toHaveLength(1);
    const main = h.checkout("main", "verify-main-7");
    expect(taskStates(main, "dev")).toEqual(["COMPLETE"]);
    expect(taskStates(main, "prod")).toEqual(["COMPLETE"]);
    // one result comment per target
    const results = h.github
      .commentsOn(7)
      .map((c) => parseMarker(c.body))
      .filter((m) => m?.kind === "apply");
    expect(results.map((m) => m?.target)).toEqual(["dev", "prod"]);

    // --- PR 2 raises the workers; after the approval someone pauses prod's job by hand → the prod step refuses
    const pr2 = await planPr(8, "more-workers", { "jobs/orders-daily.md": requirement(4) });
    expect(pr2.comment.body).toMatch(/<b>prod<\/b> — 1 to update/);
    const second = await mergeAndApplyDev(8, "more-workers");
    expect(second.run.code, second.run.stdout + second.run.stderr).toBe(0);
    // dev keeps its override (1 worker)
    expect(workers((await jobsIn(devWs, DEV_TOKEN))[0])).toBe(1);
    const prodClient = createSdkWorkspace({ host: prodWs.url, token: PROD_TOKEN });
    const paused = structuredClone(prodJob.settings);
    paused.schedule!.pause_status = "PAUSED";
    await prodClient.resetJob(prodJob.job_id, paused);
    const refused = await promoteProd(8, second.merged);
    expect(refused.code, refused.stdout).not.toBe(0);
    expect(refused.outputs["failure-reason"]).toBe("plan-changed");
    expect(refused.outputs.target).toBe("prod");
    const [still] = await jobsIn(prodWs, PROD_TOKEN);
    expect(workers(still)).toBe(2);
    expect(still.settings.schedule?.pause_status).toBe("PAUSED");
    const prodResult = h.github
      .commentsOn(8)
      .find((c) => parseMarker(c.body)?.kind === "apply" && parseMarker(c.body)?.target === "prod");
    expect(prodResult?.body).toContain(
      "Apply failed (`plan-changed`): Databricks jobs in `jobs` → target `prod`",
    );

    // --- the scheduled drift check of prod (target: prod) sees the hand-made change
    const drift = await h.run({
      event: "schedule",
      payload: { repository: { full_name: "acme/data-jobs", default_branch: "main" } },
      checkout: h.checkout("main", "checkout-drift"),
      sha: second.merged.sha,
      ref: "refs/heads/main",
      inputs: { ...prodInputs(), mode: "drift", "fail-on-drift": "true" },
    });
    expect(drift.outputs["failure-reason"], drift.stdout).toBe("drift-detected");
    expect(drift.outputs.target).toBe("prod");
    expect(drift.summary).toContain("Drift check: `jobs` → target `prod`");
    // A requirement serves every target: no drift pull request adopts one target's change into it.
    expect(drift.summary).toContain("with deployment targets, drift pull requests are not opened");
  });

  it("/jobagent apply from a comment is refused with targets: it would not choose one", async () => {
    const main = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: h.checkout("main", "checkout-cmd"),
      encoding: "utf8",
    }).trim();
    h.github.pullRequests.set(9, {
      number: 9,
      state: "open",
      merged: false,
      head: { ref: "main", sha: main, repo: { full_name: "acme/data-jobs" } },
      base: { ref: "main", sha: main, repo: { full_name: "acme/data-jobs" } },
    });
    h.github.permissions.set("dana", "write");
    const payload = JSON.parse(readFileSync("test/fixtures/webhooks/issue_comment.created.json", "utf8"));
    payload.issue.number = 9;
    payload.issue.pull_request = { url: `${h.github.url}/repos/acme/data-jobs/pulls/9`, merged_at: null };
    payload.comment.body = "/jobagent apply";
    payload.comment.user.login = "dana";
    payload.comment.user.type = "User";
    payload.repository.full_name = "acme/data-jobs";
    payload.repository.name = "data-jobs";
    payload.repository.default_branch = "main";
    const before = [await jobsIn(devWs, DEV_TOKEN), await jobsIn(prodWs, PROD_TOKEN)].map((j) => j.length);
    const run = await h.run({
      event: "issue_comment",
      payload,
      checkout: h.checkout("main", "checkout-cmd-run"),
      sha: main,
      ref: "refs/heads/main",
      inputs: { "comment-apply": "true", ...devInputs() },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const answer = h.github.commentsOn(9).find((c) => parseMarker(c.body)?.kind === "command");
    expect(answer?.body).toContain("this repository deploys to targets");
    expect([await jobsIn(devWs, DEV_TOKEN), await jobsIn(prodWs, PROD_TOKEN)].map((j) => j.length)).toEqual(
      before,
    );
  });

  it("mode: unlock with target prod releases prod's lock in prod's workspace", async () => {
    const lock = "/Workspace/Shared/.jobagent/projects/acme--data-jobs--prod/apply.lock.json";
    const holder = {
      project: "acme/data-jobs@prod",
      holder: "run-41",
      where: "https://github.com/acme/data-jobs/actions/runs/41",
      host: "runner-1",
      pid: 1,
      acquired: new Date().toISOString(),
      expires: new Date(Date.now() + 3_600_000).toISOString(),
      nonce: "stuck",
    };
    await putWorkspaceFile({ url: prodWs.url, token: PROD_TOKEN }, lock, JSON.stringify(holder));
    const checkout = h.checkout("main", "checkout-unlock");
    const run = await h.run({
      event: "workflow_dispatch",
      payload: { repository: { full_name: "acme/data-jobs", default_branch: "main" } },
      checkout,
      sha: execFileSync("git", ["rev-parse", "HEAD"], { cwd: checkout, encoding: "utf8" }).trim(),
      ref: "refs/heads/main",
      inputs: { ...prodInputs(), mode: "unlock" },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary).toContain(`Released the workspace lock \`${lock}\` held by run run-41`);
    expect(await workspaceFile({ url: prodWs.url, token: PROD_TOKEN }, lock)).toBeUndefined();
  });
});
