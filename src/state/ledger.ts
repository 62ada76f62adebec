/**
 * The ownership ledger: the job ids this project created or adopted, recorded in the workspace next to the apply
 * lock (written only while the lock is held). It is the evidence the project itself produced — a tag alone is never
 * proof of ownership, since anyone can set one or copy a job with the UI's "Clone job".
 *
 * Before a create the task is marked pending (with the time); a job carrying the task's tags that was created after
 * that mark is the project's own even if the apply died before recording its id (crash recovery).
 *
 * Writes are batched: an apply marks all its planned creates pending in one write before the first create, and the
 * ids it records are written every RECORD_BATCH records and at the end (flush). Until then a created job is the
 * project's by its pending mark, so a crash between a create and the write of its record loses no evidence.
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

/** Recorded changes written together (one ledger write per this many records, plus one at the end). */
const RECORD_BATCH = 100;

/**
 * Two project ids whose folder names come out alike ("acme/col" with target dev and "acme/col--dev" both give
 * acme--col--dev): the ledger (and the lock beside it) would be shared, and one project would take the other's jobs
 * as its own. Refused with both ids named.
 */
class LedgerClashError extends Error {
  constructor(path: string, recorded: string, project: string) {
    super(
      `the ownership ledger ${path} belongs to project "${recorded}", not "${project}": the two project ids share one folder in the workspace (characters outside A-Z a-z 0-9 . _ - become "--"), so their lock and ledger would be shared. Give this project an id that differs from "${recorded}" in its letters or digits (project: in jobagent.yml, or --repo), or rename the target`,
    );
    this.name = "LedgerClashError";
  }
}

export function ledgerPathOf(project: string): string {
  return `${projectFolderOf(project)}/jobs.json`;
}

export class OwnershipLedger {
  private chain: Promise<void> = Promise.resolve();
  /** The ledger's text as last read or written. */
  private written: string;
  /** Changes made in memory since the last write. */
  private unwritten = 0;

  private constructor(
    private readonly workspace: Workspace | undefined,
    private readonly path: string,
    private readonly data: LedgerData,
  ) {
    this.written = JSON.stringify(data, null, 2);
  }

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
      let parsed: Partial<LedgerData>;
      try {
        parsed = JSON.parse(text) as Partial<LedgerData>;
      } catch (error) {
        throw new Error(
          `the ownership ledger ${path} in the workspace is not valid JSON; restore it from the workspace's version history, or delete it (the job ids in the task files still count as evidence)`,
          { cause: error },
        );
      }
      if (typeof parsed.project === "string" && parsed.project !== "" && parsed.project !== project)
        throw new LedgerClashError(path, parsed.project, project);
      data = { ...empty, jobs: { ...(parsed.jobs ?? {}) }, pending: { ...(parsed.pending ?? {}) } };
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

  /** Is a create of this task marked as under way? */
  isPending(taskId: string): boolean {
    return this.data.pending[taskId] !== undefined;
  }

  /** Marks creates as under way and writes the ledger at once (one write for all of them), before any is sent. */
  markPending(taskIds: string[], at: Date): Promise<void> {
    for (const id of taskIds) this.data.pending[id] = at.toISOString();
    return this.write();
  }

  /** Drops the pending marks of creates that were never sent (written with the next batch). */
  clearPending(taskIds: string[]): void {
    for (const id of taskIds) if (this.data.pending[id] !== undefined) delete this.data.pending[id];
    this.changed();
  }

  /** Records a job as this project's; written with the next batch (its pending mark covers it until then). */
  record(jobId: number, taskId: string, at: Date): void {
    // Already recorded for this task: keep the first date, so a no-op apply writes nothing.
    if (this.data.jobs[String(jobId)]?.task !== taskId)
      this.data.jobs[String(jobId)] = { task: taskId, at: at.toISOString() };
    delete this.data.pending[taskId];
    this.changed();
  }

  forget(jobId: number): void {
    delete this.data.jobs[String(jobId)];
    this.changed();
  }

  /** Writes what is not written yet (the end of an apply). */
  flush(): Promise<void> {
    return this.write();
  }

  private changed(): void {
    this.unwritten += 1;
    // A full batch is written in the background; a failure there is retried by the next write (the data is whole).
    if (this.unwritten < RECORD_BATCH) return;
    this.unwritten = 0;
    this.write().catch(() => undefined);
  }

  /** Writes the ledger when it changed (one write at a time; callers hold the apply lock). */
  private write(): Promise<void> {
    const next = this.chain.then(async () => {
      const text = JSON.stringify(this.data, null, 2);
      this.unwritten = 0;
      if (!this.workspace || text === this.written) return;
      await this.workspace.writeFile(this.path, text);
      this.written = text;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
