/**
 * The GitHub calls of the progress flow (src/action/progress.ts): may the workflow push to a branch (classic
 * protection, rulesets), and the state branch's pull request (find, open, update, auto-merge).
 */
import type { getOctokit } from "@actions/github";
import type { BranchProtection, BranchRule, GitHubPort, OwnPullRequest } from "./port.js";
import { GitHubApiError } from "./port.js";

type Octokit = ReturnType<typeof getOctokit>;

export async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    const message = error instanceof Error ? error.message : String(error);
    throw new GitHubApiError(
      `GitHub API ${operation} failed${typeof status === "number" ? ` (HTTP ${status})` : ""}: ${message}`,
      typeof status === "number" ? status : undefined,
      operation,
    );
  }
}

interface RawProtection {
  required_pull_request_reviews?: unknown;
  required_status_checks?: { contexts?: string[]; checks?: unknown[] } | null;
  restrictions?: unknown;
}

function toProtection(raw: RawProtection): BranchProtection {
  const checks = raw.required_status_checks;
  return {
    state: "protected",
    requiredReviews: Boolean(raw.required_pull_request_reviews),
    requiredStatusChecks: Boolean(
      checks && ((checks.contexts?.length ?? 0) > 0 || (checks.checks?.length ?? 0) > 0),
    ),
    pushRestrictions: Boolean(raw.restrictions),
  };
}

type ProgressCalls = Pick<
  GitHubPort,
  | "getBranchProtection"
  | "listBranchRules"
  | "findOpenPullRequest"
  | "createPullRequest"
  | "updatePullRequest"
  | "enableAutoMerge"
>;

function own(data: { number: number; html_url?: string; node_id?: string }): OwnPullRequest {
  return { number: data.number, htmlUrl: data.html_url, nodeId: data.node_id };
}

export function progressCalls(octokit: Octokit, owner: string, repo: string): ProgressCalls {
  const where = `/repos/${owner}/${repo}`;
  return {
    async getBranchProtection(branch) {
      try {
        const { data } = await octokit.rest.repos.getBranchProtection({ owner, repo, branch });
        return toProtection(data as RawProtection);
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        if (status === 404) return { state: "none" };
        return { state: "unknown", status: typeof status === "number" ? status : undefined };
      }
    },
    listBranchRules: (branch) =>
      call(`GET ${where}/rules/branches/${branch}`, async () => {
        try {
          const raw = (await octokit.paginate("GET /repos/{owner}/{repo}/rules/branches/{branch}", {
            owner,
            repo,
            branch,
            per_page: 100,
          })) as Array<{ type: string }>;
          return raw.map((r): BranchRule => ({ type: r.type }));
        } catch (error) {
          if ((error as { status?: unknown }).status === 404) return [];
          throw error;
        }
      }),
    findOpenPullRequest: (head, base) =>
      call(`GET ${where}/pulls?head=${owner}:${head}`, async () => {
        const { data } = await octokit.rest.pulls.list({
          owner,
          repo,
          head: `${owner}:${head}`,
          base,
          state: "open",
          per_page: 10,
        });
        return data[0] ? own(data[0]) : undefined;
      }),
    createPullRequest: (request) =>
      call(`POST ${where}/pulls`, async () => {
        const { data } = await octokit.rest.pulls.create({ owner, repo, ...request });
        return own(data);
      }),
    updatePullRequest: (pullNumber, update) =>
      call(`PATCH ${where}/pulls/${pullNumber}`, async () => {
        await octokit.rest.pulls.update({ owner, repo, pull_number: pullNumber, ...update });
      }),
    enableAutoMerge: (pullRequestId, mergeMethod) =>
      call("POST /graphql enablePullRequestAutoMerge", async () => {
        await octokit.graphql(
          `mutation($id: ID!, $mergeMethod: PullRequestMergeMethod!) {
            enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod }) { clientMutationId }
          }`,
          { id: pullRequestId, mergeMethod },
        );
      }),
  };
}
