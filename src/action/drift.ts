/**
 * workflow_dispatch / schedule: drift check — a read-only plan against the workspace, reported in the job summary;
 * with `drift-pull-requests` (default) and a GitHub token, one pull request per drifted job (./drift-pr.ts).
 */
import type { ActionDeps } from "./deps.js";
import { missingCredentialsMessage } from "./databricks-auth.js";
import { ActionError, ConfigurationError } from "./errors.js";
import { annotateAll, diagnosticsMarkdown, engineOptions, setPlanOutputs } from "./shared.js";
import { escapeTableCell } from "../domain/markdown.js";
import { driftReport, driftValue } from "../engine/drift.js";
import { driftPullsMarkdown, keepDriftPullRequests } from "./drift-pr.js";
import { applyTarget, requireTargetWorkspace, targetEngineOptions } from "./targets.js";

export async function runDriftFlow(deps: ActionDeps, options: { drift: boolean }): Promise<void> {
  // With targets: the `target` input's target, else the first (run one drift job per target to check them all).
  const target = await applyTarget(deps);
  const workspace = target ? await requireTargetWorkspace(deps, target) : await deps.workspace();
  if (!workspace) {
    throw new ConfigurationError(
      missingCredentialsMessage(
        deps.inputs.databricksHost,
        options.drift ? "the drift check did not run" : "nothing was planned",
      ),
    );
  }
  const base = await engineOptions(deps, workspace);
  const engineOpts = target ? await targetEngineOptions(deps, base, target) : base;
  if (target) deps.outputs.set("target", target.name);
  deps.log.info(options.drift ? "Drift check (read-only plan)" : "Plan (read-only)");
  const plan = await deps.engine.runPlan(engineOpts, { record: false, drift: options.drift });
  annotateAll(deps, plan.diagnostics);
  setPlanOutputs(deps, plan);

  const host = (target ? target.host : deps.inputs.databricksHost)?.replace(/\/+$/, "");
  const report = driftReport(plan, host ? (id) => `${host}/jobs/${id}` : undefined);
  const drifted = plan.changes.filter((c) => c.drift.length > 0);
  const pending = plan.changes.filter((c) => c.op !== "no-op");
  const lines = [
    `## ${options.drift ? "Drift check" : "Plan"}: \`${deps.inputs.jobsDir}\`${target ? ` → target \`${target.name}\`` : ""}`,
    drifted.length || pending.length
      ? `${drifted.length} job(s) changed in the workspace outside the repo; ${pending.length} job(s) differ from the requirements.`
      : "No drift: every job matches its requirement.",
  ];
  if (drifted.length) {
    lines.push(
      ["| job | job id | drifted fields (requirement → workspace) |", "|---|---:|---|"]
        .concat(
          report.jobs.map(
            (j) =>
              `| ${escapeTableCell(j.jobUrl ? `[${j.jobName}](${j.jobUrl})` : j.jobName)} | ${j.jobId ?? ""} | ${j.fields
                .map(
                  (f) =>
                    `\`${f.path}\`: ${escapeTableCell(`${driftValue(f.requirement, f.path, 60)} → ${driftValue(f.workspace, f.path, 60)}`)}`,
                )
                .join("<br>")} |`,
          ),
        )
        .join("\n"),
    );
  }
  for (const c of drifted) deps.log.warn(`drift in ${c.jobName}: ${c.drift.map((f) => f.path).join(", ")}`);
  if (options.drift && deps.inputs.driftPullRequests) {
    try {
      const pulls = await keepDriftPullRequests(deps, engineOpts, report);
      for (const o of pulls.outcomes)
        deps.log.info(
          `drift pull request of ${o.jobName}: ${o.action}${o.pullRequest ? ` #${o.pullRequest.number}` : ""}${o.note ? ` (${o.note})` : ""}`,
        );
      lines.push(driftPullsMarkdown(pulls));
    } catch (error) {
      deps.log.warn(`drift pull requests: ${(error as Error).message}`);
      lines.push(`Drift pull requests could not be kept: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  lines.push(plan.markdown, diagnosticsMarkdown(plan.diagnostics));
  deps.summary.add(lines.filter(Boolean).join("\n\n"));

  if (!plan.valid)
    throw new ActionError("validation-failed", "validation failed; see the annotations and the job summary");
  if (deps.inputs.failOnDrift && (drifted.length > 0 || pending.length > 0)) {
    throw new ActionError(
      "drift-detected",
      `${pending.length} job(s) differ from the requirements and ${drifted.length} changed outside the repo (fail-on-drift: true)`,
    );
  }
}
