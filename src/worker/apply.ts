/**
 * The Worker's Apply: re-plan, check the fresh plan against the approved one, then execute the planned tasks in
 * dependency order under a lease, recording every transition in the task files and the progress log.
 *
 * Crash safety: a task is marked IN_PROGRESS before its API call and COMPLETE/FAILED after it. A rerun re-plans
 * from the workspace: a job created just before a crash is found by its ownership tag (find-before-create) and the
 * task plans as no-op or update, never as a second create. Runs use an idempotency token derived from the task and
 * its plan hash, so a rerun does not start a second run. A write whose connection dropped is reconciled by reading.
 */
import { TERMINAL_RUN_STATES, waitForRun } from "../adapters/databricks/wait-run.js";
import pLimit from "p-limit";
import type { ApplyOptions, ApplyResult, TaskApplyResult, UnappliedTask } from "../engine/api.js";
import type { JobChange, JobSettings, WorkspaceJob } from "../domain/model.js";
import { diffJobSettings, hashJson, normalizeJobSettings } from "../domain/plan.js";
import { fingerprintable, fingerprintableTask, unchangedFingerprint } from "./plan/unchanged.js";
import { AmbiguousWriteError, WorkspaceApiError } from "../adapters/databricks/port.js";
import type { RunContext } from "../engine/context.js";
import {
  acquireWorkspaceLock,
  WorkspaceLockedError,
  type LockInfo,
  type TakeOverReason,
} from "../state/workspace-lock.js";
import { PROJECT_UNSET_MESSAGE } from "../state/project-config.js";
import type { OwnershipLedger } from "../state/ledger.js";
import { foreignOwnerOf, TASK_TAG, REPO_TAG } from "../state/ownership.js";
import { computePlan, jobUrl, type PlannedTask } from "./planner.js";
import { transition, type TaskRecord } from "../state/task-file.js";
import { techLead } from "../techlead/techlead.js";

const DEFAULT_RUN_WAIT_SECONDS = 600;
/** Attempts of one create whose answer is lost each time (each checked by a lookup before the next). */
const CREATE_ATTEMPTS = 5;

export async function applyPlan(ctx: RunContext, applyOptions: ApplyOptions): Promise<ApplyResult> {
  const { options, store } = ctx;
  const by = `worker@${options.runId}`;
  if (!options.repo) return refuseWithoutProject(ctx);
  let lock;
  try {
    lock = await acquireWorkspaceLock(options.workspace, {
      project: options.repo,
      holder: options.runId,
      ...(options.runUrl ? { where: options.runUrl } : {}),
      seconds: options.leaseSeconds ?? 1800,
      waitSeconds: options.lockWaitSeconds ?? 0,
      onWait: (message) => options.log.info(message),
      now: ctx.now,
    });
  } catch (error) {
    if (error instanceof WorkspaceLockedError) {
      return { ok: false, planHash: "", results: [], failureReason: "locked", message: error.message };
    }
    // The workspace did not let us take the lock (an outage, no permission on the folder): nothing was applied.
    return {
      ok: false,
      planHash: "",
      results: [],
      failureReason: "apply-failed",
      message: `could not take the workspace apply lock, nothing was applied: ${describeError(error)}`,
    };
  }
  try {
    if (lock.tookOver) options.log.warn(takeOverMessage(lock.path, lock.tookOver, lock.tookOverBecause));
    // Find-before-create under the lock: the workspace is listed again now that no other apply can write.
    ctx.invalidate();
    ctx.prefetch();
    const tl = await techLead(ctx, { write: true });
    const computation = await computePlan(ctx, tl);
    const plan = computation.result;

    const eligible = [...computation.planned.values()].filter(
      (p) =>
        ["PLANNED", "FAILED", "IN_PROGRESS"].includes(p.task.status) ||
        (applyOptions.onPlanChange === "apply" && p.task.status === "PENDING"),
    );
    const invalid = eligible.filter((p) => p.errors.length > 0);
    if (!plan.valid || invalid.length > 0) {
      const first = plan.diagnostics.find((d) => d.severity === "error");
      return {
        ok: false,
        planHash: plan.planHash,
        results: [],
        failureReason: "validation-failed",
        message: `validation failed${first ? `: ${first.file ?? ""}${first.line ? `:${first.line}` : ""} ${first.path} — ${first.message}` : ""}; nothing was applied`,
      };
    }
    const approved =
      applyOptions.approvedPlanHashes ??
      (applyOptions.approvedPlanHash ? [applyOptions.approvedPlanHash] : undefined);
    const mismatched = eligible.filter((p) => {
      if (!p.change || p.change.op === "no-op") return false;
      if (p.task.plan_hash !== p.change.hash) return true;
      return approved !== undefined && !approved.includes(p.task.plan_id ?? "");
    });
    if (mismatched.length > 0 && applyOptions.onPlanChange !== "apply") {
      return {
        ok: false,
        planHash: plan.planHash,
        results: [],
        failureReason: "plan-changed",
        message: `the plan differs from the approved one for ${mismatched.length} task(s): ${mismatched
          .slice(0, 10)
          .map((p) => `${p.task.id} (${p.change?.op})`)
          .join(", ")}; run plan again and review it (or set on-plan-change: apply). Nothing was applied.`,
      };
    }
    // Work that no plan has shown (a requirement changed after the plan): refuse rather than skip silently.
    const unplanned = [...computation.planned.values()].filter(
      (p) =>
        p.task.status === "PENDING" &&
        applyOptions.onPlanChange !== "apply" &&
        p.change &&
        p.change.op !== "no-op",
    );
    if (unplanned.length > 0) {
      return {
        ok: false,
        planHash: plan.planHash,
        results: [],
        failureReason: "plan-changed",
        message: `${unplanned.length} task(s) changed since the last plan and were never planned: ${unplanned
          .slice(0, 10)
          .map((p) => p.task.id)
          .join(", ")}; run plan and review it (or set on-plan-change: apply). Nothing was applied.`,
      };
    }

    const { ledger } = await ctx.snapshot();
    const results = await execute(
      ctx,
      ledger,
      eligible.filter((p) => p.change || p.blocked),
      computation.planned,
      applyOptions,
      by,
      lock.lost,
    );
    const ledgerError = await finishLedger(ledger, results);
    await refreshAppliedHashes(ctx, results, computation.planned);
    const failed = results.filter((r) => r.status === "FAILED");
    const summary = results.map(
      (r) =>
        `- ${ctx.now().toISOString()} apply: \`${r.taskId}\` ${r.op} "${r.jobName}"${r.jobId !== undefined ? ` (job ${r.jobId})` : ""}${r.duplicatesDeleted ? `, deleted duplicate job(s) ${r.duplicatesDeleted.join(", ")}` : ""} → ${r.status}${r.error ? `: ${r.error}` : ""}`,
    );
    if (summary.length > 0) await store.appendProgress(summary);
    const lost = lock.lost();
    const result: ApplyResult = {
      ok: failed.length === 0 && !lost,
      planHash: plan.planHash,
      results,
      ...leftOut(computation.planned, eligible, results, plan.planHash),
    };
    if (failed.length > 0) {
      result.failureReason = "apply-failed";
      result.message = `${failed.length} task(s) failed: ${failed.map((f) => `${f.taskId}: ${f.error ?? "failed"}`).join("; ")}`;
    } else if (ledgerError) {
      result.ok = false;
      result.failureReason = "apply-failed";
      result.message = ledgerError;
    }
    if (lost) {
      const stopped = results.filter((r) => r.status === "SKIPPED").length;
      result.failureReason = "apply-failed";
      result.message = `the apply lost its workspace lock: ${lost}; it stopped writing (${stopped} task(s) not applied). Run apply again once the other run is done.${result.message ? ` ${result.message}` : ""}`;
    }
    return result;
  } finally {
    // What was applied stays applied: a lock that could not be released expires (or is taken over once its
    // process is gone), so a failed release is a warning, never a failed apply.
    await lock
      .release()
      .catch((error: unknown) =>
        options.log.warn(
          `Could not release the workspace lock ${lock.path}: ${describeError(error)}. It expires on its own; \`jobagent unlock\` releases it now.`,
        ),
      );
  }
}

/**
 * What the apply did not do, so that it never reads as "everything applied": tasks blocked by the plan, and changes
 * the fresh plan holds that no recorded plan approved (a COMPLETE task whose job drifted after the plan, a
 * `plan --no-record`); the plans whose changes it made; and whether that was all of it.
 */
function leftOut(
  planned: Map<string, PlannedTask>,
  eligible: PlannedTask[],
  results: TaskApplyResult[],
  freshPlan: string,
): Pick<ApplyResult, "complete" | "appliedPlans" | "blocked" | "notApplied"> {
  const taken = new Set(eligible.map((p) => p.task.id));
  const blocked: UnappliedTask[] = [];
  const notApplied: UnappliedTask[] = [];
  for (const entry of planned.values()) {
    const base = {
      taskId: entry.task.id,
      requirement: entry.task.requirement,
      jobName:
        entry.change?.jobName ?? entry.task.job_name ?? entry.task.spec.settings?.name ?? entry.task.key,
      ...(entry.task.job_id !== undefined ? { jobId: entry.task.job_id } : {}),
    };
    if (entry.blocked) {
      blocked.push({ ...base, op: entry.change?.op ?? entry.task.action, reason: entry.blocked.reason });
      continue;
    }
    const change = entry.change;
    if (!change || change.op === "no-op" || taken.has(entry.task.id)) continue;
    notApplied.push({
      ...base,
      op: change.op,
      ...(change.jobId !== undefined ? { jobId: change.jobId } : {}),
      reason: `no recorded plan approved this ${change.op} (the task is ${entry.task.status}): run \`jobagent plan\` to record it, review it, then apply`,
    });
  }
  const applied = new Set(results.filter((r) => r.status === "COMPLETE").map((r) => r.taskId));
  // A change applied as a plan recorded it names that plan; one applied without (on-plan-change: apply) the plan
  // computed under the lock.
  const appliedPlans = [
    ...new Set(
      [...planned.values()].flatMap((p) => {
        if (!applied.has(p.task.id) || !p.change || p.change.op === "no-op") return [];
        return [p.task.plan_id && p.task.plan_hash === p.change.hash ? p.task.plan_id : freshPlan];
      }),
    ),
  ].sort();
  const incomplete = results.some((r) => r.status !== "COMPLETE");
  return {
    complete: blocked.length === 0 && notApplied.length === 0 && !incomplete,
    appliedPlans,
    ...(blocked.length > 0 ? { blocked } : {}),
    ...(notApplied.length > 0 ? { notApplied } : {}),
  };
}

/** No project id: nothing may be applied. A plan that is invalid anyway says so first (the more useful message). */
async function refuseWithoutProject(ctx: RunContext): Promise<ApplyResult> {
  const plan = (await computePlan(ctx, await techLead(ctx, { write: false }))).result;
  if (!plan.valid)
    return {
      ok: false,
      planHash: plan.planHash,
      results: [],
      failureReason: "validation-failed",
      message: "validation failed; nothing was applied",
    };
  return {
    ok: false,
    planHash: "",
    results: [],
    failureReason: "configuration",
    message: PROJECT_UNSET_MESSAGE,
  };
}

async function execute(
  ctx: RunContext,
  ledger: OwnershipLedger,
  entries: PlannedTask[],
  planned: Map<string, PlannedTask>,
  applyOptions: ApplyOptions,
  by: string,
  lockLost: () => string | undefined,
): Promise<TaskApplyResult[]> {
  const { options } = ctx;
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  // Every planned create is marked pending in one ledger write before the first one is sent (crash recovery).
  const creates = entries.filter((e) => e.change?.op === "create").map((e) => e.task.id);
  // If that write fails, each create tries to mark itself (and fails alone, as a FAILED task).
  if (creates.length > 0)
    await ledger.markPending(creates, ctx.now()).catch(() => ledger.clearPending(creates));
  const byId = new Map(entries.map((e) => [e.task.id, e]));
  const done = new Map<string, Promise<TaskApplyResult>>();
  const results: TaskApplyResult[] = [];
  const ordered = [...entries].sort(
    (a, b) => a.task.priority - b.task.priority || a.task.id.localeCompare(b.task.id),
  );

  const runOne = (entry: PlannedTask, chain: string[]): Promise<TaskApplyResult> => {
    const existing = done.get(entry.task.id);
    if (existing) return existing;
    const promise = (async (): Promise<TaskApplyResult> => {
      const deps = [...entry.task.depends_on, ...(entry.runAfterCreateOf ? [entry.runAfterCreateOf] : [])];
      for (const dep of deps) {
        if (chain.includes(dep)) return skip(entry, `dependency cycle through ${dep}`);
        const depEntry = byId.get(dep);
        if (depEntry) {
          const depResult = await runOne(depEntry, [...chain, entry.task.id]);
          if (depResult.status !== "COMPLETE")
            return skip(entry, `waits for ${dep}, which is ${depResult.status}`);
        } else {
          const other = planned.get(dep);
          if (!other) return skip(entry, `waits for ${dep}, which does not exist`);
          if (other.task.status !== "COMPLETE")
            return skip(entry, `waits for ${dep}, which is ${other.task.status}`);
        }
      }
      if (!entry.change) return blockedResult(entry);
      return limit(() => {
        // A lock that is no longer ours: no further task writes to the workspace.
        const lost = lockLost();
        if (lost) return skip(entry, `not applied: the workspace lock was lost (${lost})`);
        return applyTask(ctx, ledger, entry, planned, applyOptions, by);
      });
    })();
    done.set(entry.task.id, promise);
    return promise;
  };

  const skip = (entry: PlannedTask, why: string): TaskApplyResult => ({
    taskId: entry.task.id,
    requirement: entry.task.requirement,
    op: entry.change?.op ?? "no-op",
    jobName: entry.change?.jobName ?? entry.task.key,
    status: "SKIPPED",
    error: why,
  });

  // Start every task at once: each waits for its dependencies, and p-limit bounds concurrent workspace writes.
  results.push(
    ...(await Promise.all(
      ordered.map((entry) => runOne(entry, []).catch((error) => failResult(entry, error))),
    )),
  );
  return results;
}

/** A task the fresh plan blocks (a conflict found under the lock): nothing is done for it. */
function blockedResult(entry: PlannedTask): TaskApplyResult {
  return {
    taskId: entry.task.id,
    requirement: entry.task.requirement,
    op: "no-op",
    jobName: entry.task.job_name ?? entry.task.key,
    status: "BLOCKED",
    error: entry.blocked?.reason ?? "blocked",
  };
}

function failResult(entry: PlannedTask, error: unknown): TaskApplyResult {
  return {
    taskId: entry.task.id,
    requirement: entry.task.requirement,
    op: entry.change?.op ?? "no-op",
    jobName: entry.change?.jobName ?? entry.task.key,
    status: "FAILED",
    error: error instanceof Error ? error.message : String(error),
  };
}

async function applyTask(
  ctx: RunContext,
  ledger: OwnershipLedger,
  entry: PlannedTask,
  planned: Map<string, PlannedTask>,
  applyOptions: ApplyOptions,
  by: string,
): Promise<TaskApplyResult> {
  const { options, store } = ctx;
  const change = entry.change as JobChange;
  let task = entry.task;
  const result: TaskApplyResult = {
    taskId: task.id,
    requirement: task.requirement,
    op: change.op,
    jobName: change.jobName,
    status: "COMPLETE",
  };
  if (task.status !== "IN_PROGRESS")
    task = transition(
      task,
      "IN_PROGRESS",
      by,
      ctx.now(),
      change.op === "no-op" ? "nothing to change" : `applying ${change.op}`,
    );
  task = {
    ...task,
    attempts: task.attempts + (change.op === "no-op" ? 0 : 1),
    plan_hash: change.hash,
    lease: {
      holder: options.runId,
      expires: new Date(ctx.now().getTime() + (options.leaseSeconds ?? 1800) * 1000).toISOString(),
    },
  };
  await store.write(task);
  entry.task = task;
  try {
    let jobId = change.jobId;
    let appliedSettings: JobSettings | undefined = change.desired;
    // Copies the requirement does not keep (or a removed requirement's other copies) go first.
    const deleted = await deleteCopies(ctx, ledger, task.id, change);
    if (deleted.length > 0) result.duplicatesDeleted = deleted;
    switch (change.op) {
      case "no-op":
        break;
      case "create": {
        let body = change.request?.body as JobSettings;
        if (entry.runJobRefs?.length) {
          // Fill in the ids of jobs created earlier in this apply (this task waited for them).
          const ids = new Map(entry.runJobRefs.map((r) => [r.taskKey, planned.get(r.fromTask)?.task.job_id]));
          for (const [key, id] of ids)
            if (id === undefined)
              throw new Error(
                `task ${key} runs the job of ${entry.runJobRefs.find((r) => r.taskKey === key)?.fromTask}, which has no job id yet`,
              );
          body = {
            ...body,
            tasks: (body.tasks ?? []).map((t) =>
              ids.has(t.task_key)
                ? { ...t, run_job_task: { ...(t.run_job_task as object), job_id: ids.get(t.task_key) } }
                : t,
            ),
          };
        }
        jobId = await createOnce(ctx, ledger, task.id, body);
        appliedSettings = body;
        break;
      }
      case "update": {
        const body = change.request?.body as
          { job_id: number; new_settings: JobSettings; fields_to_remove?: string[] } | undefined;
        if (body && change.request?.endpoint === "jobs/reset")
          await retryAmbiguous(() => options.workspace.resetJob(body.job_id, body.new_settings));
        else if (body)
          await retryAmbiguous(() =>
            options.workspace.updateJob(body.job_id, body.new_settings, body.fields_to_remove ?? []),
          );
        const grants = change.permissions;
        if (grants && change.jobId !== undefined)
          await retryAmbiguous(() => options.workspace.setJobPermissions(change.jobId as number, grants));
        break;
      }
      case "delete": {
        const id = change.jobId as number;
        try {
          await retryAmbiguous(() => options.workspace.deleteJob(id));
        } catch (error) {
          if (await options.workspace.getJob(id).catch(() => "unknown")) throw error;
          // already gone: the goal holds
        }
        ledger.forget(id);
        break;
      }
      case "run": {
        if (jobId === undefined && entry.runAfterCreateOf)
          jobId = planned.get(entry.runAfterCreateOf)?.task.job_id;
        if (jobId === undefined) throw new Error("the job to run has not been created");
        const body = change.request?.body ?? {};
        const run = await options.workspace.runNow(jobId, {
          ...(body.job_parameters ? { job_parameters: body.job_parameters as Record<string, string> } : {}),
          ...(Array.isArray(body.only) ? { only: body.only as string[] } : {}),
          idempotency_token: idempotencyToken(task.id, change.hash),
        });
        const runRecord: NonNullable<TaskRecord["run"]> = { run_id: run.run_id };
        let failed = false;
        let durationMs: number | undefined;
        // `wait: true` in the requirement waits up to DEFAULT_RUN_WAIT_SECONDS unless the run sets another bound.
        const wait = applyOptions.runWaitSeconds || (task.spec.run?.wait ? DEFAULT_RUN_WAIT_SECONDS : 0);
        if (wait > 0) {
          const waited = await waitForRun(options.workspace, options.log, { runId: run.run_id, jobId }, wait);
          const state = waited.state;
          durationMs = waited.durationMs;
          runRecord.result = state.result_state ?? state.life_cycle_state;
          if (state.run_page_url) runRecord.url = state.run_page_url;
          if (state.state_message) runRecord.message = state.state_message;
          failed = TERMINAL_RUN_STATES.has(state.life_cycle_state) && state.result_state !== "SUCCESS";
        }
        task = { ...task, run: runRecord, job_id: jobId };
        result.run = {
          runId: run.run_id,
          ...(runRecord.url ? { url: runRecord.url } : {}),
          ...(runRecord.result ? { result: runRecord.result } : {}),
          ...(runRecord.message ? { message: runRecord.message } : {}),
          ...(durationMs !== undefined ? { durationMs } : {}),
        };
        if (failed) {
          throw new Error(
            `run ${run.run_id} of job ${jobId} ended ${runRecord.result}${runRecord.message ? `: ${runRecord.message}` : ""}`,
          );
        }
        break;
      }
    }
    // Recorded in memory and written with the ledger's next batch (a create's pending mark covers it until then).
    if (jobId !== undefined && change.op !== "run" && change.op !== "delete")
      ledger.record(jobId, task.id, ctx.now());
    task = transition(
      task,
      "COMPLETE",
      by,
      ctx.now(),
      change.op === "no-op"
        ? "nothing to change"
        : `${change.op} done${jobId !== undefined ? ` (job ${jobId})` : ""}${deleted.length > 0 ? `; deleted duplicate job(s) ${deleted.join(", ")}` : ""}`,
    );
    task = { ...task, lease: undefined, errors: undefined, applied_spec_hash: task.spec_hash };
    if (jobId !== undefined && change.op !== "run") task.job_id = jobId;
    if (change.op === "run" && jobId !== undefined) task.job_id = jobId;
    if (appliedSettings && jobId !== undefined && (change.op === "create" || change.op === "update")) {
      // What was sent, for now: refreshAppliedHashes replaces it with what the workspace holds (its read-back adds
      // defaults the desired settings leave out) from one listing after the apply, not one read per job.
      task.applied_hash = hashJson(normalizeJobSettings(appliedSettings));
    }
    if (change.jobName) task.job_name = change.jobName;
    await store.write(task);
    entry.task = task;
    if (jobId !== undefined) {
      result.jobId = jobId;
      result.jobUrl = jobUrl(options.workspace.host, jobId);
    }
    options.log.info(
      `✓ ${change.op} ${change.jobName}${jobId !== undefined ? ` (job ${jobId})` : ""}${deleted.length > 0 ? `, deleted duplicate job(s) ${deleted.join(", ")}` : ""}`,
    );
    return result;
  } catch (error) {
    const message = describeError(error);
    task = transition(task, "FAILED", by, ctx.now(), message.slice(0, 300));
    task = { ...task, lease: undefined, errors: [message] };
    await store.write(task);
    entry.task = task;
    options.log.error(`✗ ${change.op} ${change.jobName}: ${message}`);
    return {
      ...result,
      status: "FAILED",
      error: message,
      ...(change.jobId !== undefined ? { jobId: change.jobId } : {}),
    };
  }
}

/**
 * The copies of a job a change deletes (`duplicates.delete`: the ones a requirement does not keep, or a removed
 * requirement's other copies), each read again first and deleted only while it still carries this task's ownership
 * tags and no one else's (another project's tag, a bundle's deployment): the plan was made from a listing, and the
 * job may have been changed since. One that no longer qualifies stops the task before its own write.
 */
async function deleteCopies(
  ctx: RunContext,
  ledger: OwnershipLedger,
  taskId: string,
  change: JobChange,
): Promise<number[]> {
  const { workspace, repo } = ctx.options;
  const deleted: number[] = [];
  for (const id of change.duplicates?.delete ?? []) {
    const job = await workspace.getJob(id);
    if (job) {
      const tags = job.settings.tags ?? {};
      const owner = foreignOwnerOf(job, repo);
      if (tags[TASK_TAG] !== taskId || tags[REPO_TAG] !== repo || owner !== undefined)
        throw new Error(
          `job ${id} no longer carries this requirement's ownership${owner ? ` (owned by ${owner})` : ""}; it was not deleted and nothing else was changed for this task: run plan again`,
        );
      try {
        await retryAmbiguous(() => workspace.deleteJob(id));
      } catch (error) {
        if (await workspace.getJob(id).catch(() => "unknown")) throw error;
        // already gone: the goal holds
      }
      deleted.push(id);
    }
    ledger.forget(id);
  }
  if (deleted.length > 0)
    ctx.options.log.info(
      `✓ deleted duplicate job(s) ${deleted.join(", ")} of ${taskId}${change.duplicates?.keep !== undefined ? ` (kept job ${change.duplicates.keep})` : ""}`,
    );
  return deleted;
}

/**
 * Create once: the task is marked pending in the ownership ledger first (execute marks all creates in one write),
 * so a job carrying its tags that was created after the mark is this project's own (a create whose answer was lost,
 * or an apply killed before it recorded the id) and is reconciled instead of created twice. Find-before-create is
 * the plan made under the apply lock, from one listing of the workspace: a create is planned only when no job of
 * the task exists. The workspace is listed by name again only when a create's answer was lost.
 */
async function createOnce(
  ctx: RunContext,
  ledger: OwnershipLedger,
  taskId: string,
  settings: JobSettings,
): Promise<number> {
  const { workspace, repo } = ctx.options;
  const findExisting = async (): Promise<number | undefined> => {
    for await (const job of workspace.listJobs({ name: settings.name ?? "Untitled" })) {
      const tags = job.settings.tags ?? {};
      if (tags[TASK_TAG] !== taskId || tags[REPO_TAG] !== repo) continue;
      if (ledger.has(job.job_id) || ledger.createdWhilePending(taskId, job.created_time)) return job.job_id;
    }
    return undefined;
  };
  if (!ledger.isPending(taskId)) await ledger.markPending([taskId], ctx.now());
  const created = await createWithRetries(ctx, settings, findExisting);
  ledger.record(created, taskId, ctx.now());
  return created;
}

/**
 * The end of the ledger's batch: pending marks of creates that were never sent are dropped, and what was recorded
 * is written. A failure is reported (the jobs stay the project's by their pending marks and task files).
 */
async function finishLedger(
  ledger: OwnershipLedger,
  results: TaskApplyResult[],
): Promise<string | undefined> {
  const notSent = results.filter(
    (r) => r.op === "create" && (r.status === "SKIPPED" || r.status === "BLOCKED"),
  );
  if (notSent.length > 0) ledger.clearPending(notSent.map((r) => r.taskId));
  try {
    await ledger.flush();
    return undefined;
  } catch (error) {
    return `the jobs were applied, but the ownership ledger could not be written: ${describeError(error)}; they are still recognised as this project's (pending marks, task files): run apply again to record them`;
  }
}

async function createWithRetries(
  ctx: RunContext,
  settings: JobSettings,
  findExisting: () => Promise<number | undefined>,
): Promise<number> {
  // A create whose answer was lost (connection dropped, HTTP 500/502/504 after the request was sent) is looked up
  // before it is sent again; a short, growing pause lets a passing disturbance pass.
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    try {
      return await ctx.options.workspace.createJob(settings);
    } catch (error) {
      if (!(error instanceof AmbiguousWriteError)) throw error;
      const found = await findExisting();
      if (found !== undefined) return found;
    }
  }
  throw new Error(
    `creating job "${settings.name ?? ""}" failed: its answer was lost ${CREATE_ATTEMPTS} times and no job was created (run apply again)`,
  );
}

/**
 * After the writes: one listing of the workspace (list pages, ~N/100 reads) gives what it now holds for every job
 * this apply created or updated; each task's applied_hash is set from it, so a later plan tells drift from server
 * defaults, and its observed_hash (plan/unchanged.ts), so a later plan can skip the job while nothing changes. Jobs
 * the plan found unchanged without a matching fingerprint get theirs from the same listing. The run's snapshot is
 * replaced by this listing.
 */
async function refreshAppliedHashes(
  ctx: RunContext,
  results: TaskApplyResult[],
  planned: Map<string, PlannedTask>,
): Promise<void> {
  const touched = results.filter(
    (r) =>
      r.status === "COMPLETE" &&
      r.jobId !== undefined &&
      (r.op === "create" || r.op === "update" || r.op === "no-op"),
  );
  // Jobs this apply's plan compared in full and found unchanged, with no fingerprint or a stale one (task files of
  // an earlier version, a job fixed back by hand): fingerprinted from the same listing, so later plans skip them.
  const touchedIds = new Set(touched.map((r) => r.taskId));
  const unfingerprinted = [...planned.values()].filter(
    (e) =>
      !touchedIds.has(e.task.id) &&
      e.change?.op === "no-op" &&
      e.validatedClean === true &&
      fingerprintableTask(e.task) &&
      e.desired !== undefined &&
      fingerprintable(e.desired),
  );
  if (touched.length === 0 && unfingerprinted.length === 0) return;
  ctx.invalidate();
  const snapshot = await ctx.snapshot().catch(() => undefined);
  if (!snapshot) return; // the hashes of what was sent stay; a later plan reads the workspace again
  const limit = pLimit(16);
  const refresh = (entry: PlannedTask, jobId: number, op: JobChange["op"]) =>
    limit(async () => {
      const job = snapshot.jobs.get(jobId);
      if (!job) return;
      const creator = job.creator_user_name ? { creatorUserName: job.creator_user_name } : {};
      const applied_hash =
        op === "no-op" ? entry.task.applied_hash : hashJson(normalizeJobSettings(job.settings, creator));
      const observed_hash = observedHash(entry, job, creator);
      if (entry.task.applied_hash === applied_hash && entry.task.observed_hash === observed_hash) return;
      entry.task = { ...entry.task, applied_hash, observed_hash };
      await ctx.store.write(entry.task);
    });
  await Promise.all([
    ...touched.map((r) => {
      const entry = planned.get(r.taskId);
      return entry ? refresh(entry, r.jobId as number, r.op) : undefined;
    }),
    ...unfingerprinted.map((e) => refresh(e, e.change?.jobId ?? (e.task.job_id as number), "no-op")),
  ]);
}

/**
 * The fingerprint of "nothing to do" (plan/unchanged.ts) for a job this apply left as its requirement asks: the
 * settings asked for compare equal with the job as listed after the apply, and validation gave no warning. Else
 * undefined (the next plan compares the job in full).
 */
function observedHash(
  entry: PlannedTask,
  job: WorkspaceJob,
  creator: { creatorUserName?: string },
): string | undefined {
  const desired = entry.desired;
  if (!desired || !fingerprintable(desired)) return undefined;
  if (!entry.validatedClean || (entry.reported?.length ?? 0) > 0) return undefined;
  if (diffJobSettings(desired, job.settings, creator).length > 0) return undefined;
  return unchangedFingerprint(desired, job);
}

async function retryAmbiguous(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      // update/reset/delete are idempotent: repeating one whose answer was lost is safe.
      if (!(error instanceof AmbiguousWriteError) || attempt >= 2) throw error;
    }
  }
}

function idempotencyToken(taskId: string, hash: string): string {
  return `jobagent-${hashJson({ taskId, hash })}`.slice(0, 64);
}

function describeError(error: unknown): string {
  if (error instanceof WorkspaceApiError)
    return `${error.errorCode} (HTTP ${error.statusCode}) from ${error.operation}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Why the apply took the lock over, as it was (an expiry, a holder that is gone, a file that was not a lock). */
function takeOverMessage(path: string, stale: LockInfo, because: TakeOverReason | undefined): string {
  if (because === "not-a-lock")
    return `Replaced the workspace lock file ${path}: it was not a lock (edited by hand or damaged).`;
  if (because === "holder-gone")
    return `Took over the workspace lock of run ${stale.holder} (${stale.where}): its process ${stale.pid} on this host (${stale.host}) is no longer running; the lock would have expired at ${stale.expires}.`;
  return `Took over the expired workspace lock of run ${stale.holder} (${stale.where}, expired ${stale.expires}).`;
}
