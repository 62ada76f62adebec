/**
 * The service's checks on job settings (create, reset, and the merged result of update): first the request's shape
 * against the generated job schema (src/domain/job-schema.ts, the one the requirement validator uses), then the Jobs
 * service's semantic rules (`checkJobRules`). The first problem is answered as the real service does: HTTP 400
 * `INVALID_PARAMETER_VALUE` with a message in the service's wording.
 *
 * How the service reads a request differs from how we validate a requirement, and only here:
 * - unknown fields are accepted and kept (the service ignores fields it does not know);
 * - int64 fields accept decimal strings (proto3 JSON), and null means "not given";
 * - an empty string in a required identifier is reported as a missing field; elsewhere blank strings pass.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { JOB_SETTINGS_SCHEMA, resolve, type JsonSchema } from "../../domain/job-schema.js";
import type { JobSettings } from "../../domain/model.js";
import { checkJobRules } from "../../domain/rules.js";
import { describeValue, invalidParameter, missingField, type ServiceError } from "./errors.js";

/** The generated schema as the service applies it (see the header): no closed objects, blanks only on required. */
function serviceView(node: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...node };
  if (out.additionalProperties === false) delete out.additionalProperties;
  else if (typeof out.additionalProperties === "object")
    out.additionalProperties = serviceView(out.additionalProperties);
  if (out.items) out.items = serviceView(out.items);
  if (out.properties) {
    const required = new Set(out.required ?? []);
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([name, prop]) => {
        const view = serviceView(prop);
        if (!required.has(name)) delete view.minLength;
        return [name, view];
      }),
    );
  }
  if (out.definitions) {
    out.definitions = Object.fromEntries(
      Object.entries(out.definitions).map(([k, v]) => [k, serviceView(v)]),
    );
  }
  return out;
}

let compiled: ValidateFunction | undefined;

/** Compiled on the first request (never at import), then reused. */
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: false, verbose: true, strict: false }).compile(
    serviceView(JOB_SETTINGS_SCHEMA),
  );
  return compiled;
}

/** A copy of the request as the service decodes it: nulls dropped, int64 decimal strings read as numbers. */
function decoded(value: unknown, schema: JsonSchema | undefined): unknown {
  const node = schema ? resolve(schema) : undefined;
  if (node?.type === "integer" && typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  if (Array.isArray(value)) return value.map((item) => decoded(item, node?.items));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null) continue;
    const extra = typeof node?.additionalProperties === "object" ? node.additionalProperties : undefined;
    out[key] = decoded(item, node?.properties?.[key] ?? extra);
  }
  return out;
}

function pathOf(error: ErrorObject, extra?: string): string {
  const segments = error.instancePath === "" ? [] : error.instancePath.slice(1).split("/");
  if (extra !== undefined) segments.push(extra);
  return segments
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : `${path}.${s}`), "settings");
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
};

/** The service's wording for a limit on the number of entries, by the field that has it. */
function tooMany(path: string, count: number, limit: number): string {
  if (path === "settings.tags")
    return `The number of tags for a job must be at most ${limit}, but ${count} were given.`;
  if (path === "settings.tasks") {
    return `The number of tasks in a job must be at most ${limit}, but ${count} were given.`;
  }
  if (path.endsWith(".custom_tags")) {
    return `Too many custom tags on a cluster: ${count} given, at most ${limit} are allowed.`;
  }
  return `Too many elements in ${path}: ${count} given, at most ${limit} are allowed.`;
}

function serviceError(error: ErrorObject): ServiceError {
  const path = pathOf(error);
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  switch (error.keyword) {
    case "required":
      return missingField(pathOf(error, String(params.missingProperty)));
    case "minLength":
      return /\]$/.test(path)
        ? invalidParameter(`Invalid value for ${path}: an empty string is not allowed.`)
        : missingField(path);
    case "type": {
      const want = TYPE_WORDS[String(params.type)] ?? String(params.type);
      return invalidParameter(`Invalid value for ${path}: expected ${want}, got ${describeValue(data)}.`);
    }
    case "minimum":
      return invalidParameter(
        `Invalid value for ${path}: ${String(data)} is less than the minimum ${String(params.limit)}.`,
      );
    case "maximum":
      return invalidParameter(
        `Invalid value for ${path}: ${String(data)} is greater than the maximum ${String(params.limit)}.`,
      );
    case "maxItems":
    case "maxProperties": {
      const count = Array.isArray(data) ? data.length : Object.keys(data as object).length;
      return invalidParameter(tooMany(path, count, Number(params.limit)));
    }
    case "enum": {
      const allowed = (params.allowedValues as string[]).join(", ");
      return invalidParameter(`Invalid value for ${path}: ${describeValue(data)} is not one of ${allowed}.`);
    }
    default:
      return invalidParameter(`Invalid value for ${path}: ${error.message ?? "not accepted"}.`);
  }
}

/** Limits the schema does not express: bytes rather than characters, and the older API version's task limit. */
function versionLimits(settings: unknown, apiVersion: "2.1" | "2.2"): ServiceError | undefined {
  if (settings === null || typeof settings !== "object") return undefined;
  const { name, tasks } = settings as { name?: unknown; tasks?: unknown };
  if (typeof name === "string" && Buffer.byteLength(name) > 4096) {
    return invalidParameter(
      `Invalid value for settings.name: the job name must be at most 4096 bytes, got ${Buffer.byteLength(name)}.`,
    );
  }
  if (apiVersion === "2.1" && Array.isArray(tasks) && tasks.length > 100) {
    return invalidParameter(
      `A job may have at most 100 tasks in API 2.1 (${tasks.length} given); use API 2.2, which allows 1000.`,
    );
  }
  return undefined;
}

/** The first problem with these settings, phrased as the service phrases it; undefined when they are accepted. */
export function validateJobSettings(settings: unknown, apiVersion: "2.1" | "2.2"): ServiceError | undefined {
  const limit = versionLimits(settings, apiVersion);
  if (limit) return limit;
  const validate = validator();
  if (!validate(decoded(settings, JOB_SETTINGS_SCHEMA))) {
    const first = validate.errors?.[0];
    if (first) return serviceError(first);
  }
  const violations = checkJobRules(settings as JobSettings);
  if (violations.length > 0) return invalidParameter(violations[0].message);
  return undefined;
}
