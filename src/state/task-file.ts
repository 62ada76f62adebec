/**
 * Task files: the state database. One markdown file per task under `<jobs-dir>/.tasks/`, whose YAML front matter
 * holds the task's state and whose body is a human-readable summary. History is appended on every transition
 * (and git keeps the rest).
 */
import { parseDocument, stringify } from "yaml";
import { dumpYamlFast, loadYamlFast } from "../domain/yaml-fast.js";
import type {
  DuplicatesChoice,
  FieldSource,
  JobSettings,
  JobTarget,
  RunRequest,
  TaskAction,
} from "../domain/model.js";
import { isObject } from "../domain/json.js";
import { escapeTableCell } from "../domain/markdown.js";
import { conflictFix, conflictMarkerLine } from "./conflict-markers.js";

export const TASK_STATES = ["PENDING", "PLANNED", "IN_PROGRESS", "COMPLETE", "FAILED", "BLOCKED"] as const;
export type TaskState = (typeof TASK_STATES)[number];

/**
 * The one transition table of task states (from → allowed targets); a transition to the same state is a re-record,
 * always legal. Why each edge exists:
 * - PENDING → PLANNED (plan), BLOCKED (validation, questions, a conflict), IN_PROGRESS (apply with on-plan-change: apply).
 * - PLANNED → PENDING (requirement changed), IN_PROGRESS (apply), BLOCKED, COMPLETE (nothing to change).
 * - IN_PROGRESS → COMPLETE / FAILED (apply's outcome), PLANNED / PENDING (re-planned after a crash), BLOCKED.
 * - COMPLETE → PENDING (requirement changed), PLANNED (drift, job deleted outside), BLOCKED (a new conflict, e.g.
 *   the job was deleted and a same-name job appeared).
 * - FAILED → PENDING, PLANNED, BLOCKED, IN_PROGRESS (retried).
 * - BLOCKED → PENDING (requirement changed), PLANNED (conflict resolved).
 * Forbidden: reaching COMPLETE or FAILED without IN_PROGRESS (except PLANNED → COMPLETE for a no-op), and applying a
 * COMPLETE or BLOCKED task without planning it again.
 */
export const TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  PENDING: ["PLANNED", "BLOCKED", "IN_PROGRESS"],
  PLANNED: ["PENDING", "IN_PROGRESS", "BLOCKED", "COMPLETE"],
  IN_PROGRESS: ["COMPLETE", "FAILED", "PLANNED", "PENDING", "BLOCKED"],
  COMPLETE: ["PENDING", "PLANNED", "BLOCKED"],
  FAILED: ["PENDING", "PLANNED", "BLOCKED", "IN_PROGRESS"],
  BLOCKED: ["PENDING", "PLANNED"],
};

export function isLegalTransition(from: TaskState, to: TaskState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly taskId: string,
    readonly from: TaskState,
    readonly to: TaskState,
  ) {
    super(`Task ${taskId}: illegal state transition ${from} → ${to}`);
    this.name = "IllegalTransitionError";
  }
}

export interface HistoryEntry {
  at: string;
  from: TaskState | null;
  to: TaskState;
  by: string;
  note?: string;
}

/** What the task asks the Worker to do (written by the Tech Lead). */
export interface TaskSpec {
  settings?: JobSettings;
  patch?: { new_settings: JobSettings; fields_to_remove?: string[] };
  target?: JobTarget;
  run?: RunRequest;
  explanation?: FieldSource[];
  /** The requirement's `duplicates: keep <id>` (which copy to keep when several carry this task's ownership). */
  duplicates?: DuplicatesChoice;
}

export interface TaskRecord {
  id: string;
  requirement: string;
  key: string;
  action: TaskAction;
  status: TaskState;
  priority: number;
  depends_on: string[];
  /** "structured" | "interpreter" | "llm" | "removed" (requirement or item deleted: the job is to be deleted). */
  source: string;
  /** sha of the requirement file text the task came from. */
  requirement_hash: string;
  /** sha of `spec` (+ action): changes when the requirement asks for something different. */
  spec_hash: string;
  /** Per-task hash of the change recorded by the last plan (approval). */
  plan_hash?: string;
  /** Overall plan hash of the plan that recorded `plan_hash` (what the PR comment showed). */
  plan_id?: string;
  /** spec_hash at the last successful apply. */
  applied_spec_hash?: string;
  /** Hash of the normalised job settings right after the last successful apply (drift detection). */
  applied_hash?: string;
  /**
   * Fingerprint of "nothing to do" (worker/plan/unchanged.ts): the settings the last apply left, the workspace job as
   * listed right after it, and the rules that compared them, recorded only when they compared equal with no warning.
   * A plan that finds the same fingerprint skips validating and comparing the job again.
   */
  observed_hash?: string;
  job_id?: number;
  job_name?: string;
  /** The task this one took the job over from when its requirement was renamed or moved (see techlead/moves.ts). */
  moved_from?: { task: string; requirement: string };
  run?: { run_id: number; url?: string; result?: string; message?: string };
  attempts: number;
  lease?: { holder: string; expires: string };
  line?: number;
  questions?: string[];
  errors?: string[];
  spec: TaskSpec;
  history: HistoryEntry[];
}

export const TASK_FILE_VERSION = 1;

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export class TaskFileError extends Error {
  /** The 1-based line of the file the problem is on, when known. */
  readonly line: number | undefined;
  /** What to do about it (never "delete the file": it holds the task's job id and history). */
  readonly fix: string;
  readonly code: string;
  constructor(
    readonly file: string,
    /** The problem, without the file's name. */
    readonly reason: string,
    details: { line?: number; fix?: string; code?: string } = {},
  ) {
    super(`${file}${details.line !== undefined ? `:${details.line}` : ""}: ${reason}`);
    this.name = "TaskFileError";
    this.line = details.line;
    this.fix =
      details.fix ??
      `Restore the file from git (\`git checkout HEAD -- ${file}\`, or take it from \`git log -p -- ${file}\`) and edit the requirement instead: task files hold state, and the next plan re-reads the requirement. Deleting the file loses the task's job id and history.`;
    this.code = details.code ?? "task-file.invalid";
  }
}

/**
 * Parses a task file. Throws TaskFileError naming the file, the line and the field when the front matter is not a
 * task (merge conflict markers, invalid YAML, a field of the wrong type or value).
 */
export function parseTaskFile(file: string, text: string): TaskRecord {
  const conflict = conflictMarkerLine(text);
  if (conflict !== undefined)
    throw new TaskFileError(
      file,
      `merge conflict markers at line ${conflict}: resolve the conflict (keep both histories) or take one side with git checkout --ours/--theirs; the file is not read, and jobagent does not rewrite it until then`,
      { line: conflict, fix: conflictFix(file, "task"), code: "task-file.conflict" },
    );
  const match = FRONT_MATTER.exec(text);
  if (!match)
    throw new TaskFileError(file, "no YAML front matter (expected a task file written by jobagent)", {
      line: 1,
    });
  const frontMatter = match[1] ?? "";
  const data = readFrontMatter(file, frontMatter) as Record<string, unknown> | null;
  if (!data || typeof data !== "object")
    throw new TaskFileError(file, "front matter is not a mapping", { line: 2 });
  // The front matter starts on line 2 (after the opening `---`).
  const lineOfField = (field: string): number | undefined => {
    const index = frontMatter.split(/\r?\n/).findIndex((l) => l.startsWith(`${field}:`));
    return index === -1 ? undefined : index + 2;
  };
  const need = (field: string, type: "string" | "number") => {
    if (typeof data[field] !== type) {
      throw new TaskFileError(
        file,
        `field "${field}" must be a ${type} (found ${JSON.stringify(data[field])})`,
        withLine(lineOfField(field)),
      );
    }
  };
  need("id", "string");
  need("requirement", "string");
  need("key", "string");
  need("action", "string");
  need("status", "string");
  if (!(TASK_STATES as readonly string[]).includes(data.status as string)) {
    throw new TaskFileError(
      file,
      `field "status" must be one of ${TASK_STATES.join(", ")} (found ${JSON.stringify(data.status)})`,
      withLine(lineOfField("status")),
    );
  }
  if (!["create", "update", "delete", "run"].includes(data.action as string)) {
    throw new TaskFileError(
      file,
      `field "action" must be create, update, delete or run (found ${JSON.stringify(data.action)})`,
      withLine(lineOfField("action")),
    );
  }
  return {
    id: data.id as string,
    requirement: data.requirement as string,
    key: data.key as string,
    action: data.action as TaskAction,
    status: data.status as TaskState,
    priority: typeof data.priority === "number" ? data.priority : 100,
    depends_on: Array.isArray(data.depends_on) ? data.depends_on.map(String) : [],
    source: typeof data.source === "string" ? data.source : "structured",
    requirement_hash: typeof data.requirement_hash === "string" ? data.requirement_hash : "",
    spec_hash: typeof data.spec_hash === "string" ? data.spec_hash : "",
    plan_hash: optionalString(data.plan_hash),
    plan_id: optionalString(data.plan_id),
    applied_spec_hash: optionalString(data.applied_spec_hash),
    applied_hash: optionalString(data.applied_hash),
    observed_hash: optionalString(data.observed_hash),
    job_id: typeof data.job_id === "number" ? data.job_id : undefined,
    job_name: optionalString(data.job_name),
    moved_from: movedFrom(data.moved_from),
    run: isObject(data.run) ? (data.run as TaskRecord["run"]) : undefined,
    attempts: typeof data.attempts === "number" ? data.attempts : 0,
    lease: isObject(data.lease) ? (data.lease as TaskRecord["lease"]) : undefined,
    line: typeof data.line === "number" ? data.line : undefined,
    questions: Array.isArray(data.questions) ? data.questions.map(String) : undefined,
    errors: Array.isArray(data.errors) ? data.errors.map(String) : undefined,
    spec: isObject(data.spec) ? (data.spec as TaskSpec) : {},
    history: Array.isArray(data.history) ? (data.history as HistoryEntry[]) : [],
  };
}

const withLine = (line: number | undefined): { line?: number } => (line !== undefined ? { line } : {});

/** The task's front matter: the fast loader, else the careful parser (its error names the problem and the line). */
function readFrontMatter(file: string, yamlText: string): unknown {
  const fast = loadYamlFast(yamlText);
  if (fast) return fast.value;
  const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    // The front matter starts on the file's line 2; the parser's own wording, without its position and excerpt.
    const line = error.linePos?.[0]?.line;
    const reason = (error.message.split("\n")[0] ?? "invalid YAML").replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    throw new TaskFileError(
      file,
      `the front matter is not valid YAML${line !== undefined ? ` at line ${line + 1}` : ""} (${reason})`,
      withLine(line !== undefined ? line + 1 : undefined),
    );
  }
  return doc.toJS({ maxAliasCount: 10 });
}

function movedFrom(value: unknown): TaskRecord["moved_from"] {
  if (!isObject(value)) return undefined;
  const { task, requirement } = value as Record<string, unknown>;
  return typeof task === "string" && typeof requirement === "string" ? { task, requirement } : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Serialises a task file: front matter (stable key order) + a human-readable body. */
export function renderTaskFile(task: TaskRecord): string {
  const front: Record<string, unknown> = { version: TASK_FILE_VERSION };
  const order: Array<keyof TaskRecord> = [
    "id",
    "requirement",
    "key",
    "action",
    "status",
    "priority",
    "depends_on",
    "source",
    "requirement_hash",
    "spec_hash",
    "plan_hash",
    "plan_id",
    "applied_spec_hash",
    "applied_hash",
    "observed_hash",
    "job_id",
    "job_name",
    "moved_from",
    "run",
    "attempts",
    "lease",
    "line",
    "questions",
    "errors",
    "spec",
    "history",
  ];
  for (const key of order) {
    const value = task[key];
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0 && key !== "depends_on" && key !== "history") continue;
    front[key] = value;
  }
  const yamlText = dumpYamlFast(front) ?? stringify(front, { lineWidth: 0, aliasDuplicateObjects: false });
  return `---\n${yamlText}---\n\n${renderBody(task)}`;
}

function renderBody(task: TaskRecord): string {
  const lines: string[] = [];
  const what =
    task.action === "create"
      ? `keep job "${task.job_name ?? task.spec.settings?.name ?? task.key}" as the requirement defines it`
      : task.action === "update"
        ? `update an existing job (${describeTarget(task.spec.target)})`
        : task.action === "delete"
          ? `delete job ${describeTarget(task.spec.target)}`
          : `run job ${describeTarget(task.spec.target)}`;
  lines.push(`# Task \`${task.id}\``, "");
  lines.push(`- **What:** ${what}`);
  lines.push(`- **Status:** ${task.status}${task.job_id !== undefined ? ` — job ${task.job_id}` : ""}`);
  lines.push(`- **Requirement:** \`${task.requirement}\` (interpreted by: ${task.source})`);
  if (task.depends_on.length > 0)
    lines.push(`- **Waits for:** ${task.depends_on.map((d) => `\`${d}\``).join(", ")}`);
  if (task.run)
    lines.push(
      `- **Last run:** ${task.run.run_id}${task.run.result ? ` (${task.run.result})` : ""}${task.run.url ? ` ${task.run.url}` : ""}`,
    );
  if (task.questions?.length) {
    lines.push("", "## Questions for the requester", "");
    for (const q of task.questions) lines.push(`- ${q}`);
  }
  if (task.errors?.length) {
    lines.push("", "## Problems", "");
    for (const e of task.errors) lines.push(`- ${e}`);
  }
  if (task.spec.explanation?.length) {
    lines.push("", "## Why each field has its value", "");
    for (const e of task.spec.explanation)
      lines.push(`- \`${e.field}\` ← "${e.words}"${e.line ? ` (line ${e.line})` : ""}`);
  }
  lines.push("", "## History", "", "| at | from | to | by | note |", "|---|---|---|---|---|");
  for (const h of task.history.slice(-20)) {
    lines.push(`| ${h.at} | ${h.from ?? "—"} | ${h.to} | ${h.by} | ${escapeTableCell(h.note ?? "")} |`);
  }
  if (task.history.length > 20)
    lines.push("", `(${task.history.length - 20} earlier transitions in the front matter)`);
  lines.push(
    "",
    "<!-- Written by jobagent. The front matter is the task's state; edit the requirement, not this file. -->",
    "",
  );
  return lines.join("\n");
}

export function describeTarget(target: JobTarget | undefined): string {
  if (!target) return "(no target)";
  if (target.job_id !== undefined) return `#${target.job_id}${target.name ? ` "${target.name}"` : ""}`;
  if (target.name) return `"${target.name}"`;
  if (target.tag) return `tagged ${target.tag.key}=${target.tag.value}`;
  if (target.code_path) return `running ${target.code_path}`;
  return "(no target)";
}

/**
 * Transitions a task file keeps (the newest; older ones stay in git history): about seven change → plan → apply
 * cycles. Every plan reads every task file and rewrites the ones it changes: with 100 kept (as before), a mature
 * task file is ~17 KB and costs 6.5× the reading and 5.6× the writing of a fresh one (4 transitions); with 30,
 * 1.8× and 2.4×.
 */
export const HISTORY_LIMIT = 30;

/**
 * Moves a task to a new state, appending to its history. Throws IllegalTransitionError for a transition the state
 * machine does not allow.
 */
export function transition(task: TaskRecord, to: TaskState, by: string, at: Date, note?: string): TaskRecord {
  if (!isLegalTransition(task.status, to)) throw new IllegalTransitionError(task.id, task.status, to);
  const entry: HistoryEntry = { at: at.toISOString(), from: task.status, to, by };
  if (note) entry.note = note;
  const history = [...task.history, entry];
  // Keep the front matter bounded: old transitions stay in git history.
  const trimmed = history.length > HISTORY_LIMIT ? history.slice(-HISTORY_LIMIT) : history;
  return { ...task, status: to, history: trimmed };
}
