/**
 * GitHubPort over Octokit (@actions/github) with the retry and throttling plugins: transient 5xx are retried,
 * primary and secondary rate limits are waited out (bounded), every list is paged to the end.
 */
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type {
  GitHubPort,
  IssueComment,
  ListedPullRequest,
  PullRequestDetails,
  PullRequestFile,
  PullRequestRef,
  PullRequestReview,
} from "./port.js";
import { call, progressCalls } from "./octokit-progress.js";

export interface OctokitPortOptions {
  token: string;
  /** GITHUB_API_URL, e.g. https://api.github.com or a GHES / test server URL. */
  apiUrl: string;
  owner: string;
  repo: string;
  /** Retries of rate-limited requests before giving up (default 3). */
  rateLimitRetries?: number;
  /** Seconds of rate-limit waiting in all before giving up (default 120). */
  rateLimitWaitSeconds?: number;
  warn?: (message: string) => void;
}

type Octokit = ReturnType<typeof getOctokit>;

interface RawComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

interface RawPull {
  number: number;
  state: string;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  html_url?: string;
  head?: { ref?: string; sha?: string; repo?: { full_name?: string } | null };
  base?: { ref?: string; sha?: string };
  mergeable?: boolean | null;
  mergeable_state?: string;
  merged?: boolean;
}

function toDetails(raw: RawPull): PullRequestDetails {
  return {
    ...toPull(raw),
    baseRef: raw.base?.ref,
    baseSha: raw.base?.sha,
    headRepo: raw.head?.repo?.full_name ?? undefined,
    mergeable: raw.mergeable,
    mergeableState: raw.mergeable_state,
    merged: raw.merged,
  };
}

function toComment(raw: RawComment): IssueComment {
  return {
    id: raw.id,
    body: raw.body ?? "",
    author: raw.user?.login ?? "",
    authorType: raw.user?.type,
    htmlUrl: raw.html_url,
  };
}

function toPull(raw: RawPull): PullRequestRef {
  return {
    number: raw.number,
    state: raw.state,
    mergedAt: raw.merged_at ?? undefined,
    mergeCommitSha: raw.merge_commit_sha ?? undefined,
    headRef: raw.head?.ref,
    headSha: raw.head?.sha,
    htmlUrl: raw.html_url,
  };
}

/**
 * Whether to wait out a rate limit: at most `retries` times per request and at most `budgetSeconds` of waiting in
 * all (a primary limit can ask for most of an hour; the run gives up with a clear error instead).
 */
function rateLimitPolicy(retries: number, budgetSeconds: number, warn: (message: string) => void) {
  let waited = 0;
  return (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
      const what = `GitHub ${kind} for ${request.method} ${request.url}`;
      if (retryCount >= retries || waited + retryAfter > budgetSeconds) {
        warn(
          `${what}: not waiting ${retryAfter}s (retry ${retryCount + 1}; ${waited}s of the ${budgetSeconds}s budget used)`,
        );
        return false;
      }
      waited += retryAfter;
      warn(`${what}; retry ${retryCount + 1} in ${retryAfter}s`);
      return true;
    };
}

export function createOctokitPort(options: OctokitPortOptions): GitHubPort {
  const retries = options.rateLimitRetries ?? 3;
  const warn = options.warn ?? (() => undefined);
  const policy = rateLimitPolicy(retries, options.rateLimitWaitSeconds ?? 120, warn);
  const octokit: Octokit = getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      throttle: {
        onRateLimit: policy("rate limit"),
        onSecondaryRateLimit: policy("secondary rate limit"),
      },
    },
    retry,
    throttling,
  );
  const { owner, repo } = options;

  return {
    ...progressCalls(octokit, owner, repo),
    listIssueComments: (issueNumber) =>
      call(`GET /repos/${owner}/${repo}/issues/${issueNumber}/comments`, async () => {
        const raw = (await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: issueNumber,
          per_page: 100,
        })) as RawComment[];
        return raw.map(toComment);
      }),
    createIssueComment: (issueNumber, body) =>
      call(`POST /repos/${owner}/${repo}/issues/${issueNumber}/comments`, async () => {
        const { data } = await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: issueNumber,
          body,
        });
        return toComment(data as RawComment);
      }),
    updateIssueComment: (commentId, body) =>
      call(`PATCH /repos/${owner}/${repo}/issues/comments/${commentId}`, async () => {
        const { data } = await octokit.rest.issues.updateComment({
          owner,
          repo,
          comment_id: commentId,
          body,
        });
        return toComment(data as RawComment);
      }),
    listPullRequestsForCommit: (sha) =>
      call(`GET /repos/${owner}/${repo}/commits/${sha}/pulls`, async () => {
        const raw = (await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
          owner,
          repo,
          commit_sha: sha,
          per_page: 100,
        })) as RawPull[];
        return raw.map(toPull);
      }),
    listPullRequestFiles: (pullNumber) =>
      call(`GET /repos/${owner}/${repo}/pulls/${pullNumber}/files`, async () => {
        const raw = (await octokit.paginate(octokit.rest.pulls.listFiles, {
          owner,
          repo,
          pull_number: pullNumber,
          per_page: 100,
        })) as Array<{ filename: string; status: string; previous_filename?: string }>;
        return raw.map((f): PullRequestFile => ({
          filename: f.filename,
          status: f.status,
          previousFilename: f.previous_filename,
        }));
      }),
    getPullRequest: (pullNumber) =>
      call(`GET /repos/${owner}/${repo}/pulls/${pullNumber}`, async () => {
        const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
        return toDetails(data as unknown as RawPull);
      }),
    listPullRequestReviews: (pullNumber) =>
      call(`GET /repos/${owner}/${repo}/pulls/${pullNumber}/reviews`, async () => {
        const raw = (await octokit.paginate(octokit.rest.pulls.listReviews, {
          owner,
          repo,
          pull_number: pullNumber,
          per_page: 100,
        })) as Array<{ user?: { login?: string } | null; state: string; commit_id?: string | null }>;
        return raw.map((r): PullRequestReview => ({
          author: r.user?.login ?? "",
          state: r.state,
          commitId: r.commit_id ?? undefined,
        }));
      }),
    getPermission: (login) =>
      call(`GET /repos/${owner}/${repo}/collaborators/${login}/permission`, async () => {
        try {
          const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
            owner,
            repo,
            username: login,
          });
          return data.permission;
        } catch (error) {
          // Not a collaborator (or no such user): GitHub answers 404.
          if ((error as { status?: unknown }).status === 404) return "none";
          throw error;
        }
      }),
    listPullRequests: ({ base, state, head }) =>
      call(
        `GET /repos/${owner}/${repo}/pulls?state=${state}&base=${base}${head ? `&head=${head}` : ""}`,
        async () => {
          const raw = (await octokit.paginate(octokit.rest.pulls.list, {
            owner,
            repo,
            base,
            state,
            ...(head ? { head: `${owner}:${head}` } : {}),
            per_page: 100,
          })) as Array<{
            state?: string;
            merged_at?: string | null;
            number: number;
            html_url?: string;
            node_id?: string;
            title?: string;
            body?: string | null;
            head?: { ref?: string };
            labels?: Array<{ name?: string } | string>;
          }>;
          return raw.map((p): ListedPullRequest => ({
            number: p.number,
            state: p.state === "closed" ? "closed" : "open",
            ...(p.merged_at ? { mergedAt: p.merged_at } : {}),
            htmlUrl: p.html_url,
            nodeId: p.node_id,
            headRef: p.head?.ref ?? "",
            title: p.title ?? "",
            body: p.body ?? "",
            labels: (p.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
          }));
        },
      ),
    closePullRequest: (pullNumber) =>
      call(`PATCH /repos/${owner}/${repo}/pulls/${pullNumber}`, async () => {
        await octokit.rest.pulls.update({ owner, repo, pull_number: pullNumber, state: "closed" });
      }),
    addReaction: (commentId, reaction) =>
      call(`POST /repos/${owner}/${repo}/issues/comments/${commentId}/reactions`, async () => {
        await octokit.rest.reactions.createForIssueComment({
          owner,
          repo,
          comment_id: commentId,
          content: reaction,
        });
      }),
  };
}
