/**
 * Ownership: every job the agent creates carries tags naming the project and the task. A tag alone is never proof
 * (anyone can set one, and the UI's "Clone job" copies it): a job is the project's own when it carries the tags AND
 * the project recorded its id — in the workspace ledger (state/ledger.ts) or in a task file of the repository — or
 * it was created while the ledger marked its task as being created (an apply that died before recording it).
 * The agent modifies or deletes only such jobs, unless a requirement adopts a job explicitly.
 */
import type { JobSettings, JobTarget, WorkspaceJob } from "../domain/model.js";
import type { Workspace } from "../adapters/databricks/port.js";
import { OwnershipLedger } from "./ledger.js";

export const REPO_TAG = "jobagent-repo";
export const TASK_TAG = "jobagent-task";
/**
 * The settings a bundle deployment writes into its jobs (`deployment: {kind: BUNDLE, …}` and a locked `edit_mode`):
 * the bundle's claim on the job. Left out when this repository takes a bundle's job over (it unlocks the job).
 */
export const BUNDLE_FIELDS: readonly string[] = ["deployment", "edit_mode"];

export function ownerRepoOf(job: WorkspaceJob): string | undefined {
  return job.settings.tags?.[REPO_TAG];
}

export function isOwnedBy(job: WorkspaceJob, repo: string): boolean {
  return repo !== "" && ownerRepoOf(job) === repo;
}

/** Who else owns a job, in words (another project's tags, a Databricks Asset Bundle), or undefined. */
export function foreignOwnerOf(job: WorkspaceJob, repo: string): string | undefined {
  const deployment = job.settings.deployment as { kind?: string; metadata_file_path?: string } | undefined;
  if (deployment?.kind === "BUNDLE")
    return `a Databricks Asset Bundle (deployment metadata ${deployment.metadata_file_path ?? "in the job"})`;
  const owner = ownerRepoOf(job);
  if (owner !== undefined && owner !== repo) return `project ${owner} (its ${REPO_TAG} tag)`;
  return undefined;
}

export function withOwnership(settings: JobSettings, repo: string, taskId: string): JobSettings {
  return { ...settings, tags: { ...(settings.tags ?? {}), [REPO_TAG]: repo, [TASK_TAG]: taskId } };
}

/** All jobs of the workspace, read once per run with list pages (100 per call, tasks expanded). */
export class WorkspaceSnapshot {
  readonly jobs = new Map<number, WorkspaceJob>();
  private readonly byTask = new Map<string, WorkspaceJob[]>();

  private readonly recordedIds = new Set<number>();

  private constructor(
    jobs: WorkspaceJob[],
    private readonly repo: string,
    readonly ledger: OwnershipLedger,
  ) {
    for (const job of jobs) this.add(job);
  }

  static async read(workspace: Workspace, repo: string): Promise<WorkspaceSnapshot> {
    const jobs: WorkspaceJob[] = [];
    for await (const job of workspace.listJobs({ expandTasks: true })) {
      if (job.has_more) {
        // The list truncates task/job-cluster arrays at 100 entries; read the whole job.
        const full = await workspace.getJob(job.job_id);
        if (full) jobs.push(full);
      } else {
        jobs.push(job);
      }
    }
    return new WorkspaceSnapshot(jobs, repo, await OwnershipLedger.read(workspace, repo));
  }

  add(job: WorkspaceJob): void {
    this.jobs.set(job.job_id, job);
    const task = job.settings.tags?.[TASK_TAG];
    if (task && isOwnedBy(job, this.repo)) {
      const list = this.byTask.get(task) ?? [];
      list.push(job);
      this.byTask.set(task, list);
    }
  }

  /** Job ids the repository's task files record (evidence from the project's own history). */
  noteRecorded(ids: Iterable<number>): void {
    for (const id of ids) this.recordedIds.add(id);
  }

  /** Did the project itself record this job (ledger, task files, or a create it marked as under way)? */
  isRecorded(job: WorkspaceJob): boolean {
    if (this.ledger.has(job.job_id) || this.recordedIds.has(job.job_id)) return true;
    const task = job.settings.tags?.[TASK_TAG];
    return task !== undefined && this.ledger.createdWhilePending(task, job.created_time);
  }

  /** Is this job the project's own: its tags name the project and the project recorded it. */
  owns(job: WorkspaceJob): boolean {
    return isOwnedBy(job, this.repo) && this.isRecorded(job);
  }

  /** Jobs this project created for a task (normally one; several after a race or an interrupted create). */
  managedBy(taskId: string): WorkspaceJob[] {
    return this.taggedFor(taskId).filter((job) => this.isRecorded(job));
  }

  /** Jobs carrying this task's ownership tags that the project never recorded (hand-made or cloned). */
  unrecordedFor(taskId: string): WorkspaceJob[] {
    return this.taggedFor(taskId).filter((job) => !this.isRecorded(job));
  }

  /** Jobs this project owns (tags and evidence). */
  managed(): WorkspaceJob[] {
    return [...this.jobs.values()].filter((job) => this.owns(job));
  }

  /** Jobs carrying this project's tag that it never recorded. */
  unrecorded(): WorkspaceJob[] {
    return [...this.jobs.values()].filter((job) => isOwnedBy(job, this.repo) && !this.isRecorded(job));
  }

  /** Every job carrying this task's ownership tags, recorded or not (more than one: duplicates). */
  taggedFor(taskId: string): WorkspaceJob[] {
    return (this.byTask.get(taskId) ?? []).filter((job) => this.jobs.has(job.job_id));
  }

  /** Finds the job a requirement names. */
  resolve(target: JobTarget): { job?: WorkspaceJob; problem?: string; ambiguous?: boolean } {
    if (target.job_id !== undefined) {
      const job = this.jobs.get(target.job_id);
      if (!job) return { problem: `job ${target.job_id} does not exist in the workspace` };
      if (target.name && job.settings.name !== target.name) {
        return {
          problem: `job ${target.job_id} is named "${job.settings.name ?? ""}", not "${target.name}"`,
        };
      }
      return { job };
    }
    let matches: WorkspaceJob[];
    let described: string;
    if (target.name) {
      const wanted = target.name.toLowerCase();
      matches = [...this.jobs.values()].filter((job) => (job.settings.name ?? "").toLowerCase() === wanted);
      described = `named "${target.name}"`;
    } else if (target.tag) {
      const { key, value } = target.tag;
      matches = [...this.jobs.values()].filter((job) => job.settings.tags?.[key] === value);
      described = `tagged ${key}=${value}`;
    } else if (target.code_path) {
      const path = target.code_path;
      matches = [...this.jobs.values()].filter((job) =>
        (job.settings.tasks ?? []).some((task) =>
          JSON.stringify(task).includes(JSON.stringify(path).slice(1, -1)),
        ),
      );
      described = `running ${path}`;
    } else {
      return { problem: "the target names no job (give job_id, name, tag or code_path)" };
    }
    if (matches.length === 0) return { problem: `no job ${described} exists in the workspace` };
    if (matches.length > 1) {
      return {
        ambiguous: true,
        problem: `${matches.length} jobs are ${described} (${matches
          .map((j) => j.job_id)
          .sort((a, b) => a - b)
          .join(", ")}); name the one you mean with job_id`,
      };
    }
    return { job: matches[0] };
  }
}
