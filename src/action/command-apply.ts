/**
 * `/jobagent apply` after its checks passed (commands.ts): apply the plan approved on this pull request's sticky
 * comment from the pull request's head, commit the task states to the head branch, and answer with the result.
 * The merge later re-plans and finds nothing left to do.
 */
import { findOwnComment } from "../adapters/github/sticky.js";
import type { GitHubPort, PullRequestDetails } from "../adapters/github/port.js";
import { buildApplyComment } from "./comment.js";
import type { ActionDeps } from "./deps.js";
import { ConfigurationError, type ActionFailureReason } from "./errors.js";
import { engineOptions, shortSha } from "./shared.js";

/** Outcome of one comment command, answered in the sticky command comment. */
export interface CommandAnswer {
  ok: boolean;
  /** Markdown shown under the heading. */
  text: string;
  /** The step fails with this reason after answering (a refusal is an answer, not a failure). */
  failure?: ActionFailureReason;
}

export async function runApplyForPullRequest(
  deps: ActionDeps,
  github: GitHubPort,
  pr: PullRequestDetails,
): Promise<CommandAnswer> {
  const own = await findOwnComment(github, pr.number, {
    kind: "plan",
    jobsDir: deps.inputs.jobsDir,
    trustedAuthors: deps.inputs.botLogins,
  });
  if (!own?.marker.planHash) {
    return {
      ok: false,
      text: "⛔ **Refused:** this pull request has no approvable plan comment; comment `/jobagent plan` first.",
    };
  }
  const head = deps.context.pullRequest?.headSha;
  if (own.marker.headSha && head && own.marker.headSha !== head) {
    return {
      ok: false,
      text: `⛔ **Refused:** the plan comment was computed on ${shortSha(own.marker.headSha)} but the branch is at ${shortSha(head)}; comment \`/jobagent plan\`, review, then apply.`,
    };
  }
  const workspace = await deps.workspace();
  if (!workspace) throw new ConfigurationError("no Databricks credentials: cannot apply");
  const result = await deps.engine.runApply(await engineOptions(deps, workspace), {
    approvedPlanHash: own.marker.planHash,
    onPlanChange: "fail",
    runWaitSeconds: deps.inputs.runWaitSeconds,
  });
  deps.outputs.set("plan-hash", result.planHash);
  if (deps.inputs.commitProgress && pr.headRef) {
    const pushed = await deps.git.commitAndPush({
      paths: [deps.inputs.jobsDir],
      message: `jobagent: ${result.ok ? "applied" : "apply failed for"} plan ${result.planHash} from a comment`,
      branch: pr.headRef,
    });
    if (pushed.sha) deps.log.info(`pushed ${shortSha(pushed.sha)} to ${pr.headRef}`);
  }
  const body = buildApplyComment({
    result,
    jobsDir: deps.inputs.jobsDir,
    sha: head ?? "",
    approvedPlanHash: own.marker.planHash,
    runUrl: deps.context.runUrl,
    maxChars: 40_000,
  });
  // The apply comment's own marker line is dropped: the answer carries the command marker.
  const text = body.slice(body.indexOf("\n") + 1);
  return { ok: result.ok, text, failure: result.ok ? undefined : (result.failureReason ?? "apply-failed") };
}
