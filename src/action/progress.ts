/**
 * Records apply's progress (task states and the progress log) back in the repository: on the default branch when
 * the workflow may push there, otherwise on the state branch with a pull request the action keeps up to date
 * (auto-merge turned on where the repository allows it). A push refused anyway (a pre-receive hook, a rule the
 * token could not read) falls back to the state branch. A deployment that succeeded is never reported as failed
 * because its record went to the state branch.
 */
import { GitOperationError } from "../adapters/git/port.js";
import type { OwnPullRequest } from "../adapters/github/port.js";
import type { ActionDeps } from "./deps.js";
import { decidePush, type PushDecision } from "./progress-branch.js";
import { shortSha } from "./shared.js";

export interface ProgressOutcome {
  /** Where the states went; "nothing" when there was nothing to commit. */
  destination: "default-branch" | "state-branch" | "nothing";
  branch: string;
  sha?: string;
  /** Why the default branch was not used. */
  reason?: string;
  pullRequest?: OwnPullRequest;
  /** What became of the pull request / auto-merge, in words. */
  pullRequestNote?: string;
}

/** Run before apply changes anything: where will progress go, and read what an earlier run left on the state branch. */
export async function prepareProgress(deps: ActionDeps, branch: string): Promise<PushDecision> {
  const decision = await decidePush(deps.github, branch, deps.log);
  deps.log.info(
    decision.mayPush === "no"
      ? `progress goes to ${deps.inputs.stateBranch}: ${decision.reason}`
      : `progress goes to ${branch}, or to ${deps.inputs.stateBranch} if the push is refused (${decision.reason})`,
  );
  // Task states an earlier run recorded on the state branch (its pull request not merged yet) are read first, so
  // this run does not apply them again.
  const merged = await deps.git.mergeFromOrigin(deps.inputs.stateBranch).catch((error: unknown) => {
    deps.log.warn(`reading ${deps.inputs.stateBranch} failed: ${(error as Error).message}`);
    return "absent" as const;
  });
  if (merged === "merged") deps.log.info(`read the task states recorded on ${deps.inputs.stateBranch}`);
  if (merged === "conflict")
    deps.log.warn(
      `${deps.inputs.stateBranch} conflicts with ${branch}: its task states are not read (apply converges anyway)`,
    );
  return decision;
}

function stateBody(deps: ActionDeps, branch: string, reason: string, sha: string | undefined): string {
  return [
    `The jobagent apply of \`${shortSha(deps.context.sha)}\` recorded its task states and progress log on ` +
      `\`${deps.inputs.stateBranch}\` because it may not push to \`${branch}\`: ${reason}.`,
    "",
    `Merge this pull request to bring them into \`${branch}\`; later applies update it until it is merged. ` +
      "The Databricks jobs are already deployed: this only records what was done.",
    "",
    `Last update: \`${shortSha(sha)}\`${deps.context.runUrl ? ` from [this workflow run](${deps.context.runUrl})` : ""}.`,
  ].join("\n");
}

async function keepPullRequest(deps: ActionDeps, branch: string, reason: string, sha?: string) {
  const github = deps.github;
  const head = deps.inputs.stateBranch;
  if (!github) return { note: `no "github-token": open a pull request from \`${head}\` into \`${branch}\`` };
  const title = `jobagent: task states from ${head}`;
  const body = stateBody(deps, branch, reason, sha);
  try {
    const open = await github.findOpenPullRequest(head, branch);
    if (open) {
      await github.updatePullRequest(open.number, { title, body });
      return { pullRequest: open, note: `pull request #${open.number} updated` };
    }
    const created = await github.createPullRequest({ head, base: branch, title, body });
    try {
      if (!created.nodeId) throw new Error("GitHub returned no node id");
      await github.enableAutoMerge(created.nodeId, "MERGE");
      return { pullRequest: created, note: `pull request #${created.number} opened, auto-merge on` };
    } catch (error) {
      deps.log.info(`auto-merge not turned on: ${(error as Error).message}`);
      return {
        pullRequest: created,
        note: `pull request #${created.number} opened (merge it to record the states)`,
      };
    }
  } catch (error) {
    deps.log.warn(`keeping the pull request of ${head} failed: ${(error as Error).message}`);
    return {
      note:
        `no pull request could be opened (${(error as Error).message.split("\n")[0]}); open one from \`${head}\` ` +
        `into \`${branch}\` (the token needs \`pull-requests: write\`)`,
    };
  }
}

async function toStateBranch(
  deps: ActionDeps,
  branch: string,
  reason: string,
  push: () => Promise<{ sha?: string }>,
): Promise<ProgressOutcome> {
  const pushed = await push();
  deps.log.info(`recorded the task states on ${deps.inputs.stateBranch} (${shortSha(pushed.sha)})`);
  const kept = await keepPullRequest(deps, branch, reason, pushed.sha);
  deps.log.info(kept.note);
  return {
    destination: "state-branch",
    branch: deps.inputs.stateBranch,
    sha: pushed.sha,
    reason,
    pullRequest: kept.pullRequest,
    pullRequestNote: kept.note,
  };
}

/** Commits the task states and pushes them where the decision (and the remote) allows. */
export async function recordProgress(
  deps: ActionDeps,
  branch: string,
  decision: PushDecision,
  message: string,
): Promise<ProgressOutcome> {
  const paths = [deps.inputs.jobsDir];
  const state = deps.inputs.stateBranch;
  if (decision.mayPush === "no") {
    const pushed = await deps.git.commitAndPush({ paths, message, branch: state });
    if (!pushed.sha) return { destination: "nothing", branch: state };
    return toStateBranch(deps, branch, decision.reason, async () => pushed);
  }
  try {
    const pushed = await deps.git.commitAndPush({ paths, message, branch });
    return { destination: pushed.sha ? "default-branch" : "nothing", branch, sha: pushed.sha };
  } catch (error) {
    if (!(error instanceof GitOperationError) || error.kind !== "refused") throw error;
    const said = error.message.replace(/^origin refused the push to [^:]+: /, "").split("\n")[0];
    deps.log.warn(`${branch} refused the push (${said}); recording on ${state} instead`);
    const reason = `the remote refused the push (${said})`;
    return toStateBranch(deps, branch, reason, () => deps.git.pushHead(state));
  }
}

/** The paragraph the result comment and the job summary carry when progress went to the state branch. */
export function progressMarkdown(outcome: ProgressOutcome | undefined, defaultBranch: string): string {
  if (!outcome || outcome.destination !== "state-branch") return "";
  const pr = outcome.pullRequest;
  const link = pr ? (pr.htmlUrl ? `[#${pr.number}](${pr.htmlUrl})` : `#${pr.number}`) : "";
  return [
    `**Progress recorded on \`${outcome.branch}\`**, not \`${defaultBranch}\`: ${outcome.reason}.`,
    pr
      ? `Pull request ${link} brings the task states into \`${defaultBranch}\` (${outcome.pullRequestNote}).`
      : `${outcome.pullRequestNote ?? ""}.`,
    "The jobs above are deployed either way.",
  ].join(" ");
}
