/**
 * The action's single entry point and its one catch. Reads inputs and context once, wires the real ports
 * (Octokit, simple-git, the Databricks SDK workspace), dispatches on mode/event, and turns typed errors into
 * `core.setFailed` + the `failure-reason` output. Outputs and the job summary are written on failure too.
 */
import * as core from "@actions/core";
import * as engine from "../engine/index.js";
import { GitOperationError } from "../adapters/git/port.js";
import { GitHubApiError } from "../adapters/github/port.js";
import { createSimpleGitPort } from "../adapters/git/simple-git.js";
import { createOctokitPort } from "../adapters/github/octokit.js";
import { createSdkWorkspace } from "../adapters/databricks/sdk-workspace.js";
import { WorkspaceApiError, type Workspace } from "../adapters/databricks/port.js";
import type { EngineOptions, PlanResult } from "../engine/api.js";
import type { TargetConfig } from "../state/targets-config.js";
import { targetCredentials } from "./targets.js";
import { renderPlanMarkdown } from "../domain/render.js";
import { runApplyFlow } from "./apply.js";
import { readGitHubContext, type GitHubContext } from "./context.js";
import { resolveDatabricksToken } from "./databricks-auth.js";
import type { ActionDeps } from "./deps.js";
import { runCommentCommandFlow } from "./commands.js";
import { runDriftFlow } from "./drift.js";
import { runUnlockFlow } from "./unlock.js";
import { ActionError, type ActionFailureReason } from "./errors.js";
import { parseInputs, type ActionInputs } from "./inputs.js";
import { runPullRequestFlow } from "./pull-request.js";
import { createCoreLogger, JobSummary, Outputs, Redactor } from "./report.js";
import { permissionHint, withPermissionHint } from "./permissions.js";

function wire(inputs: ActionInputs, context: GitHubContext, redactor: Redactor): ActionDeps {
  const log = createCoreLogger(redactor);
  const summary = new JobSummary(redactor);
  const outputs = new Outputs(redactor);
  const oidc = {
    getIdToken: (audience?: string) => core.getIDToken(audience),
    oidcAvailable: Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL),
    setSecret: (value: string) => {
      core.setSecret(value);
      redactor.add(value);
    },
    fetch,
  };
  const resolveToken = (host: string, given: string | undefined) =>
    resolveDatabricksToken(
      { host, token: given, clientId: inputs.databricksClientId, audience: inputs.databricksOidcAudience },
      oidc,
    );
  let token: Promise<string | undefined> | undefined;
  const databricksToken = () => {
    token ??= inputs.databricksHost
      ? resolveToken(inputs.databricksHost, inputs.databricksToken)
      : Promise.resolve(undefined);
    return token;
  };
  const targetWorkspaces = new Map<string, Promise<Workspace | undefined>>();
  const targetWorkspace = (target: TargetConfig) => {
    const cached = targetWorkspaces.get(target.name);
    if (cached) return cached;
    const connect = async () => {
      const credentials = targetCredentials(target, inputs, process.env);
      if (!credentials) return undefined;
      if (credentials.token) oidc.setSecret(credentials.token);
      const resolved = await resolveToken(credentials.host, credentials.token);
      return resolved ? createSdkWorkspace({ host: credentials.host, token: resolved }) : undefined;
    };
    const pending = connect();
    targetWorkspaces.set(target.name, pending);
    return pending;
  };
  const renderFor =
    (host: string | undefined) =>
    (plan: PlanResult, { maxChars }: { maxChars: number }) =>
      renderPlanMarkdown(plan, {
        maxChars,
        repoUrl: `${context.serverUrl}/${context.repository}/blob/${context.pullRequest?.headRef || context.sha}`,
        jobUrl: host ? (jobId) => `${host}/jobs/${jobId}` : undefined,
        // The run page shows the job summary, which holds the whole plan.
        fullPlanUrl: context.runUrl,
      });
  let workspace: Workspace | undefined;
  return {
    inputs,
    context,
    engine,
    github: inputs.githubToken
      ? createOctokitPort({
          token: inputs.githubToken,
          apiUrl: context.apiUrl,
          owner: context.owner,
          repo: context.repo,
          warn: (message) => log.warn(message),
        })
      : undefined,
    git: createSimpleGitPort({
      repoDir: context.workspace,
      log: (message) => log.info(message),
      unionMergePaths: [`${inputs.jobsDir}/.tasks/progress.md`],
    }),
    async workspace() {
      if (workspace) return workspace;
      const resolved = await databricksToken();
      if (!inputs.databricksHost || !resolved) return undefined;
      workspace = createSdkWorkspace({ host: inputs.databricksHost, token: resolved });
      return workspace;
    },
    targetWorkspace,
    async llm(): Promise<EngineOptions["llm"]> {
      if (!inputs.llm) return undefined;
      const key = inputs.llm.apiKey ?? (await databricksToken());
      const baseUrl =
        inputs.llm.baseUrl ??
        (inputs.databricksHost ? `${inputs.databricksHost}/serving-endpoints` : undefined);
      if ((!key || !baseUrl) && inputs.llm.isDefault) return undefined;
      if (!key || !baseUrl) {
        log.warn(
          '"llm-model" is set but there is no LLM base URL or API key (no Databricks host/token): prose requirements stay BLOCKED',
        );
        return undefined;
      }
      return {
        model: inputs.llm.model,
        baseUrl: baseUrl as string,
        apiKey: async () => key as string,
        ...(inputs.llm.isDefault ? { isDefault: true } : {}),
      };
    },
    log,
    summary,
    outputs,
    redactor,
    render: renderFor(inputs.databricksHost),
    renderFor,
  };
}

/** Which flow a run takes: the mode input, or (auto) the event. */
export type Flow =
  "pull-request" | "tech-lead" | "apply" | "drift" | "plan-readonly" | "comment-command" | "unlock" | "skip";

export function chooseFlow(
  mode: ActionInputs["mode"],
  context: Pick<GitHubContext, "eventName" | "pullRequest"> & Partial<Pick<GitHubContext, "ref">>,
): Flow {
  const isPr = Boolean(context.pullRequest) && context.eventName.startsWith("pull_request");
  switch (mode) {
    case "tech-lead":
      return "tech-lead";
    case "plan":
      return isPr ? "pull-request" : "plan-readonly";
    case "apply":
      return "apply";
    case "drift":
      return "drift";
    case "unlock":
      return "unlock";
    case "auto":
      if (context.eventName === "pull_request" || context.eventName === "pull_request_target")
        return isPr ? "pull-request" : "skip";
      // a tag push is a quiet no-op, like a push to another branch: auto applies pushes to the default branch only
      if (context.eventName === "push") return context.ref?.startsWith("refs/tags/") ? "skip" : "apply";
      if (context.eventName === "issue_comment") return "comment-command";
      if (context.eventName === "workflow_dispatch" || context.eventName === "schedule") return "drift";
      return "skip";
  }
}

export async function run(): Promise<void> {
  const redactor = new Redactor();
  let deps: ActionDeps | undefined;
  let summary = new JobSummary(redactor);
  let outputs = new Outputs(redactor);
  let flow: Flow = "skip";
  try {
    const inputs = parseInputs();
    for (const secret of [inputs.databricksToken, inputs.githubToken, inputs.llm?.apiKey])
      redactor.add(secret);
    // Per-target tokens the workflow maps into the step's env (./targets.ts) are secrets from the start.
    for (const [name, value] of Object.entries(process.env))
      if (name.startsWith("DATABRICKS_TOKEN_") && value) {
        core.setSecret(value);
        redactor.add(value);
      }
    const context = readGitHubContext();
    deps = wire(inputs, context, redactor);
    summary = deps.summary;
    outputs = deps.outputs;
    flow = chooseFlow(inputs.mode, context);
    deps.log.info(`jobagent: mode ${inputs.mode}, event ${context.eventName} → ${flow}`);
    switch (flow) {
      case "pull-request":
        await runPullRequestFlow(deps, { force: inputs.mode !== "auto" });
        break;
      case "tech-lead":
        if (context.pullRequest) await runPullRequestFlow(deps, { techLeadOnly: true, force: true });
        else
          throw new ActionError(
            "configuration",
            'mode "tech-lead" runs on pull_request events (it commits task files to the PR branch)',
          );
        break;
      case "apply":
        await runApplyFlow(deps, { requireDefaultBranch: inputs.mode === "auto" });
        break;
      case "drift":
        await runDriftFlow(deps, { drift: true });
        break;
      case "plan-readonly":
        await runDriftFlow(deps, { drift: false });
        break;
      case "comment-command":
        await runCommentCommandFlow(deps);
        break;
      case "unlock":
        await runUnlockFlow(deps);
        break;
      case "skip": {
        const tag = context.ref.startsWith("refs/tags/") ? ` of tag ${context.ref.slice(10)}` : "";
        deps.log.info(`event "${context.eventName}"${tag} has nothing for mode auto to do`);
        summary.add(
          `### jobagent\n\nEvent \`${context.eventName}\`${tag ? ` (tag \`${context.ref.slice(10)}\`)` : ""}: nothing to do in mode \`auto\`.`,
        );
        break;
      }
    }
    outputs.set("failure-reason", "");
  } catch (error) {
    const reason: ActionFailureReason =
      error instanceof ActionError
        ? error.reason
        : error instanceof GitOperationError
          ? "git-push-failed"
          : (error instanceof GitHubApiError || error instanceof WorkspaceApiError) && permissionHint(error)
            ? "configuration"
            : flow === "apply"
              ? "apply-failed"
              : "plan-failed";
    const message = redactor.redact(
      withPermissionHint(error instanceof Error ? error.message : String(error), error),
    );
    outputs.set("failure-reason", reason);
    summary.add(`### ❌ jobagent failed (\`${reason}\`)\n\n${message}`);
    if (!(error instanceof ActionError)) core.debug(redactor.redact((error as Error)?.stack ?? ""));
    core.setFailed(message);
  } finally {
    outputs.flush();
    try {
      await summary.write();
    } catch (error) {
      core.warning(`writing the job summary failed: ${redactor.redact((error as Error).message)}`);
    }
  }
}
