/**
 * The engine's public surface: one engine shared by the CLI and the GitHub Action.
 * The action adds only GitHub I/O around these calls.
 */
import type { Diagnostic, Interpretation, JobChange, Logger } from "../domain/model.js";
import type { Workspace } from "../adapters/databricks/port.js";
import type { LlmSettings } from "../techlead/types.js";
import type { ActiveTarget } from "../techlead/targets.js";

export interface EngineOptions {
  /** Absolute path of the repository root. */
  repoDir: string;
  /** Jobs directory relative to repoDir (default "jobs"). */
  jobsDir: string;
  workspace: Workspace;
  /**
   * The project id ("owner/name": `project:` in jobagent.yml, else the GitHub repository); recorded in ownership tags
   * on every job the agent creates. "" when unknown: plans own nothing and apply refuses.
   */
  repo: string;
  allowDelete: boolean;
  /** Identifies this run (lease holder), e.g. GITHUB_RUN_ID or a random id for the CLI. */
  runId: string;
  log: Logger;
  now?: () => Date;
  llm?: LlmSettings;
  /** Make requirement-vs-plan inconsistencies blocking errors instead of warnings. */
  strictConsistency?: boolean;
  /** Lifetime of the workspace apply lock (seconds, default 1800). */
  leaseSeconds?: number;
  /** How long apply waits for a workspace lock another run holds (seconds, default 0: report `locked` at once). */
  lockWaitSeconds?: number;
  /** Where this run can be seen (e.g. the workflow run URL); recorded in the workspace lock. */
  runUrl?: string;
  /** Maximum concurrent workspace writes during apply. */
  concurrency?: number;
  /**
   * The deployment target of this run (jobagent.yml `targets:`): its overrides and mode shape every job, its task
   * files live in `<jobs>/.tasks/<target>/`, and `repo` is the target's own project id (`<project>@<target>`).
   */
  target?: ActiveTarget;
}

export interface TechLeadResult {
  /** Task files written or changed (repo-relative). */
  written: string[];
  interpretations: Interpretation[];
  diagnostics: Diagnostic[];
}

export interface BlockedTask {
  taskId: string;
  requirement: string;
  reason: string;
  questions: string[];
}

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
  run: number;
  noop: number;
  blocked: number;
}

export interface PlanResult {
  /** false when any task failed validation. */
  valid: boolean;
  diagnostics: Diagnostic[];
  changes: JobChange[];
  blocked: BlockedTask[];
  counts: PlanCounts;
  /** Normalised hash over every change's hash. */
  planHash: string;
  /** Full markdown rendering (PR comment body builds on it). */
  markdown: string;
}

export type FailureReason =
  "validation-failed" | "plan-changed" | "apply-failed" | "locked" | "configuration";

export interface TaskApplyResult {
  taskId: string;
  requirement: string;
  op: JobChange["op"];
  jobName: string;
  jobId?: number;
  jobUrl?: string;
  status: "COMPLETE" | "FAILED" | "SKIPPED" | "BLOCKED";
  error?: string;
  run?: { runId: number; url?: string; result?: string; message?: string; durationMs?: number };
  /** Copies of the job this task deleted (duplicates the requirement did not keep, or a removal's other copies). */
  duplicatesDeleted?: number[];
}

/** A change the fresh plan holds that this apply did not make (blocked, or never recorded by a plan). */
export interface UnappliedTask {
  taskId: string;
  requirement: string;
  op: JobChange["op"];
  jobName: string;
  jobId?: number;
  reason: string;
}

export interface ApplyResult {
  /** false when something failed (or nothing could be applied); true does not mean every task was applied: see `complete`. */
  ok: boolean;
  /** The hash of the plan computed under the lock (every change it holds, applied or not). */
  planHash: string;
  results: TaskApplyResult[];
  failureReason?: FailureReason;
  message?: string;
  /**
   * Every change of the plan was applied: no task blocked, none left because no plan recorded it. Absent on a
   * refused apply (nothing was applied).
   */
  complete?: boolean;
  /** The plans (plan ids recorded in the task files) whose changes this apply made. */
  appliedPlans?: string[];
  /** Tasks blocked (another repository owns the job name, a delete without allow-delete, questions…): not applied. */
  blocked?: UnappliedTask[];
  /**
   * Changes the fresh plan shows that no recorded plan approved (drift found after the plan, a `plan --no-record`
   * that was never recorded): not applied; `jobagent plan` records them for review.
   */
  notApplied?: UnappliedTask[];
}

export interface ApplyOptions {
  /** Plan hash approved on the PR; apply refuses with plan-changed when the fresh plan differs. */
  approvedPlanHash?: string;
  /**
   * Plan hashes approved on every pull request merged since the last apply (several merges in a row, runs in
   * between cancelled); a task's recorded plan must be one of them. Includes `approvedPlanHash` when both are set.
   */
  approvedPlanHashes?: string[];
  onPlanChange: "fail" | "apply";
  /** Wait for runs started by run tasks (bounded, seconds). */
  runWaitSeconds?: number;
}
