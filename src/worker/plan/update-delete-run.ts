/**
 * Planning the actions that name an existing job: update (a patch, or full settings when adopting), delete and run.
 * Ownership comes from the workspace snapshot (tags + recorded evidence) and the requirement's explicit adopt —
 * never from a task file (the spec planned here was re-derived from the requirement).
 */
import type { ApiRequest, JobSettings, WorkspaceJob } from "../../domain/model.js";
import {
  applyUpdateRequest,
  computeUpdateRequest,
  diffJobSettings,
  normalizeJobSettings,
} from "../../domain/plan.js";
import { foreignOwnerOf, TASK_TAG, withOwnership } from "../../state/ownership.js";
import { describeTarget, type TaskRecord } from "../../state/task-file.js";
import { consistency, notManaged, runPreflight } from "./checks.js";
import { planCreate } from "./create.js";
import { block, diag, makeChange, noop, type PlannedTask, type TaskScope } from "./scope.js";

export async function planUpdate(s: TaskScope): Promise<PlannedTask> {
  const { task } = s;
  const target = task.spec.target ?? {};
  const { job, problem } = s.snapshot.resolve(target);
  // An adopted job deleted in the workspace: the requirement defines it in full, so it is re-created.
  if (!job && target.adopt && task.spec.settings && task.job_id !== undefined) return planCreate(s);
  if (!job) {
    s.errors.push(
      diag(
        s,
        "error",
        "target.not-found",
        "update.job",
        `cannot update: ${problem ?? "job not found"}`,
        "Name an existing job by job_id or its exact name.",
        describeTarget(target),
      ),
    );
    return s.entry;
  }
  const owned = s.snapshot.owns(job);
  if (!owned && !target.adopt) {
    s.errors.push(notManaged(s, job, "update"));
    return s.entry;
  }
  const name = job.settings.name ?? `job ${job.job_id}`;
  // A patch is applied once; full settings (an adopted job) are kept in sync like a created job.
  if (s.unchangedSinceApply && task.spec.patch) return noop(s, name, job.job_id);
  let desired = task.spec.patch
    ? applyUpdateRequest(job.settings, task.spec.patch)
    : { ...(task.spec.settings ?? job.settings) };
  if (!owned || !task.spec.patch) desired = withOwnership(desired, s.ctx.options.repo, task.id);
  const diffOptions = job.creator_user_name ? { creatorUserName: job.creator_user_name } : {};
  const fields = diffJobSettings(desired, job.settings, diffOptions);
  if (fields.length === 0) return noop(s, name, job.job_id);
  await runPreflight(s, task.spec.patch?.new_settings ?? task.spec.settings ?? {});
  consistency(s, desired);
  const update = computeUpdateRequest(desired, job.settings, diffOptions);
  s.entry.change = makeChange(
    s,
    "update",
    name,
    job.job_id,
    fields,
    update
      ? { endpoint: "jobs/update", body: { job_id: job.job_id, ...update } }
      : { endpoint: "jobs/reset", body: { job_id: job.job_id, new_settings: desired } },
    { desired: normalizeJobSettings(desired) },
  );
  if (!owned) warnAdoption(s, job, name);
  return s.entry;
}

function warnAdoption(s: TaskScope, job: WorkspaceJob, name: string): void {
  const owner = foreignOwnerOf(job, s.ctx.options.repo);
  s.warnings.push(
    diag(
      s,
      "warning",
      "ownership.adopt",
      "update.adopt",
      `job ${job.job_id} ("${name}") is adopted${owner ? ` from ${owner}` : ""}: after this apply this project manages it`,
      "Remove `adopt: true` if you did not mean to take the job over.",
    ),
  );
}

/** Deletes only a job this project owns; `adopt` is never read here (a delete cannot adopt, a task file cannot either). */
export function planDelete(s: TaskScope): PlannedTask {
  const target = s.task.spec.target ?? {};
  const { job, problem, ambiguous } = s.snapshot.resolve({
    ...(target.job_id !== undefined ? { job_id: target.job_id } : {}),
    ...(target.name !== undefined ? { name: target.name } : {}),
    ...(target.tag !== undefined ? { tag: target.tag } : {}),
    ...(target.code_path !== undefined ? { code_path: target.code_path } : {}),
  });
  const name = job?.settings.name ?? target.name ?? `job ${target.job_id ?? "?"}`;
  if (ambiguous) {
    s.errors.push(
      diag(
        s,
        "error",
        "target.ambiguous",
        "delete.job",
        `cannot delete: ${problem ?? "several jobs match"}`,
        "Name the job to delete by its job_id.",
        describeTarget(target),
      ),
    );
    return s.entry;
  }
  // A removed requirement takes every copy of its job with it: never one deleted and another left running.
  const copies = s.task.source === "removed" ? otherCopies(s, job) : [];
  const main = job ?? copies.find((j) => s.snapshot.isRecorded(j));
  if (!main) return noop(s, name, target.job_id);
  if (!s.snapshot.owns(main)) {
    s.errors.push(notManaged(s, main, "delete"));
    return s.entry;
  }
  const extras = copies.filter((j) => j !== main);
  const unrecorded = extras.filter(
    (j) => !s.snapshot.isRecorded(j) || foreignOwnerOf(j, s.ctx.options.repo) !== undefined,
  );
  if (unrecorded.length > 0)
    return block(
      s,
      `the requirement was removed, and besides job ${main.job_id} ("${name}") job(s) ${unrecorded.map((j) => j.job_id).join(", ")} carry its ownership tags but were not created by this project; nothing is deleted, so that no copy is left behind. Delete job(s) ${unrecorded.map((j) => j.job_id).join(", ")} in the workspace yourself (check their run history first) or remove their jobagent tags to keep them outside the project, then run the plan again`,
    );
  return planOwnedDelete(s, main, name, extras);
}

/** The delete of a job this project owns, with the other recorded copies of a removed requirement's job. */
function planOwnedDelete(s: TaskScope, job: WorkspaceJob, name: string, extras: WorkspaceJob[]): PlannedTask {
  const keeper = liveClaimOf(s, job);
  if (keeper) {
    s.errors.push(
      diag(
        s,
        "error",
        "ownership.claimed",
        "delete.job",
        `job ${job.job_id} ("${name}") belongs to task ${keeper.id} of ${keeper.requirement}, which still defines it; it is not deleted`,
        "Remove the job from that requirement to retire it, or delete this task file if it was not written by jobagent.",
        job.job_id,
      ),
    );
    return s.entry;
  }
  const extraIds = extras.map((j) => j.job_id);
  const also = extraIds.length > 0 ? ` and its duplicate(s) ${extraIds.join(", ")}` : "";
  if (!s.ctx.options.allowDelete)
    return block(
      s,
      `deleting job ${job.job_id} ("${name}")${also} needs allow-delete (input \`allow-delete: true\`, flag \`--allow-delete\`)`,
    );
  const request: ApiRequest = { endpoint: "jobs/delete", body: { job_id: job.job_id } };
  s.entry.change = makeChange(
    s,
    "delete",
    name,
    job.job_id,
    [{ path: "", kind: "remove", before: name, category: "other" }],
    request,
    extraIds.length > 0
      ? {
          duplicates: {
            delete: extraIds,
            why: "the removed requirement's other recorded copies go with it",
          },
        }
      : {},
  );
  return s.entry;
}

/**
 * The other jobs carrying a removed task's ownership tags (copies left by an earlier version or a race), except those
 * a live task still keeps (a renamed requirement's job).
 */
function otherCopies(s: TaskScope, job: WorkspaceJob | undefined): WorkspaceJob[] {
  return s.snapshot
    .taggedFor(s.task.id)
    .filter((j) => j.job_id !== job?.job_id && !liveClaimOf(s, j))
    .sort((a, b) => a.job_id - b.job_id);
}

/** Another live task (its requirement still defines it) whose job this is, for the delete of a removed task. */
function liveClaimOf(s: TaskScope, job: WorkspaceJob): TaskRecord | undefined {
  if (s.task.source !== "removed") return undefined;
  const tag = job.settings.tags?.[TASK_TAG];
  return s.all.find(
    (t) =>
      t.id !== s.task.id &&
      t.source !== "removed" &&
      (t.action === "create" || t.action === "update") &&
      (t.job_id === job.job_id || t.id === tag),
  );
}

/** The create task of this plan whose job a run targets (it depends on it, or names its job). */
function pendingCreateFor(s: TaskScope): TaskRecord | undefined {
  const target = s.task.spec.target ?? {};
  return s.all.find(
    (t) =>
      t.action === "create" &&
      t.id !== s.task.id &&
      (s.task.depends_on.includes(t.id) ||
        (target.name !== undefined && (t.spec.settings?.name ?? t.key) === target.name)),
  );
}

export function planRun(s: TaskScope): PlannedTask {
  const target = s.task.spec.target ?? {};
  const run = s.task.spec.run ?? {};
  if (s.unchangedSinceApply) {
    const name = target.name ?? describeTarget(target);
    s.entry.change = makeChange(s, "no-op", name, s.task.job_id, [], undefined, { run });
    return s.entry;
  }
  const resolved = s.snapshot.resolve(target);
  let job = resolved.job;
  const pendingCreate = job ? undefined : pendingCreateFor(s);
  if (!job && !pendingCreate) {
    s.errors.push(
      diag(
        s,
        "error",
        "target.not-found",
        "run.job",
        `cannot run: ${resolved.problem ?? "job not found"}`,
        "Name an existing job by job_id or exact name, or a job this requirement creates.",
        describeTarget(target),
      ),
    );
    return s.entry;
  }
  if (!job && pendingCreate?.job_id !== undefined) job = s.snapshot.jobs.get(pendingCreate.job_id);
  if (job && !s.snapshot.owns(job)) warnRunUnmanaged(s, job);
  if (job && run.only && !checkOnly(s, job, run.only)) return s.entry;
  const body: Record<string, unknown> = { job_id: job?.job_id ?? `<job of ${pendingCreate?.id}>` };
  if (run.job_parameters && Object.keys(run.job_parameters).length > 0)
    body.job_parameters = run.job_parameters;
  if (run.only?.length) body.only = run.only;
  const name = job?.settings.name ?? pendingCreate?.spec.settings?.name ?? target.name ?? "job";
  s.entry.change = makeChange(s, "run", name, job?.job_id, [], { endpoint: "jobs/run-now", body }, { run });
  if (!job && pendingCreate) s.entry.runAfterCreateOf = pendingCreate.id;
  return s.entry;
}

function warnRunUnmanaged(s: TaskScope, job: WorkspaceJob): void {
  s.warnings.push(
    diag(
      s,
      "warning",
      "ownership.run-unmanaged",
      "run.job",
      `job ${job.job_id} ("${job.settings.name ?? ""}") is not managed by this project; it will only be run, not changed`,
      "Nothing to do if this is intended.",
    ),
  );
}

/** Every `only` task key exists in the job; false (errors recorded) otherwise. */
function checkOnly(s: TaskScope, job: WorkspaceJob, only: string[]): boolean {
  const keys = new Set(((job.settings as JobSettings).tasks ?? []).map((t) => t.task_key));
  for (const key of only) {
    if (!keys.has(key))
      s.errors.push(
        diag(
          s,
          "error",
          "run.only",
          "run.only",
          `job ${job.job_id} has no task "${key}"`,
          `Use one of: ${[...keys].join(", ")}.`,
          key,
        ),
      );
  }
  return s.errors.length === 0;
}
