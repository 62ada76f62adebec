/**
 * Planning one task: gather what the task asks (its work item, re-derived from the requirement), validate it, then
 * hand it to the planner of its action (create / update / delete / run).
 */
import type { JobSettings, JsonObject, WorkItem } from "../../domain/model.js";
import { validateWorkItem, type createPreflight, type ValidationContext } from "../validate/index.js";
import { validationContextFor } from "../../techlead/requirements/index.js";
import type { RequirementDoc } from "../../techlead/types.js";
import type { RunContext } from "../../engine/context.js";
import { REPO_TAG, TASK_TAG, type WorkspaceSnapshot } from "../../state/ownership.js";
import type { TaskRecord } from "../../state/task-file.js";
import { planCreate, unchangedNoop } from "./create.js";
import { planDelete, planRun, planUpdate } from "./update-delete-run.js";
import { diag, type PlannedTask, type RunJobRefs, type TaskScope } from "./scope.js";

export type { PlannedTask } from "./scope.js";

/** Placeholder job_id of a run_job task whose job is created in the same apply (never sent: filled in first). */
export const PENDING_JOB_ID = 0;

export interface TaskFacts {
  ctx: RunContext;
  all: TaskRecord[];
  snapshot: WorkspaceSnapshot;
  preflight: ReturnType<typeof createPreflight>;
  doc: RequirementDoc | undefined;
  drift: boolean;
}

export async function planTask(facts: TaskFacts, task: TaskRecord): Promise<PlannedTask> {
  const entry: PlannedTask = { task, errors: [] };
  if (task.status === "BLOCKED" && task.questions?.length) {
    entry.blocked = {
      taskId: task.id,
      requirement: task.requirement,
      reason: "the requirement needs answers",
      questions: task.questions,
    };
    return entry;
  }
  const s = scopeOf(facts, task, entry);
  if (task.action === "create") {
    const unchanged = unchangedNoop(s);
    if (unchanged) return unchanged;
  }
  validate(s);
  checkReservedTags(s);
  entry.validatedClean = s.errors.length === 0 && s.warnings.length === 0;
  if (s.errors.length > 0) return entry;
  switch (task.action) {
    case "create":
      return planCreate(s);
    case "update":
      return planUpdate(s);
    case "delete":
      return planDelete(s);
    case "run":
      return planRun(s);
  }
}

function scopeOf(facts: TaskFacts, task: TaskRecord, entry: PlannedTask): TaskScope {
  const runJobRefs =
    task.action === "create" && task.spec.settings
      ? resolveRunJobRefs(task, facts.all, facts.snapshot)
      : undefined;
  const item: WorkItem = {
    key: task.key,
    action: task.action,
    depends_on: task.depends_on,
    priority: task.priority,
  };
  if (task.spec.settings) item.settings = runJobRefs?.settings ?? task.spec.settings;
  if (task.spec.patch) item.patch = task.spec.patch;
  if (task.spec.target) item.target = task.spec.target;
  if (task.spec.run) item.run = task.spec.run;
  if (task.line !== undefined) item.line = task.line;
  return {
    ...facts,
    task,
    vctx: validationContextOf(task, facts.doc),
    item,
    entry,
    errors: entry.errors,
    warnings: [],
    runJobRefs,
    unchangedSinceApply: task.status === "COMPLETE" && task.applied_spec_hash === task.spec_hash,
  };
}

function validationContextOf(task: TaskRecord, doc: RequirementDoc | undefined): ValidationContext {
  const fallback: ValidationContext = { file: task.requirement, lineOf: () => task.line };
  if (!doc || task.source !== "structured") return fallback;
  try {
    const precise = validationContextFor(doc, task.key);
    return { ...precise, lineOf: (path) => precise.lineOf?.(path) ?? task.line };
  } catch {
    return fallback; // fall back to the item's line
  }
}

function validate(s: TaskScope): void {
  if (s.runJobRefs?.problem)
    s.errors.push(
      diag(
        s,
        "error",
        "run_job.unresolved",
        "job.tasks",
        s.runJobRefs.problem,
        "Give run_job_task.job_id, or make this item depend on exactly one item that creates the job to run.",
      ),
    );
  if (s.task.source === "removed") return;
  try {
    const deferredPaths = (s.runJobRefs?.deferred ?? []).map(
      (r) => `tasks[${r.taskKey}].run_job_task.job_id`,
    );
    for (const d of validateWorkItem(s.item, s.vctx)) {
      if (deferredPaths.some((p) => d.path.endsWith(p))) continue; // filled in at apply time
      (d.severity === "error" ? s.errors : s.warnings).push(d);
    }
  } catch (error) {
    s.errors.push(
      diag(
        s,
        "error",
        "internal.validate",
        "",
        `validation could not run: ${String(error)}`,
        "Report this as a bug.",
      ),
    );
  }
}

function checkReservedTags(s: TaskScope): void {
  if (s.task.source === "removed") return;
  for (const [where, settings] of [
    ["job.tags", s.task.spec.settings],
    ["update.set.tags", s.task.spec.patch?.new_settings],
  ] as const) {
    const reserved = Object.keys(settings?.tags ?? {}).filter((k) => k === REPO_TAG || k === TASK_TAG);
    if (reserved.length === 0) continue;
    s.errors.push(
      diag(
        s,
        "error",
        "ownership.reserved-tag",
        where,
        `the tag(s) ${reserved.join(", ")} are reserved: jobagent records which project and task own a job with them`,
        "Remove them from the requirement; the agent sets them itself.",
        reserved.join(", "),
      ),
    );
  }
}

/** run_job tasks of a create that name no job_id (malformed entries are left to validation). */
function openRunJobTasks(settings: JobSettings): NonNullable<JobSettings["tasks"]> {
  return (settings.tasks ?? []).filter((t) => {
    if (t === null || typeof t !== "object") return false;
    const rj = t.run_job_task as { job_id?: unknown } | undefined;
    return (
      rj !== undefined &&
      rj !== null &&
      typeof rj === "object" &&
      (rj.job_id === undefined || rj.job_id === null)
    );
  });
}

/**
 * Finds the run_job tasks of a create that name no job_id and fills them from the one create task this task
 * depends on: with its job's id when the job exists, else with PENDING_JOB_ID (deferred to apply).
 */
function resolveRunJobRefs(
  task: TaskRecord,
  all: TaskRecord[],
  snapshot: WorkspaceSnapshot,
): RunJobRefs | undefined {
  const settings = task.spec.settings as JobSettings;
  if (!Array.isArray(settings.tasks)) return undefined; // malformed: validation reports it
  const open = openRunJobTasks(settings);
  if (open.length === 0) return undefined;
  const creators = all.filter((t) => t.action === "create" && task.depends_on.includes(t.id));
  if (creators.length !== 1) {
    return {
      settings,
      deferred: [],
      problem: `task(s) ${open.map((t) => t.task_key).join(", ")} run a job without a job_id, and this item depends on ${creators.length} items that create jobs (${creators.map((c) => c.id).join(", ") || "none"}), so which job to run is unclear`,
    };
  }
  const creator = creators[0] as TaskRecord;
  // With duplicates of the creator's job, the copy its requirement keeps (the others are deleted by its apply).
  const kept = snapshot
    .taggedFor(creator.id)
    .find((job) => creator.spec.duplicates?.keep.includes(job.job_id));
  const existing =
    kept ??
    snapshot.managedBy(creator.id)[0] ??
    (creator.job_id !== undefined ? snapshot.jobs.get(creator.job_id) : undefined);
  const jobId = existing?.job_id ?? PENDING_JOB_ID;
  const keys = new Set(open.map((t) => t.task_key));
  const filled: JobSettings = {
    ...settings,
    tasks: (settings.tasks ?? []).map((t) =>
      keys.has(t.task_key) ? { ...t, run_job_task: { ...(t.run_job_task as JsonObject), job_id: jobId } } : t,
    ),
  };
  return {
    settings: filled,
    deferred: existing ? [] : open.map((t) => ({ taskKey: t.task_key, fromTask: creator.id })),
  };
}
