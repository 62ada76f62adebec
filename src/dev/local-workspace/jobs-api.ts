/**
 * Jobs API 2.2 / 2.1 handlers of the local workspace: jobs create/get/list/update/reset/delete, run-now,
 * runs submit/get/list/cancel/cancel-all/delete/get-output. Answers follow the real service (see
 * ../shared/reference/databricks-jobs-api.md): not-found is 400 INVALID_PARAMETER_VALUE "Job N does not exist.",
 * list omits `jobs` when empty and carries `next_page_token` only when more exist, get pages arrays at 100.
 */
import type { JobSettings, JsonObject } from "../../domain/model.js";
import { LIST_EXPANDED_ARRAYS } from "../../domain/field-behaviour.js";
import { describeValue, invalidParameter, invalidState, missingField, ServiceError } from "./errors.js";
import {
  applyServerDefaults,
  largestPagedArray,
  mergeUpdate,
  PAGE_SIZE,
  pageSettings,
  readBackOrder,
  type Fidelity,
  type StoreOptions,
} from "./job-settings.js";
import { grantsFromAcl, ownerGrant } from "./permissions-api.js";
import { advanceRuns, cancelRun, isActive, renderRun, renderRunOutput, startRun } from "./runs.js";
import type { StoredJob, WorkspaceState } from "./store.js";
import { validateJobSettings } from "./validation.js";
import { isObject } from "../../domain/json.js";

export interface ApiContext {
  state: WorkspaceState;
  now(): number;
  stepMs: number;
  baseUrl: string;
  /** Read-back fidelity: "realistic" (default; like the real service) or "echo" (settings as sent). */
  fidelity?: Fidelity;
}

function storeOptions(ctx: ApiContext, queueDefault: boolean, creator: string): StoreOptions {
  return { queueDefault, creator, fidelity: ctx.fidelity ?? "realistic" };
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: JsonObject;
  /** "2.1" or "2.2" for versioned jobs paths. */
  version: "2.1" | "2.2";
}

export interface ApiResult {
  body: JsonObject;
  status?: number;
  /** The call changed state (saved before answering). */
  write?: boolean;
}

const MAX_SAVED_JOBS = 10_000;

/** int64 ids arrive as JSON numbers or decimal strings (proto3 JSON); query values are strings. */
export function parseId(value: unknown, field: string): number {
  if (value === undefined || value === null || value === "") throw missingField(field);
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw invalidParameter(
      `Invalid value for ${field}: expected an integer id, got ${describeValue(value)}.`,
    );
  }
  return n;
}

function parseBool(value: string | null, field: string): boolean {
  if (value === null || value === "") return false;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidParameter(`Invalid value for ${field}: expected true or false, got '${value}'.`);
}

function parseIntParam(value: string | null, field: string): number | undefined {
  if (value === null || value === "") return undefined;
  if (!/^-?\d+$/.test(value))
    throw invalidParameter(`Invalid value for ${field}: expected an integer, got '${value}'.`);
  return Number(value);
}

function encodeToken(payload: JsonObject): string {
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

function decodeToken(token: string, field = "page_token"): JsonObject {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (isObject(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw invalidParameter(`Invalid ${field}: '${token}'. Use the next_page_token of the previous response.`);
}

export function requireJob(state: WorkspaceState, jobId: number): StoredJob {
  const job = state.jobs[String(jobId)];
  if (!job) throw invalidParameter(`Job ${jobId} does not exist.`);
  return job;
}

function runAsUserName(job: StoredJob): string {
  const runAs = job.settings.run_as;
  if (isObject(runAs)) {
    if (typeof runAs.user_name === "string") return runAs.user_name;
    if (typeof runAs.service_principal_name === "string") return runAs.service_principal_name;
  }
  return job.creator_user_name;
}

function settingsFromBody(body: JsonObject, field: string): JobSettings {
  const value = body[field];
  if (value === undefined || value === null) throw missingField(field);
  if (!isObject(value))
    throw invalidParameter(`Invalid value for ${field}: expected an object, got ${describeValue(value)}.`);
  return value as JobSettings;
}

function validateOrThrow(settings: JobSettings, version: "2.1" | "2.2"): void {
  const error = validateJobSettings(settings, version);
  if (error) throw error;
}

function createJob(ctx: ApiContext, req: ApiRequest): ApiResult {
  const { state } = ctx;
  const settings = { ...req.body } as JobSettings;
  const acl = settings.access_control_list;
  delete settings.access_control_list;
  validateOrThrow(settings, req.version);
  const grants = acl === undefined ? [] : grantsFromAcl(acl, "access_control_list");
  if (Object.keys(state.jobs).length >= MAX_SAVED_JOBS) {
    throw new ServiceError(400, "QUOTA_EXCEEDED", "The quota for the number of jobs has been reached.");
  }
  const jobId = state.nextId++;
  state.jobs[String(jobId)] = {
    job_id: jobId,
    creator_user_name: state.seed.user,
    created_time: ctx.now(),
    settings: applyServerDefaults(settings, storeOptions(ctx, req.version === "2.2", state.seed.user)),
  };
  state.permissions[String(jobId)] = grants.some((g) => g.permission_level === "IS_OWNER")
    ? grants
    : [ownerGrant(state.seed.user), ...grants];
  return { body: { job_id: jobId }, write: true };
}

function renderJob(job: StoredJob, settings: JobSettings): JsonObject {
  return {
    job_id: job.job_id,
    creator_user_name: job.creator_user_name,
    run_as_user_name: runAsUserName(job),
    run_as_owner: !isObject(job.settings.run_as),
    created_time: job.created_time,
    settings,
  };
}

function getJob(ctx: ApiContext, req: ApiRequest): ApiResult {
  const job = requireJob(ctx.state, parseId(req.query.get("job_id") ?? undefined, "job_id"));
  if (req.version === "2.1") {
    if (largestPagedArray(job.settings) > PAGE_SIZE) {
      throw invalidParameter("Resources with more than 100 tasks can only be handled by API 2.2 and above.");
    }
    return { body: renderJob(job, readBackOrder(job.settings, ctx.fidelity ?? "realistic")) };
  }
  const token = req.query.get("page_token");
  let pageIndex = 0;
  if (token) {
    if (!/^\d+$/.test(token))
      throw invalidParameter(
        `Invalid page_token: '${token}'. Use the next_page_token of the previous response.`,
      );
    pageIndex = Number(token);
  }
  const ordered = readBackOrder(job.settings, ctx.fidelity ?? "realistic");
  const { settings, hasMore } = pageSettings(ordered, pageIndex);
  const body = renderJob(job, settings);
  if (hasMore) {
    body.has_more = true;
    body.next_page_token = String(pageIndex + 1);
  }
  return { body };
}

function listJobs(ctx: ApiContext, req: ApiRequest): ApiResult {
  const limitParam = parseIntParam(req.query.get("limit"), "limit");
  const limit = limitParam === undefined || limitParam === 0 ? 20 : limitParam;
  if (limit < 1 || limit > 100)
    throw invalidParameter(`Invalid value for limit: ${limit}. The limit must be between 1 and 100.`);
  const offset = parseIntParam(req.query.get("offset"), "offset") ?? 0;
  if (offset < 0)
    throw invalidParameter(`Invalid value for offset: ${offset}. The offset must be 0 or greater.`);
  const expand = parseBool(req.query.get("expand_tasks"), "expand_tasks");
  const name = req.query.get("name");
  const token = req.query.get("page_token");
  let jobs = Object.values(ctx.state.jobs).sort((a, b) => a.job_id - b.job_id);
  if (name)
    jobs = jobs.filter(
      (j) => typeof j.settings.name === "string" && j.settings.name.toLowerCase() === name.toLowerCase(),
    );
  let start = offset;
  if (token) {
    const after = decodeToken(token).after;
    if (typeof after !== "number")
      throw invalidParameter(
        `Invalid page_token: '${token}'. Use the next_page_token of the previous response.`,
      );
    start = jobs.findIndex((j) => j.job_id > after);
    if (start < 0) start = jobs.length;
  }
  const page = jobs.slice(start, start + limit);
  const body: JsonObject = {};
  if (page.length > 0) {
    body.jobs = page.map((job) => {
      const settings: JobSettings = { ...readBackOrder(job.settings, ctx.fidelity ?? "realistic") };
      let truncated = false;
      if (expand) {
        for (const field of LIST_EXPANDED_ARRAYS) {
          const list = settings[field];
          if (Array.isArray(list) && list.length > PAGE_SIZE) {
            settings[field] = list.slice(0, PAGE_SIZE) as never;
            truncated = true;
          }
        }
      } else {
        delete settings.tasks;
        delete settings.job_clusters;
      }
      const rendered: JsonObject = {
        job_id: job.job_id,
        creator_user_name: job.creator_user_name,
        created_time: job.created_time,
        settings,
      };
      if (truncated) rendered.has_more = true;
      return rendered;
    });
  }
  if (start + limit < jobs.length && page.length > 0) {
    body.has_more = true;
    body.next_page_token = encodeToken({ after: page[page.length - 1].job_id });
  } else {
    body.has_more = false;
  }
  if (start > 0 && page.length > 0) {
    const firstPrev = Math.max(0, start - limit);
    body.prev_page_token = encodeToken({ after: firstPrev === 0 ? -1 : jobs[firstPrev - 1].job_id });
  }
  if (body.has_more === false) delete body.has_more;
  return { body };
}

function fieldsToRemoveFrom(body: JsonObject): string[] {
  const value = body.fields_to_remove;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw invalidParameter(
      `Invalid value for fields_to_remove: expected an array of strings, got ${describeValue(value)}.`,
    );
  }
  return value as string[];
}

function updateJob(ctx: ApiContext, req: ApiRequest): ApiResult {
  const jobId = parseId(req.body.job_id, "job_id");
  const job = requireJob(ctx.state, jobId);
  const newSettings =
    req.body.new_settings === undefined || req.body.new_settings === null
      ? undefined
      : settingsFromBody(req.body, "new_settings");
  const merged = mergeUpdate(job.settings, newSettings, fieldsToRemoveFrom(req.body), jobId);
  validateOrThrow(merged, req.version);
  job.settings = applyServerDefaults(merged, storeOptions(ctx, false, job.creator_user_name));
  return { body: {}, write: true };
}

function resetJob(ctx: ApiContext, req: ApiRequest): ApiResult {
  const jobId = parseId(req.body.job_id, "job_id");
  const job = requireJob(ctx.state, jobId);
  const newSettings = { ...settingsFromBody(req.body, "new_settings") };
  validateOrThrow(newSettings, req.version);
  // Cloud quirk (recorded by the Databricks CLI team): omitting run_as in a reset keeps the previous run_as.
  if (newSettings.run_as === undefined && job.settings.run_as !== undefined)
    newSettings.run_as = job.settings.run_as;
  job.settings = applyServerDefaults(
    newSettings,
    storeOptions(
      ctx,
      isObject(job.settings.queue) && job.settings.queue.enabled === true && req.version === "2.2",
      job.creator_user_name,
    ),
  );
  return { body: {}, write: true };
}

function deleteJob(ctx: ApiContext, req: ApiRequest): ApiResult {
  const jobId = parseId(req.body.job_id, "job_id");
  requireJob(ctx.state, jobId);
  advanceRuns(ctx.state, ctx.now(), ctx.stepMs);
  for (const run of Object.values(ctx.state.runs)) if (run.job_id === jobId) cancelRun(run, ctx.now());
  delete ctx.state.jobs[String(jobId)];
  delete ctx.state.permissions[String(jobId)];
  return { body: {}, write: true };
}

function stringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value))
    throw invalidParameter(
      `Invalid value for ${field}: expected an object of strings, got ${describeValue(value)}.`,
    );
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string")
      throw invalidParameter(
        `Invalid value for ${field}.${key}: expected a string, got ${describeValue(item)}.`,
      );
  }
  return value as Record<string, string>;
}

function idempotencyToken(body: JsonObject): string | undefined {
  const token = body.idempotency_token;
  if (token === undefined || token === null || token === "") return undefined;
  if (typeof token !== "string")
    throw invalidParameter(
      `Invalid value for idempotency_token: expected a string, got ${describeValue(token)}.`,
    );
  if (token.length > 64)
    throw invalidParameter(
      `Invalid value for idempotency_token: it must be at most 64 characters, got ${token.length}.`,
    );
  return token;
}

function replayIdempotent(ctx: ApiContext, token: string | undefined): ApiResult | undefined {
  if (!token) return undefined;
  const existing = ctx.state.idempotencyTokens[token];
  if (existing === undefined) return undefined;
  if (!ctx.state.runs[String(existing)]) {
    throw invalidParameter(
      `The run created with idempotency_token '${token}' was deleted; the token cannot be reused.`,
    );
  }
  return { body: { run_id: existing, number_in_job: existing } };
}

function runNow(ctx: ApiContext, req: ApiRequest): ApiResult {
  const jobId = parseId(req.body.job_id, "job_id");
  const job = requireJob(ctx.state, jobId);
  const token = idempotencyToken(req.body);
  const replay = replayIdempotent(ctx, token);
  if (replay) return replay;
  const jobParameters = stringMap(req.body.job_parameters, "job_parameters");
  const only = req.body.only;
  let tasks = (job.settings.tasks ?? []) as JsonObject[];
  if (only !== undefined && only !== null) {
    if (!Array.isArray(only) || only.some((k) => typeof k !== "string")) {
      throw invalidParameter(
        `Invalid value for only: expected an array of task keys, got ${describeValue(only)}.`,
      );
    }
    const keys = new Set(tasks.map((t) => String(t.task_key)));
    const unknown = (only as string[]).find((k) => !keys.has(k));
    if (unknown !== undefined)
      throw invalidParameter(`Task key '${unknown}' in 'only' does not exist in job ${jobId}.`);
    tasks = tasks.filter((t) => (only as string[]).includes(String(t.task_key)));
  }
  if (req.body.jar_params !== undefined && req.body.notebook_params !== undefined) {
    throw invalidParameter("jar_params and notebook_params cannot be specified together.");
  }
  const defined = Array.isArray(job.settings.parameters) ? (job.settings.parameters as JsonObject[]) : [];
  const resolved = defined.map((p) => ({
    name: String(p.name),
    default: typeof p.default === "string" ? p.default : undefined,
    value: jobParameters?.[String(p.name)] ?? (typeof p.default === "string" ? p.default : undefined),
  }));
  for (const [name, value] of Object.entries(jobParameters ?? {})) {
    if (!resolved.some((p) => p.name === name)) resolved.push({ name, default: undefined, value });
  }
  const overriding: JsonObject = {};
  for (const field of [
    "job_parameters",
    "notebook_params",
    "jar_params",
    "python_params",
    "python_named_params",
    "spark_submit_params",
    "sql_params",
    "dbt_commands",
    "pipeline_params",
  ]) {
    if (req.body[field] !== undefined) overriding[field] = req.body[field];
  }
  const queue = isObject(req.body.queue) ? req.body.queue : job.settings.queue;
  const run = startRun(
    ctx.state,
    {
      job_id: jobId,
      run_name: typeof job.settings.name === "string" ? job.settings.name : "Untitled",
      run_type: "JOB_RUN",
      tasks,
      job_clusters: job.settings.job_clusters,
      ...(resolved.length > 0 ? { job_parameters: resolved } : {}),
      ...(Object.keys(overriding).length > 0 ? { overriding_parameters: overriding } : {}),
      git_source: job.settings.git_source,
      max_concurrent_runs:
        typeof job.settings.max_concurrent_runs === "number" ? job.settings.max_concurrent_runs : 1,
      queue_enabled: isObject(queue) && queue.enabled === true,
      idempotency_token: token,
    },
    ctx.now(),
    ctx.stepMs,
  );
  return { body: { run_id: run.run_id, number_in_job: run.run_id }, write: true };
}

function submitRun(ctx: ApiContext, req: ApiRequest): ApiResult {
  const token = idempotencyToken(req.body);
  const replay = replayIdempotent(ctx, token);
  if (replay) return { body: { run_id: replay.body.run_id } };
  const settings = { ...req.body } as JobSettings;
  for (const field of ["run_name", "idempotency_token", "access_control_list"]) delete settings[field];
  if (settings.tasks === undefined) throw missingField("tasks");
  validateOrThrow(settings, req.version);
  const withDefaults = applyServerDefaults(settings, storeOptions(ctx, false, ctx.state.seed.user));
  const runName = req.body.run_name;
  if (runName !== undefined && typeof runName !== "string")
    throw invalidParameter(`Invalid value for run_name: expected a string, got ${describeValue(runName)}.`);
  const run = startRun(
    ctx.state,
    {
      run_name: runName ?? "Untitled",
      run_type: "SUBMIT_RUN",
      tasks: (withDefaults.tasks ?? []) as JsonObject[],
      git_source: withDefaults.git_source,
      max_concurrent_runs: 1000,
      queue_enabled: false,
      idempotency_token: token,
    },
    ctx.now(),
    ctx.stepMs,
  );
  return { body: { run_id: run.run_id }, write: true };
}

function requireRun(ctx: ApiContext, runId: number) {
  advanceRuns(ctx.state, ctx.now(), ctx.stepMs);
  const run = ctx.state.runs[String(runId)];
  if (!run) throw invalidParameter(`Run ${runId} does not exist.`);
  return run;
}

function getRun(ctx: ApiContext, req: ApiRequest): ApiResult {
  const run = requireRun(ctx, parseId(req.query.get("run_id") ?? undefined, "run_id"));
  const token = req.query.get("page_token");
  if (token && !/^\d+$/.test(token))
    throw invalidParameter(
      `Invalid page_token: '${token}'. Use the next_page_token of the previous response.`,
    );
  return {
    body: renderRun(run, ctx.baseUrl, ctx.state.seed.workspaceId, {
      includeTasks: true,
      pageIndex: token ? Number(token) : 0,
    }),
  };
}

function listRuns(ctx: ApiContext, req: ApiRequest): ApiResult {
  advanceRuns(ctx.state, ctx.now(), ctx.stepMs);
  const q = req.query;
  const activeOnly = parseBool(q.get("active_only"), "active_only");
  const completedOnly = parseBool(q.get("completed_only"), "completed_only");
  if (activeOnly && completedOnly)
    throw invalidParameter("active_only and completed_only cannot both be true.");
  const limitParam = parseIntParam(q.get("limit"), "limit");
  const limit = limitParam === undefined ? 20 : limitParam === 0 ? 25 : limitParam;
  if (limit < 1 || limit > 25)
    throw invalidParameter(`Invalid value for limit: ${limit}. The limit must be between 1 and 25.`);
  const jobIdText = q.get("job_id");
  const jobId = jobIdText ? parseId(jobIdText, "job_id") : undefined;
  const runType = q.get("run_type");
  const from = parseIntParam(q.get("start_time_from"), "start_time_from");
  const to = parseIntParam(q.get("start_time_to"), "start_time_to");
  const expand = parseBool(q.get("expand_tasks"), "expand_tasks");
  const runs = Object.values(ctx.state.runs)
    .filter((r) => jobId === undefined || r.job_id === jobId)
    .filter((r) => !activeOnly || isActive(r))
    .filter((r) => !completedOnly || !isActive(r))
    .filter((r) => !runType || r.run_type === runType)
    .filter((r) => from === undefined || r.start_time >= from)
    .filter((r) => to === undefined || r.start_time <= to)
    .sort((a, b) => b.run_id - a.run_id);
  let start = parseIntParam(q.get("offset"), "offset") ?? 0;
  const token = q.get("page_token");
  if (token) {
    const before = decodeToken(token).before;
    if (typeof before !== "number")
      throw invalidParameter(
        `Invalid page_token: '${token}'. Use the next_page_token of the previous response.`,
      );
    start = runs.findIndex((r) => r.run_id < before);
    if (start < 0) start = runs.length;
  }
  const page = runs.slice(start, start + limit);
  const body: JsonObject = {};
  if (page.length > 0) {
    body.runs = page.map((r) =>
      renderRun(r, ctx.baseUrl, ctx.state.seed.workspaceId, { includeTasks: expand }),
    );
  }
  if (page.length > 0 && start + limit < runs.length) {
    body.has_more = true;
    body.next_page_token = encodeToken({ before: page[page.length - 1].run_id });
  }
  return { body };
}

function cancel(ctx: ApiContext, req: ApiRequest): ApiResult {
  const run = requireRun(ctx, parseId(req.body.run_id, "run_id"));
  cancelRun(run, ctx.now());
  return { body: {}, write: true };
}

function cancelAll(ctx: ApiContext, req: ApiRequest): ApiResult {
  advanceRuns(ctx.state, ctx.now(), ctx.stepMs);
  const jobId = req.body.job_id === undefined ? undefined : parseId(req.body.job_id, "job_id");
  const queuedOnly = req.body.all_queued_runs === true;
  if (jobId === undefined && !queuedOnly)
    throw invalidParameter("Either job_id or all_queued_runs must be specified.");
  if (jobId !== undefined) requireJob(ctx.state, jobId);
  for (const run of Object.values(ctx.state.runs)) {
    if (jobId !== undefined && run.job_id !== jobId) continue;
    if (queuedOnly && run.phase !== "QUEUED") continue;
    cancelRun(run, ctx.now());
  }
  return { body: {}, write: true };
}

function deleteRun(ctx: ApiContext, req: ApiRequest): ApiResult {
  const run = requireRun(ctx, parseId(req.body.run_id, "run_id"));
  if (isActive(run))
    throw invalidState(`Run ${run.run_id} is active and cannot be deleted. Cancel it first.`);
  delete ctx.state.runs[String(run.run_id)];
  return { body: {}, write: true };
}

function runOutput(ctx: ApiContext, req: ApiRequest): ApiResult {
  const runId = parseId(req.query.get("run_id") ?? undefined, "run_id");
  advanceRuns(ctx.state, ctx.now(), ctx.stepMs);
  const output = renderRunOutput(ctx.state, runId, ctx.baseUrl);
  if (!output) throw invalidParameter(`Run ${runId} does not exist.`);
  return { body: output };
}

export type Handler = (ctx: ApiContext, req: ApiRequest) => ApiResult;

/** `METHOD name` → handler, where name is the path after `/api/2.x/jobs/`. */
export const JOBS_ROUTES: Record<string, Handler> = {
  "POST create": createJob,
  "GET get": getJob,
  "GET list": listJobs,
  "POST update": updateJob,
  "POST reset": resetJob,
  "POST delete": deleteJob,
  "POST run-now": runNow,
  "POST runs/submit": submitRun,
  "GET runs/get": getRun,
  "GET runs/list": listRuns,
  "POST runs/cancel": cancel,
  "POST runs/cancel-all": cancelAll,
  "POST runs/delete": deleteRun,
  "GET runs/get-output": runOutput,
};
