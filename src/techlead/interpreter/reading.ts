/** What the offline interpreter read from a requirement's words, each value with the words it came from. Pure types. */
import type { FieldSource, WorkspaceJob } from "../../domain/model.js";
import type { ScheduleParts, Sourced } from "./schedule.js";
import type { Prose } from "./text.js";

export type { Sourced } from "./schedule.js";

export type StepKind =
  "notebook" | "python" | "wheel" | "jar" | "sql_query" | "sql_file" | "dbt" | "pipeline" | "run_job";

/** One unit of code the ticket names: becomes one task. */
export interface Step {
  kind: StepKind;
  /** task_key (INTERPRETATION.md §3). */
  key: string;
  /** Human name as written (for dependency phrases), when the ticket gives one. */
  name?: string;
  /** Notebook path, Python/SQL file path. */
  path?: string;
  packageName?: string;
  entryPoint?: string;
  /** A JAR task's main class ("com.acme.sessions.SessionizeJob"). */
  mainClass?: string;
  queryId?: string;
  warehouseId?: string;
  /** The words the warehouse was read from ("on SQL warehouse a1b2…"). */
  warehouseWords?: string;
  commands?: string[];
  projectDirectory?: string;
  pipelineId?: string;
  fullRefresh?: boolean;
  runJobId?: number;
  /** A run-job step whose job is created by the same requirement (its job_id is known only once it exists). */
  runJobName?: string;
  /** Keys or names of steps this one waits for, as written (resolved by the builder). */
  after: Array<Sourced<string>>;
  /** Set when a "then" / "in this order" phrase chains it to the previous step. */
  afterPrevious?: Sourced<true>;
  /** "If load fails, run `rollback`", "run this only if Load failed": runs only when what it waits for failed. */
  onFailure?: Sourced<true>;
  /** "after step 3, whether it succeeded or failed", "no matter what": runs once what it waits for is done (ALL_DONE). */
  whateverHappens?: Sourced<true>;
  /** "then b and c in parallel": the key of the step it runs beside (same waits; what follows waits for both). */
  besidePrevious?: Sourced<string>;
  words: string;
  line?: number;
  /** Index in the whole text (ordering). */
  index: number;
  /** Line text the step was found on. */
  lineText: string;
}

export type EmailEvent = "on_start" | "on_success" | "on_failure" | "on_duration_warning_threshold_exceeded";

export interface ClusterAsk {
  numWorkers?: Sourced<number>;
  autoscale?: Sourced<{ min_workers: number; max_workers: number }>;
  nodeType?: Sourced<string>;
  sparkVersion?: Sourced<string>;
  key?: Sourced<string>;
  /** "a job cluster", "its own cluster": the kind of compute the size and node type are for. */
  kind?: Sourced<true>;
}

export interface Reading {
  prose: Prose;
  jobName?: Sourced<string>;
  steps: Step[];
  /** "in this order" / "sequentially": chain every step to the one before unless it says otherwise. */
  sequential?: Sourced<true>;
  schedule: ScheduleParts;
  fileArrival?: Sourced<string>;
  tableUpdate?: Sourced<string[]>;
  /** "don't fire more than once every 5 minutes": a trigger's min_time_between_triggers_seconds. */
  triggerMinGap?: Sourced<number>;
  /** "wait 2 minutes after the last file changes": a trigger's wait_after_last_change_seconds. */
  triggerWait?: Sourced<number>;
  continuous?: Sourced<true>;
  serverless?: Sourced<true>;
  existingClusterId?: Sourced<string>;
  cluster: ClusterAsk;
  /** "Two job clusters: - `cpu_small`: m5.xlarge, 2 workers, … - `mem_large`: …": each named cluster's own ask. */
  namedClusters: Array<{ key: string; ask: ClusterAsk; words: string; line?: number }>;
  retries?: Sourced<number> & { task?: string };
  retryIntervalMs?: Sourced<number>;
  retryOnTimeout?: Sourced<true>;
  timeout?: Sourced<number> & { task?: string };
  durationWarning?: Sourced<number>;
  emails: Array<Sourced<string> & { event: EmailEvent }>;
  removeEmails: Array<Sourced<string> & { event?: EmailEvent }>;
  webhooks: Array<Sourced<string> & { event: EmailEvent }>;
  tags: Array<Sourced<string> & { key: string }>;
  maxConcurrentRuns?: Sourced<number>;
  queue?: Sourced<boolean>;
  jobParameters: Array<Sourced<string> & { name: string }>;
  notebookParameters: Array<Sourced<string> & { name: string }>;
  /** Command-line arguments of a wheel entry point or Python file, in order. */
  cliArgs?: Sourced<string[]>;
  wheelNamed: Array<Sourced<string> & { name: string }>;
  /** key=value pairs for run-now. */
  runParameters: Array<Sourced<string> & { name: string }>;
  runOnly: Array<Sourced<string>>;
  git?: Sourced<{
    git_url: string;
    git_provider: string;
    git_branch?: string;
    git_tag?: string;
    git_commit?: string;
  }>;
  runAs?: Sourced<{ service_principal_name?: string; user_name?: string }>;
  /** Tasks to remove (update tickets). */
  removeTasks: Array<Sourced<string>>;
  /** Job clusters to drop: a key, or "" for "its job cluster" (the job's only one). */
  removeJobClusters: Array<Sourced<string>>;
  /** "the transform task should now use notebook /x" (update tickets). */
  repointTasks: Array<Sourced<string> & { task: string }>;
  /** Libraries to install: PyPI packages ("scikit-learn==1.5.0"), Maven coordinates, a requirements file. */
  libraries: Array<Sourced<{ pypi: string } | { maven: string } | { requirements: string }>>;
  /** Things the Jobs API cannot do, or information that is missing. */
  questions: string[];
}

export interface ReadContext {
  existingJobs: WorkspaceJob[];
}

/** A small named unit that reads one kind of fact from the prose into the Reading. */
export interface Extractor {
  name: string;
  /** Fields it fills (documentation and tests). */
  fields: string[];
  extract(reading: Reading, context: ReadContext): void;
}

export function emptyReading(prose: Prose): Reading {
  return {
    prose,
    steps: [],
    schedule: {},
    cluster: {},
    namedClusters: [],
    emails: [],
    removeEmails: [],
    webhooks: [],
    tags: [],
    jobParameters: [],
    notebookParameters: [],
    wheelNamed: [],
    runParameters: [],
    runOnly: [],
    removeTasks: [],
    removeJobClusters: [],
    repointTasks: [],
    libraries: [],
    questions: [],
  };
}

export function source(field: string, s: { words: string; line?: number }): FieldSource {
  return s.line === undefined ? { field, words: s.words } : { field, words: s.words, line: s.line };
}
