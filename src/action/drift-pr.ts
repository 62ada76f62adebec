/**
 * Drift comes back as a pull request: one per drifted job, on `jobagent/drift/<task id>`, into the default branch.
 *
 * - Default (adopt): the requirement's job block takes the workspace's values of the drifted fields
 *   (techlead/requirements/adopt-drift.ts) and the task file records the plan of that edit, which must be zero
 *   changes — checked by planning the edited repository in a scratch copy before anything is pushed. Merging
 *   changes nothing in the workspace.
 * - Labelled `jobagent:revert-drift` (revert): the requirement stays; the task file records the planned update that
 *   puts the requirement's values back (PLANNED with its plan hash), so the apply after the merge restores them.
 * - The same drift again: the pull request is left as it is (its body carries a fingerprint of mode + drift). Other
 *   drift: the branch is rewritten (a lease on the tip that was checked) and the body updated. Drift gone: the pull
 *   request is closed with a comment. A branch carrying anyone else's commits is never rewritten or closed: the run
 *   says so on the pull request and in the job summary.
 * - Prose requirements (no job block to edit) and runs with deployment targets get no pull request; the job summary
 *   says why.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import type { ListedPullRequest, OwnPullRequest } from "../adapters/github/port.js";
import type { EngineOptions } from "../engine/api.js";
import { driftValue, type DriftedJob, type DriftReport } from "../engine/drift.js";
import type { Logger } from "../domain/model.js";
import { escapeTableCell } from "../domain/markdown.js";
import { hashJson } from "../domain/plan.js";
import { parseTaskFile, renderTaskFile } from "../state/task-file.js";
import { FileTaskStore } from "../state/task-store.js";
import { adoptDrift } from "../techlead/requirements/adopt-drift.js";
import type { ActionDeps } from "./deps.js";
import { withPermissionHint } from "./permissions.js";
import { branchOfRef, shortSha } from "./shared.js";

export const DRIFT_BRANCH_PREFIX = "jobagent/drift/";
export const REVERT_LABEL = "jobagent:revert-drift";
const MARKER = /<!-- jobagent-drift task=(\S+) mode=(adopt|revert) drift=(\S+) -->/;

type Mode = "adopt" | "revert";

export interface DriftPullOutcome {
  jobName: string;
  taskId: string;
  branch: string;
  mode?: Mode;
  /** What this run did. */
  action: "opened" | "updated" | "unchanged" | "dismissed" | "kept" | "refused" | "closed" | "failed";
  pullRequest?: Pick<OwnPullRequest, "number" | "htmlUrl">;
  /** Why (refused, kept, failed) or what (closed), in words. */
  note?: string;
}

/** A logger that keeps the scratch plans out of the run's log (they repeat what the drift plan said). */
function quiet(log: ActionDeps["log"]): Logger {
  return {
    info: (m) => log.debug(m),
    warn: (m) => log.debug(m),
    error: (m) => log.debug(m),
    debug: (m) => log.debug(m),
    group: (_name, fn) => fn(),
  };
}

function fieldRows(job: DriftedJob): string[] {
  const cell = (v: unknown, path: string) => {
    const text = driftValue(v, path, 300);
    return v === undefined ? "_(not set)_" : `\`${escapeTableCell(text).replace(/`/g, "'")}\``;
  };
  return [
    "| field | requirement (last applied) | workspace now | |",
    "|---|---|---|---|",
    ...job.fields.map(
      (f) =>
        `| \`${escapeTableCell(f.path)}\` | ${cell(f.requirement, f.path)} | ${cell(f.workspace, f.path)} | ${f.change} |`,
    ),
  ];
}

function pullBody(
  deps: ActionDeps,
  job: DriftedJob,
  mode: Mode,
  fingerprint: string,
  files: string[],
  taskFile: string,
): string {
  const link = job.jobUrl ? `[${job.jobName}](${job.jobUrl})` : `\`${job.jobName}\``;
  const what =
    mode === "adopt"
      ? [
          `**Merging adopts the workspace's version.** \`${job.requirement}\` is edited — only the fields above — so that its plan against the workspace shows zero changes; \`${taskFile}\` records that plan. The apply after the merge changes nothing in the workspace.`,
          "",
          `**To revert the workspace instead,** add the label \`${REVERT_LABEL}\` to this pull request and run the drift check again (the scheduled workflow, or *Run workflow*): the branch is rewritten to leave the requirement as it is and to record in \`${taskFile}\` the planned update that puts the requirement's values back. Merging it then makes the apply restore them.`,
        ]
      : [
          `**Merging reverts the workspace** (label \`${REVERT_LABEL}\`). \`${job.requirement}\` stays as it is; \`${taskFile}\` records the planned update (status PLANNED, its plan hash) that puts the requirement's values back. The apply after the merge restores them in the workspace — and refuses (plan-changed) if the job was changed again meanwhile.`,
          "",
          `To adopt the workspace's version instead, remove the label and run the drift check again.`,
        ];
  return [
    `## Drift: ${link}${job.jobId !== undefined ? ` (job ${job.jobId})` : ""} was changed in the workspace`,
    "",
    `The job no longer matches what the last apply of \`${job.requirement}\` (task \`${job.taskId}\`) left. Changed in the workspace:`,
    "",
    ...fieldRows(job),
    "",
    "Who and when: the Jobs API does not record who changed a job or when; the workspace's audit log does (service `jobs`, actions `resetJob`, `updateJob`, `changeJobAcl`).",
    "",
    ...what,
    "",
    `Files: ${files.map((f) => `\`${f}\``).join(", ")}. Later drift checks update this pull request while the drift lasts and close it when the workspace matches the repository again; commits a person pushes to this branch are never overwritten (the drift check then leaves the branch alone and says so here).`,
    "",
    `_Drift check of \`${shortSha(deps.context.sha)}\`${deps.context.runUrl ? ` in [this workflow run](${deps.context.runUrl})` : ""}._`,
    "",
    `<!-- jobagent-drift task=${job.taskId} mode=${mode} drift=${fingerprint} -->`,
  ].join("\n");
}

type Built = { ok: true; files: Record<string, string> } | { ok: false; reason: string };

/** A copy of the checkout without `.git`: the scratch repository the branch's files are planned in. */
async function scratchCopy(repoDir: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "jobagent-drift-"));
  await cp(repoDir, dir, {
    recursive: true,
    filter: (source) => {
      const rel = relative(repoDir, source);
      return rel === "" || (rel !== ".git" && basename(source) !== "node_modules");
    },
  });
  return dir;
}

/** The files of the branch for `mode`, planned in a scratch copy of the checkout (the checkout is not touched). */
async function buildBranch(
  deps: ActionDeps,
  options: EngineOptions,
  job: DriftedJob,
  key: string,
  taskFile: string,
  mode: Mode,
): Promise<Built> {
  const scratch = await scratchCopy(options.repoDir);
  try {
    const files: Record<string, string> = {};
    if (mode === "adopt") {
      const text = await readFile(join(scratch, job.requirement), "utf8");
      const adopted = adoptDrift(
        text,
        key,
        job.fields.map((f) => ({ path: f.path, category: f.category, workspace: f.workspace })),
        job.workspaceGrants,
      );
      if (!adopted.ok) return { ok: false, reason: `${job.requirement}: ${adopted.reason}` };
      await writeFile(join(scratch, job.requirement), adopted.text);
      files[job.requirement] = adopted.text;
    }
    const plan = await deps.engine.runPlan(
      { ...options, repoDir: scratch, log: quiet(deps.log) },
      { record: true },
    );
    const errors = plan.diagnostics.filter((d) => d.severity === "error" && d.file === job.requirement);
    if (errors.length > 0)
      return {
        ok: false,
        reason: `the edited requirement does not validate: ${errors[0]?.path} — ${errors[0]?.message}`,
      };
    const change = plan.changes.find((c) => c.taskId === job.taskId);
    if (mode === "adopt" && change?.op !== "no-op") {
      const left = change?.fields.map((f) => `\`${f.path}\``).join(", ") ?? "the job is not planned";
      return {
        ok: false,
        reason: `writing the workspace's values into \`${job.requirement}\` does not make its plan zero changes (left: ${left}); adopt the change by hand`,
      };
    }
    if (mode === "revert" && change?.op !== "update")
      return { ok: false, reason: `the plan of the revert is ${change?.op ?? "missing"}, not an update` };
    // The decision, in words, on the history entry this plan wrote (the task file's diff shows what merging does).
    const task = parseTaskFile(taskFile, await readFile(join(scratch, taskFile), "utf8"));
    const last = task.history.at(-1);
    if (last && last.by === `worker@${options.runId}`) {
      const what = mode === "adopt" ? "the requirement adopts" : "the apply after the merge reverts";
      last.note = `${last.note ?? ""} — ${what} the workspace's drift of ${job.fields.map((f) => f.path).join(", ")} (drift check of ${shortSha(deps.context.sha)})`;
    }
    files[taskFile] = renderTaskFile(task);
    return { ok: true, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function markerOf(body: string | undefined) {
  const m = MARKER.exec(body ?? "");
  return m ? { task: m[1], mode: m[2] as Mode, drift: m[3] } : undefined;
}

function foreignText(foreign: Array<{ sha: string; author: string }>): string {
  const authors = [...new Set(foreign.map((c) => c.author))].join(", ");
  return `${foreign.length} commit(s) by ${authors} (${foreign.map((c) => shortSha(c.sha)).join(", ")})`;
}

async function keepOne(
  deps: ActionDeps,
  options: EngineOptions,
  job: DriftedJob,
  key: string | undefined,
  taskFile: string,
  base: string,
  existing: ListedPullRequest | undefined,
): Promise<DriftPullOutcome> {
  const github = deps.github!;
  const branch = `${DRIFT_BRANCH_PREFIX}${job.taskId}`;
  const mode: Mode = existing?.labels.includes(REVERT_LABEL) ? "revert" : "adopt";
  const outcome: DriftPullOutcome = {
    jobName: job.jobName,
    taskId: job.taskId,
    branch,
    mode,
    action: "failed",
  };
  if (existing) outcome.pullRequest = { number: existing.number, htmlUrl: existing.htmlUrl };
  const fingerprint = hashJson({ fields: job.fields, grants: job.workspaceGrants ?? null });
  const shown = markerOf(existing?.body);
  if (existing && shown?.drift === fingerprint && shown.mode === mode)
    return { ...outcome, action: "unchanged", note: "same drift as the pull request shows" };
  if (!existing) {
    // A pull request of this very drift that was closed: not proposed again until the drift changes.
    const closed = await github.listPullRequests({ base, state: "closed", head: branch });
    const same = closed.find((p) => markerOf(p.body)?.drift === fingerprint);
    if (same)
      return {
        ...outcome,
        mode: markerOf(same.body)?.mode,
        pullRequest: { number: same.number, htmlUrl: same.htmlUrl },
        action: same.mergedAt ? "unchanged" : "dismissed",
        note: same.mergedAt
          ? `#${same.number} with this drift was merged; the apply after that merge has not changed the job yet`
          : `#${same.number} with this drift was closed without merging: not proposed again until the drift changes (reopen it to take it up)`,
      };
  }
  if (!key) return { ...outcome, action: "refused", note: `no task file for ${job.taskId}` };
  const remote = await deps.git.remoteBranch(branch);
  if (remote && remote.foreign.length > 0) {
    const note = `\`${branch}\` has ${foreignText(remote.foreign)}: not rewritten`;
    if (existing)
      await github.createIssueComment(
        existing.number,
        `The drift of \`${job.jobName}\` changed (${mode}), but this branch has ${foreignText(remote.foreign)}, so the drift check did not rewrite it. Finish or drop those commits; to let the drift check take the branch over again, reset it to a commit of its own or delete the branch.`,
      );
    return { ...outcome, action: "kept", note };
  }
  const built = await buildBranch(deps, options, job, key, taskFile, mode);
  if (!built.ok) return { ...outcome, action: "refused", note: built.reason };
  const title = `jobagent: ${mode === "adopt" ? "adopt" : "revert"} workspace drift of ${job.jobName}`;
  await deps.git.pushFilesAsBranch({
    branch,
    files: built.files,
    message: `${title}\n\n${job.fields.map((f) => `- ${f.path} (${f.change} in the workspace)`).join("\n")}`,
    ...(remote ? { expected: remote.sha } : {}),
  });
  const body = pullBody(deps, job, mode, fingerprint, Object.keys(built.files), taskFile);
  if (existing) {
    await github.updatePullRequest(existing.number, { title, body });
    return { ...outcome, action: "updated" };
  }
  const created = await github.createPullRequest({ head: branch, base, title, body });
  return { ...outcome, action: "opened", pullRequest: { number: created.number, htmlUrl: created.htmlUrl } };
}

/** A drift pull request whose job no longer drifts: closed with a comment, unless a person's commits are on it. */
async function closeGone(deps: ActionDeps, pull: ListedPullRequest): Promise<DriftPullOutcome> {
  const github = deps.github!;
  const taskId = markerOf(pull.body)?.task ?? pull.headRef.slice(DRIFT_BRANCH_PREFIX.length);
  const outcome: DriftPullOutcome = {
    jobName: taskId,
    taskId,
    branch: pull.headRef,
    action: "closed",
    pullRequest: { number: pull.number, htmlUrl: pull.htmlUrl },
  };
  const remote = await deps.git.remoteBranch(pull.headRef);
  if (remote && remote.foreign.length > 0)
    return {
      ...outcome,
      action: "kept",
      note: `no drift any more, but the branch has ${foreignText(remote.foreign)}`,
    };
  await github.createIssueComment(
    pull.number,
    `The workspace matches the repository again for task \`${taskId}\` (no drift in the check of \`${shortSha(deps.context.sha)}\`${deps.context.runUrl ? `, [run](${deps.context.runUrl})` : ""}): closing this pull request.`,
  );
  await github.closePullRequest(pull.number);
  return { ...outcome, note: "no drift any more" };
}

/** One pull request per drifted job; closes those whose drift went away. */
export async function keepDriftPullRequests(
  deps: ActionDeps,
  options: EngineOptions,
  report: DriftReport,
): Promise<{ outcomes: DriftPullOutcome[]; note?: string }> {
  const github = deps.github;
  if (!github)
    return {
      outcomes: [],
      note: 'no "github-token": drift pull requests are not opened (the summary above lists the drift)',
    };
  if (options.target)
    return {
      outcomes: [],
      note: "with deployment targets, drift pull requests are not opened: a requirement serves every target, so adopting one target's drift would change the others (the summary above lists the drift; change the requirement or its target overrides by hand)",
    };
  const base = deps.context.defaultBranch ?? branchOfRef(deps.context.ref) ?? "main";
  // The branch is built on the checkout: only a run on the default branch may propose it there (a workflow_dispatch
  // on a feature branch would carry that branch's commits into the pull request).
  if (branchOfRef(deps.context.ref) !== base)
    return {
      outcomes: [],
      note: `drift pull requests are opened by a run on the default branch \`${base}\` only (this run is on \`${deps.context.ref}\`)`,
    };
  const open = (await github.listPullRequests({ base, state: "open" })).filter((p) =>
    p.headRef.startsWith(DRIFT_BRANCH_PREFIX),
  );
  const store = new FileTaskStore(options.repoDir, options.jobsDir);
  const { tasks } = await store.list();
  const outcomes: DriftPullOutcome[] = [];
  for (const job of report.jobs) {
    const branch = `${DRIFT_BRANCH_PREFIX}${job.taskId}`;
    const existing = open.find((p) => p.headRef === branch);
    const key = tasks.find((t) => t.id === job.taskId)?.key;
    try {
      outcomes.push(await keepOne(deps, options, job, key, store.fileOf(job.taskId), base, existing));
    } catch (error) {
      deps.log.warn(
        withPermissionHint(
          `the drift pull request of ${job.jobName} failed: ${(error as Error).message}`,
          error,
        ),
      );
      outcomes.push({
        jobName: job.jobName,
        taskId: job.taskId,
        branch,
        action: "failed",
        note: (error as Error).message.split("\n")[0],
      });
    }
  }
  const drifted = new Set(report.jobs.map((j) => `${DRIFT_BRANCH_PREFIX}${j.taskId}`));
  // Only a check that read every job may say a drift went away (an invalid plan may have skipped some), and only of
  // a task of this jobs directory (another directory's drift check keeps its own pull requests).
  const known = new Set(tasks.map((t) => `${DRIFT_BRANCH_PREFIX}${t.id}`));
  if (report.valid)
    for (const pull of open.filter((p) => !drifted.has(p.headRef) && known.has(p.headRef))) {
      try {
        outcomes.push(await closeGone(deps, pull));
      } catch (error) {
        deps.log.warn(`closing drift pull request #${pull.number} failed: ${(error as Error).message}`);
      }
    }
  return { outcomes };
}

/** The job summary's section on the drift pull requests. */
export function driftPullsMarkdown(result: { outcomes: DriftPullOutcome[]; note?: string }): string {
  if (result.note) return `Drift pull requests: ${result.note}.`;
  if (result.outcomes.length === 0) return "";
  const rows = result.outcomes.map((o) => {
    const pr = o.pullRequest
      ? o.pullRequest.htmlUrl
        ? `[#${o.pullRequest.number}](${o.pullRequest.htmlUrl})`
        : `#${o.pullRequest.number}`
      : "";
    return `| ${escapeTableCell(o.jobName)} | \`${o.branch}\` | ${pr} | ${o.action}${o.mode ? ` (${o.mode})` : ""} | ${escapeTableCell(o.note ?? "")} |`;
  });
  return [
    "### Drift pull requests",
    "",
    "| job | branch | pull request | this run | note |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
