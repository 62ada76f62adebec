/** Helpers the flows share: engine options, outputs from a plan, annotations, plan summary sections. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../domain/model.js";
import type { EngineOptions, PlanResult } from "../engine/api.js";
import type { Workspace } from "../adapters/databricks/port.js";
import type { ActionDeps } from "./deps.js";
import { loadProjectConfig } from "../state/project-config.js";
import { escapeTableCell } from "../domain/markdown.js";

export async function engineOptions(deps: ActionDeps, workspace: Workspace): Promise<EngineOptions> {
  const attempt = process.env.GITHUB_RUN_ATTEMPT ? `-${process.env.GITHUB_RUN_ATTEMPT}` : "";
  return {
    repoDir: deps.context.workspace,
    jobsDir: deps.inputs.jobsDir,
    workspace,
    repo: (await loadProjectConfig(deps.context.workspace)).project ?? deps.context.repository,
    allowDelete: deps.inputs.allowDelete,
    lockWaitSeconds: deps.inputs.lockWaitSeconds,
    runId: `${deps.context.runId}${attempt}`,
    runUrl: `${deps.context.serverUrl}/${deps.context.repository}/actions/runs/${deps.context.runId}`,
    log: deps.log,
    llm: await deps.llm(),
  };
}

/** Is `file` (repo-relative) a requirement file of the jobs directory (markdown, not inside a dot-directory)? */
export function isRequirementFile(file: string, jobsDir: string): boolean {
  if (!file.startsWith(`${jobsDir}/`) || !/\.md$/i.test(file)) return false;
  return !file
    .slice(jobsDir.length + 1)
    .split("/")
    .some((part) => part.startsWith("."));
}

/**
 * Requirements to give the Tech Lead: the changed ones that still exist; undefined (all of them) when one was
 * removed, so the engine sees the removal.
 */
export function requirementsToInterpret(
  changed: string[],
  jobsDir: string,
  repoDir: string,
): string[] | undefined {
  const requirements = [...new Set(changed.filter((file) => isRequirementFile(file, jobsDir)))].sort();
  if (requirements.some((file) => !existsSync(join(repoDir, file)))) return undefined;
  return requirements;
}

export function setPlanOutputs(deps: ActionDeps, plan: PlanResult): void {
  const c = plan.counts;
  deps.outputs.set("changes", c.create + c.update + c.delete + c.run > 0);
  deps.outputs.set("to-create", c.create);
  deps.outputs.set("to-update", c.update);
  deps.outputs.set("to-delete", c.delete);
  deps.outputs.set("plan-hash", plan.planHash);
}

export function annotateAll(deps: ActionDeps, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) deps.log.annotate(d);
}

export function diagnosticsMarkdown(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return "";
  const rows = diagnostics.map((d) => {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ""}` : "";
    const cell = escapeTableCell;
    return `| ${d.severity} | \`${cell(d.code)}\` | ${cell(where)} | ${cell(d.path)} | ${cell(d.message)} | ${cell(d.fix)} |`;
  });
  return [
    "### Diagnostics",
    "",
    "| severity | code | where | field | problem | fix |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : "unknown";
}

export function branchOfRef(ref: string): string | undefined {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}
