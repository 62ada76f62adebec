/**
 * Renamed or moved requirement files (Terraform's `moved` block, found by itself). A requirement without a stable
 * `id:` names its tasks by its path, so `git mv jobs/a.md jobs/sub/b.md` retires task `a.a` and creates task
 * `sub-b.b`. When a new task defines a job of the same name as exactly one retired task whose requirement
 * disappeared, the new task takes that task's job over (its task file follows the move, the old one is removed):
 * the plan re-tags the job instead of deleting it and creating another. The planner accepts the move only when the
 * workspace confirms it (the job still carries the old task's tag and the ledger recorded it for that task).
 * Two candidates for one new task are an error naming both: which job to keep is a person's choice.
 * A requirement that defined one job and now defines one job under another key (a prose job renamed, or read
 * differently by a newer interpreter) keeps that job the same way: it is renamed, not replaced.
 */
import type { Diagnostic } from "../domain/model.js";
import type { TaskRecord } from "../state/task-file.js";

export interface MoveState {
  result: Map<string, TaskRecord>;
  changed: Set<string>;
  removed: Set<string>;
  progress: string[];
  diagnostics: Diagnostic[];
}

const nameOf = (task: TaskRecord): string | undefined => {
  const name = task.job_name ?? task.spec.settings?.name;
  return typeof name === "string" && name !== "" ? name.toLowerCase() : undefined;
};

/** Moves the jobs of retired tasks (`movable`) to the new tasks (`fresh`) that define a job of the same name. */
export function applyMoves(
  state: MoveState,
  fresh: ReadonlySet<string>,
  movable: TaskRecord[],
  stamp: { by: string; now: Date },
): void {
  if (movable.length === 0 || fresh.size === 0) return;
  const byName = new Map<string, TaskRecord[]>();
  for (const old of movable) {
    const name = nameOf(old);
    if (name !== undefined) byName.set(name, [...(byName.get(name) ?? []), old]);
  }
  const taken = new Set<string>();
  for (const id of fresh) {
    const task = state.result.get(id);
    const name = task?.action === "create" ? nameOf(task) : undefined;
    const named = name !== undefined ? (byName.get(name) ?? []) : [];
    // A job renamed in its own requirement: the one retired create of the same file, when no name matches.
    const sameFile =
      task?.action === "create" && named.length === 0
        ? movable.filter((m) => m.requirement === task.requirement && !taken.has(m.id))
        : [];
    const candidates = named.length ? named : sameFile.length === 1 ? sameFile : [];
    if (!task || candidates.length === 0) continue;
    if (name !== undefined) byName.delete(name); // one job moves to one task (two new tasks of one name are a validation error anyway)
    if (candidates.length > 1) {
      state.diagnostics.push(ambiguousMove(task, candidates));
      continue;
    }
    const old = candidates[0] as TaskRecord;
    if (taken.has(old.id)) continue;
    taken.add(old.id);
    state.result.set(id, movedTask(task, old, stamp));
    state.result.delete(old.id);
    state.changed.delete(old.id);
    state.removed.add(old.id);
    state.progress.push(
      old.requirement === task.requirement
        ? `- ${stamp.now.toISOString()} tech-lead: \`${task.requirement}\`: its job is now task \`${id}\` (was \`${old.id}\`; job ${old.job_id} kept and renamed)`
        : `- ${stamp.now.toISOString()} tech-lead: \`${old.requirement}\` → \`${task.requirement}\`: task \`${old.id}\` moved to \`${id}\` (job ${old.job_id} kept)`,
    );
  }
}

function movedTask(task: TaskRecord, old: TaskRecord, stamp: { by: string; now: Date }): TaskRecord {
  const moved: TaskRecord = {
    ...task,
    job_id: old.job_id,
    moved_from: { task: old.id, requirement: old.requirement },
    history: [
      ...old.history,
      {
        at: stamp.now.toISOString(),
        from: old.status,
        to: "PENDING",
        by: stamp.by,
        note: `moved from ${old.requirement} (task ${old.id}); job ${old.job_id} kept`,
      },
    ],
  };
  // What the last apply left (drift detection) stays true of the kept job.
  if (old.applied_hash !== undefined) moved.applied_hash = old.applied_hash;
  return moved;
}

function ambiguousMove(task: TaskRecord, candidates: TaskRecord[]): Diagnostic {
  const listed = candidates
    .map((c) => `${c.requirement} (task ${c.id}, job ${c.job_id})`)
    .sort()
    .join(" and ");
  const d: Diagnostic = {
    severity: "error",
    code: "requirement.ambiguous-move",
    file: task.requirement,
    path: "",
    value: task.job_name,
    message: `${task.requirement} defines the job "${task.job_name ?? ""}", which ${listed} managed before their requirements were removed; which of those jobs it keeps is unclear, so neither is moved`,
    fix: `Split the change: apply the removal of those requirements first (with allow-delete, which deletes jobs ${candidates.map((c) => c.job_id).join(" and ")}), then add this requirement in a change of its own (a new job is created).`,
  };
  if (task.line !== undefined) d.line = task.line;
  return d;
}
