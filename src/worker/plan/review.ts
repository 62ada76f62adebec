/**
 * Review hints on the computed plan (src/domain/review-hints.ts): each created / updated job gets its hints as
 * warnings, or as errors for the rules `jobagent.yml` lists under `review.blocking` (the task is then blocked like
 * any validation error, but its change stays visible in the plan).
 */
import type { Diagnostic } from "../../domain/model.js";
import { reviewHints } from "../../domain/review-hints.js";
import type { RunContext } from "../../engine/context.js";
import { loadProjectConfig } from "../../state/project-config.js";
import type { PlannedTask } from "./scope.js";

export async function addReviewHints(
  ctx: RunContext,
  planned: Map<string, PlannedTask>,
  diagnostics: Diagnostic[],
): Promise<void> {
  const review = (await loadProjectConfig(ctx.options.repoDir)).review ?? {};
  const changes = [...planned.values()].flatMap((p) => (p.change ? [p.change] : []));
  const hints = reviewHints(changes, {
    now: ctx.now(),
    ...(review.timezone ? { timezone: review.timezone } : {}),
    ...(review.same_minute_limit ? { sameMinuteLimit: review.same_minute_limit } : {}),
    blocking: review.blocking ?? [],
    ignore: review.ignore ?? [],
  });
  for (const [taskId, list] of hints) {
    const entry = planned.get(taskId);
    if (!entry?.change) continue;
    const line = entry.task.line;
    const placed = list.map((d) => (line !== undefined ? { ...d, line } : d));
    entry.change.warnings.push(...placed);
    const errors = placed.filter((d) => d.severity === "error");
    entry.errors.push(...errors);
    diagnostics.push(...placed);
  }
}
