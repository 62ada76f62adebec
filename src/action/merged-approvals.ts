/**
 * Several merges in a row. With the documented concurrency group GitHub cancels a pending run when a newer one is
 * queued, so after three quick merges the middle run never runs and the last one finds the middle pull request's
 * tasks still waiting. Every waiting task (PLANNED, FAILED, IN_PROGRESS) carries the hash of the plan that recorded
 * it — the plan shown on its pull request. This walks the default branch's first-parent history back from HEAD to
 * find the merged pull request whose approved plan comment has that hash; apply then takes every one of them.
 */
import type { ApprovedPlan } from "../adapters/github/sticky.js";
import { findApprovedPlan } from "../adapters/github/sticky.js";
import type { ActionDeps } from "./deps.js";
import { shortSha } from "./shared.js";

/** How far back (merges on the default branch) the approvals of waiting tasks are looked for. */
const MAX_MERGES = 20;
const WAITING = new Set(["PLANNED", "FAILED", "IN_PROGRESS"]);

export interface Approvals {
  /** The merged pull requests this apply covers: the pushed commit's first, then older ones, newest first. */
  pullRequests: ApprovedPlan[];
  /** Approved plan hashes (undefined: approval from the task files, as for a direct push). */
  hashes?: string[];
}

/** The plan hash a pull request approved: its target's with deployment targets, else the plan's. */
function approvedHash(approved: ApprovedPlan, target: string | undefined): string | undefined {
  return target ? approved.targets?.[target] : approved.planHash;
}

async function waitingPlanIds(deps: ActionDeps, target: string | undefined): Promise<Set<string>> {
  const status = await deps.engine.readStatus({
    repoDir: deps.context.workspace,
    jobsDir: deps.inputs.jobsDir,
    ...(target ? { target: { name: target } } : {}),
  });
  return new Set(
    status.tasks.filter((t) => WAITING.has(t.status) && t.planId).map((t) => t.planId as string),
  );
}

/**
 * Approvals of the pushed commit's pull request and of every earlier merge whose tasks still wait. With deployment
 * targets, `target` names the one applied: each pull request's approved hash for it counts.
 */
export async function collectApprovals(
  deps: ActionDeps,
  head: ApprovedPlan | undefined,
  target?: string,
): Promise<Approvals> {
  const headHash = head && approvedHash(head, target);
  if (!head || !headHash) return { pullRequests: head ? [head] : [], hashes: undefined };
  const github = deps.github;
  const found = [head];
  const hashes = [headHash];
  const missing = await waitingPlanIds(deps, target);
  missing.delete(headHash);
  if (!github || missing.size === 0) return { pullRequests: found, hashes };

  deps.log.info(`${missing.size} waiting plan(s) come from earlier merges: looking for their pull requests`);
  const commits = await deps.git.recentMerges(MAX_MERGES);
  for (const sha of commits) {
    if (missing.size === 0) break;
    if (sha === deps.context.sha) continue;
    try {
      const approved = await findApprovedPlan(github, sha, {
        jobsDir: deps.inputs.jobsDir,
        trustedAuthors: deps.inputs.botLogins,
      });
      const hash = approved && approvedHash(approved, target);
      if (!approved || !hash || !missing.has(hash)) continue;
      missing.delete(hash);
      found.push(approved);
      hashes.push(hash);
      deps.log.info(
        `merge ${shortSha(sha)}: PR #${approved.pullRequest.number} approved plan ${hash}, not applied yet`,
      );
    } catch (error) {
      deps.log.warn(`looking up the pull request of ${shortSha(sha)} failed: ${(error as Error).message}`);
      break;
    }
  }
  if (missing.size > 0)
    deps.log.warn(
      `no merged pull request approved plan(s) ${[...missing].join(", ")}: their tasks are refused as plan-changed`,
    );
  return { pullRequests: found, hashes };
}

/** "PR #51, #52 and #53" for the summary and the result comment; "" when only the pushed commit's PR is covered. */
export function coveredText(approvals: Approvals): string {
  if (approvals.pullRequests.length < 2) return "";
  const numbers = approvals.pullRequests.map((a) => a.pullRequest.number).sort((a, b) => a - b);
  const list = numbers.map((n) => `#${n}`);
  const words = list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : list[0];
  return `This apply covers the plans approved on pull requests ${words} (merged since the last apply).`;
}
