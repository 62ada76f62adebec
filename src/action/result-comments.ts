/**
 * The apply result comment on each merged pull request the apply covered (the pushed commit's and, after several
 * merges in a row, the earlier ones whose runs were cancelled). A later run that applied nothing keeps the result.
 */
import type { ApplyResult } from "../engine/api.js";
import type { ApprovedPlan } from "../adapters/github/sticky.js";
import { findOwnComment, upsertOwnComment } from "../adapters/github/sticky.js";
import { buildApplyComment } from "./comment.js";
import type { ActionDeps } from "./deps.js";
import { withPermissionHint } from "./permissions.js";

export async function commentResults(
  deps: ActionDeps,
  pullRequests: ApprovedPlan[],
  result: ApplyResult,
  extra: string,
  target?: string,
): Promise<void> {
  const github = deps.github;
  if (!github || deps.inputs.comment === "off") return;
  const sticky = {
    kind: "apply" as const,
    jobsDir: deps.inputs.jobsDir,
    trustedAuthors: deps.inputs.botLogins,
    target,
  };
  // The state branch's own pull request (merged: this push) gets no result comment.
  for (const approved of pullRequests.filter((a) => a.pullRequest.headRef !== deps.inputs.stateBranch)) {
    const number = approved.pullRequest.number;
    try {
      await deps.log.group(`Result comment on PR #${number}`, async () => {
        // A re-run that had nothing left to do (or found another apply holding the workspace lock) keeps the
        // result of the run that applied the jobs.
        if (
          (result.ok || result.failureReason === "locked") &&
          result.results.length === 0 &&
          (await findOwnComment(github, number, sticky))
        ) {
          deps.log.info("nothing was applied in this run: the existing result comment is kept");
          return;
        }
        const posted = await upsertOwnComment(github, number, sticky, () =>
          deps.redactor.redact(
            buildApplyComment({
              result,
              jobsDir: deps.inputs.jobsDir,
              sha: deps.context.sha,
              approvedPlanHash: target ? approved.targets?.[target] : approved.planHash,
              runUrl: deps.context.runUrl,
              target,
            }) + (extra ? `\n\n${extra}` : ""),
          ),
        );
        deps.log.info(`${posted.created ? "created" : "updated"} comment ${posted.comment.id}`);
      });
    } catch (error) {
      deps.log.warn(
        withPermissionHint(
          `commenting the result on PR #${number} failed: ${(error as Error).message}`,
          error,
        ),
      );
    }
  }
}
