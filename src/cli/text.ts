/**
 * Terminal rendering of a plan (the PR comment's markdown is for GitHub; people at a terminal get plain text).
 */
import type { PlanResult } from "../engine/api.js";
import type { FieldChange } from "../domain/model.js";
import { cronToWords } from "../domain/cron-words.js";
import { planToJson } from "../domain/render.js";
import { provenanceLine } from "../domain/render-provenance.js";

const SYMBOL: Record<string, string> = { create: "+", update: "~", delete: "-", run: "▶", "no-op": "=" };

function short(value: unknown, max = 90): string {
  if (value === undefined) return "(default)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function fieldLine(field: FieldChange): string {
  const flag = ["compute", "run_as", "permissions"].includes(field.category) ? " ⚠" : "";
  if (field.kind === "add") return `      + ${field.path} = ${short(field.after)}${flag}`;
  if (field.kind === "remove") return `      - ${field.path} (was ${short(field.before)})${flag}`;
  return `      ~ ${field.path}: ${short(field.before)} → ${short(field.after)}${flag}`;
}

export function renderPlanText(plan: PlanResult): string {
  const c = plan.counts;
  const lines = [
    `Plan ${plan.planHash}: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.run} to run, ${c.noop} unchanged, ${c.blocked} blocked`,
  ];
  // field values as the JSON plan shows them: secret-looking values redacted (an imported job's old inline secret)
  const safe = planToJson(plan).changes;
  for (const [index, change] of plan.changes.entries()) {
    if (change.op === "no-op") continue;
    const shown = (safe[index]?.fields ?? change.fields) as FieldChange[];
    lines.push(
      "",
      `  ${SYMBOL[change.op] ?? "?"} ${change.op} "${change.jobName}"${change.jobId !== undefined ? ` (job ${change.jobId})` : ""}  [${change.requirement}]`,
    );
    const schedule = change.desired?.schedule as
      { quartz_cron_expression?: string; timezone_id?: string } | undefined;
    const touchesSchedule = change.fields.some((f) => f.category === "schedule");
    if (schedule?.quartz_cron_expression && (touchesSchedule || change.op === "create")) {
      lines.push(`      when: ${cronToWords(schedule.quartz_cron_expression, schedule.timezone_id)}`);
    }
    const fields = change.op === "create" ? shown.filter((f) => !f.path.startsWith("tags")) : shown;
    for (const field of fields.slice(0, 25)) lines.push(fieldLine(field));
    if (fields.length > 25) lines.push(`      … ${fields.length - 25} more field(s) (see --json)`);
    for (const source of change.provenance ?? [])
      lines.push(`      from the words: ${provenanceLine(source)}`);
    for (const field of change.drift) lines.push(`      drift: ${field.path} was changed outside the repo`);
    for (const w of change.warnings) lines.push(`      warning: ${w.message}`);
  }
  for (const b of plan.blocked) {
    lines.push("", `  ⛔ blocked ${b.taskId}: ${b.reason}`);
    for (const q of b.questions) lines.push(`      ? ${q}`);
  }
  // The LLM's own warnings (e.g. the default endpoint missing, prose read offline) concern every prose requirement.
  for (const d of plan.diagnostics.filter((x) => x.severity === "warning" && x.code.startsWith("llm.")))
    lines.push("", `  warning: ${d.file ?? ""} ${d.message}`, `      fix: ${d.fix}`);
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    lines.push("", `Validation failed (${errors.length} error(s)); nothing will be applied:`);
    for (const d of errors) {
      lines.push(
        `  ✗ ${d.file ?? ""}${d.line ? `:${d.line}` : ""} ${d.path}: ${d.message}`,
        `      fix: ${d.fix}`,
      );
    }
  }
  return lines.join("\n");
}

/** One diagnostic as one line: `file:line path: message (found value) — fix: …`. */
export function formatDiagnostic(d: {
  file?: string;
  line?: number;
  path: string;
  message: string;
  fix: string;
  value?: unknown;
}): string {
  const where = `${d.file ?? ""}${d.line ? `:${d.line}` : ""}`;
  return `${where}${where ? " " : ""}${d.path ? `${d.path}: ` : ""}${d.message}${d.value !== undefined ? ` (found ${JSON.stringify(d.value)})` : ""} — fix: ${d.fix}`;
}
