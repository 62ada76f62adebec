/**
 * The sticky plan comment of a project with deployment targets: one section per target in promotion order, each
 * with its own plan hash (the marker carries `target.NAME=HASH` for every approvable target), open when the target
 * changes something and collapsed when it does not. Pure: no I/O; always within the comment budget.
 */
import type { PlanResult } from "../engine/api.js";
import { formatMarker, type CommentMarker } from "../adapters/github/sticky.js";
import { hashJson } from "../domain/hash.js";
import { escapeTableCell } from "../domain/markdown.js";
import { COMMENT_BUDGET, cutToFit, renderPlanFromMarkdown, type PlanRenderer } from "./comment.js";

export interface TargetPlanSection {
  name: string;
  /** GitHub environment whose workflow job applies this target (jobagent.yml `environment:`). */
  environment?: string;
  /** undefined: not planned (`skipped` says why). */
  plan?: PlanResult;
  skipped?: string;
  render?: PlanRenderer;
}

export interface TargetsCommentInput {
  sections: TargetPlanSection[];
  jobsDir: string;
  headSha: string;
  previous?: CommentMarker;
  runUrl?: string;
  notes?: string[];
  maxChars?: number;
}

const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : "unknown");

const changesOf = (plan: PlanResult) =>
  plan.counts.create + plan.counts.update + plan.counts.delete + plan.counts.run;

/** The approvable plan hash of each target planned without validation errors. */
export function targetHashes(sections: TargetPlanSection[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sections) if (s.plan?.valid) out[s.name] = s.plan.planHash;
  return out;
}

/** One hash over every target's plan hash (undefined when a target was not planned or failed validation). */
export function combinedPlanHash(sections: TargetPlanSection[]): string | undefined {
  if (sections.some((s) => !s.plan?.valid)) return undefined;
  return hashJson({ targets: sections.map((s) => [s.name, s.plan!.planHash]) });
}

function summaryOf(section: TargetPlanSection): string {
  const p = section.plan;
  if (!p) return "not planned";
  if (!p.valid) return "❌ validation failed";
  const c = p.counts;
  const parts = [
    c.create && `${c.create} to create`,
    c.update && `${c.update} to update`,
    c.delete && `${c.delete} to delete`,
    c.run && `${c.run} to run`,
    c.blocked && `${c.blocked} blocked`,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "no changes";
}

function overview(sections: TargetPlanSection[]): string {
  const rows = sections.map((s, i) => {
    const c = s.plan?.counts;
    const who =
      i === 0
        ? "merge"
        : s.environment
          ? `environment \`${escapeTableCell(s.environment)}\``
          : "`target:` step";
    const cells = c
      ? [c.create, c.update, c.delete, c.run, c.noop, c.blocked].join(" | ")
      : " |  |  |  |  | ";
    return `| ${i + 1}. \`${s.name}\` | ${who} | ${cells} | ${s.plan ? `\`${s.plan.planHash}\`` : "—"} |`;
  });
  return [
    "| target | applied on | create | update | delete | run | no change | blocked | plan |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows,
  ].join("\n");
}

function header(input: TargetsCommentInput, combined: string | undefined): string {
  const { sections } = input;
  const marker = formatMarker({
    kind: "plan",
    jobsDir: input.jobsDir,
    planHash: combined,
    headSha: input.headSha,
    targets: targetHashes(sections),
  });
  const lines = [
    marker,
    `## Databricks jobs plan for \`${input.jobsDir}\`: ${sections.length} target(s)`,
    "",
    `Plan \`${combined ?? "not approvable"}\` on \`${short(input.headSha)}\`${input.runUrl ? ` · [workflow run](${input.runUrl})` : ""}`,
    "",
  ];
  const prev = input.previous;
  if (prev?.planHash && combined && prev.planHash !== combined)
    lines.push(
      `> [!NOTE]\n> This plan supersedes ~~plan \`${prev.planHash}\` on \`${short(prev.headSha)}\`~~, which is outdated and can no longer be applied.`,
      "",
    );
  for (const note of input.notes ?? []) lines.push(`> [!WARNING]\n> ${note}`, "");
  lines.push(overview(sections), "");
  const first = sections[0]?.name ?? "";
  lines.push(
    `Merging this pull request applies \`${first}\`'s plan; each next target is applied by the workflow job bound ` +
      "to its GitHub environment, which re-plans and refuses (`plan-changed`) when that target's plan differs from " +
      "the one shown here.",
    "",
  );
  return lines.join("\n");
}

function section(s: TargetPlanSection, budget: number): { text: string; truncated: boolean } {
  const open = s.plan && (!s.plan.valid || changesOf(s.plan) > 0 || s.plan.counts.blocked > 0);
  const hash = s.plan ? ` · plan <code>${s.plan.planHash}</code>` : "";
  const summary = `<details${open ? " open" : ""}><summary><b>${s.name}</b> — ${summaryOf(s)}${hash}</summary>`;
  if (!s.plan)
    return { text: `${summary}\n\n${s.skipped ?? "Not planned."}\n\n</details>`, truncated: false };
  const room = Math.max(200, budget - summary.length - 20);
  const rendered = (s.render ?? renderPlanFromMarkdown)(s.plan, { maxChars: room });
  const body = cutToFit(rendered.markdown, room, "**Truncated: the full plan is in the job summary.**");
  return {
    text: `${summary}\n\n${body.text}\n\n</details>`,
    truncated: rendered.truncated || body.truncated,
  };
}

/** The sticky plan comment for every target; its marker carries each approvable target's plan hash. */
export function buildTargetsPlanComment(input: TargetsCommentInput): { body: string; truncated: boolean } {
  const maxChars = input.maxChars ?? COMMENT_BUDGET;
  const combined = combinedPlanHash(input.sections);
  const head = cutToFit(header(input, combined), Math.floor(maxChars / 3), "…");
  const footer = `\n\n<sub>jobagent · plan hash \`${combined ?? "not approvable"}\`</sub>`;
  const each = Math.floor((maxChars - head.text.length - footer.length) / Math.max(1, input.sections.length));
  const parts = input.sections.map((s) => section(s, each));
  return {
    body: `${head.text}\n${parts.map((p) => p.text).join("\n\n")}${footer}`,
    truncated: head.truncated || parts.some((p) => p.truncated),
  };
}
