/**
 * Mermaid flowchart of a job's task graph, safe for any task_key (quotes, brackets, unicode, HTML, backticks).
 * Node ids are generated (`t0`, `t1`, …), labels are quoted with every character that could end a label, a
 * fence or an HTML element written as a mermaid entity (`#34;`). Condition outcomes label their edges,
 * condition tasks are diamonds, for_each tasks are subroutine boxes naming their inner task.
 * Pure: no I/O.
 */
import type { JobSettings } from "./model.js";
import { TASK_TYPES } from "./vocabulary.js";
import { isObject } from "./json.js";

export interface MermaidOptions {
  /** Task keys to mark as added / changed / removed (class styles). */
  added?: Iterable<string>;
  changed?: Iterable<string>;
  /** At most this many tasks are drawn (default 150); the rest are summarised in one node. */
  maxTasks?: number;
}

/** Escapes text for a quoted mermaid label: keeps letters, digits and a few safe marks; the rest become `#NN;`. */
export function escapeMermaidLabel(text: string): string {
  let out = "";
  for (const ch of text) {
    if (/[\p{L}\p{N} _\-.,:/()]/u.test(ch)) out += ch;
    else out += `#${ch.codePointAt(0)};`;
  }
  return out;
}

function taskType(task: Record<string, unknown>): string | undefined {
  return TASK_TYPES.find((t) => task[t] !== undefined && task[t] !== null);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return isObject(v) ? v : undefined;
}

/** A mermaid `flowchart TD` of the task graph (no code fence). */
export function jobMermaid(settings: JobSettings, options: MermaidOptions = {}): string {
  const tasks = (Array.isArray(settings.tasks) ? settings.tasks : []).map((t) => obj(t) ?? {});
  const max = options.maxTasks ?? 150;
  const shown = tasks.slice(0, max);
  const ids = new Map<string, string>();
  shown.forEach((t, i) => {
    const key = String(t.task_key ?? `(task ${i + 1})`);
    if (!ids.has(key)) ids.set(key, `t${i}`);
  });
  const added = new Set(options.added ?? []);
  const changed = new Set(options.changed ?? []);
  const lines = ["flowchart TD"];
  const missing = new Map<string, string>();
  shown.forEach((t, i) => {
    const key = String(t.task_key ?? `(task ${i + 1})`);
    const id = `t${i}`;
    const type = taskType(t);
    const typeLabel = type ? type.replace(/_task$/, "").replace(/_/g, " ") : "no task type";
    let label = `${escapeMermaidLabel(key)}<br/>${escapeMermaidLabel(typeLabel)}`;
    if (type === "for_each_task") {
      const inner = obj(obj(t.for_each_task)?.task);
      const innerType = inner ? taskType(inner) : undefined;
      const innerKey = inner?.task_key !== undefined ? String(inner.task_key) : "?";
      label = `${escapeMermaidLabel(key)}<br/>for each: ${escapeMermaidLabel(innerKey)}${
        innerType ? ` (${escapeMermaidLabel(innerType.replace(/_task$/, "").replace(/_/g, " "))})` : ""
      }`;
      lines.push(`  ${id}[["${label}"]]`);
    } else if (type === "condition_task") {
      lines.push(`  ${id}{"${label}"}`);
    } else {
      lines.push(`  ${id}["${label}"]`);
    }
    if (added.has(key)) lines.push(`  class ${id} added`);
    else if (changed.has(key)) lines.push(`  class ${id} changed`);
  });
  if (tasks.length > shown.length) lines.push(`  more["… ${tasks.length - shown.length} more tasks"]`);
  shown.forEach((t, i) => {
    const deps = Array.isArray(t.depends_on) ? t.depends_on : [];
    for (const dep of deps) {
      const d = obj(dep);
      if (!d) continue;
      const upstream = String(d.task_key ?? "");
      let from = ids.get(upstream);
      if (!from) {
        from = missing.get(upstream);
        if (!from) {
          from = `m${missing.size}`;
          missing.set(upstream, from);
          lines.push(`  ${from}["⚠ missing: ${escapeMermaidLabel(upstream)}"]`);
        }
      }
      const outcome = d.outcome !== undefined && d.outcome !== null ? String(d.outcome) : undefined;
      lines.push(
        outcome !== undefined
          ? `  ${from} -->|"${escapeMermaidLabel(outcome)}"| t${i}`
          : `  ${from} --> t${i}`,
      );
    }
  });
  if (added.size > 0 || changed.size > 0) {
    lines.push("  classDef added fill:#e6ffec,stroke:#2da44e");
    lines.push("  classDef changed fill:#fff8c5,stroke:#bf8700");
  }
  return lines.join("\n");
}
