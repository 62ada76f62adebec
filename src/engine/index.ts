/**
 * The engine entry points shared by the CLI and the GitHub Action.
 */
import type { ApplyOptions, ApplyResult, EngineOptions, PlanResult, TechLeadResult } from "./api.js";
import { applyPlan } from "../worker/apply.js";
import { createRunContext } from "./context.js";
import { computePlan, recordPlan } from "../worker/planner.js";
import { FileTaskStore } from "../state/task-store.js";
import { TASK_STATES, type TaskState } from "../state/task-file.js";
import { techLead, writeTasks } from "../techlead/techlead.js";

export type TaskStatus = TaskState;

export interface TaskSummary {
  id: string;
  file: string;
  requirement: string;
  action: string;
  status: TaskStatus;
  jobId?: number;
  jobName?: string;
  attempts: number;
  updatedAt?: string;
  note?: string;
  /** The hash of the plan that recorded the task (the plan shown on its pull request). */
  planId?: string;
}

export interface StatusResult {
  tasks: TaskSummary[];
  counts: Record<TaskStatus, number>;
  /** Task files that could not be read. */
  errors: string[];
}

/** Requirements → task files (only the given requirement files when `requirements` is set). Never touches the workspace. */
export async function runTechLead(options: EngineOptions, requirements?: string[]): Promise<TechLeadResult> {
  const ctx = createRunContext(options);
  const outcome = await options.log.group("Tech Lead: requirements → task files", () =>
    techLead(ctx, requirements ? { write: true, only: requirements } : { write: true }),
  );
  return {
    written: outcome.written,
    interpretations: outcome.interpretations,
    diagnostics: outcome.diagnostics,
  };
}

/**
 * Validate + plan every task. With `record` (default) the Tech Lead's task files are written and the plan is
 * recorded in them (PLANNED + plan hash), which is what apply later checks; `record: false` writes nothing.
 */
export async function runPlan(
  options: EngineOptions,
  planOptions: { record?: boolean; drift?: boolean } = {},
): Promise<PlanResult> {
  const record = planOptions.record ?? true;
  const ctx = createRunContext(options);
  // The one listing of the workspace a plan makes runs while the Tech Lead reads the repository.
  ctx.prefetch();
  // Each changed task file is written once, with its plan state (the Tech Lead's changes go with the plan's).
  const tl = await options.log.group("Tech Lead: requirements → task files", () =>
    techLead(ctx, { write: record, defer: record }),
  );
  let computation;
  try {
    computation = await options.log.group("Worker: validate and plan", () =>
      computePlan(ctx, tl, { drift: planOptions.drift ?? false }),
    );
  } catch (error) {
    if (tl.unwritten) await writeTasks(ctx.store, tl.unwritten);
    throw error;
  }
  if (record) await recordPlan(ctx, computation, tl.unwritten);
  return computation.result;
}

/** Re-plan, compare with the approved plan, apply under a lease, record results in task files and the progress log. */
export async function runApply(options: EngineOptions, applyOptions: ApplyOptions): Promise<ApplyResult> {
  const ctx = createRunContext(options);
  return options.log.group("Worker: apply", () => applyPlan(ctx, applyOptions));
}

/** The task files queried. */
export async function readStatus(
  options: Pick<EngineOptions, "repoDir" | "jobsDir"> & { target?: { name: string } },
): Promise<StatusResult> {
  const store = new FileTaskStore(options.repoDir, options.jobsDir, options.target?.name);
  const { tasks, errors } = await store.list();
  const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  const summaries: TaskSummary[] = tasks.map((task) => {
    counts[task.status]++;
    const last = task.history.at(-1);
    const summary: TaskSummary = {
      id: task.id,
      file: store.fileOf(task.id),
      requirement: task.requirement,
      action: task.action,
      status: task.status,
      attempts: task.attempts,
    };
    if (task.job_id !== undefined) summary.jobId = task.job_id;
    if (task.job_name) summary.jobName = task.job_name;
    if (last?.at) summary.updatedAt = last.at;
    if (task.plan_id) summary.planId = task.plan_id;
    const note = task.errors?.[0] ?? task.questions?.[0] ?? last?.note;
    if (note) summary.note = note;
    return summary;
  });
  return { tasks: summaries, counts, errors: errors.map((e) => e.message) };
}
