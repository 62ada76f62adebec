/**
 * Planning a job the requirement defines (action create): create it, keep it in sync, or stop for a person when the
 * workspace holds something the project cannot decide alone (duplicates, a same-name job it does not own, a job
 * carrying its tags that it never recorded).
 */
import type { Diagnostic, JobChange, JobSettings, JsonObject, WorkspaceJob } from "../../domain/model.js";
import {
  computeUpdateRequest,
  diffCreate,
  diffJobSettings,
  hashJson,
  normalizeJobSettings,
} from "../../domain/plan.js";
import { foreignOwnerOf, TASK_TAG, withOwnership } from "../../state/ownership.js";
import { DUPLICATES_KEY, duplicatesLine } from "../../techlead/requirements/duplicates.js";
import { docLineOf } from "../../techlead/requirements/frontmatter.js";
import { comparePermissions, consistency, runPreflight } from "./checks.js";
import { block, diag, makeChange, noop, type PlannedTask, type TaskScope } from "./scope.js";
import { fingerprintable, skippable, unchangedFingerprint } from "./unchanged.js";

/**
 * The no-op of a job unchanged since the last apply, by its recorded fingerprint (unchanged.ts), without
 * validating or comparing it again; undefined when anything differs (the job is then planned in full).
 */
export function unchangedNoop(s: TaskScope): PlannedTask | undefined {
  const { task } = s;
  const settings = s.item.settings;
  if (!settings || !skippable(task)) return undefined;
  // The one job planCreate would compare: exactly one owned copy, the recorded one, and no unrecorded copy.
  const jobs = ownedCandidates(s, undefined);
  const job = jobs[0];
  if (jobs.length !== 1 || job?.job_id !== task.job_id) return undefined;
  if (s.snapshot.unrecordedFor(task.id).length > 0) return undefined;
  const desired = withOwnership(settings, s.ctx.options.repo, task.id);
  if (!fingerprintable(desired) || unchangedFingerprint(desired, job) !== task.observed_hash)
    return undefined;
  s.entry.desired = desired;
  s.ctx.options.log.debug(
    `${task.id}: unchanged since the last apply (requirement, settings and job ${job.job_id} as recorded): not validated or compared again`,
  );
  return noop(s, settings.name ?? task.key, job.job_id);
}

export async function planCreate(s: TaskScope): Promise<PlannedTask> {
  const settings = s.item.settings ?? {};
  const desired = withOwnership(settings, s.ctx.options.repo, s.task.id);
  s.entry.desired = desired;
  const name = settings.name ?? s.task.key;
  const moved = movedJob(s);
  const candidates = ownedCandidates(s, moved);
  // Every job carrying this requirement's ownership counts as a copy, recorded or not: with more than one, an edit
  // or a removal would leave a copy behind, so nothing is done until the requirement says which one to keep.
  const copies = [
    ...candidates,
    ...s.snapshot.unrecordedFor(s.task.id).filter((j) => !candidates.includes(j)),
  ].sort((a, b) => a.job_id - b.job_id);
  let actual = candidates[0];
  let duplicates: JobChange["duplicates"];
  if (copies.length > 1) {
    const resolved = resolveDuplicates(s, name, copies);
    if (!resolved) return s.entry;
    actual = resolved.keep;
    duplicates = resolved.change;
  }
  if (!actual) {
    const stop = unconfirmedMove(s) ?? movedInAnotherCheckout(s) ?? workspaceConflict(s, name);
    if (stop) return block(s, stop);
    return planNewJob(s, settings, desired, name);
  }
  const planned = await planExistingJob(s, desired, name, actual, duplicates);
  if (moved && planned.change)
    planned.change.moved =
      s.task.moved_from?.requirement === s.task.requirement
        ? `task ${s.task.moved_from.task} → ${s.task.id} in ${s.task.requirement} (job ${moved.job_id} kept, renamed)`
        : `${s.task.moved_from?.requirement ?? "?"} → ${s.task.requirement} (job ${moved.job_id} kept)`;
  return planned;
}

/**
 * The job a renamed or moved requirement keeps (techlead/moves.ts): the task's recorded job, still tagged for the
 * task it moved from, which the ledger recorded for that task and which no live task defines. A task file alone
 * cannot move a job: the workspace and the ledger must agree.
 */
function movedJob(s: TaskScope): WorkspaceJob | undefined {
  const from = s.task.moved_from;
  if (!from || s.task.job_id === undefined) return undefined;
  const job = s.snapshot.jobs.get(s.task.job_id);
  if (!job || job.settings.tags?.[TASK_TAG] !== from.task || !s.snapshot.owns(job)) return undefined;
  if (s.snapshot.ledger.taskOf(job.job_id) !== from.task) return undefined;
  if (s.all.some((t) => t.id === from.task)) return undefined;
  return job;
}

/** A move the workspace does not confirm, while the job it names exists: never a second job beside it. */
function unconfirmedMove(s: TaskScope): string | undefined {
  const from = s.task.moved_from;
  const job = s.task.job_id !== undefined ? s.snapshot.jobs.get(s.task.job_id) : undefined;
  if (!from || !job || job.settings.tags?.[TASK_TAG] === s.task.id) return undefined;
  return `the task file says ${s.task.requirement} was moved from ${from.requirement} and keeps job ${job.job_id}, but the workspace does not confirm it (the job's ${TASK_TAG} tag is "${job.settings.tags?.[TASK_TAG] ?? ""}", and the ownership ledger must record it for task ${from.task}); nothing is changed. Delete the task file ${s.task.id}.md under the task directory and run the plan again, or adopt job ${job.job_id} explicitly`;
}

/**
 * The job this task file records now belongs to another task of this project (its requirement was renamed or
 * moved, and applied, in another checkout; this one has not pulled): a second job beside it is never created.
 */
function movedInAnotherCheckout(s: TaskScope): string | undefined {
  const job = s.task.job_id !== undefined ? s.snapshot.jobs.get(s.task.job_id) : undefined;
  const other = job?.settings.tags?.[TASK_TAG];
  if (!job || s.task.moved_from || !other || other === s.task.id || !s.snapshot.owns(job)) return undefined;
  return `job ${job.job_id} ("${job.settings.name ?? ""}"), which the task file records for ${s.task.requirement}, is now managed by task \`${other}\` of this project: its requirement was renamed or moved, and applied, in another checkout. Nothing is created beside it. Pull the latest changes (\`git pull\`) and run the plan again`;
}

/** The jobs this project owns for the task: by tags + evidence, and the job id its task file records. */
function ownedCandidates(s: TaskScope, moved: WorkspaceJob | undefined): WorkspaceJob[] {
  const candidates = s.snapshot.managedBy(s.task.id);
  if (moved && !candidates.includes(moved)) candidates.push(moved);
  if (s.task.job_id !== undefined) {
    // The recorded id counts only for a job this project owns that was made for this very task (a task file cannot
    // point the task at another task's job).
    const known = s.snapshot.jobs.get(s.task.job_id);
    const forThisTask = known?.settings.tags?.[TASK_TAG] === s.task.id;
    if (known && forThisTask && s.snapshot.owns(known) && !candidates.includes(known)) candidates.push(known);
  }
  return candidates.sort((a, b) => a.job_id - b.job_id);
}

/**
 * Several jobs carry this requirement's ownership. Without `duplicates: keep <id>` in the requirement the task is
 * blocked and every plan reports the copies, the one proposed to keep and the exact line to add; with it, the other
 * copies become explicit deletes of the change (part of its hash). Undefined when blocked or in error.
 */
function resolveDuplicates(
  s: TaskScope,
  name: string,
  copies: WorkspaceJob[],
): { keep: WorkspaceJob; change: NonNullable<JobChange["duplicates"]> } | undefined {
  const ids = copies.map((j) => j.job_id);
  const proposal = proposeKeep(s, copies);
  const listed = copies.map((j) => describeCopy(s, j)).join(", ");
  const line = duplicatesLine([proposal.job.job_id]);
  const others = ids.filter((id) => id !== proposal.job.job_id);
  const choice = s.task.spec.duplicates;
  if (!choice) {
    const several =
      s.all.filter((t) => t.requirement === s.task.requirement && t.action === "create").length > 1;
    const where = `the front matter of ${s.task.requirement}${several ? " (a file with several jobs: one kept id per job, comma-separated)" : ""}`;
    s.entry.reported = [
      diag(
        s,
        "warning",
        "ownership.duplicates",
        DUPLICATES_KEY,
        `${ids.length} jobs carry this requirement's ownership for "${name}": ${listed}; nothing is changed until one is kept`,
        `Add \`${line}\` to ${where} to keep job ${proposal.job.job_id} (${proposal.why}): apply then deletes job(s) ${others.join(", ")} and updates job ${proposal.job.job_id}. Or remove the jobagent tags from the copies to keep outside the project.`,
        ids,
      ),
    ];
    block(
      s,
      `duplicates: ${ids.length} jobs carry this requirement's ownership for "${name}": ${listed}; nothing is changed until one is kept (an edit or a removal would leave a copy behind). Proposed: keep job ${proposal.job.job_id} (${proposal.why}). Add \`${line}\` to ${where}: the plan then lists job(s) ${others.join(", ")} as deletes, and apply deletes them and updates job ${proposal.job.job_id}. Or remove the jobagent tags from the copies you want to keep outside the project (check their run history first)`,
    );
    return undefined;
  }
  const kept = choice.keep.filter((id) => ids.includes(id));
  if (kept.length !== 1) {
    s.errors.push(
      duplicatesError(
        s,
        kept.length === 0
          ? `${duplicatesLine(choice.keep)} names no copy of "${name}": the jobs carrying this requirement's ownership are ${listed}`
          : `${duplicatesLine(choice.keep)} keeps ${kept.length} copies of "${name}" (${kept.join(", ")}); one is kept, the others are deleted`,
        `Write \`${line}\` (${proposal.why}), or keep another of ${ids.join(", ")}${choice.keep.length > 1 ? " (one id per job of this file)" : ""}.`,
      ),
    );
    return undefined;
  }
  const keep = copies.find((j) => j.job_id === kept[0]) as WorkspaceJob;
  const extras = copies.filter((j) => j !== keep);
  const foreign = extras.filter((j) => foreignOwnerOf(j, s.ctx.options.repo) !== undefined);
  if (foreign.length > 0) {
    s.errors.push(
      duplicatesError(
        s,
        `job(s) ${foreign.map((j) => `${j.job_id} (owned by ${foreignOwnerOf(j, s.ctx.options.repo) ?? "?"})`).join(", ")} carry this requirement's tags but belong to someone else; jobagent never deletes them`,
        `Remove the jobagent tags from job(s) ${foreign.map((j) => j.job_id).join(", ")} in the workspace, or keep one of them.`,
      ),
    );
    return undefined;
  }
  const why =
    keep.job_id === proposal.job.job_id
      ? proposal.why
      : `the requirement keeps it; the proposal was job ${proposal.job.job_id} (${proposal.why})`;
  return { keep, change: { keep: keep.job_id, delete: extras.map((j) => j.job_id), why } };
}

/** The copy proposed to keep: the one the ownership ledger records for this task, else the oldest (and why). */
function proposeKeep(s: TaskScope, copies: WorkspaceJob[]): { job: WorkspaceJob; why: string } {
  const oldest = (list: WorkspaceJob[]) =>
    [...list].sort(
      (a, b) =>
        (a.created_time ?? Number.MAX_SAFE_INTEGER) - (b.created_time ?? Number.MAX_SAFE_INTEGER) ||
        a.job_id - b.job_id,
    )[0] as WorkspaceJob;
  const inLedger = copies.filter((j) => s.snapshot.ledger.taskOf(j.job_id) === s.task.id);
  if (inLedger.length === 1)
    return {
      job: inLedger[0] as WorkspaceJob,
      why: "the job the ownership ledger records for this requirement",
    };
  if (inLedger.length > 1)
    return {
      job: oldest(inLedger),
      why: "the oldest of the jobs the ownership ledger records for this requirement",
    };
  const recorded = copies.filter((j) => s.snapshot.isRecorded(j));
  if (recorded.length > 0)
    return { job: oldest(recorded), why: "the oldest of the jobs this project recorded" };
  return { job: oldest(copies), why: "the oldest, created first; the others are later copies" };
}

function describeCopy(s: TaskScope, job: WorkspaceJob): string {
  const created =
    job.created_time !== undefined
      ? `, created ${new Date(job.created_time).toISOString().slice(0, 16)}Z`
      : "";
  const evidence =
    s.snapshot.ledger.taskOf(job.job_id) === s.task.id
      ? "recorded in the ownership ledger"
      : s.snapshot.isRecorded(job)
        ? "recorded by this project"
        : "carries the tags but was not created by this project";
  return `job ${job.job_id} (${evidence}${created})`;
}

/** An error about the requirement's `duplicates:` line (its file, line and field). */
function duplicatesError(s: TaskScope, message: string, fix: string): Diagnostic {
  const d = diag(
    s,
    "error",
    "requirement.duplicates",
    DUPLICATES_KEY,
    message,
    fix,
    s.task.spec.duplicates?.keep,
  );
  const line = s.doc ? docLineOf(s.doc)(DUPLICATES_KEY) : undefined;
  if (line !== undefined) d.line = line;
  return d;
}

/** Why a new job cannot simply be created, or undefined when it can. */
function workspaceConflict(s: TaskScope, name: string): string | undefined {
  const unrecorded = s.snapshot.unrecordedFor(s.task.id);
  if (unrecorded.length > 0) {
    const ids = unrecorded.map((j) => j.job_id).join(", ");
    return `job(s) ${ids} carry this project's ownership tags for this task but were not created by it (made by hand or copied with Clone job); they are left alone and no second job is created. Adopt one explicitly (\`adopt: true\` at the top of the requirement, next to \`job:\`), or remove those jobs' jobagent tags, then run the plan again`;
  }
  const wanted = name.toLowerCase();
  const sameName = [...s.snapshot.jobs.values()].filter(
    (job) => (job.settings.name ?? "").toLowerCase() === wanted && !s.snapshot.owns(job),
  );
  const taken = sameName[0];
  if (!taken) return undefined;
  const owner = foreignOwnerOf(taken, s.ctx.options.repo);
  return `a job named "${name}" already exists (job ${taken.job_id}${owner ? `, owned by ${owner}` : ", not created by this project"}); a second job of that name is not created. Either take job ${taken.job_id} over explicitly (\`adopt: true\` at the top of the requirement, next to \`job:\`), or give this job another name`;
}

async function planNewJob(
  s: TaskScope,
  settings: JobSettings,
  desired: JobSettings,
  name: string,
): Promise<PlannedTask> {
  if (s.task.job_id !== undefined && ["COMPLETE", "PLANNED", "FAILED"].includes(s.task.status)) {
    s.warnings.push(
      diag(
        s,
        "warning",
        "drift.deleted",
        "",
        `job ${s.task.job_id} ("${name}") was deleted in the workspace: it will be re-created`,
        "Apply creates it again; remove the requirement instead to retire it.",
      ),
    );
  }
  await runPreflight(s, checkableNow(s, settings));
  consistency(s, desired);
  const normalized = normalizeJobSettings(desired);
  s.entry.change = makeChange(
    s,
    "create",
    name,
    undefined,
    diffCreate(normalized),
    { endpoint: "jobs/create", body: desired },
    { desired: normalized },
  );
  if (s.runJobRefs?.deferred.length) s.entry.runJobRefs = s.runJobRefs.deferred;
  return s.entry;
}

/** Tasks that run a job not created yet are checked once its id is known. */
function checkableNow(s: TaskScope, settings: JobSettings): JobSettings {
  const deferred = new Set((s.runJobRefs?.deferred ?? []).map((r) => r.taskKey));
  if (deferred.size === 0) return settings;
  return { ...settings, tasks: (settings.tasks ?? []).filter((t) => !deferred.has(t.task_key)) };
}

async function planExistingJob(
  s: TaskScope,
  desired: JobSettings,
  name: string,
  actual: WorkspaceJob,
  duplicates?: JobChange["duplicates"],
): Promise<PlannedTask> {
  // Grants are not job settings: jobs/get never returns them. They go in the create body, and for an existing job
  // they are compared with the Permissions API and set with a PUT.
  const { access_control_list: wantedAcl, ...desiredSettings } = desired;
  const diffOptions = actual.creator_user_name ? { creatorUserName: actual.creator_user_name } : {};
  const fields = diffJobSettings(desiredSettings, actual.settings, diffOptions);
  const grants = Array.isArray(wantedAcl)
    ? await comparePermissions(s, actual.job_id, wantedAcl as JsonObject[])
    : undefined;
  if (grants?.field) fields.push(grants.field);
  if (fields.length === 0 && !duplicates) return noop(s, name, actual.job_id);
  const settingsChanged = fields.some((f) => f.category !== "permissions");
  const update = settingsChanged
    ? computeUpdateRequest(desiredSettings, actual.settings, diffOptions)
    : undefined;
  await runPreflight(s, checkableNow(s, s.item.settings ?? {}));
  consistency(s, desired);
  const driftFields = reportDrift(s, name, actual, fields, diffOptions);
  s.entry.change = makeChange(
    s,
    "update",
    name,
    actual.job_id,
    fields,
    update
      ? { endpoint: "jobs/update", body: { job_id: actual.job_id, ...update } }
      : settingsChanged
        ? { endpoint: "jobs/reset", body: { job_id: actual.job_id, new_settings: desiredSettings } }
        : undefined,
    {
      drift: driftFields,
      desired: normalizeJobSettings(desiredSettings),
      ...(grants?.field ? { permissions: grants.put, workspaceGrants: grants.workspace } : {}),
      // The copies the requirement does not keep are deleted first; then the kept job is updated as usual.
      ...(duplicates ? { duplicates, destructive: true } : {}),
    },
  );
  return s.entry;
}

/**
 * Drift: the job differs from what the last apply left. When the requirement did not change since, every difference
 * is drift; otherwise a drift check still says the job was touched. Returns the drifted fields.
 */
function reportDrift(
  s: TaskScope,
  name: string,
  actual: WorkspaceJob,
  fields: ReturnType<typeof diffJobSettings>,
  diffOptions: { creatorUserName?: string },
): ReturnType<typeof diffJobSettings> {
  const { task } = s;
  const changedOutside =
    task.applied_hash !== undefined &&
    task.applied_hash !== hashJson(normalizeJobSettings(actual.settings, diffOptions));
  const driftFields =
    s.unchangedSinceApply || (changedOutside && task.applied_spec_hash === task.spec_hash) ? fields : [];
  const where = `job ${actual.job_id} ("${name}") was changed outside the repo since the last apply`;
  if (driftFields.length > 0) {
    s.warnings.push(
      diag(
        s,
        "warning",
        "drift.changed",
        "",
        `${where} (${driftFields.length} field(s))`,
        "Apply restores what the requirement says; change the requirement instead to keep the new values.",
      ),
    );
  } else if (s.drift && changedOutside) {
    s.warnings.push(
      diag(s, "warning", "drift.changed", "", where, "Apply restores what the requirement says."),
    );
  }
  return driftFields;
}
