/**
 * The Worker's Validate → Plan over task files: task state, schema, semantics, secrets and workspace preflight,
 * then desired vs. actual for every job (create / update / delete / run / no-op) with drift and ownership rules.
 */
import pLimit from "p-limit";
import type { BlockedTask, PlanCounts, PlanResult } from "../engine/api.js";
import type {
  ApiRequest,
  Diagnostic,
  FieldChange,
  JobChange,
  JobSettings,
  JsonObject,
  WorkItem,
  WorkspaceJob,
} from "../domain/model.js";
import {
  applyUpdateRequest,
  computeUpdateRequest,
  diffJobSettings,
  hashJson,
  normalizeJobSettings,
} from "../domain/plan.js";
import { renderPlanMarkdown } from "../domain/render.js";
import { createPreflight, validateWorkItem, type ValidationContext } from "./validate/index.js";
import { checkConsistency } from "../techlead/interpreter/index.js";
import { validationContextFor } from "../techlead/requirements/index.js";
import { getRetriever } from "../retriever/index.js";
import type { RequirementDoc } from "../techlead/types.js";
import type { RunContext } from "../engine/context.js";
import { REPO_TAG, TASK_TAG, isOwnedBy, withOwnership, type WorkspaceSnapshot } from "../state/ownership.js";
import { describeTarget, transition, type TaskRecord } from "../state/task-file.js";
import type { TechLeadOutcome } from "../techlead/techlead.js";
import { sanitizeId } from "../state/task-store.js";
import { specHash } from "../techlead/techlead.js";

export interface PlannedTask {
  task: TaskRecord;
  change?: JobChange;
  errors: Diagnostic[];
  blocked?: BlockedTask;
  /** For a run of a job another task of this plan creates: that task's id. */
  runAfterCreateOf?: string;
  /** run_job tasks of a create whose job_id comes from another task's job at apply time. */
  runJobRefs?: Array<{ taskKey: string; fromTask: string }>;
}

/** Placeholder job_id of a run_job task whose job is created in the same apply (never sent: filled in first). */
export const PENDING_JOB_ID = 0;

/**
 * Finds the run_job tasks of a create that name no job_id and fills them from the one create task this task
 * depends on: with its job's id when the job exists, else with PENDING_JOB_ID (deferred to apply).
 */
function resolveRunJobRefs(
  task: TaskRecord,
  all: TaskRecord[],
  snapshot: WorkspaceSnapshot,
):
  | { settings: JobSettings; deferred: Array<{ taskKey: string; fromTask: string }>; problem?: string }
  | undefined {
  const settings = task.spec.settings as JobSettings;
  if (!Array.isArray(settings.tasks)) return undefined; // malformed: validation reports it
  const open = settings.tasks.filter((t) => {
    if (t === null || typeof t !== "object") return false;
    const rj = t.run_job_task as { job_id?: unknown } | undefined;
    return (
      rj !== undefined &&
      rj !== null &&
      typeof rj === "object" &&
      (rj.job_id === undefined || rj.job_id === null)
    );
  });
  if (open.length === 0) return undefined;
  const creators = all.filter((t) => t.action === "create" && task.depends_on.includes(t.id));
  if (creators.length !== 1) {
    return {
      settings,
      deferred: [],
      problem: `task(s) ${open.map((t) => t.task_key).join(", ")} run a job without a job_id, and this item depends on ${creators.length} items that create jobs (${creators.map((c) => c.id).join(", ") || "none"}), so which job to run is unclear`,
    };
  }
  const creator = creators[0] as TaskRecord;
  const existing =
    snapshot.managedBy(creator.id)[0] ??
    (creator.job_id !== undefined ? snapshot.jobs.get(creator.job_id) : undefined);
  const jobId = existing?.job_id ?? PENDING_JOB_ID;
  const keys = new Set(open.map((t) => t.task_key));
  const filled: JobSettings = {
    ...settings,
    tasks: (settings.tasks ?? []).map((t) =>
      keys.has(t.task_key) ? { ...t, run_job_task: { ...(t.run_job_task as JsonObject), job_id: jobId } } : t,
    ),
  };
  return {
    settings: filled,
    deferred: existing ? [] : open.map((t) => ({ taskKey: t.task_key, fromTask: creator.id })),
  };
}

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
  const preflight = createPreflight(options.workspace);
  const docs = new Map(tl.docs.map((d) => [d.file, d]));
  const tasks = [...tl.tasks, ...orphanTasks(ctx, tl.tasks, snapshot)];
  const planned = new Map<string, PlannedTask>();
  const diagnostics: Diagnostic[] = [...tl.diagnostics];
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
      ctx,
      task,
      tasks,
      snapshot,
      preflight,
      docs.get(task.requirement),
      opts.drift ?? false,
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
    diagnostics.push(...entry.errors, ...(entry.change?.warnings ?? []));
  }

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
    diagnostics: dedupe(diagnostics),
    changes,
    blocked,
    counts,
    planHash,
    markdown: "",
  };
  try {
    result.markdown = renderPlanMarkdown(result, {
      maxChars: RENDER_LIMIT,
      jobUrl: (id) => jobUrl(options.workspace.host, id),
    }).markdown;
  } catch (error) {
    result.markdown = `Plan ${planHash}: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.run} to run (rendering failed: ${String(error)})`;
  }
  return { result, planned, tasks };
}

export function jobUrl(host: string, jobId: number): string {
  return `${host.replace(/\/+$/, "")}/jobs/${jobId}`;
}

function safeSeeAlso(retriever: ReturnType<typeof getRetriever>, path: string): string[] {
  try {
    return retriever.seeAlso(path, 2);
  } catch {
    return [];
  }
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

/** Managed jobs of this repo that no task accounts for (task files deleted): they become delete tasks. */
function orphanTasks(ctx: RunContext, tasks: TaskRecord[], snapshot: WorkspaceSnapshot): TaskRecord[] {
  const claimedIds = new Set(tasks.flatMap((t) => (t.job_id !== undefined ? [t.job_id] : [])));
  const taskIds = new Set(tasks.map((t) => t.id));
  const now = ctx.now().toISOString();
  const orphans: TaskRecord[] = [];
  for (const job of snapshot.managed()) {
    const tag = job.settings.tags?.[TASK_TAG];
    if (claimedIds.has(job.job_id) || (tag !== undefined && taskIds.has(tag))) continue;
    const id = `orphan.${sanitizeId(tag ?? "job")}.${job.job_id}`;
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

async function planTask(
  ctx: RunContext,
  task: TaskRecord,
  all: TaskRecord[],
  snapshot: WorkspaceSnapshot,
  preflight: ReturnType<typeof createPreflight>,
  doc: RequirementDoc | undefined,
  drift: boolean,
): Promise<PlannedTask> {
  const { options } = ctx;
  let vctx: ValidationContext = { file: task.requirement, lineOf: () => task.line };
  if (doc && task.source === "structured") {
    try {
      const precise = validationContextFor(doc, task.key);
      vctx = { ...precise, lineOf: (path) => precise.lineOf?.(path) ?? task.line };
    } catch {
      // fall back to the item's line
    }
  }
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const entry: PlannedTask = { task, errors };
  const diag = (
    severity: Diagnostic["severity"],
    code: string,
    path: string,
    message: string,
    fix: string,
    value?: unknown,
  ): Diagnostic => {
    const d: Diagnostic = { severity, code, file: task.requirement, path, message, fix };
    if (task.line !== undefined) d.line = task.line;
    if (value !== undefined) d.value = value;
    return d;
  };

  if (task.status === "BLOCKED" && task.questions?.length) {
    entry.blocked = {
      taskId: task.id,
      requirement: task.requirement,
      reason: "the requirement needs answers",
      questions: task.questions,
    };
    return entry;
  }

  const item: WorkItem = {
    key: task.key,
    action: task.action,
    depends_on: task.depends_on,
    priority: task.priority,
  };
  // A run_job task may trigger a job this repository creates in another task (it has no job_id in the requirement):
  // the id is filled in from that task's job — now if it exists, or at apply time right after it is created.
  const runJobRefs =
    task.action === "create" && task.spec.settings ? resolveRunJobRefs(task, all, snapshot) : undefined;
  if (runJobRefs?.problem)
    errors.push(
      diag(
        "error",
        "run_job.unresolved",
        "job.tasks",
        runJobRefs.problem,
        "Give run_job_task.job_id, or make this item depend on exactly one item that creates the job to run.",
      ),
    );
  if (task.spec.settings) item.settings = runJobRefs?.settings ?? task.spec.settings;
  if (task.spec.patch) item.patch = task.spec.patch;
  if (task.spec.target) item.target = task.spec.target;
  if (task.spec.run) item.run = task.spec.run;
  if (task.line !== undefined) item.line = task.line;
  if (task.source !== "removed") {
    try {
      const deferredPaths = new Set(
        (runJobRefs?.deferred ?? []).map((r) => `tasks[${r.taskKey}].run_job_task.job_id`),
      );
      for (const d of validateWorkItem(item, vctx)) {
        if ([...deferredPaths].some((p) => d.path.endsWith(p))) continue; // filled in at apply time
        (d.severity === "error" ? errors : warnings).push(d);
      }
    } catch (error) {
      errors.push(
        diag(
          "error",
          "internal.validate",
          "",
          `validation could not run: ${String(error)}`,
          "Report this as a bug.",
        ),
      );
    }
  }
  for (const [where, settings] of [
    ["job.tags", task.spec.settings],
    ["update.set.tags", task.spec.patch?.new_settings],
  ] as const) {
    const reserved = Object.keys(settings?.tags ?? {}).filter((k) => k === REPO_TAG || k === TASK_TAG);
    if (task.source !== "removed" && reserved.length > 0) {
      errors.push(
        diag(
          "error",
          "ownership.reserved-tag",
          where,
          `the tag(s) ${reserved.join(", ")} are reserved: jobagent records which repository and task own a job with them`,
          "Remove them from the requirement; the agent sets them itself.",
          reserved.join(", "),
        ),
      );
    }
  }
  if (errors.length > 0) return entry;

  const unchangedSinceApply = task.status === "COMPLETE" && task.applied_spec_hash === task.spec_hash;
  const makeChange = (
    op: JobChange["op"],
    jobName: string,
    jobId: number | undefined,
    fields: JobChange["fields"],
    request: ApiRequest | undefined,
    extra: Partial<JobChange> = {},
  ): JobChange => {
    const change: JobChange = {
      taskId: task.id,
      requirement: task.requirement,
      op,
      jobName,
      fields,
      drift: [],
      hash: "",
      warnings,
      destructive: op === "delete",
      ...extra,
    };
    if (jobId !== undefined) change.jobId = jobId;
    if (request) change.request = request;
    if (doc && op !== "no-op") change.requirementText = doc.body.trim().slice(0, 4000);
    change.hash = hashJson({
      taskId: task.id,
      op,
      jobId: jobId ?? null,
      request: request ?? null,
      permissions: change.permissions ?? null,
    });
    return change;
  };

  switch (task.action) {
    case "create": {
      const settings = item.settings ?? {};
      const desired = withOwnership(settings, options.repo, task.id);
      const name = settings.name ?? task.key;
      const candidates = snapshot.managedBy(task.id);
      if (task.job_id !== undefined) {
        const known = snapshot.jobs.get(task.job_id);
        if (known && isOwnedBy(known, options.repo) && !candidates.includes(known)) candidates.push(known);
      }
      candidates.sort((a, b) => a.job_id - b.job_id);
      if (candidates.length > 1) {
        warnings.push(
          diag(
            "warning",
            "ownership.duplicates",
            "",
            `${candidates.length} jobs in the workspace carry this task's ownership tag (${candidates.map((j) => j.job_id).join(", ")}); job ${candidates[0]?.job_id} is kept in sync`,
            `Delete the extra jobs (${candidates
              .slice(1)
              .map((j) => j.job_id)
              .join(", ")}) in the workspace after checking them.`,
          ),
        );
      }
      const actual = candidates[0];
      // Grants are not job settings: jobs/get never returns them. They go in the create body, and for an existing
      // job they are compared with the Permissions API and set with a PUT.
      const { access_control_list: wantedAcl, ...desiredSettings } = desired;
      if (!actual) {
        if (task.job_id !== undefined && task.status === "COMPLETE") {
          warnings.push(
            diag(
              "warning",
              "drift.deleted",
              "",
              `job ${task.job_id} ("${name}") was deleted outside the repo since the last apply`,
              "Apply will create it again; remove the requirement to retire it.",
            ),
          );
        }
        await runPreflight();
        consistency(desired);
        entry.change = makeChange(
          "create",
          name,
          undefined,
          diffJobSettings(desired, {}),
          { endpoint: "jobs/create", body: desired },
          { desired: normalizeJobSettings(desired) },
        );
        if (runJobRefs?.deferred.length) entry.runJobRefs = runJobRefs.deferred;
        return entry;
      }
      const diffOptions = actual.creator_user_name ? { creatorUserName: actual.creator_user_name } : {};
      const fields = diffJobSettings(desiredSettings, actual.settings, diffOptions);
      const grants = Array.isArray(wantedAcl)
        ? await comparePermissions(actual.job_id, wantedAcl as JsonObject[])
        : undefined;
      if (grants?.field) fields.push(grants.field);
      if (fields.length === 0) {
        entry.change = makeChange("no-op", name, actual.job_id, [], undefined);
        return entry;
      }
      const settingsChanged = fields.some((f) => f.category !== "permissions");
      const update = settingsChanged
        ? computeUpdateRequest(desiredSettings, actual.settings, diffOptions)
        : undefined;
      await runPreflight();
      consistency(desired);
      // Drift: the job differs from what the last apply left. When the requirement did not change since, every
      // difference is drift; otherwise a drift check still says the job was touched.
      const changedOutside =
        task.applied_hash !== undefined &&
        task.applied_hash !== hashJson(normalizeJobSettings(actual.settings, diffOptions));
      const driftFields =
        unchangedSinceApply || (changedOutside && task.applied_spec_hash === task.spec_hash) ? fields : [];
      if (driftFields.length > 0) {
        warnings.push(
          diag(
            "warning",
            "drift.changed",
            "",
            `job ${actual.job_id} ("${name}") was changed outside the repo since the last apply (${driftFields.length} field(s))`,
            "Apply restores what the requirement says; change the requirement instead to keep the new values.",
          ),
        );
      } else if (drift && changedOutside) {
        warnings.push(
          diag(
            "warning",
            "drift.changed",
            "",
            `job ${actual.job_id} ("${name}") was changed outside the repo since the last apply`,
            "Apply restores what the requirement says.",
          ),
        );
      }
      entry.change = makeChange(
        "update",
        name,
        actual.job_id,
        fields,
        update
          ? { endpoint: "jobs/update", body: { job_id: actual.job_id, ...update } }
          : settingsChanged
            ? { endpoint: "jobs/reset", body: { job_id: actual.job_id, new_settings: desiredSettings } }
            : undefined,
        {
          drift: driftFields,
          desired: normalizeJobSettings(desiredSettings),
          ...(grants?.field ? { permissions: grants.put } : {}),
        },
      );
      return entry;

      async function runPreflight(): Promise<void> {
        try {
          // Tasks that run a job not created yet are checked once its id is known.
          const deferred = new Set((runJobRefs?.deferred ?? []).map((r) => r.taskKey));
          const checkable =
            deferred.size > 0
              ? { ...settings, tasks: (settings.tasks ?? []).filter((t) => !deferred.has(t.task_key)) }
              : settings;
          for (const d of await preflight.check(checkable, vctx))
            (d.severity === "error" ? errors : warnings).push(d);
        } catch (error) {
          errors.push(
            diag(
              "error",
              "preflight.unavailable",
              "",
              `the workspace could not be checked: ${messageOf(error)}`,
              "Check the Databricks host and token, then re-run the plan.",
            ),
          );
        }
      }
    }
    case "update": {
      const target = task.spec.target ?? {};
      const { job, problem } = snapshot.resolve(target);
      if (!job) {
        errors.push(
          diag(
            "error",
            "target.not-found",
            "update.job",
            `cannot update: ${problem ?? "job not found"}`,
            "Name an existing job by job_id or its exact name.",
            describeTarget(target),
          ),
        );
        return entry;
      }
      const owned = isOwnedBy(job, options.repo);
      if (!owned && !target.adopt) {
        errors.push(notManaged(job, "update"));
        return entry;
      }
      const name = job.settings.name ?? `job ${job.job_id}`;
      // A patch is applied once; full settings (an adopted job) are kept in sync like a created job.
      if (unchangedSinceApply && task.spec.patch) {
        entry.change = makeChange("no-op", name, job.job_id, [], undefined);
        return entry;
      }
      // A patch changes the named fields; full settings (adopting a job with a `job:` block) replace them all.
      let desired = task.spec.patch
        ? applyUpdateRequest(job.settings, task.spec.patch)
        : { ...(task.spec.settings ?? job.settings) };
      if (!owned || !task.spec.patch) desired = withOwnership(desired, options.repo, task.id);
      const diffOptions = job.creator_user_name ? { creatorUserName: job.creator_user_name } : {};
      const fields = diffJobSettings(desired, job.settings, diffOptions);
      if (fields.length === 0) {
        entry.change = makeChange("no-op", name, job.job_id, [], undefined);
        return entry;
      }
      try {
        for (const d of await preflight.check(
          task.spec.patch?.new_settings ?? task.spec.settings ?? {},
          vctx,
        ))
          (d.severity === "error" ? errors : warnings).push(d);
      } catch (error) {
        errors.push(
          diag(
            "error",
            "preflight.unavailable",
            "",
            `the workspace could not be checked: ${messageOf(error)}`,
            "Check the Databricks host and token, then re-run the plan.",
          ),
        );
      }
      consistency(desired);
      const update = computeUpdateRequest(desired, job.settings, diffOptions);
      entry.change = makeChange(
        "update",
        name,
        job.job_id,
        fields,
        update
          ? { endpoint: "jobs/update", body: { job_id: job.job_id, ...update } }
          : { endpoint: "jobs/reset", body: { job_id: job.job_id, new_settings: desired } },
        { desired: normalizeJobSettings(desired) },
      );
      if (!owned) {
        warnings.push(
          diag(
            "warning",
            "ownership.adopt",
            "update.adopt",
            `job ${job.job_id} ("${name}") is adopted: after this apply the repo manages it`,
            "Remove `adopt: true` if you did not mean to take the job over.",
          ),
        );
      }
      return entry;
    }
    case "delete": {
      const target = task.spec.target ?? {};
      const { job, problem, ambiguous } = snapshot.resolve(target);
      const name = job?.settings.name ?? target.name ?? `job ${target.job_id ?? "?"}`;
      if (ambiguous) {
        errors.push(
          diag(
            "error",
            "target.ambiguous",
            "delete.job",
            `cannot delete: ${problem ?? "several jobs match"}`,
            "Name the job to delete by its job_id.",
            describeTarget(target),
          ),
        );
        return entry;
      }
      if (!job) {
        entry.change = makeChange("no-op", name, target.job_id, [], undefined);
        return entry;
      }
      if (!isOwnedBy(job, options.repo) && !target.adopt) {
        errors.push(notManaged(job, "delete"));
        return entry;
      }
      const request: ApiRequest = { endpoint: "jobs/delete", body: { job_id: job.job_id } };
      if (!options.allowDelete) {
        entry.blocked = {
          taskId: task.id,
          requirement: task.requirement,
          reason: `deleting job ${job.job_id} ("${name}") needs allow-delete (input \`allow-delete: true\`, flag \`--allow-delete\`)`,
          questions: [],
        };
        return entry;
      }
      entry.change = makeChange(
        "delete",
        name,
        job.job_id,
        [{ path: "", kind: "remove", before: name, category: "other" }],
        request,
      );
      return entry;
    }
    case "run": {
      const target = task.spec.target ?? {};
      const run = task.spec.run ?? {};
      if (unchangedSinceApply) {
        entry.change = makeChange(
          "no-op",
          target.name ?? describeTarget(target),
          task.job_id,
          [],
          undefined,
          { run },
        );
        return entry;
      }
      const resolved = snapshot.resolve(target);
      let job = resolved.job;
      let pendingCreate: TaskRecord | undefined;
      if (!job) {
        pendingCreate = all.find(
          (t) =>
            t.action === "create" &&
            t.id !== task.id &&
            (task.depends_on.includes(t.id) ||
              (target.name !== undefined && (t.spec.settings?.name ?? t.key) === target.name)),
        );
        if (pendingCreate?.job_id !== undefined) job = snapshot.jobs.get(pendingCreate.job_id);
        if (!pendingCreate) {
          errors.push(
            diag(
              "error",
              "target.not-found",
              "run.job",
              `cannot run: ${resolved.problem ?? "job not found"}`,
              "Name an existing job by job_id or exact name, or a job this requirement creates.",
              describeTarget(target),
            ),
          );
          return entry;
        }
      }
      if (job && !isOwnedBy(job, options.repo)) {
        warnings.push(
          diag(
            "warning",
            "ownership.run-unmanaged",
            "run.job",
            `job ${job.job_id} ("${job.settings.name ?? ""}") is not managed by this repo; it will only be run, not changed`,
            "Nothing to do if this is intended.",
          ),
        );
      }
      if (job && run.only) {
        const keys = new Set((job.settings.tasks ?? []).map((t) => t.task_key));
        for (const key of run.only) {
          if (!keys.has(key))
            errors.push(
              diag(
                "error",
                "run.only",
                "run.only",
                `job ${job.job_id} has no task "${key}"`,
                `Use one of: ${[...keys].join(", ")}.`,
                key,
              ),
            );
        }
        if (errors.length > 0) return entry;
      }
      const body: Record<string, unknown> = { job_id: job?.job_id ?? `<job of ${pendingCreate?.id}>` };
      if (run.job_parameters && Object.keys(run.job_parameters).length > 0)
        body.job_parameters = run.job_parameters;
      if (run.only?.length) body.only = run.only;
      const name = job?.settings.name ?? pendingCreate?.spec.settings?.name ?? target.name ?? "job";
      entry.change = makeChange("run", name, job?.job_id, [], { endpoint: "jobs/run-now", body }, { run });
      if (!job && pendingCreate) entry.runAfterCreateOf = pendingCreate.id;
      return entry;
    }
  }

  /** Desired direct grants vs. the job's (owner kept: a PUT must leave exactly one IS_OWNER). */
  async function comparePermissions(
    jobId: number,
    wanted: JsonObject[],
  ): Promise<{ field?: FieldChange; put: JsonObject[] } | undefined> {
    let current: JsonObject;
    try {
      current = await options.workspace.getJobPermissions(jobId);
    } catch (error) {
      warnings.push(
        diag(
          "warning",
          "permissions.unreadable",
          "access_control_list",
          `the grants of job ${jobId} could not be read (${messageOf(error)}); they are not compared`,
          "Give the agent's identity CAN_MANAGE on the job.",
        ),
      );
      return undefined;
    }
    const principal = (e: JsonObject) =>
      String(e.user_name ?? e.group_name ?? e.service_principal_name ?? "");
    const kindOf = (e: JsonObject) =>
      e.user_name !== undefined
        ? "user_name"
        : e.group_name !== undefined
          ? "group_name"
          : "service_principal_name";
    const direct = new Map<string, { kind: string; level: string }>();
    let owner: JsonObject | undefined;
    for (const entry of (current.access_control_list as JsonObject[] | undefined) ?? []) {
      for (const p of (entry.all_permissions as JsonObject[] | undefined) ?? []) {
        if (p.inherited) continue;
        if (p.permission_level === "IS_OWNER")
          owner = { [kindOf(entry)]: principal(entry), permission_level: "IS_OWNER" };
        else direct.set(principal(entry), { kind: kindOf(entry), level: String(p.permission_level) });
      }
    }
    const wantedMap = new Map(
      wanted
        .filter((w) => w.permission_level !== "IS_OWNER")
        .map((w) => [principal(w), String(w.permission_level)]),
    );
    const wantsOwner = wanted.find((w) => w.permission_level === "IS_OWNER");
    const same =
      wantedMap.size === direct.size &&
      [...wantedMap].every(([who, level]) => direct.get(who)?.level === level) &&
      (!wantsOwner || (owner !== undefined && principal(wantsOwner) === principal(owner)));
    const put = [
      ...wanted.filter((w) => w.permission_level !== "IS_OWNER" || wantsOwner === w),
      ...(!wantsOwner && owner ? [owner] : []),
    ];
    if (same) return { put };
    const describe = (entries: Array<[string, string]>) =>
      entries.sort().map(([who, level]) => `${who}: ${level}`);
    return {
      put,
      field: {
        path: "access_control_list",
        kind: "change",
        before: describe([...direct].map(([who, v]) => [who, v.level])),
        after: describe([...wantedMap]),
        category: "permissions",
      },
    };
  }

  function notManaged(job: WorkspaceJob, what: string): Diagnostic {
    const owner = job.settings.tags?.[REPO_TAG];
    return diag(
      "error",
      "ownership.not-managed",
      `${what}.job`,
      `job ${job.job_id} ("${job.settings.name ?? ""}") is not managed by this repo${owner ? ` (it belongs to ${owner})` : ""}; the agent will not ${what} it`,
      what === "delete"
        ? "Delete it by hand, or add `adopt: true` to the delete block to take responsibility for it explicitly."
        : "Add `adopt: true` to the update block to take the job over explicitly (it will carry this repo's ownership tags).",
      job.job_id,
    );
  }

  function consistency(desired: JobSettings): void {
    if (!doc || task.source === "interpreter" || task.source === "removed" || doc.body.trim() === "") return;
    try {
      for (const d of checkConsistency(doc, { ...item }, desired)) {
        const strict = options.strictConsistency === true;
        (strict ? errors : warnings).push({ ...d, severity: strict ? "error" : "warning" });
      }
    } catch {
      // The consistency check is advisory; an interpreter failure must not stop the plan.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Records the plan in the task files: PLANNED + per-task plan hash + the overall plan id; BLOCKED with reasons. */
export async function recordPlan(ctx: RunContext, computation: PlanComputation): Promise<string[]> {
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
    if (next !== task) {
      const record = next;
      writes.push(limit(() => ctx.store.write(record)).then(() => ctx.store.fileOf(record.id)));
    }
  }
  written.push(...(await Promise.all(writes)));
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
