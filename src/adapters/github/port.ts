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
