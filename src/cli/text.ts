/**
 * Terminal rendering of a plan (the PR comment's markdown is for GitHub; people at a terminal get plain text).
 */
import type { PlanResult } from "../engine/api.js";
import type { Diagnostic, FieldChange, JobChange } from "../domain/model.js";
import { cronToWords } from "../domain/cron-words.js";
import { diagnosticKey, duplicatesText, messageOf, planToJson, redactSecrets } from "../domain/render.js";
import { entryLines, groupChanges, toYaml } from "../domain/render-yaml.js";
import { seeEntry } from "../domain/render-hints.js";
import { hintRule } from "../domain/review-hints.js";
import { provenanceLine } from "../domain/render-provenance.js";

const SYMBOL: Record<string, string> = { create: "+", update: "~", delete: "-", run: "▶", "no-op": "=" };

const indent = (lines: string[], pad = "      "): string[] => lines.map((l) => `${pad}${l}`);

/** A created job's settings as YAML (secret-looking values redacted), whole. */
function createdLines(change: JobChange): string[] {
  if (!change.desired) return [];
  const yaml = toYaml(redactSecrets(change.desired)).replace(/\n+$/, "");
  return indent(yaml.split("\n"));
}

/** An update's changed fields per job / task_key / job cluster, old value as `-` YAML, new as `+`. */
function fieldLines(fields: readonly FieldChange[]): string[] {
  const lines: string[] = [];
  for (const g of groupChanges(fields)) {
    const flag = g.entries.some((e) => ["compute", "run_as", "permissions"].includes(e.change.category))
      ? " ⚠"
      : "";
    lines.push(`      ${g.title}${g.whole ? ` (${g.whole})` : ""}:${flag}`);
    for (const { field, change } of g.entries) lines.push(...indent(entryLines(field, change), "        "));
  }
  return lines;
}

/** `label — url` for a `see` entry with a link, else the reference as it is. */
function seeLine(see: readonly string[] | undefined): string[] {
  if (!see || see.length === 0) return [];
  return [
    `      see: ${see
      .map((e) => seeEntry(e))
      .map((e) => (e.url ? `${e.label} — ${e.url}` : e.label))
      .join("; ")}`,
  ];
}

function warningLines(warnings: readonly Diagnostic[]): string[] {
  return warnings.flatMap((w) => {
    const rule = hintRule(w);
    if (!rule) return [`      warning: ${w.message}`];
    const url = (w.see ?? []).map((e) => seeEntry(e).url).find(Boolean);
    return [
      `      ${w.severity === "error" ? "✗ blocking hint" : "hint"} [${rule}]: ${w.message}${url ? ` — ${url}` : ""}`,
    ];
  });
}

export function renderPlanText(plan: PlanResult): string {
  const c = plan.counts;
  const lines = [
    `Plan ${plan.planHash}: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.run} to run, ${c.noop} unchanged, ${c.blocked} blocked`,
  ];
  // The project id unknown: what every create below shows as jobagent-repo "", and why apply will refuse.
  for (const d of plan.diagnostics.filter((x) => x.code === "project.unset"))
    lines.push("", `  warning: ${d.message}`, `      fix: ${d.fix}`);
  // field values as the JSON plan shows them: secret-looking values redacted (an imported job's old inline secret)
  const safe = planToJson(plan).changes;
  for (const [index, change] of plan.changes.entries()) {
    if (change.op === "no-op") continue;
    const shown = (safe[index]?.fields ?? change.fields) as FieldChange[];
    lines.push(
      "",
      `  ${SYMBOL[change.op] ?? "?"} ${change.op} "${change.jobName}"${change.jobId !== undefined ? ` (job ${change.jobId})` : ""}  [${change.requirement}]`,
    );
    if (change.moved) lines.push(`      moved: ${change.moved}`);
    if (change.duplicates) lines.push(`      ${duplicatesText(change.duplicates)}`);
    const schedule = change.desired?.schedule as
      { quartz_cron_expression?: string; timezone_id?: string } | undefined;
    const touchesSchedule = change.fields.some((f) => f.category === "schedule");
    if (schedule?.quartz_cron_expression && (touchesSchedule || change.op === "create")) {
      lines.push(`      when: ${cronToWords(schedule.quartz_cron_expression, schedule.timezone_id)}`);
    }
    if (change.op === "create") lines.push(...createdLines(change));
    else lines.push(...fieldLines(shown));
    for (const source of change.provenance ?? [])
      lines.push(`      from the words: ${provenanceLine(source)}`);
    for (const field of change.drift) lines.push(`      drift: ${field.path} was changed outside the repo`);
    lines.push(...warningLines(change.warnings));
  }
  for (const b of plan.blocked) {
    lines.push("", `  ⛔ blocked ${b.taskId}: ${b.reason}`);
    for (const q of b.questions) lines.push(`      ? ${q}`);
  }
  // Warnings about a requirement as a whole, which no change carries (a pasted jobs/get answer's job id, a job
  // without a name…): each once, with its fix. A change's own warnings are shown with it above.
  const withChanges = new Set(plan.changes.flatMap((change) => change.warnings.map(diagnosticKey)));
  for (const d of plan.diagnostics) {
    if (d.severity !== "warning" || hintRule(d) || d.code === "project.unset" || d.code.startsWith("llm."))
      continue;
    if (withChanges.has(diagnosticKey(d))) continue;
    withChanges.add(diagnosticKey(d));
    lines.push("", `  warning: ${d.message}`, `      fix: ${d.fix}`);
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
        ...seeLine(d.see),
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
  const message = messageOf(d);
  const found = d.value !== undefined && !message.quotesValue ? ` (found ${JSON.stringify(d.value)})` : "";
  return `${where}${where ? " " : ""}${d.path ? `${d.path}: ` : ""}${message.text}${found} — fix: ${d.fix}`;
}
