/**
 * Read-mostly neighbours of the Jobs API: clusters (spark-versions, list-node-types, list, get), cluster policies,
 * workspace objects (get-status, list, mkdirs, import, export, delete), SQL warehouses, pipelines, SCIM Me.
 */
import type { JsonObject } from "../../domain/model.js";
import {
  alreadyExists,
  describeValue,
  invalidParameter,
  missingField,
  notFound,
  ServiceError,
} from "./errors.js";
import { allocateId, type StoredObject, type WorkspaceState } from "./store.js";

// ---- clusters ----

export function sparkVersions(state: WorkspaceState): JsonObject {
  return { versions: state.seed.sparkVersions.map((v) => ({ ...v })) };
}

export function listNodeTypes(state: WorkspaceState): JsonObject {
  return { node_types: state.seed.nodeTypes.map((n) => ({ ...n })) };
}

function renderCluster(
  state: WorkspaceState,
  cluster: WorkspaceState["seed"]["clusters"][number],
): JsonObject {
  return {
    ...cluster,
    creator_user_name: cluster.creator_user_name ?? state.seed.user,
    state_message: "",
    autotermination_minutes: cluster.cluster_source === "JOB" ? 0 : 120,
    spark_conf: {},
    custom_tags: {},
    default_tags: {
      Vendor: "Databricks",
      Creator: cluster.creator_user_name ?? state.seed.user,
      ClusterName: cluster.cluster_name,
      ClusterId: cluster.cluster_id,
    },
  };
}

export function listClusters(state: WorkspaceState): JsonObject {
  const clusters = state.seed.clusters.map((c) => renderCluster(state, c));
  return clusters.length > 0 ? { clusters } : {};
}

export function getCluster(state: WorkspaceState, query: URLSearchParams): JsonObject {
  const id = query.get("cluster_id");
  if (!id) throw missingField("cluster_id");
  const cluster = state.seed.clusters.find((c) => c.cluster_id === id);
  if (!cluster) throw invalidParameter(`Cluster ${id} does not exist`);
  return renderCluster(state, cluster);
}

export function listPolicies(state: WorkspaceState): JsonObject {
  const policies = state.seed.policies.map((p) => ({
    ...p,
    creator_user_name: state.seed.user,
    created_at_timestamp: 1_700_000_000_000,
  }));
  return policies.length > 0 ? { policies } : {};
}

export function getPolicy(state: WorkspaceState, query: URLSearchParams): JsonObject {
  const id = query.get("policy_id");
  if (!id) throw missingField("policy_id");
  const policy = state.seed.policies.find((p) => p.policy_id === id);
  if (!policy) throw notFound(`Cluster policy ${id} does not exist.`);
  return { ...policy, creator_user_name: state.seed.user, created_at_timestamp: 1_700_000_000_000 };
}

// ---- workspace objects ----

/** Canonical key: duplicate slashes collapsed, no trailing slash, `/Workspace/...` the same object as `/...`. */
export function canonicalPath(path: string): string {
  let p = ("/" + path).replace(/\/+/g, "/");
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  if (p === "/Workspace") return "/";
  if (p.startsWith("/Workspace/")) p = p.slice("/Workspace".length);
  return p;
}

const displayPath = (path: string): string => {
  const p = ("/" + path).replace(/\/+/g, "/");
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
};

const parentOf = (canonical: string): string => {
  const index = canonical.lastIndexOf("/");
  return index <= 0 ? "/" : canonical.slice(0, index);
};

function findObject(state: WorkspaceState, canonical: string): StoredObject | undefined {
  if (canonical === "/")
    return { path: "/", object_type: "DIRECTORY", object_id: 0, created_at: 0, modified_at: 0 };
  return state.objects[canonical];
}

function renderObject(object: StoredObject, shownPath: string): JsonObject {
  return {
    object_type: object.object_type,
    path: shownPath,
    object_id: object.object_id,
    resource_id: String(object.object_id),
    ...(object.language ? { language: object.language } : {}),
    created_at: object.created_at,
    modified_at: object.modified_at,
    ...(object.size !== undefined ? { size: object.size } : {}),
  };
}

function requirePathParam(value: unknown): string {
  if (value === undefined || value === null || value === "") throw missingField("path");
  if (typeof value !== "string")
    throw invalidParameter(`Invalid value for path: expected a string, got ${describeValue(value)}.`);
  if (!value.startsWith("/"))
    throw invalidParameter(
      `Invalid value for path: '${value}' is not an absolute path (it must start with /).`,
    );
  return value;
}

const pathMissing = (path: string): ServiceError => notFound(`Path (${path}) doesn't exist.`);

export function getStatus(state: WorkspaceState, query: URLSearchParams): JsonObject {
  const path = requirePathParam(query.get("path") ?? undefined);
  const object = findObject(state, canonicalPath(path));
  if (!object) throw pathMissing(path);
  return renderObject(object, displayPath(path));
}

export function listObjects(state: WorkspaceState, query: URLSearchParams): JsonObject {
  const path = requirePathParam(query.get("path") ?? undefined);
  const canonical = canonicalPath(path);
  const object = findObject(state, canonical);
  if (!object) throw pathMissing(path);
  if (object.object_type !== "DIRECTORY") return { objects: [renderObject(object, displayPath(path))] };
  const shownPrefix = displayPath(path) === "/" ? "" : displayPath(path);
  const objects = Object.values(state.objects)
    .filter((o) => parentOf(o.path) === canonical && o.path !== "/")
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((o) => renderObject(o, shownPrefix + o.path.slice(canonical === "/" ? 0 : canonical.length)));
  return objects.length > 0 ? { objects } : {};
}

function mkdirsCanonical(state: WorkspaceState, canonical: string, shown: string, now: number): void {
  const parts = canonical.split("/").filter(Boolean);
  let current = "";
  for (const part of parts) {
    current += `/${part}`;
    const existing = state.objects[current];
    if (existing && existing.object_type !== "DIRECTORY") {
      throw new ServiceError(
        400,
        "RESOURCE_ALREADY_EXISTS",
        `Cannot create directory ${shown}: ${current} exists and is a ${existing.object_type.toLowerCase()}.`,
      );
    }
    if (!existing)
      state.objects[current] = {
        path: current,
        object_type: "DIRECTORY",
        object_id: allocateId(state),
        created_at: now,
        modified_at: now,
      };
  }
}

export function mkdirs(state: WorkspaceState, body: JsonObject, now: number): JsonObject {
  const path = requirePathParam(body.path);
  mkdirsCanonical(state, canonicalPath(path), path, now);
  return {};
}

const LANGUAGES = ["PYTHON", "SCALA", "SQL", "R"];
const NOTEBOOK_HEADERS: Array<[RegExp, string]> = [
  [/^# Databricks notebook source/, "PYTHON"],
  [/^-- Databricks notebook source/, "SQL"],
  [/^\/\/ Databricks notebook source/, "SCALA"],
];

export function importObject(state: WorkspaceState, body: JsonObject, now: number): JsonObject {
  const path = requirePathParam(body.path);
  const format = body.format === undefined ? "SOURCE" : body.format;
  if (
    typeof format !== "string" ||
    !["SOURCE", "HTML", "JUPYTER", "DBC", "R_MARKDOWN", "AUTO", "RAW"].includes(format)
  ) {
    throw invalidParameter(
      `Invalid value for format: ${describeValue(format)}. Use SOURCE, AUTO, RAW, JUPYTER, HTML, DBC or R_MARKDOWN.`,
    );
  }
  const content = body.content ?? "";
  if (typeof content !== "string")
    throw invalidParameter(
      `Invalid value for content: expected a base64 string, got ${describeValue(content)}.`,
    );
  const text = Buffer.from(content, "base64").toString("utf8");
  let canonical = canonicalPath(path);
  let objectType = "FILE";
  let language: string | undefined;
  if (
    format === "SOURCE" ||
    format === "JUPYTER" ||
    format === "HTML" ||
    format === "DBC" ||
    format === "R_MARKDOWN"
  ) {
    objectType = "NOTEBOOK";
    language =
      typeof body.language === "string" ? body.language : format === "JUPYTER" ? "PYTHON" : undefined;
    if (!language) throw missingField("language");
    if (!LANGUAGES.includes(language))
      throw invalidParameter(`Invalid value for language: '${language}'. Use PYTHON, SCALA, SQL or R.`);
  } else if (format === "AUTO") {
    const header = NOTEBOOK_HEADERS.find(([re]) => re.test(text));
    if (header) {
      objectType = "NOTEBOOK";
      language = header[1];
      canonical = canonical.replace(/\.(py|sql|scala|r)$/i, "");
    }
  }
  const parent = parentOf(canonical);
  const parentObject = findObject(state, parent);
  if (!parentObject || parentObject.object_type !== "DIRECTORY")
    throw notFound(`The parent folder (${parent}) does not exist.`);
  const existing = state.objects[canonical];
  if (existing && body.overwrite !== true)
    throw alreadyExists(`${path} already exists. Set overwrite to true to replace it.`);
  if (existing && existing.object_type === "DIRECTORY")
    throw alreadyExists(`${path} is a directory and cannot be overwritten.`);
  state.objects[canonical] = {
    path: canonical,
    object_type: objectType,
    object_id: existing?.object_id ?? allocateId(state),
    ...(language ? { language } : {}),
    created_at: existing?.created_at ?? now,
    modified_at: now,
    size: Buffer.byteLength(text),
    content,
  };
  return {};
}

export function exportObject(state: WorkspaceState, query: URLSearchParams): JsonObject {
  const path = requirePathParam(query.get("path") ?? undefined);
  const object = findObject(state, canonicalPath(path));
  if (!object) throw pathMissing(path);
  if (object.object_type === "DIRECTORY") throw invalidParameter(`Cannot export ${path}: it is a directory.`);
  return {
    content: object.content ?? "",
    file_type: object.object_type === "NOTEBOOK" ? (object.language ?? "PYTHON").toLowerCase() : "",
  };
}

export function deleteObject(state: WorkspaceState, body: JsonObject): JsonObject {
  const path = requirePathParam(body.path);
  const canonical = canonicalPath(path);
  const object = state.objects[canonical];
  if (!object) throw pathMissing(path);
  const children = Object.keys(state.objects).filter((p) => p.startsWith(canonical + "/"));
  if (children.length > 0 && body.recursive !== true)
    throw new ServiceError(400, "DIRECTORY_NOT_EMPTY", `Folder (${path}) is not empty`);
  for (const child of children) delete state.objects[child];
  delete state.objects[canonical];
  return {};
}

// ---- SQL warehouses, pipelines, identity ----

function renderWarehouse(
  state: WorkspaceState,
  w: WorkspaceState["seed"]["warehouses"][number],
  baseUrl: string,
): JsonObject {
  const host = new URL(baseUrl).host;
  return {
    ...w,
    num_clusters: w.state === "RUNNING" ? 1 : 0,
    num_active_sessions: 0,
    creator_name: state.seed.user,
    channel: { name: "CHANNEL_NAME_CURRENT" },
    health: { status: "HEALTHY" },
    spot_instance_policy: "COST_OPTIMIZED",
    jdbc_url: `jdbc:spark://${host}:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/${w.id};`,
    odbc_params: { hostname: host, path: `/sql/1.0/warehouses/${w.id}`, protocol: "https", port: 443 },
    tags: {},
  };
}

export function listWarehouses(state: WorkspaceState, baseUrl: string): JsonObject {
  const warehouses = state.seed.warehouses.map((w) => renderWarehouse(state, w, baseUrl));
  return warehouses.length > 0 ? { warehouses } : {};
}

export function getWarehouse(state: WorkspaceState, id: string, baseUrl: string): JsonObject {
  const warehouse = state.seed.warehouses.find((w) => w.id === id);
  if (!warehouse) throw notFound(`SQL warehouse ${id} does not exist.`);
  return renderWarehouse(state, warehouse, baseUrl);
}

function renderPipeline(state: WorkspaceState, p: WorkspaceState["seed"]["pipelines"][number]): JsonObject {
  return {
    pipeline_id: p.pipeline_id,
    name: p.name,
    state: p.state,
    health: "HEALTHY",
    creator_user_name: state.seed.user,
    run_as_user_name: state.seed.user,
    last_modified: 1_700_000_000_000,
    spec: {
      id: p.pipeline_id,
      name: p.name,
      continuous: p.continuous,
      development: false,
      ...(p.catalog ? { catalog: p.catalog } : {}),
      ...(p.target ? { target: p.target } : {}),
      serverless: true,
    },
  };
}

export function getPipeline(state: WorkspaceState, id: string): JsonObject {
  const pipeline = state.seed.pipelines.find((p) => p.pipeline_id === id);
  if (!pipeline) throw notFound(`The specified pipeline ${id} was not found.`);
  return renderPipeline(state, pipeline);
}

export function listPipelines(state: WorkspaceState): JsonObject {
  const statuses = state.seed.pipelines.map((p) => ({
    pipeline_id: p.pipeline_id,
    name: p.name,
    state: p.state,
    creator_user_name: state.seed.user,
    run_as_user_name: state.seed.user,
  }));
  return statuses.length > 0 ? { statuses } : {};
}

export function me(state: WorkspaceState): JsonObject {
  return {
    id: "1000000000000001",
    userName: state.seed.user,
    displayName: state.seed.user.split("@")[0],
    active: true,
    emails: [{ value: state.seed.user, primary: true, type: "work" }],
    groups: [
      { display: "users", value: "2000000000000002" },
      { display: "admins", value: "2000000000000001" },
    ],
  };
}
