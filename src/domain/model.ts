/**
 * Shared domain model. Pure types: no I/O. Every component (requirements, validation, planner,
 * Tech Lead, interpreter, engine, action) speaks these.
 */

import type { jobs } from "@databricks/sdk-experimental";

export type JsonObject = { [key: string]: unknown };

/**
 * An SDK type as it appears in a requirement, a task file or a read-back, before validation: the SDK's field
 * names with their declared value types, every field optional, enums widened to string (the generated schema
 * checks the values), and room for fields this SDK version does not declare (the schema validator reports them).
 */
export type Loose<T> = T extends string
  ? string
  : T extends number | boolean
    ? T
    : T extends Array<infer U>
      ? Array<Loose<U>>
      : T extends object
        ? string extends keyof T
          ? T // a map (Record<string, string>) stays as declared
          : LooseFields<T> & JsonObject
        : T;

/** The fields of an SDK object type, each optional and loose. */
export type LooseFields<T> = { [K in keyof T]?: Loose<T[K]> };

/** Jobs API 2.2 task settings: the SDK's `jobs.Task` (generated schema: definitions.Task). */
export type TaskSettings = Loose<jobs.Task> & { task_key: string };

/** A job cluster: the SDK's `jobs.JobCluster`. */
export type JobClusterSettings = Loose<jobs.JobCluster> & {
  job_cluster_key: string;
  new_cluster: JsonObject;
};

/**
 * Left open (unknown) for now: the local workspace's pageSettings assigns the four paged arrays through one
 * union-typed key, which only compiles while these two are untyped. Type them once it assigns each by name.
 */
type UntypedYet = "environments" | "parameters";

/**
 * Jobs API 2.2 JobSettings, the body of POST /api/2.2/jobs/create (without access_control_list): the SDK's
 * `jobs.JobSettings`, whose JSON Schema is src/domain/generated/job-settings.schema.json.
 */
export type JobSettings = Omit<LooseFields<jobs.JobSettings>, "tasks" | "job_clusters" | UntypedYet> &
  JsonObject & {
    tasks?: TaskSettings[];
    job_clusters?: JobClusterSettings[];
  };

/** A job as read back from the workspace (jobs/get or an expanded jobs/list entry). */
export interface WorkspaceJob {
  job_id: number;
  creator_user_name?: string;
  run_as_user_name?: string;
  created_time?: number;
  settings: JobSettings;
  /** Set by jobs/list (expand_tasks) when the job's arrays were truncated at 100 entries: read it with getJob. */
  has_more?: boolean;
}

/** One problem found in a requirement, a spec or a plan. Every message names file, field, value and fix. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable machine code, e.g. "schema.unknown-field", "semantic.cycle", "preflight.node-type". */
  code: string;
  /** Repo-relative requirement (or task) file. */
  file?: string;
  /** 1-based line in `file` when known (used for annotations). */
  line?: number;
  /** Field path in the spec, e.g. "tasks[ingest].depends_on[0].task_key" ("" for the whole file). */
  path: string;
  /** The value found (already redacted when it may be a secret). */
  value?: unknown;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
  /** Documentation references (retriever hits: "source › heading"). */
  see?: string[];
}

/** What a requirement asks for, one entry per task file. */
export type TaskAction = "create" | "update" | "delete" | "run";

/** How a requirement names an existing job (update / delete / run, or adoption). */
export interface JobTarget {
  job_id?: number;
  name?: string;
  tag?: { key: string; value: string };
  code_path?: string;
  /** Adopt a job this repo did not create: after apply the job is managed by the repo. */
  adopt?: boolean;
}

export interface RunRequest {
  job_parameters?: Record<string, string>;
  only?: string[];
  /** Wait for the run to end (bounded) and report its result. */
  wait?: boolean;
}

/** Which words of the requirement gave a field (shown in task files and the plan). */
export interface FieldSource {
  field: string;
  words: string;
  line?: number;
}

/**
 * One unit of work decided by the Tech Lead for a requirement; becomes one task file.
 * - create: `settings` is the full desired JobSettings of a job the repo manages (declarative).
 * - update: `target` names an existing job, `patch` is a jobs/update body (partial change);
 *   or, for a managed job, `settings` (full desired state).
 * - delete: `target` names the job.
 * - run: `target` names the job (or `depends_on` a create item of the same requirement), `run` the parameters.
 */
export interface WorkItem {
  /** Unique within its requirement; lower_snake_case or kebab-case; used in the task id. */
  key: string;
  action: TaskAction;
  settings?: JobSettings;
  patch?: { new_settings: JobSettings; fields_to_remove?: string[] };
  target?: JobTarget;
  run?: RunRequest;
  /** Keys of other work items this one must wait for (same requirement), or full task ids. */
  depends_on?: string[];
  /** Lower runs first among ready tasks. Default 100. */
  priority?: number;
  /** Why each field has its value (interpreter / LLM provenance). */
  explanation?: FieldSource[];
  /** Non-empty: the requirement is ambiguous or impossible; the task is BLOCKED with these questions. */
  questions?: string[];
  /** Line in the requirement file where this item is defined, for annotations. */
  line?: number;
  /** The requirement's `duplicates: keep <id>`: which copy of this job to keep when several carry its ownership. */
  duplicates?: DuplicatesChoice;
}

/** `duplicates: keep 1020[, 2040]` in a requirement: the ids of the copies to keep (one per job of the file). */
export interface DuplicatesChoice {
  keep: number[];
}

/** Result of interpreting one requirement file. */
export interface Interpretation {
  requirement: string;
  items: WorkItem[];
  diagnostics: Diagnostic[];
  /** Who produced it: "structured" (front matter), "interpreter" (offline prose), "llm". */
  source: "structured" | "interpreter" | "llm";
}

/** The Jobs API request the Worker would send for a change. */
export interface ApiRequest {
  endpoint: "jobs/create" | "jobs/update" | "jobs/reset" | "jobs/delete" | "jobs/run-now";
  body: JsonObject;
}

export type ChangeOp = "create" | "update" | "delete" | "run" | "no-op";

export interface FieldChange {
  /** e.g. "schedule.quartz_cron_expression", "tasks[ingest].new_cluster.num_workers", "tasks[old]" */
  path: string;
  kind: "add" | "remove" | "change";
  before?: unknown;
  after?: unknown;
  /** Highlight class for reviewers. */
  category: "compute" | "run_as" | "permissions" | "schedule" | "tasks" | "notifications" | "other";
}

export interface JobChange {
  taskId: string;
  requirement: string;
  op: ChangeOp;
  jobName: string;
  jobId?: number;
  fields: FieldChange[];
  /** Fields changed in the workspace outside the repo since the last apply. */
  drift: FieldChange[];
  /** Normalised desired settings (create/update). */
  desired?: JobSettings;
  request?: ApiRequest;
  /** Normalised per-job plan hash. */
  hash: string;
  warnings: Diagnostic[];
  /** delete, or a task_key rename that loses run history. */
  destructive: boolean;
  /** The requirement text this change came from (shown folded in the plan comment). */
  requirementText?: string;
  /** Which words of the requirement gave each interpreted field (the task's explanation), shown in the plan. */
  provenance?: FieldSource[];
  /** Documentation references for the fields this change touches ("source › heading"). */
  see?: string[];
  /** Run request for op "run". */
  run?: RunRequest;
  /** Direct grants to set with the Permissions API (PUT, full replace) when they differ from the workspace's. */
  permissions?: JsonObject[];
  /**
   * The job's direct grants in the workspace (access_control_list entries, owner left out) when they differ from the
   * requirement's: what adopting permission drift writes into the requirement.
   */
  workspaceGrants?: JsonObject[];
  /** The requirement was renamed or moved and keeps its job: "jobs/a.md → jobs/sub/b.md (job 123 kept)". */
  moved?: string;
  /**
   * Copies of the job deleted by this change (part of its hash): the duplicates a requirement resolves with
   * `duplicates: keep <id>` (`keep` = the job kept and updated), or the other recorded copies a removal deletes.
   */
  duplicates?: { keep?: number; delete: number[]; why: string };
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Where a work item's fields sit in its requirement file, so that diagnostics name the file, field and line. */
export interface ValidationContext {
  /** Repo-relative requirement file named in every diagnostic. */
  file: string;
  /**
   * Where the item's block sits in the front matter, e.g. "jobs.orders" or "update[1]" (see
   * `validationContextFor` in src/techlead/requirements). For validateJobSettings it prefixes the spec's field paths; for
   * validateWorkItem an update's settings sit under `<basePath>.set`, its removals under `<basePath>.remove`, a
   * run's fields under `<basePath>.only` / `<basePath>.job_parameters`. Without it, paths are relative to the spec
   * (update: `patch.new_settings.…`, run: `run.only…`).
   */
  basePath?: string;
  /** Maps a (full, basePath-prefixed) field path to the 1-based line of the requirement file where it is written. */
  lineOf?: (path: string) => number | undefined;
  /** Line used when a path has no line of its own (e.g. the item's line). */
  defaultLine?: number;
}
