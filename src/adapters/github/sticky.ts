/**
 * The action's own PR comments: found by a hidden marker on the first line AND an author the action trusts
 * (its own bot identity), paging through every comment. Comments of people — even ones quoting the marker — are
 * never updated and never trusted for approval.
 */
import type { GitHubPort, IssueComment, PullRequestRef } from "./port.js";

/** The bot login of GITHUB_TOKEN. Another token (a GitHub App's) is configured with the `bot-login` input. */
export const GITHUB_ACTIONS_BOT = "github-actions[bot]";

/** plan: the sticky plan; apply: the result of an apply; command: the answer to the latest `/jobagent` command. */
export type MarkerKind = "plan" | "apply" | "command";

/** What the hidden header of one of the action's comments records. */
export interface CommentMarker {
  kind: MarkerKind;
  /** Jobs directory the comment is about (one sticky comment per jobs directory). */
  jobsDir: string;
  /** Hash of the plan shown; absent when the comment shows no approvable plan (failed run, outdated, invalid). */
  planHash?: string;
  /** Commit the plan was computed on. */
  headSha?: string;
  /** Deployment targets (jobagent.yml `targets:`): the approvable plan hash of each target planned (`target.NAME=`). */
  targets?: Record<string, string>;
  /** The one target an apply result is about (`target=NAME`); one result comment per target. */
  target?: string;
}

const MARKER_RE = /^<!-- jobagent:(plan|apply|command) ([^\n]*?) -->/;
const VALUE_RE = /^[A-Za-z0-9._%-]+$/;

export function formatMarker(marker: CommentMarker): string {
  const fields: string[] = [`jobs-dir=${encodeURIComponent(marker.jobsDir)}`];
  if (marker.planHash) fields.push(`plan-hash=${marker.planHash}`);
  if (marker.headSha) fields.push(`head=${marker.headSha}`);
  if (marker.target) fields.push(`target=${marker.target}`);
  for (const [name, hash] of Object.entries(marker.targets ?? {})) fields.push(`target.${name}=${hash}`);
  for (const field of fields) {
    const value = field.slice(field.indexOf("=") + 1);
    if (!VALUE_RE.test(value))
      throw new Error(`comment marker field ${field} contains characters a marker cannot carry`);
  }
  return `<!-- jobagent:${marker.kind} ${fields.join(" ")} -->`;
}

/** The marker on the first line of `body`; undefined when the body does not start with one. */
export function parseMarker(body: string): CommentMarker | undefined {
  const match = MARKER_RE.exec(body);
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[2].split(" ")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const jobsDir = fields.get("jobs-dir");
  if (jobsDir === undefined) return undefined;
  const marker: CommentMarker = {
    kind: match[1] as MarkerKind,
    jobsDir: decodeURIComponent(jobsDir),
    planHash: fields.get("plan-hash") || undefined,
    headSha: fields.get("head") || undefined,
  };
  const targets = [...fields].filter(([key, value]) => key.startsWith("target.") && value);
  if (targets.length) marker.targets = Object.fromEntries(targets.map(([k, v]) => [k.slice(7), v]));
  if (fields.get("target")) marker.target = fields.get("target");
  return marker;
}

export interface StickyOptions {
  kind: MarkerKind;
  jobsDir: string;
  /** Logins whose comments the action owns (default: github-actions[bot]). */
  trustedAuthors: readonly string[];
  /** The deployment target of an apply result comment (one per target); undefined without targets. */
  target?: string;
}

export interface OwnComment {
  comment: IssueComment;
  marker: CommentMarker;
}

/** The action's comment of this kind and jobs directory on an issue/PR (the oldest one if several). */
export async function findOwnComment(
  github: GitHubPort,
  issueNumber: number,
  options: StickyOptions,
): Promise<OwnComment | undefined> {
  const trusted = new Set(options.trustedAuthors);
  for (const comment of await github.listIssueComments(issueNumber)) {
    if (!trusted.has(comment.author)) continue;
    const marker = parseMarker(comment.body);
    if (
      marker &&
      marker.kind === options.kind &&
      marker.jobsDir === options.jobsDir &&
      marker.target === options.target
    )
      return { comment, marker };
  }
  return undefined;
}

export interface UpsertResult {
  comment: IssueComment;
  created: boolean;
  /** The marker of the comment before this update (to show what was superseded). */
  previous?: CommentMarker;
}

/**
 * Creates the sticky comment once and edits it in place afterwards. `render` receives the previous marker (if any)
 * so the new body can say which plan it supersedes.
 */
export async function upsertOwnComment(
  github: GitHubPort,
  issueNumber: number,
  options: StickyOptions,
  render: (previous: CommentMarker | undefined) => string,
): Promise<UpsertResult> {
  const existing = await findOwnComment(github, issueNumber, options);
  if (existing) {
    const comment = await github.updateIssueComment(existing.comment.id, render(existing.marker));
    return { comment, created: false, previous: existing.marker };
  }
  const comment = await github.createIssueComment(issueNumber, render(undefined));
  return { comment, created: true };
}

export interface ApprovedPlan {
  pullRequest: PullRequestRef;
  /** The plan hash the PR's sticky comment carries; undefined when that comment shows no approvable plan. */
  planHash?: string;
  /** Commit the approved plan was computed on. */
  headSha?: string;
  /** With deployment targets: the plan hash approved for each target. */
  targets?: Record<string, string>;
  commentId?: number;
}

/**
 * The merged pull request of a commit: the one merged with `sha` as its merge commit (merge, squash and rebase
 * merges all record the pushed commit there). Never an open pull request, never another merged one: their plans
 * were not approved for this commit.
 */
export function pickMergedPullRequest(sha: string, pulls: PullRequestRef[]): PullRequestRef | undefined {
  return pulls.find((p) => p.mergeCommitSha === sha && p.mergedAt !== undefined);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The plan approved on the pull request that produced `sha` (a push to the default branch): found through
 * `GET /repos/{o}/{r}/commits/{sha}/pulls` and the PR's sticky plan comment written by the action's own identity.
 * undefined when the commit has no pull request (a direct push).
 */
export async function findApprovedPlan(
  github: GitHubPort,
  sha: string,
  options: Omit<StickyOptions, "kind"> & {
    /** Waits before asking again when no merged PR is listed yet (GitHub's association lags a merge). */
    retryDelaysMs?: readonly number[];
  },
): Promise<ApprovedPlan | undefined> {
  let pullRequest = pickMergedPullRequest(sha, await github.listPullRequestsForCommit(sha));
  for (const delay of options.retryDelaysMs ?? []) {
    if (pullRequest) break;
    await sleep(delay);
    pullRequest = pickMergedPullRequest(sha, await github.listPullRequestsForCommit(sha));
  }
  if (!pullRequest) return undefined;
  const own = await findOwnComment(github, pullRequest.number, {
    ...options,
    kind: "plan",
    target: undefined,
  });
  if (!own) return { pullRequest };
  return {
    pullRequest,
    planHash: own.marker.planHash,
    headSha: own.marker.headSha,
    ...(own.marker.targets ? { targets: own.marker.targets } : {}),
    commentId: own.comment.id,
  };
}
