/**
 * pull_request: Tech Lead on the changed requirements → task files committed to the PR head branch → Validate +
 * Plan → one sticky comment (updated in place, carrying the plan hash), annotations, outputs, job summary.
 * Fork PRs: planned without writing anything (no push; the comment is attempted, the read-only token may refuse).
 */
import { GitHubApiError } from "../adapters/github/port.js";
import { findOwnComment, upsertOwnComment, type StickyOptions } from "../adapters/github/sticky.js";
import type { PlanResult } from "../engine/api.js";
import { buildOutdatedComment, buildPlanComment } from "./comment.js";
import type { PullRequestContext } from "./context.js";
import type { ActionDeps } from "./deps.js";
import { missingCredentialsMessage } from "./databricks-auth.js";
import { ActionError, ConfigurationError } from "./errors.js";
import {
  annotateAll,
  diagnosticsMarkdown,
  engineOptions,
  isRequirementFile,
  requirementsToInterpret,
  setPlanOutputs,
  shortSha,
} from "./shared.js";
import { declaredTargets } from "./targets.js";
import { CONFIG_FILE } from "../state/project-config.js";
import { runTargetsPlanFlow } from "./targets-pr.js";
import { checkPushTrigger } from "./workflow-check.js";

/** Size of the plan rendered for the job summary and the log (GitHub caps a step summary at 1 MiB). */
const FULL_PLAN_CHARS = 900_000;

export const PLANNED_PR_ACTIONS = ["opened", "synchronize", "reopened"];

/** Files the PR changes: from the API (works with shallow clones), else from git against the base commit. */
/** GitHub's list of a pull request's files stops at this many, silently. */
const PR_FILES_LIMIT = 3000;

export async function changedFiles(deps: ActionDeps, pr: PullRequestContext): Promise<string[]> {
  if (deps.github) {
    try {
      const files = await deps.github.listPullRequestFiles(pr.number);
      const listed = files.flatMap((f) =>
        f.previousFilename ? [f.filename, f.previousFilename] : [f.filename],
      );
      if (files.length < PR_FILES_LIMIT) return listed;
      deps.log.info(`GitHub lists at most ${PR_FILES_LIMIT} files of a pull request: using git diff`);
      return await deps.git.changedFilesSince(pr.baseSha).catch((error: unknown) => {
        deps.log.warn(
          `git diff failed (${(error as Error).message}); using the first ${PR_FILES_LIMIT} files`,
        );
        return listed;
      });
    } catch (error) {
      deps.log.warn(
        `listing the PR's files through the API failed (${(error as Error).message}); using git diff`,
      );
    }
  }
  return deps.git.changedFilesSince(pr.baseSha);
}

function stickyOptions(deps: ActionDeps): StickyOptions {
  return { kind: "plan", jobsDir: deps.inputs.jobsDir, trustedAuthors: deps.inputs.botLogins };
}

export interface PullRequestFlowOptions {
  /** Only run the Tech Lead and commit (mode tech-lead). */
  techLeadOnly?: boolean;
  /** Ignore the PR action / touched files filter (explicit mode). */
  force?: boolean;
}

export async function runPullRequestFlow(
  deps: ActionDeps,
  options: PullRequestFlowOptions = {},
): Promise<void> {
  const pr = deps.context.pullRequest;
  if (!pr) throw new ConfigurationError(`event "${deps.context.eventName}" carries no pull request`);
  const { jobsDir } = deps.inputs;

  if (!options.force && !PLANNED_PR_ACTIONS.includes(pr.action)) {
    deps.log.info(
      `pull_request "${pr.action}": nothing to plan (only ${PLANNED_PR_ACTIONS.join(", ")} are planned)`,
    );
    deps.summary.add(`### jobagent\n\nPull request #${pr.number} was ${pr.action}: nothing to plan.`);
    return;
  }

  const changed = await deps.log.group("Changed files", async () => {
    const files = await changedFiles(deps, pr);
    deps.log.info(
      `${files.length} changed file(s); ${files.filter((f) => f.startsWith(`${jobsDir}/`)).length} under ${jobsDir}/`,
    );
    return files;
  });
  // jobagent.yml holds the targets' overrides: a change to it changes plans too.
  if (!options.force && !changed.some((file) => file.startsWith(`${jobsDir}/`) || file === CONFIG_FILE)) {
    deps.log.info(`the pull request does not touch ${jobsDir}/: nothing to plan`);
    deps.summary.add(
      `### jobagent\n\nPull request #${pr.number} does not change \`${jobsDir}/\`: nothing to plan.`,
    );
    return;
  }

  const targets = await declaredTargets(deps);
  if (targets) {
    // Deployment targets (jobagent.yml `targets:`): one plan per target, one comment section per target.
    const policy = pushPolicy(deps, pr);
    if (policy.canPush) await assertHeadCheckout(deps, pr);
    return runTargetsPlanFlow(deps, {
      pr,
      changed,
      targets,
      ...policy,
      techLeadOnly: options.techLeadOnly ?? false,
      sticky: stickyOptions(deps),
      fullPlanChars: FULL_PLAN_CHARS,
      markOutdated: (error) => markPlanOutdated(deps, pr, error),
    });
  }

  const workspace = await deps.workspace();
  if (!workspace) {
    if (pr.fromFork) {
      const note =
        "This pull request comes from a fork: GitHub gives it no secrets, so it was not planned against the workspace. " +
        "A maintainer can review the requirement and re-run the plan from a branch of this repository.";
      deps.log.warn(note);
      deps.summary.add(`### jobagent: plan skipped\n\n${note}`);
      return;
    }
    throw new ConfigurationError(
      missingCredentialsMessage(deps.inputs.databricksHost, "nothing was planned and nothing was committed"),
    );
  }
  const { canPush, notes } = pushPolicy(deps, pr);
  if (canPush) await assertHeadCheckout(deps, pr);
  const engineOpts = await engineOptions(deps, workspace);
  let plan: PlanResult | undefined;
  try {
    const requirements = requirementsToInterpret(changed, jobsDir, deps.context.workspace);
    const interpreted = requirements === undefined || requirements.length > 0;
    if (interpreted) {
      deps.log.info(
        `Tech Lead on ${requirements ? requirements.join(", ") : "every requirement (one was removed)"}`,
      );
      const techLead = await deps.engine.runTechLead(engineOpts, requirements);
      deps.log.info(`${techLead.written.length} task file(s) written`);
      annotateAll(deps, techLead.diagnostics);
    } else {
      deps.log.info(
        `no requirement file changed (${changed.filter((f) => isRequirementFile(f, jobsDir)).length}); Tech Lead skipped`,
      );
    }

    if (!options.techLeadOnly) {
      plan = await deps.engine.runPlan(engineOpts, { record: canPush });
      annotateAll(deps, plan.diagnostics);
      setPlanOutputs(deps, plan);
    }

    let headSha = await deps.git.headSha().catch(() => pr.headSha);
    // A plan that failed validation is not recorded on the branch: the next push re-plans from the requirements.
    const failedValidation = plan !== undefined && !plan.valid;
    if (canPush && failedValidation) {
      deps.log.info("validation failed: task files are not committed to the branch");
      notes.push(
        "Validation failed: task files were not committed to the branch (fix the requirement and push).",
      );
    }
    if (canPush && !failedValidation) {
      const pushed = await deps.log.group(`Commit task files to ${pr.headRef}`, () =>
        deps.git.commitAndPush({
          paths: [jobsDir],
          message: plan
            ? `jobagent: task files for plan ${plan.planHash}`
            : `jobagent: task files for ${requirements?.length ?? "all"} requirement(s)`,
          branch: pr.headRef,
        }),
      );
      if (pushed.sha) {
        headSha = pushed.sha;
        deps.log.info(`pushed ${shortSha(pushed.sha)} to ${pr.headRef} (${pushed.attempts} attempt(s))`);
      } else {
        deps.log.info("task files unchanged: nothing to commit");
      }
    }

    if (!plan) return;
    const planned = plan;
    const comment = buildPlanComment({
      plan: planned,
      jobsDir,
      headSha,
      runUrl: deps.context.runUrl,
      notes,
      render: deps.render,
    });
    // The job summary holds the whole plan (GitHub allows 1 MiB), the comment only what fits.
    const fullPlan = deps.render
      ? deps.render(planned, { maxChars: FULL_PLAN_CHARS }).markdown
      : planned.markdown;
    deps.summary.add(
      [
        `## Databricks jobs plan for \`${jobsDir}\` (PR #${pr.number})`,
        `Plan \`${planned.planHash}\` on \`${shortSha(headSha)}\``,
        comment.truncated ? "**The PR comment was truncated; this is the full plan.**" : "",
        fullPlan,
        diagnosticsMarkdown(planned.diagnostics),
      ]
        .filter(Boolean)
        .join("\n\n"),
    );
    if (comment.truncated) {
      await deps.log.group("Full plan (the PR comment was truncated)", async () => deps.log.info(fullPlan));
    }
    await postPlanComment(deps, pr, headSha, planned, notes);

    if (!planned.valid) {
      const errors = planned.diagnostics.filter((d) => d.severity === "error").length;
      throw new ActionError(
        "validation-failed",
        `validation failed: ${errors} error(s); see the annotations and the PR comment`,
      );
    }
  } catch (error) {
    if (!(error instanceof ActionError && error.reason === "validation-failed"))
      await markPlanOutdated(deps, pr, error);
    throw error;
  }
}

/**
 * Whether the run commits task files to the PR branch, and the warnings the comment shows: when it does not, and
 * when the workflow's `on: push` filter would not run the apply on the merge (./workflow-check.ts).
 */
function pushPolicy(deps: ActionDeps, pr: PullRequestContext): { canPush: boolean; notes: string[] } {
  const canPush = !pr.fromFork && deps.inputs.commitProgress;
  const notes: string[] = checkPushTrigger({
    workflowRef: deps.context.workflowRef,
    repository: deps.context.repository,
    checkout: deps.context.workspace,
    defaultBranch: deps.context.defaultBranch,
    jobsDir: deps.inputs.jobsDir,
  });
  for (const note of notes) deps.log.warn(note);
  if (pr.fromFork)
    notes.push(
      "Pull request from a fork: task files were not committed and this plan can never be applied from the fork.",
    );
  else if (!deps.inputs.commitProgress)
    notes.push("`commit-progress: false`: task files were not committed to the branch.");
  return { canPush, notes };
}

/**
 * The task-file commit goes to the PR's head branch, so HEAD must be on it: a checkout of the merge ref
 * (refs/pull/N/merge, actions/checkout's default for pull_request) would push the synthetic merge commit and base
 * commits to the branch. Refuses before anything is written.
 */
async function assertHeadCheckout(deps: ActionDeps, pr: PullRequestContext): Promise<void> {
  const head = await deps.git.headSha();
  if (head === pr.headSha) return;
  if (await deps.git.headIsOnBranch(pr.headRef).catch(() => false)) return;
  throw new ConfigurationError(
    `the checkout (HEAD ${shortSha(head)}) is not the pull request's head branch "${pr.headRef}" (head ${shortSha(pr.headSha)}); ` +
      "it looks like the merge ref refs/pull/" +
      `${pr.number}/merge. Check out the head branch: actions/checkout with \`ref: \${{ github.head_ref }}\` and \`fetch-depth: 0\`. Nothing was committed.`,
  );
}

async function postPlanComment(
  deps: ActionDeps,
  pr: PullRequestContext,
  headSha: string,
  plan: PlanResult,
  notes: string[],
): Promise<void> {
  if (deps.inputs.comment === "off") return;
  if (!deps.github) {
    deps.log.warn('no "github-token": the plan is in the job summary only');
    return;
  }
  const github = deps.github;
  try {
    await deps.log.group("Plan comment", async () => {
      const result = await upsertOwnComment(github, pr.number, stickyOptions(deps), (previous) =>
        deps.redactor.redact(
          buildPlanComment({
            plan,
            jobsDir: deps.inputs.jobsDir,
            headSha,
            previous,
            runUrl: deps.context.runUrl,
            notes,
            render: deps.render,
          }).body,
        ),
      );
      deps.log.info(
        `${result.created ? "created" : "updated"} comment ${result.comment.id}${result.comment.htmlUrl ? ` (${result.comment.htmlUrl})` : ""}`,
      );
    });
  } catch (error) {
    if (pr.fromFork && error instanceof GitHubApiError && (error.status === 403 || error.status === 404)) {
      deps.log.warn("the fork's read-only token cannot comment; the plan is in the job summary");
      return;
    }
    throw error;
  }
}

/** After a failed run the sticky plan no longer matches the branch: strike it and drop its plan hash. */
async function markPlanOutdated(deps: ActionDeps, pr: PullRequestContext, error: unknown): Promise<void> {
  if (!deps.github || deps.inputs.comment === "off" || pr.fromFork) return;
  try {
    const own = await findOwnComment(deps.github, pr.number, stickyOptions(deps));
    if (!own || !own.marker.planHash) return;
    const reason = error instanceof ActionError ? error.reason : "error";
    const headSha = await deps.git.headSha().catch(() => pr.headSha);
    await deps.github.updateIssueComment(
      own.comment.id,
      deps.redactor.redact(
        buildOutdatedComment(own.comment.body, {
          jobsDir: deps.inputs.jobsDir,
          headSha,
          reason,
          runUrl: deps.context.runUrl,
        }),
      ),
    );
    deps.log.warn(`marked the plan comment ${own.comment.id} outdated`);
  } catch (markError) {
    deps.log.warn(`could not mark the plan comment outdated: ${(markError as Error).message}`);
  }
}
