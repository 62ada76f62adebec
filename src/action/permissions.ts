/**
 * What a refusal by GitHub means for the workflow's setup, said as the fix: the `permissions:` entry the workflow
 * token lacks (a comment answered 403, a push answered 403) or the credentials actions/checkout did not keep
 * (`persist-credentials: false`). main.ts appends it to the failure message, so the job log names the line to add.
 */
import { GitOperationError } from "../adapters/git/port.js";
import { GitHubApiError } from "../adapters/github/port.js";
import { WorkspaceApiError } from "../adapters/databricks/port.js";

const PERMISSIONS_BLOCK =
  "(a `permissions:` block gives the workflow's GITHUB_TOKEN only what it lists; with a `github-token` of your own, " +
  "that token needs the same)";

/** The GitHub API call was refused for lack of a token permission: the `permissions:` entry that grants it. */
function apiHint(error: GitHubApiError): string | undefined {
  if (error.status === 401) {
    return 'GitHub does not accept the "github-token" (HTTP 401 Bad credentials): remove the input to use the workflow\'s own token, or pass a valid one';
  }
  if (error.status !== 403) return undefined;
  const [method = "", path = ""] = error.operation.split(" ");
  if (method === "GET") return undefined;
  if (/\/issues\/(\d+\/comments|comments\/\d+)/.test(path)) {
    return `the workflow's token may not comment on pull requests: add \`pull-requests: write\` under \`permissions:\` in the workflow ${PERMISSIONS_BLOCK}`;
  }
  if (/\/reactions$/.test(path)) {
    return `the workflow's token may not react to comments: add \`pull-requests: write\` under \`permissions:\` in the workflow ${PERMISSIONS_BLOCK}`;
  }
  if (/\/pulls(\/\d+)?$/.test(path) || path === "/graphql") {
    return (
      `the workflow's token may not open or update pull requests: add \`pull-requests: write\` under \`permissions:\` ` +
      "and turn on Settings → Actions → General → “Allow GitHub Actions to create and approve pull requests”"
    );
  }
  return undefined;
}

/** A push git could not make: refused with 403 (no `contents: write`) or without credentials to send. */
function gitHint(text: string): string | undefined {
  if (/denied to|returned error: 403|write access to repository not granted/i.test(text)) {
    return `the workflow's token may not push to this repository: add \`contents: write\` under \`permissions:\` in the workflow ${PERMISSIONS_BLOCK}`;
  }
  if (
    /could not read (username|password)|terminal prompts disabled|authentication failed|returned error: 401/i.test(
      text,
    )
  ) {
    return (
      "the checkout has no credentials to push with: remove `persist-credentials: false` from the actions/checkout step " +
      "(the action pushes through `origin` with the credentials checkout keeps), or give checkout a `token:` that may push"
    );
  }
  return undefined;
}

/** The Databricks workspace did not take the token itself (not a refusal of one job: that is a plan's business). */
function workspaceHint(error: WorkspaceApiError): string | undefined {
  const refused =
    error.statusCode === 401 ||
    (error.statusCode === 403 &&
      /invalid access token|token .*(expired|invalid)|credential|unauthori[sz]ed/i.test(error.message));
  if (!refused) return undefined;
  return (
    "the Databricks workspace does not accept the token: put a valid, unexpired token of this workspace (a personal " +
    "access token, or a service principal's) into the DATABRICKS_TOKEN secret the `databricks-token` input reads, " +
    "and check that `databricks-host` is the workspace the token belongs to"
  );
}

/**
 * The fix for a permission or credential refusal found in `error` (or its message): GitHub's API or git push
 * refusing the workflow's token, or the Databricks workspace refusing its token. Undefined for anything else.
 */
export function permissionHint(error: unknown): string | undefined {
  if (error instanceof GitHubApiError) return apiHint(error);
  if (error instanceof WorkspaceApiError) return workspaceHint(error);
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof GitOperationError || /\bgit\b|push|origin/i.test(text)) return gitHint(text);
  return undefined;
}

/** `message`, followed by the permission fix when the error is a permission or credential refusal. */
export function withPermissionHint(message: string, error: unknown): string {
  const hint = permissionHint(error);
  return hint ? `${message}\nFix: ${hint}.` : message;
}
