// Which repository a command works on: run from a subfolder, the CLI finds the repository (jobagent.yml or .git
// above); an explicit --repo-dir that holds nothing while the workspace has the project's jobs is refused, not
// planned as the deletion of every job; a --repo-dir that does not exist is a usage error.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
let work: string;
let repo: string;
let local: LocalWorkspace;

async function jobagent(args: string[], cwd: string) {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: work,
    DATABRICKS_HOST: local.url,
    DATABRICKS_TOKEN: local.token,
  };
  try {
    const r = await run(process.execPath, [CLI, ...args], { cwd, env, maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const job = (name: string) =>
  `---\njob:\n  name: ${name}\n  tasks:\n    - task_key: main\n      notebook_task: { notebook_path: /Workspace/Shared/${name} }\n      environment_key: default\n  environments:\n    - environment_key: default\n      spec: { client: "2" }\n---\n`;

beforeAll(async () => {
  local = await startLocalWorkspace();
  work = await mkdtemp(join(tmpdir(), "jobagent-repodir-"));
  repo = join(work, "team-repo");
  await mkdir(join(repo, "jobs"), { recursive: true });
  await mkdir(join(repo, "scripts", "deep"), { recursive: true });
  await run("git", ["init", "-q", repo]);
  await writeFile(join(repo, "jobagent.yml"), "project: acme/team\n");
  await writeFile(join(repo, "jobs", "one.md"), job("sub-one"));
  await writeFile(join(repo, "jobs", "two.md"), job("sub-two"));
  await jobagent(["plan"], repo);
  const applied = await jobagent(["apply"], repo);
  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await local.close();
  await rm(work, { recursive: true, force: true });
});

describe("the repository a command works on", () => {
  it("run from a subfolder, works on the repository above it (nothing written in the subfolder)", async () => {
    const plan = await jobagent(["plan", "--allow-delete"], join(repo, "scripts", "deep"));
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stderr).toContain(`Repository: ${repo} (the folder above holding jobagent.yml or .git)`);
    expect(plan.stdout).toMatch(/0 to create, 0 to update, 0 to delete, 0 to run, 2 unchanged/);
    expect(await readdir(join(repo, "scripts", "deep"))).toEqual([]);
  });

  it("an explicit folder with no requirement and no task file is refused, not planned as deleting every job", async () => {
    const apply = await jobagent(
      ["apply", "--allow-delete", "--repo-dir", "scripts", "--repo", "acme/team"],
      repo,
    );
    expect(apply.code).toBe(1);
    const out = apply.stdout + apply.stderr;
    expect(out).toContain("Apply refused (validation-failed)");
    expect(out).toMatch(
      /holds no requirement and no task file under jobs\/, yet the workspace has 2 job\(s\) of project acme\/team/,
    );
    expect(out).not.toMatch(/✓ delete/);
    const listed = (await (
      await fetch(`${local.url}/api/2.2/jobs/list`, { headers: { Authorization: `Bearer ${local.token}` } })
    ).json()) as { jobs?: Array<{ settings: { name: string } }> };
    expect((listed.jobs ?? []).map((j) => j.settings.name).sort()).toEqual(["sub-one", "sub-two"]);
    expect(existsSync(join(repo, "scripts", "jobs"))).toBe(false);
    // The plan names the fix.
    const plan = await jobagent(["plan", "--repo-dir", "scripts", "--repo", "acme/team"], repo);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(
      /fix: run from the repository that holds the requirements \(or pass --repo-dir \/ --jobs-dir\)/,
    );
  });

  it("a --repo-dir that does not exist is a usage error (exit 2)", async () => {
    const plan = await jobagent(["plan", "--repo-dir", join(work, "nowhere")], repo);
    expect(plan.code).toBe(2);
    expect(plan.stderr.trim()).toBe(
      `error: --repo-dir ${join(work, "nowhere")}: ${join(work, "nowhere")} is not a directory`,
    );
  });
});
