/**
 * The GitHub port: the few REST calls the action makes. Implemented with Octokit in ./octokit.ts; tests run it
 * against the fake GitHub server in test/support/fake-github.ts over real HTTP.
 */

export interface IssueComment {
  id: number;
  body: string;
  /** Login of the author, e.g. "github-actions[bot]". */
  author: string;
  /** "Bot", "User", … as GitHub reports it. */
  authorType?: string;
  htmlUrl?: string;
}

export interface PullRequestRef {
  number: number;
  state: string;
  mergedAt?: string;
  mergeCommitSha?: string;
  headRef?: string;
  headSha?: string;
  htmlUrl?: string;
}

export interface PullRequestFile {
  filename: string;
  /** "added" | "modified" | "removed" | "renamed" | … */
  status: string;
  previousFilename?: string;
}

/** A pull request as `GET /repos/{o}/{r}/pulls/{n}` reports it (what comment commands check). */
export interface PullRequestDetails extends PullRequestRef {
  baseRef?: string;
  baseSha?: string;
  /** "owner/name" of the head repository; undefined when the fork was deleted. */
  headRepo?: string;
  /** null while GitHub is still computing it. */
  mergeable?: boolean | null;
  /** "clean", "blocked", "behind", "dirty", "unstable", "unknown", … */
  mergeableState?: string;
  merged?: boolean;
}

/** A pull request review (`GET /repos/{o}/{r}/pulls/{n}/reviews`). */
export interface PullRequestReview {
  author: string;
  /** "APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING". */
  state: string;
  commitId?: string;
}

/** A rule of a repository ruleset that applies to a branch (`GET /repos/{o}/{r}/rules/branches/{b}`). */
export interface BranchRule {
  /** "pull_request", "update", "required_status_checks", "non_fast_forward", "deletion", … */
  type: string;
}

/**
 * Classic branch protection (`GET /repos/{o}/{r}/branches/{b}/protection`): "none" when GitHub answers 404 (not
 * protected), "unknown" when the token may not read it (403: reading it needs administration rights).
 */
export type BranchProtection =
  | { state: "none" }
  | { state: "unknown"; status: number | undefined }
  | {
      state: "protected";
      requiredReviews: boolean;
      requiredStatusChecks: boolean;
      /** Only listed users, teams or apps may push. */
      pushRestrictions: boolean;
    };

/** A pull request the action opens or keeps up to date (the progress pull request of the state branch). */
export interface OwnPullRequest {
  number: number;
  htmlUrl?: string;
  /** GraphQL node id (auto-merge is enabled through GraphQL). */
  nodeId?: string;
}

/** A pull request as `GET /repos/{o}/{r}/pulls` lists it (the drift pull requests). */
export interface ListedPullRequest extends OwnPullRequest {
  state: "open" | "closed";
  /** Set when a closed pull request was merged. */
  mergedAt?: string;
  /** The head branch (of this repository or a fork). */
  headRef: string;
  title: string;
  body: string;
  /** Label names. */
  labels: string[];
}

/** Reactions GitHub accepts on a comment. */
export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export interface GitHubPort {
  /** Every comment of an issue or pull request (all pages, oldest first). */
  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;
  /** Pull requests associated with a commit (`GET /repos/{o}/{r}/commits/{sha}/pulls`). */
  listPullRequestsForCommit(sha: string): Promise<PullRequestRef[]>;
  /** Files changed by a pull request (all pages; GitHub caps the list at 3000 files). */
  listPullRequestFiles(pullNumber: number): Promise<PullRequestFile[]>;
  /** One pull request (`GET /repos/{o}/{r}/pulls/{n}`). */
  getPullRequest(pullNumber: number): Promise<PullRequestDetails>;
  /** Every review of a pull request (all pages, oldest first). */
  listPullRequestReviews(pullNumber: number): Promise<PullRequestReview[]>;
  /**
   * A user's permission on the repository (`GET /repos/{o}/{r}/collaborators/{u}/permission`): "admin", "write",
   * "read" or "none" ("maintain" reads as write, "triage" as read, as GitHub maps them).
   */
  getPermission(login: string): Promise<string>;
  /** Reacts to an issue comment (`POST /repos/{o}/{r}/issues/comments/{id}/reactions`). */
  addReaction(commentId: number, reaction: Reaction): Promise<void>;
  /** Classic protection of a branch; never throws for 403/404 (see BranchProtection). */
  getBranchProtection(branch: string): Promise<BranchProtection>;
  /** Ruleset rules that apply to a branch (readable with `contents: read`); [] when there are none. */
  listBranchRules(branch: string): Promise<BranchRule[]>;
  /** The open pull request from `head` (a branch of this repository) into `base`, if there is one. */
  findOpenPullRequest(head: string, base: string): Promise<OwnPullRequest | undefined>;
  createPullRequest(request: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<OwnPullRequest>;
  updatePullRequest(pullNumber: number, update: { title: string; body: string }): Promise<void>;
  /** The pull requests into `base` in `state` (all pages), only those from `head` (a branch of this repository) when given. */
  listPullRequests(query: {
    base: string;
    state: "open" | "closed";
    head?: string;
  }): Promise<ListedPullRequest[]>;
  /** Closes a pull request without merging it (`PATCH /pulls/{n}` with state closed). */
  closePullRequest(pullNumber: number): Promise<void>;
  /** Turns on auto-merge (GraphQL `enablePullRequestAutoMerge`); throws when the repository does not allow it. */
  enableAutoMerge(pullRequestNodeId: string, mergeMethod: "MERGE" | "SQUASH" | "REBASE"): Promise<void>;
}

/** A GitHub call failed; carries the HTTP status so callers can tell "no permission" (fork PRs) from outages. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly operation: string,
  ) {
    super(message);
    this.name = "GitHubApiError";
  }
}
