/** The Git port: what the action asks of the checked-out repository. Implemented with simple-git in ./simple-git.ts. */

export interface CommitAndPushOptions {
  /** Repo-relative paths whose changes are committed (e.g. the jobs directory). */
  paths: string[];
  message: string;
  /** Branch on `origin` to push to (e.g. the PR head branch or the default branch). */
  branch: string;
  /** Push attempts, each after rebasing onto the moved branch (default 5). */
  maxAttempts?: number;
}

export interface CommitAndPushResult {
  /** The pushed commit; undefined when nothing under `paths` changed. */
  sha?: string;
  /** Push attempts made (1 when the branch had not moved). */
  attempts: number;
}

export interface GitPort {
  /** Current HEAD commit. */
  headSha(): Promise<string>;
  /** Repo-relative files changed on HEAD since its merge base with `baseSha` (needs the history: fetch-depth 0). */
  changedFilesSince(baseSha: string): Promise<string[]>;
  /**
   * Fast-forwards HEAD to origin/<branch> when every commit it lacks is one of the action's own `[skip ci]` state
   * commits (an earlier run's task states, pushed after this run's commit was made); returns how many were taken.
   * Any other commit in between leaves HEAD where it is (0).
   */
  fastForwardOverOwnCommits(branch: string): Promise<number>;
  /**
   * Fetches `branch` from origin and checks it out (a comment command runs on the default branch's checkout and
   * needs the pull request's head); returns the checked-out commit.
   */
  checkoutBranch(branch: string): Promise<string>;
  /** Fetches `branch` and tells whether HEAD is contained in origin/<branch> (false for a merge-ref checkout). */
  headIsOnBranch(branch: string): Promise<boolean>;
  /** Commits the changes under `paths` with the action's identity and pushes through `origin` (never forced). */
  commitAndPush(options: CommitAndPushOptions): Promise<CommitAndPushResult>;
  /**
   * Merges origin/<branch> into HEAD (the state branch of an earlier run, so its task states are read):
   * "absent" when origin has no such branch, "up-to-date" when HEAD contains it, "conflict" (merge aborted).
   */
  mergeFromOrigin(branch: string): Promise<"merged" | "up-to-date" | "absent" | "conflict">;
  /**
   * The newest `limit` commits of HEAD's first-parent history (the default branch's merges, newest first), without
   * the action's own `[skip ci]` state commits.
   */
  recentMerges(limit: number): Promise<string[]>;
  /**
   * origin/<branch> as the remote has it now: its tip and the commits on it that HEAD lacks made by anyone but the
   * action's identity (a person's work on a drift branch); undefined when origin has no such branch.
   */
  remoteBranch(
    branch: string,
  ): Promise<{ sha: string; foreign: Array<{ sha: string; author: string; subject: string }> } | undefined>;
  /**
   * One commit on top of HEAD with `files` (repo-relative path → text) as they are given, pushed to origin/<branch>
   * so that it replaces the branch only while its tip is still `expected` (undefined: the branch must not exist yet)
   * — a push-rejected error otherwise. The checkout's working tree and index are left as they are.
   */
  pushFilesAsBranch(options: {
    branch: string;
    files: Record<string, string>;
    message: string;
    expected?: string;
  }): Promise<CommitAndPushResult>;
  /** Pushes HEAD to origin/<branch> (created when missing), rebasing and retrying when it moved; never forced. */
  pushHead(branch: string, maxAttempts?: number): Promise<CommitAndPushResult>;
}

/**
 * A git operation failed; `conflict` when a rebase onto the moved branch conflicted; `refused` when the remote
 * declined the push (branch protection, a ruleset or a pre-receive hook), which no retry changes.
 */
export class GitOperationError extends Error {
  constructor(
    message: string,
    readonly kind: "conflict" | "push-rejected" | "refused" | "failed",
  ) {
    super(message);
    this.name = "GitOperationError";
  }
}
