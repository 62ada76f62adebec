/**
 * Reading the model's answer: message content as a string or an array of typed blocks (reasoning models),
 * JSON possibly wrapped in code fences or prose, and the work-item envelope (strict shape with JSON-string
 * settings, or plain objects when the endpoint did not enforce the schema). Pure.
 */
import type {
  Diagnostic,
  FieldSource,
  JobSettings,
  JobTarget,
  RunRequest,
  TaskAction,
  WorkItem,
} from "../../domain/model.js";
import { isObject } from "../../domain/json.js";

/** The text of a message's content: a string, or the `text` blocks of an array (reasoning blocks dropped). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((block) => {
        if (typeof block === "string") return block;
        if (block && typeof block === "object") {
          const b = block as Record<string, unknown>;
          const type = typeof b.type === "string" ? b.type : "text";
          if (type === "reasoning" || type === "thinking" || type === "redacted_thinking") return "";
          if (typeof b.text === "string") return b.text;
          if (
            b.text &&
            typeof b.text === "object" &&
            typeof (b.text as Record<string, unknown>).value === "string"
          ) {
            return (b.text as Record<string, unknown>).value as string;
          }
        }
        return "";
      })
      .join("");
  }
  return "";
}

/** Finds the JSON object in a model answer: the whole text, a fenced block, or the outermost {...}. */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: "the answer was empty" };
  const candidates: string[] = [trimmed];
  for (const match of trimmed.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g))
    candidates.push(match[1]!.trim());
  const first = trimmed.indexOf("{");
  const last = trimmed.lastIndexOf("}");
  if (first >= 0 && last > first) candidates.push(trimmed.slice(first, last + 1));
  let lastError = "";
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  const preview = trimmed.length > 120 ? `${trimmed.slice(0, 120)}…` : trimmed;
  return {
    ok: false,
    error: `the answer is not JSON (${lastError}); it starts with: ${JSON.stringify(preview)}`,
  };
}

const ACTIONS: readonly TaskAction[] = ["create", "update", "delete", "run"];

function problem(path: string, value: unknown, message: string, fix: string): Diagnostic {
  return { severity: "error", code: "llm.output", path, value, message, fix };
}

/** A JSON-string field (strict envelope) or a plain object (non-strict answers). */
function objectField(
  raw: Record<string, unknown>,
  names: string[],
  path: string,
  problems: Diagnostic[],
): Record<string, unknown> | undefined {
  for (const name of names) {
    const value = raw[name];
    if (value === undefined || value === null || value === "") continue;
    if (isObject(value)) return value;
    if (typeof value === "string") {
      try {
        const parsed: unknown = JSON.parse(value);
        if (isObject(parsed)) return parsed;
        problems.push(
          problem(
            `${path}.${name}`,
            value,
            `${name} must encode a JSON object, found ${typeof parsed}`,
            `Encode the object with JSON.stringify.`,
          ),
        );
      } catch (error) {
        problems.push(
          problem(
            `${path}.${name}`,
            value.slice(0, 200),
            `${name} is not valid JSON: ${(error as Error).message}`,
            "Encode the object with JSON.stringify (double quotes, no trailing commas).",
          ),
        );
      }
      return undefined;
    }
    problems.push(
      problem(
        `${path}.${name}`,
        value,
        `${name} must be a JSON string or an object`,
        "Encode the object with JSON.stringify.",
      ),
    );
    return undefined;
  }
  return undefined;
}

function stringArray(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === "string" && v.trim() !== "");
}

/** Converts the envelope into work items; shape problems come back as diagnostics for the repair turn. */
export function toWorkItems(value: unknown): { items: WorkItem[]; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const rawItems = isObject(value) ? value.items : Array.isArray(value) ? value : undefined;
  if (!Array.isArray(rawItems)) {
    return {
      items: [],
      problems: [problem("items", value, 'the answer has no "items" array', 'Answer with {"items": [...]}.')],
    };
  }
  const items: WorkItem[] = [];
  const seen = new Set<string>();
  rawItems.forEach((raw, index) => {
    const path = `items[${index}]`;
    if (!isObject(raw)) {
      problems.push(
        problem(
          path,
          raw,
          "a work item must be an object",
          "Give every item the fields of the output contract.",
        ),
      );
      return;
    }
    const key = typeof raw.key === "string" && raw.key.trim() ? raw.key.trim() : `item_${index + 1}`;
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(key)) {
      problems.push(
        problem(
          `${path}.key`,
          raw.key,
          "the key must be 1-100 characters of letters, digits, _ or -",
          "Use lower_snake_case, e.g. orders_daily.",
        ),
      );
    }
    if (seen.has(key))
      problems.push(
        problem(`${path}.key`, key, `the key "${key}" is used twice`, "Give every item a unique key."),
      );
    seen.add(key);
    const action = raw.action as TaskAction;
    if (!ACTIONS.includes(action)) {
      problems.push(
        problem(
          `${path}.action`,
          raw.action,
          "action must be one of create, update, delete, run",
          "Set action to create, update, delete or run.",
        ),
      );
      return;
    }
    const item: WorkItem = { key, action };
    const questions = stringArray(raw.questions);
    if (questions.length) item.questions = questions;
    const dependsOn = stringArray(raw.depends_on);
    if (dependsOn.length) item.depends_on = dependsOn;
    if (typeof raw.priority === "number" && Number.isFinite(raw.priority))
      item.priority = Math.trunc(raw.priority);
    if (Array.isArray(raw.explanation)) {
      const explanation: FieldSource[] = raw.explanation
        .filter(isObject)
        .filter((e) => typeof e.field === "string" && typeof e.words === "string")
        .map((e) => ({ field: e.field as string, words: e.words as string }));
      if (explanation.length) item.explanation = explanation;
    }

    const target: JobTarget = {};
    const targetObj = isObject(raw.target) ? raw.target : {};
    const jobId = raw.target_job_id ?? targetObj.job_id;
    const name = raw.target_name ?? targetObj.name;
    if (typeof jobId === "number" && Number.isInteger(jobId)) target.job_id = jobId;
    else if (typeof jobId === "string" && /^\d+$/.test(jobId)) target.job_id = Number(jobId);
    if (typeof name === "string" && name.trim()) target.name = name.trim();
    if (Object.keys(target).length) item.target = target;

    if (action === "create") {
      const settings = objectField(raw, ["settings_json", "settings"], path, problems);
      if (settings) item.settings = settings as JobSettings;
      else if (!questions.length && !problems.some((p) => p.path.startsWith(`${path}.settings`))) {
        problems.push(
          problem(
            `${path}.settings_json`,
            null,
            "a create item needs settings_json",
            "Give the full JobSettings as a JSON string, or ask a question.",
          ),
        );
      }
    } else if (action === "update") {
      const newSettings = objectField(raw, ["new_settings_json", "new_settings"], path, problems);
      const patchObj = isObject(raw.patch) ? raw.patch : undefined;
      const fieldsToRemove = stringArray(raw.fields_to_remove ?? patchObj?.fields_to_remove);
      const fromPatch = patchObj && isObject(patchObj.new_settings) ? patchObj.new_settings : undefined;
      const fullSettings = objectField(raw, ["settings_json", "settings"], path, problems);
      if (newSettings || fromPatch || fieldsToRemove.length) {
        item.patch = { new_settings: (newSettings ?? fromPatch ?? {}) as JobSettings };
        if (fieldsToRemove.length) item.patch.fields_to_remove = fieldsToRemove;
      } else if (fullSettings) {
        item.settings = fullSettings as JobSettings;
      } else if (!questions.length) {
        problems.push(
          problem(
            `${path}.new_settings_json`,
            null,
            "an update item needs new_settings_json or fields_to_remove",
            "Give the changed top-level fields as a JSON string.",
          ),
        );
      }
    } else if (action === "run") {
      const params = objectField(raw, ["run_job_parameters_json", "job_parameters"], path, problems);
      const runObj = isObject(raw.run) ? raw.run : {};
      const run: RunRequest = {};
      const jobParameters = params ?? (isObject(runObj.job_parameters) ? runObj.job_parameters : undefined);
      if (jobParameters) {
        run.job_parameters = Object.fromEntries(
          Object.entries(jobParameters).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        );
      }
      const only = stringArray(raw.run_only ?? runObj.only);
      if (only.length) run.only = only;
      if (typeof runObj.wait === "boolean") run.wait = runObj.wait;
      item.run = run;
    }
    if ((action === "update" || action === "delete") && !item.target && !questions.length) {
      problems.push(
        problem(
          `${path}.target_name`,
          null,
          `a ${action} item needs target_job_id or target_name`,
          "Name the existing job exactly as the requirement does.",
        ),
      );
    }
    if (action === "run" && !item.target && !dependsOn.length && !questions.length) {
      problems.push(
        problem(
          `${path}.target_name`,
          null,
          "a run item needs the job to run (target_job_id / target_name) or depends_on the create item",
          "Name the job to run.",
        ),
      );
    }
    items.push(item);
  });
  const keys = new Set(items.map((i) => i.key));
  items.forEach((item, index) => {
    for (const dep of item.depends_on ?? []) {
      if (!keys.has(dep) && !dep.includes("/") && !dep.includes("#")) {
        problems.push(
          problem(
            `items[${index}].depends_on`,
            dep,
            `depends_on names "${dep}", which is not the key of another item`,
            `Use one of: ${[...keys].join(", ")}.`,
          ),
        );
      }
    }
  });
  return { items, problems };
}
