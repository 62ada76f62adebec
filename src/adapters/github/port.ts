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

export interface GitHubPort {
  /** Every comment of an issue or pull request (all pages, oldest first). */
  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;
  /** Pull requests associated with a commit (`GET /repos/{o}/{r}/commits/{sha}/pulls`). */
  listPullRequestsForCommit(sha: string): Promise<PullRequestRef[]>;
  /** Files changed by a pull request (all pages; GitHub caps the list at 3000 files). */
  listPullRequestFiles(pullNumber: number): Promise<PullRequestFile[]>;
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
