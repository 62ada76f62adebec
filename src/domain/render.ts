/**
 * Plan rendering: the markdown a reviewer reads (PR comment, job summary, CLI) and the stable JSON shape.
 * Pure: no I/O. The format is documented in docs/plan-format.md.
 *
 * Size safety: the header (counts + plan hash) is always written; the summary table, validation messages and
 * blocked tasks each get a share of `maxChars`; the per-job `<details>` blocks get the rest and are dropped
 * **from the end** (the last jobs in summary order go first), so a reviewer always sees complete details for a
 * prefix of the table. A single block never takes more than a third of the budget (long field lists, graphs and
 * requirement texts are shortened first). Whatever was cut is listed in `omitted` and the markdown says so.
 *
 * Every user-controlled string (job names, task keys, paths, values, requirement text, messages) is escaped, so
 * it cannot close a `<details>`, open an HTML comment, start a code fence, break a table or mention someone.
 */
import type { PlanResult } from "../engine/api.js";
import type { Diagnostic, FieldChange, JobChange, JobSettings } from "./model.js";
import { taskRenames, wholeEntry } from "./diff.js";
import { triggerToWords } from "./cron-words.js";
import { jobMermaid } from "./mermaid.js";
import { fieldDiffBlock, settingsYamlBlock } from "./render-yaml.js";
import { provenanceMarkdown } from "./render-provenance.js";
import { redact } from "./secrets.js";
import { escapeMarkdown, link, safeUrl } from "./render-escape.js";
import { hintLines, isHint, seeText } from "./render-hints.js";

export { escapeMarkdown } from "./render-escape.js";

export interface RenderOptions {
  /** Upper bound for the markdown length (default 60000; GitHub rejects comments over 65536). */
  maxChars?: number;
  /** Prefix for links to requirement files: `${repoUrl}/${file}` (e.g. https://github.com/o/r/blob/<sha>). */
  repoUrl?: string;
  /** Link for a job id (e.g. `${host}/#job/${id}`). */
  jobUrl?: (jobId: number) => string;
  /** Heading text (default "Databricks job plan"). */
  title?: string;
  /** Where the full plan is when the markdown had to leave something out (the run page with its job summary). */
  fullPlanUrl?: string;
  /** Expand the per-job blocks when at most this many jobs have details and they are short (default 3). */
  expandUpTo?: number;
}

export interface RenderedPlan {
  markdown: string;
  truncated: boolean;
  /**
   * What is not in the markdown: `details:<taskId>` (a job's details block), `row:<taskId>` (its summary row),
   * `settings:<taskId>` (a created job's full settings YAML), `diagnostic:<file>:<line>:<path>` and
   * `blocked:<taskId>`.
   */
  omitted: string[];
}

const OP_SYMBOL: Record<JobChange["op"], string> = {
  create: "➕",
  update: "🔄",
  delete: "🗑️",
  run: "▶️",
  "no-op": "✅",
};

const HIGHLIGHTED: ReadonlySet<FieldChange["category"]> = new Set(["compute", "run_as", "permissions"]);
const CATEGORY_ORDER: FieldChange["category"][] = [
  "permissions",
  "run_as",
  "compute",
  "schedule",
  "tasks",
  "notifications",
  "other",
];

/** Escapes text for a `<pre>` block (keeps line breaks). */
export function escapePre(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/[&<>@`[\]]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const SENSITIVE_KEY = /(password|passwd|secret|token|api[_-]?key|credential|private[_-]?key|access[_-]?key)/i;
const SECRET_REFERENCE = /^\{\{\s*secrets\/[^}]+\}\}$/;

/** Replaces values under secret-looking keys (unless they are `{{secrets/scope/key}}` references) and token-looking strings. */
export function redactSecrets(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    if (SENSITIVE_KEY.test(key) && !SECRET_REFERENCE.test(value.trim())) return "***";
    return redact(value);
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, key));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactSecrets(v, k);
    return out;
  }
  return value;
}

/** The last word of a field path (`tasks[a].spark_env_vars.TOKEN` → TOKEN): the key secrets are judged by. */
export function lastPathWord(path: string): string {
  const words = path.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, (m) => `.${m.slice(1, -1)}`).split(".");
  return words[words.length - 1] ?? "";
}

function formatValue(value: unknown, path: string, max = 160): string {
  if (value === undefined) return "—";
  const redacted = redactSecrets(value, lastPathWord(path));
  let text = JSON.stringify(redacted) as string | undefined;
  if (text === undefined) text = String(redacted);
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return `<code>${escapeMarkdown(text)}</code>`;
}

function fileLink(file: string | undefined, line: number | undefined, options: RenderOptions): string {
  if (!file) return "";
  const label = line ? `${file}:${line}` : file;
  const encoded = file
    .split("/")
    .map((seg) =>
      encodeURIComponent(seg).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
  const url = options.repoUrl
    ? `${options.repoUrl.replace(/\/+$/, "")}/${encoded}${line ? `#L${line}` : ""}`
    : undefined;
  return url ? link(label, url) : `<code>${escapeMarkdown(label)}</code>`;
}

function jobIdCell(change: JobChange, options: RenderOptions): string {
  if (change.jobId === undefined) return "—";
  return options.jobUrl ? link(String(change.jobId), options.jobUrl(change.jobId)) : String(change.jobId);
}

/** "delete duplicate job 1021 (kept 1020, why)" — the deletes a change makes besides its own job. */
export function duplicatesText(d: NonNullable<JobChange["duplicates"]>): string {
  const jobs = `duplicate job${d.delete.length === 1 ? "" : "s"} ${d.delete.join(", ")}`;
  const history = `with ${d.delete.length === 1 ? "its" : "their"} run history`;
  return d.keep !== undefined
    ? `delete ${jobs} (kept ${d.keep}, ${d.why}), ${history}`
    : `delete ${jobs} too (${d.why}), ${history}`;
}

/** " (job 42)" for a `<summary>` (HTML: markdown links do not render there), linked when a URL is known. */
function jobIdSummary(change: JobChange, options: RenderOptions): string {
  if (change.jobId === undefined) return "";
  const url = options.jobUrl?.(change.jobId);
  if (!url || !/^https?:\/\//i.test(url)) return ` (job ${change.jobId})`;
  return ` (<a href="${safeUrl(url)}">job ${change.jobId}</a>)`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function highlightsOf(change: JobChange): string[] {
  const cats = new Set(change.fields.map((f) => f.category));
  return CATEGORY_ORDER.filter((c) => HIGHLIGHTED.has(c) && cats.has(c)).map((c) => c.replace("_", " "));
}

function notesCell(change: JobChange): string {
  const notes: string[] = [];
  if (change.moved) notes.push(`moved: ${escapeMarkdown(change.moved)}`);
  if (change.duplicates) notes.push(`deletes duplicate job(s) ${change.duplicates.delete.join(", ")}`);
  if (change.destructive) notes.push("⚠️ destructive");
  const hl = highlightsOf(change);
  if (hl.length > 0) notes.push(`⚠️ ${hl.join(", ")}`);
  if (change.drift.length > 0) notes.push(`🔀 drift (${change.drift.length})`);
  const hints = change.warnings.filter(isHint).length;
  const warnings = change.warnings.length - hints;
  if (warnings > 0) notes.push(plural(warnings, "warning"));
  if (hints > 0) notes.push(`💡 ${plural(hints, "review hint")}`);
  return notes.join(" · ");
}

function summaryRow(change: JobChange, options: RenderOptions): string {
  const changes = change.op === "update" || change.op === "create" ? String(change.fields.length) : "—";
  return `| ${OP_SYMBOL[change.op]} ${change.op} | ${escapeMarkdown(change.jobName || "(unnamed)")} | ${jobIdCell(change, options)} | ${changes} | ${notesCell(change)} |`;
}

/** What makes two diagnostics the same finding (a change's warnings are also among the plan's diagnostics). */
export function diagnosticKey(
  d: Pick<Diagnostic, "severity" | "code" | "file" | "line" | "path" | "message">,
): string {
  return JSON.stringify([d.severity, d.code, d.file, d.line, d.path, d.message]);
}

/**
 * A diagnostic's message as shown beside its file, line and path: without the `file:line: ` and `path: ` it may
 * start with (the reader already sees them), and whether the value it quotes is already in it.
 */
export function messageOf(d: Pick<Diagnostic, "file" | "line" | "path" | "message" | "value">): {
  text: string;
  quotesValue: boolean;
} {
  let text = d.message;
  for (const prefix of [d.file && d.line ? `${d.file}:${d.line}: ` : "", d.file ? `${d.file}: ` : ""])
    if (prefix && text.startsWith(prefix)) {
      text = text.slice(prefix.length);
      break;
    }
  for (const prefix of [d.path, d.path.replace(/^(?:job|jobs\.[^.[]+)\./, "")])
    if (prefix && text.startsWith(`${prefix}: `)) {
      text = text.slice(prefix.length + 2);
      break;
    }
  const quotesValue =
    d.value !== undefined &&
    (text.includes(JSON.stringify(d.value)) ||
      (typeof d.value === "string" && d.value.length >= 3 && text.includes(d.value)));
  return { text, quotesValue };
}

function diagnosticLine(d: Diagnostic, options: RenderOptions): string {
  const icon = d.severity === "error" ? "❌" : "⚠️";
  const where = [fileLink(d.file, d.line, options), d.path ? `<code>${escapeMarkdown(d.path)}</code>` : ""]
    .filter(Boolean)
    .join(" · ");
  const message = messageOf(d);
  const value =
    d.value !== undefined && !message.quotesValue ? ` (found ${formatValue(d.value, d.path, 80)})` : "";
  const see = d.see && d.see.length > 0 ? ` See: ${seeText(d.see)}.` : "";
  return `- ${icon} ${where}${where ? " — " : ""}${escapeMarkdown(message.text)}${value}. **Fix:** ${escapeMarkdown(d.fix)}${see}`;
}

function fieldRows(fields: readonly FieldChange[], limit: number): string[] {
  const sorted = [...fields].sort(
    (a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category),
  );
  const rows = sorted.slice(0, limit).map((f) => {
    const mark = HIGHLIGHTED.has(f.category) ? "⚠️ " : "";
    const kind = f.kind === "add" ? "+" : f.kind === "remove" ? "−" : "~";
    return `| ${mark}${kind} | <code>${escapeMarkdown(f.path)}</code> | ${f.kind === "add" ? "—" : formatValue(f.before, f.path)} | ${
      f.kind === "remove" ? "—" : formatValue(f.after, f.path)
    } |`;
  });
  if (sorted.length > limit) rows.push(`| | _…${plural(sorted.length - limit, "more field change")}_ | | |`);
  return rows;
}

function fieldTable(fields: readonly FieldChange[], limit: number): string[] {
  if (fields.length === 0) return [];
  return ["| | Field | Before | After |", "|---|---|---|---|", ...fieldRows(fields, limit)];
}

interface DetailLimits {
  fields: number;
  graphTasks: number;
  requirementChars: number;
  graph: boolean;
  /** A created job's full settings as YAML (whole or not at all). */
  settingsYaml: boolean;
}

const FULL: DetailLimits = {
  fields: 200,
  graphTasks: 150,
  requirementChars: 4000,
  graph: true,
  settingsYaml: true,
};
const COMPACT: DetailLimits = {
  fields: 40,
  graphTasks: 40,
  requirementChars: 1200,
  graph: true,
  settingsYaml: true,
};
const REDUCED: DetailLimits = { ...COMPACT, settingsYaml: false, requirementChars: 0 };
const MINIMAL: DetailLimits = {
  fields: 10,
  graphTasks: 0,
  requirementChars: 0,
  graph: false,
  settingsYaml: false,
};

function elsewhere(options: RenderOptions): string {
  return options.fullPlanUrl
    ? link("the full plan", options.fullPlanUrl)
    : "the full plan (job summary / log)";
}

/** What a job's change is: a created job's settings as YAML, an update's field diff per task_key. */
function changeBody(change: JobChange, limits: DetailLimits, options: RenderOptions): string[] {
  if (change.op === "create" && change.desired) {
    if (!limits.settingsYaml)
      return [`_Full settings left out to fit the comment: see ${elsewhere(options)}._`, ""];
    return [settingsYamlBlock(redactSecrets(change.desired)), ""];
  }
  if (change.op === "update" && change.fields.length > 0) {
    const diff = fieldDiffBlock(redactFields(change.fields), limits.fields);
    const more =
      diff.omitted > 0
        ? [`_…${plural(diff.omitted, "more field change")} not shown here: see ${elsewhere(options)}._`, ""]
        : [];
    return ["**Changed fields** (`-` old, `+` new):", "", diff.text, "", ...more];
  }
  const table = fieldTable(change.fields, limits.fields);
  return table.length > 0 ? [...table, ""] : [];
}

function taskKeysTouched(fields: readonly FieldChange[]): { added: string[]; changed: string[] } {
  const added: string[] = [];
  const changed = new Set<string>();
  for (const f of fields) {
    const whole = wholeEntry(f.path);
    if (whole?.array === "tasks" && f.kind === "add") {
      added.push(whole.key);
      continue;
    }
    const m = /^tasks\[(?:"((?:[^"\\]|\\.)*)"|([^\]]*))\]\./.exec(f.path);
    if (m) changed.add(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]);
  }
  return { added, changed: [...changed] };
}

function scheduleLines(change: JobChange): string[] {
  const desired = change.desired;
  const lines: string[] = [];
  const after = desired ? triggerToWords(desired) : undefined;
  const scheduleField = change.fields.find((f) => /^(schedule|continuous|trigger)(\.|$)/.test(f.path));
  if (after) {
    const cron =
      desired && typeof desired.schedule?.quartz_cron_expression === "string"
        ? ` <code>${escapeMarkdown(desired.schedule.quartz_cron_expression)}</code>`
        : "";
    lines.push(
      `**When:** ${escapeMarkdown(after)}${cron}${scheduleField && change.op === "update" ? " (changed)" : ""}`,
    );
  } else if (scheduleField && change.op === "update") {
    lines.push("**When:** no schedule or trigger any more (runs only when started)");
  }
  return lines;
}

function renderDetails(change: JobChange, options: RenderOptions, limits: DetailLimits): string {
  const parts: string[] = [];
  const count =
    change.op === "update" || change.op === "create" ? ` — ${plural(change.fields.length, "change")}` : "";
  const hl = highlightsOf(change);
  const summary = `${OP_SYMBOL[change.op]} ${change.op} <b>${escapeMarkdown(change.jobName || "(unnamed)")}</b>${jobIdSummary(change, options)}${count}${hl.length > 0 ? ` ⚠️ ${hl.join(", ")}` : ""}${change.destructive ? " ⚠️ destructive" : ""}`;
  parts.push(`<details><summary>${summary}</summary>`, "");
  const req = fileLink(change.requirement, undefined, options);
  parts.push(
    `Requirement ${req || "—"} · task <code>${escapeMarkdown(change.taskId)}</code> · hash <code>${escapeMarkdown(change.hash)}</code>`,
    "",
  );
  if (change.moved) parts.push(`**Moved:** ${escapeMarkdown(change.moved)}`, "");
  if (change.duplicates)
    parts.push(`> ⚠️ **Destructive:** ${escapeMarkdown(duplicatesText(change.duplicates))}.`, "");
  if (change.op === "delete")
    parts.push("> ⚠️ **Destructive:** this job and its run history will be deleted.", "");
  const renames = taskRenames(change.fields);
  for (const r of renames) {
    parts.push(
      `> ⚠️ **Destructive:** task <code>${escapeMarkdown(r.from)}</code> becomes <code>${escapeMarkdown(r.to)}</code>; a new task_key loses the task's run history.`,
      "",
    );
  }
  if (change.destructive && change.op !== "delete" && renames.length === 0 && !change.duplicates) {
    parts.push(
      "> ⚠️ **Destructive:** tasks are removed and others added under new keys; the removed tasks' run history is lost.",
      "",
    );
  }
  if (change.op === "run" && change.run) {
    const params = change.run.job_parameters ? Object.entries(change.run.job_parameters) : [];
    const text = [
      params.length > 0
        ? `parameters ${params.map(([k, v]) => `<code>${escapeMarkdown(k)}=${escapeMarkdown(String(redactSecrets(v, k)))}</code>`).join(", ")}`
        : "default parameters",
      change.run.only && change.run.only.length > 0
        ? `only ${change.run.only.map((t) => `<code>${escapeMarkdown(t)}</code>`).join(", ")}`
        : "",
      change.run.wait ? "waits for the result" : "",
    ].filter(Boolean);
    parts.push(`**Run:** ${text.join("; ")}`, "");
  }
  parts.push(...scheduleLines(change).flatMap((l) => [l, ""]));
  parts.push(...changeBody(change, limits, options));
  parts.push(...provenanceMarkdown(change.provenance, escapeMarkdown));
  const tasks = change.desired?.tasks;
  if (
    limits.graph &&
    (change.op === "create" || change.op === "update") &&
    change.desired &&
    Array.isArray(tasks) &&
    tasks.length > 0
  ) {
    const touched = change.op === "create" ? { added: [], changed: [] } : taskKeysTouched(change.fields);
    parts.push(
      "**Task graph:**",
      "",
      "```mermaid",
      jobMermaid(change.desired as JobSettings, {
        added: touched.added,
        changed: touched.changed,
        maxTasks: limits.graphTasks,
      }),
      "```",
      "",
    );
  }
  const consistency = change.warnings.filter((w) => w.code.startsWith("consistency."));
  const hints = change.warnings.filter(isHint);
  const other = change.warnings.filter((w) => !w.code.startsWith("consistency.") && !isHint(w));
  if (consistency.length > 0)
    parts.push("**Requirement vs. plan:**", "", ...consistency.map((d) => diagnosticLine(d, options)), "");
  if (other.length > 0) parts.push("**Warnings:**", "", ...other.map((d) => diagnosticLine(d, options)), "");
  parts.push(...hintLines(hints));
  if (change.drift.length > 0) {
    parts.push(
      "**🔀 Drift** (changed in the workspace outside this repo; applying reverts it):",
      "",
      ...fieldTable(change.drift, limits.fields),
      "",
    );
  }
  if (change.see && change.see.length > 0) parts.push(`**Docs:** ${seeText(change.see, " · ")}`, "");
  if (change.requirementText && limits.requirementChars > 0) {
    let text = change.requirementText;
    if (text.length > limits.requirementChars)
      text = `${text.slice(0, limits.requirementChars)}\n… (${plural(change.requirementText.length - limits.requirementChars, "more character")})`;
    parts.push(
      "<details><summary>Requirement text</summary>",
      "",
      `<pre>${escapePre(text)}</pre>`,
      "",
      "</details>",
      "",
    );
  }
  parts.push("</details>", "");
  return parts.join("\n");
}

const LEVELS: readonly DetailLimits[] = [FULL, COMPACT, REDUCED, MINIMAL];

function renderBlock(change: JobChange, options: RenderOptions, level: number, perBlockMax: number): string {
  let block = "";
  for (let i = level; i < LEVELS.length; i++) {
    block = renderDetails(change, options, LEVELS[i]);
    if (block.length <= perBlockMax) break;
  }
  return block;
}

/**
 * The per-job blocks within `budget`: all at the richest level where they all fit (a large plan collapses the
 * full settings YAML and the graphs before it drops a job); at the last level, blocks are dropped from the end.
 * Records what is left out in `omitted` (`details:<taskId>`, `settings:<taskId>` for a create without its YAML).
 */
function detailBlocks(
  changes: readonly JobChange[],
  options: RenderOptions,
  budget: number,
  maxChars: number,
  omitted: string[],
): { blocks: string[]; length: number } {
  const perBlockMax = Math.max(1500, Math.floor(maxChars / 3));
  for (let level = 0; level < LEVELS.length; level++) {
    const last = level === LEVELS.length - 1;
    const blocks: string[] = [];
    let length = 0;
    let fits = true;
    for (const change of changes) {
      const block = renderBlock(change, options, level, perBlockMax);
      if (length + block.length + 1 > budget) {
        fits = false;
        if (!last) break;
        omitted.push(`details:${change.taskId}`);
        continue;
      }
      if (!fits) {
        omitted.push(`details:${change.taskId}`);
        continue;
      }
      blocks.push(block);
      length += block.length + 1;
    }
    if (fits || last) {
      for (const [i, block] of blocks.entries())
        if (block.includes("_Full settings left out")) omitted.push(`settings:${changes[i].taskId}`);
      return { blocks, length };
    }
  }
  return { blocks: [], length: 0 };
}

function shownInDetails(change: JobChange): boolean {
  return change.op !== "no-op" || change.drift.length > 0 || change.warnings.length > 0;
}

/** Renders a plan as size-safe, injection-safe markdown. */
export function renderPlanMarkdown(plan: PlanResult, options: RenderOptions = {}): RenderedPlan {
  const maxChars = Math.max(2000, options.maxChars ?? 60000);
  const c = plan.counts;
  const omitted: string[] = [];
  const header = [
    `### ${escapeMarkdown(options.title ?? "Databricks job plan")}: ➕ ${c.create} to create · 🔄 ${c.update} to update · 🗑️ ${c.delete} to delete · ▶️ ${c.run} to run · ✅ ${c.noop} unchanged · ⛔ ${c.blocked} blocked`,
    "",
    `Plan hash <code>${escapeMarkdown(plan.planHash)}</code>${plan.valid ? "" : " · ❌ **validation failed: nothing will be applied**"}`,
    "",
  ].join("\n");
  const reserve = 700; // truncation notice + section headings slack
  let remaining = maxChars - header.length - reserve;

  // Summary table: jobs with changes first, then unchanged ones.
  const ordered = [
    ...plan.changes.filter((x) => x.op !== "no-op"),
    ...plan.changes.filter((x) => x.op === "no-op"),
  ];
  const tableHead = ["| | Job | Job id | Changes | Notes |", "|---|---|---|--:|---|"];
  const summaryBudget = Math.min(remaining, Math.floor(maxChars * 0.4));
  let summaryLen = tableHead.join("\n").length + 1;
  const rows: string[] = [];
  for (const change of ordered) {
    const row = summaryRow(change, options);
    if (summaryLen + row.length + 1 > summaryBudget - 120) {
      omitted.push(`row:${change.taskId}`);
      continue;
    }
    rows.push(row);
    summaryLen += row.length + 1;
  }
  const rowsCut = ordered.length - rows.length;
  const summaryParts = ordered.length === 0 ? ["_No jobs in this plan._", ""] : [...tableHead, ...rows];
  if (rowsCut > 0) {
    const noopCut = ordered.slice(rows.length).filter((x) => x.op === "no-op").length;
    summaryParts.push(
      "",
      `_…and ${plural(rowsCut, "more job")} not listed${noopCut > 0 ? ` (${noopCut.toLocaleString("en-US")} unchanged)` : ""}; see ${elsewhere(options)}._`,
    );
  }
  summaryParts.push("");
  const summary = summaryParts.join("\n");
  remaining -= summary.length;

  // Validation messages (errors first, then plan-wide warnings).
  // Review hints that are warnings are shown with their job; blocking ones are validation errors here too.
  const diags = [...plan.diagnostics.filter((d) => d.severity === "error" || !isHint(d))].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1,
  );
  const diagBudget = Math.min(remaining, Math.floor(maxChars * 0.15));
  const diagLines: string[] = [];
  let diagLen = 0;
  for (const d of diags) {
    const line = diagnosticLine(d, options);
    if (diagLen + line.length + 1 > diagBudget - 100) {
      omitted.push(`diagnostic:${d.file ?? ""}:${d.line ?? ""}:${d.path}`);
      continue;
    }
    diagLines.push(line);
    diagLen += line.length + 1;
  }
  const errors = diags.filter((d) => d.severity === "error").length;
  const diagSection =
    diags.length === 0
      ? ""
      : [
          `#### ${errors > 0 ? "❌" : "⚠️"} Validation: ${plural(errors, "error")}, ${plural(diags.length - errors, "warning")}`,
          "",
          ...diagLines,
          ...(diagLines.length < diags.length
            ? [`- _…${plural(diags.length - diagLines.length, "more message")}; see ${elsewhere(options)}._`]
            : []),
          "",
        ].join("\n");
  remaining -= diagSection.length;

  // Blocked tasks with their questions.
  const blockedBudget = Math.min(remaining, Math.floor(maxChars * 0.1));
  const blockedLines: string[] = [];
  let blockedLen = 0;
  let blockedShown = 0;
  for (const b of plan.blocked) {
    const block = [
      `- ⛔ <code>${escapeMarkdown(b.taskId)}</code> (${fileLink(b.requirement, undefined, options)}): ${escapeMarkdown(b.reason)}`,
      ...b.questions.map((q) => `  - ❓ ${escapeMarkdown(q)}`),
    ].join("\n");
    if (blockedLen + block.length + 1 > blockedBudget - 100) {
      omitted.push(`blocked:${b.taskId}`);
      continue;
    }
    blockedLines.push(block);
    blockedLen += block.length + 1;
    blockedShown++;
  }
  const blockedSection =
    plan.blocked.length === 0
      ? ""
      : [
          `#### ⛔ Blocked: ${plural(plan.blocked.length, "task")} need a person`,
          "",
          ...blockedLines,
          ...(blockedShown < plan.blocked.length
            ? [
                `- _…${plural(plan.blocked.length - blockedShown, "more blocked task")}; see ${elsewhere(options)}._`,
              ]
            : []),
          "",
        ].join("\n");
  remaining -= blockedSection.length;

  // Details: the richest level at which every block fits; past the last level, dropped from the end.
  const { blocks, length: detailsLen } = detailBlocks(
    ordered.filter(shownInDetails),
    options,
    remaining - 40,
    maxChars,
    omitted,
  );
  const expand = blocks.length <= (options.expandUpTo ?? 3) && detailsLen < 12_000;
  const shown = expand ? blocks.map((b) => b.replace(/^<details>/, "<details open>")) : blocks;
  const detailsSection = shown.length > 0 ? ["#### Details", "", ...shown].join("\n") : "";

  const truncated = omitted.length > 0;
  let notice = "";
  if (truncated) {
    const cut = (prefix: string): number => omitted.filter((o) => o.startsWith(prefix)).length;
    const bits = [
      cut("details:") > 0 ? `${plural(cut("details:"), "job's details", "jobs' details")} omitted` : "",
      cut("settings:") > 0
        ? `${plural(cut("settings:"), "created job's", "created jobs'")} full settings left out`
        : "",
      cut("row:") > 0 ? `${plural(cut("row:"), "summary row")} omitted` : "",
      cut("diagnostic:") > 0 ? `${plural(cut("diagnostic:"), "validation message")} omitted` : "",
      cut("blocked:") > 0 ? `${plural(cut("blocked:"), "blocked task")} omitted` : "",
    ].filter(Boolean);
    notice = `> ✂️ **Plan truncated** to fit a comment: …${bits.join(", ")}; see ${elsewhere(options)}.\n\n`;
  }
  const markdown = [header, notice, summary, diagSection, blockedSection, detailsSection]
    .filter(Boolean)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
  return { markdown, truncated, omitted };
}

/** The stable JSON shape of a plan (see docs/plan-format.md). */
export interface PlanJson {
  version: 1;
  valid: boolean;
  planHash: string;
  counts: PlanResult["counts"];
  changes: Array<{
    taskId: string;
    requirement: string;
    op: JobChange["op"];
    jobName: string;
    jobId: number | null;
    hash: string;
    destructive: boolean;
    fields: FieldChange[];
    drift: FieldChange[];
    warnings: Diagnostic[];
    request: JobChange["request"] | null;
    see: string[];
    run: JobChange["run"] | null;
    /** Only for a renamed or moved requirement that keeps its job. */
    moved?: string;
    /** Only when the change deletes copies of its job (duplicates). */
    duplicates?: JobChange["duplicates"];
  }>;
  blocked: PlanResult["blocked"];
  diagnostics: Diagnostic[];
}

function redactFields(fields: readonly FieldChange[]): FieldChange[] {
  return fields.map((f) => {
    const out: FieldChange = { path: f.path, kind: f.kind, category: f.category };
    if (f.kind !== "add") out.before = redactSecrets(f.before, lastPathWord(f.path));
    if (f.kind !== "remove") out.after = redactSecrets(f.after, lastPathWord(f.path));
    return out;
  });
}

/** The plan as a stable, documented object (secret-looking values redacted). */
export function planToJson(plan: PlanResult): PlanJson {
  return {
    version: 1,
    valid: plan.valid,
    planHash: plan.planHash,
    counts: { ...plan.counts },
    changes: plan.changes.map((ch) => ({
      taskId: ch.taskId,
      requirement: ch.requirement,
      op: ch.op,
      jobName: ch.jobName,
      jobId: ch.jobId ?? null,
      hash: ch.hash,
      destructive: ch.destructive,
      fields: redactFields(ch.fields),
      drift: redactFields(ch.drift),
      warnings: ch.warnings,
      request: ch.request ? (redactSecrets(ch.request) as JobChange["request"]) : null,
      see: ch.see ?? [],
      run: ch.run ? (redactSecrets(ch.run) as JobChange["run"]) : null,
      ...(ch.moved ? { moved: ch.moved } : {}),
      ...(ch.duplicates ? { duplicates: ch.duplicates } : {}),
    })),
    blocked: plan.blocked,
    diagnostics: plan.diagnostics,
  };
}

/** The plan as pretty JSON text (2-space indent, trailing newline). */
export function renderPlanJson(plan: PlanResult): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
