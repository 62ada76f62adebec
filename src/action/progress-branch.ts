/**
 * May apply push its task states to the default branch? Asked before anything changes: the rulesets that apply to
 * the branch (`GET /rules/branches/{b}`, readable with `contents: read`) and its classic protection (`GET
 * /branches/{b}/protection`, which a workflow token usually may not read: 403 → unknown). When the answer is no,
 * progress goes to the state branch (./progress.ts); when it is unknown the push is tried and a refusal falls back.
 */
import type { GitHubPort } from "../adapters/github/port.js";
import type { ActionLogger } from "./report.js";

/** Ruleset rules under which a plain push of a new commit is refused. */
const BLOCKING_RULES: Record<string, string> = {
  pull_request: "changes must go through a pull request",
  required_status_checks: "status checks must pass first",
  update: "updates are restricted",
  required_signatures: "commits must be signed",
  required_deployments: "deployments must succeed first",
  merge_queue: "changes must go through the merge queue",
};

export interface PushDecision {
  /** "no": record on the state branch; "yes"/"unknown": push to the branch, falling back on a refusal. */
  mayPush: "yes" | "no" | "unknown";
  /** Why, in words (for the log, the comment and the job summary). */
  reason: string;
}

async function rulesVerdict(
  github: GitHubPort,
  branch: string,
  log: ActionLogger,
): Promise<string | undefined> {
  try {
    const rules = await github.listBranchRules(branch);
    const blocking = rules.filter((rule) => BLOCKING_RULES[rule.type]);
    if (blocking.length === 0) return undefined;
    const why = [...new Set(blocking.map((rule) => BLOCKING_RULES[rule.type]))].join(", ");
    return `a ruleset on \`${branch}\` says ${why} (${blocking.map((r) => r.type).join(", ")})`;
  } catch (error) {
    log.info(`the rulesets of ${branch} could not be read (${(error as Error).message})`);
    return undefined;
  }
}

export async function decidePush(
  github: GitHubPort | undefined,
  branch: string,
  log: ActionLogger,
): Promise<PushDecision> {
  if (!github) return { mayPush: "unknown", reason: 'no "github-token" to read the branch rules' };
  const byRules = await rulesVerdict(github, branch, log);
  if (byRules) return { mayPush: "no", reason: byRules };
  const protection = await github.getBranchProtection(branch);
  if (protection.state === "none") return { mayPush: "yes", reason: `\`${branch}\` has no blocking rule` };
  if (protection.state === "unknown") {
    return {
      mayPush: "unknown",
      reason: `the protection of \`${branch}\` is not readable with this token (HTTP ${protection.status ?? "error"})`,
    };
  }
  const why = [
    protection.requiredReviews ? "pull request reviews are required" : "",
    protection.requiredStatusChecks ? "status checks are required" : "",
  ].filter(Boolean);
  if (why.length) return { mayPush: "no", reason: `\`${branch}\` is protected: ${why.join(", ")}` };
  if (protection.pushRestrictions)
    return { mayPush: "unknown", reason: `only listed users and apps may push to \`${branch}\`` };
  return { mayPush: "yes", reason: `\`${branch}\` is protected, but not against this push` };
}
