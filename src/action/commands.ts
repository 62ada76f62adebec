/**
 * Comment commands on pull requests (`issue_comment` events), Atlantis-style:
 *   /jobagent plan          re-plan this pull request (task files committed, the sticky plan comment updated)
 *   /jobagent apply         apply this pull request's approved plan before the merge (input `comment-apply: true`)
 *   /jobagent run <job>     start a run of a job this repository manages; wait (run-wait-seconds) and report its result
 *   /jobagent unlock        release the workspace's apply lock (left by a cancelled run)
 *   /jobagent help          the list of commands
 * Only people with write (or admin) permission may run anything but `help` (checked through the API, never from
 * the payload); pull requests from forks are never planned, applied or run from a comment (their code would run
 * with this repository's secrets). The action reacts to the comment (👀 on receipt, 👍 done, 👎 refused) and
 * answers in one sticky comment per pull request (marker `jobagent:command`), edited in place.
 */
import { upsertOwnComment } from "../adapters/github/sticky.js";
import { waitForRun } from "../adapters/databricks/wait-run.js";
import { formatDuration } from "../domain/duration.js";
import type { GitHubPort, PullRequestDetails, Reaction } from "../adapters/github/port.js";
import type { CommentContext } from "./context.js";
import type { ActionDeps } from "./deps.js";
import { releaseWorkspaceLock } from "./unlock.js";
import { ActionError, ConfigurationError } from "./errors.js";
import { runApplyForPullRequest, type CommandAnswer } from "./command-apply.js";
import { runPullRequestFlow } from "./pull-request.js";
import { engineOptions } from "./shared.js";
import { declaredTargets } from "./targets.js";

export const COMMANDS = ["plan", "apply", "run", "unlock", "help"] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface ParsedCommand {
  name: CommandName | "unknown";
  args: string[];
  /** The command line as written (for the answer). */
  line: string;
}

/** The first line of `body` that starts with `/jobagent` (quoted lines, `> /jobagent`, are not commands). */
export function parseCommand(body: string): ParsedCommand | undefined {
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^\/jobagent(?:\s+(.*))?$/i.exec(line);
    if (!m) continue;
    const [word = "help", ...args] = (m[1] ?? "").trim().split(/\s+/).filter(Boolean);
    const name = (COMMANDS as readonly string[]).includes(word.toLowerCase())
      ? (word.toLowerCase() as CommandName)
      : "unknown";
    return { name, args, line: line.slice(0, 200) };
  }
  return undefined;
}

export const HELP = [
  "| command | what it does | who may |",
  "|---|---|---|",
  "| `/jobagent plan` | re-plans this pull request and updates the plan comment | write access |",
  "| `/jobagent apply` | applies this pull request's approved plan before the merge (needs `comment-apply: true`, an approval and a mergeable pull request) | write access |",
  "| `/jobagent run <job>` | starts a run of a job this repository manages | write access |",
  "| `/jobagent unlock` | releases the workspace's apply lock (left by a cancelled run) | write access |",
  "| `/jobagent help` | this list | anyone |",
].join("\n");

const WRITE = new Set(["admin", "maintain", "write"]);

function refuse(text: string): CommandAnswer {
  return { ok: false, text: `⛔ **Refused:** ${text}` };
}

function code(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, "")}\``;
}

async function react(deps: ActionDeps, github: GitHubPort, id: number, reaction: Reaction): Promise<void> {
  await github.addReaction(id, reaction).catch((error: unknown) => {
    deps.log.warn(`could not react to comment ${id}: ${(error as Error).message}`);
  });
}

async function answer(deps: ActionDeps, github: GitHubPort, c: CommentContext, body: string): Promise<void> {
  if (deps.inputs.comment === "off") return;
  const sticky = {
    kind: "command" as const,
    jobsDir: deps.inputs.jobsDir,
    trustedAuthors: deps.inputs.botLogins,
  };
  await upsertOwnComment(github, c.issueNumber, sticky, () => deps.redactor.redact(body));
}

/** The issue_comment flow: parse, check who and what, run the command, react and answer. */
export async function runCommentCommandFlow(deps: ActionDeps): Promise<void> {
  const c = deps.context.comment;
  if (!c) throw new ConfigurationError(`event "${deps.context.eventName}" carries no comment`);
  const command = parseCommand(c.body);
  if (c.action !== "created" || !c.onPullRequest || !command || deps.inputs.botLogins.includes(c.author)) {
    deps.log.info("the comment is not a /jobagent command on a pull request: nothing to do");
    return;
  }
  if (!deps.github) throw new ConfigurationError('comment commands need the "github-token" input');
  const github = deps.github;
  deps.log.info(`command ${code(command.line)} by ${c.author} on #${c.issueNumber}`);
  await react(deps, github, c.id, "eyes");
  let result: CommandAnswer;
  let failure: unknown;
  try {
    result = await decide(deps, github, c, command);
  } catch (error) {
    failure = error;
    result = { ok: false, text: `❌ **Failed:** ${(error as Error).message}` };
  }
  const heading = `### ${code(command.line)} by ${code(c.author)}`;
  const marker = `<!-- jobagent:command jobs-dir=${encodeURIComponent(deps.inputs.jobsDir)} -->`;
  const run = deps.context.runUrl ? `\n\n<sub>[workflow run](${deps.context.runUrl})</sub>` : "";
  await answer(deps, github, c, `${marker}\n${heading}\n\n${result.text}${run}`);
  await react(deps, github, c.id, result.ok ? "+1" : "-1");
  deps.summary.add(`${heading}\n\n${result.text}`);
  if (failure) throw failure;
  if (result.failure)
    throw new ActionError(
      result.failure,
      "the apply requested by the comment failed; see the answer comment",
    );
  if (!result.ok) deps.log.warn(result.text);
}

async function decide(
  deps: ActionDeps,
  github: GitHubPort,
  c: CommentContext,
  command: ParsedCommand,
): Promise<CommandAnswer> {
  if (command.name === "help") return { ok: true, text: HELP };
  if (command.name === "unknown") return refuse(`${code(command.line)} is not a command I know.\n\n${HELP}`);
  const permission = await github.getPermission(c.author);
  if (!WRITE.has(permission)) {
    return refuse(
      `${code(c.author)} has ${code(permission)} permission on this repository; ` +
        `${code(`/jobagent ${command.name}`)} needs write access (ask a maintainer).`,
    );
  }
  const pr = await github.getPullRequest(c.issueNumber);
  if (!pr.headRepo || pr.headRepo.toLowerCase() !== deps.context.repository.toLowerCase()) {
    return refuse(
      "this pull request comes from a fork; its code is never planned, applied or run from a comment " +
        "(it would run with this repository's secrets). Push the branch to this repository to use commands.",
    );
  }
  if (pr.state !== "open") return refuse(`pull request #${pr.number} is ${pr.merged ? "merged" : "closed"}.`);
  // With deployment targets each target has its own workspace, credentials and approval: apply, run and unlock go
  // through the workflow job of that target (its GitHub environment), never through one comment.
  if (command.name !== "plan" && (await declaredTargets(deps))?.length)
    return refuse(
      `this repository deploys to targets (jobagent.yml \`targets:\`); ${code(`/jobagent ${command.name}`)} does not choose one. ` +
        "Apply happens on merge and through each target's environment job; run or unlock with `mode: apply` / `mode: unlock` and the `target` input.",
    );
  switch (command.name) {
    case "plan":
      return commandPlan(deps, pr);
    case "apply":
      return commandApply(deps, github, pr);
    case "run":
      // The pull request's view of the managed jobs (its task files), as for plan and apply.
      await checkoutHead(deps, pr);
      return commandRun(deps, command.args);
    case "unlock":
      return commandUnlock(deps, pr, c.author);
  }
}

/** Points the run at the pull request's head branch, as a pull_request run would see it. */
async function checkoutHead(deps: ActionDeps, pr: PullRequestDetails): Promise<void> {
  if (!pr.headRef) throw new ConfigurationError(`pull request #${pr.number} has no head branch`);
  const sha = await deps.git.checkoutBranch(pr.headRef);
  deps.context.pullRequest = {
    number: pr.number,
    action: "synchronize",
    headRef: pr.headRef,
    headSha: sha,
    baseRef: pr.baseRef ?? deps.context.defaultBranch ?? "",
    baseSha: pr.baseSha ?? "",
    fromFork: false,
    htmlUrl: pr.htmlUrl,
  };
}

async function commandPlan(deps: ActionDeps, pr: PullRequestDetails): Promise<CommandAnswer> {
  await checkoutHead(deps, pr);
  try {
    await runPullRequestFlow(deps, { force: true });
  } catch (error) {
    if (error instanceof ActionError && error.reason === "validation-failed")
      return {
        ok: false,
        text: `❌ Re-planned: validation failed; see the plan comment. (${error.message})`,
      };
    throw error;
  }
  return {
    ok: true,
    text: `✅ Re-planned on ${code(pr.headRef ?? "")}: plan ${code(deps.outputs.get("plan-hash") ?? "")}; see the plan comment.`,
  };
}

async function commandApply(
  deps: ActionDeps,
  github: GitHubPort,
  pr: PullRequestDetails,
): Promise<CommandAnswer> {
  if (!deps.inputs.commentApply)
    return refuse(
      "apply from a comment is off in this repository (the workflow's `comment-apply` input is `false`); the plan is applied when the pull request is merged.",
    );
  const reviews = await github.listPullRequestReviews(pr.number);
  const latest = new Map<string, string>();
  for (const r of reviews)
    if (r.state !== "COMMENTED" && r.state !== "PENDING") latest.set(r.author, r.state);
  const states = [...latest.values()];
  if (!states.includes("APPROVED") || states.includes("CHANGES_REQUESTED"))
    return refuse(
      `pull request #${pr.number} is not approved${states.includes("CHANGES_REQUESTED") ? " (changes are requested)" : ""}; apply before merge needs an approving review.`,
    );
  if (pr.mergeable !== true || ["dirty", "blocked", "behind"].includes(pr.mergeableState ?? ""))
    return refuse(
      `pull request #${pr.number} is not mergeable (${pr.mergeable === null || pr.mergeable === undefined ? "GitHub has not computed it yet" : `state ${code(pr.mergeableState ?? "unknown")}`}); fix that and comment again.`,
    );
  await checkoutHead(deps, pr);
  return runApplyForPullRequest(deps, github, pr);
}

async function commandRun(deps: ActionDeps, args: string[]): Promise<CommandAnswer> {
  const name = args.join(" ").trim();
  if (!name) return refuse("name the job: `/jobagent run <job name>`.");
  const workspace = await deps.workspace();
  if (!workspace) throw new ConfigurationError("no Databricks credentials: cannot start a run");
  const status = await deps.engine.readStatus({
    repoDir: deps.context.workspace,
    jobsDir: deps.inputs.jobsDir,
  });
  const task = status.tasks.find((t) => t.jobName === name && t.jobId !== undefined);
  if (!task || task.jobId === undefined)
    return refuse(`${code(name)} is not a job this repository manages (or it was never applied).`);
  const opts = await engineOptions(deps, workspace);
  const { run_id } = await workspace.runNow(task.jobId, { idempotency_token: `jobagent-${opts.runId}` });
  const run = await workspace.getRun(run_id).catch(() => undefined);
  const url = run?.run_page_url ?? `${deps.inputs.databricksHost}/jobs/${task.jobId}/runs/${run_id}`;
  deps.log.info(`started run ${run_id} of ${name}: ${url}`);
  const started = `▶️ Started [run ${run_id}](${url}) of ${code(name)} (job ${task.jobId})`;
  if (!(deps.inputs.runWaitSeconds > 0)) return { ok: true, text: `${started}.` };
  // Waits (bounded by run-wait-seconds) and answers with the result, like a `run` requirement.
  const waited = await waitForRun(
    workspace,
    deps.log,
    { runId: run_id, jobId: task.jobId },
    deps.inputs.runWaitSeconds,
  );
  const state = waited.state;
  if (waited.durationMs === undefined)
    return {
      ok: true,
      text: `${started}; still ${code(state.life_cycle_state)} after ${deps.inputs.runWaitSeconds} s (run-wait-seconds), see the run page.`,
    };
  const result = state.result_state ?? state.life_cycle_state;
  const ok = result === "SUCCESS";
  const message = state.state_message
    ? `: ${state.state_message.replace(/[\r\n]+/g, " ").slice(0, 300)}`
    : "";
  return {
    ok,
    text: `${started}: ${ok ? "✅" : "❌"} ${code(result)} in ${formatDuration(waited.durationMs)}${ok ? "" : message}.`,
  };
}

async function commandUnlock(deps: ActionDeps, pr: PullRequestDetails, by: string): Promise<CommandAnswer> {
  const { text } = await releaseWorkspaceLock(deps);
  deps.log.info(`unlock asked by ${by} on PR #${pr.number}`);
  return { ok: true, text: `🔓 ${text}` };
}
