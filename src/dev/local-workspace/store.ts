/**
 * The local workspace's state: jobs, runs, permissions, workspace objects and the seeded read-only catalogue.
 * Kept in memory; when a state file is given it is loaded at start and saved atomically (temp file + rename) after
 * every write, one save at a time, so concurrent requests never leave a torn file.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { JobSettings } from "../../domain/model.js";
import type { LocalWorkspaceSeed } from "./seed.js";

export interface StoredJob {
  job_id: number;
  creator_user_name: string;
  created_time: number;
  /** Settings as stored, server defaults applied (what jobs/get returns). */
  settings: JobSettings;
}

export type Phase =
  "QUEUED" | "PENDING" | "RUNNING" | "TERMINATING" | "TERMINATED" | "SKIPPED" | "INTERNAL_ERROR";

export interface StoredTaskRun {
  run_id: number;
  task_key: string;
  /** The task's settings when the run started. */
  settings: Record<string, unknown>;
  /** Outcome decided when the run is created (deterministic from the settings). */
  result_state: string;
  state_message: string;
  /** condition_task outcome ("true"/"false"). */
  outcome?: string;
  /** For result_state FAILED: the error shown by runs/get-output. */
  error?: string;
}

export interface StoredRun {
  run_id: number;
  job_id?: number;
  run_name: string;
  run_type: "JOB_RUN" | "SUBMIT_RUN";
  creator_user_name: string;
  created_time: number;
  phase: Phase;
  /** When the run entered `phase` (epoch ms). */
  phase_since: number;
  start_time: number;
  end_time: number;
  result_state?: string;
  state_message: string;
  cancel_requested?: boolean;
  idempotency_token?: string;
  tasks: StoredTaskRun[];
  job_clusters?: unknown[];
  job_parameters?: Array<{ name: string; default?: string; value?: string }>;
  overriding_parameters?: Record<string, unknown>;
  git_source?: unknown;
  max_concurrent_runs: number;
  queue_enabled: boolean;
}

export interface Grant {
  user_name?: string;
  group_name?: string;
  service_principal_name?: string;
  permission_level: string;
}

export interface StoredObject {
  path: string;
  object_type: string;
  object_id: number;
  language?: string;
  created_at: number;
  modified_at: number;
  size?: number;
  /** base64 content of notebooks and files. */
  content?: string;
}

export interface WorkspaceState {
  version: 1;
  nextId: number;
  jobs: Record<string, StoredJob>;
  runs: Record<string, StoredRun>;
  permissions: Record<string, Grant[]>;
  idempotencyTokens: Record<string, number>;
  objects: Record<string, StoredObject>;
  seed: LocalWorkspaceSeed;
}

export function initialState(seed: LocalWorkspaceSeed, now: number): WorkspaceState {
  const state: WorkspaceState = {
    version: 1,
    nextId: 1001,
    jobs: {},
    runs: {},
    permissions: {},
    idempotencyTokens: {},
    objects: {},
    seed,
  };
  for (const object of seed.workspaceObjects) {
    const content = object.content === undefined ? undefined : Buffer.from(object.content).toString("base64");
    state.objects[object.path] = {
      path: object.path,
      object_type: object.object_type,
      object_id: allocateId(state),
      ...(object.language ? { language: object.language } : {}),
      created_at: now,
      modified_at: now,
      ...(content !== undefined ? { size: Buffer.byteLength(object.content ?? ""), content } : {}),
    };
  }
  return state;
}

export function allocateId(state: WorkspaceState): number {
  const id = state.nextId;
  state.nextId += 1;
  return id;
}

/** Loads a state file; undefined when it does not exist. Errors name the file and what is wrong. */
export async function loadStateFile(file: string): Promise<WorkspaceState | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`local workspace: cannot read state file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `local workspace: state file ${file} is not valid JSON (${(error as Error).message}); delete it to start from the seed, or restore it from a backup`,
      { cause: error },
    );
  }
  const state = parsed as Partial<WorkspaceState>;
  if (
    !state ||
    typeof state !== "object" ||
    state.version !== 1 ||
    typeof state.nextId !== "number" ||
    !state.jobs ||
    !state.runs
  ) {
    throw new Error(
      `local workspace: state file ${file} is not a local-workspace state (expected {"version":1,"nextId":...,"jobs":{...},"runs":{...}}); delete it to start from the seed`,
    );
  }
  return state as WorkspaceState;
}

/** Serialises saves: each save writes the latest snapshot to a temp file and renames it over the target. */
export class StateSaver {
  private chain: Promise<void> = Promise.resolve();
  private counter = 0;

  constructor(private readonly file: string | undefined) {}

  save(state: WorkspaceState): Promise<void> {
    if (!this.file) return Promise.resolve();
    const file = this.file;
    const text = JSON.stringify(state);
    const next = this.chain.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.${++this.counter}.tmp`;
      await writeFile(temp, text, "utf8");
      await rename(temp, file);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}
