/**
 * `jobagent validate`: every requirement through the Tech Lead and the Worker's validation (schema, semantics,
 * secrets) and the workspace preflight (DATABRICKS_HOST, or a throw-away copy of the embedded local workspace),
 * without writing anything: no task file, no plan record, no workspace change, no `.jobagent/` state.
 * Exit codes: 0 valid (warnings allowed), 1 findings (errors or blocked requirements), 2 usage.
 */
import type { EngineOptions } from "../../engine/api.js";
import { runPlan } from "../../engine/index.js";
import { diagnosticKey } from "../../domain/render.js";
import type { CommandContext } from "./context.js";

export async function runValidate(ctx: CommandContext, options: EngineOptions): Promise<number> {
  if (ctx.args.length > 0) throw ctx.usage("usage: jobagent validate [--json] [--jobs-dir DIR]");
  const plan = await runPlan(options, { record: false });
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  // A change's warnings are also among the plan's diagnostics: each is shown (and counted) once.
  const seen = new Set<string>();
  const warnings = [
    ...plan.diagnostics.filter((d) => d.severity === "warning"),
    ...plan.changes.flatMap((c) => c.warnings),
  ].filter((d) => {
    const key = diagnosticKey(d);
    return !seen.has(key) && Boolean(seen.add(key));
  });
  const ok = plan.valid && errors.length === 0 && plan.blocked.length === 0;
  if (ctx.values.json === true) {
    ctx.out(
      JSON.stringify(
        { valid: ok, errors, warnings, blocked: plan.blocked, jobs: plan.changes.length },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  }
  for (const d of errors) ctx.out(`error   ${ctx.formatDiagnostic(d)}`);
  for (const d of warnings) ctx.out(`warning ${ctx.formatDiagnostic(d)}`);
  for (const b of plan.blocked) {
    ctx.out(`blocked ${b.requirement}: ${b.reason}`);
    for (const q of b.questions) ctx.out(`          ? ${q}`);
  }
  // Requirements with errors have no change and are not blocked: they count as checked too.
  const requirements = new Set([
    ...plan.changes.map((c) => c.requirement),
    ...plan.blocked.map((b) => b.requirement),
    ...errors.flatMap((d) => (d.file && !/(^|\/)\.tasks\//.test(d.file) ? [d.file] : [])),
  ]);
  ctx.out(
    `${ok ? "Valid" : "Invalid"}: ${requirements.size} requirement(s), ${plan.changes.length} job change(s) checked; ${errors.length} error(s), ${warnings.length} warning(s), ${plan.blocked.length} blocked. Nothing was written.`,
  );
  return ok ? 0 : 1;
}
