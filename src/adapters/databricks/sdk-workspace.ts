/**
 * The Workspace port implemented with the official Databricks SDK (@databricks/sdk-experimental 0.17).
 *
 * The SDK on its own retries only HTTP 429, ignores Retry-After and keeps retrying for up to 300 s; it does not retry
 * 503 or dropped connections, and it cannot tell a caller whether a failed write happened. This adapter therefore:
 * - lets the SDK make exactly one attempt per call (its retry window is set to a millisecond) and retries itself,
 *   a bounded number of times within a time budget, with exponential backoff and jitter, honouring Retry-After;
 * - retries reads on 429, 5xx and dropped connections; retries writes only on 429 and 503 (the service did not run
 *   them); a write whose connection dropped after sending, or that got 500/502/504, throws AmbiguousWriteError so the
 *   caller reconciles by reading;
 * - turns every other API error into WorkspaceApiError(message, errorCode, statusCode, operation).
 * Status codes and Retry-After headers (which the SDK discards) are observed through the HTTP agent the SDK is given.
 * The token is never part of an error message.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ClientRequest, IncomingMessage } from "node:http";
import * as http from "node:http";
import * as https from "node:https";
import {
  ApiError,
  Config,
  Context as ContextClass,
  createSdkClient,
  type ContextItems,
} from "./sdk-client.js";
import type { JobSettings, JsonObject, WorkspaceJob } from "../../domain/model.js";
import {
  AmbiguousWriteError,
  WorkspaceApiError,
  type ListJobsOptions,
  type NodeType,
  type RunState,
  type SparkVersion,
  type Workspace,
  type WorkspaceObject,
} from "./port.js";
import { isObject } from "../../domain/json.js";
import { RateLimiter } from "./rate-limit.js";

export interface SdkWorkspaceOptions {
  host: string;
  /**
   * Personal access / service principal token. Without one, the SDK's unified auth resolves credentials from the
   * environment and the config file (DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET, DATABRICKS_CONFIG_PROFILE,
   * ~/.databrickscfg, Azure CLI, …) — requested explicitly with `unifiedAuth: true`.
   */
  token?: string;
  /** Let the SDK resolve credentials (only used when no token is given). */
  unifiedAuth?: boolean;
  /** A Databricks config profile (`~/.databrickscfg`) the unified auth reads its credentials from. */
  profile?: string;
  /** Upper bound on retries for one call (retriable failures). Default 5. */
  maxRetries?: number;
  /** Overall time budget for one call including retries (ms). Default 120 000. */
  timeoutMs?: number;
  /** Time limit of a single HTTP attempt (ms). Default 30 000 (and never more than timeoutMs). */
  attemptTimeoutMs?: number;
  /** First backoff delay (ms); doubled per retry, with jitter. Default 250. */
  baseDelayMs?: number;
  /** Largest backoff delay when no Retry-After is given (ms). Default 8 000. */
  maxDelayMs?: number;
  /** Known request limits per second (like the Go SDK's rate_limit); otherwise learned from 429 answers. */
  rateLimitPerSecond?: { read?: number; write?: number };
}

/** What the HTTP agent saw for the current call (one per attempt). */
interface AttemptTrace {
  status?: number;
  retryAfterMs?: number;
  respondedAt?: number;
  /** The request body was handed to the socket completely. */
  sent: boolean;
}

import { PAGED_ARRAYS } from "../../domain/field-behaviour.js";
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

type AgentWithAddRequest = { addRequest(this: http.Agent, req: ClientRequest, options: unknown): void };

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The workspace URL of a Databricks config profile, read as the Databricks CLI reads it (`~/.databrickscfg`, or the
 * file DATABRICKS_CONFIG_FILE names). Throws an Error saying what is missing.
 */
export async function hostOfProfile(profile: string): Promise<{ host: string; secrets: string[] }> {
  const config = new Config({ profile, retryTimeoutSeconds: 0.001, logger: SILENT_SDK_LOGGER });
  try {
    await config.ensureResolved();
  } catch (error) {
    throw new Error((error as Error).message.replace(/^resolve: /, ""), { cause: error });
  }
  if (!config.host)
    throw new Error(
      `no host for the config profile "${profile}" (${config.configFile ?? "~/.databrickscfg"} is missing, or its [${profile}] section has no host)`,
    );
  const secrets = [config.token, config.clientSecret, config.password, config.azureClientSecret];
  return {
    host: config.host,
    secrets: secrets.filter((v): v is string => typeof v === "string" && v !== ""),
  };
}

/** The SDK's logger interface as its calls use it (`context.logger?.debug / info / warn / error`), saying nothing. */
const SILENT_SDK_LOGGER = {
  debug() {},
  info() {},
  warn() {},
  error() {},
} as unknown as ContextItems["logger"];

/** An http(s) agent that records, for the call running in `traces`' context, the status and Retry-After of answers. */
function tracingAgent(
  protocol: string,
  traces: AsyncLocalStorage<AttemptTrace>,
  onRequest: () => void,
): http.Agent {
  const Base = protocol === "https:" ? https.Agent : http.Agent;
  const base = Base.prototype as unknown as AgentWithAddRequest;
  class TracingAgent extends Base {
    addRequest(req: ClientRequest, options: unknown): void {
      onRequest();
      const trace = traces.getStore();
      if (trace) {
        req.prependListener("response", (res: IncomingMessage) => {
          trace.status = res.statusCode;
          trace.retryAfterMs = parseRetryAfter(res.headers["retry-after"]);
          trace.respondedAt = Date.now();
        });
        req.once("finish", () => {
          trace.sent = true;
        });
      }
      base.addRequest.call(this, req, options);
    }
  }
  return new TracingAgent({ keepAlive: true, keepAliveMsecs: 15_000 });
}

class Cancellation {
  isCancellationRequested = false;
  private listeners: Array<() => void> = [];
  onCancellationRequested = (listener: () => void): void => {
    this.listeners.push(listener);
  };
  cancel(): void {
    this.isCancellationRequested = true;
    for (const listener of this.listeners) listener();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function networkCode(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || code === "ECONNREFUSED")) return code;
  const message = (error as Error).message ?? "";
  if (/socket hang up/i.test(message)) return "ECONNRESET";
  if ((error as Error).name === "AbortError") return "ATTEMPT_TIMEOUT";
  return undefined;
}

type Kind = "read" | "write";

export function createSdkWorkspace(options: SdkWorkspaceOptions): Workspace {
  if (!options.host)
    throw new Error(
      "createSdkWorkspace: option host is required (e.g. https://adb-123.azuredatabricks.net or http://127.0.0.1:PORT)",
    );
  if (!options.token && !options.unifiedAuth)
    throw new Error(
      "createSdkWorkspace: option token is required (a Databricks personal access token), or unifiedAuth: true to let the SDK resolve credentials",
    );
  let hostUrl: URL;
  try {
    hostUrl = new URL(options.host);
  } catch {
    throw new Error(
      `createSdkWorkspace: option host '${options.host}' is not a URL; use https://<workspace-host> or http://127.0.0.1:PORT`,
    );
  }
  const host = options.host.replace(/\/+$/, "");
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const attemptTimeoutMs = Math.min(options.attemptTimeoutMs ?? 30_000, timeoutMs);
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 8_000;

  const traces = new AsyncLocalStorage<AttemptTrace>();
  let callCount = 0;
  const agent = tracingAgent(hostUrl.protocol, traces, () => {
    callCount += 1;
  });
  const config = options.token
    ? new Config({
        host,
        token: options.token,
        authType: "pat",
        // Explicit configuration only: never read DATABRICKS_* variables or ~/.databrickscfg behind the caller's back.
        loaders: [],
        // One attempt per SDK call; this adapter does the retrying (the SDK ignores Retry-After).
        retryTimeoutSeconds: 0.001,
      })
    : // Unified auth: the SDK's own loaders (environment, config file) and credential providers pick the method.
      new Config({
        host,
        retryTimeoutSeconds: 0.001,
        ...(options.profile ? { profile: options.profile } : {}),
      });
  const client = createSdkClient(config, { agent, product: "jobagent", productVersion: "0.1.0" });

  // When the workspace answers 429, requests of that kind (reads or writes) wait for Retry-After and are then paced
  // at the limit learned from it, so concurrent callers slow down together instead of hammering the limit.
  const limiter = new RateLimiter(options.rateLimitPerSecond ?? {});
  /** Folders this client made (or found) with mkdirs. */
  const madeFolders = new Set<string>();
  // Rate-limit answers say "come back later": they are retried within the time budget, up to this many times,
  // separately from the retries of real failures.
  const maxRateLimitRetries = Math.max(maxRetries, 60);

  async function call<T>(
    operation: string,
    kind: Kind,
    fn: (context: { cancellationToken: Cancellation }) => Promise<T>,
    /** A write whose repetition has the same effect (mkdirs, import with overwrite): retried like a read. */
    repeatable = false,
  ): Promise<T> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    let rateLimited = 0;
    for (let attempt = 0; ; attempt++) {
      const ticket = await limiter.acquire(kind);
      if (Date.now() > deadline) {
        throw new WorkspaceApiError(
          `${operation}: waited for the workspace's rate limit past the ${timeoutMs} ms time budget`,
          "REQUEST_LIMIT_EXCEEDED",
          429,
          operation,
        );
      }
      const trace: AttemptTrace = { sent: false };
      const cancellation = new Cancellation();
      const remaining = deadline - Date.now();
      const timer = setTimeout(
        () => cancellation.cancel(),
        Math.max(1, Math.min(attemptTimeoutMs, remaining)),
      );
      let failure: { retriable: boolean; error: Error; retryAfterMs?: number; respondedAt?: number };
      try {
        const result = await traces.run(trace, () => fn({ cancellationToken: cancellation }));
        limiter.answered(ticket, trace.respondedAt);
        return result;
      } catch (error) {
        failure = classify(operation, repeatable ? "read" : kind, error, trace);
        if (trace.status === 429) limiter.refused(ticket, trace.retryAfterMs, trace.respondedAt);
        else if (trace.status !== undefined) limiter.answered(ticket, trace.respondedAt);
      } finally {
        clearTimeout(timer);
      }
      if (!failure.retriable) throw failure.error;
      const isRateLimit = failure.error instanceof WorkspaceApiError && failure.error.statusCode === 429;
      if (isRateLimit) rateLimited += 1;
      const elapsedSinceAnswer = failure.respondedAt ? Date.now() - failure.respondedAt : 0;
      const backoff =
        Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - rateLimited)) * (0.5 + Math.random() * 0.5);
      const wait =
        failure.retryAfterMs !== undefined
          ? Math.max(0, failure.retryAfterMs - elapsedSinceAnswer) + Math.random() * 100
          : backoff;
      if (isRateLimit ? rateLimited > maxRateLimitRetries : attempt - rateLimited >= maxRetries) {
        throw giveUp(operation, failure.error, `gave up after ${attempt + 1} attempts`);
      }
      if (Date.now() + wait > deadline) {
        throw giveUp(
          operation,
          failure.error,
          `gave up after ${attempt + 1} attempts: the next retry (in ${Math.round(wait)} ms) would pass the ${timeoutMs} ms time budget`,
        );
      }
      // A 429's Retry-After is held by the rate limiter (for every request of this kind); other waits are this call's.
      await sleep(isRateLimit && failure.retryAfterMs !== undefined ? 0 : wait);
    }
  }

  function giveUp(operation: string, last: Error, why: string): Error {
    if (last instanceof WorkspaceApiError) {
      return new WorkspaceApiError(
        `${operation}: ${why}; last answer: ${last.message}`,
        last.errorCode,
        last.statusCode,
        operation,
      );
    }
    return new WorkspaceApiError(
      `${operation}: ${why}; last error: ${last.message}`,
      "NETWORK_ERROR",
      0,
      operation,
    );
  }

  function classify(
    operation: string,
    kind: Kind,
    error: unknown,
    trace: AttemptTrace,
  ): { retriable: boolean; error: Error; retryAfterMs?: number; respondedAt?: number } {
    const status = error instanceof ApiError ? error.statusCode : trace.status;
    if (status !== undefined && status >= 400) {
      const apiError =
        error instanceof ApiError
          ? new WorkspaceApiError(
              `${operation}: ${error.message} (HTTP ${status} ${String(error.errorCode)})`,
              String(error.errorCode),
              status,
              operation,
            )
          : new WorkspaceApiError(
              `${operation}: HTTP ${status}${status === 429 ? " REQUEST_LIMIT_EXCEEDED (rate limited)" : ""}`,
              status === 429 ? "REQUEST_LIMIT_EXCEEDED" : `HTTP_${status}`,
              status,
              operation,
            );
      const retry = { retryAfterMs: trace.retryAfterMs, respondedAt: trace.respondedAt };
      if (status === 429 || status === 503) return { retriable: true, error: apiError, ...retry };
      if (status === 500 || status === 502 || status === 504) {
        if (kind === "read") return { retriable: true, error: apiError, ...retry };
        return {
          retriable: false,
          error: new AmbiguousWriteError(
            `${operation}: the workspace answered HTTP ${status} after the request was sent; the change may or may not have been applied (read the workspace to find out). ${apiError.message}`,
            operation,
          ),
        };
      }
      return { retriable: false, error: apiError };
    }
    const code = networkCode(error);
    if (code) {
      const message = (error as Error).message || code;
      const networkError = new WorkspaceApiError(
        `${operation}: connection failed (${code}: ${message}) talking to ${host}`,
        "NETWORK_ERROR",
        0,
        operation,
      );
      if (kind === "read" || code === "ECONNREFUSED" || !trace.sent) {
        // Reads are safe to repeat; a write that never reached the server (refused, or not fully sent) did not happen.
        return { retriable: true, error: networkError };
      }
      return {
        retriable: false,
        error: new AmbiguousWriteError(
          `${operation}: the connection to ${host} was lost (${code}) after the request was sent; the change may or may not have been applied (read the workspace to find out).`,
          operation,
        ),
      };
    }
    if (error instanceof Error)
      return {
        retriable: false,
        error: new WorkspaceApiError(`${operation}: ${error.message}`, "CLIENT_ERROR", 0, operation),
      };
    return {
      retriable: false,
      error: new WorkspaceApiError(`${operation}: ${String(error)}`, "CLIENT_ERROR", 0, operation),
    };
  }

  const isMissing = (error: unknown): boolean =>
    error instanceof WorkspaceApiError &&
    (error.statusCode === 404 ||
      (error.statusCode === 400 &&
        error.errorCode === "INVALID_PARAMETER_VALUE" &&
        /does not exist/i.test(error.message)));

  async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** apiClient.request: still the SDK (auth, headers, error parsing), for calls whose typed method does not fit. */
  function request(
    method: "GET" | "POST" | "PUT",
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    payload?: JsonObject,
  ) {
    return (context: { cancellationToken: Cancellation }) => {
      const headers = new Headers({ Accept: "application/json" });
      if (payload !== undefined) headers.set("Content-Type", "application/json");
      const cleanQuery = Object.fromEntries(
        Object.entries(query).filter(([, v]) => v !== undefined),
      ) as Record<string, string | number | boolean>;
      return client.apiClient.request(
        { path, method, headers, raw: false, query: cleanQuery, payload },
        contextOf(context),
      ) as Promise<JsonObject>;
    };
  }

  // The SDK's Context copies items, including the cancellation token, into each call. Its own logger is replaced by
  // a silent one: the SDK's default logs every answer at debug level — a deep redacting copy of the whole response
  // (100 jobs' settings per jobs/list page), then JSON text — into a stream that discards it (6 % of a re-plan of
  // 10,000 jobs). This adapter reports errors itself.
  const contextOf = (context: { cancellationToken: Cancellation }) =>
    new ContextClass({ cancellationToken: context.cancellationToken, logger: SILENT_SDK_LOGGER });

  const workspace: Workspace = {
    host,
    get callCount() {
      return callCount;
    },
    requestStats() {
      return { requests: callCount, ...limiter.stats() };
    },

    async *listJobs(listOptions: ListJobsOptions = {}): AsyncIterable<WorkspaceJob> {
      let pageToken: string | undefined;
      for (;;) {
        const page = await call(
          "jobs/list",
          "read",
          request("GET", "/api/2.2/jobs/list", {
            limit: 100,
            expand_tasks: listOptions.expandTasks ? true : undefined,
            name: listOptions.name,
            page_token: pageToken,
          }),
        );
        const jobs = Array.isArray(page.jobs) ? (page.jobs as WorkspaceJob[]) : [];
        for (const job of jobs) yield job;
        if (jobs.length === 0 || typeof page.next_page_token !== "string" || page.next_page_token === "")
          return;
        pageToken = page.next_page_token;
      }
    },

    async getJob(jobId: number): Promise<WorkspaceJob | undefined> {
      const first = await orUndefined(
        call("jobs/get", "read", (ctx) => client.jobs.get({ job_id: jobId }, contextOf(ctx))),
      );
      if (!first) return undefined;
      const job = first as unknown as WorkspaceJob & { next_page_token?: string; has_more?: boolean };
      const settings: JobSettings = { ...(job.settings ?? {}) };
      let token = job.next_page_token;
      let pages = 1;
      while (token) {
        const pageToken: string = token;
        const next = (await call("jobs/get", "read", (ctx) =>
          client.jobs.get({ job_id: jobId, page_token: pageToken }, contextOf(ctx)),
        )) as unknown as {
          settings?: JobSettings;
          next_page_token?: string;
        };
        for (const field of PAGED_ARRAYS) {
          const more = next.settings?.[field];
          if (Array.isArray(more) && more.length > 0)
            settings[field] = [...((settings[field] as unknown[]) ?? []), ...more] as never;
        }
        token = next.next_page_token;
        if (++pages > 1000)
          throw new WorkspaceApiError(
            `jobs/get: job ${jobId} returned more than 1000 pages; stopping`,
            "CLIENT_ERROR",
            0,
            "jobs/get",
          );
      }
      const out: WorkspaceJob = { ...job, settings };
      delete (out as { next_page_token?: string }).next_page_token;
      delete (out as { has_more?: boolean }).has_more;
      return out;
    },

    async createJob(settings: JobSettings): Promise<number> {
      // apiClient.request rather than jobs.create: the typed method silently drops top-level fields it does not know
      // (e.g. `triggers`, `parent_path`), which would make the created job differ from the planned one.
      const response = await call(
        "jobs/create",
        "write",
        request("POST", "/api/2.2/jobs/create", {}, settings),
      );
      const jobId = Number(response.job_id);
      if (!Number.isSafeInteger(jobId))
        throw new WorkspaceApiError(
          `jobs/create: the workspace answered without a job_id (${JSON.stringify(response)})`,
          "CLIENT_ERROR",
          0,
          "jobs/create",
        );
      return jobId;
    },

    async updateJob(jobId: number, newSettings: JobSettings, fieldsToRemove: string[]): Promise<void> {
      await call("jobs/update", "write", (ctx) =>
        client.jobs.update(
          {
            job_id: jobId,
            new_settings: newSettings as never,
            ...(fieldsToRemove.length > 0 ? { fields_to_remove: fieldsToRemove } : {}),
          },
          contextOf(ctx),
        ),
      );
    },

    async resetJob(jobId: number, newSettings: JobSettings): Promise<void> {
      await call("jobs/reset", "write", (ctx) =>
        client.jobs.reset({ job_id: jobId, new_settings: newSettings as never }, contextOf(ctx)),
      );
    },

    async deleteJob(jobId: number): Promise<void> {
      await call("jobs/delete", "write", (ctx) => client.jobs.delete({ job_id: jobId }, contextOf(ctx)));
    },

    async runNow(jobId, runRequest): Promise<{ run_id: number }> {
      // jobs.runNow returns a waiter; only its response is used (the caller polls getRun with its own budget).
      const waiter = await call("jobs/run-now", "write", (ctx) =>
        client.jobs.runNow(
          {
            job_id: jobId,
            ...(runRequest.job_parameters ? { job_parameters: runRequest.job_parameters } : {}),
            ...(runRequest.only ? { only: runRequest.only } : {}),
            ...(runRequest.idempotency_token ? { idempotency_token: runRequest.idempotency_token } : {}),
          },
          contextOf(ctx),
        ),
      );
      return { run_id: Number((waiter as unknown as { run_id: number }).run_id) };
    },

    async getRun(runId: number): Promise<RunState> {
      const run = (await call("jobs/runs/get", "read", (ctx) =>
        client.jobs.getRun({ run_id: runId }, contextOf(ctx)),
      )) as unknown as JsonObject;
      const state = isObject(run.state) ? run.state : {};
      const tasks = Array.isArray(run.tasks) ? (run.tasks as JsonObject[]) : [];
      return {
        run_id: Number(run.run_id),
        ...(run.job_id !== undefined ? { job_id: Number(run.job_id) } : {}),
        life_cycle_state: String(state.life_cycle_state ?? "UNKNOWN"),
        ...(state.result_state !== undefined ? { result_state: String(state.result_state) } : {}),
        ...(state.state_message !== undefined ? { state_message: String(state.state_message) } : {}),
        ...(typeof run.run_page_url === "string" ? { run_page_url: run.run_page_url } : {}),
        tasks: tasks.map((t) => {
          const s = isObject(t.state) ? t.state : {};
          return {
            task_key: String(t.task_key),
            run_id: Number(t.run_id),
            life_cycle_state: String(s.life_cycle_state ?? "UNKNOWN"),
            ...(s.result_state !== undefined ? { result_state: String(s.result_state) } : {}),
            ...(s.state_message !== undefined ? { state_message: String(s.state_message) } : {}),
          };
        }),
      };
    },

    async listNodeTypes(): Promise<NodeType[]> {
      const response = await call("clusters/list-node-types", "read", (ctx) =>
        client.clusters.listNodeTypes(contextOf(ctx)),
      );
      return (response.node_types ?? []) as NodeType[];
    },

    async listSparkVersions(): Promise<SparkVersion[]> {
      const response = await call("clusters/spark-versions", "read", (ctx) =>
        client.clusters.sparkVersions(contextOf(ctx)),
      );
      return (response.versions ?? []).map((v) => ({ key: String(v.key), name: String(v.name) }));
    },

    async getObjectStatus(path: string): Promise<WorkspaceObject | undefined> {
      const info = await orUndefined(
        call("workspace/get-status", "read", (ctx) => client.workspace.getStatus({ path }, contextOf(ctx))),
      );
      if (!info) return undefined;
      return {
        ...(info as JsonObject),
        path: String(info.path ?? path),
        object_type: String(info.object_type),
      };
    },

    async listWarehouses() {
      const response = await call("sql/warehouses", "read", request("GET", "/api/2.0/sql/warehouses", {}));
      const warehouses = Array.isArray(response.warehouses) ? (response.warehouses as JsonObject[]) : [];
      return warehouses.map((w) => ({
        ...w,
        id: String(w.id),
        name: String(w.name),
        ...(w.warehouse_type !== undefined ? { warehouse_type: String(w.warehouse_type) } : {}),
        ...(w.enable_serverless_compute !== undefined
          ? { enable_serverless_compute: Boolean(w.enable_serverless_compute) }
          : {}),
      }));
    },

    async getPipeline(pipelineId: string) {
      const pipeline = await orUndefined(
        call("pipelines/get", "read", (ctx) =>
          client.pipelines.get({ pipeline_id: pipelineId }, contextOf(ctx)),
        ),
      );
      if (!pipeline) return undefined;
      return {
        ...(pipeline as JsonObject),
        pipeline_id: String(pipeline.pipeline_id ?? pipelineId),
        ...(pipeline.name !== undefined ? { name: pipeline.name } : {}),
        ...(pipeline.spec?.continuous !== undefined ? { continuous: Boolean(pipeline.spec.continuous) } : {}),
      };
    },

    async getCluster(clusterId: string) {
      const cluster = await orUndefined(
        call("clusters/get", "read", (ctx) => client.clusters.get({ cluster_id: clusterId }, contextOf(ctx))),
      );
      if (!cluster) return undefined;
      return { ...(cluster as JsonObject), cluster_id: String(cluster.cluster_id ?? clusterId) };
    },

    async listClusterPolicies() {
      const response = await call(
        "policies/clusters/list",
        "read",
        request("GET", "/api/2.0/policies/clusters/list", {}),
      );
      const policies = Array.isArray(response.policies) ? (response.policies as JsonObject[]) : [];
      return policies.map((p) => ({ ...p, policy_id: String(p.policy_id), name: String(p.name) }));
    },

    async getJobPermissions(jobId: number): Promise<JsonObject> {
      return (await call("permissions/jobs/get", "read", (ctx) =>
        client.jobs.getPermissions({ job_id: String(jobId) }, contextOf(ctx)),
      )) as unknown as JsonObject;
    },

    async setJobPermissions(jobId: number, accessControlList: JsonObject[]): Promise<void> {
      // PUT (setPermissions): the SDK never sends PATCH bodies, so updatePermissions cannot be used.
      await call("permissions/jobs/set", "write", (ctx) =>
        client.jobs.setPermissions(
          { job_id: String(jobId), access_control_list: accessControlList as never },
          contextOf(ctx),
        ),
      );
    },

    async createFileIfAbsent(path: string, content: string): Promise<boolean> {
      try {
        await inParent(path, () => importFile(path, content, false));
        return true;
      } catch (error) {
        if (error instanceof WorkspaceApiError && error.errorCode === "RESOURCE_ALREADY_EXISTS") return false;
        // The answer was lost: the file is ours exactly when it holds what we sent.
        if (error instanceof AmbiguousWriteError) return (await workspace.readFile(path)) === content;
        throw error;
      }
    },

    async writeFile(path: string, content: string): Promise<void> {
      await inParent(path, () => importFile(path, content, true));
    },

    async readFile(path: string): Promise<string | undefined> {
      const response = await orUndefined(
        call("workspace/export", "read", (ctx) =>
          client.workspace.export({ path, format: "AUTO" as never }, contextOf(ctx)),
        ),
      );
      if (!response) return undefined;
      return Buffer.from(String(response.content ?? ""), "base64").toString("utf8");
    },

    async deleteFile(path: string, expected?: string): Promise<boolean> {
      for (let attempt = 1; ; attempt++) {
        try {
          const done = await orUndefined(
            call("workspace/delete", "write", (ctx) => client.workspace.delete({ path }, contextOf(ctx))),
          );
          return done !== undefined;
        } catch (error) {
          if (!(error instanceof AmbiguousWriteError) || attempt >= 3) throw error;
          const now = await workspace.readFile(path);
          if (now === undefined || (expected !== undefined && now !== expected)) return true;
        }
      }
    },
  };
  return workspace;

  /**
   * Runs a write of a file after making its folder — once per folder for this client: the apply lock and the
   * ownership ledger are written many times into one folder. A folder deleted since is made again.
   */
  async function inParent(path: string, write: () => Promise<void>): Promise<void> {
    const parent = path.replace(/\/[^/]*$/, "") || "/";
    const mkdirs = () =>
      call(
        "workspace/mkdirs",
        "write",
        (ctx) => client.workspace.mkdirs({ path: parent }, contextOf(ctx)),
        true,
      );
    if (!madeFolders.has(parent)) {
      await mkdirs();
      madeFolders.add(parent);
      return write();
    }
    try {
      await write();
    } catch (error) {
      if (!(error instanceof WorkspaceApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST")) throw error;
      madeFolders.delete(parent);
      await mkdirs();
      madeFolders.add(parent);
      await write();
    }
  }

  async function importFile(path: string, content: string, overwrite: boolean): Promise<void> {
    // With overwrite the import is repeatable; without it a repeat after a lost answer says RESOURCE_ALREADY_EXISTS,
    // so it stays an ambiguous write that the caller resolves by reading the file.
    await call(
      "workspace/import",
      "write",
      (ctx) =>
        client.workspace.import(
          {
            path,
            format: "AUTO" as never,
            overwrite,
            content: Buffer.from(content, "utf8").toString("base64"),
          },
          contextOf(ctx),
        ),
      overwrite,
    );
  }
}
