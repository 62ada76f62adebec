// The CLI as users run it: dist/cli.js in a child process, against the embedded local workspace (no
// DATABRICKS_HOST) or a local workspace server, with the repository's own example requirements.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile, mkdir, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");

async function jobagent(args: string[], env: Record<string, string> = {}, cwd = process.cwd()) {
  const base: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...base, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "jobagent-cli-"));
  await cp(resolve("jobs"), join(repo, "jobs"), {
    recursive: true,
    filter: (src) => !src.includes(".tasks"),
  });
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("jobagent CLI", () => {
  it("prints help and rejects unknown commands and bad flag values with exit 2", async () => {
    const help = await jobagent(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["tech-lead", "plan", "apply", "status", "interpret", "workspace serve", "demo"])
      expect(help.stdout).toContain(command);
    expect((await jobagent(["frobnicate"])).code).toBe(2);
    const bad = await jobagent(["plan", "--on-plan-change", "maybe", "--repo-dir", repo]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--on-plan-change has the value "maybe"; use one of: fail, apply/);
    const badDir = await jobagent(["plan", "--repo-dir", repo], { JOBAGENT_JOBS_DIR: "../outside" });
    expect(badDir.code).toBe(2);
    expect(badDir.stderr).toMatch(
      /JOBAGENT_JOBS_DIR has the value "..\/outside"; use a directory inside the repository/,
    );
  });

  it("plans, applies and re-plans every example requirement against the embedded local workspace", async () => {
    const examples = (await readdir(join(repo, "jobs"))).filter((f) => f.endsWith(".md"));
    expect(examples.length).toBeGreaterThanOrEqual(15);
    const env = { JOBAGENT_REPO_DIR: repo, JOBAGENT_REPO: "acme/examples" };
    const plan = await jobagent(["plan", "--json"], env);
    expect(plan.stderr).toContain("embedded local workspace");
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as {
      planHash: string;
      counts: Record<string, number>;
      valid: boolean;
    };
    expect(planned.valid).toBe(true);
    expect(planned.counts.create).toBeGreaterThanOrEqual(15);
    expect(existsSync(join(repo, ".jobagent", "workspace.json"))).toBe(true);
    expect(await readFile(join(repo, ".jobagent", ".gitignore"), "utf8")).toBe("*\n");

    const apply = await jobagent(["apply", "--json"], env);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const applied = JSON.parse(apply.stdout) as {
      ok: boolean;
      results: Array<{ status: string; op: string }>;
    };
    expect(applied.ok).toBe(true);
    expect(applied.results.filter((r) => r.op === "create" && r.status === "COMPLETE").length).toBe(
      planned.counts.create,
    );

    const again = JSON.parse((await jobagent(["plan", "--json"], env)).stdout) as {
      counts: Record<string, number>;
    };
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0 });

    const status = JSON.parse((await jobagent(["status", "--json"], env)).stdout) as {
      counts: Record<string, number>;
      tasks: unknown[];
    };
    expect(status.counts.COMPLETE).toBe(status.tasks.length);
    const text = await jobagent(["status"], env);
    expect(text.stdout).toMatch(/COMPLETE\s+\S+/);
  });

  it("interpret --json prints exactly the requests, or only questions when it must ask", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jobagent-interpret-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "jobs"));
    await writeFile(
      join(dir, "jobs", "ticket.md"),
      "Run the notebook /Workspace/Shared/etl/ingest every weekday at 7:30 PM Berlin time on 4 workers (i3.xlarge). Email data-eng@example.com on failure.\n",
    );
    const ok = await jobagent(["interpret", "jobs/ticket.md", "--json"], {}, dir);
    expect(ok.code, ok.stderr).toBe(0);
    const answer = JSON.parse(ok.stdout) as {
      requests: Array<{ endpoint: string; body: Record<string, unknown> }>;
      questions: string[];
    };
    expect(Object.keys(answer).sort()).toEqual(["questions", "requests"]);
    expect(answer.questions).toEqual([]);
    expect(answer.requests).toHaveLength(1);
    expect(answer.requests[0]?.endpoint).toBe("jobs/create");
    expect(answer.requests[0]?.body.schedule).toMatchObject({
      quartz_cron_expression: "0 30 19 ? * MON-FRI",
      timezone_id: "Europe/Berlin",
    });
    expect(existsSync(join(dir, "jobs", ".tasks"))).toBe(false); // nothing written
    // The text form shows each interpreted field next to the words (and line) it came from.
    const text = (await jobagent(["interpret", "jobs/ticket.md"], {}, dir)).stdout;
    expect(text).toMatch(/schedule\.quartz_cron_expression ← '[^']*7:30 PM[^']*' \(line 1\)/);
    expect(text).toMatch(/email_notifications\.on_failure ← '[^']*data-eng@example\.com[^']*' \(line 1\)/);

    await writeFile(join(dir, "jobs", "vague.md"), "Please schedule the thing every morning.\n");
    const vague = JSON.parse((await jobagent(["interpret", "jobs/vague.md", "--json"], {}, dir)).stdout) as {
      requests: unknown[];
      questions: string[];
    };
    expect(vague.requests).toEqual([]);
    expect(vague.questions.length).toBeGreaterThan(0);
  });

  it("fails validation with exit 1 naming the file, field and fix, and applies nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jobagent-bad-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "jobs"));
    await writeFile(
      join(dir, "jobs", "bad.md"),
      "---\njob:\n  name: bad\n  tasks:\n    - task_key: a\n      notebok_task:\n        notebook_path: /Workspace/Shared/etl/ingest\n---\n",
    );
    const plan = await jobagent(["plan"], {}, dir);
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toContain("jobs/bad.md");
    expect(plan.stdout + plan.stderr).toMatch(/notebook_task/); // did-you-mean
    const apply = await jobagent(["apply", "--json"], {}, dir);
    expect(apply.code).toBe(1);
    expect((JSON.parse(apply.stdout) as { failureReason: string }).failureReason).toBe("validation-failed");
  });

  describe("against a workspace server", () => {
    let server: LocalWorkspace;
    beforeAll(async () => {
      server = await startLocalWorkspace({ token: "dapi0123456789abcdef0123456789abcdef" });
    });
    afterAll(async () => server.close());

    it("without a token uses the SDK's unified auth (here: DATABRICKS_CONFIG_PROFILE in a Databricks config file)", async () => {
      const dir = await mkdtemp(join(tmpdir(), "jobagent-auth-"));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const config = join(dir, "databrickscfg");
      await writeFile(config, `[DEFAULT]\nhost = ${server.url}\ntoken = ${server.token}\n`);
      await mkdir(join(dir, "jobs"));
      const result = await jobagent(
        ["plan", "--json"],
        { DATABRICKS_HOST: server.url, DATABRICKS_CONFIG_FILE: config, DATABRICKS_CONFIG_PROFILE: "DEFAULT" },
        dir,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain("unified auth");
      expect(result.stdout + result.stderr).not.toContain(server.token);
    });

    it("never prints the token, even when the workspace refuses it", async () => {
      const secret = "dapiffffffffffffffffffffffffffffffff";
      const result = await jobagent(["plan", "--repo-dir", repo], {
        DATABRICKS_HOST: server.url,
        DATABRICKS_TOKEN: secret,
        JOBAGENT_LLM_MODEL: "test-model",
        JOBAGENT_LLM_API_KEY: "sk-test-should-never-print-123456",
      });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/Invalid access token|PERMISSION_DENIED|403/);
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(result.stdout + result.stderr).not.toContain("sk-test-should-never-print");
    });
  });
});
