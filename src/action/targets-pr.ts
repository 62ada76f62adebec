/**
 * pull_request with deployment targets: the Tech Lead and the plan run once per target (promotion order), each
 * against the target's own workspace with its overrides and mode; task files (and the recorded plan hash) land in
 * `<jobs>/.tasks/<target>/` and are committed once; one sticky comment shows a section and a plan hash per target.
 */
import { upsertOwnComment, type StickyOptions } from "../adapters/github/sticky.js";
import type { PlanResult } from "../engine/api.js";
import type { TargetConfig } from "../state/targets-config.js";
import { FileTaskStore } from "../state/task-store.js";
import type { PullRequestContext } from "./context.js";
import type { ActionDeps } from "./deps.js";
import { ActionError, ConfigurationError } from "./errors.js";
import {
  annotateAll,
  diagnosticsMarkdown,
  engineOptions,
  requirementsToInterpret,
  shortSha,
} from "./shared.js";
import {
  buildTargetsPlanComment,
  combinedPlanHash,
  targetHashes,
  type TargetPlanSection,
} from "./targets-comment.js";
import { missingCredentials, targetCredentials, targetEngineOptions } from "./targets.js";

export interface TargetsPlanRequest {
  pr: PullRequestContext;
  changed: string[];
  targets: TargetConfig[];
  canPush: boolean;
  notes: string[];
  techLeadOnly: boolean;
  sticky: StickyOptions;
  fullPlanChars: number;
  markOutdated(error: unknown): Promise<void>;
}

/** Tech Lead (+ plan) of one target; a section saying why when the target has no credentials. */
async function planTarget(
  deps: ActionDeps,
  request: TargetsPlanRequest,
  config: TargetConfig,
): Promise<TargetPlanSection> {
  const section: TargetPlanSection = { name: config.name, environment: config.environment };
  const workspace = await deps.targetWorkspace(config);
  if (!workspace) {
    section.skipped = `Not planned: ${missingCredentials(config)}. Nothing can be promoted to this target until a plan is approved for it.`;
    deps.log.warn(`target ${config.name}: ${missingCredentials(config)}`);
    return section;
  }
  const options = await targetEngineOptions(deps, await engineOptions(deps, workspace), config);
  const host = targetCredentials(config, deps.inputs, process.env)?.host;
  if (deps.renderFor) section.render = deps.renderFor(host);
  await deps.log.group(`Target ${config.name}`, async () => {
    const requirements = requirementsToInterpret(
      request.changed,
      deps.inputs.jobsDir,
      deps.context.workspace,
    );
    if (requirements === undefined || requirements.length > 0) {
      const techLead = await deps.engine.runTechLead(options, requirements);
      deps.log.info(`target ${config.name}: ${techLead.written.length} task file(s) written`);
      annotateAll(deps, techLead.diagnostics);
    }
    if (request.techLeadOnly) return;
    section.plan = await deps.engine.runPlan(options, { record: request.canPush });
    annotateAll(deps, section.plan.diagnostics);
    deps.log.info(`target ${config.name}: plan ${section.plan.planHash}`);
  });
  return section;
}

function setOutputs(deps: ActionDeps, sections: TargetPlanSection[]): void {
  const plans = sections.flatMap((s) => (s.plan ? [s.plan] : []));
  const sum = (key: keyof PlanResult["counts"]) => plans.reduce((n, p) => n + p.counts[key], 0);
  deps.outputs.set("changes", sum("create") + sum("update") + sum("delete") + sum("run") > 0);
  deps.outputs.set("to-create", sum("create"));
  deps.outputs.set("to-update", sum("update"));
  deps.outputs.set("to-delete", sum("delete"));
  deps.outputs.set("plan-hash", combinedPlanHash(sections) ?? "");
  deps.outputs.set("plan-hashes", JSON.stringify(targetHashes(sections)));
}

function summaryOf(
  deps: ActionDeps,
  request: TargetsPlanRequest,
  sections: TargetPlanSection[],
  headSha: string,
) {
  const parts = [
    `## Databricks jobs plan for \`${deps.inputs.jobsDir}\` (PR #${request.pr.number}), ${sections.length} target(s)`,
    `Plan \`${combinedPlanHash(sections) ?? "not approvable"}\` on \`${shortSha(headSha)}\``,
  ];
  for (const s of sections) {
    parts.push(`### Target \`${s.name}\`${s.plan ? ` — plan \`${s.plan.planHash}\`` : ""}`);
    if (!s.plan) parts.push(s.skipped ?? "Not planned.");
    else {
      const full = s.render
        ? s.render(s.plan, { maxChars: request.fullPlanChars }).markdown
        : s.plan.markdown;
      parts.push(full, diagnosticsMarkdown(s.plan.diagnostics));
    }
  }
  return parts.filter(Boolean).join("\n\n");
}

async function commitTaskFiles(deps: ActionDeps, request: TargetsPlanRequest, sections: TargetPlanSection[]) {
  const fallback = await deps.git.headSha().catch(() => request.pr.headSha);
  if (!request.canPush) return fallback;
  const hashes = Object.entries(targetHashes(sections)).map(([name, hash]) => `${name} ${hash}`);
  const pushed = await deps.log.group(`Commit task files to ${request.pr.headRef}`, () =>
    deps.git.commitAndPush({
      paths: [deps.inputs.jobsDir],
      message: `jobagent: task files for ${hashes.length ? `plans ${hashes.join(", ")}` : `${sections.length} target(s)`}`,
      branch: request.pr.headRef,
    }),
  );
  if (!pushed.sha) return fallback;
  deps.log.info(`pushed ${shortSha(pushed.sha)} to ${request.pr.headRef} (${pushed.attempts} attempt(s))`);
  return pushed.sha;
}

async function postComment(
  deps: ActionDeps,
  request: TargetsPlanRequest,
  sections: TargetPlanSection[],
  headSha: string,
) {
  if (deps.inputs.comment === "off") return;
  if (!deps.github) return deps.log.warn('no "github-token": the plan is in the job summary only');
  const github = deps.github;
  await deps.log.group("Plan comment", async () => {
    const result = await upsertOwnComment(github, request.pr.number, request.sticky, (previous) =>
      deps.redactor.redact(
        buildTargetsPlanComment({
          sections,
          jobsDir: deps.inputs.jobsDir,
          headSha,
          previous,
          runUrl: deps.context.runUrl,
          notes: request.notes,
        }).body,
      ),
    );
    deps.log.info(`${result.created ? "created" : "updated"} comment ${result.comment.id}`);
  });
}

/**
 * Jobs applied before the project declared targets are recorded in `.tasks/` under `<project>`: no target manages
 * them and the first target would create new jobs next to them. Says how to move them.
 */
async function legacyJobsNote(deps: ActionDeps, first: string): Promise<string | undefined> {
  const store = new FileTaskStore(deps.context.workspace, deps.inputs.jobsDir);
  const recorded = (await store.list()).tasks.filter((t) => t.job_id !== undefined);
  if (recorded.length === 0) return undefined;
  return (
    `\`${deps.inputs.jobsDir}/.tasks/\` records ${recorded.length} job(s) applied before \`targets:\` were declared; no ` +
    `target manages them, so \`${first}\` plans new jobs next to them. Move them into \`${first}\` first: ` +
    `\`jobagent migrate-targets --target ${first} --yes\` (with that target's credentials), commit \`${deps.inputs.jobsDir}/.tasks/\` and push.`
  );
}

export async function runTargetsPlanFlow(deps: ActionDeps, request: TargetsPlanRequest): Promise<void> {
  const legacy = await legacyJobsNote(deps, request.targets[0]!.name);
  if (legacy) {
    deps.log.warn(legacy);
    request.notes.push(legacy);
  }
  try {
    const sections: TargetPlanSection[] = [];
    for (const config of request.targets) sections.push(await planTarget(deps, request, config));
    if (sections.every((s) => s.skipped)) {
      if (request.pr.fromFork) {
        deps.summary.add(
          "### jobagent: plan skipped\n\nThis pull request comes from a fork: GitHub gives it no secrets, so no target was planned.",
        );
        return;
      }
      throw new ConfigurationError(
        sections.map((s) => missingCredentials(request.targets.find((t) => t.name === s.name)!)).join("; "),
      );
    }
    if (!request.techLeadOnly) setOutputs(deps, sections);
    const headSha = await commitTaskFiles(deps, request, sections);
    if (request.techLeadOnly) return;
    deps.summary.add(summaryOf(deps, request, sections, headSha));
    await postComment(deps, request, sections, headSha);
    const invalid = sections.filter((s) => s.plan && !s.plan.valid);
    if (invalid.length > 0)
      throw new ActionError(
        "validation-failed",
        `validation failed for target(s) ${invalid.map((s) => s.name).join(", ")}; see the annotations and the PR comment`,
      );
  } catch (error) {
    if (!(error instanceof ActionError && error.reason === "validation-failed"))
      await request.markOutdated(error);
    throw error;
  }
}
