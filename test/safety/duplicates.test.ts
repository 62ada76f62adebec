/**
 * Pre-existing duplicates (several jobs carrying one requirement's ownership, from an earlier version, a race or a
 * copy made through the API): reported in every plan, resolved only by the requirement's explicit
 * `duplicates: keep <id>`, which the plan shows as deletes that are part of its hash. An edit or a removal never
 * touches one copy only, and allow-delete alone never deletes a copy the project did not record.
 * The real engine over the SDK against a local workspace, in real git repositories.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import { ledgerPathOf } from "../../src/state/ledger.js";
import { parseTaskFile, renderTaskFile } from "../../src/state/task-file.js";
import type { EngineOptions } from "../../src/engine/api.js";
import type { JobSettings, WorkspaceJob } from "../../src/domain/model.js";
import { allJobs, cleanupTempDirs, createJob, makeRepo } from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const REPO = "acme/dups";
const TASK = "orders.orders";
const TAGS = { "jobagent-repo": REPO, "jobagent-task": TASK };
const orders = (workers = 2) =>
  requirementFile("orders", { orders: jobSettings({ name: "Orders daily", workers }) });
/** The requirement with `duplicates: keep <ids>` as its second line (right after the opening `---`). */
const keeping = (ids: string, workers = 2) =>
  orders(workers).replace(/^---\n/, `---\nduplicates: keep ${ids}\n`);

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-duplicates-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

interface Setup {
  repoDir: string;
  options: EngineOptions;
  /** The job the project created (recorded in its ledger). */
  kept: number;
  /** A second job with the same ownership tags, created through the API (the project never recorded it). */
  copy: number;
}

/** A requirement applied once (allow-delete on), then a copy of its job made through the Jobs API. */
async function withCopy(): Promise<Setup> {
  const repoDir = await makeRepo({ "jobs/orders.md": orders() }, "jobagent-dups-");
  const options = engineOptions(repoDir, ws, { repo: REPO, allowDelete: true });
  await runPlan(options);
  const first = await runApply(options, { onPlanChange: "fail" });
  expect(first.ok, first.message).toBe(true);
  const kept = first.results[0]?.jobId as number;
  const copy = await createJob(ws, { ...(jobSettings({ name: "Orders daily" }) as JobSettings), tags: TAGS });
  return { repoDir, options, kept, copy };
}

async function commit(repoDir: string, file: string, text: string | undefined, message: string) {
  const full = path.join(repoDir, file);
  if (text === undefined) await rm(full);
  else await writeFile(full, text);
  await simpleGit(repoDir).add(["-A", "."]).commit(message);
}

const ids = async () => (await allJobs(ws)).map((j) => j.job_id).sort((a, b) => a - b);
const job = async (id: number): Promise<WorkspaceJob | undefined> =>
  (await allJobs(ws)).find((j) => j.job_id === id);
const workers = (j: WorkspaceJob | undefined) =>
  (j?.settings.job_clusters?.[0]?.new_cluster as { num_workers?: number } | undefined)?.num_workers;
const ledgerOf = async (options: EngineOptions) =>
  JSON.parse((await options.workspace.readFile(ledgerPathOf(REPO))) ?? "{}") as {
    jobs: Record<string, { task: string }>;
  };

describe("pre-existing duplicates", () => {
  it("are reported in every plan (ids, the one proposed to keep, the line to add); an edit changes neither copy", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    for (let round = 0; round < 2; round++) {
      const plan = await runPlan(options);
      const reason = plan.blocked.find((b) => b.taskId === TASK)?.reason ?? "";
      expect(reason).toContain(`job ${kept} (recorded in the ownership ledger`);
      expect(reason).toContain(`job ${copy} (carries the tags but was not created by this project`);
      expect(reason).toContain(
        `Proposed: keep job ${kept} (the job the ownership ledger records for this requirement)`,
      );
      expect(reason).toContain("Add `duplicates: keep " + kept + "` to the front matter of jobs/orders.md");
      const warning = plan.diagnostics.find((d) => d.code === "ownership.duplicates");
      expect(warning).toMatchObject({ file: "jobs/orders.md", path: "duplicates", value: [kept, copy] });
      expect(warning?.line).toBeGreaterThan(1);
      expect(plan.changes.filter((c) => c.op !== "no-op")).toEqual([]);
    }
    // The requirement changes: still blocked, and neither copy is updated (no copy left behind with old settings).
    await commit(repoDir, "jobs/orders.md", orders(5), "more workers");
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.results.find((r) => r.taskId === TASK)).toMatchObject({ status: "BLOCKED", op: "no-op" });
    expect((await runPlan(options)).blocked.map((b) => b.taskId)).toEqual([TASK]);
    expect(await ids()).toEqual([kept, copy].sort((a, b) => a - b));
    expect(workers(await job(kept))).toBe(2);
    expect(workers(await job(copy))).toBe(2);
  });

  it("`duplicates: keep <id>` resolves them: the plan lists the delete, apply deletes only the copy and updates the kept job", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    const bystander = await createJob(ws, jobSettings({ name: "Someone else's job" }) as JobSettings);
    await commit(repoDir, "jobs/orders.md", keeping(String(kept), 5), "keep the recorded job");
    const plan = await runPlan(options);
    expect(plan.valid, plan.diagnostics.map((d) => d.message).join("\n")).toBe(true);
    expect(plan.blocked).toEqual([]);
    const change = plan.changes.find((c) => c.taskId === TASK);
    expect(change).toMatchObject({ op: "update", jobId: kept, destructive: true });
    expect(change?.duplicates).toMatchObject({ keep: kept, delete: [copy] });
    expect(plan.markdown).toContain(
      `delete duplicate job ${copy} (kept ${kept}, the job the ownership ledger records`,
    );
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    expect(applied.results.find((r) => r.taskId === TASK)?.duplicatesDeleted).toEqual([copy]);
    expect(await ids()).toEqual([kept, bystander].sort((a, b) => a - b));
    expect(workers(await job(kept))).toBe(5);
    // Recorded: the kept job in the ledger (the copy never was), the delete in the progress log and the task file.
    const ledger = await ledgerOf(options);
    expect(ledger.jobs[String(kept)]?.task).toBe(TASK);
    expect(ledger.jobs[String(copy)]).toBeUndefined();
    const progress = await readFile(path.join(repoDir, "jobs/.tasks/progress.md"), "utf8");
    expect(progress).toContain(`(job ${kept}), deleted duplicate job(s) ${copy} → COMPLETE`);
    const taskText = await readFile(path.join(repoDir, `jobs/.tasks/${TASK}.md`), "utf8");
    const task = parseTaskFile(TASK, taskText);
    expect(task.status).toBe("COMPLETE");
    expect(task.job_id).toBe(kept);
    expect(task.history.at(-1)?.note).toContain(`deleted duplicate job(s) ${copy}`);
    // Converged: the next plan is clean with the line still in place.
    const after = await runPlan(options, { record: false });
    expect(after.blocked).toEqual([]);
    expect(after.changes.filter((c) => c.op !== "no-op")).toEqual([]);
  });

  it("keeping the copy the project never recorded deletes the recorded job and records the kept one", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    await commit(repoDir, "jobs/orders.md", keeping(String(copy)), "keep the copy");
    const plan = await runPlan(options);
    expect(plan.changes.find((c) => c.taskId === TASK)?.duplicates).toMatchObject({
      keep: copy,
      delete: [kept],
      why: `the requirement keeps it; the proposal was job ${kept} (the job the ownership ledger records for this requirement)`,
    });
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    expect(await ids()).toEqual([copy]);
    const ledger = await ledgerOf(options);
    expect(Object.keys(ledger.jobs)).toEqual([String(copy)]);
  });

  it("a third copy made after the plan: apply refuses with plan-changed and deletes nothing", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    await commit(repoDir, "jobs/orders.md", keeping(String(kept)), "keep the recorded job");
    const plan = await runPlan(options);
    expect(plan.changes.find((c) => c.taskId === TASK)?.duplicates?.delete).toEqual([copy]);
    const third = await createJob(ws, {
      ...(jobSettings({ name: "Orders daily" }) as JobSettings),
      tags: TAGS,
    });
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.failureReason).toBe("plan-changed");
    expect(applied.message).toContain(TASK);
    expect(await ids()).toEqual([kept, copy, third].sort((a, b) => a - b));
    // The fresh plan shows both copies as deletes, under a new hash.
    const again = await runPlan(options);
    const change = again.changes.find((c) => c.taskId === TASK);
    expect(change?.duplicates?.delete).toEqual([copy, third]);
    expect(again.planHash).not.toBe(plan.planHash);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect(await ids()).toEqual([kept]);
  });

  it("a copy whose tags are removed between the plan and its delete is not deleted, and the kept job is not updated", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    await commit(repoDir, "jobs/orders.md", keeping(String(kept), 5), "keep the recorded job");
    await runPlan(options);
    // Someone takes the copy out of the project (removes its jobagent tags) just as apply reads it back to delete it.
    const sdk = options.workspace;
    let retagged = false;
    const workspace = new Proxy(sdk, {
      get(target, prop, receiver) {
        if (prop !== "getJob") return Reflect.get(target, prop, receiver) as unknown;
        return async (id: number) => {
          if (id === copy && !retagged) {
            retagged = true;
            await sdk.updateJob(copy, { tags: { team: "data-eng" } }, []);
          }
          return sdk.getJob(id);
        };
      },
    });
    const applied = await runApply({ ...options, workspace }, { onPlanChange: "fail" });
    expect(retagged).toBe(true);
    expect(applied.failureReason).toBe("apply-failed");
    expect(applied.message).toContain(`job ${copy} no longer carries this requirement's ownership`);
    expect(await ids()).toEqual([kept, copy].sort((a, b) => a - b));
    expect(workers(await job(kept))).toBe(2);
  });

  it("a kept id that is none of the copies is an error naming file, line, field and fix; nothing is applied", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    await commit(repoDir, "jobs/orders.md", keeping("999999"), "keep a job that is not a copy");
    const plan = await runPlan(options);
    expect(plan.valid).toBe(false);
    const error = plan.diagnostics.find((d) => d.code === "requirement.duplicates");
    expect(error).toMatchObject({ severity: "error", file: "jobs/orders.md", line: 2, path: "duplicates" });
    expect(error?.message).toContain(`duplicates: keep 999999 names no copy of "Orders daily"`);
    expect(error?.message).toContain(`job ${kept}`);
    expect(error?.message).toContain(`job ${copy}`);
    expect(error?.fix).toContain(`Write \`duplicates: keep ${kept}\``);
    expect((await runApply(options, { onPlanChange: "apply" })).failureReason).toBe("validation-failed");
    expect(await ids()).toEqual([kept, copy].sort((a, b) => a - b));
    // A line that is not `keep <id>` is an error of the requirement itself, at its line.
    await commit(repoDir, "jobs/orders.md", orders().replace(/^---\n/, "---\nduplicates: oldest\n"), "bad");
    const bad = await runPlan(options);
    expect(bad.diagnostics.find((d) => d.code === "requirement.duplicates")).toMatchObject({
      file: "jobs/orders.md",
      line: 2,
      path: "duplicates",
    });
  });

  it("without a ledger record the oldest copy is proposed; keeping it adopts it explicitly", async () => {
    const repoDir = await makeRepo({ "jobs/orders.md": orders() }, "jobagent-dups-");
    const options = engineOptions(repoDir, ws, { repo: REPO, allowDelete: true });
    const settings = { ...(jobSettings({ name: "Orders daily" }) as JobSettings), tags: TAGS };
    const older = await createJob(ws, settings);
    const newer = await createJob(ws, settings);
    const plan = await runPlan(options);
    expect(plan.counts.create).toBe(0);
    expect(plan.blocked.find((b) => b.taskId === TASK)?.reason).toContain(
      `Proposed: keep job ${older} (the oldest, created first; the others are later copies)`,
    );
    await commit(repoDir, "jobs/orders.md", keeping(String(older)), "keep the oldest");
    await runPlan(options);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect(await ids()).toEqual([older]);
    expect(Object.keys((await ledgerOf(options)).jobs)).toEqual([String(older)]);
    expect(newer).toBeGreaterThan(older);
  });

  it("a file with several jobs keeps one id per job; each job's copies are resolved on their own", async () => {
    const two = requirementFile("orders", {
      orders: jobSettings({ name: "Orders daily" }),
      billing: jobSettings({ name: "Billing daily" }),
    });
    const repoDir = await makeRepo({ "jobs/orders.md": two }, "jobagent-dups-");
    const options = engineOptions(repoDir, ws, { repo: REPO, allowDelete: true });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    const jobOf = (task: string) => first.results.find((r) => r.taskId === task)?.jobId as number;
    const [orders1, billing1] = [jobOf(TASK), jobOf("orders.billing")];
    const copyOf = (name: string, task: string) =>
      createJob(ws, {
        ...(jobSettings({ name }) as JobSettings),
        tags: { "jobagent-repo": REPO, "jobagent-task": task },
      });
    const orders2 = await copyOf("Orders daily", TASK);
    const billing2 = await copyOf("Billing daily", "orders.billing");
    expect((await runPlan(options)).blocked.map((b) => b.taskId).sort()).toEqual(["orders.billing", TASK]);
    // Only the orders job is resolved: billing stays blocked, and its copies both stay.
    await commit(
      repoDir,
      "jobs/orders.md",
      two.replace(/^---\n/, `---\nduplicates: keep ${orders1}\n`),
      "one",
    );
    const partial = await runPlan(options);
    expect(partial.valid).toBe(false);
    expect(partial.diagnostics.find((d) => d.code === "requirement.duplicates")?.message).toContain(
      `names no copy of "Billing daily"`,
    );
    await commit(
      repoDir,
      "jobs/orders.md",
      two.replace(/^---\n/, `---\nduplicates: keep ${orders1}, ${billing2}\n`),
      "both",
    );
    const plan = await runPlan(options);
    expect(plan.valid, plan.diagnostics.map((d) => d.message).join("\n")).toBe(true);
    expect(plan.changes.find((c) => c.taskId === "orders.billing")?.duplicates).toMatchObject({
      keep: billing2,
      delete: [billing1],
    });
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect(await ids()).toEqual([orders1, billing2].sort((a, b) => a - b));
    expect(await ids()).not.toContain(orders2);
  });

  it("a job that runs the duplicated job (run_job_task without job_id) follows the copy that is kept", async () => {
    const orchestrator =
      "---\ndepends_on: [orders.orders]\njob:\n  name: Orchestrator\n  tasks:\n    - task_key: run_orders\n      run_job_task: {}\n---\nRuns the orders job.\n";
    const repoDir = await makeRepo(
      { "jobs/orders.md": orders(), "jobs/orchestrator.md": orchestrator },
      "jobagent-dups-",
    );
    const options = engineOptions(repoDir, ws, { repo: REPO, allowDelete: true });
    await runPlan(options);
    const first = await runApply(options, { onPlanChange: "fail" });
    expect(first.ok, first.message).toBe(true);
    const original = first.results.find((r) => r.taskId === TASK)?.jobId as number;
    const runner = first.results.find((r) => r.taskId === "orchestrator.orchestrator")?.jobId as number;
    // A second job that the project recorded too (an earlier version, a race) — and the one the team keeps.
    const copy = await createJob(ws, {
      ...(jobSettings({ name: "Orders daily" }) as JobSettings),
      tags: TAGS,
    });
    const ledger = await ledgerOf(options);
    ledger.jobs[String(copy)] = { task: TASK };
    await options.workspace.writeFile(ledgerPathOf(REPO), JSON.stringify(ledger));
    await commit(repoDir, "jobs/orders.md", keeping(String(copy)), "keep the second job");
    await runPlan(options);
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    expect(await ids()).toEqual([copy, runner].sort((a, b) => a - b));
    const runs = (await job(runner))?.settings.tasks?.[0]?.run_job_task as { job_id?: number } | undefined;
    expect(runs?.job_id).toBe(copy);
    expect(original).not.toBe(copy);
  });

  it("a prose requirement carries its `duplicates:` decision too (the offline interpreter reads the rest)", async () => {
    const prose =
      "---\nduplicates: keep 4242\n---\n# Customer export\n\nRun the notebook /Shared/etl/ingest every weekday at 7:30 PM Berlin time on 2 workers (i3.xlarge, runtime 16.4.x-scala2.12).\n";
    const repoDir = await makeRepo({ "jobs/export.md": prose }, "jobagent-dups-");
    const options = engineOptions(repoDir, ws, { repo: REPO });
    const plan = await runPlan(options);
    expect(plan.valid, plan.diagnostics.map((d) => d.message).join("\n")).toBe(true);
    expect(plan.counts.create).toBe(1);
    const created = plan.changes.find((c) => c.op === "create");
    const file = path.join(repoDir, `jobs/.tasks/${created?.taskId ?? ""}.md`);
    const task = parseTaskFile(file, await readFile(file, "utf8"));
    expect(task.source).toBe("interpreter");
    expect(task.spec.duplicates).toEqual({ keep: [4242] });
  });

  it("a `duplicates` decision forged into a task file is rewritten from the requirement; nothing is deleted", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    const file = path.join(repoDir, `jobs/.tasks/${TASK}.md`);
    const forge = async () => {
      const task = parseTaskFile(file, await readFile(file, "utf8"));
      await writeFile(
        file,
        renderTaskFile({ ...task, spec: { ...task.spec, duplicates: { keep: [kept] } } }),
      );
    };
    await forge();
    const plan = await runPlan(options);
    expect(plan.diagnostics.find((d) => d.code === "task-file.rewritten")?.message).toMatch(/spec/);
    expect(plan.blocked.map((b) => b.taskId)).toEqual([TASK]);
    expect(parseTaskFile(file, await readFile(file, "utf8")).spec.duplicates).toBeUndefined();
    await forge();
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.results.find((r) => r.taskId === TASK)?.status).toBe("BLOCKED");
    expect(await ids()).toEqual([kept, copy].sort((a, b) => a - b));
  });

  it("a removal with a copy the project never recorded deletes nothing, even with allow-delete; the explicit resolution does", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    await commit(repoDir, "jobs/orders.md", undefined, "retire orders");
    const plan = await runPlan(options);
    expect(plan.counts.delete).toBe(0);
    const reason = plan.blocked.find((b) => b.taskId === TASK)?.reason ?? "";
    expect(reason).toContain(`job(s) ${copy} carry its ownership tags but were not created by this project`);
    expect(reason).toContain("nothing is deleted");
    await runApply(options, { onPlanChange: "apply" });
    expect(await ids()).toEqual([kept, copy].sort((a, b) => a - b));
    // Brought back with the explicit decision: the copy goes, the recorded job stays.
    await commit(repoDir, "jobs/orders.md", keeping(String(kept)), "resolve, then retire");
    await runPlan(options);
    expect((await runApply(options, { onPlanChange: "fail" })).ok).toBe(true);
    expect(await ids()).toEqual([kept]);
  });

  it("a removal with recorded duplicates deletes every copy explicitly with allow-delete, and none without it", async () => {
    const { repoDir, options, kept, copy } = await withCopy();
    // An earlier version (or a race) recorded the second job too.
    const ledger = await ledgerOf(options);
    ledger.jobs[String(copy)] = { task: TASK };
    await options.workspace.writeFile(ledgerPathOf(REPO), JSON.stringify(ledger));
    await commit(repoDir, "jobs/orders.md", undefined, "retire orders");
    const withoutFlag = { ...options, allowDelete: false };
    const blocked = await runPlan(withoutFlag);
    expect(blocked.blocked.find((b) => b.taskId === TASK)?.reason).toContain(
      `deleting job ${kept} ("Orders daily") and its duplicate(s) ${copy} needs allow-delete`,
    );
    await runApply(withoutFlag, { onPlanChange: "apply" });
    expect(await ids()).toEqual([kept, copy].sort((a, b) => a - b));
    const plan = await runPlan(options);
    const change = plan.changes.find((c) => c.taskId === TASK);
    expect(change).toMatchObject({ op: "delete", jobId: kept, duplicates: { delete: [copy] } });
    expect(plan.markdown).toContain(`delete duplicate job ${copy} too`);
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.ok, applied.message).toBe(true);
    expect(await ids()).toEqual([]);
    expect((await ledgerOf(options)).jobs).toEqual({});
  });
});
