/**
 * Validate layers 2, 3 and 5 (schema, semantics, inline secrets) are pure; layer 4 (preflight) asks the workspace.
 * Every diagnostic names the file, the line (when known), the field path, the value found and the fix.
 */
import type {
  Diagnostic,
  Interpretation,
  JobSettings,
  ValidationContext,
  WorkItem,
} from "../../domain/model.js";

export type { ValidationContext } from "../../domain/model.js";
import { docLineOf, interpretStructured, itemBasePath } from "../../techlead/requirements/index.js";
import type { RequirementDoc } from "../../techlead/types.js";
import { checkJobRules } from "../../domain/rules.js";
import { joinPath } from "../../domain/schema.js";
import { checkJobSchema } from "../../domain/schema-check.js";
import { JOB_SETTINGS_FIELDS } from "../../domain/vocabulary.js";
import { findInlineSecrets, redact } from "../../domain/secrets.js";
import type { Workspace } from "../../adapters/databricks/port.js";
import { createPreflight as createWorkspacePreflight, type Preflight } from "./preflight.js";

/** Rules that need the whole job and so cannot judge a partial jobs/update body. */
const WHOLE_JOB_RULES = new Set([
  "semantic.job-cluster-undefined",
  "semantic.environment-undefined",
  "semantic.dependency-unknown",
  "semantic.job-cluster-unused",
  "semantic.trigger-exclusive",
  "semantic.cycle",
  "semantic.relative-path",
]);

function makeDiagnostic(
  ctx: ValidationContext,
  prefix: string | undefined,
  issue: { code: string; path: string; value?: unknown; message: string; fix: string },
  secrets: string[],
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  const path = joinPath(prefix, issue.path);
  const line = ctx.lineOf?.(path) ?? ctx.defaultLine;
  const value = issue.value === undefined ? undefined : redactValue(issue.value, secrets);
  const where = `${ctx.file}${line ? `:${line}` : ""}`;
  return {
    severity,
    code: issue.code,
    file: ctx.file,
    ...(line ? { line } : {}),
    path,
    ...(value === undefined ? {} : { value }),
    message: redact(
      `${where}: ${path && !issue.message.includes(issue.path || "\u0000") ? `${path}: ` : ""}${issue.message}`,
      secrets,
    ),
    fix: redact(issue.fix, secrets),
    see: [],
  };
}

function redactValue(value: unknown, secrets: string[]): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) return value;
  const clean = redact(text, secrets);
  return clean === text ? value : JSON.parse(clean);
}

function settingsDiagnostics(
  settings: unknown,
  ctx: ValidationContext,
  prefix: string | undefined,
  partial: boolean,
): Diagnostic[] {
  const findings = findInlineSecrets(settings);
  const secrets = findings.map((f) => f.secret);
  const schema = checkJobSchema(settings);
  const flagged = new Set(schema.map((s) => s.path));
  const out: Diagnostic[] = schema.map((s) => makeDiagnostic(ctx, prefix, s, secrets));
  if (settings !== null && typeof settings === "object" && !Array.isArray(settings)) {
    for (const v of checkJobRules(settings as JobSettings)) {
      if (partial && WHOLE_JOB_RULES.has(v.code)) continue;
      if (flagged.has(v.path)) continue; // the schema already reported this field
      out.push(makeDiagnostic(ctx, prefix, v, secrets));
    }
  }
  for (const f of findings)
    out.push(
      makeDiagnostic(
        ctx,
        prefix,
        { code: f.code, path: f.path, value: f.value, message: f.message, fix: f.fix },
        secrets,
      ),
    );
  for (const v of invisibleCharacters(settings)) out.push(makeDiagnostic(ctx, prefix, v, secrets));
  return out;
}

/** Bidirectional overrides and zero-width characters make a reviewer read a different name than the one applied. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

function invisibleCharacters(
  settings: unknown,
): Array<{ code: string; path: string; message: string; fix: string; value?: unknown }> {
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) return [];
  const job = settings as JobSettings;
  const out: Array<{ code: string; path: string; message: string; fix: string; value?: unknown }> = [];
  const check = (path: string, text: unknown) => {
    if (typeof text !== "string" || !INVISIBLE.test(text)) return;
    const code = text.match(INVISIBLE)?.[0]?.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0");
    out.push({
      code: "text.invisible-characters",
      path,
      value: JSON.stringify(text),
      message: `${path} contains an invisible or text-direction character (U+${code ?? "?"}): the plan would show a different text than the one applied`,
      fix: "Retype the value without control characters.",
    });
  };
  check("name", job.name);
  for (const [key, value] of Object.entries(job.tags ?? {})) {
    check(`tags.${key}`, key);
    check(`tags.${key}`, value);
  }
  for (const task of job.tasks ?? []) check(`tasks[${String(task.task_key)}].description`, task.description);
  return out;
}

/** Schema (JSON Schema, did-you-mean for unknown fields) + semantic service rules + inline-secret refusal. */
export function validateJobSettings(settings: unknown, ctx: ValidationContext): Diagnostic[] {
  return settingsDiagnostics(settings, ctx, ctx.basePath, false);
}

function issue(code: string, path: string, message: string, fix: string, value?: unknown) {
  return { code, path, message, fix, ...(value === undefined ? {} : { value }) };
}

/** Validates a work item as a whole (action-specific shape, then its settings / patch / target / run). */
export function validateWorkItem(item: WorkItem, ctx: ValidationContext): Diagnostic[] {
  const c: ValidationContext = { ...ctx, defaultLine: ctx.defaultLine ?? item.line };
  const base = ctx.basePath;
  const out: Diagnostic[] = [];
  const push = (i: ReturnType<typeof issue>) => out.push(makeDiagnostic(c, undefined, i, []));
  const at = (structured: string, plain: string) => (base !== undefined ? joinPath(base, structured) : plain);

  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(item.key ?? "")) {
    push(
      issue(
        "item.key",
        at("", "key"),
        `work item key '${item.key}' may only contain letters, digits, '_' and '-' (it names the task file)`,
        "rename the item, e.g. orders_daily",
        item.key,
      ),
    );
  }
  const hasTarget =
    item.target !== undefined &&
    (item.target.job_id !== undefined || !!item.target.name || !!item.target.tag || !!item.target.code_path);
  switch (item.action) {
    case "create": {
      if (!item.settings) {
        push(
          issue(
            "item.create-settings",
            at("", "settings"),
            "a create item has no job settings",
            "give the job's settings (name, tasks, ...)",
          ),
        );
        break;
      }
      out.push(...settingsDiagnostics(item.settings, c, base ?? "", false));
      break;
    }
    case "update": {
      if (!hasTarget) {
        push(
          issue(
            "item.update-target",
            at("job", "target"),
            "update has no target: it must name the job to change (job_id, name, tag or code path)",
            "add job: <job id | job name>",
          ),
        );
      }
      if (item.settings) out.push(...settingsDiagnostics(item.settings, c, base ?? "settings", false));
      if (item.patch) {
        out.push(
          ...settingsDiagnostics(item.patch.new_settings ?? {}, c, at("set", "patch.new_settings"), true),
        );
        (item.patch.fields_to_remove ?? []).forEach((field, i) => {
          const p = at(`remove[${i}]`, `patch.fields_to_remove[${i}]`);
          const keyed = /^(tasks|job_clusters)\/[\w-]{1,100}$/.test(field);
          if (!keyed && !JOB_SETTINGS_FIELDS.includes(field)) {
            push(
              issue(
                "item.fields-to-remove",
                p,
                `'${field}' cannot be removed: fields_to_remove takes top-level fields or tasks/<task_key>, job_clusters/<job_cluster_key>`,
                "name a top-level field (e.g. schedule) or a keyed entry (tasks/old_task)",
                field,
              ),
            );
          }
          if (item.patch?.new_settings && field in item.patch.new_settings) {
            push(
              issue(
                "item.fields-to-remove",
                p,
                `'${field}' is both set and removed`,
                `drop '${field}' from either set or remove`,
                field,
              ),
            );
          }
        });
      }
      if (!item.settings && !item.patch && !item.target?.adopt) {
        push(
          issue(
            "item.update-empty",
            at("", "patch"),
            "update changes nothing (no settings, no patch)",
            "add set: {...} or remove: [...]",
          ),
        );
      }
      break;
    }
    case "delete":
      if (!hasTarget)
        push(
          issue(
            "item.delete-target",
            at("job", "target"),
            "delete has no target: it must name the job to delete",
            "add job: <job id | exact job name>",
          ),
        );
      else if (item.target?.tag || item.target?.code_path) {
        if (item.target.job_id === undefined && !item.target.name)
          push(
            issue(
              "item.delete-target",
              at("job", "target"),
              "delete must name exactly one job by job_id or name (a tag or code path may match several)",
              "write job: <job id>",
            ),
          );
      }
      if (item.settings || item.patch)
        push(
          issue(
            "item.delete-extra",
            at("", "settings"),
            "a delete item must not carry settings",
            "remove the settings from the delete",
          ),
        );
      break;
    case "run": {
      if (!hasTarget && !(item.depends_on && item.depends_on.length > 0)) {
        push(
          issue(
            "item.run-target",
            at("job", "target"),
            "run has no target: it must name the job to run",
            "add job: <job id | job name>",
          ),
        );
      }
      const only = item.run?.only;
      if (only !== undefined) {
        if (!Array.isArray(only) || only.length === 0)
          push(
            issue(
              "item.run-only",
              at("only", "run.only"),
              "only must be a non-empty list of task keys",
              "write only: [ingest]",
              only,
            ),
          );
        else
          only.forEach((o, i) => {
            if (typeof o !== "string" || !/^[\w-]{1,100}$/.test(o))
              push(
                issue(
                  "item.run-only",
                  at(`only[${i}]`, `run.only[${i}]`),
                  `'${String(o)}' is not a task key (letters, digits, '_' and '-')`,
                  "name tasks by task_key",
                  o,
                ),
              );
          });
      }
      const params = item.run?.job_parameters;
      if (params !== undefined) {
        const findings = findInlineSecrets({ job_parameters: params });
        for (const f of findings) {
          out.push(
            makeDiagnostic(
              c,
              undefined,
              {
                code: f.code,
                path: at(f.path, `run.${f.path}`),
                value: f.value,
                message: f.message,
                fix: f.fix,
              },
              [f.secret],
            ),
          );
        }
        for (const [k, v] of Object.entries(params)) {
          if (typeof v !== "string")
            push(
              issue(
                "item.run-parameters",
                at(`job_parameters.${k}`, `run.job_parameters.${k}`),
                `job parameter '${k}' must be a string, found ${JSON.stringify(v)}`,
                `quote it: "${String(v)}"`,
                v,
              ),
            );
        }
      }
      break;
    }
    default:
      push(
        issue(
          "item.action",
          at("", "action"),
          `unknown action '${String((item as { action: unknown }).action)}'`,
          "use create, update, delete or run",
          (item as { action: unknown }).action,
        ),
      );
  }
  if (
    item.priority !== undefined &&
    (!Number.isInteger(item.priority) || item.priority < 0 || item.priority > 1000)
  ) {
    push(
      issue(
        "item.priority",
        at("priority", "priority"),
        `priority must be an integer from 0 to 1000, found ${item.priority}`,
        "write priority: 10",
        item.priority,
      ),
    );
  }
  return out;
}

export type { Preflight };

/** One preflight per run: workspace lookups are cached for its lifetime. */
export function createPreflight(workspace: Workspace): Preflight {
  return createWorkspacePreflight(workspace);
}

/**
 * Convenience for the engine and tests: interprets a structured requirement and validates every work item
 * (schema, rules, secrets, item shape) with the right base paths and line numbers. `interpretation` is undefined
 * for a prose-only requirement.
 */
export function validateRequirement(doc: RequirementDoc): {
  interpretation?: Interpretation;
  diagnostics: Diagnostic[];
} {
  const interpretation = interpretStructured(doc);
  if (!interpretation) return { diagnostics: [] };
  const diagnostics = [...interpretation.diagnostics];
  const lineOf = docLineOf(doc);
  for (const item of interpretation.items) {
    diagnostics.push(
      ...validateWorkItem(item, { file: doc.file, basePath: itemBasePath(doc, item.key), lineOf }),
    );
  }
  return { interpretation, diagnostics };
}
