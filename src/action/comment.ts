/**
 * Bodies of the action's PR comments. Pure: no I/O. Every body starts with the hidden marker (see
 * ../github/sticky.ts) and always fits GitHub's 65,536-character limit: the header and counts are small and fixed,
 * the plan gets the remaining budget, and anything cut is said to be in the job summary.
 */
import { formatDuration } from "../domain/duration.js";
import type { ApplyResult, PlanResult, TaskApplyResult } from "../engine/api.js";
import { formatMarker, parseMarker, type CommentMarker } from "../adapters/github/sticky.js";
import { escapeTableCell } from "../domain/markdown.js";

/** GitHub rejects issue comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the action allows itself (room for GitHub's own counting differences). */
export const COMMENT_BUDGET = 60_000;

export interface RenderedPlan {
  markdown: string;
  truncated: boolean;
  /** What was left out of `markdown` (e.g. `details:<taskId>`). */
  omitted: string[];
}

/** Renders a plan within `maxChars` (the planner's renderPlanMarkdown has this shape). */
export type PlanRenderer = (plan: PlanResult, options: { maxChars: number }) => RenderedPlan;

/** Cuts `text` to at most `maxChars` at a line boundary, closing an open code fence and <details> blocks. */
export function cutToFit(text: string, maxChars: number, note: string): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const reserve = note.length + 64;
  let cut = text.slice(0, Math.max(0, maxChars - reserve));
  const lastNewline = cut.lastIndexOf("\n");
  if (lastNewline > 0) cut = cut.slice(0, lastNewline);
  let closing = "";
  if ((cut.match(/^\s*(```|~~~)/gm) ?? []).length % 2 === 1) closing += "\n```";
  const open = (cut.match(/<details\b/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i++) closing += "\n</details>";
  return { text: `${cut}${closing}\n\n${note}`, truncated: true };
}

function escapeCell(text: string): string {
  return escapeTableCell(text).replace(/</g, "&lt;");
}

function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : "unknown";
}

function countsTable(plan: PlanResult): string {
  const c = plan.counts;
  return [
    "| create | update | delete | run | no change | blocked |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${c.create} | ${c.update} | ${c.delete} | ${c.run} | ${c.noop} | ${c.blocked} |`,
  ].join("\n");
}

function diagnosticsSection(plan: PlanResult, limit: number): string {
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return "";
  const lines = ["### Validation errors", ""];
  for (const d of errors.slice(0, limit)) {
    const where = d.file ? `\`${d.file}${d.line ? `:${d.line}` : ""}\`` : "";
    lines.push(
      `- ${where} ${d.path ? `\`${escapeCell(d.path)}\`: ` : ""}${escapeCell(d.message)} — ${escapeCell(d.fix)}`,
    );
  }
  if (errors.length > limit) lines.push(`- …and ${errors.length - limit} more (annotations and job summary)`);
  return lines.join("\n");
}

function blockedSection(plan: PlanResult, limit: number): string {
  if (plan.blocked.length === 0) return "";
  const lines = ["### Needs a person", ""];
  for (const b of plan.blocked.slice(0, limit)) {
    lines.push(`- \`${escapeCell(b.requirement)}\` (${escapeCell(b.taskId)}): ${escapeCell(b.reason)}`);
    for (const q of b.questions.slice(0, 5)) lines.push(`  - ${escapeCell(q)}`);
  }
  if (plan.blocked.length > limit) lines.push(`- …and ${plan.blocked.length - limit} more (job summary)`);
  return lines.join("\n");
}

/**
 * A size-safe rendering from the plan's own markdown, for when no renderer is given: counts, validation errors,
 * blocked tasks, a line per job (capped) and the full plan folded, cut to the budget.
 */
export const renderPlanFromMarkdown: PlanRenderer = (plan, { maxChars }) => {
  const omitted: string[] = [];
  const lines: string[] = [countsTable(plan), ""];
  const extra = [diagnosticsSection(plan, 50), blockedSection(plan, 50)].filter(Boolean).join("\n\n");
  if (extra) lines.push(cutToFit(extra, Math.floor(maxChars / 4), "…").text, "");
  let used = lines.join("\n").length;
  for (const change of plan.changes.filter((c) => c.op !== "no-op")) {
    const line = `- \`${change.op}\` **${escapeCell(change.jobName)}** — ${change.fields.length} field change(s) (${escapeCell(change.requirement)})`;
    if (used + line.length + 1 > maxChars / 2) {
      omitted.push(`row:${change.taskId}`);
      continue;
    }
    lines.push(line);
    used += line.length + 1;
  }
  if (omitted.length) lines.push(`- …and ${omitted.length} more job(s): see the job summary`);
  const details = `\n\n<details><summary>Full plan</summary>\n\n${plan.markdown}\n\n</details>`;
  const body = cutToFit(
    lines.join("\n") + details,
    maxChars,
    "**The plan was truncated to fit in a comment; the full plan is in the job summary and the workflow log.**",
  );
  return { markdown: body.text, truncated: body.truncated || omitted.length > 0, omitted };
};

export interface PlanCommentInput {
  plan: PlanResult;
  jobsDir: string;
  /** Commit the plan was computed on (the PR head after the action's own commit). */
  headSha: string;
  /** Marker of the comment this body replaces. */
  previous?: CommentMarker;
  runUrl?: string;
  /** The fork PR could not be planned against the workspace / could not commit task files. */
  notes?: string[];
  render?: PlanRenderer;
  maxChars?: number;
}

/**
 * The comment's first sentence: what the merge will do and what to do next — approve by merging, change by editing
 * the requirement and pushing (the comment follows), answer a blocked job's questions the same way.
 */
function planStatus(plan: PlanResult, jobsDir: string): string {
  if (!plan.valid)
    return "❌ **Validation failed** — this plan cannot be applied; fix the errors below and push again.";
  const changes = plan.counts.create + plan.counts.update + plan.counts.delete + plan.counts.run;
  const edit = `edit the requirement file(s) in \`${jobsDir}/\` and push: this comment is updated with the new plan`;
  const blocked = plan.counts.blocked;
  const blockedText =
    blocked > 0
      ? `⛔ **${blocked} job(s) blocked** and not applied by the merge: they need a person (see *Blocked* below); to go on, ${edit}.`
      : "";
  if (changes === 0) return blockedText || "✅ No changes: the workspace matches the requirements.";
  return [
    `**Merging this pull request applies exactly this plan**${blocked > 0 ? " (without the blocked jobs)" : ""}.`,
    blockedText || `To change it, ${edit}.`,
    "If the plan changes between this comment and the merge (a push that got no new plan, a job edited in the " +
      "workspace), the apply refuses (`plan-changed`) and changes nothing.",
  ].join(" ");
}

/** The sticky plan comment. Its marker carries the plan hash only when the plan can be applied. */
export function buildPlanComment(input: PlanCommentInput): { body: string; truncated: boolean } {
  const { plan } = input;
  const maxChars = input.maxChars ?? COMMENT_BUDGET;
  const approvable = plan.valid;
  const marker = formatMarker({
    kind: "plan",
    jobsDir: input.jobsDir,
    planHash: approvable ? plan.planHash : undefined,
    headSha: input.headSha,
  });
  const status = planStatus(plan, input.jobsDir);
  const header: string[] = [
    marker,
    `## Databricks jobs plan for \`${input.jobsDir}\``,
    "",
    `Plan \`${plan.planHash}\` on \`${short(input.headSha)}\`${input.runUrl ? ` · [workflow run](${input.runUrl})` : ""}`,
    "",
  ];
  const prev = input.previous;
  if (prev?.planHash && prev.planHash !== plan.planHash) {
    header.push(
      `> [!NOTE]\n> This plan supersedes ~~plan \`${prev.planHash}\` on \`${short(prev.headSha)}\`~~, which is outdated and can no longer be applied.`,
      "",
    );
  } else if (prev && !prev.planHash) {
    header.push(
      `> [!NOTE]\n> This plan replaces an outdated or failed one (on \`${short(prev.headSha)}\`).`,
      "",
    );
  } else if (prev?.headSha && prev.headSha !== input.headSha) {
    header.push(`> [!NOTE]\n> Re-planned on \`${short(input.headSha)}\`: the plan did not change.`, "");
  }
  for (const note of input.notes ?? []) header.push(`> [!WARNING]\n> ${note}`, "");
  header.push(status, "");
  const fixed = cutToFit(header.join("\n") + "\n", Math.floor(maxChars / 4), "…");
  const footer = `\n\n<sub>jobagent · plan hash \`${plan.planHash}\`</sub>`;
  const where = input.runUrl ? `[job summary of this workflow run](${input.runUrl})` : "job summary";
  const cutNote = `\n\n> ✂️ **This comment shows part of the plan** (GitHub limits a comment to ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")} characters); the full plan is in the ${where}.`;
  const budget = maxChars - fixed.text.length - footer.length - cutNote.length;
  const rendered = (input.render ?? renderPlanFromMarkdown)(plan, { maxChars: budget });
  const body = cutToFit(
    rendered.markdown,
    budget,
    "**The plan was truncated to fit in a comment; the full plan is in the job summary and the workflow log.**",
  );
  const truncated = rendered.truncated || body.truncated || fixed.truncated;
  const truncatedNote = truncated ? cutNote : "";
  return { body: `${fixed.text}${body.text}${truncatedNote}${footer}`, truncated };
}

/** The sticky comment marked outdated after a failed run: no plan hash (not approvable), the old plan struck. */
export function buildOutdatedComment(
  previousBody: string,
  input: { jobsDir: string; headSha: string; reason: string; runUrl?: string },
): string {
  const marker = formatMarker({ kind: "plan", jobsDir: input.jobsDir, headSha: input.headSha });
  const old = parseMarker(previousBody)
    ? previousBody.slice(previousBody.indexOf("-->") + 3).trimStart()
    : previousBody;
  const banner = [
    marker,
    `> [!WARNING]`,
    `> **Outdated.** The latest run on \`${short(input.headSha)}\` failed (${escapeCell(input.reason)})${input.runUrl ? ` — [workflow run](${input.runUrl})` : ""}.`,
    "> The plan below no longer reflects the branch and cannot be applied. Fix the problem and push again or re-run the workflow.",
    "",
    "<details><summary>Previous plan (outdated)</summary>",
    "",
  ].join("\n");
  const tail = "\n\n</details>";
  const room = COMMENT_BUDGET - banner.length - tail.length;
  return `${banner}${cutToFit(old, room, "…").text}${tail}`;
}

function resultLine(r: TaskApplyResult): string {
  const job = r.jobUrl ? `[${escapeCell(r.jobName)}](${r.jobUrl})` : escapeCell(r.jobName);
  const icon = { COMPLETE: "✅", FAILED: "❌", SKIPPED: "⏭️", BLOCKED: "⛔" }[r.status];
  const run = r.run
    ? `${r.run.url ? `[run ${r.run.runId}](${r.run.url})` : `run ${r.run.runId}`}${r.run.result ? `: ${escapeCell(r.run.result)}` : ""}${r.run.durationMs !== undefined ? ` in ${formatDuration(r.run.durationMs)}` : ""}`
    : "";
  const deleted = r.duplicatesDeleted ? `deleted duplicate job(s) ${r.duplicatesDeleted.join(", ")}` : "";
  const detail = escapeCell([deleted, r.error ?? ""].filter(Boolean).join("; ")).slice(0, 300);
  return `| ${icon} ${r.status} | \`${r.op}\` | ${job} | ${r.jobId ?? ""} | ${run} | ${detail} |`;
}

export interface ApplyCommentInput {
  result: ApplyResult;
  jobsDir: string;
  sha: string;
  approvedPlanHash?: string;
  runUrl?: string;
  maxChars?: number;
  /** The deployment target applied (one result comment per target). */
  target?: string;
}

/** The result of applying a merged PR's plan, commented on that PR (one per PR, updated on re-runs). */
export function buildApplyComment(input: ApplyCommentInput): string {
  const { result } = input;
  const maxChars = input.maxChars ?? COMMENT_BUDGET;
  const title = !result.ok
    ? `❌ Apply failed${result.failureReason ? ` (\`${result.failureReason}\`)` : ""}`
    : result.complete === false
      ? "⚠️ Applied in part"
      : "✅ Applied";
  const lines = [
    formatMarker({
      kind: "apply",
      jobsDir: input.jobsDir,
      planHash: result.planHash,
      headSha: input.sha,
      target: input.target,
    }),
    `## ${title}: Databricks jobs in \`${input.jobsDir}\`${input.target ? ` → target \`${input.target}\`` : ""}`,
    "",
    `Commit \`${short(input.sha)}\` · plan \`${result.planHash}\`${input.approvedPlanHash ? ` (approved \`${input.approvedPlanHash}\`)` : ""}${input.runUrl ? ` · [workflow run](${input.runUrl})` : ""}`,
    "",
  ];
  if (result.message) lines.push(`> ${escapeCell(result.message)}`, "");
  // What was not applied, each with its reason (a blocked task, a change no recorded plan approved).
  const listed = new Set(result.results.map((r) => r.taskId));
  const left = [
    ...(result.blocked ?? []).filter((b) => !listed.has(b.taskId)).map((b) => ({ ...b, what: "⛔ blocked" })),
    ...(result.notApplied ?? []).map((n) => ({ ...n, what: `⏭️ not applied: \`${n.op}\`` })),
  ];
  if (left.length > 0) {
    lines.push(`**Not applied (${left.length}):**`, "");
    for (const t of left.slice(0, 50))
      lines.push(
        `- ${t.what} ${escapeCell(t.jobName)}${t.jobId !== undefined ? ` (job ${t.jobId})` : ""} — ${escapeCell(t.reason).slice(0, 300)}`,
      );
    if (left.length > 50) lines.push(`- …and ${left.length - 50} more`);
    lines.push("");
  }
  if (result.failureReason === "plan-changed") {
    lines.push(
      "The plan computed at merge differs from the plan shown on this pull request, so nothing was applied. " +
        "Open a new pull request to review the new plan, or set `on-plan-change: apply`.",
      "",
    );
  }
  const header = lines.join("\n");
  const rows: string[] = [];
  let used = header.length + 200;
  let omitted = 0;
  for (const r of result.results) {
    const row = resultLine(r);
    if (used + row.length + 1 > maxChars - 200) {
      omitted++;
      continue;
    }
    rows.push(row);
    used += row.length + 1;
  }
  const table = rows.length
    ? ["| status | op | job | job id | run | detail |", "|---|---|---|---:|---|---|", ...rows].join("\n")
    : "No job was changed.";
  const more = omitted ? `\n\n…and ${omitted} more job(s): see the job summary.` : "";
  // The header ends with one newline: a blank line keeps the table from running on from the commit line.
  return `${header}\n${table}${more}`;
}
