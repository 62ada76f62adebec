/**
 * Validation of job settings (the body of jobs/create: JobSettings plus access_control_list) against the schema
 * generated from the installed SDK's type declarations (./job-schema.ts), with its Ajv 8 validator compiled at build
 * time (./generated/job-settings.validate.js). Ajv's errors become issues that name the field path, the value and
 * the fix (did-you-mean from the schema's own field names). Pure: no I/O. Kept apart from ./schema.ts (field paths,
 * did-you-mean), which commands load at start-up: the compiled validator is loaded only by what validates.
 */
import type { ErrorObject } from "ajv";
import validateJobSettings from "./generated/job-settings.validate.js";
import { didYouMean, formatPath } from "./schema.js";
import { JOB_OUTPUT_FIELDS, TASK_FIELDS } from "./vocabulary.js";
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

/**
 * The schema's validator, compiled ahead of time by scripts/generate-job-schema.mjs (Ajv standalone code, checked by
 * `npm run schema:check`): compiling it at run time took ~0.5 s per process.
 */
function validator(): typeof validateJobSettings {
  return validateJobSettings;
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

/**
 * The value written in the shape the schema wants, when that shape is plain from the schema alone: one value where a
 * list is wanted (`on_failure: ops@x` → `[ops@x]`), or a bare value where an object with one required field is
 * (`depends_on: [ingest]` → `{task_key: ingest}`).
 */
function shapeFix(want: string, data: unknown, schema: unknown): string | undefined {
  const scalar = typeof data === "string" || typeof data === "number" || typeof data === "boolean";
  if (!scalar) return undefined;
  const shown = typeof data === "string" && /^[\w@./+-]+$/.test(data) ? data : JSON.stringify(data);
  if (want === "array") return `write it as a list: [${shown}]`;
  const required = (schema as { required?: unknown } | undefined)?.required;
  if (want === "object" && Array.isArray(required) && required.length === 1)
    return `write it as an object: {${String(required[0])}: ${shown}}`;
  return undefined;
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
            : (shapeFix(want, error.data, error.parentSchema) ?? `give ${at} a value of type ${want}`);
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
