// Adoption as a new team does it (#17), with dist/cli.js in child processes inside real git repositories:
// `init` (idempotent, --force), a read-only `validate` and `plan --no-record` (git status unchanged), and `import` of
// jobs created directly in a local workspace server (foreign jobs) → the next plan adopts each with only the
// ownership tags to add; secrets become references; bundle-deployed and other-repo jobs need --take-over.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { corpusPresent, loadCorpus } from "../domain/corpus.js";
import { parseRequirement, interpretStructured } from "../../src/techlead/requirements/index.js";
import { diffJobSettings } from "../../src/domain/diff.js";
import { withOwnership } from "../../src/state/ownership.js";
import type { JobSettings } from "../../src/domain/model.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const REPO = "acme/data-jobs";

async function jobagent(args: string[], cwd: string, env: Record<string, string> = {}) {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...base, ...env },
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run("git", args, { cwd })).stdout;
}

async function gitRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "jobagent-adopt-"));
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.email", "t@example.com");
  await git(dir, "config", "user.name", "t");
  await git(dir, "remote", "add", "origin", `git@github.com:${REPO}.git`);
  dirs.push(dir);
  return dir;
}

async function commitAll(dir: string): Promise<void> {
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "state");
}

const dirs: string[] = [];
let ws: LocalWorkspace;
let env: Record<string, string>;

async function createJob(settings: unknown): Promise<{ status: number; jobId?: number; body: string }> {
  const response = await fetch(`${ws.url}/api/2.2/jobs/create`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(settings),
  });
  const body = await response.text();
  const jobId = response.ok ? (JSON.parse(body) as { job_id: number }).job_id : undefined;
  return { status: response.status, jobId, body };
}

interface PlanJson {
  valid: boolean;
  changes: Array<{
    op: string;
    jobId?: number;
    requirement: string;
    fields: Array<{ path: string; after?: unknown }>;
  }>;
  diagnostics: Array<{ severity: string; message: string; code: string; file?: string }>;
}

beforeAll(async () => {
  ws = await startLocalWorkspace({});
  env = { DATABRICKS_HOST: ws.url, DATABRICKS_TOKEN: ws.token, JOBAGENT_REPO: REPO };
});

afterAll(async () => {
  await ws.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("jobagent init", () => {
  it("writes config, example and workflow once; keeps them afterwards; --force rewrites", async () => {
    const dir = await gitRepo();
    const first = await jobagent(["init"], dir);
    expect(first.code, first.stderr).toBe(0);
    for (const f of ["jobagent.yml", "jobs/example-daily-report.md", ".github/workflows/jobagent.yml"])
      expect(first.stdout).toContain(`wrote   ${f}`);
    expect(await readFile(join(dir, "jobagent.yml"), "utf8")).toMatch(/^project: acme\/data-jobs$/m);
    expect(first.stdout).toMatch(/DATABRICKS_HOST.*DATABRICKS_TOKEN/s);
    expect(first.stdout).toContain("id-token: write");
    // The first thing a newcomer runs: the example follows the review hints, so it validates clean.
    const checked = await jobagent(["validate"], dir);
    expect(checked.stdout).toMatch(
      /^Valid: 1 requirement\(s\), 1 job change\(s\) checked; 0 error\(s\), 0 warning\(s\)/m,
    );
    await commitAll(dir);
    await writeFile(join(dir, "jobagent.yml"), "project: mine/edited\njobs_dir: jobs\n");
    const again = await jobagent(["init"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("wrote");
    expect(again.stdout).toContain("kept    jobagent.yml (exists; --force overwrites it)");
    expect(again.stdout).toContain("kept    jobs/example-daily-report.md (up to date)");
    expect(await readFile(join(dir, "jobagent.yml"), "utf8")).toContain("mine/edited");
    const forced = await jobagent(["init", "--force"], dir);
    expect(forced.stdout).toContain("wrote   jobagent.yml");
    expect(await git(dir, "status", "--porcelain")).toBe("");
  });

  it("in a repository with no origin yet: says the project id is unknown at init, validate and plan", async () => {
    // `git init` then `jobagent init`, before any remote: the first hour of many newcomers.
    const dir = await mkdtemp(join(tmpdir(), "jobagent-adopt-"));
    dirs.push(dir);
    await git(dir, "init", "-q", "-b", "main");
    const first = await jobagent(["init"], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Project: not known yet (no origin remote, no GITHUB_REPOSITORY)");
    expect(first.stdout).not.toMatch(/^Project: {2}\(/m);
    expect(await readFile(join(dir, "jobagent.yml"), "utf8")).toMatch(/^# project: <owner>\/<name>/m);
    const checked = await jobagent(["validate"], dir);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^warning the project id is unknown .*apply refuses until the id is set/m);
    expect(checked.stdout).toContain("1 warning(s)");
    const plan = await jobagent(["plan", "--no-record"], dir);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("  warning: the project id is unknown");
    expect(plan.stdout).toContain("fix: set `project: <owner>/<name>` in jobagent.yml");
    // Set, the warning is gone.
    await writeFile(join(dir, "jobagent.yml"), "project: acme/new-repo\njobs_dir: jobs\n");
    const set = await jobagent(["validate"], dir);
    expect(set.stdout).not.toContain("project id is unknown");
    expect(set.stdout).toContain("0 warning(s)");
  });
});

describe("jobagent validate and plan --no-record", () => {
  it("check every example requirement without changing one file of the repository", async () => {
    const dir = await gitRepo();
    await cp(resolve("jobs"), join(dir, "jobs"), { recursive: true, filter: (s) => !s.includes(".tasks") });
    await commitAll(dir);
    const local = await jobagent(["validate"], dir, { JOBAGENT_REPO: REPO });
    expect(local.code, local.stdout + local.stderr).toBe(0);
    // Each finding once (a change's warnings are also among the plan's diagnostics), and the count says so.
    const findings = local.stdout.split("\n").filter((l) => /^(warning|error) /.test(l));
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings).size).toBe(findings.length);
    expect(local.stdout).toContain(`${findings.length} warning(s)`);
    expect(local.stdout).toMatch(/^Valid: \d+ requirement\(s\).*Nothing was written\.$/m);
    const remote = await jobagent(["validate", "--json"], dir, env);
    expect(remote.code, remote.stderr).toBe(0);
    expect(JSON.parse(remote.stdout)).toMatchObject({ valid: true, errors: [] });
    const plan = await jobagent(["plan", "--no-record"], dir, env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/to create/);
    expect(await git(dir, "status", "--porcelain", "--ignored", "-uall")).toBe("");
    // the recording plan does write task files: the check above can fail
    await jobagent(["plan"], dir, env);
    expect(await git(dir, "status", "--porcelain", "-uall")).toContain(".tasks/");
  });

  it("says where it looked when there is nothing to plan (requirements in another folder)", async () => {
    const dir = await gitRepo();
    await cp(resolve("jobs/orders-daily-ingest.md"), join(dir, "pipelines", "orders.md"));
    const empty = await jobagent(["validate"], dir);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain("warning jobs-dir: no requirement files under jobs/");
    expect(empty.stdout).toContain("point jobs-dir at the folder that holds them");
    const pointed = await jobagent(["validate", "--jobs-dir", "pipelines"], dir);
    expect(pointed.stdout).toMatch(/^Valid: 1 requirement\(s\)/m);
    expect(pointed.stdout).not.toContain("no requirement files");
  });

  it("exits 1 with file, line, field and fix on a broken requirement, 2 on usage", async () => {
    const dir = await gitRepo();
    await writeFile(
      join(dir, "jobs.md"),
      "not a requirement, outside the jobs directory\n", // ignored: only <jobs-dir> is read
    );
    await cp(resolve("jobs/orders-daily-ingest.md"), join(dir, "jobs", "orders.md"));
    const text = (await readFile(join(dir, "jobs", "orders.md"), "utf8")).replace(
      "max_concurrent_runs: 1",
      "max_concurent_runs: 1",
    );
    await writeFile(join(dir, "jobs", "orders.md"), text);
    await commitAll(dir);
    const bad = await jobagent(["validate"], dir, env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /error {3}jobs\/orders\.md:\d+ .*max_concurent_runs.*fix: .*max_concurrent_runs/,
    );
    // the broken requirement is counted among those checked, though it has no change to show
    expect(bad.stdout).toMatch(
      /^Invalid: 1 requirement\(s\), 0 job change\(s\) checked; [1-9]\d* error\(s\)/m,
    );
    expect((await jobagent(["validate", "extra"], dir, env)).code).toBe(2);
    expect(await git(dir, "status", "--porcelain", "--ignored", "-uall")).toBe("");
  });
});

describe("jobagent import", () => {
  it("imports a foreign job; the next plan adopts it with only the ownership tags; secrets become references", async () => {
    const secret = "Hunter2!xyz9Q";
    const created = await createJob({
      name: "Legacy ETL",
      tags: { team: "ops" },
      schedule: { quartz_cron_expression: "0 30 5 * * ?", timezone_id: "UTC" },
      tasks: [
        {
          task_key: "load",
          notebook_task: { notebook_path: "/Shared/etl/ingest" },
          new_cluster: {
            spark_version: "15.4.x-scala2.12",
            node_type_id: "i3.xlarge",
            num_workers: 1,
            spark_env_vars: { DB_PASSWORD: secret },
          },
        },
      ],
    });
    expect(created.status, created.body).toBe(200);
    const dir = await gitRepo();
    const imported = await jobagent(["import", "--job-id", String(created.jobId)], dir, env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`wrote   jobs/legacy-etl.md  (job ${created.jobId} "Legacy ETL")`);
    expect(imported.stderr).toContain("{{secrets/legacy-etl/db_password}}");
    const file = await readFile(join(dir, "jobs", "legacy-etl.md"), "utf8");
    expect(file).not.toContain(secret);
    expect(file).toMatch(new RegExp(`^adopt: ${created.jobId}$`, "m"));
    expect(file).toContain("It runs on a schedule: At 05:30 AM (UTC).");
    const plan = await jobagent(["plan", "--json", "--no-record"], dir, env);
    const parsed = JSON.parse(plan.stdout) as PlanJson;
    expect(parsed.valid, plan.stderr).toBe(true);
    const change = parsed.changes.find((c) => c.jobId === created.jobId);
    expect(change?.op).toBe("update");
    expect(change?.fields.map((f) => f.path).sort()).toEqual([
      'tags["jobagent-repo"]',
      'tags["jobagent-task"]',
      "tasks[load].new_cluster.spark_env_vars.DB_PASSWORD",
    ]);
    // the old inline value is redacted in the terminal plan as in the JSON plan
    const text = await jobagent(["plan", "--no-record"], dir, env);
    expect(text.stdout).toContain(
      '      task load: ⚠\n        - new_cluster.spark_env_vars.DB_PASSWORD: "***"\n' +
        '        + new_cluster.spark_env_vars.DB_PASSWORD: "{{secrets/legacy-etl/db_password}}"',
    );
    expect(text.stdout + JSON.stringify(parsed)).not.toContain(secret);
    // a second import refuses to overwrite; once applied, the job is this repo's and is skipped
    expect((await jobagent(["import", "--job-id", String(created.jobId)], dir, env)).code).toBe(1);
  });

  it("refuses bundle-deployed jobs and jobs of another repository without --take-over, and says how to unbind", async () => {
    const bundled = await createJob({
      name: "Bundled nightly",
      deployment: {
        kind: "BUNDLE",
        metadata_file_path: "/Workspace/Users/a/.bundle/x/dev/state/metadata.json",
      },
      edit_mode: "UI_LOCKED",
      tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Shared/etl/report" } }],
    });
    const foreign = await createJob({
      name: "Other team job",
      tags: { "jobagent-repo": "other/repo", "jobagent-task": "x.y" },
      tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Shared/etl/report" } }],
    });
    const dir = await gitRepo();
    const ids = ["--job-id", String(bundled.jobId), "--job-id", String(foreign.jobId)];
    const refused = await jobagent(["import", ...ids], dir, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("deployed by a Databricks Asset Bundle");
    expect(refused.stderr).toContain("databricks bundle deployment unbind");
    expect(refused.stderr).toContain("managed by the repository other/repo");
    expect(existsSync(join(dir, "jobs"))).toBe(false);
    const taken = await jobagent(["import", ...ids, "--take-over"], dir, env);
    expect(taken.code, taken.stderr).toBe(0);
    const plan = JSON.parse((await jobagent(["plan", "--json", "--no-record"], dir, env)).stdout) as PlanJson;
    const paths = (id?: number) =>
      plan.changes
        .find((c) => c.jobId === id)
        ?.fields.map((f) => f.path)
        .sort();
    // the job had no tags: the whole tags map is added, holding only the ownership tags
    expect(paths(bundled.jobId)).toEqual(["deployment", "edit_mode", "tags"]);
    const tags = plan.changes.find((c) => c.jobId === bundled.jobId)?.fields.find((f) => f.path === "tags");
    expect(tags?.after).toEqual({
      "jobagent-repo": REPO,
      "jobagent-task": "bundled-nightly.bundled-nightly",
    });
    expect(paths(foreign.jobId)).toEqual(['tags["jobagent-repo"]', 'tags["jobagent-task"]']);
  });

  it("--all-unmanaged lists and needs --yes; usage errors exit 2", async () => {
    const dir = await gitRepo();
    const listed = await jobagent(["import", "--all-unmanaged"], dir, env);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toMatch(/--all-unmanaged would import \d+ job\(s\):/);
    expect(listed.stdout).toContain("Legacy ETL");
    expect(listed.stdout).not.toContain("Bundled nightly");
    expect(existsSync(join(dir, "jobs"))).toBe(false);
    expect((await jobagent(["import"], dir, env)).code).toBe(2);
    expect((await jobagent(["import", "--tag", "novalue"], dir, env)).stderr).toContain(
      "--tag must be KEY=VALUE",
    );
  });
});

/** Field changes other than the ownership tags ("tags" alone when the job had no tags). */
const nonOwnership = (paths: string[]) =>
  paths.filter((p) => p !== "tags" && !p.startsWith('tags["jobagent-'));

/**
 * The planner's own diff for a requirement file vs. the job in the workspace: used when the plan cannot list the
 * job because the workspace preflight rejects references the corpus invented (notebooks, clusters, pipelines).
 */
async function diffOf(dir: string, rel: string, jobId: number, own: LocalWorkspace): Promise<string[]> {
  const { doc } = parseRequirement(rel, await readFile(join(dir, rel), "utf8"));
  const settings = interpretStructured(doc!)!.items[0]!.settings!;
  const response = await fetch(`${own.url}/api/2.2/jobs/get?job_id=${jobId}`, {
    headers: { Authorization: `Bearer ${own.token}` },
  });
  const job = (await response.json()) as { settings: JobSettings; creator_user_name?: string };
  const desired = withOwnership(settings, REPO, "x.y");
  return diffJobSettings(desired, job.settings, { creatorUserName: job.creator_user_name }).map(
    (f) => f.path,
  );
}

describe.skipIf(!corpusPresent)("import round trip over the real-jobs corpus", () => {
  it("every suspect-free job created as a foreign job is imported and planned with zero field changes", async () => {
    const own = await startLocalWorkspace({});
    try {
      const jobs = loadCorpus().filter((j) => j.suspect.length === 0);
      const ids = new Map<number, string>();
      const rejected: string[] = [];
      const bundled: number[] = [];
      const previous = ws;
      ws = own;
      for (const j of jobs) {
        const r = await createJob(j.settings);
        // a job deployed by a bundle is not "unmanaged": --all-unmanaged leaves it (import needs --take-over)
        if (r.jobId && (j.settings.deployment as { kind?: string } | undefined)?.kind === "BUNDLE")
          bundled.push(r.jobId);
        else if (r.jobId) ids.set(r.jobId, j.file);
        else rejected.push(`${j.file}: ${r.body.slice(0, 120)}`);
      }
      ws = previous;
      const e = { DATABRICKS_HOST: own.url, DATABRICKS_TOKEN: own.token, JOBAGENT_REPO: REPO };
      const dir = await gitRepo();
      const imported = await jobagent(["import", "--all-unmanaged", "--yes"], dir, e);
      expect(imported.code, imported.stderr).toBe(0);
      expect((await readdir(join(dir, "jobs"))).length, imported.stdout + imported.stderr).toBe(ids.size);
      for (const id of bundled) expect(imported.stdout).not.toContain(`(job ${id} `);
      const fileOf = new Map(
        [...imported.stdout.matchAll(/^wrote {3}(\S+) {2}\(job (\d+) /gm)].map((m) => [Number(m[2]), m[1]]),
      );
      const plan = JSON.parse((await jobagent(["plan", "--json", "--no-record"], dir, e)).stdout) as PlanJson;
      const secretPaths = [...imported.stderr.matchAll(/: (\S+) held an inline/g)].map((m) => m[1]);
      let zero = 0;
      let viaDiff = 0;
      for (const [id, corpusFile] of ids) {
        const rel = fileOf.get(id)!;
        const change = plan.changes.find((c) => c.jobId === id);
        let other: string[];
        if (change) {
          expect(change.op, corpusFile).toBe("update");
          other = nonOwnership(change.fields.map((f) => f.path));
        } else {
          const errors = plan.diagnostics.filter((d) => d.severity === "error" && d.file === rel);
          expect(errors.length, corpusFile).toBeGreaterThan(0);
          for (const d of errors) expect(d.code, `${corpusFile}: ${d.message}`).toMatch(/^preflight\./);
          other = nonOwnership(await diffOf(dir, rel, id, own));
          viaDiff++;
        }
        expect(
          other.filter((p) => !secretPaths.includes(p)),
          corpusFile,
        ).toEqual([]);
        if (other.length === 0) zero++;
      }
      console.log(
        `import round trip: ${ids.size} of ${jobs.length} suspect-free corpus jobs created in the local workspace ` +
          `(${rejected.length} rejected by it, ${bundled.length} bundle-deployed left out), imported and planned; ` +
          `${zero} with zero field changes, ${ids.size - zero} with only inline secrets replaced by references; ` +
          `${viaDiff} compared through the planner's diff because the preflight rejects references the corpus invented`,
      );
      expect(ids.size).toBeGreaterThan(jobs.length * 0.8);
    } finally {
      await own.close();
    }
  }, 300_000);
});
