/**
 * A task file that cannot be read — merge conflict markers left by `git merge`, a hand edit like `status: DONE` — is
 * state jobagent does not know: plan, apply and tech-lead report it (file, line, what to do) and never write over it;
 * status does not call it "no task files". A requirement left with conflict markers is an error of that file, never
 * a removed requirement whose job is to be deleted. Real git repositories, the CLI as a child process, the embedded
 * local workspace.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const CLI = resolve("dist/cli.js");
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function jobagent(cwd: string, args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    const stdout = e.stdout ?? "";
    return { code: typeof e.code === "number" ? e.code : -1, stdout, out: stdout + (e.stderr ?? "") };
  }
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await exec("git", args, { cwd }).catch((error: { stdout?: string }) => {
    // `git merge` exits 1 on a conflict: that is what these tests want.
    if (args[0] !== "merge") throw error;
    void error.stdout;
  });
}

const requirement = (n: number, timeout: number, body: string) => `---
job:
  name: h-job-${n}
  timeout_seconds: ${timeout}
  email_notifications: {on_failure: [ops@example.com]}
  tasks:
    - task_key: main
      max_retries: 1
      notebook_task: {notebook_path: /Shared/etl/h${n}}
---
${body}
`;

/** plan + apply, then commit everything (task files included), as the action does after a merge. */
async function applyAndCommit(dir: string, message: string): Promise<void> {
  const plan = await jobagent(dir, ["plan"]);
  expect(plan.code, plan.out).toBe(0);
  const apply = await jobagent(dir, ["apply"]);
  expect(apply.code, apply.out).toBe(0);
  await git(dir, "add", "-A");
  await git(dir, "commit", "-qm", message);
}

/**
 * Two jobs applied on main; a branch changes job 2's timeout and applies, main changes its prose and applies; the
 * merge conflicts in job 2's task file (both sides recorded a plan and an apply), and also in its requirement when
 * `requirementToo` (both sides changed the timeout).
 */
async function conflictedRepo(requirementToo: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "jobagent-conflict-"));
  dirs.push(dir);
  await mkdir(join(dir, "jobs"));
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.email", "t@example.com");
  await git(dir, "config", "user.name", "t");
  await writeFile(join(dir, "jobagent.yml"), "project: acme/conflicts\njobs_dir: jobs\n");
  await writeFile(join(dir, "jobs", "h1.md"), requirement(1, 3600, "Job 1."));
  await writeFile(join(dir, "jobs", "h2.md"), requirement(2, 3600, "Job 2."));
  await git(dir, "add", "-A");
  await git(dir, "commit", "-qm", "init");
  await applyAndCommit(dir, "applied");
  await git(dir, "checkout", "-qb", "other");
  await writeFile(join(dir, "jobs", "h2.md"), requirement(2, 2222, "Job 2."));
  await applyAndCommit(dir, "other: timeout 2222");
  await git(dir, "checkout", "-q", "main");
  await writeFile(
    join(dir, "jobs", "h2.md"),
    requirementToo ? requirement(2, 1111, "Job 2.") : requirement(2, 3600, "Job two."),
  );
  await applyAndCommit(dir, "main: changed");
  await git(dir, "merge", "other");
  const task = await readFile(join(dir, "jobs/.tasks/h2.h2.md"), "utf8");
  expect(task).toMatch(/^<<<<<<< HEAD$/m);
  return dir;
}

const markerLine = (text: string) => text.split("\n").findIndex((l) => l.startsWith("<<<<<<<")) + 1;

async function taskFiles(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(join(dir, "jobs/.tasks"))).filter(
    (n) => n.endsWith(".md") && n !== "progress.md",
  );
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await readFile(join(dir, "jobs/.tasks", n), "utf8")])),
  );
}

describe("task files that cannot be read", () => {
  it("a task file with merge conflict markers is reported with its line and never rewritten by plan, apply or tech-lead", async () => {
    const dir = await conflictedRepo(false);
    const before = await readFile(join(dir, "jobs/.tasks/h2.h2.md"), "utf8");
    const line = markerLine(before);
    for (const args of [["plan"], ["plan"], ["apply"], ["tech-lead"]]) {
      const run = await jobagent(dir, args);
      expect(run.code, `${args.join(" ")}: ${run.out}`).toBe(1);
      expect(run.out).toContain(`jobs/.tasks/h2.h2.md:${line}`);
      expect(run.out).toContain(`merge conflict markers at line ${line}`);
      expect(run.out).toMatch(/git checkout --ours/);
      expect(run.out).not.toMatch(/Implicit keys|Delete the file/);
      // Not a byte of the state changed: history, attempts, applied hash are all still in the conflicted file.
      expect(await readFile(join(dir, "jobs/.tasks/h2.h2.md"), "utf8")).toBe(before);
    }
    // Taking one side makes it a task file again: the plan reads it and plans the merged requirement.
    await git(dir, "checkout", "--theirs", "--", "jobs/.tasks/h2.h2.md");
    const plan = await jobagent(dir, ["plan", "--json"]);
    expect(plan.code, plan.out).toBe(0);
  });

  it("a hand-edited status is named with file and line; status with no readable task file is an error, not 'no task files'", async () => {
    const dir = await conflictedRepo(false);
    const file = join(dir, "jobs/.tasks/h1.h1.md");
    const edited = (await readFile(file, "utf8")).replace(/^status: .*$/m, "status: DONE");
    await writeFile(file, edited);
    const statusLine = edited.split("\n").indexOf("status: DONE") + 1;
    const before = await taskFiles(dir);

    const plan = await jobagent(dir, ["plan"]);
    expect(plan.code, plan.out).toBe(1);
    expect(plan.out).toContain(`jobs/.tasks/h1.h1.md:${statusLine}`);
    expect(plan.out).toMatch(/field "status" must be one of .* \(found "DONE"\)/);
    expect(await taskFiles(dir)).toEqual(before);

    const status = await jobagent(dir, ["status"]);
    expect(status.code, status.out).toBe(1);
    expect(status.out).not.toContain("No task files yet");
    expect(status.out).toMatch(/No task file could be read \(2 unreadable\)/);
    expect(status.out).toContain("jobs/.tasks/h1.h1.md");
    expect(status.out).toContain("jobs/.tasks/h2.h2.md");
    const json = await jobagent(dir, ["status", "--json"]);
    expect(json.code).toBe(1);
  });

  it("a requirement with conflict markers is an error of that file: its job is not deleted, no orphan is written", async () => {
    const dir = await conflictedRepo(true);
    const requirementText = await readFile(join(dir, "jobs/h2.md"), "utf8");
    const line = markerLine(requirementText);
    const before = await taskFiles(dir);
    const plan = await jobagent(dir, ["plan", "--json", "--allow-delete"]);
    expect(plan.code, plan.out).toBe(1);
    const result = JSON.parse(plan.stdout) as {
      counts: Record<string, number>;
      changes: Array<{ op: string; jobName?: string }>;
      diagnostics: Array<{ code: string; file?: string; line?: number; message: string }>;
    };
    expect(result.counts.delete).toBe(0);
    expect(result.changes.filter((c) => c.op === "delete")).toEqual([]);
    const conflict = result.diagnostics.find((d) => d.code === "requirement.conflict");
    expect(conflict).toMatchObject({ file: "jobs/h2.md", line });
    expect(conflict?.message).toContain(`merge conflict markers at line ${line}`);
    expect(result.diagnostics.map((d) => d.message).join("\n")).not.toMatch(/Implicit keys/);
    // The conflicted task file is untouched and no "orphan" delete task was made for its job.
    const after = await taskFiles(dir);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after["h2.h2.md"]).toBe(before["h2.h2.md"]);
  });
});
