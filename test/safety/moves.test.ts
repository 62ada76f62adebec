/**
 * Renaming or moving a requirement file keeps its job: with a stable `id:` the task (and the job's ownership tag)
 * never depended on the path; without one, the move is found (same job name, the ledger's record) and the job is
 * re-tagged — zero creates, zero deletes, the same job id. The real engine over the SDK against a local workspace,
 * in real git repositories moved with `git mv`.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleGit } from "simple-git";
import { stringify } from "yaml";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { EngineOptions } from "../../src/engine/api.js";
import { renderPlanText } from "../../src/cli/text.js";
import { parseTaskFile, renderTaskFile } from "../../src/state/task-file.js";
import { allJobs, cleanupTempDirs, commitAll, makeRepo, tempDir } from "../support/reliability-harness.js";
import { jobSettings } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const REPO = "acme/moves";
const LEDGER = "/Workspace/Shared/.jobagent/projects/acme--moves/jobs.json";

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-moves-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

/** A `job:` requirement (its item key is the file name, or the `id:` when there is one). */
function jobFile(name: string, extra: Record<string, unknown> = {}, maxRuns = 1): string {
  const job = { ...jobSettings({ name }), max_concurrent_runs: maxRuns };
  return `---\n${stringify({ ...extra, job })}---\n${name}.\n`;
}

async function appliedRepo(files: Record<string, string>) {
  const repoDir = await makeRepo(files, "jobagent-moves-");
  const options = engineOptions(repoDir, ws, { repo: REPO, allowDelete: true });
  const applied = await runApply(options, { onPlanChange: "apply" });
  expect(applied.ok, applied.message).toBe(true);
  await commitAll(repoDir, "applied");
  return { repoDir, options, jobId: applied.results[0]?.jobId as number };
}

async function move(repoDir: string, from: string, to: string): Promise<void> {
  await mkdir(path.dirname(path.join(repoDir, to)), { recursive: true });
  await simpleGit(repoDir).mv(from, to);
  await simpleGit(repoDir).commit(`move ${from} to ${to}`);
}

async function task(repoDir: string, id: string) {
  const file = path.join(repoDir, "jobs/.tasks", `${id}.md`);
  return existsSync(file) ? parseTaskFile(file, await readFile(file, "utf8")) : undefined;
}

/** The task the ownership ledger in the workspace records a job for. */
async function ledgerTaskOf(options: EngineOptions, jobId: number): Promise<string | undefined> {
  const ledger = JSON.parse((await options.workspace.readFile(LEDGER)) ?? "{}") as {
    jobs?: Record<string, { task: string }>;
  };
  return ledger.jobs?.[String(jobId)]?.task;
}

describe("a renamed or moved requirement keeps its job", () => {
  it("git mv without an id: the plan shows the move, apply re-tags the job — no create, no delete, a no-op after", async () => {
    const { repoDir, options, jobId } = await appliedRepo({ "jobs/orders.md": jobFile("Orders daily") });
    expect(await ledgerTaskOf(options, jobId)).toBe("orders.orders");
    await move(repoDir, "jobs/orders.md", "jobs/sub/daily.md");

    const plan = await runPlan(options);
    expect(plan.counts).toMatchObject({ create: 0, delete: 0, update: 1 });
    const change = plan.changes.find((c) => c.op === "update");
    expect(change?.jobId).toBe(jobId);
    expect(change?.moved).toBe(`jobs/orders.md → jobs/sub/daily.md (job ${jobId} kept)`);
    expect(renderPlanText(plan)).toContain(`moved: jobs/orders.md → jobs/sub/daily.md (job ${jobId} kept)`);
    // The task file followed the move.
    expect(await task(repoDir, "orders.orders")).toBeUndefined();
    expect((await task(repoDir, "sub-daily.daily"))?.job_id).toBe(jobId);

    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    const jobs = await allJobs(ws);
    expect(jobs.map((j) => j.job_id)).toEqual([jobId]);
    expect(jobs[0]?.settings.tags?.["jobagent-task"]).toBe("sub-daily.daily");
    expect(await ledgerTaskOf(options, jobId)).toBe("sub-daily.daily");
    await commitAll(repoDir, "applied the move");

    const again = await runPlan(options);
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0, noop: 1 });
    expect(again.changes.some((c) => c.moved)).toBe(false);
  });

  it("rename + edit in one change: one update of the same job", async () => {
    const { repoDir, options, jobId } = await appliedRepo({ "jobs/orders.md": jobFile("Orders daily") });
    await move(repoDir, "jobs/orders.md", "jobs/finance/orders-daily.md");
    await writeFile(path.join(repoDir, "jobs/finance/orders-daily.md"), jobFile("Orders daily", {}, 3));
    const plan = await runPlan(options);
    expect(plan.counts).toMatchObject({ create: 0, delete: 0, update: 1 });
    const change = plan.changes.find((c) => c.op === "update");
    expect(change?.jobId).toBe(jobId);
    expect(change?.fields.map((f) => f.path)).toContain("max_concurrent_runs");
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    const jobs = await allJobs(ws);
    expect(jobs.map((j) => [j.job_id, j.settings.max_concurrent_runs])).toEqual([[jobId, 3]]);
  });

  it("a prose job renamed in its requirement keeps its job: one update (name and tags), no create, no delete", async () => {
    const prose = (name: string) => `New job "${name}" runs the notebook /Repos/o/orders daily at 6am UTC.\n`;
    const { repoDir, options, jobId } = await appliedRepo({ "jobs/orders.md": prose("orders-a") });
    expect(await ledgerTaskOf(options, jobId)).toBe("orders.orders_a");
    await writeFile(path.join(repoDir, "jobs/orders.md"), prose("orders-b"));
    await commitAll(repoDir, "rename the job");

    const plan = await runPlan(options);
    expect(plan.counts).toMatchObject({ create: 0, delete: 0, update: 1 });
    const change = plan.changes.find((c) => c.op === "update");
    expect(change?.jobId).toBe(jobId);
    expect(change?.fields.map((f) => f.path)).toContain("name");
    expect(change?.moved).toBe(
      `task orders.orders_a → orders.orders_b in jobs/orders.md (job ${jobId} kept, renamed)`,
    );
    expect(await task(repoDir, "orders.orders_a")).toBeUndefined();

    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    const jobs = await allJobs(ws);
    expect(jobs.map((j) => [j.job_id, j.settings.name, j.settings.tags?.["jobagent-task"]])).toEqual([
      [jobId, "orders-b", "orders.orders_b"],
    ]);
    expect(await ledgerTaskOf(options, jobId)).toBe("orders.orders_b");
    await commitAll(repoDir, "applied the rename");
    expect((await runPlan(options)).counts).toMatchObject({ create: 0, update: 0, delete: 0, noop: 1 });
  });

  it("a requirement that goes from one job to two keeps none by guessing: the old job is a delete, two creates", async () => {
    const { repoDir, options } = await appliedRepo({
      "jobs/orders.md": 'New job "orders-a" runs the notebook /Repos/o/orders daily at 6am UTC.\n',
    });
    await writeFile(
      path.join(repoDir, "jobs/orders.md"),
      'We need two jobs. "orders-b" runs /Repos/o/b daily at 6am UTC.\n"orders-c" runs /Repos/o/c daily at 7am UTC.\n',
    );
    await commitAll(repoDir, "split");
    const plan = await runPlan(options);
    expect(plan.counts).toMatchObject({ create: 2, delete: 1, update: 0 });
  });

  it("with a stable id: moving the file changes nothing at all; adding the id to an existing file is a move too", async () => {
    const { repoDir, options } = await appliedRepo({
      "jobs/orders.md": jobFile("Orders daily", { id: "orders-daily" }),
      "jobs/billing.md": jobFile("Billing"),
    });
    const idOf = async (name: string) =>
      (await allJobs(ws)).find((j) => j.settings.name === name)?.job_id as number;
    const jobId = await idOf("Orders daily");
    const tags = async () =>
      Object.fromEntries((await allJobs(ws)).map((j) => [j.job_id, j.settings.tags?.["jobagent-task"]]));
    expect((await tags())[jobId]).toBe("orders-daily.orders-daily");
    await move(repoDir, "jobs/orders.md", "jobs/archive/2026/orders.md");
    const plan = await runPlan(options);
    expect(plan.counts).toMatchObject({ create: 0, delete: 0, update: 0, noop: 2 });
    expect((await task(repoDir, "orders-daily.orders-daily"))?.requirement).toBe(
      "jobs/archive/2026/orders.md",
    );

    // Adding an id to a file that had none: the job moves to the new task id (re-tagged), nothing else.
    const billingId = await idOf("Billing");
    await writeFile(path.join(repoDir, "jobs/billing.md"), jobFile("Billing", { id: "finance-billing" }));
    const withId = await runPlan(options);
    expect(withId.counts).toMatchObject({ create: 0, delete: 0, update: 1 });
    expect(withId.changes.find((c) => c.op === "update")?.jobId).toBe(billingId);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect(await tags()).toEqual({
      [jobId]: "orders-daily.orders-daily",
      [billingId]: "finance-billing.finance-billing",
    });
  });

  it("an invalid id is an error naming the file, line and field", async () => {
    const repoDir = await makeRepo(
      { "jobs/orders.md": jobFile("Orders daily", { id: "a.b" }) },
      "jobagent-moves-",
    );
    const plan = await runPlan(engineOptions(repoDir, ws, { repo: REPO }));
    const d = plan.diagnostics.find((x) => x.code === "requirement.id");
    expect(d?.file).toBe("jobs/orders.md");
    expect(d?.line).toBe(2);
    expect(d?.message).toContain("'id' must be letters");
    expect(plan.counts.create).toBe(0);
  });

  it("two removed requirements that managed jobs of the new requirement's name: an error naming both, nothing moved", async () => {
    // Two owned jobs end up with one name: a.md is removed without allow-delete (its delete waits), and b.md's
    // job is renamed to a.md's name in the same change.
    const { repoDir, options } = await appliedRepo({
      "jobs/a.md": jobFile("Orders"),
      "jobs/b.md": jobFile("Orders v2"),
    });
    const keep = { ...options, allowDelete: false };
    await simpleGit(repoDir).rm("jobs/a.md");
    await writeFile(path.join(repoDir, "jobs/b.md"), jobFile("Orders"));
    await commitAll(repoDir, "remove a, rename b's job");
    await runApply(keep, { onPlanChange: "apply" });
    await commitAll(repoDir, "applied");
    expect((await allJobs(ws)).map((j) => j.settings.name).sort()).toEqual(["Orders", "Orders"]);

    await move(repoDir, "jobs/b.md", "jobs/c.md");
    const plan = await runPlan(keep);
    const d = plan.diagnostics.find((x) => x.code === "requirement.ambiguous-move");
    expect(d?.file).toBe("jobs/c.md");
    expect(d?.message).toContain("jobs/a.md");
    expect(d?.message).toContain("jobs/b.md");
    expect(plan.valid).toBe(false);
    const before = (await allJobs(ws)).map((j) => j.job_id).sort();
    await runApply(keep, { onPlanChange: "apply" });
    expect((await allJobs(ws)).map((j) => j.job_id).sort()).toEqual(before);
  });
});

describe("a task file alone never moves a job", () => {
  it("a forged moved_from pointing at another requirement's job is blocked; nothing changes", async () => {
    const { repoDir, options } = await appliedRepo({
      "jobs/a.md": jobFile("Orders"),
      "jobs/b.md": jobFile("Billing"),
    });
    const before = await allJobs(ws);
    const billing = before.find((j) => j.settings.name === "Billing")?.job_id as number;
    await writeFile(path.join(repoDir, "jobs/c.md"), jobFile("Billing copy"));
    await runPlan(options);
    const forged = (await task(repoDir, "c.c")) as NonNullable<Awaited<ReturnType<typeof task>>>;
    await writeFile(
      path.join(repoDir, "jobs/.tasks/c.c.md"),
      renderTaskFile({ ...forged, job_id: billing, moved_from: { task: "b.b", requirement: "jobs/b.md" } }),
    );
    const plan = await runPlan(options);
    expect(plan.blocked.find((b) => b.taskId === "c.c")?.reason).toMatch(/does not confirm/);
    expect(plan.changes.filter((c) => c.jobId === billing && c.op !== "no-op")).toEqual([]);
    await runApply(options, { onPlanChange: "apply" });
    const after = await allJobs(ws);
    expect(after.map((j) => [j.job_id, j.settings.tags?.["jobagent-task"]])).toEqual(
      before.map((j) => [j.job_id, j.settings.tags?.["jobagent-task"]]),
    );
  });
});

describe("a rename applied in another checkout", () => {
  it("a clone that has not pulled it blocks the task (pull first) instead of creating a second job", async () => {
    const { repoDir: a, jobId } = await appliedRepo({ "jobs/orders.md": jobFile("Orders daily") });
    const b = await tempDir("jobagent-moves-clone-");
    await simpleGit().clone(a, b);
    // Checkout A renames the requirement and applies the move.
    await move(a, "jobs/orders.md", "jobs/daily.md");
    const optionsA = engineOptions(a, ws, { repo: REPO, allowDelete: true });
    await runPlan(optionsA);
    expect((await runApply(optionsA, { onPlanChange: "fail" })).ok).toBe(true);
    expect((await allJobs(ws))[0]?.settings.tags?.["jobagent-task"]).toBe("daily.daily");

    // Checkout B still has jobs/orders.md and the task file recording job `jobId` for it.
    const optionsB = engineOptions(b, ws, { repo: REPO, allowDelete: true });
    const plan = await runPlan(optionsB);
    expect(plan.counts.create).toBe(0);
    const blocked = plan.blocked.find((x) => x.taskId === "orders.orders");
    expect(blocked?.reason).toContain(
      `job ${jobId} ("Orders daily"), which the task file records for jobs/orders.md, is now managed by task \`daily.daily\` of this project`,
    );
    expect(blocked?.reason).toContain("git pull");
    expect(renderPlanText(plan)).not.toContain("was deleted in the workspace");
    await runApply(optionsB, { onPlanChange: "apply" });
    expect((await allJobs(ws)).map((j) => j.job_id)).toEqual([jobId]);
  });
});
