/**
 * Requirements that would share a job or a task: two files whose names map to one task id (`a b.md`, `a-b.md`), or
 * two requirements that define or adopt a job of the same name. Each is a validation error naming both files and
 * lines — never a shared task, never two jobs of one name.
 */
import type { Diagnostic } from "../domain/model.js";
import type { TaskRecord } from "../state/task-file.js";

export interface Origin {
  file: string;
  line?: number;
}

const where = (o: Origin) => `${o.file}${o.line !== undefined ? `:${o.line}` : ""}`;

/** The error for a task id that two requirement files map to (reported on the second file). */
export function taskIdCollision(id: string, first: Origin, second: Origin): Diagnostic {
  const d: Diagnostic = {
    severity: "error",
    code: "requirement.task-id-collision",
    file: second.file,
    path: "",
    value: id,
    message: `${where(second)} and ${where(first)} map to the same task id "${id}" (their names differ only in characters a task id cannot hold), so they would share one task`,
    fix: `Rename one of the two files so their names differ in letters or digits (e.g. ${second.file.replace(/\.md$/i, "-2.md")}).`,
  };
  if (second.line !== undefined) d.line = second.line;
  return d;
}

/** The job name a task defines or adopts (create, or update with adopt), lower-cased; undefined for others. */
function definedName(task: TaskRecord): string | undefined {
  if (task.source === "removed") return undefined;
  const name: unknown =
    task.action === "create"
      ? task.spec.settings?.name
      : task.action === "update" && task.spec.target?.adopt
        ? task.spec.target.name
        : undefined;
  return typeof name === "string" && name !== "" ? name.toLowerCase() : undefined; // malformed: validation reports it
}

/** One error per task whose job name another task also defines or adopts. */
export function duplicateJobNames(tasks: TaskRecord[]): Diagnostic[] {
  const byName = new Map<string, TaskRecord[]>();
  for (const task of tasks) {
    const name = definedName(task);
    if (name !== undefined) byName.set(name, [...(byName.get(name) ?? []), task]);
  }
  const diagnostics: Diagnostic[] = [];
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    for (const task of group) {
      const others = group.filter((t) => t !== task).map((t) => where({ file: t.requirement, line: t.line }));
      const d: Diagnostic = {
        severity: "error",
        code: "requirement.duplicate-job-name",
        file: task.requirement,
        path: "job.name",
        value: definedName(task),
        message: `the job name "${String(task.spec.settings?.name ?? task.spec.target?.name)}" is also defined in ${others.join(", ")}; two requirements would make two jobs of one name`,
        fix: "Give each job its own name, or keep the job in one requirement and remove it from the other.",
      };
      if (task.line !== undefined) d.line = task.line;
      diagnostics.push(d);
    }
  }
  return diagnostics;
}
