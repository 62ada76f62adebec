/**
 * `jobagent drift`: which managed jobs were changed in the workspace since the last apply, field by field (the
 * requirement's value → the workspace's), permissions included. Read-only: a plan that records nothing, against
 * DATABRICKS_HOST or a throw-away copy of the embedded local workspace; no task file, no `.jobagent/` state.
 * Exit codes: 0 no drift, 1 validation failed or error, 2 usage, 3 drift found.
 */
import type { EngineOptions } from "../../engine/api.js";
import { driftLine, driftReport, shownValue, type DriftReport } from "../../engine/drift.js";
import { runPlan } from "../../engine/index.js";
import type { CommandContext } from "./context.js";

/** The exit code for drift found (0 none, 1 invalid, 2 usage). */
export const DRIFT_EXIT = 3;

/** The `--json` shape (stable; docs/plan-format.md). */
function driftJson(report: DriftReport, errors: unknown[]) {
  return {
    drift: report.jobs.length > 0,
    valid: report.valid,
    jobs: report.jobs.map((job) => ({
      task: job.taskId,
      requirement: job.requirement,
      job: { id: job.jobId ?? null, name: job.jobName, url: job.jobUrl ?? null },
      fields: job.fields.map((f) => ({
        path: f.path,
        change: f.change,
        category: f.category,
        requirement: shownValue(f.requirement, f.path) ?? null,
        workspace: shownValue(f.workspace, f.path) ?? null,
      })),
    })),
    pending: report.pending.map((p) => ({
      task: p.taskId,
      requirement: p.requirement,
      job: { id: p.jobId ?? null, name: p.jobName },
      op: p.op,
    })),
    errors,
  };
}

export async function runDrift(
  ctx: CommandContext,
  options: EngineOptions,
  jobUrl: (jobId: number) => string,
): Promise<number> {
  if (ctx.args.length > 0) throw ctx.usage("usage: jobagent drift [--json] [--target T] [--jobs-dir DIR]");
  const plan = await runPlan(options, { record: false, drift: true });
  const report = driftReport(plan, jobUrl);
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  const code = !report.valid ? 1 : report.jobs.length > 0 ? DRIFT_EXIT : 0;
  if (ctx.values.json === true) {
    ctx.out(JSON.stringify(driftJson(report, errors), null, 2));
    return code;
  }
  for (const d of errors) ctx.out(`error   ${ctx.formatDiagnostic(d)}`);
  const lines: string[] = [];
  if (report.jobs.length === 0) lines.push("No drift: every managed job matches what the last apply left.");
  else {
    lines.push(
      `Drift: ${report.jobs.length} managed job(s) changed in the workspace since the last apply (requirement → workspace).`,
    );
    for (const job of report.jobs) {
      const where = [job.jobId !== undefined ? `job ${job.jobId}` : "", job.jobUrl ?? ""].filter(Boolean);
      lines.push("", `${job.jobName} (${where.join(", ")}) — ${job.requirement}`);
      for (const field of job.fields) lines.push(`  ${driftLine(field)}`);
    }
    lines.push(
      "",
      "The Jobs API does not say who changed a job or when (the workspace's audit log does).",
      "Keep the change: write the new values into the requirement (the action's drift mode opens that pull request);",
      "undo it: label that pull request jobagent:revert-drift, merge it, and the next apply restores the requirement.",
    );
  }
  if (report.pending.length > 0)
    lines.push(
      "",
      `${report.pending.length} other job(s) differ from their requirements (not drift: changes not applied yet); see \`jobagent plan\`.`,
    );
  ctx.out(lines.join("\n"));
  return code;
}
