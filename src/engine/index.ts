/**
 * The engine entry points shared by the CLI and the GitHub Action. (Bodies land with the Worker issue;
 * the signatures are the contract the CLI and the action code against.)
 */
import type { ApplyOptions, ApplyResult, EngineOptions, PlanResult, TechLeadResult } from "./api.js";

export type TaskStatus = "PENDING" | "PLANNED" | "IN_PROGRESS" | "COMPLETE" | "FAILED" | "BLOCKED";

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
}

export interface StatusResult {
  tasks: TaskSummary[];
  counts: Record<TaskStatus, number>;
}

/** Requirements → task files (only changed requirements when `requirements` is given). Writes files, never the workspace. */
export async function runTechLead(options: EngineOptions, requirements?: string[]): Promise<TechLeadResult> {
  void options;
  void requirements;
  throw new Error("not implemented");
}

/** Validate + plan every task; records PLANNED + plan hash in the task files (`record: false` for a read-only plan). */
export async function runPlan(options: EngineOptions, planOptions: { record?: boolean; drift?: boolean } = {}): Promise<PlanResult> {
  void options;
  void planOptions;
  throw new Error("not implemented");
}

/** Re-plan, compare with the approved plan, apply under a lease, record results in task files and the progress log. */
export async function runApply(options: EngineOptions, applyOptions: ApplyOptions): Promise<ApplyResult> {
  void options;
  void applyOptions;
  throw new Error("not implemented");
}

/** The task files queried. */
export async function readStatus(options: Pick<EngineOptions, "repoDir" | "jobsDir">): Promise<StatusResult> {
  void options;
  throw new Error("not implemented");
}
