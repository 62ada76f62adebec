/**
 * The Tech Lead persona: requirement files → task files. Structured front matter is interpreted deterministically;
 * prose goes to the LLM when one is configured (with the offline interpreter as a cross-check) and to the offline
 * interpreter otherwise. Only requirements whose text changed are re-interpreted.
 */
import { posix } from "node:path";
import pLimit from "p-limit";
import type { Diagnostic, Interpretation, WorkItem } from "../domain/model.js";
import { hashJson } from "../domain/plan.js";
import { findInlineSecrets } from "../domain/secrets.js";
import { interpretStructured, loadRequirements } from "./requirements/index.js";
import { compareInterpretations, createOfflineInterpreter } from "./interpreter/index.js";
import { mergeWithStructured } from "./llm/safety.js";
import type { RequirementDoc } from "./types.js";
import type { RunContext } from "../engine/context.js";
import { sanitizeId } from "../state/task-store.js";
import { transition, type TaskRecord, type TaskSpec } from "../state/task-file.js";
import { duplicateJobNames, taskIdCollision, type Origin } from "./collisions.js";
import { interpretationForTarget } from "./targets.js";
import { stableIdOf } from "./requirements/stable-id.js";
import { withDuplicates } from "./requirements/duplicates.js";
import { applyMoves } from "./moves.js";
import { REPO_TAG, TASK_TAG } from "../state/ownership.js";
import type { WorkspaceJob } from "../domain/model.js";

const WRITE_CONCURRENCY = 16;

export interface TechLeadOutcome {
  /** Every task after the Tech Lead ran (written or not). */
  tasks: TaskRecord[];
  /** Repo-relative files written or removed. */
  written: string[];
  interpretations: Interpretation[];
  diagnostics: Diagnostic[];
  docs: RequirementDoc[];
  /** With `defer`: the changed tasks left for the caller to write (the plan writes each once, with its plan state). */
  unwritten?: TaskRecord[];
  /** Repo-relative task files that could not be read: no task stands for them, and none may be written over them. */
  unreadable: Set<string>;
}

/** Id prefix of a requirement without an `id:`: its path under the jobs dir without ".md", "/" → "--". */
export function requirementId(jobsDir: string, file: string): string {
  const rel = posix.relative(jobsDir.replace(/\\/g, "/"), file).replace(/\.md$/i, "");
  return sanitizeId(rel.split("/").join("--"));
}

/** A task's id: the requirement's stable `id:` (or, without one, its path) and the item key. */
export function taskIdOf(jobsDir: string, file: string, key: string, stableId?: string): string {
  return `${stableId !== undefined ? sanitizeId(stableId) : requirementId(jobsDir, file)}.${sanitizeId(key)}`;
}

export function specOf(item: WorkItem): TaskSpec {
  const spec: TaskSpec = {};
  if (item.settings) spec.settings = item.settings;
  if (item.patch) spec.patch = item.patch;
  if (item.target) spec.target = item.target;
  if (item.run) spec.run = item.run;
  if (item.explanation?.length) spec.explanation = item.explanation;
  if (item.duplicates) spec.duplicates = item.duplicates;
  return spec;
}

export function specHash(action: string, spec: TaskSpec): string {
  const { explanation: _ignored, ...rest } = spec;
  void _ignored;
  return hashJson({ action, ...rest });
}

export interface TechLeadRunOptions {
  /** Write task files (false: compute in memory, e.g. for a read-only plan). */
  write: boolean;
  /** Only these requirement files (repo-relative); others keep their tasks as they are. */
  only?: string[];
  /** With `write`: leave the changed task files to the caller (`unwritten`); removals and the log are written. */
  defer?: boolean;
}

export async function techLead(ctx: RunContext, run: TechLeadRunOptions): Promise<TechLeadOutcome> {
  const { options, store } = ctx;
  const by = `tech-lead@${options.runId}`;
  const { docs, diagnostics } = await loadRequirements(options.repoDir, options.jobsDir);
  const listed = await store.list();
  // A task file that cannot be read (merge conflict markers, a hand edit) is an error of its own, and nothing of this
  // run writes it: its job id, history and applied hash are only in it. Its requirement's item is not re-derived
  // into a fresh task (that would overwrite the file with a task that forgot its job).
  const unreadable = new Set(listed.errors.map((error) => error.file));
  for (const error of listed.errors) {
    diagnostics.push({
      severity: "error",
      code: error.code,
      file: error.file,
      ...(error.line !== undefined ? { line: error.line } : {}),
      path: "",
      message: error.reason,
      fix: error.fix,
    });
  }
  // Nothing to read and nothing recorded: most likely the requirements live elsewhere (say where it looked).
  if (docs.length === 0 && listed.tasks.length === 0 && diagnostics.length === 0 && !run.only)
    diagnostics.push({
      severity: "warning",
      code: "requirement.none",
      path: "jobs-dir",
      message: `no requirement files under ${options.jobsDir}/ (markdown files, searched recursively): nothing to plan`,
      fix: `put the requirements in ${options.jobsDir}/ (\`jobagent init\` writes an example there), or point jobs-dir at the folder that holds them (jobs_dir: in jobagent.yml, --jobs-dir, the action's jobs-dir input)`,
    });
  const existing = new Map(listed.tasks.map((t) => [t.id, t]));
  const byRequirement = new Map<string, TaskRecord[]>();
  for (const task of listed.tasks) {
    const list = byRequirement.get(task.requirement) ?? [];
    list.push(task);
    byRequirement.set(task.requirement, list);
  }
  const inScope = (file: string) => !run.only || run.only.includes(file);
  const failedFiles = new Set(
    diagnostics.filter((d) => d.severity === "error" && d.file).map((d) => d.file as string),
  );

  const result = new Map<string, TaskRecord>(existing);
  const changed = new Set<string>();
  const removed = new Set<string>();
  const interpretations: Interpretation[] = [];
  const progress: string[] = [];
  const now = ctx.now();
  const stamp = now.toISOString();

  const present = new Set(docs.map((d) => d.file));
  const claimed = new Map<string, Origin>();
  // Tasks created in this run, and retired tasks whose job may have moved to one of them (see moves.ts).
  const fresh = new Set<string>();
  const movable = new Map<string, TaskRecord>();
  for (const doc of docs) {
    // Task files are state, never authority: a requirement read deterministically (structured block, offline
    // interpreter) is re-derived on every run, so a hand-edited task file is rewritten, never applied. Only an LLM's
    // reading of unchanged prose is kept as recorded (the plan hash ties it to the approved plan).
    const rederive = !options.llm || doc.body.trim() === "";
    if (!inScope(doc.file) && !rederive) continue;
    // A target's settings (overrides, mode, prefix) are part of what a requirement means for that target.
    const requirementHash = hashJson(options.target ? { text: doc.text, target: options.target } : doc.text);
    const prior = byRequirement.get(doc.file) ?? [];
    const changedText =
      prior.length === 0 ||
      prior.some((t) => t.requirement_hash !== requirementHash) ||
      (options.llm !== undefined && prior.some((t) => t.source === "interpreter"));
    if (!changedText && !rederive) {
      // Nothing to re-interpret, but the requirement's own problems must still reach the plan (they keep its tasks
      // from being planned): re-read the structured block, which is cheap and deterministic.
      const again = interpretStructured(doc);
      if (again) diagnostics.push(...again.diagnostics, ...scrubSecrets(doc.file, again).diagnostics);
      continue;
    }

    const interpreted = interpretationForTarget(doc, await interpret(ctx, doc), options.target);
    const interpretation = scrubSecrets(doc.file, {
      ...interpreted,
      // `duplicates: keep <id>` is the requirement's own decision, whoever read the rest of it (block, prose, LLM).
      items: withDuplicates(doc.frontMatter, interpreted.items),
    });
    interpretations.push(interpretation);
    diagnostics.push(...interpretation.diagnostics);
    const fileErrors = interpretation.diagnostics.some((d) => d.severity === "error" && d.path === "");
    if (fileErrors && interpretation.items.length === 0) {
      // The requirement cannot be read at all: keep its tasks as they are; the plan reports the error.
      continue;
    }

    const keep = new Set<string>();
    const stableId = stableIdOf(doc.frontMatter);
    for (const item of interpretation.items) {
      const id = taskIdOf(options.jobsDir, doc.file, item.key, stableId);
      const origin: Origin = { file: doc.file, ...(item.line !== undefined ? { line: item.line } : {}) };
      if (unreadable.has(store.fileOf(id))) {
        claimed.set(id, { file: doc.file, ...(item.line !== undefined ? { line: item.line } : {}) });
        keep.add(id);
        continue;
      }
      const other = claimed.get(id) ?? foreignClaim(result.get(id), doc.file, present);
      if (other && other.file !== doc.file) {
        diagnostics.push(taskIdCollision(id, other, origin));
        continue;
      }
      claimed.set(id, origin);
      keep.add(id);
      const spec = specOf(item);
      const hash = specHash(item.action, spec);
      const dependsOn = (item.depends_on ?? []).map((d) =>
        d.includes(".") ? d : taskIdOf(options.jobsDir, doc.file, d, stableId),
      );
      const questions = item.questions?.filter((q) => q.trim() !== "") ?? [];
      const before = result.get(id);
      let task: TaskRecord;
      if (!before) {
        task = {
          id,
          requirement: doc.file,
          key: item.key,
          action: item.action,
          status: "PENDING",
          priority: item.priority ?? 100,
          depends_on: dependsOn,
          source: interpretation.source,
          requirement_hash: requirementHash,
          spec_hash: hash,
          attempts: 0,
          line: item.line,
          spec,
          history: [{ at: stamp, from: null, to: "PENDING", by, note: `from ${doc.file}` }],
        };
        if (item.settings?.name) task.job_name = item.settings.name;
        fresh.add(id);
        progress.push(`- ${stamp} tech-lead: new task \`${id}\` (${item.action}) from \`${doc.file}\``);
      } else {
        task = {
          ...before,
          requirement: doc.file, // a requirement with a stable id may have been renamed or moved
          action: item.action,
          key: item.key,
          priority: item.priority ?? 100,
          depends_on: dependsOn,
          source: interpretation.source,
          requirement_hash: requirementHash,
          line: item.line,
          spec,
          questions: changedText ? undefined : before.questions,
          errors: changedText ? undefined : before.errors,
        };
        if (item.settings?.name) task.job_name = item.settings.name;
        const edited = editedByHand(before, requirementHash, item.action, hash);
        if (edited) diagnostics.push(rewrittenDiagnostic(store.fileOf(id), doc.file, edited));
        if (before.spec_hash !== hash || (before.status === "BLOCKED" && changedText) || edited) {
          task.spec_hash = hash;
          task.plan_hash = undefined;
          task.plan_id = undefined;
          task.lease = undefined;
          if (task.status !== "PENDING") {
            task = transition(
              task,
              "PENDING",
              by,
              now,
              edited
                ? `task file disagreed with its requirement (${edited}): rewritten from it`
                : before.spec_hash !== hash
                  ? "requirement changed"
                  : "requirement re-read",
            );
          }
          progress.push(
            `- ${stamp} tech-lead: task \`${id}\` re-interpreted (${before.spec_hash !== hash ? "spec changed" : "spec unchanged"})`,
          );
        }
      }
      if (questions.length > 0) {
        task.questions = questions;
        if (task.status !== "BLOCKED")
          task = transition(task, "BLOCKED", by, now, "the requirement needs answers");
      }
      result.set(id, task);
      changed.add(id);
    }
    // Ids that were the file's path before it declared `id:`: their jobs may move to the new ids.
    const pathId = `${requirementId(options.jobsDir, doc.file)}.`;
    // One job before, one job now under another key (its prose name changed, or a new interpreter reads it
    // differently): the same job renamed, not a job replaced — its job may move to the new task (moves.ts).
    const creates = (tasks: TaskRecord[]) => tasks.filter((t) => t.action === "create");
    const gone = creates(prior.filter((t) => !keep.has(t.id) && t.job_id !== undefined));
    const arrived = creates([...keep].flatMap((id) => (fresh.has(id) ? [result.get(id)!] : [])));
    const rekeyed = gone.length === 1 && arrived.length === 1 && creates(prior).length === 1;
    for (const task of prior) {
      if (keep.has(task.id)) continue;
      retire(
        task,
        "no longer in its requirement",
        rekeyed || (stableId !== undefined && task.id.startsWith(pathId)),
      );
    }
  }

  // Requirements that were removed: their managed jobs are to be deleted (the plan asks for allow-delete).
  for (const [file, tasks] of byRequirement) {
    if (present.has(file) || failedFiles.has(file) || !inScope(file)) continue;
    for (const task of tasks) {
      if (claimed.has(task.id)) continue; // its requirement has a stable id and lives in another file now
      retire(task, `requirement ${file} was removed`, true);
    }
  }
  applyMoves(
    { result, changed, removed, progress, diagnostics },
    fresh,
    movableOf(result, movable, present),
    {
      by,
      now,
    },
  );

  function retire(task: TaskRecord, why: string, mayMove: boolean): void {
    if (task.source === "removed") return; // already a delete of a retired job
    if (mayMove && task.action === "create" && task.job_id !== undefined) movable.set(task.id, task);
    if (task.action === "create" && task.job_id !== undefined) {
      let next: TaskRecord = {
        ...task,
        action: "delete",
        source: "removed",
        spec: { target: { job_id: task.job_id, ...(task.job_name ? { name: task.job_name } : {}) } },
        plan_hash: undefined,
        plan_id: undefined,
        questions: undefined,
        errors: undefined,
      };
      next.spec_hash = specHash("delete", next.spec);
      if (next.status !== "PENDING")
        next = transition(next, "PENDING", by, now, `${why}: its job is to be deleted`);
      result.set(task.id, next);
      changed.add(task.id);
      progress.push(
        `- ${stamp} tech-lead: task \`${task.id}\` ${why}; job ${task.job_id} will be deleted (needs allow-delete)`,
      );
    } else {
      result.delete(task.id);
      removed.add(task.id);
      progress.push(`- ${stamp} tech-lead: task \`${task.id}\` removed (${why})`);
    }
  }

  diagnostics.push(...duplicateJobNames([...result.values()]));
  const written: string[] = [];
  let unwritten: TaskRecord[] | undefined;
  if (run.write) {
    const toWrite = [...changed].flatMap((id) => {
      const task = result.get(id);
      const before = existing.get(id);
      return !task || (before && JSON.stringify(before) === JSON.stringify(task)) ? [] : [task];
    });
    if (run.defer) unwritten = toWrite;
    else written.push(...(await writeTasks(store, toWrite)));
    for (const id of removed) {
      await store.remove(id);
      written.push(store.fileOf(id));
    }
    if (progress.length > 0) await store.appendProgress(progress);
  }
  return {
    tasks: [...result.values()].sort((a, b) => a.id.localeCompare(b.id)),
    written,
    interpretations,
    diagnostics,
    docs,
    unreadable,
    ...(unwritten ? { unwritten } : {}),
  };
}

/**
 * The retired tasks whose job a new task may take over: those retired in this run because their requirement
 * disappeared, and earlier deletes not applied yet whose requirement file is gone (the job still exists).
 */
function movableOf(
  result: Map<string, TaskRecord>,
  retiredNow: Map<string, TaskRecord>,
  present: Set<string>,
): TaskRecord[] {
  const out = [...retiredNow.values()];
  for (const task of result.values()) {
    if (retiredNow.has(task.id) || task.source !== "removed" || present.has(task.requirement)) continue;
    if (task.action === "delete" && task.job_id !== undefined && task.status !== "COMPLETE") out.push(task);
  }
  return out;
}

/** Writes task files concurrently (bounded); the files come back in the given order. */
export async function writeTasks(store: RunContext["store"], tasks: TaskRecord[]): Promise<string[]> {
  const limit = pLimit(WRITE_CONCURRENCY);
  return Promise.all(tasks.map((task) => limit(() => store.write(task)).then(() => store.fileOf(task.id))));
}

/** Another requirement file (still present) that already holds task `task`, or undefined. */
function foreignClaim(task: TaskRecord | undefined, file: string, present: Set<string>): Origin | undefined {
  if (!task || task.requirement === file || !present.has(task.requirement)) return undefined;
  return { file: task.requirement, ...(task.line !== undefined ? { line: task.line } : {}) };
}

/**
 * What of a task file disagrees with its requirement although the requirement did not change (the file was edited
 * by hand or in a pull request), or undefined when it agrees.
 */
function editedByHand(
  before: TaskRecord,
  requirementHash: string,
  action: string,
  hash: string,
): string | undefined {
  if (before.requirement_hash !== requirementHash || before.source === "removed") return undefined;
  const what: string[] = [];
  if (before.action !== action) what.push("action");
  if (specHash(before.action, before.spec) !== hash || before.spec_hash !== hash) what.push("spec");
  return what.length > 0 ? what.join(" and ") : undefined;
}

function rewrittenDiagnostic(taskFile: string, requirement: string, what: string): Diagnostic {
  return {
    severity: "warning",
    code: "task-file.rewritten",
    file: taskFile,
    path: "",
    message: `the ${what} in ${taskFile} disagreed with ${requirement}, which did not change (edited by hand, or written by another version of jobagent); the task was rewritten from the requirement and nothing was taken from the task file`,
    fix: "Edit the requirement, not the task file (task files hold state; what is applied always comes from the requirement).",
  };
}

/**
 * One requirement → work items. A structured block is authoritative; with an LLM configured and prose next to it,
 * the LLM reads both and its answer is merged under the structured fields (conflicts reported). Prose alone goes
 * to the LLM (cross-checked by the offline interpreter) or, without an LLM, to the offline interpreter.
 */
async function interpret(ctx: RunContext, doc: RequirementDoc): Promise<Interpretation> {
  const structured = interpretStructured(doc);
  if (structured && (!ctx.options.llm || doc.body.trim() === "")) return structured;
  const snapshot = await ctx.snapshot();
  const context = { existingJobs: othersJobs(ctx, doc, [...snapshot.jobs.values()]), tools: ctx.tools };
  if (!ctx.options.llm)
    return safely(doc, "interpreter", () => createOfflineInterpreter().interpret(doc, context));
  // The LLM client (openai) is loaded only when a requirement needs it.
  ctx.llmInterpreter ??= (await import("./llm/index.js")).createLlmInterpreter(ctx.options.llm);
  const llm = ctx.llmInterpreter;
  if (structured) {
    const fromLlm = await safely(doc, "llm", () => llm.interpret(doc, context));
    // A failed LLM read must not block a requirement whose structured block stands on its own.
    if (fromLlm.items.every((i) => i.questions?.length))
      return { ...structured, diagnostics: [...structured.diagnostics, ...fromLlm.diagnostics] };
    return mergeWithStructured(fromLlm, structured);
  }
  const [fromLlm, fromOffline] = await Promise.all([
    safely(doc, "llm", () => llm.interpret(doc, context)),
    safely(doc, "interpreter", () => createOfflineInterpreter().interpret(doc, context)),
  ]);
  const unavailable = fromLlm.diagnostics.find((d) => DEFAULT_UNAVAILABLE.has(d.code));
  if (ctx.options.llm.isDefault && unavailable)
    return {
      ...fromOffline,
      diagnostics: [...fromOffline.diagnostics, defaultLlmMissing(doc, ctx, unavailable)],
    };
  return {
    ...fromLlm,
    diagnostics: [...fromLlm.diagnostics, ...compareInterpretations(fromLlm, fromOffline)],
  };
}

/**
 * The jobs prose may name as existing ones: all but those this requirement's own tasks manage. After an apply the
 * job a prose requirement created exists, runs the code the prose names and has its name — it must stay that
 * requirement's job, not become the target of an "update" read from the same words.
 */
function othersJobs(ctx: RunContext, doc: RequirementDoc, jobs: WorkspaceJob[]): WorkspaceJob[] {
  const stableId = stableIdOf(doc.frontMatter);
  const prefix = `${stableId !== undefined ? sanitizeId(stableId) : requirementId(ctx.options.jobsDir, doc.file)}.`;
  return jobs.filter(
    (job) =>
      job.settings.tags?.[REPO_TAG] !== ctx.options.repo ||
      !job.settings.tags?.[TASK_TAG]?.startsWith(prefix),
  );
}

/** Failures meaning the default endpoint is not there for this workspace (not a bad answer). */
const DEFAULT_UNAVAILABLE = new Set(["llm.endpoint-not-found", "llm.auth", "llm.unreachable"]);

function defaultLlmMissing(doc: RequirementDoc, ctx: RunContext, cause: Diagnostic): Diagnostic {
  const model = ctx.options.llm?.model ?? "";
  return {
    severity: "warning",
    code: "llm.default-unavailable",
    file: doc.file,
    path: "llm-model",
    message: `The default LLM (the workspace's serving endpoint ${model}) is not available (${cause.message}); the prose was read by the offline interpreter.`,
    fix: "Set llm-model to a serving endpoint this workspace has (e.g. databricks-gpt-5-mini), or llm-model: off to use the offline interpreter without trying.",
  };
}

async function safely(
  doc: RequirementDoc,
  source: Interpretation["source"],
  fn: () => Promise<Interpretation>,
): Promise<Interpretation> {
  try {
    return await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      requirement: doc.file,
      source,
      items: [
        {
          key: "requirement",
          action: "create",
          questions: [
            `The ${source === "llm" ? "LLM" : "offline interpreter"} could not interpret this requirement (${message}). Rewrite it or add a structured \`job:\` block.`,
          ],
          line: doc.bodyLine,
        },
      ],
      diagnostics: [],
    };
  }
}

/**
 * Inline secrets never reach a task file (which is committed): every secret value found in a work item is replaced
 * by its redacted rendering, and the requirement gets an error (its tasks are not planned until it is fixed).
 */
export function scrubSecrets(
  file: string,
  interpretation: Interpretation,
): Interpretation & { diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [...interpretation.diagnostics];
  const items = interpretation.items.map((item) => {
    const findings = [
      ...findInlineSecrets(item.settings ?? {}),
      ...findInlineSecrets(item.patch?.new_settings ?? {}),
      ...findInlineSecrets({ job_parameters: item.run?.job_parameters ?? {} }),
    ];
    if (findings.length === 0) return item;
    for (const f of findings) {
      const d: Diagnostic = {
        severity: "error",
        code: f.code,
        file,
        path: f.path,
        value: f.value,
        message: f.message,
        fix: f.fix,
      };
      if (item.line !== undefined) d.line = item.line;
      diagnostics.push(d);
    }
    const replace = (value: unknown): unknown => {
      if (typeof value === "string")
        return findings.reduce((text, f) => text.split(f.secret).join(f.value), value);
      if (Array.isArray(value)) return value.map(replace);
      if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
      return value;
    };
    return replace(item) as WorkItem;
  });
  return { ...interpretation, items, diagnostics };
}
