/**
 * "Nothing to do", remembered. Most jobs of a large repository are unchanged in most plans: same requirement, same
 * job in the workspace. Validating and comparing each of them again costs most of a re-plan, and gives the same
 * answer. So the apply records, for each job it left exactly as the requirement asks (compared equal, and validation
 * gave no warning: a no-op reports only validation's findings), a fingerprint of everything that answer depends on:
 * the settings it asked for (ownership tags included), the job as the workspace lists it right after the apply, its creator (a default of `run_as`), and the rules that compared
 * them (this version and the field-behaviour table). A later plan that computes the same fingerprint reports the
 * job as a no-op without validating or diffing it again (`--verbose` says so); anything different — a word of the
 * requirement, a default the workspace filled in differently, a job edited in the UI, another version of jobagent —
 * gives another fingerprint, and the job is planned in full.
 *
 * Never skipped: jobs with grants (`access_control_list`: the Permissions API is read per job), jobs whose run_job
 * tasks take another job's id, moved or duplicated jobs, and anything not COMPLETE.
 */
import { createHash } from "node:crypto";
import type { JobSettings, WorkspaceJob } from "../../domain/model.js";
import { FIELD_BEHAVIOURS } from "../../domain/field-behaviour.js";
import { hashJson } from "../../domain/plan.js";
import { VERSION } from "../../domain/version.js";
import type { TaskRecord } from "../../state/task-file.js";

let rulesHash: string | undefined;

/** This version of jobagent and its field-behaviour table (what decides that two settings compare equal). */
function rules(): string {
  return (rulesHash ??= hashJson({ version: VERSION, fields: FIELD_BEHAVIOURS }));
}

/**
 * The fingerprint of comparing `desired` (as planned, with ownership tags) with the workspace job `job`. Over the
 * JSON as read, keys in their order (no sorted copy: this runs for every job of every plan): the same requirement
 * text gives the same order, and a workspace that lists the job's keys in another order only costs a full check.
 */
export function unchangedFingerprint(desired: JobSettings, job: WorkspaceJob): string {
  return createHash("sha256")
    .update(JSON.stringify([rules(), desired, job.settings, job.creator_user_name ?? null]))
    .digest("hex")
    .slice(0, 16);
}

/** May a fingerprint be recorded for, or a plan skipped by one of, these settings? */
export function fingerprintable(desired: JobSettings): boolean {
  if (desired.access_control_list !== undefined) return false;
  return !(desired.tasks ?? []).some((t) => t !== null && typeof t === "object" && "run_job_task" in t);
}

/** The task's state would allow a skip by a fingerprint: COMPLETE since its spec, not moved, no duplicates. */
export function fingerprintableTask(task: TaskRecord): boolean {
  return (
    task.action === "create" &&
    task.status === "COMPLETE" &&
    task.applied_spec_hash === task.spec_hash &&
    task.job_id !== undefined &&
    task.moved_from === undefined &&
    task.spec.duplicates === undefined
  );
}

/** The task's state allows a skip: as above, with a fingerprint recorded. */
export function skippable(task: TaskRecord): boolean {
  return fingerprintableTask(task) && task.observed_hash !== undefined;
}
