/**
 * The ownership ledger: the job ids this project created or adopted, recorded in the workspace next to the apply
 * lock (written only while the lock is held). It is the evidence the project itself produced — a tag alone is never
 * proof of ownership, since anyone can set one or copy a job with the UI's "Clone job".
 *
 * Before a create the task is marked pending (with the time); a job carrying the task's tags that was created after
 * that mark is the project's own even if the apply died before recording its id (crash recovery).
 */
import type { Workspace } from "../adapters/databricks/port.js";
import { projectFolderOf } from "./workspace-lock.js";

interface LedgerData {
  version: 1;
  project: string;
  jobs: Record<string, { task: string; at: string }>;
  pending: Record<string, string>;
}

/** Clock skew allowed between this machine and the workspace when matching a pending create (ms). */
const SKEW_MS = 5 * 60_000;

export function ledgerPathOf(project: string): string {
  return `${projectFolderOf(project)}/jobs.json`;
}

export class OwnershipLedger {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly workspace: Workspace | undefined,
    private readonly path: string,
    private readonly data: LedgerData,
  ) {}

  /** An empty ledger that records nothing (no project id). */
  static none(): OwnershipLedger {
    return new OwnershipLedger(undefined, "", { version: 1, project: "", jobs: {}, pending: {} });
  }

  static async read(workspace: Workspace, project: string): Promise<OwnershipLedger> {
    if (!project) return OwnershipLedger.none();
    const path = ledgerPathOf(project);
    const text = await workspace.readFile(path);
    const empty: LedgerData = { version: 1, project, jobs: {}, pending: {} };
    let data = empty;
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as Partial<LedgerData>;
        data = { ...empty, jobs: { ...(parsed.jobs ?? {}) }, pending: { ...(parsed.pending ?? {}) } };
      } catch {
        throw new Error(
          `the ownership ledger ${path} in the workspace is not valid JSON; restore it from the workspace's version history, or delete it (the job ids in the task files still count as evidence)`,
        );
      }
    }
    return new OwnershipLedger(workspace, path, data);
  }

  /** Did this project record job `jobId` (for any task)? */
  has(jobId: number): boolean {
    return this.data.jobs[String(jobId)] !== undefined;
  }

  /** The task this project recorded job `jobId` for, or undefined. */
  taskOf(jobId: number): string | undefined {
    return this.data.jobs[String(jobId)]?.task;
  }

  /** Was job `created` (ms) created after this project marked `taskId` as being created? */
  createdWhilePending(taskId: string, created: number | undefined): boolean {
    const since = this.data.pending[taskId];
    if (since === undefined || created === undefined) return false;
    return created >= Date.parse(since) - SKEW_MS;
  }

  markPending(taskId: string, at: Date): Promise<void> {
    return this.update(() => {
      this.data.pending[taskId] = at.toISOString();
    });
  }

  record(jobId: number, taskId: string, at: Date): Promise<void> {
    return this.update(() => {
      // Already recorded for this task: keep the first date, so a no-op apply writes nothing.
      if (this.data.jobs[String(jobId)]?.task !== taskId)
        this.data.jobs[String(jobId)] = { task: taskId, at: at.toISOString() };
      delete this.data.pending[taskId];
    });
  }

  forget(jobId: number): Promise<void> {
    return this.update(() => {
      delete this.data.jobs[String(jobId)];
    });
  }

  /** Applies a change and writes the ledger (one write at a time; callers hold the apply lock). */
  private update(change: () => void): Promise<void> {
    const next = this.chain.then(async () => {
      const before = JSON.stringify(this.data);
      change();
      const text = JSON.stringify(this.data, null, 2);
      if (this.workspace && text !== JSON.stringify(JSON.parse(before), null, 2))
        await this.workspace.writeFile(this.path, text);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
