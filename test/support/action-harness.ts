// Runs the action exactly as the runner does: `node dist/index.js` as a child process with the GitHub environment
// (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH with a realistic payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, INPUT_*),
// against a bare git remote with real checkouts and the fake GitHub REST server. Used by the targets e2e tests
// (git steps shared with ./action-run.ts; test/action/e2e.test.ts still keeps its own copy).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "./fake-github.js";

import { BUNDLE, OWNER, REPO, dev, git, mergeIntoMain, write } from "./action-run.js";

export { BUNDLE, OWNER, REPO, dev, git, write };
export const GITHUB_TOKEN = "ghs_e2eGithubToken0123456789abcdef";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses GITHUB_OUTPUT (name<<delimiter\nvalue\ndelimiter). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]] = m[3];
  return out;
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

export class ActionHarness {
  readonly root = mkdtempSync(join(tmpdir(), "jobagent-e2e-targets-"));
  readonly remote = join(this.root, "origin.git");
  github!: FakeGitHub;
  private runs = 0;

  async start(seedFiles: Record<string, string>): Promise<void> {
    git(this.root, "init", "--quiet", "--bare", "-b", "main", this.remote);
    const seed = join(this.root, "seed");
    git(this.root, "clone", "--quiet", this.remote, seed);
    for (const [file, text] of Object.entries(seedFiles)) write(seed, file, text);
    dev(seed, "add", ".");
    dev(seed, "commit", "-q", "-m", "initial");
    dev(seed, "push", "-q", "origin", "HEAD:main");
    this.github = await startFakeGitHub({
      owner: OWNER,
      repo: REPO,
      tokens: { [GITHUB_TOKEN]: { login: "github-actions[bot]", type: "Bot" } },
    });
  }

  async close(): Promise<void> {
    await this.github?.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  async run(options: RunOptions): Promise<RunResult> {
    this.runs++;
    const dir = join(this.root, `run-${this.runs}`);
    mkdirSync(dir);
    const eventPath = join(dir, "event.json");
    writeFileSync(eventPath, JSON.stringify(options.payload));
    const outputFile = join(dir, "output");
    const summaryFile = join(dir, "summary.md");
    writeFileSync(outputFile, "");
    writeFileSync(summaryFile, "");
    const inputs = {
      "github-token": GITHUB_TOKEN,
      "jobs-dir": "jobs",
      "run-wait-seconds": "5",
      ...options.inputs,
    };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: this.root,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      GITHUB_ACTIONS: "true",
      CI: "true",
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_REPOSITORY_OWNER: OWNER,
      GITHUB_SHA: options.sha,
      GITHUB_REF: options.ref,
      GITHUB_WORKSPACE: options.checkout,
      GITHUB_API_URL: this.github.url,
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_RUN_ID: String(7000 + this.runs),
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: dir,
      ...options.env,
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (done) =>
        execFile(
          process.execPath,
          [BUNDLE],
          { cwd: options.checkout, env, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) =>
            done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
    );
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputs(readFileSync(outputFile, "utf8")),
      summary: readFileSync(summaryFile, "utf8"),
    };
  }

  /** actions/checkout: a fresh clone with full history on `branch`, optionally reset to `sha` (GITHUB_SHA). */
  checkout(branch: string, name: string, sha?: string): string {
    const dir = join(this.root, name);
    git(this.root, "clone", "--quiet", "--branch", branch, this.remote, dir);
    if (sha) git(dir, "reset", "--quiet", "--hard", sha);
    return dir;
  }

  /** Opens a PR branch from main with `files`; returns the head and base shas. */
  openBranch(branch: string, files: Record<string, string>): { head: string; base: string } {
    const dir = join(this.root, `dev-${branch}`);
    git(this.root, "clone", "--quiet", this.remote, dir);
    dev(dir, "checkout", "-q", "-b", branch);
    for (const [file, text] of Object.entries(files)) write(dir, file, text);
    dev(dir, "add", ".");
    dev(dir, "commit", "-q", "-m", `change ${Object.keys(files).join(", ")}`);
    dev(dir, "push", "-q", "origin", branch);
    return { head: git(dir, "rev-parse", "HEAD"), base: git(dir, "rev-parse", "origin/main") };
  }

  /** Merges `branch` into main with a merge commit and registers the commit → PR link. */
  merge(branch: string, number: number): { sha: string; before: string } {
    return mergeIntoMain(this, branch, number, `merge-${number}`);
  }
}

export function prPayload(action: string, number: number, headRef: string, headSha: string, baseSha: string) {
  return {
    action,
    number,
    pull_request: {
      number,
      state: "open",
      html_url: `https://github.example/${OWNER}/${REPO}/pull/${number}`,
      head: { ref: headRef, sha: headSha, repo: { full_name: `${OWNER}/${REPO}` } },
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
