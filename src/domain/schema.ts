/**
 * Validation of job settings (the body of jobs/create: JobSettings plus access_control_list) against the schema
 * generated from the installed SDK's type declarations (./job-schema.ts), with Ajv 8 compiled once, on first use.
 * Ajv's errors become issues that name the field path, the value and the fix (did-you-mean from the schema's own
 * field names). Pure: no I/O.
 *
 * Also home of the field-path notation every diagnostic uses: `tasks[ingest].new_cluster.num_workers`
 * (array entries named by task_key / job_cluster_key / environment_key / parameter name when known, else
 * by index; map keys that are not identifiers quoted: `spark_conf["spark.sql.shuffle.partitions"]`).
 */
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { closest, distance } from "fastest-levenshtein";
import { JOB_SETTINGS_SCHEMA } from "./job-schema.js";
import { JOB_OUTPUT_FIELDS, TASK_FIELDS } from "./vocabulary.js";

// ---------------------------------------------------------------------------------------------------------------
// Field paths
// ---------------------------------------------------------------------------------------------------------------

/** One step of a field path: an object key, or an array entry named by its key field or index. */
export type PathSegment = { key: string } | { item: string };

const ENTRY_LABELS = ["task_key", "job_cluster_key", "environment_key", "name"];

/** The label an array entry is addressed by in paths (task_key, job_cluster_key, environment_key, name). */
export function entryLabel(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return undefined;
  for (const field of ENTRY_LABELS) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "" && !/[[\]"]/.test(value)) return value;
  }
  return undefined;
}

/** Renders segments in our notation; `root` (the data) lets array indices become keys (`tasks[ingest]`). */
export function formatPath(segments: Array<string | number>, root?: unknown): string {
  let out = "";
  let node: unknown = root;
  for (const seg of segments) {
    if (typeof seg === "number") {
      const entry = Array.isArray(node) ? node[seg] : undefined;
      out += `[${entryLabel(entry) ?? seg}]`;
      node = entry;
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)
        ? out === ""
          ? seg
          : `.${seg}`
        : `[${JSON.stringify(seg)}]`;
      node =
        node !== null && typeof node === "object" && !Array.isArray(node)
          ? (node as Record<string, unknown>)[seg]
          : undefined;
    }
  }
  return out;
}

/** Joins a prefix (e.g. "jobs.orders") and a relative path ("tasks[a].x" or "[0]"). */
export function joinPath(prefix: string | undefined, path: string): string {
  if (!prefix) return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Parses a path written by formatPath back into segments. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === ".") {
      i++;
      continue;
    }
    if (ch === "[") {
      if (path[i + 1] === '"') {
        // JSON-quoted key
        let j = i + 2;
        while (j < path.length && !(path[j] === '"' && path[j - 1] !== "\\")) j++;
        out.push({ key: JSON.parse(path.slice(i + 1, j + 1)) as string });
        i = path.indexOf("]", j) + 1 || path.length;
      } else {
        const end = path.indexOf("]", i);
        const stop = end === -1 ? path.length : end;
        out.push({ item: path.slice(i + 1, stop) });
        i = stop + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
    out.push({ key: path.slice(i, j) });
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

export interface SchemaIssue {
  code: string;
  path: string;
  value?: unknown;
  message: string;
  fix: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let compiled: ReturnType<Ajv["compile"]> | undefined;

/** Compiled on first use (compiling takes tens of milliseconds; `--help` and most commands never need it). */
function validator(): ReturnType<Ajv["compile"]> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(JOB_SETTINGS_SCHEMA);
  }
  return compiled;
}

function pointerToSegments(pointer: string): Array<string | number> {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `${typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value} ${shown}`;
}

function shortValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : value;
}

/** Suggests the closest known name (did-you-mean), when close enough to be a typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(input, candidates);
  const d = distance(input.toLowerCase(), best.toLowerCase());
  if (d <= Math.max(2, Math.floor(best.length / 3))) return best;
  // Word-level match: "retries" vs "max_retries", "cluster" vs "new_cluster".
  const part = candidates.find((c) => c.split("_").includes(input.toLowerCase()));
  return part;
}

function issueFor(error: ErrorObject, root: unknown): SchemaIssue | undefined {
  const segments = pointerToSegments(error.instancePath);
  const path = formatPath(segments, root);
  const at = path === "" ? "the job settings" : path;
  const expected = (error.schema ?? undefined) as unknown;
  switch (error.keyword) {
    case "additionalProperties": {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parent?.properties ?? {});
      const fieldPath = formatPath([...segments, field], root);
      const suggestion = didYouMean(field, known);
      let fix: string;
      if (segments.length === 0 && TASK_FIELDS.includes(field)) {
        fix = `'${field}' is a task-level field (Jobs API 2.0 single-task format); move it into an entry of tasks[] (e.g. tasks: [{task_key: main, ${field}: ...}])`;
      } else if (segments.length === 0 && JOB_OUTPUT_FIELDS.includes(field)) {
        fix = `'${field}' is returned by jobs/get but not accepted by jobs/create; remove it (a job exported with jobs/get keeps its settings under 'settings')`;
      } else if (suggestion) {
        fix = `did you mean '${suggestion}'? Rename '${field}' to '${suggestion}'`;
      } else {
        fix = `remove '${field}'; fields allowed at ${at}: ${known.join(", ")}`;
      }
      return {
        code: "schema.unknown-field",
        path: fieldPath,
        value: field,
        message: `unknown field '${field}' at ${at}`,
        fix,
      };
    }
    case "type": {
      const want = (error.params as { type: string }).type;
      const found = describe(error.data);
      const coerce =
        want === "string" && (typeof error.data === "number" || typeof error.data === "boolean")
          ? `quote it: "${String(error.data)}" (the Jobs API takes strings here)`
          : want === "integer" && typeof error.data === "string" && /^-?\d+$/.test(error.data)
            ? `write it without quotes: ${error.data}`
            : `give ${at} a value of type ${want}`;
      return {
        code: "schema.type",
        path,
        value: shortValue(error.data),
        message: `${at} must be ${want === "array" || want === "object" || want === "integer" ? `an ${want}` : `a ${want}`}, found ${found}`,
        fix: coerce,
      };
    }
    case "enum": {
      const allowed = (error.params as { allowedValues: string[] }).allowedValues;
      const suggestion =
        typeof error.data === "string" ? didYouMean(error.data.toUpperCase(), allowed) : undefined;
      return {
        code: "schema.enum",
        path,
        value: error.data,
        message: `${at} must be one of ${allowed.join(", ")}, found ${describe(error.data)}`,
        fix: suggestion
          ? `did you mean '${suggestion}'? Use '${suggestion}'`
          : `use one of ${allowed.join(", ")}`,
      };
    }
    case "required": {
      const field = (error.params as { missingProperty: string }).missingProperty;
      const fieldPath = formatPath([...segments, field], root);
      return {
        code: "schema.required",
        path: fieldPath,
        message: `Missing required field: ${fieldPath}`,
        fix: `add '${field}' to ${at}`,
      };
    }
    case "minLength":
      return {
        code: "schema.empty",
        path,
        value: error.data,
        message: `${at} is empty`,
        fix: `give ${at} a value (it cannot be blank)`,
      };
    case "maxLength":
      return {
        code: "schema.too-long",
        path,
        value: shortValue(error.data),
        message: `${at} is longer than ${String(expected)} characters`,
        fix: `shorten ${at} to at most ${String(expected)} characters`,
      };
    case "minimum":
    case "maximum": {
      const limit = (error.params as { limit: number }).limit;
      const word = error.keyword === "minimum" ? "at least" : "at most";
      return {
        code: "schema.range",
        path,
        value: error.data,
        message: `${at} must be ${word} ${limit}, found ${String(error.data)}`,
        fix: `set ${at} to a value ${word} ${limit}`,
      };
    }
    case "maxItems":
    case "maxProperties": {
      const limit = (error.params as { limit: number }).limit;
      const count = Array.isArray(error.data) ? error.data.length : Object.keys(error.data as object).length;
      return {
        code: "schema.limit",
        path,
        value: count,
        message: `${at} has ${count} entries; the limit is ${limit}`,
        fix: `reduce ${at} to at most ${limit} entries`,
      };
    }
    case "minItems":
      return {
        code: "schema.empty",
        path,
        value: error.data,
        message: `${at} is empty`,
        fix: `give ${at} at least one entry`,
      };
    case "pattern":
      return {
        code: "schema.pattern",
        path,
        value: error.data,
        message: `${at} ${JSON.stringify(error.data)} does not match ${String(expected)}`,
        fix: `use only letters, digits, '_', '-' and '.' in ${at}`,
      };
    default:
      return {
        code: `schema.${error.keyword}`,
        path,
        value: shortValue(error.data),
        message: `${at} ${error.message ?? "is invalid"}`,
        fix: `correct ${at}`,
      };
  }
}

/** Validates JobSettings against the schema; one issue per problem, paths in our notation. */
export function checkJobSchema(settings: unknown): SchemaIssue[] {
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
    return [
      {
        code: "schema.type",
        path: "",
        value: shortValue(settings),
        message: `job settings must be a mapping of Jobs API fields, found ${describe(settings)}`,
        fix: "write the job as a YAML mapping (name:, tasks:, ...)",
      },
    ];
  }
  const validate = validator();
  if (validate(settings)) return [];
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  const errors = [...(validate.errors ?? [])].sort((a, b) =>
    compareOrder(documentOrder(a, settings), documentOrder(b, settings)),
  );
  for (const error of errors) {
    const issue = issueFor(error, settings);
    if (!issue) continue;
    const id = `${issue.code}|${issue.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

/**
 * Where an error sits in the document, as the position of each step among its siblings, so issues are listed
 * top-down as the file reads (a missing field first within its object, an unknown one where it is written).
 */
function documentOrder(error: ErrorObject, root: unknown): number[] {
  const order: number[] = [];
  let node = root;
  const step = (seg: string | number): void => {
    if (typeof seg === "number" || Array.isArray(node)) {
      order.push(Number(seg));
      node = Array.isArray(node) ? node[Number(seg)] : undefined;
    } else if (node !== null && typeof node === "object") {
      order.push(Object.keys(node).indexOf(seg));
      node = (node as Record<string, unknown>)[seg];
    }
  };
  pointerToSegments(error.instancePath).forEach(step);
  if (error.keyword === "additionalProperties") {
    step((error.params as { additionalProperty: string }).additionalProperty);
  } else if (error.keyword === "required") order.push(-1);
  return order;
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
