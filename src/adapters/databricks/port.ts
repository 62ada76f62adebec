/**
 * The Workspace port: everything the agent asks of a Databricks workspace.
 * Implemented with the official SDK in src/adapters/databricks/sdk-workspace.ts (real workspaces and the local one).
 */
import type { JobSettings, JsonObject, WorkspaceJob } from "../../domain/model.js";

export interface ListJobsOptions {
  name?: string;
  expandTasks?: boolean;
}

export interface RunState {
  run_id: number;
  job_id?: number;
  life_cycle_state: string;
  result_state?: string;
  state_message?: string;
  run_page_url?: string;
  tasks?: Array<{
    task_key: string;
    run_id: number;
    life_cycle_state: string;
    result_state?: string;
    state_message?: string;
  }>;
}

export interface NodeType {
  node_type_id: string;
  memory_mb?: number;
  num_cores?: number;
  is_deprecated?: boolean;
}

export interface SparkVersion {
  key: string;
  name: string;
}

export interface WorkspaceObject {
  path: string;
  object_type: string;
}

export interface Workspace {
  /** Base URL of the workspace, e.g. https://adb-123.azuredatabricks.net or http://127.0.0.1:PORT. */
  readonly host: string;
  listJobs(options?: ListJobsOptions): AsyncIterable<WorkspaceJob>;
  /** undefined when the job does not exist. Merges 2.2 array pages (>100 tasks). */
  getJob(jobId: number): Promise<WorkspaceJob | undefined>;
  createJob(settings: JobSettings): Promise<number>;
  updateJob(jobId: number, newSettings: JobSettings, fieldsToRemove: string[]): Promise<void>;
  resetJob(jobId: number, newSettings: JobSettings): Promise<void>;
  deleteJob(jobId: number): Promise<void>;
  runNow(
    jobId: number,
    request: { job_parameters?: Record<string, string>; only?: string[]; idempotency_token?: string },
  ): Promise<{ run_id: number }>;
  getRun(runId: number): Promise<RunState>;
  listNodeTypes(): Promise<NodeType[]>;
  listSparkVersions(): Promise<SparkVersion[]>;
  /** undefined when the path does not exist. */
  getObjectStatus(path: string): Promise<WorkspaceObject | undefined>;
  listWarehouses(): Promise<
    Array<{ id: string; name: string; warehouse_type?: string; enable_serverless_compute?: boolean }>
  >;
  /** undefined when the pipeline does not exist. */
  getPipeline(
    pipelineId: string,
  ): Promise<{ pipeline_id: string; name?: string; continuous?: boolean } | undefined>;
  /** undefined when the cluster does not exist. */
  getCluster(
    clusterId: string,
  ): Promise<{ cluster_id: string; cluster_name?: string; cluster_source?: string } | undefined>;
  listClusterPolicies(): Promise<Array<{ policy_id: string; name: string }>>;
  getJobPermissions(jobId: number): Promise<JsonObject>;
  setJobPermissions(jobId: number, accessControlList: JsonObject[]): Promise<void>;
  /**
   * Creates a workspace file only if none exists at `path` (workspace/import with overwrite=false; parents made
   * with workspace/mkdirs). false when a file is already there (RESOURCE_ALREADY_EXISTS).
   */
  createFileIfAbsent(path: string, content: string): Promise<boolean>;
  /** Writes a workspace file, replacing it (workspace/import with overwrite=true). */
  writeFile(path: string, content: string): Promise<void>;
  /** The text of a workspace file (workspace/export), undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /**
   * Deletes a workspace file (workspace/delete); false when it did not exist. When the answer is lost the file is
   * read back: gone (or, with `expected`, holding something else: no longer the file the caller meant) is done; still
   * there (holding `expected`) is deleted again. Without this a lost answer to a lock release or take-over left the
   * lock behind and failed the run.
   */
  deleteFile(path: string, expected?: string): Promise<boolean>;
  /** Number of API calls made through this instance (benchmarks and tests). */
  readonly callCount: number;
  /** Request accounting: calls made, the rate limits learned per kind, 429 answers (and how many were predictable). */
  requestStats?(): WorkspaceRequestStats;
}

export interface WorkspaceRequestStats {
  requests: number;
  limits: { read?: number; write?: number };
  rateLimited: number;
  /** 429 answers to requests sent while the limit was already known: should be 0. */
  predictable: number;
}

/** Raised by a Workspace when a write may or may not have happened (dropped connection). Callers reconcile. */
export class AmbiguousWriteError extends Error {
  constructor(
    message: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = "AmbiguousWriteError";
  }
}

/** Raised by a Workspace for an API error, keeping the service's error_code and HTTP status. */
export class WorkspaceApiError extends Error {
  constructor(
    message: string,
    readonly errorCode: string,
    readonly statusCode: number,
    readonly operation: string,
  ) {
    super(message);
    this.name = "WorkspaceApiError";
  }
}
