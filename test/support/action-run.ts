// Runs the action exactly as the runner does (`node dist/index.js` as a child process with the GitHub environment)
// against a bare git remote, the fake GitHub REST server and the local Databricks workspace; plus the git moves a
// developer makes (branch, merge with the merge button's commit). Shared by the flow tests of the action.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { FakeGitHub } from "./fake-github.js";

export const BUNDLE = resolve(process.env.JOBAGENT_E2E_BUNDLE ?? "dist/index.js");
export const GITHUB_TOKEN = "ghs_flowGithubToken0123456789abcdef";
export const OWNER = "acme";
export const REPO = "data-jobs";

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: gitEnv, encoding: "utf8" }).trim();
}
export function dev(cwd: string, ...args: string[]): string {
  return git(cwd, "-c", "user.name=Dana Developer", "-c", "user.email=dana@example.com", ...args);
}
export function write(dir: string, file: string, text: string): void {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
}

export function requirement(name: string, workers: number): string {
  return `---
title: ${name}
job:
  name: ${name}
  tags: { team: data-eng }
  job_clusters:
    - job_cluster_key: etl
      new_cluster:
        spark_version: 15.4.x-scala2.12
        node_type_id: i3.xlarge
        num_workers: ${workers}
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/etl/ingest
---
# ${name}

Ingest the orders.
`;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]] = m[3];
  return out;
}

/** A test's world: a temp root with a bare remote (`origin.git`, branch main), the fake GitHub, the workspace. */
export interface FlowWorld {
  root: string;
  remote: string;
  github: FakeGitHub;
  local: LocalWorkspace;
  runs: number;
}

export interface RunOptions {
  event: string;
  payload: Record<string, unknown>;
  checkout: string;
  sha: string;
  ref: string;
  inputs?: Record<string, string>;
  /** Extra step env (e.g. DATABRICKS_HOST_PROD mapped from secrets). */
  env?: Record<string, string>;
}

/**
 * One step of the action. With a local workspace in the world its URL and token are the Databricks inputs; without
 * one (targets: each target's credentials come from `options.env`) there are none.
 */
export async function runAction(
  world: Pick<FlowWorld, "root" | "github" | "runs"> & { local?: LocalWorkspace },
  options: RunOptions,
): Promise<RunResult> {
  const n = ++world.runs;
  const dir = join(world.root, `run-${n}`);
  mkdirSync(dir);
  const files = {
    event: join(dir, "event.json"),
    output: join(dir, "output"),
    summary: join(dir, "summary.md"),
  };
  writeFileSync(files.event, JSON.stringify(options.payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const inputs: Record<string, string> = {
    ...(world.local ? { "databricks-host": world.local.url, "databricks-token": world.local.token } : {}),
    "github-token": GITHUB_TOKEN,
    "jobs-dir": "jobs",
    "run-wait-seconds": "5",
    ...options.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: world.root,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_REPOSITORY_OWNER: OWNER,
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.ref,
    GITHUB_WORKSPACE: options.checkout,
    GITHUB_API_URL: world.github.url,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_RUN_ID: String(7000 + n),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (done) => {
      execFile(
        process.execPath,
        [BUNDLE],
        { cwd: options.checkout, env, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    },
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.output, "utf8")),
    summary: readFileSync(files.summary, "utf8"),
  };
}

/** Creates the bare remote with one commit on main (README, an empty jobs directory). */
export function seedRemote(root: string): string {
  const remote = join(root, "origin.git");
  git(root, "init", "--quiet", "--bare", "-b", "main", remote);
  const seed = join(root, "seed");
  git(root, "clone", "--quiet", remote, seed);
  write(seed, "README.md", "# data jobs\n");
  write(seed, "jobs/.gitkeep", "");
  dev(seed, "add", ".");
  dev(seed, "commit", "-q", "-m", "initial");
  dev(seed, "push", "-q", "origin", "HEAD:main");
  return remote;
}

/** actions/checkout: a fresh clone with full history on the given branch. */
export function checkoutOf(world: Pick<FlowWorld, "root" | "remote">, branch: string, name: string): string {
  const dir = join(world.root, name);
  git(world.root, "clone", "--quiet", "--branch", branch, world.remote, dir);
  return dir;
}

/** A pull_request payload; `headRepo` other than this repository is a pull request from a fork. */
export function prPayload(
  number: number,
  headRef: string,
  headSha: string,
  baseSha: string,
  { action = "opened", headRepo = `${OWNER}/${REPO}` }: { action?: string; headRepo?: string } = {},
) {
  return {
    action,
    number,
    pull_request: {
      number,
      state: "open",
      html_url: `https://github.example/${OWNER}/${REPO}/pull/${number}`,
      head: { ref: headRef, sha: headSha, repo: { full_name: headRepo } },
      base: { ref: "main", sha: baseSha, repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: "main" },
  };
}

export function pushPayload(sha: string, before: string) {
  return {
    ref: "refs/heads/main",
    before,
    after: sha,
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: "main" },
    head_commit: { id: sha, message: "Merge pull request" },
  };
}

/** Opens a PR branch from main with `files`; returns its head and base commits. */
export function openBranch(
  world: Pick<FlowWorld, "root" | "remote">,
  branch: string,
  files: Record<string, string>,
): { devDir: string; head: string; base: string } {
  const devDir = join(world.root, `dev-${branch}`);
  git(world.root, "clone", "--quiet", world.remote, devDir);
  dev(devDir, "checkout", "-q", "-b", branch);
  for (const [file, text] of Object.entries(files)) write(devDir, file, text);
  dev(devDir, "add", ".");
  dev(devDir, "commit", "-q", "-m", `add ${Object.keys(files).join(", ")}`);
  dev(devDir, "push", "-q", "origin", branch);
  return { devDir, head: git(devDir, "rev-parse", "HEAD"), base: git(devDir, "rev-parse", "origin/main") };
}

/** Merges `branch` into main with a merge commit (as the merge button does) and registers the commit → PR link. */
export function merge(world: FlowWorld, branch: string, number: number): { sha: string; before: string } {
  return mergeIntoMain(world, branch, number, `merge-${number}-${world.runs}`);
}

/** The merge of `merge` in a fresh clone `<root>/<dirName>`, for any harness with a root, a remote and a fake GitHub. */
export function mergeIntoMain(
  world: Pick<FlowWorld, "root" | "remote" | "github">,
  branch: string,
  number: number,
  dirName: string,
): { sha: string; before: string } {
  const dir = join(world.root, dirName);
  git(world.root, "clone", "--quiet", world.remote, dir);
  const before = git(dir, "rev-parse", "HEAD");
  write(dir, ".git/info/attributes", "jobs/.tasks/progress.md merge=union\n");
  dev(
    dir,
    "merge",
    "-q",
    "--no-ff",
    `origin/${branch}`,
    "-m",
    `Merge pull request #${number} from ${OWNER}/${branch}`,
  );
  dev(dir, "push", "-q", "origin", "HEAD:main");
  const sha = git(dir, "rev-parse", "HEAD");
  world.github.pulls.set(sha, [
    {
      number,
      state: "closed",
      merged_at: new Date().toISOString(),
      merge_commit_sha: sha,
      head: { ref: branch, sha: git(dir, "rev-parse", `origin/${branch}`) },
    },
  ]);
  return { sha, before };
}

/** The task files (not the progress log) of a checkout's jobs directory, with their text. */
export function taskTexts(dir: string): string[] {
  const tasks = join(dir, "jobs", ".tasks");
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks)
    .filter((f) => f.endsWith(".md") && f !== "progress.md")
    .map((f) => readFileSync(join(tasks, f), "utf8"));
}

export function statusOf(text: string): string | undefined {
  return /^status:\s*(\S+)/m.exec(text)?.[1];
}
