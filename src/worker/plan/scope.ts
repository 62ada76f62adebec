/**
 * One task being planned: what the planner knows about it (facts gathered first) and the small helpers every action
 * planner uses to report a problem or build a change.
 */
import type { BlockedTask } from "../../engine/api.js";
import type { ApiRequest, Diagnostic, JobChange, JobSettings, WorkItem } from "../../domain/model.js";
import { hashedFields, hashJson } from "../../domain/plan.js";
import type { createPreflight, ValidationContext } from "../validate/index.js";
import type { RequirementDoc } from "../../techlead/types.js";
import type { RunContext } from "../../engine/context.js";
import type { WorkspaceSnapshot } from "../../state/ownership.js";
import type { TaskRecord } from "../../state/task-file.js";

export interface PlannedTask {
  task: TaskRecord;
  change?: JobChange;
  errors: Diagnostic[];
  blocked?: BlockedTask;
  /** For a run of a job another task of this plan creates: that task's id. */
  runAfterCreateOf?: string;
  /** run_job tasks of a create whose job_id comes from another task's job at apply time. */
  runJobRefs?: Array<{ taskKey: string; fromTask: string }>;
  /** Diagnostics shown in the plan even when the task has no change (a blocked task's report). */
  reported?: Diagnostic[];
  /** The settings a create task asks for (ownership tags included): apply fingerprints them (plan/unchanged.ts). */
  desired?: JobSettings;
  /**
   * Validation gave neither an error nor a warning (what a no-op plan of the task would report; the checks of a
   * change — consistency with the prose, workspace preflight, review hints — are not run for a no-op).
   */
  validatedClean?: boolean;
}

export interface RunJobRefs {
  settings: JobSettings;
  deferred: Array<{ taskKey: string; fromTask: string }>;
  problem?: string;
}

export interface TaskScope {
  ctx: RunContext;
  task: TaskRecord;
  all: TaskRecord[];
  snapshot: WorkspaceSnapshot;
  preflight: ReturnType<typeof createPreflight>;
  doc: RequirementDoc | undefined;
  drift: boolean;
  vctx: ValidationContext;
  item: WorkItem;
  entry: PlannedTask;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  runJobRefs: RunJobRefs | undefined;
  /** The task is COMPLETE and its spec has not changed since that apply. */
  unchangedSinceApply: boolean;
}

/** A diagnostic about the scope's task (file and line of its requirement). */
export function diag(
  s: TaskScope,
  severity: Diagnostic["severity"],
  code: string,
  path: string,
  message: string,
  fix: string,
  value?: unknown,
): Diagnostic {
  const d: Diagnostic = { severity, code, file: s.task.requirement, path, message, fix };
  if (s.task.line !== undefined) d.line = s.task.line;
  if (value !== undefined) d.value = value;
  return d;
}

/** Records an error or a warning (by its severity) on the scope. */
export function report(s: TaskScope, d: Diagnostic): void {
  (d.severity === "error" ? s.errors : s.warnings).push(d);
}

/** The task is blocked: nothing is applied until a person acts (the reason says what to do). */
export function block(s: TaskScope, reason: string): PlannedTask {
  s.entry.blocked = { taskId: s.task.id, requirement: s.task.requirement, reason, questions: [] };
  return s.entry;
}

export function makeChange(
  s: TaskScope,
  op: JobChange["op"],
  jobName: string,
  jobId: number | undefined,
  fields: JobChange["fields"],
  request: ApiRequest | undefined,
  extra: Partial<JobChange> = {},
): JobChange {
  const change: JobChange = {
    taskId: s.task.id,
    requirement: s.task.requirement,
    op,
    jobName,
    fields,
    drift: [],
    hash: "",
    warnings: s.warnings,
    destructive: op === "delete",
    ...extra,
  };
  if (jobId !== undefined) change.jobId = jobId;
  if (request) change.request = request;
  if (s.doc && op !== "no-op") change.requirementText = s.doc.body.trim().slice(0, 4000);
  if (s.task.spec.explanation?.length && op !== "no-op") change.provenance = s.task.spec.explanation;
  change.hash = hashJson({
    taskId: s.task.id,
    op,
    jobId: jobId ?? null,
    request: request ?? null,
    // The before values too: a job changed in the workspace after the plan (another checkout's apply, an edit in
    // the UI) changes the hash, so an approved plan is not applied over a change nobody reviewed.
    fields: hashedFields(fields),
    permissions: change.permissions ?? null,
    // Only when there are copies to delete (the hashes of every other change stay what they were).
    ...(change.duplicates
      ? { duplicates: { keep: change.duplicates.keep ?? null, delete: change.duplicates.delete } }
      : {}),
  });
  return change;
}

/** A no-op change (nothing to do for this task). */
export function noop(s: TaskScope, name: string, jobId: number | undefined): PlannedTask {
  s.entry.change = makeChange(s, "no-op", name, jobId, [], undefined);
  return s.entry;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
