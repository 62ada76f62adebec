/**
 * Shared helpers for the reliability (test/reliability) and safety (test/safety) suites: temporary git repositories,
 * the real CLI (dist/cli.js) as a child process, a local workspace read back over raw HTTP (an oracle independent of
 * the agent's own SDK workspace), and a secret scanner.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleGit } from "simple-git";
import { parse as parseYaml } from "yaml";
import type { JobSettings, WorkspaceJob } from "../../src/domain/model.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const CLI = path.join(REPO_ROOT, "dist/cli.js");
export const REPO_TAG = "jobagent-repo";
export const TASK_TAG = "jobagent-task";

const tempDirs: string[] = [];

/** A fresh temporary directory (removed by cleanupTempDirs). */
export async function tempDir(prefix = "jobagent-rel-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function cleanupTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A real git repository in a temp dir with the given files committed. */
export async function makeRepo(files: Record<string, string>, prefix?: string): Promise<string> {
  const dir = await tempDir(prefix);
  await writeFiles(dir, files);
  const git = simpleGit(dir);
  await git.init(["--initial-branch=main"]);
  await git.addConfig("user.name", "Reliability Test");
  await git.addConfig("user.email", "reliability@example.com");
  await git.addConfig("commit.gpgsign", "false");
  await git.add(".");
  await git.commit("requirements");
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, text);
  }
}

/** Commits whatever the agent wrote (task files, progress log) like the action does. */
export async function commitAll(dir: string, message: string): Promise<void> {
  const git = simpleGit(dir);
  await git.add(".");
  const status = await git.status();
  if (status.staged.length > 0 || status.created.length > 0) await git.commit(message);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  repoDir: string;
  host: string;
  token: string;
  repo?: string;
  jobsDir?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Arguments and environment of one CLI invocation. */
export function cliInvocation(
  command: string,
  options: CliOptions,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const args = [
    CLI,
    command,
    "--json",
    "--repo-dir",
    options.repoDir,
    "--jobs-dir",
    options.jobsDir ?? "jobs",
    "--repo",
    options.repo ?? "acme/pipelines",
    ...(options.extraArgs ?? []),
  ];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    DATABRICKS_HOST: options.host,
    DATABRICKS_TOKEN: options.token,
    // Keep a developer's ~/.databrickscfg and GitHub environment out of the test.
    DATABRICKS_CONFIG_FILE: path.join(tmpdir(), "jobagent-no-databrickscfg"),
    ...(options.env ?? {}),
  };
  return { args, env };
}

/** Starts the CLI as a child process (for killing it). */
export function spawnCli(
  command: string,
  options: CliOptions,
): { child: ChildProcess; done: Promise<CliResult> } {
  const { args, env } = cliInvocation(command, options);
  const started = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: options.repoDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[test harness] killed after ${timeoutMs} ms: the CLI hung\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

export async function runCli(command: string, options: CliOptions): Promise<CliResult> {
  return spawnCli(command, options).done;
}

/** Parses the CLI's --json stdout; throws with both streams when it is not JSON. */
export function parseJsonOutput<T = Record<string, unknown>>(result: CliResult, what: string): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `${what}: stdout is not JSON (exit ${result.code}, signal ${result.signal})\n--- stdout\n${result.stdout.slice(0, 4000)}\n--- stderr\n${result.stderr.slice(0, 4000)}`,
    );
  }
}

export function describeRun(result: CliResult): string {
  return `exit ${result.code} signal ${result.signal} in ${result.ms} ms\n--- stdout\n${result.stdout.slice(0, 3000)}\n--- stderr\n${result.stderr.slice(0, 3000)}`;
}

/** Plan counts from `plan --json` (PlanResult.counts). */
export function planCounts(result: CliResult): {
  create: number;
  update: number;
  delete: number;
  run: number;
  noop: number;
  blocked: number;
} {
  const json = parseJsonOutput<{ counts?: Record<string, number> }>(result, "plan --json");
  if (!json.counts) throw new Error(`plan --json has no counts: ${result.stdout.slice(0, 2000)}`);
  return json.counts as ReturnType<typeof planCounts>;
}

/** The failure reason of `apply --json` (ApplyResult.failureReason). */
export function failureReason(result: CliResult): string | undefined {
  const json = parseJsonOutput<{ failureReason?: string; failure_reason?: string }>(result, "apply --json");
  return json.failureReason ?? json.failure_reason;
}

// ---------------------------------------------------------------------------------------------------------------
// The workspace as an oracle: raw HTTP against the local workspace (no SDK, no agent code).

export interface WorkspaceRef {
  url: string;
  token: string;
}

async function api<T>(ws: WorkspaceRef, method: string, apiPath: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ws.url}${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${apiPath} → ${response.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** A workspace file's text over raw HTTP (workspace/export), undefined when it does not exist. */
export async function workspaceFile(ws: WorkspaceRef, filePath: string): Promise<string | undefined> {
  const response = await fetch(`${ws.url}/api/2.0/workspace/export?path=${encodeURIComponent(filePath)}`, {
    headers: { Authorization: `Bearer ${ws.token}` },
  });
  if (response.status === 404) return undefined;
  const body = (await response.json()) as { content?: string };
  return Buffer.from(body.content ?? "", "base64").toString("utf8");
}

/** Writes a workspace file over raw HTTP (workspace/import, overwrite), as a person or another tool would. */
export async function putWorkspaceFile(ws: WorkspaceRef, filePath: string, text: string): Promise<void> {
  const folder = filePath.replace(/\/[^/]*$/, "");
  await api(ws, "POST", "/api/2.0/workspace/mkdirs", { path: folder });
  await api(ws, "POST", "/api/2.0/workspace/import", {
    path: filePath,
    format: "AUTO",
    overwrite: true,
    content: Buffer.from(text).toString("base64"),
  });
}

/** Every job with full settings (list pages, then jobs/get for each so nothing is truncated). */
export async function allJobs(ws: WorkspaceRef): Promise<WorkspaceJob[]> {
  const ids: number[] = [];
  let token: string | undefined;
  do {
    const page = await api<{
      jobs?: Array<{ job_id: number }>;
      next_page_token?: string;
      has_more?: boolean;
    }>(ws, "GET", `/api/2.2/jobs/list?limit=100${token ? `&page_token=${encodeURIComponent(token)}` : ""}`);
    for (const job of page.jobs ?? []) ids.push(job.job_id);
    token = page.next_page_token;
  } while (token);
  const jobs: WorkspaceJob[] = [];
  for (const id of ids) jobs.push(await api<WorkspaceJob>(ws, "GET", `/api/2.2/jobs/get?job_id=${id}`));
  return jobs.sort((a, b) => a.job_id - b.job_id);
}

export async function createJob(ws: WorkspaceRef, settings: JobSettings): Promise<number> {
  const { job_id } = await api<{ job_id: number }>(ws, "POST", "/api/2.2/jobs/create", settings);
  return job_id;
}

export async function deleteJob(ws: WorkspaceRef, jobId: number): Promise<void> {
  await api(ws, "POST", "/api/2.2/jobs/delete", { job_id: jobId });
}

export function managedJobs(jobs: WorkspaceJob[], repo: string): WorkspaceJob[] {
  return jobs.filter((j) => j.settings.tags?.[REPO_TAG] === repo);
}

/** Managed jobs grouped by their task tag: duplicates show as groups of more than one. */
export function byTaskTag(jobs: WorkspaceJob[], repo: string): Map<string, WorkspaceJob[]> {
  const map = new Map<string, WorkspaceJob[]>();
  for (const job of managedJobs(jobs, repo)) {
    const tag = job.settings.tags?.[TASK_TAG] ?? "(no task tag)";
    map.set(tag, [...(map.get(tag) ?? []), job]);
  }
  return map;
}

/** Job settings minus what the service sets, for before/after comparisons. */
export function settingsFingerprint(job: WorkspaceJob): string {
  return JSON.stringify({
    job_id: job.job_id,
    settings: job.settings,
    run_as: job.run_as_user_name,
    creator: job.creator_user_name,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Task files.

export interface TaskFileView {
  file: string;
  id: string;
  status: string;
  job_id?: number;
  job_name?: string;
  errors?: string[];
  raw: string;
}

export async function readTaskFiles(repoDir: string, jobsDir = "jobs"): Promise<TaskFileView[]> {
  const dir = path.join(repoDir, jobsDir, ".tasks");
  if (!existsSync(dir)) return [];
  const out: TaskFileView[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith(".md") || name === "progress.md") continue;
    const raw = await readFile(path.join(dir, name), "utf8");
    const m = /^---\n([\s\S]*?)\n---/.exec(raw);
    if (!m) throw new Error(`task file ${name} has no front matter:\n${raw.slice(0, 500)}`);
    const fm = parseYaml(m[1]) as Record<string, unknown>;
    out.push({
      file: name,
      id: String(fm.id),
      status: String(fm.status),
      ...(typeof fm.job_id === "number" ? { job_id: fm.job_id } : {}),
      ...(typeof fm.job_name === "string" ? { job_name: fm.job_name } : {}),
      ...(Array.isArray(fm.errors) ? { errors: fm.errors.map(String) } : {}),
      raw,
    });
  }
  return out;
}

/** Every file under dir (recursively, .git included when asked), as text. */
export async function readTree(
  dir: string,
  options: { includeGit?: boolean } = {},
): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.name === ".git" && !options.includeGit) continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile())
        out.push({ file: path.relative(dir, full), text: await readFile(full, "latin1") });
    }
  };
  await walk(dir);
  return out;
}

/** Where any of the secrets occurs (also base64 / URL-encoded forms) in the given texts. */
export function findSecrets(texts: Array<{ where: string; text: string }>, secrets: string[]): string[] {
  const forms = secrets.flatMap((s) =>
    [s, Buffer.from(s).toString("base64"), encodeURIComponent(s)].map((f) => ({ secret: s, form: f })),
  );
  const hits: string[] = [];
  for (const { where, text } of texts) {
    for (const { secret, form } of forms) {
      if (form.length >= 6 && text.includes(form))
        hits.push(
          `${where} contains secret ${secret.slice(0, 4)}… (as ${form === secret ? "plain text" : "encoded"})`,
        );
    }
  }
  return hits;
}

/** Runs fn with bounded concurrency over items (for parallel crash cases). */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
