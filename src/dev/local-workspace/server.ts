/**
 * The HTTP layer of the local workspace: routing, Bearer auth, JSON bodies, rate limiting, fault injection, per-endpoint
 * call counters, and saving the state after every write (before the answer is sent).
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonObject } from "../../domain/model.js";
import * as catalog from "./catalog-api.js";
import { malformedRequest, ServiceError } from "./errors.js";
import type { FaultSet } from "./faults.js";
import { parseFaultRule } from "./faults.js";
import { JOBS_ROUTES, type ApiContext, type ApiResult } from "./jobs-api.js";
import * as permissions from "./permissions-api.js";
import { isObject } from "../../domain/json.js";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ServerDeps {
  ctx: ApiContext;
  token: string;
  faults: FaultSet;
  rateLimitPerSecond?: number;
  rateLimitScope: "all" | "writes";
  save(): Promise<void>;
  stats: Map<string, number>;
  counters: { calls: number };
}

type Route = (body: JsonObject, query: URLSearchParams) => ApiResult;

function findRoute(deps: ServerDeps, method: string, path: string): Route | undefined {
  const { ctx } = deps;
  const { state } = ctx;
  let m = /^\/api\/2\.([12])\/jobs\/(.+)$/.exec(path);
  if (m) {
    const handler = JOBS_ROUTES[`${method} ${m[2]}`];
    const version = m[1] === "1" ? "2.1" : "2.2";
    return handler && ((body, query) => handler(ctx, { method, path, query, body, version }));
  }
  m = /^\/api\/2\.0\/permissions\/jobs\/([^/]+)(\/permissionLevels)?$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]);
    if (m[2]) return method === "GET" ? () => ({ body: permissions.permissionLevels(state, id) }) : undefined;
    if (method === "GET") return () => ({ body: permissions.getPermissions(state, id) });
    if (method === "PUT")
      return (body) => ({ body: permissions.setPermissions(state, id, body), write: true });
    if (method === "PATCH")
      return (body) => ({ body: permissions.updatePermissions(state, id, body), write: true });
    return undefined;
  }
  m = /^\/api\/2\.[01]\/clusters\/([a-z-]+)$/.exec(path);
  if (m && method === "GET") {
    switch (m[1]) {
      case "spark-versions":
        return () => ({ body: catalog.sparkVersions(state) });
      case "list-node-types":
        return () => ({ body: catalog.listNodeTypes(state) });
      case "list":
        return () => ({ body: catalog.listClusters(state) });
      case "get":
        return (_b, query) => ({ body: catalog.getCluster(state, query) });
    }
    return undefined;
  }
  if (method === "GET" && path === "/api/2.0/policies/clusters/list")
    return () => ({ body: catalog.listPolicies(state) });
  if (method === "GET" && path === "/api/2.0/policies/clusters/get")
    return (_b, query) => ({ body: catalog.getPolicy(state, query) });
  m = /^\/api\/2\.0\/workspace\/([a-z-]+)$/.exec(path);
  if (m) {
    const op = `${method} ${m[1]}`;
    switch (op) {
      case "GET get-status":
        return (_b, query) => ({ body: catalog.getStatus(state, query) });
      case "GET list":
        return (_b, query) => ({ body: catalog.listObjects(state, query) });
      case "GET export":
        return (_b, query) => ({ body: catalog.exportObject(state, query) });
      case "POST mkdirs":
        return (body) => ({ body: catalog.mkdirs(state, body, ctx.now()), write: true });
      case "POST import":
        return (body) => ({ body: catalog.importObject(state, body, ctx.now()), write: true });
      case "POST delete":
        return (body) => ({ body: catalog.deleteObject(state, body), write: true });
    }
    return undefined;
  }
  if (method === "GET" && path === "/api/2.0/sql/warehouses")
    return () => ({ body: catalog.listWarehouses(state, ctx.baseUrl) });
  m = /^\/api\/2\.0\/sql\/warehouses\/([^/]+)$/.exec(path);
  if (m && method === "GET") {
    const id = decodeURIComponent(m[1]);
    return () => ({ body: catalog.getWarehouse(state, id, ctx.baseUrl) });
  }
  if (method === "GET" && path === "/api/2.0/pipelines")
    return () => ({ body: catalog.listPipelines(state) });
  m = /^\/api\/2\.0\/pipelines\/([^/]+)$/.exec(path);
  if (m && method === "GET") {
    const id = decodeURIComponent(m[1]);
    return () => ({ body: catalog.getPipeline(state, id) });
  }
  if (method === "GET" && path === "/api/2.0/preview/scim/v2/Me") return () => ({ body: catalog.me(state) });
  return undefined;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ServiceError): void {
  send(res, error.status, { error_code: error.errorCode, message: error.message }, error.headers);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new ServiceError(
            400,
            "INVALID_PARAMETER_VALUE",
            `The request body exceeds the ${MAX_BODY_BYTES / 1024 / 1024} MB limit.`,
          ),
        );
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJsonBody(text: string): JsonObject {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformedRequest(
      `Invalid JSON given in the body of the request - failed to parse given JSON (${(error as Error).message})`,
    );
  }
  if (!isObject(parsed))
    throw malformedRequest("Invalid JSON given in the body of the request - expected a map");
  return parsed;
}

function tokenMatches(header: string | undefined, token: string): "ok" | "missing" | "invalid" {
  if (!header) return "missing";
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return "missing";
  const given = Buffer.from(m[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? "ok" : "invalid";
}

const STATUS_CODES: Record<number, string> = {
  429: "REQUEST_LIMIT_EXCEEDED",
  500: "INTERNAL_ERROR",
  501: "NOT_IMPLEMENTED",
  502: "BAD_GATEWAY",
  503: "TEMPORARILY_UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Test-control endpoints: /__faults (GET list, POST add a rule, DELETE clear) and /__stats (GET, DELETE reset). */
async function handleControl(
  deps: ServerDeps,
  method: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (path === "/__faults") {
    if (method === "GET") return send(res, 200, { faults: deps.faults.list() });
    if (method === "DELETE") {
      deps.faults.clear();
      return send(res, 200, {});
    }
    if (method === "POST") {
      try {
        const body: unknown = JSON.parse((await readBody(req)) || "null");
        const rules = Array.isArray(body) ? body : [body];
        const parsed = rules.map((r) => parseFaultRule(r));
        for (const rule of parsed) deps.faults.add(rule);
        return send(res, 200, { faults: deps.faults.list() });
      } catch (error) {
        return send(res, 400, {
          error_code: "INVALID_PARAMETER_VALUE",
          message: `Invalid fault rule: ${(error as Error).message}`,
        });
      }
    }
  }
  if (path === "/__stats") {
    if (method === "GET")
      return send(res, 200, { calls: deps.counters.calls, endpoints: Object.fromEntries(deps.stats) });
    if (method === "DELETE") {
      deps.stats.clear();
      deps.counters.calls = 0;
      return send(res, 200, {});
    }
  }
  return send(res, 404, {
    error_code: "ENDPOINT_NOT_FOUND",
    message: `No API found for '${method} ${path}'`,
  });
}

export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const recent: number[] = [];
  return (req, res) => {
    void (async () => {
      const method = (req.method ?? "GET").toUpperCase();
      const url = new URL(req.url ?? "/", "http://local");
      const path = url.pathname;
      const auth = tokenMatches(req.headers.authorization, deps.token);
      if (path.startsWith("/__")) {
        if (auth !== "ok")
          return send(res, 401, {
            error_code: "UNAUTHENTICATED",
            message: "Credential was not sent or was of an unsupported type for this API.",
          });
        return handleControl(deps, method, path, req, res);
      }
      deps.counters.calls += 1;
      const key = `${method} ${path}`;
      deps.stats.set(key, (deps.stats.get(key) ?? 0) + 1);

      const fault = deps.faults.pick(method, path);
      if (fault?.kind === "drop") {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "delay") await sleep(fault.delayMs ?? 0);
      if (fault?.kind === "status") {
        const status = fault.status ?? 500;
        const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
        await readBody(req).catch(() => "");
        return send(
          res,
          status,
          {
            error_code: STATUS_CODES[status] ?? `HTTP_${status}`,
            message: `Injected fault: the local workspace answers ${status} for ${method} ${path}.`,
          },
          retryAfter !== undefined ? { "Retry-After": String(retryAfter) } : {},
        );
      }

      if (auth === "missing")
        return send(res, 401, {
          error_code: "UNAUTHENTICATED",
          message: "Credential was not sent or was of an unsupported type for this API.",
        });
      if (auth === "invalid")
        return send(res, 403, { error_code: "PERMISSION_DENIED", message: "Invalid access token." });

      const isWrite = method !== "GET" && method !== "HEAD";
      if (deps.rateLimitPerSecond !== undefined && (deps.rateLimitScope === "all" || isWrite)) {
        const now = Date.now();
        while (recent.length > 0 && now - recent[0] >= 1000) recent.shift();
        if (recent.length >= deps.rateLimitPerSecond) {
          const wait = Math.max(1, Math.ceil((1000 - (now - recent[0])) / 1000));
          deps.stats.set(`429 ${key}`, (deps.stats.get(`429 ${key}`) ?? 0) + 1);
          await readBody(req).catch(() => "");
          return send(
            res,
            429,
            {
              error_code: "REQUEST_LIMIT_EXCEEDED",
              message: `Too many requests: the limit is ${deps.rateLimitPerSecond} requests per second. Retry after ${wait} s.`,
            },
            { "Retry-After": String(wait) },
          );
        }
        recent.push(now);
      }

      try {
        const route = findRoute(deps, method, path);
        const text = await readBody(req);
        if (!route) throw new ServiceError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${path}'`);
        const body = method === "POST" || method === "PUT" || method === "PATCH" ? parseJsonBody(text) : {};
        const result = route(body, url.searchParams);
        if (result.write) await deps.save();
        if (fault?.kind === "drop-after-commit") {
          req.socket.destroy();
          return;
        }
        send(res, result.status ?? 200, result.body);
      } catch (error) {
        if (error instanceof ServiceError) return sendError(res, error);
        send(res, 500, {
          error_code: "INTERNAL_ERROR",
          message: `The local workspace failed on ${method} ${path}: ${(error as Error).message}`,
        });
      }
    })().catch((error: unknown) => {
      send(res, 500, {
        error_code: "INTERNAL_ERROR",
        message: `The local workspace failed: ${(error as Error).message}`,
      });
    });
  };
}
