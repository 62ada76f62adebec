/**
 * Drift: what changed in the workspace since the last apply, per managed job — the one reading both the CLI's
 * `jobagent drift` and the action's drift mode take from a read-only plan (`runPlan(…, {record: false, drift: true})`).
 * A field's `requirement` value is what the repository says (and what the last apply left), `workspace` what the job
 * has now. Pure over the plan result.
 */
import type { FieldChange, JobChange, JsonObject } from "../domain/model.js";
import { lastPathWord, redactSecrets } from "../domain/render.js";
import type { PlanResult } from "./api.js";

/** One drifted field, seen from the workspace: "changed", "added" (only the workspace has it) or "removed". */
export interface DriftField {
  path: string;
  change: "changed" | "added" | "removed";
  category: FieldChange["category"];
  /** The requirement's value (absent: the requirement leaves the field out). */
  requirement?: unknown;
  /** The workspace's value (absent: the job no longer has the field). */
  workspace?: unknown;
}

export interface DriftedJob {
  taskId: string;
  /** Repo-relative requirement file. */
  requirement: string;
  jobName: string;
  jobId?: number;
  jobUrl?: string;
  fields: DriftField[];
  /** The job's direct grants in the workspace, when its permissions drifted (access_control_list entries). */
  workspaceGrants?: JsonObject[];
}

export interface DriftReport {
  /** false when a requirement failed validation (drift of the other jobs is still reported). */
  valid: boolean;
  jobs: DriftedJob[];
  /** Jobs that differ from their requirement for another reason (a requirement changed and not applied yet, …). */
  pending: Array<{
    taskId: string;
    requirement: string;
    jobName: string;
    jobId?: number;
    op: JobChange["op"];
  }>;
}

function driftField(field: FieldChange): DriftField {
  // The plan's diff runs requirement → workspace: `before` is the workspace's value, `after` the requirement's.
  const change = field.kind === "change" ? "changed" : field.kind === "remove" ? "added" : "removed";
  const out: DriftField = { path: field.path, change, category: field.category };
  if (field.after !== undefined) out.requirement = field.after;
  if (field.before !== undefined) out.workspace = field.before;
  return out;
}

export function driftReport(plan: PlanResult, jobUrl?: (jobId: number) => string): DriftReport {
  const jobs: DriftedJob[] = [];
  const pending: DriftReport["pending"] = [];
  for (const change of plan.changes) {
    if (change.drift.length > 0) {
      const job: DriftedJob = {
        taskId: change.taskId,
        requirement: change.requirement,
        jobName: change.jobName,
        fields: change.drift.map(driftField),
      };
      if (change.jobId !== undefined) {
        job.jobId = change.jobId;
        if (jobUrl) job.jobUrl = jobUrl(change.jobId);
      }
      if (change.workspaceGrants && change.drift.some((f) => f.category === "permissions"))
        job.workspaceGrants = change.workspaceGrants;
      jobs.push(job);
    } else if (change.op !== "no-op") {
      const entry: DriftReport["pending"][number] = {
        taskId: change.taskId,
        requirement: change.requirement,
        jobName: change.jobName,
        op: change.op,
      };
      if (change.jobId !== undefined) entry.jobId = change.jobId;
      pending.push(entry);
    }
  }
  return { valid: plan.valid, jobs, pending };
}

/** A field's value as it may be shown (secret-looking values redacted, as in the plan). */
export function shownValue(value: unknown, path: string): unknown {
  return value === undefined ? undefined : redactSecrets(value, lastPathWord(path));
}

/** A value as one line: JSON (secrets redacted), "(not set)" when absent; long values cut with an ellipsis. */
export function driftValue(value: unknown, path: string, max = 120): string {
  if (value === undefined) return "(not set)";
  const text = JSON.stringify(shownValue(value, path));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "tasks[ingest].max_retries: 0 → 3 (changed)": the requirement's value → the workspace's. */
export function driftLine(field: DriftField): string {
  return `${field.path}: ${driftValue(field.requirement, field.path)} → ${driftValue(field.workspace, field.path)} (${field.change} in the workspace)`;
}
