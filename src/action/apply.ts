/**
 * push to the default branch: Apply the merged plan. The approved plan hash comes from the merged PR's sticky
 * comment (written by the action's own identity) or, failing that, from the task files (the engine's record).
 * Task states and the progress log are committed back with `[skip ci]`; the result is commented on the merged PR.
 */
import { formatDuration } from "../domain/duration.js";
import type { ApplyResult } from "../engine/api.js";
import type { ApprovedPlan } from "../adapters/github/sticky.js";
import { findApprovedPlan } from "../adapters/github/sticky.js";
import type { ActionDeps } from "./deps.js";
import { withPermissionHint } from "./permissions.js";
import { missingCredentialsMessage } from "./databricks-auth.js";
import { ActionError, ConfigurationError } from "./errors.js";
import { branchOfRef, engineOptions, shortSha } from "./shared.js";
import { applyTarget, requireTargetWorkspace, targetEngineOptions } from "./targets.js";
import { escapeTableCell } from "../domain/markdown.js";
import { collectApprovals, coveredText } from "./merged-approvals.js";
import { commentResults } from "./result-comments.js";
import { prepareProgress, progressMarkdown, recordProgress, type ProgressOutcome } from "./progress.js";

const APPROVAL_LOOKUP_RETRIES_MS = [1000, 2000, 4000];

async function lookupApprovedPlan(deps: ActionDeps): Promise<ApprovedPlan | undefined> {
  if (!deps.github) {
    deps.log.warn('no "github-token": the approved plan is taken from the task files');
    return undefined;
  }
  try {
    const approved = await findApprovedPlan(deps.github, deps.context.sha, {
      jobsDir: deps.inputs.jobsDir,
      trustedAuthors: deps.inputs.botLogins,
      // Right after a merge GitHub may not list the pull request yet: ask again, at most ~7 s in all.
      retryDelaysMs: APPROVAL_LOOKUP_RETRIES_MS,
    });
    if (!approved)
      deps.log.info(
        `commit ${shortSha(deps.context.sha)} has no pull request: using the plan recorded in the task files`,
      );
    else if (!approved.planHash) {
      deps.log.info(
        `PR #${approved.pullRequest.number} has no approvable plan comment: using the plan recorded in the task files`,
      );
    } else {
      deps.log.info(
        `PR #${approved.pullRequest.number} approved plan ${approved.planHash} (computed on ${shortSha(approved.headSha)})`,
      );
      if (
        approved.headSha &&
        approved.pullRequest.headSha &&
        approved.headSha !== approved.pullRequest.headSha
      ) {
        deps.log.warn(
          `the plan comment was computed on ${shortSha(approved.headSha)} but the PR head was ${shortSha(approved.pullRequest.headSha)}; ` +
            "apply compares the fresh plan with it and refuses if they differ",
        );
      }
    }
    return approved;
  } catch (error) {
    deps.log.warn(
      `looking up the merged pull request failed (${(error as Error).message}); using the plan recorded in the task files`,
    );
    return undefined;
  }
}

/** The plan hash the merged PR's comment approved for one target (undefined: the task files' record decides). */
function approvedForTarget(deps: ActionDeps, approved: ApprovedPlan | undefined, name: string) {
  const hash = approved?.targets?.[name];
  if (approved && !hash)
    deps.log.info(
      `PR #${approved.pullRequest.number} shows no approvable plan for target ${name}: using the plan recorded in the task files`,
    );
  else if (hash) deps.log.info(`target ${name}: approved plan ${hash}`);
  return hash;
}

function applySummary(
  result: ApplyResult,
  deps: ActionDeps,
  approved: ApprovedPlan | undefined,
  target?: string,
): string {
  const rows = result.results.map((r) => {
    const job = r.jobUrl ? `[${r.jobName}](${r.jobUrl})` : r.jobName;
    const run = r.run
      ? `${r.run.url ? `[${r.run.runId}](${r.run.url})` : r.run.runId} ${r.run.result ?? ""}${r.run.durationMs !== undefined ? ` in ${formatDuration(r.run.durationMs)}` : ""}`
      : "";
    const cell = escapeTableCell;
    const deleted = r.duplicatesDeleted ? `deleted duplicate job(s) ${r.duplicatesDeleted.join(", ")}` : "";
    const detail = [deleted, r.error ?? ""].filter(Boolean).join("; ");
    return `| ${r.status} | ${r.op} | ${cell(job)} | ${r.jobId ?? ""} | ${cell(run)} | ${cell(detail)} |`;
  });
  // Tasks the apply left (blocked, or a change no recorded plan approved) are rows of their own.
  const listed = new Set(result.results.map((r) => r.taskId));
  for (const t of [
    ...(result.blocked ?? []).filter((b) => !listed.has(b.taskId)).map((b) => ({ ...b, status: "BLOCKED" })),
    ...(result.notApplied ?? []).map((n) => ({ ...n, status: "NOT APPLIED" })),
  ])
    rows.push(
      `| ${t.status} | ${t.op} | ${escapeTableCell(t.jobName)} | ${t.jobId ?? ""} |  | ${escapeTableCell(t.reason)} |`,
    );
  const heading = !result.ok
    ? `Apply failed (${result.failureReason ?? "apply-failed"})`
    : result.complete === false
      ? "Applied in part"
      : "Applied";
  return [
    `## ${heading}: \`${deps.inputs.jobsDir}\`${target ? ` → target \`${target}\`` : ""}`,
    `Commit \`${shortSha(deps.context.sha)}\` · plan \`${result.planHash}\`` +
      (approved?.planHash
        ? ` · approved \`${approved.planHash}\` on PR #${approved.pullRequest.number}`
        : " · approval from the task files"),
    result.message ?? "",
    rows.length
      ? ["| status | op | job | job id | run | error |", "|---|---|---|---:|---|---|", ...rows].join("\n")
      : "No job was changed.",
  ]
    .filter(Boolean)
    .join("\n\n");
}

export async function runApplyFlow(
  deps: ActionDeps,
  options: { requireDefaultBranch: boolean },
): Promise<void> {
  if (deps.context.pullRequest?.fromFork) {
    throw new ConfigurationError("apply never runs for a pull request from a fork");
  }
  const branch = branchOfRef(deps.context.ref);
  if (!branch) {
    throw new ConfigurationError(
      `apply needs a branch ref, found GITHUB_REF "${deps.context.ref}"; run it on a push to the default branch`,
    );
  }
  if (options.requireDefaultBranch && deps.context.defaultBranch && branch !== deps.context.defaultBranch) {
    deps.log.info(
      `push to ${branch}, not the default branch ${deps.context.defaultBranch}: nothing to apply`,
    );
    deps.summary.add(`### jobagent\n\nPush to \`${branch}\` (not the default branch): nothing to apply.`);
    return;
  }
  // With deployment targets: the `target` input, else the first target in the promotion order (apply on merge).
  const target = await applyTarget(deps);
  const workspace = target ? await requireTargetWorkspace(deps, target) : await deps.workspace();
  if (!workspace) {
    throw new ConfigurationError(
      missingCredentialsMessage(deps.inputs.databricksHost, "nothing was applied"),
    );
  }

  const approved = await deps.log.group("Approved plan", () => lookupApprovedPlan(deps));
  if (target)
    deps.log.info(`target ${target.name}${target.environment ? ` (environment ${target.environment})` : ""}`);
  if (deps.inputs.commitProgress) {
    // An earlier run (serialised before this one) may have pushed task states after this commit was made.
    const taken = await deps.git.fastForwardOverOwnCommits(branch).catch((error: unknown) => {
      deps.log.warn(`could not catch up with ${branch}: ${(error as Error).message}`);
      return 0;
    });
    if (taken > 0) deps.log.info(`took ${taken} task-state commit(s) of earlier runs from origin/${branch}`);
  }
  const base = await engineOptions(deps, workspace);
  const engineOpts = target ? await targetEngineOptions(deps, base, target) : base;
  const approvedPlanHash = target ? approvedForTarget(deps, approved, target.name) : approved?.planHash;
  // Before anything changes: may this run push its task states to the branch, or do they go to the state branch?
  const decision = deps.inputs.commitProgress
    ? await deps.log.group("Where progress is recorded", () => prepareProgress(deps, branch))
    : undefined;
  const approvals = await deps.log.group("Pull requests this apply covers", () =>
    collectApprovals(deps, approved, target?.name).catch((error: unknown) => {
      deps.log.warn(`looking for earlier merges failed: ${(error as Error).message}`);
      return {
        pullRequests: approved ? [approved] : [],
        hashes: approvedPlanHash ? [approvedPlanHash] : undefined,
      };
    }),
  );
  const result = await deps.engine.runApply(engineOpts, {
    approvedPlanHash,
    approvedPlanHashes: approvals.hashes,
    onPlanChange: deps.inputs.onPlanChange,
    runWaitSeconds: deps.inputs.runWaitSeconds,
  });
  const count = (op: string) => result.results.filter((r) => r.op === op && r.status === "COMPLETE").length;
  deps.outputs.set(
    "changes",
    result.results.some((r) => r.op !== "no-op" && r.status === "COMPLETE"),
  );
  deps.outputs.set("to-create", count("create"));
  deps.outputs.set("to-update", count("update"));
  deps.outputs.set("to-delete", count("delete"));
  deps.outputs.set("plan-hash", result.planHash);
  if (target) {
    deps.outputs.set("target", target.name);
    deps.outputs.set("plan-hashes", JSON.stringify({ [target.name]: result.planHash }));
  }
  deps.summary.add(applySummary(result, deps, approved, target?.name));
  if (coveredText(approvals)) deps.summary.add(coveredText(approvals));

  let pushError: unknown;
  let progress: ProgressOutcome | undefined;
  if (decision) {
    try {
      progress = await deps.log.group(`Commit task states and progress`, () =>
        recordProgress(
          deps,
          branch,
          decision,
          `jobagent: ${result.ok ? "applied" : "apply failed for"} plan ${result.planHash}${target ? ` to ${target.name}` : ""} [skip ci]`,
        ),
      );
      if (progress.destination === "default-branch")
        deps.log.info(`pushed ${shortSha(progress.sha)} to ${branch}`);
      if (progress.destination === "nothing") deps.log.info("nothing to commit");
    } catch (error) {
      pushError = error;
      deps.log.error(
        withPermissionHint(`committing the task states failed: ${(error as Error).message}`, error),
      );
    }
  }
  const progressNote = progressMarkdown(progress, branch);
  if (progressNote) deps.summary.add(progressNote);

  const extra = [coveredText(approvals), progressNote].filter(Boolean).join("\n\n");
  await commentResults(deps, approvals.pullRequests, result, extra, target?.name);

  if (!result.ok) {
    throw new ActionError(
      result.failureReason ?? "apply-failed",
      result.message ?? "apply failed; see the job summary",
    );
  }
  if (pushError) {
    throw new ActionError(
      "git-push-failed",
      `the jobs were applied but their task states could not be committed: ${(pushError as Error).message}; ` +
        "re-run the workflow: apply converges and commits the states",
    );
  }
}
