/**
 * Job runs in the local workspace. A run moves through the real life-cycle states over time
 * (QUEUED → PENDING → RUNNING → TERMINATING → TERMINATED, `runStepMs` per state), computed from timestamps whenever the
 * state is read, so runs keep progressing across restarts. Outcomes are decided when the run is created:
 * a task whose notebook / python file / SQL file path contains `__fail__` fails; its dependents follow their `run_if`.
 */
import type { JsonObject } from "../../domain/model.js";
import { invalidParameter } from "./errors.js";
import { allocateId, type Phase, type StoredRun, type StoredTaskRun, type WorkspaceState } from "./store.js";
import { isObject } from "../../domain/json.js";

export const FAIL_MARKER = "__fail__";

const ACTIVE: ReadonlySet<Phase> = new Set(["QUEUED", "PENDING", "RUNNING", "TERMINATING"]);
const SUCCESS_LIKE = new Set(["SUCCESS", "SUCCESS_WITH_FAILURES", "DISABLED"]);
const FAILED_LIKE = new Set(["FAILED", "UPSTREAM_FAILED", "TIMEDOUT", "CANCELED", "UPSTREAM_CANCELED"]);

export const isActive = (run: StoredRun): boolean => ACTIVE.has(run.phase);

function taskPaths(task: JsonObject): string[] {
  const paths: string[] = [];
  const push = (value: unknown): void => {
    if (typeof value === "string") paths.push(value);
  };
  if (isObject(task.notebook_task)) push(task.notebook_task.notebook_path);
  if (isObject(task.spark_python_task)) push(task.spark_python_task.python_file);
  if (isObject(task.sql_task) && isObject(task.sql_task.file)) push(task.sql_task.file.path);
  if (isObject(task.for_each_task) && isObject(task.for_each_task.task))
    paths.push(...taskPaths(task.for_each_task.task));
  return paths;
}

function conditionOutcome(task: JsonObject): string | undefined {
  const spec = task.condition_task;
  if (!isObject(spec)) return undefined;
  const left = String(spec.left ?? "");
  const right = String(spec.right ?? "");
  const numeric =
    left.trim() !== "" && right.trim() !== "" && !Number.isNaN(Number(left)) && !Number.isNaN(Number(right));
  const [a, b] = numeric ? [Number(left), Number(right)] : [left, right];
  const result = (() => {
    switch (spec.op) {
      case "EQUAL_TO":
        return a === b;
      case "NOT_EQUAL":
        return a !== b;
      case "GREATER_THAN":
        return a > b;
      case "GREATER_THAN_OR_EQUAL":
        return a >= b;
      case "LESS_THAN":
        return a < b;
      case "LESS_THAN_OR_EQUAL":
        return a <= b;
      default:
        return false;
    }
  })();
  return result ? "true" : "false";
}

/** Decides every task's result, in dependency order, from the markers and the run_if / condition outcomes. */
export function planTaskOutcomes(state: WorkspaceState, tasks: JsonObject[]): StoredTaskRun[] {
  const byKey = new Map(tasks.map((t) => [String(t.task_key), t]));
  const results = new Map<string, StoredTaskRun>();
  const visiting = new Set<string>();
  const decide = (key: string): StoredTaskRun | undefined => {
    const done = results.get(key);
    if (done) return done;
    const task = byKey.get(key);
    if (!task || visiting.has(key)) return undefined;
    visiting.add(key);
    const deps = (Array.isArray(task.depends_on) ? task.depends_on : [])
      .filter(isObject)
      .map((d) => ({
        dep: decide(String(d.task_key)),
        outcome: typeof d.outcome === "string" ? d.outcome : undefined,
      }))
      .filter((d): d is { dep: StoredTaskRun; outcome: string | undefined } => d.dep !== undefined);
    const depResults = deps.map(({ dep, outcome }) =>
      outcome !== undefined && dep.outcome !== undefined && dep.outcome !== outcome
        ? "EXCLUDED"
        : dep.result_state,
    );
    const runIf = typeof task.run_if === "string" ? task.run_if : "ALL_SUCCESS";
    const anyFailed = depResults.some((r) => FAILED_LIKE.has(r));
    const met =
      depResults.length === 0 ||
      (() => {
        switch (runIf) {
          case "ALL_DONE":
            return true;
          case "NONE_FAILED":
            return !anyFailed;
          case "AT_LEAST_ONE_SUCCESS":
            return depResults.some((r) => SUCCESS_LIKE.has(r));
          case "ALL_FAILED":
            return depResults.every((r) => FAILED_LIKE.has(r));
          case "AT_LEAST_ONE_FAILED":
            return anyFailed;
          default:
            return depResults.every((r) => SUCCESS_LIKE.has(r));
        }
      })();
    const base = { run_id: allocateId(state), task_key: key, settings: task };
    let decided: StoredTaskRun;
    if (task.disabled === true) {
      decided = { ...base, result_state: "DISABLED", state_message: "This task is disabled." };
    } else if (!met) {
      const upstream = runIf === "ALL_SUCCESS" && anyFailed;
      decided = {
        ...base,
        result_state: upstream ? "UPSTREAM_FAILED" : "EXCLUDED",
        state_message: upstream
          ? "Upstream task(s) failed."
          : `This task was excluded because its run_if condition (${runIf}) was not met.`,
      };
    } else {
      const failingPath = taskPaths(task).find((p) => p.includes(FAIL_MARKER));
      decided = failingPath
        ? {
            ...base,
            result_state: "FAILED",
            state_message: "Workload failed, see run output for details.",
            error: `Exception: ${failingPath} failed (the local workspace fails every task whose path contains "${FAIL_MARKER}")`,
          }
        : { ...base, result_state: "SUCCESS", state_message: "", outcome: conditionOutcome(task) };
    }
    visiting.delete(key);
    results.set(key, decided);
    return decided;
  };
  for (const key of byKey.keys()) decide(key);
  return tasks.map((t) => results.get(String(t.task_key))).filter((t): t is StoredTaskRun => t !== undefined);
}

function finalResult(run: StoredRun): { phase: Phase; result: string; message: string } {
  const failed = run.tasks.filter((t) => t.result_state === "FAILED");
  if (failed.length === 0) return { phase: "TERMINATED", result: "SUCCESS", message: "" };
  const dependedOn = new Set(
    run.tasks.flatMap((t) =>
      Array.isArray(t.settings.depends_on)
        ? t.settings.depends_on.filter(isObject).map((d) => String(d.task_key))
        : [],
    ),
  );
  const leaves = run.tasks.filter((t) => !dependedOn.has(t.task_key));
  if (
    leaves.every(
      (t) => t.result_state === "SUCCESS" || t.result_state === "EXCLUDED" || t.result_state === "DISABLED",
    )
  ) {
    return { phase: "TERMINATED", result: "SUCCESS_WITH_FAILURES", message: "" };
  }
  return {
    phase: "INTERNAL_ERROR",
    result: "FAILED",
    message: `Task ${failed[0].task_key} failed with message: Workload failed, see run output for details.`,
  };
}

/** Moves every run forward to `now`, oldest first (so queued runs see earlier runs finish). */
export function advanceRuns(state: WorkspaceState, now: number, stepMs: number): void {
  const runs = Object.values(state.runs).sort((a, b) => a.run_id - b.run_id);
  for (const run of runs) {
    for (;;) {
      if (!isActive(run)) break;
      if (run.phase === "QUEUED") {
        const others = runs.filter(
          (r) => r.job_id === run.job_id && r.run_id !== run.run_id && r.run_id < run.run_id,
        );
        const active = others.filter((r) => isActive(r) && r.phase !== "QUEUED").length;
        if (active >= run.max_concurrent_runs) break;
        const lastEnd = Math.max(0, ...others.map((r) => r.end_time));
        run.phase_since = Math.max(run.phase_since, lastEnd);
        run.phase = "PENDING";
        run.start_time = run.phase_since;
        continue;
      }
      if (now - run.phase_since < stepMs) break;
      const at = run.phase_since + stepMs;
      if (run.phase === "PENDING") run.phase = run.cancel_requested ? "TERMINATING" : "RUNNING";
      else if (run.phase === "RUNNING") run.phase = "TERMINATING";
      else if (run.phase === "TERMINATING") {
        if (run.cancel_requested) {
          run.phase = "TERMINATED";
          run.result_state = "CANCELED";
          run.state_message = "Run cancelled.";
        } else {
          const final = finalResult(run);
          run.phase = final.phase;
          run.result_state = final.result;
          run.state_message = final.message;
        }
        run.end_time = at;
      }
      run.phase_since = at;
    }
  }
}

export interface NewRunInput {
  job_id?: number;
  run_name: string;
  run_type: "JOB_RUN" | "SUBMIT_RUN";
  tasks: JsonObject[];
  job_clusters?: unknown[];
  job_parameters?: StoredRun["job_parameters"];
  overriding_parameters?: Record<string, unknown>;
  git_source?: unknown;
  max_concurrent_runs: number;
  queue_enabled: boolean;
  idempotency_token?: string;
}

/** Creates a run (QUEUED, SKIPPED or PENDING depending on the job's concurrency), after advancing the others. */
export function startRun(state: WorkspaceState, input: NewRunInput, now: number, stepMs: number): StoredRun {
  advanceRuns(state, now, stepMs);
  const runId = allocateId(state);
  const run: StoredRun = {
    run_id: runId,
    ...(input.job_id !== undefined ? { job_id: input.job_id } : {}),
    run_name: input.run_name,
    run_type: input.run_type,
    creator_user_name: state.seed.user,
    created_time: now,
    phase: "PENDING",
    phase_since: now,
    start_time: now,
    end_time: 0,
    state_message: "",
    tasks: planTaskOutcomes(state, input.tasks),
    ...(input.job_clusters ? { job_clusters: input.job_clusters } : {}),
    ...(input.job_parameters ? { job_parameters: input.job_parameters } : {}),
    ...(input.overriding_parameters ? { overriding_parameters: input.overriding_parameters } : {}),
    ...(input.git_source ? { git_source: input.git_source } : {}),
    ...(input.idempotency_token ? { idempotency_token: input.idempotency_token } : {}),
    max_concurrent_runs: input.max_concurrent_runs,
    queue_enabled: input.queue_enabled,
  };
  if (input.job_id !== undefined) {
    const active = Object.values(state.runs).filter((r) => r.job_id === input.job_id && isActive(r)).length;
    if (input.max_concurrent_runs === 0 || (active >= input.max_concurrent_runs && !input.queue_enabled)) {
      run.phase = "SKIPPED";
      run.end_time = now;
      run.state_message = `Skipping this run because the limit of ${input.max_concurrent_runs} maximum concurrent runs has been reached.`;
    } else if (active >= input.max_concurrent_runs) {
      run.phase = "QUEUED";
      run.state_message = "Queued: the job is at its maximum number of concurrent runs.";
    }
  }
  state.runs[String(runId)] = run;
  if (input.idempotency_token) state.idempotencyTokens[input.idempotency_token] = runId;
  return run;
}

/** runs/cancel: an active run goes to TERMINATING now and ends TERMINATED / CANCELED one step later. */
export function cancelRun(run: StoredRun, now: number): void {
  if (!isActive(run)) return;
  run.cancel_requested = true;
  if (run.phase !== "TERMINATING") {
    run.phase = "TERMINATING";
    run.phase_since = now;
    if (run.start_time === 0) run.start_time = now;
  }
}

function statusOf(run: StoredRun): JsonObject {
  switch (run.phase) {
    case "QUEUED":
      return {
        state: "QUEUED",
        queue_details: { code: "MAX_CONCURRENT_RUNS_REACHED", message: run.state_message },
      };
    case "PENDING":
    case "RUNNING":
    case "TERMINATING":
      return { state: run.phase };
    case "SKIPPED":
      return {
        state: "TERMINATED",
        termination_details: {
          code: "MAX_CONCURRENT_RUNS_EXCEEDED",
          type: "CLIENT_ERROR",
          message: run.state_message,
        },
      };
    case "INTERNAL_ERROR":
      return {
        state: "TERMINATED",
        termination_details: {
          code: "RUN_EXECUTION_ERROR",
          type: "CLIENT_ERROR",
          message: run.state_message,
        },
      };
    case "TERMINATED":
      if (run.result_state === "CANCELED")
        return {
          state: "TERMINATED",
          termination_details: { code: "USER_CANCELED", type: "SUCCESS", message: run.state_message },
        };
      return {
        state: "TERMINATED",
        termination_details: { code: run.result_state ?? "SUCCESS", type: "SUCCESS", message: "" },
      };
  }
}

export function runPageUrl(
  baseUrl: string,
  workspaceId: string,
  run: { job_id?: number; run_id: number },
): string {
  return run.job_id !== undefined
    ? `${baseUrl}/?o=${workspaceId}#job/${run.job_id}/run/${run.run_id}`
    : `${baseUrl}/?o=${workspaceId}#job/run/${run.run_id}`;
}

function renderTask(run: StoredRun, task: StoredTaskRun, baseUrl: string, workspaceId: string): JsonObject {
  const done =
    run.phase === "TERMINATED" ||
    run.phase === "INTERNAL_ERROR" ||
    (run.phase === "TERMINATING" && !run.cancel_requested);
  let lifeCycle: string;
  let result: string | undefined;
  let message = "";
  if (run.phase === "SKIPPED") {
    lifeCycle = "SKIPPED";
  } else if (run.cancel_requested && (run.phase === "TERMINATED" || run.phase === "TERMINATING")) {
    lifeCycle = run.phase;
    result = run.phase === "TERMINATED" ? "CANCELED" : undefined;
    message = run.phase === "TERMINATED" ? "Run cancelled." : "";
  } else if (done) {
    lifeCycle = "TERMINATED";
    result = task.result_state;
    message = task.state_message;
  } else {
    lifeCycle = run.phase;
  }
  const status: JsonObject = result
    ? {
        state: "TERMINATED",
        termination_details:
          result === "FAILED"
            ? { code: "RUN_EXECUTION_ERROR", type: "CLIENT_ERROR", message }
            : { code: result === "CANCELED" ? "USER_CANCELED" : result, type: "SUCCESS", message },
      }
    : { state: lifeCycle === "SKIPPED" ? "TERMINATED" : lifeCycle };
  const ended = result !== undefined || lifeCycle === "SKIPPED";
  return {
    ...task.settings,
    run_id: task.run_id,
    task_key: task.task_key,
    attempt_number: 0,
    start_time: run.start_time,
    end_time: ended ? run.end_time || run.phase_since : 0,
    setup_duration: 0,
    execution_duration: ended && run.end_time ? Math.max(0, run.end_time - run.start_time) : 0,
    cleanup_duration: 0,
    run_page_url: runPageUrl(baseUrl, workspaceId, { job_id: run.job_id, run_id: task.run_id }),
    state: {
      life_cycle_state: lifeCycle,
      ...(result ? { result_state: result } : {}),
      state_message: message,
      user_cancelled_or_timedout: result === "CANCELED",
    },
    status,
    ...(task.outcome !== undefined && done ? { condition_outcome: task.outcome } : {}),
  };
}

/** runs/get body (page `pageIndex` of the task array, 100 per page). */
export function renderRun(
  run: StoredRun,
  baseUrl: string,
  workspaceId: string,
  options: { includeTasks: boolean; pageIndex?: number },
): JsonObject {
  const terminal = !isActive(run);
  const body: JsonObject = {
    run_id: run.run_id,
    ...(run.job_id !== undefined
      ? { job_id: run.job_id, job_run_id: run.run_id, number_in_job: run.run_id }
      : {}),
    original_attempt_run_id: run.run_id,
    attempt_number: 0,
    run_name: run.run_name,
    run_type: run.run_type,
    trigger: "ONE_TIME",
    format: "MULTI_TASK",
    creator_user_name: run.creator_user_name,
    start_time: run.start_time,
    end_time: terminal ? run.end_time : 0,
    setup_duration: 0,
    execution_duration: terminal ? Math.max(0, run.end_time - run.start_time) : 0,
    cleanup_duration: 0,
    run_duration: terminal ? Math.max(0, run.end_time - run.created_time) : 0,
    queue_duration: Math.max(0, run.start_time - run.created_time),
    run_page_url: runPageUrl(baseUrl, workspaceId, run),
    state: {
      life_cycle_state: run.phase,
      ...(terminal && run.result_state ? { result_state: run.result_state } : {}),
      state_message: run.state_message,
      user_cancelled_or_timedout: run.result_state === "CANCELED",
      ...(run.phase === "QUEUED" ? { queue_reason: run.state_message } : {}),
    },
    status: statusOf(run),
    ...(run.job_parameters ? { job_parameters: run.job_parameters } : {}),
    ...(run.overriding_parameters ? { overriding_parameters: run.overriding_parameters } : {}),
    ...(run.git_source ? { git_source: run.git_source } : {}),
  };
  if (options.includeTasks) {
    const page = options.pageIndex ?? 0;
    const tasks = run.tasks
      .slice(page * 100, (page + 1) * 100)
      .map((t) => renderTask(run, t, baseUrl, workspaceId));
    body.tasks = tasks;
    if (run.job_clusters) body.job_clusters = page === 0 ? run.job_clusters.slice(0, 100) : [];
    if (run.tasks.length > (page + 1) * 100) {
      body.has_more = true;
      body.next_page_token = String(page + 1);
    }
  }
  return body;
}

/** runs/get-output for a task run id, or the parent run of a single-task run. */
export function renderRunOutput(
  state: WorkspaceState,
  runId: number,
  baseUrl: string,
): JsonObject | undefined {
  const parent = state.runs[String(runId)];
  let run: StoredRun | undefined = parent;
  let task: StoredTaskRun | undefined;
  if (parent) {
    if (parent.tasks.length > 1) {
      throw invalidParameter(
        "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.",
      );
    }
    task = parent.tasks[0];
  } else {
    for (const candidate of Object.values(state.runs)) {
      const found = candidate.tasks.find((t) => t.run_id === runId);
      if (found) {
        run = candidate;
        task = found;
        break;
      }
    }
  }
  if (!run) return undefined;
  const rendered = task
    ? renderTask(run, task, baseUrl, state.seed.workspaceId)
    : renderRun(run, baseUrl, state.seed.workspaceId, { includeTasks: false });
  const metadata = {
    ...rendered,
    ...(run.job_id !== undefined ? { job_id: run.job_id } : {}),
    run_name: run.run_name,
  };
  const out: JsonObject = { metadata };
  const result = (rendered.state as JsonObject).result_state;
  if (!task || result === undefined) return out;
  if (result === "FAILED") {
    out.error = task.error ?? "Workload failed.";
    out.error_trace = `Traceback (most recent call last):\n  File "<local workspace>", line 1, in <module>\n${task.error ?? "Exception"}`;
  } else if (isObject(task.settings.notebook_task)) {
    out.notebook_output = { result: "", truncated: false };
  } else if (isObject(task.settings.spark_python_task) || isObject(task.settings.python_wheel_task)) {
    out.logs = `Task ${task.task_key} finished successfully on the local workspace.\n`;
    out.logs_truncated = false;
  }
  return out;
}
