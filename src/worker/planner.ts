/**
 * The Worker's Validate → Plan over task files: task state, schema, semantics, secrets and workspace preflight,
 * then desired vs. actual for every job (create / update / delete / run / no-op) with drift and ownership rules.
 */
import { PROJECT_UNSET_PLAN_WARNING } from "../state/project-config.js";
import pLimit from "p-limit";
import type { PlanCounts, PlanResult } from "../engine/api.js";
import type { Diagnostic } from "../domain/model.js";
import { hashJson } from "../domain/plan.js";
import { renderPlanMarkdown } from "../domain/render.js";
import { createPreflight } from "./validate/index.js";
import { getRetriever } from "../retriever/index.js";
import type { RunContext } from "../engine/context.js";
import { TASK_TAG, type WorkspaceSnapshot } from "../state/ownership.js";
import { IllegalTransitionError, transition, type TaskRecord } from "../state/task-file.js";
import type { TechLeadOutcome } from "../techlead/techlead.js";
import { sanitizeId } from "../state/task-store.js";
import { specHash } from "../techlead/techlead.js";
import { planTask, type PlannedTask } from "./plan/index.js";
import { addReviewHints } from "./plan/review.js";

export { type PlannedTask } from "./plan/index.js";

export interface PlanComputation {
  result: PlanResult;
  planned: Map<string, PlannedTask>;
  tasks: TaskRecord[];
}

const RENDER_LIMIT = 60_000;

export async function computePlan(
  ctx: RunContext,
  tl: TechLeadOutcome,
  opts: { drift?: boolean } = {},
): Promise<PlanComputation> {
  const { options } = ctx;
  const snapshot = await ctx.snapshot();
  // The job ids the repository's task files record are evidence of ownership (with the tags), a tag alone is not.
  snapshot.noteRecorded(tl.tasks.flatMap((t) => (t.job_id !== undefined ? [t.job_id] : [])));
  const preflight = createPreflight(options.workspace);
  const docs = new Map(tl.docs.map((d) => [d.file, d]));
  const diagnostics: Diagnostic[] = [...tl.diagnostics];
  const orphans = orphanTasks(ctx, tl.tasks, snapshot, tl.unreadable);
  // A checkout with no requirement and no task file while the workspace holds this project's jobs is almost always
  // the wrong folder (a subfolder, another jobs-dir, a checkout without the files): deleting every job is refused.
  const emptyCheckout = tl.docs.length === 0 && tl.tasks.length === 0 && orphans.length > 0;
  if (emptyCheckout) diagnostics.push(emptyCheckoutError(ctx, orphans));
  const tasks = [...tl.tasks, ...(emptyCheckout ? [] : orphans)];
  const planned = new Map<string, PlannedTask>();
  if (!options.repo)
    diagnostics.push({ severity: "warning", code: "project.unset", path: "", ...PROJECT_UNSET_PLAN_WARNING });
  const retriever = getRetriever();

  // Problems of a requirement as a whole (unreadable block, inline secrets, bundle syntax…) keep all its tasks
  // from being planned, whatever their own validation says.
  const requirementErrors = new Map<string, Diagnostic[]>();
  for (const d of tl.diagnostics) {
    if (d.severity !== "error" || !d.file) continue;
    requirementErrors.set(d.file, [...(requirementErrors.get(d.file) ?? []), d]);
  }
  const taskIds = new Set(tasks.map((t) => t.id));
  const cycles = cyclesOf(tasks);
  for (const task of tasks) {
    const entry = await planTask(
      { ctx, all: tasks, snapshot, preflight, doc: docs.get(task.requirement), drift: opts.drift ?? false },
      task,
    );
    // (A task already blocked on questions stays blocked on them; the errors still fail the plan.)
    if (!entry.blocked?.questions.length)
      entry.errors.push(...(requirementErrors.get(task.requirement) ?? []));
    for (const dep of task.depends_on) {
      if (!taskIds.has(dep)) {
        entry.errors.push({
          severity: "error",
          code: "depends_on.unknown-task",
          file: task.requirement,
          ...(task.line !== undefined ? { line: task.line } : {}),
          path: "depends_on",
          value: dep,
          message: `task ${task.id} waits for "${dep}", which is no task of this repository`,
          fix: `Use the key of another item of the same requirement, or a full task id (${[...taskIds].slice(0, 3).join(", ")}${taskIds.size > 3 ? ", …" : ""}).`,
        });
      }
    }
    for (const cycle of [cycles.get(task.id)].filter((c): c is string[] => c !== undefined)) {
      entry.errors.push({
        severity: "error",
        code: "depends_on.cycle",
        file: task.requirement,
        ...(task.line !== undefined ? { line: task.line } : {}),
        path: "depends_on",
        value: cycle.join(" → "),
        message: `tasks wait for each other in a cycle: ${cycle.join(" → ")}`,
        fix: "Remove one of the depends_on entries so the tasks can run in some order.",
      });
    }
    if (entry.errors.length > 0) {
      delete entry.change;
      if (!entry.blocked?.questions.length) delete entry.blocked;
    }
    if (entry.change && entry.change.op !== "no-op" && entry.change.fields.length > 0) {
      const paths = [
        ...new Set(
          entry.change.fields.map((f) =>
            f.path
              .replace(/\[[^\]]*\]/g, "")
              .split(".")
              .slice(0, 2)
              .join("."),
          ),
        ),
      ].slice(0, 4);
      const see = [...new Set(paths.flatMap((p) => safeSeeAlso(retriever, p)))].slice(0, 4);
      if (see.length > 0) entry.change.see = see;
    }
    planned.set(task.id, entry);
    diagnostics.push(...entry.errors, ...(entry.change?.warnings ?? []), ...(entry.reported ?? []));
  }

  await addReviewHints(ctx, planned, diagnostics);
  const changes = [...planned.values()].flatMap((p) => (p.change ? [p.change] : []));
  const blocked = [...planned.values()].flatMap((p) => (p.blocked ? [p.blocked] : []));
  const counts: PlanCounts = { create: 0, update: 0, delete: 0, run: 0, noop: 0, blocked: blocked.length };
  for (const change of changes) {
    if (change.op === "no-op") counts.noop++;
    else counts[change.op]++;
  }
  const actionable = changes
    .filter((c) => c.op !== "no-op")
    .map((c) => [c.taskId, c.hash])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const planHash = hashJson({ version: 1, changes: actionable });
  const valid = !diagnostics.some((d) => d.severity === "error");
  const result: PlanResult = {
    valid,
    diagnostics: withDocs(dedupe(diagnostics), retriever),
    changes,
    blocked,
    counts,
    planHash,
    markdown: "",
  };
  // The markdown (the PR comment's body) is rendered when it is first read: a CLI plan never reads it, and it was
  // about 5 % of a plan of 1,000 new jobs. Enumerable, so `--json` and copies still carry it.
  let markdown: string | undefined;
  Object.defineProperty(result, "markdown", {
    enumerable: true,
    configurable: true,
    get: () => (markdown ??= renderMarkdown(result, planHash, counts, options.workspace.host)),
    set: (value: string) => void (markdown = value),
  });
  return { result, planned, tasks };
}

function renderMarkdown(result: PlanResult, planHash: string, counts: PlanCounts, host: string): string {
  try {
    return renderPlanMarkdown(result, { maxChars: RENDER_LIMIT, jobUrl: (id) => jobUrl(host, id) }).markdown;
  } catch (error) {
    return `Plan ${planHash}: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.run} to run (rendering failed: ${String(error)})`;
  }
}

export function jobUrl(host: string, jobId: number): string {
  return `${host.replace(/\/+$/, "")}/jobs/${jobId}`;
}

function safeSeeAlso(retriever: ReturnType<typeof getRetriever>, path: string): string[] {
  try {
    return retriever.seeAlsoLinks(path, 2);
  } catch {
    return [];
  }
}

/** Validation messages without references get the Retriever's for their field (#16: `see` was always empty). */
function withDocs(diagnostics: Diagnostic[], retriever: ReturnType<typeof getRetriever>): Diagnostic[] {
  return diagnostics.map((d) => {
    if ((d.see && d.see.length > 0) || !d.path) return d;
    const field = d.path.replace(/^(jobs\.[^.[]+|job|update\[\d+\](\.set)?|patch\.new_settings)\./, "");
    const see = safeSeeAlso(retriever, field);
    return see.length > 0 ? { ...d, see } : d;
  });
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}|${d.code}|${d.file ?? ""}|${d.path}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function emptyCheckoutError(ctx: RunContext, orphans: TaskRecord[]): Diagnostic {
  const { jobsDir, repoDir, repo } = ctx.options;
  const names = orphans.slice(0, 5).map((t) => `"${t.job_name ?? t.job_id}" (${t.job_id})`);
  const more = orphans.length > names.length ? ` and ${orphans.length - names.length} more` : "";
  return {
    severity: "error",
    code: "plan.empty-checkout",
    path: "jobs-dir",
    message: `${repoDir} holds no requirement and no task file under ${jobsDir}/, yet the workspace has ${orphans.length} job(s) of project ${repo || "(unset)"}: ${names.join(", ")}${more}. Planning their deletion was refused: this is most likely the wrong folder or jobs-dir, or a checkout without the repository's files.`,
    fix: `run from the repository that holds the requirements (or pass --repo-dir / --jobs-dir); to delete these jobs on purpose, remove their requirement files in a commit whose checkout still has ${jobsDir}/.tasks/, or delete the jobs in the workspace`,
  };
}

/**
 * Managed jobs of this repo that no task accounts for (task files deleted): they become delete tasks. A job whose
 * task file exists but cannot be read (merge conflict markers) is accounted for by that file: never an orphan.
 */
function orphanTasks(
  ctx: RunContext,
  tasks: TaskRecord[],
  snapshot: WorkspaceSnapshot,
  unreadable: ReadonlySet<string>,
): TaskRecord[] {
  const claimedIds = new Set(tasks.flatMap((t) => (t.job_id !== undefined ? [t.job_id] : [])));
  const taskIds = new Set(tasks.map((t) => t.id));
  const now = ctx.now().toISOString();
  const orphans: TaskRecord[] = [];
  for (const job of snapshot.managed()) {
    const tag = job.settings.tags?.[TASK_TAG];
    if (claimedIds.has(job.job_id) || (tag !== undefined && taskIds.has(tag))) continue;
    const id = `orphan.${sanitizeId(tag ?? "job")}.${job.job_id}`;
    if ((tag !== undefined && unreadable.has(ctx.store.fileOf(tag))) || unreadable.has(ctx.store.fileOf(id)))
      continue;
    const spec = {
      target: { job_id: job.job_id, ...(job.settings.name ? { name: job.settings.name } : {}) },
    };
    orphans.push({
      id,
      requirement: "(removed)",
      key: `job-${job.job_id}`,
      action: "delete",
      status: "PENDING",
      priority: 100,
      depends_on: [],
      source: "removed",
      requirement_hash: "",
      spec_hash: specHash("delete", spec),
      attempts: 0,
      job_id: job.job_id,
      job_name: job.settings.name,
      spec,
      history: [
        {
          at: now,
          from: null,
          to: "PENDING",
          by: `worker@${ctx.options.runId}`,
          note: "managed job without a task file",
        },
      ],
    });
  }
  return orphans;
}

/** Records the plan in the task files: PLANNED + per-task plan hash + the overall plan id; BLOCKED with reasons. */
export async function recordPlan(
  ctx: RunContext,
  computation: PlanComputation,
  /** Tasks the Tech Lead changed but left unwritten: each is written once, with its plan state if it has one. */
  unwritten: TaskRecord[] = [],
): Promise<string[]> {
  const pending = new Map(unwritten.map((t) => [t.id, t]));
  const by = `worker@${ctx.options.runId}`;
  const now = ctx.now();
  const written: string[] = [];
  const progress: string[] = [];
  // Task files are written concurrently (bounded); `written` keeps the plan order.
  const limit = pLimit(16);
  const writes: Array<Promise<string>> = [];
  for (const entry of computation.planned.values()) {
    const task = entry.task;
    let next: TaskRecord = task;
    if (task.status === "IN_PROGRESS") continue;
    try {
      if (entry.errors.length > 0 || entry.blocked) {
        const reasons = entry.blocked
          ? [entry.blocked.reason, ...entry.blocked.questions]
          : entry.errors.map((d) => `${d.path ? `${d.path}: ` : ""}${d.message} — ${d.fix}`);
        if (
          task.status !== "BLOCKED" ||
          JSON.stringify(task.errors ?? []) !== JSON.stringify(entry.blocked?.questions.length ? [] : reasons)
        ) {
          next =
            task.status === "BLOCKED"
              ? { ...task }
              : transition(
                  task,
                  "BLOCKED",
                  by,
                  now,
                  entry.blocked ? entry.blocked.reason : "validation failed",
                );
          if (!entry.blocked?.questions.length) next.errors = reasons;
          next.plan_hash = undefined;
          next.plan_id = undefined;
        }
      } else if (entry.change) {
        const op = entry.change.op;
        if (op === "no-op" && task.status === "COMPLETE") continue;
        if (
          task.status !== "PLANNED" ||
          task.plan_hash !== entry.change.hash ||
          task.plan_id !== computation.result.planHash
        ) {
          next =
            task.status === "PLANNED"
              ? { ...task }
              : transition(
                  task,
                  "PLANNED",
                  by,
                  now,
                  op === "no-op" ? "nothing to change" : `plan ${computation.result.planHash}: ${op}`,
                );
          next.plan_hash = entry.change.hash;
          next.plan_id = computation.result.planHash;
          next.errors = undefined;
          if (entry.change.jobId !== undefined && op !== "run") next.job_id = entry.change.jobId;
        }
      }
    } catch (error) {
      // An impossible transition is an error of that task only, never a crash of the whole plan.
      if (!(error instanceof IllegalTransitionError)) throw error;
      ctx.options.log.error(`${error.message}; the task file ${ctx.store.fileOf(task.id)} is left as it is`);
      continue;
    }
    if (next !== task) {
      const record = next;
      pending.delete(record.id);
      writes.push(limit(() => ctx.store.write(record)).then(() => ctx.store.fileOf(record.id)));
    }
  }
  // The Tech Lead's changes the plan did not touch (they are not the plan's to log).
  const rest = [...pending.values()].map((record) => limit(() => ctx.store.write(record)));
  written.push(...(await Promise.all(writes)));
  await Promise.all(rest);
  if (written.length > 0) {
    const c = computation.result.counts;
    progress.push(
      `- ${now.toISOString()} plan \`${computation.result.planHash}\`: ${c.create} create, ${c.update} update, ${c.delete} delete, ${c.run} run, ${c.noop} no-op, ${c.blocked} blocked${computation.result.valid ? "" : " — validation failed"}`,
    );
    await ctx.store.appendProgress(progress);
  }
  return written;
}

/**
 * The dependency cycle through each task that is on one (task id → cycle), in linear time: strongly connected
 * components first (iterative Tarjan), then a cycle search only from the tasks of a cyclic component.
 */
function cyclesOf(tasks: TaskRecord[]): Map<string, string[]> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cyclic: string[] = [];
  let counter = 0;
  for (const root of byId.keys()) {
    if (index.has(root)) continue;
    const depsOf = (id: string) => (byId.get(id)?.depends_on ?? []).filter((d) => byId.has(d));
    const work: Array<{ id: string; deps: string[]; next: number }> = [
      { id: root, deps: depsOf(root), next: 0 },
    ];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; deps: string[]; next: number };
      if (frame.next < frame.deps.length) {
        const dep = frame.deps[frame.next++] as string;
        if (!index.has(dep)) {
          index.set(dep, counter);
          low.set(dep, counter++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ id: dep, deps: depsOf(dep), next: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(dep) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
        onStack.delete(id);
        component.push(id);
        if (id === frame.id) break;
      }
      const selfLoop = byId.get(frame.id)?.depends_on.includes(frame.id) ?? false;
      if (component.length > 1 || selfLoop) cyclic.push(...component);
    }
  }
  const out = new Map<string, string[]>();
  for (const id of cyclic) {
    const cycle = findCycle(id, byId);
    if (cycle) out.set(id, cycle);
  }
  return out;
}

/** A dependency cycle through `start` (task ids), or undefined. */
function findCycle(start: string, byId: Map<string, TaskRecord>): string[] | undefined {
  const path: string[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    if (visiting.has(id)) return id === start ? [...path, id] : undefined;
    if (done.has(id)) return undefined;
    visiting.add(id);
    path.push(id);
    for (const dep of byId.get(id)?.depends_on ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    visiting.delete(id);
    done.add(id);
    return undefined;
  };
  return visit(start);
}
