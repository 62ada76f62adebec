// Adding targets to a project that already has jobs: `jobagent migrate-targets` moves the recorded jobs into the
// first target (re-tagged `<project>@<target>`, task files in `.tasks/<target>/`), after which that target plans
// no change instead of a second job. dist/cli.js in child processes against a local workspace over HTTP.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { ActionHarness, prPayload } from "../support/action-harness.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const TOKEN = "dapi0123456789abcdef0123456789abcdef";
let ws: LocalWorkspace;
let repo: string;

async function jobagent(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, "--repo-dir", repo], {
      env: { PATH: process.env.PATH ?? "", HOME: repo, DATABRICKS_TOKEN: TOKEN, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const REQUIREMENT = `---
job:
  name: orders-daily
  tasks:
    - task_key: ingest
      notebook_task: { notebook_path: /Workspace/Shared/etl/ingest }
      environment_key: default
  environments: [{ environment_key: default, spec: { client: "1" } }]
---
Daily orders ingest.
`;

async function jobs() {
  const client = createSdkWorkspace({ host: ws.url, token: TOKEN });
  const out = [];
  for await (const job of client.listJobs({})) out.push((await client.getJob(job.job_id))!);
  return out;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  ws = await startLocalWorkspace({ token: TOKEN });
  repo = await mkdtemp(join(tmpdir(), "jobagent-migrate-"));
  await mkdir(join(repo, "jobs"), { recursive: true });
  await writeFile(join(repo, "jobagent.yml"), "project: acme/data-jobs\n");
  await writeFile(join(repo, "jobs", "orders.md"), REQUIREMENT);
});

afterAll(async () => {
  await ws?.close();
  await rm(repo, { recursive: true, force: true });
});

describe("migrate-targets", () => {
  it("moves the jobs applied before targets into the first target, which then plans no change", async () => {
    const env = { DATABRICKS_HOST: ws.url };
    expect((await jobagent(["plan"], env)).code).toBe(0);
    const applied = await jobagent(["apply"], env);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const [before] = await jobs();
    expect(before.settings.tags?.["jobagent-repo"]).toBe("acme/data-jobs");

    await writeFile(
      join(repo, "jobagent.yml"),
      `project: acme/data-jobs\ntargets:\n  dev:\n    host: ${ws.url}\n  prod:\n    host: https://prod.example.cloud.databricks.com\n`,
    );
    // the action's pull request plan says what to do
    const seed: Record<string, string> = {
      "jobagent.yml": await readFile(join(repo, "jobagent.yml"), "utf8"),
    };
    for (const file of [
      "jobs/orders.md",
      ...(await readdir(join(repo, "jobs", ".tasks"))).map((f) => `jobs/.tasks/${f}`),
    ])
      if (file.endsWith(".md")) seed[file] = await readFile(join(repo, file), "utf8");
    const h = new ActionHarness();
    try {
      await h.start(seed);
      const { head, base } = h.openBranch("tweak", {
        "jobs/orders.md": REQUIREMENT.replace("Daily", "Every day:"),
      });
      h.github.files.set(3, [{ filename: "jobs/orders.md", status: "modified" }]);
      const pr = await h.run({
        event: "pull_request",
        payload: prPayload(3, "tweak", head, base),
        checkout: h.checkout("tweak", "pr"),
        sha: head,
        ref: "refs/pull/3/merge",
        env: { DATABRICKS_TOKEN_DEV: TOKEN },
      });
      expect(pr.code, pr.stdout + pr.stderr).toBe(0);
      const body = h.github.commentsOn(3)[0].body;
      expect(body).toContain("records 1 job(s) applied before `targets:` were declared");
      expect(body).toContain("`jobagent migrate-targets --target dev --yes`");
      expect(body).toContain("<b>prod</b> — not planned");
    } finally {
      await h.close();
    }

    const dry = await jobagent(["migrate-targets"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `would move orders.orders (job ${before.job_id}, "orders-daily") → target dev`,
    );
    expect((await jobs())[0].settings.tags?.["jobagent-repo"]).toBe("acme/data-jobs");

    const moved = await jobagent(["migrate-targets", "--yes"]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain("1 job(s) moved into target dev (tag jobagent-repo=acme/data-jobs@dev)");
    const [after, ...others] = await jobs();
    expect(others).toHaveLength(0);
    expect(after.job_id).toBe(before.job_id);
    expect(after.settings.tags?.["jobagent-repo"]).toBe("acme/data-jobs@dev");
    expect(
      (await readdir(join(repo, "jobs", ".tasks", "dev"))).filter((f) => f.startsWith("orders.")),
    ).toHaveLength(1);
    expect((await readdir(join(repo, "jobs", ".tasks"))).filter((f) => f.startsWith("orders."))).toHaveLength(
      0,
    );

    const plan = await jobagent(["plan", "--json", "--target", "dev"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    // running it again finds nothing left to move
    expect((await jobagent(["migrate-targets", "--yes"])).stdout).toContain("nothing to migrate");
  });
});
