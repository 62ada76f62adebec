/**
 * Ownership is evidence the project produced, never a tag alone and never a task file alone: hand-made jobs carrying
 * the project's tags, UI clones, forged task files (adopt + a foreign job id, a hand-edited spec), duplicates,
 * same-name jobs of others, jobs deleted outside, and requirements that would share a job or a task.
 * The real engine over the SDK against a local workspace, in real git repositories.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import { parseTaskFile, renderTaskFile } from "../../src/state/task-file.js";
import type { JobSettings } from "../../src/domain/model.js";
import { allJobs, cleanupTempDirs, createJob, makeRepo } from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const REPO = "acme/ownership";
const TAGS = (task: string) => ({ "jobagent-repo": REPO, "jobagent-task": task });
const ORDERS = requirementFile("orders", { orders: jobSettings({ name: "Orders daily" }) });
const ORDERS_TASK = "orders.orders";

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-ownership-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

async function repoWith(files: Record<string, string>) {
  const repoDir = await makeRepo(files, "jobagent-own-");
  return { repoDir, options: engineOptions(repoDir, ws, { repo: REPO, allowDelete: true }) };
}

async function taskFile(repoDir: string, id: string) {
  const file = path.join(repoDir, "jobs/.tasks", `${id}.md`);
  return { file, task: parseTaskFile(file, await readFile(file, "utf8")) };
}

const jobIds = async () => (await allJobs(ws)).map((j) => j.job_id).sort((a, b) => a - b);

describe("ownership needs evidence, not a tag", () => {
  it("a hand-made job carrying only the project's tags is reported and never deleted, even with allow-delete", async () => {
    const { options } = await repoWith({ "jobs/orders.md": ORDERS });
    const handMade = await createJob(ws, {
      ...(jobSettings({ name: "Hand made" }) as JobSettings),
      tags: TAGS("gone.task"),
    });
    const plan = await runPlan(options);
    expect(plan.counts.delete).toBe(0);
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    expect(await jobIds()).toContain(handMade);
    expect(applied.results.some((r) => r.jobId === handMade)).toBe(false);
  });

  it("a job cloned from a managed one (same tags) is reported as a duplicate and left alone; nothing changes until one is kept", async () => {
    const { options } = await repoWith({ "jobs/orders.md": ORDERS });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    const managed = first.results[0]?.jobId as number;
    const original = (await allJobs(ws)).find((j) => j.job_id === managed);
    const clone = await createJob(ws, {
      ...(original?.settings as JobSettings),
      name: "Orders daily (clone)",
    });
    const plan = await runPlan(options);
    expect(plan.counts.create + plan.counts.delete).toBe(0);
    expect(plan.diagnostics.map((d) => d.message).join("\n")).toContain(`${clone}`);
    expect(plan.diagnostics.find((d) => d.code === "ownership.duplicates")?.message).toMatch(
      new RegExp(`job ${clone} \\(carries the tags but was not created by this project`),
    );
    expect(plan.blocked.find((b) => b.taskId === ORDERS_TASK)?.reason).toContain(
      `duplicates: keep ${managed}`,
    );
    expect(await jobIds()).toEqual([managed, clone].sort((a, b) => a - b));
  });

  it("a tagged job the project never recorded blocks the create instead of being adopted or duplicated", async () => {
    const { options } = await repoWith({ "jobs/orders.md": ORDERS });
    const planted = await createJob(ws, {
      ...(jobSettings({ name: "Orders daily" }) as JobSettings),
      tags: TAGS(ORDERS_TASK),
    });
    const plan = await runPlan(options);
    expect(plan.counts.create).toBe(0);
    expect(plan.blocked[0]?.reason).toContain(`${planted}`);
    expect(plan.blocked[0]?.reason).toMatch(/adopt: true/);
    await runApply(options, { onPlanChange: "fail" });
    expect(await jobIds()).toEqual([planted]);
  });

  it("duplicates recorded for one requirement block the plan, naming both job ids", async () => {
    const { repoDir, options } = await repoWith({ "jobs/orders.md": ORDERS });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    const kept = first.results[0]?.jobId as number;
    // An earlier version (or a race) left a second job; the project recorded it too (in its ledger).
    const extra = await createJob(ws, {
      ...(jobSettings({ name: "Orders daily" }) as JobSettings),
      tags: TAGS(ORDERS_TASK),
    });
    const ledgerPath = "/Workspace/Shared/.jobagent/projects/acme--ownership/jobs.json";
    const ledger = JSON.parse((await options.workspace.readFile(ledgerPath)) ?? "{}") as {
      jobs: Record<string, unknown>;
    };
    ledger.jobs[String(extra)] = { task: ORDERS_TASK, at: new Date().toISOString() };
    await options.workspace.writeFile(ledgerPath, JSON.stringify(ledger));
    const plan = await runPlan(options);
    const reason = plan.blocked.find((b) => b.taskId === ORDERS_TASK)?.reason ?? "";
    expect(reason).toMatch(/duplicates/);
    expect(reason).toContain(`${kept}`);
    expect(reason).toContain(`${extra}`);
    expect(plan.changes.filter((c) => c.op !== "no-op")).toEqual([]);
    // Resolved explicitly: the extra job deleted by a person, the next plan is clean again.
    await options.workspace.deleteJob(extra);
    const after = await runPlan(options);
    expect(after.blocked).toEqual([]);
    expect((await taskFile(repoDir, ORDERS_TASK)).task.job_id).toBe(kept);
  });

  it("a job of another project or of a Databricks Asset Bundle with the requirement's name: blocked, saying who owns it", async () => {
    const { options } = await repoWith({ "jobs/orders.md": ORDERS });
    const other = await createJob(ws, {
      ...(jobSettings({ name: "Orders daily" }) as JobSettings),
      tags: { "jobagent-repo": "other/project", "jobagent-task": ORDERS_TASK },
    });
    let plan = await runPlan(options);
    expect(plan.counts.create).toBe(0);
    expect(plan.blocked[0]?.reason).toContain(`job ${other}, owned by project other/project`);
    await options.workspace.deleteJob(other);
    const bundle = await createJob(ws, {
      ...(jobSettings({ name: "Orders daily" }) as JobSettings),
      deployment: { kind: "BUNDLE", metadata_file_path: "/Workspace/Users/x/.bundle/a/state/metadata.json" },
    });
    plan = await runPlan(options);
    expect(plan.blocked[0]?.reason).toContain(`job ${bundle}, owned by a Databricks Asset Bundle`);
    await runApply(options, { onPlanChange: "apply" });
    expect(await jobIds()).toEqual([bundle]);
  });
});

describe("task files are state, never authority", () => {
  it("a forged delete task with adopt: true against a foreign job is refused; the job stays", async () => {
    const { repoDir, options } = await repoWith({ "jobs/orders.md": ORDERS });
    const foreign = await createJob(ws, jobSettings({ name: "Finance close" }) as JobSettings);
    await runPlan(options);
    const { task } = await taskFile(repoDir, ORDERS_TASK);
    const forged = {
      ...task,
      id: "orphan.evil.1",
      requirement: "(removed)",
      key: "evil",
      action: "delete" as const,
      source: "removed",
      status: "PLANNED" as const,
      job_id: foreign,
      spec: { target: { job_id: foreign, name: "Finance close", adopt: true } },
    };
    await writeFile(path.join(repoDir, "jobs/.tasks/orphan.evil.1.md"), renderTaskFile(forged));
    const plan = await runPlan(options);
    expect(plan.counts.delete).toBe(0);
    expect(plan.diagnostics.find((d) => d.code === "ownership.not-managed")?.message).toContain(`${foreign}`);
    await runApply(options, { onPlanChange: "apply" });
    expect(await jobIds()).toContain(foreign);
  });

  it("a hand-edited spec (requirement untouched) is re-derived and reported; nothing of it reaches the workspace", async () => {
    const { repoDir, options } = await repoWith({ "jobs/orders.md": ORDERS });
    await runPlan(options);
    const { file, task } = await taskFile(repoDir, ORDERS_TASK);
    const settings = { ...(task.spec.settings as JobSettings), max_concurrent_runs: 99, name: "Hijacked" };
    await writeFile(file, renderTaskFile({ ...task, spec: { ...task.spec, settings } }));
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.ok, applied.message).toBe(true);
    const jobs = await allJobs(ws);
    expect(jobs.map((j) => j.settings.name)).toEqual(["Orders daily"]);
    expect(jobs[0]?.settings.max_concurrent_runs).toBe(1);
    const plan = await runPlan(options, { record: false });
    expect(plan.counts.create + plan.counts.update).toBe(0);
    // The rewrite is reported on the task file, and the file holds the requirement's spec again.
    await writeFile(
      file,
      renderTaskFile({ ...(await taskFile(repoDir, ORDERS_TASK)).task, action: "delete" }),
    );
    const reported = await runPlan(options);
    expect(reported.diagnostics.find((d) => d.code === "task-file.rewritten")?.message).toMatch(/action/);
    expect((await taskFile(repoDir, ORDERS_TASK)).task.action).toBe("create");
  });

  it("a forged job id in a task file never points the task at another task's job", async () => {
    const other = requirementFile("billing", { billing: jobSettings({ name: "Billing" }) });
    const { repoDir, options } = await repoWith({ "jobs/orders.md": ORDERS, "jobs/billing.md": other });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    const billing = first.results.find((r) => r.jobName === "Billing")?.jobId as number;
    const orders = first.results.find((r) => r.jobName === "Orders daily")?.jobId as number;
    const { file, task } = await taskFile(repoDir, ORDERS_TASK);
    await writeFile(file, renderTaskFile({ ...task, job_id: billing }));
    const plan = await runPlan(options);
    expect(plan.changes.filter((c) => c.jobId === billing && c.op !== "no-op")).toEqual([]);
    expect(plan.changes.find((c) => c.taskId === ORDERS_TASK)?.jobId).toBe(orders);
  });
});

describe("requirements that would share a job or a task", () => {
  it("two files whose names sanitise to one task id: an error naming both, never a shared task", async () => {
    const { repoDir, options } = await repoWith({
      "jobs/a b.md": requirementFile("one", { main: jobSettings({ name: "First" }) }),
      "jobs/a-b.md": requirementFile("two", { main: jobSettings({ name: "Second" }) }),
    });
    const plan = await runPlan(options);
    expect(plan.valid).toBe(false);
    const error = plan.diagnostics.find((d) => d.code === "requirement.task-id-collision");
    expect(error?.message).toContain("jobs/a b.md");
    expect(error?.message).toContain("jobs/a-b.md");
    const files = (await readdir(path.join(repoDir, "jobs/.tasks"))).filter((f) => f.startsWith("a-b"));
    expect(files).toHaveLength(1);
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.failureReason).toBe("validation-failed");
    expect(await allJobs(ws)).toEqual([]);
  });

  it("two requirement files with one job name: an error in each naming the other file and line", async () => {
    const { options } = await repoWith({
      "jobs/one.md": requirementFile("one", { main: jobSettings({ name: "Shared name" }) }),
      "jobs/two.md": requirementFile("two", { other: jobSettings({ name: "Shared name" }) }),
    });
    const plan = await runPlan(options);
    const errors = plan.diagnostics.filter((d) => d.code === "requirement.duplicate-job-name");
    expect(errors.map((d) => d.file).sort()).toEqual(["jobs/one.md", "jobs/two.md"]);
    expect(errors.find((d) => d.file === "jobs/one.md")?.message).toMatch(/jobs\/two\.md:\d+/);
    expect((await runApply(options, { onPlanChange: "apply" })).failureReason).toBe("validation-failed");
    expect(await allJobs(ws)).toEqual([]);
  });
});

describe("jobs deleted outside the project", () => {
  it("a managed job deleted in the workspace is planned as a re-create (no illegal transition), then converges", async () => {
    const { repoDir, options } = await repoWith({ "jobs/orders.md": ORDERS });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    await options.workspace.deleteJob(first.results[0]?.jobId as number);
    const plan = await runPlan(options);
    expect(plan.valid, plan.diagnostics.map((d) => d.message).join("\n")).toBe(true);
    expect(plan.counts.create).toBe(1);
    expect(plan.diagnostics.find((d) => d.code === "drift.deleted")?.message).toMatch(
      /deleted in the workspace: it will be re-created/,
    );
    const again = await runApply(options, { onPlanChange: "fail" });
    expect(again.ok, again.message).toBe(true);
    expect(await allJobs(ws)).toHaveLength(1);
    expect((await taskFile(repoDir, ORDERS_TASK)).task.status).toBe("COMPLETE");
  });

  it("an adopted job deleted in the workspace is re-created from the requirement", async () => {
    const existing = await createJob(ws, jobSettings({ name: "Legacy" }) as JobSettings);
    const adopt = `---\nadopt: true\njob:\n${JSON.stringify(jobSettings({ name: "Legacy" })).replace(
      /^/,
      "  ",
    )}\n---\n`;
    const { options } = await repoWith({ "jobs/legacy.md": adopt });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    expect(first.ok, first.message).toBe(true);
    await options.workspace.deleteJob(existing);
    const plan = await runPlan(options);
    expect(plan.valid, plan.diagnostics.map((d) => d.message).join("\n")).toBe(true);
    expect(plan.counts.create).toBe(1);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect((await allJobs(ws)).map((j) => j.settings.name)).toEqual(["Legacy"]);
  });
});
