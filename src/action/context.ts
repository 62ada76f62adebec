/** The workflow run's GitHub context, read once from the runner's environment and event payload. */
import { readFileSync } from "node:fs";
import { ConfigurationError } from "./errors.js";
import { isObject } from "../domain/json.js";

export interface PullRequestContext {
  number: number;
  /** opened | synchronize | reopened | closed | … */
  action: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  /** The PR comes from another repository: no secrets, a read-only token, never push, never apply. */
  fromFork: boolean;
  htmlUrl?: string;
}

/** An `issue_comment` event: the comment that may carry a `/jobagent` command. */
export interface CommentContext {
  id: number;
  body: string;
  author: string;
  authorType?: string;
  /** created | edited | deleted */
  action: string;
  issueNumber: number;
  /** The comment is on a pull request (not a plain issue). */
  onPullRequest: boolean;
}

export interface GitHubContext {
  eventName: string;
  /** "owner/name" */
  repository: string;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  defaultBranch?: string;
  apiUrl: string;
  serverUrl: string;
  runId: string;
  runUrl?: string;
  /** Absolute path of the checkout. */
  workspace: string;
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/<file>@<ref>`, the workflow file of this run. */
  workflowRef?: string;
  pullRequest?: PullRequestContext;
  comment?: CommentContext;
  payload: Record<string, unknown>;
}

function commentOf(payload: Json): CommentContext | undefined {
  const comment = obj(payload.comment);
  const issue = obj(payload.issue);
  if (!comment || !issue || typeof comment.id !== "number" || typeof issue.number !== "number")
    return undefined;
  const user = obj(comment.user) ?? {};
  return {
    id: comment.id,
    body: str(comment.body) ?? "",
    author: str(user.login) ?? "",
    authorType: str(user.type),
    action: str(payload.action) ?? "",
    issueNumber: issue.number,
    onPullRequest: obj(issue.pull_request) !== undefined,
  };
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return isObject(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigurationError(
      `environment variable ${name} is not set; the action must run inside a GitHub Actions workflow (the runner sets it)`,
    );
  }
  return value;
}

function readPayload(path: string | undefined): Json {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigurationError(`GITHUB_EVENT_PATH "${path}" cannot be read: ${(error as Error).message}`);
  }
  try {
    return obj(JSON.parse(text)) ?? {};
  } catch (error) {
    throw new ConfigurationError(`GITHUB_EVENT_PATH "${path}" is not JSON: ${(error as Error).message}`);
  }
}

function pullRequestOf(payload: Json, repository: string): PullRequestContext | undefined {
  const pr = obj(payload.pull_request);
  if (!pr) return undefined;
  const head = obj(pr.head) ?? {};
  const base = obj(pr.base) ?? {};
  const headRepo = str(obj(head.repo)?.full_name);
  const number = typeof pr.number === "number" ? pr.number : Number(payload.number);
  if (!Number.isInteger(number)) {
    throw new ConfigurationError(
      `the pull_request event payload has no pull request number (pull_request.number)`,
    );
  }
  return {
    number,
    action: str(payload.action) ?? "",
    headRef: str(head.ref) ?? "",
    headSha: str(head.sha) ?? "",
    baseRef: str(base.ref) ?? "",
    baseSha: str(base.sha) ?? "",
    // A deleted fork has head.repo null: treat as a fork.
    fromFork: headRepo === undefined || headRepo.toLowerCase() !== repository.toLowerCase(),
    htmlUrl: str(pr.html_url),
  };
}

export function readGitHubContext(env: Record<string, string | undefined> = process.env): GitHubContext {
  const repository = required(env, "GITHUB_REPOSITORY");
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) {
    throw new ConfigurationError(`GITHUB_REPOSITORY "${repository}" is not "owner/name"`);
  }
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  const runId = env.GITHUB_RUN_ID ?? `local-${Date.now()}`;
  return {
    eventName: required(env, "GITHUB_EVENT_NAME"),
    repository,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF ?? "",
    defaultBranch: str(obj(payload.repository)?.default_branch),
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    serverUrl,
    runId,
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    workflowRef: env.GITHUB_WORKFLOW_REF || undefined,
    pullRequest: pullRequestOf(payload, repository),
    comment: commentOf(payload),
    payload,
  };
}
