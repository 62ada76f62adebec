// Targets end to end: two local workspaces on two ports as the dev and prod targets of one repository, driven
// through dist/cli.js in child processes, read back with the official SDK.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkspaceClient } from "@databricks/sdk-experimental";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const TOKEN = "dapi0123456789abcdef0123456789abcdef";

let dev: LocalWorkspace;
let prod: LocalWorkspace;
let repo: string;

async function jobagent(args: string[], extra: Record<string, string> = {}) {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: repo,
    DATABRICKS_TOKEN: TOKEN,
    JOBAGENT_USER: "jane",
    ...extra,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, "--repo-dir", repo], {
      env,
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function config(devWorkers: number): string {
  return `project: acme/data-jobs
targets:
  dev:
    mode: development
    host: ${dev.url}
    overrides:
      job_clusters:
        - job_cluster_key: main
          new_cluster: { num_workers: ${devWorkers} }
  prod:
    mode: production
    host: ${prod.url}
`;
}

const REQUIREMENT = `---
job:
  name: orders-daily
  schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: UTC }
  job_clusters:
    - job_cluster_key: main
      new_cluster: { spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: 8 }
  tasks:
    - task_key: ingest
      job_cluster_key: main
      notebook_task: { notebook_path: /Workspace/Shared/etl/ingest }
---
Daily orders ingest.
`;

async function jobsOf(ws: LocalWorkspace) {
  const client = new WorkspaceClient({ host: ws.url, token: TOKEN, authType: "pat" });
  const out = [];
  for await (const job of client.jobs.list({ expand_tasks: true })) {
    const full = await client.jobs.get({ job_id: job.job_id! });
    out.push(full);
  }
  return out;
}

async function planAndApply(target: string) {
  const plan = await jobagent(["plan", "--json", "--target", target]);
  expect(plan.code, plan.stderr).toBe(0);
  const apply = await jobagent(["apply", "--json", "--target", target]);
  expect(apply.code, apply.stderr + apply.stdout).toBe(0);
  return { plan: JSON.parse(plan.stdout), apply: JSON.parse(apply.stdout) };
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  dev = await startLocalWorkspace({ token: TOKEN });
  prod = await startLocalWorkspace({ token: TOKEN });
  repo = await mkdtemp(join(tmpdir(), "jobagent-targets-"));
  await mkdir(join(repo, "jobs"), { recursive: true });
  await writeFile(join(repo, "jobagent.yml"), config(1));
  await writeFile(join(repo, "jobs", "orders.md"), REQUIREMENT);
});

afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
  await rm(repo, { recursive: true, force: true });
});

describe("targets: dev → prod", () => {
  it("applies a new requirement to dev only, with dev's override and development mode", async () => {
    await planAndApply("dev");
    const [job, ...others] = await jobsOf(dev);
    expect(others).toHaveLength(0);
    expect(job!.settings!.name).toBe("[dev jane] orders-daily");
    expect(job!.settings!.schedule!.pause_status).toBe("PAUSED");
    expect(job!.settings!.job_clusters![0]!.new_cluster!.num_workers).toBe(1);
    expect(job!.settings!.tags).toMatchObject({ dev: "jane", "jobagent-repo": "acme/data-jobs@dev" });
    expect(await jobsOf(prod)).toHaveLength(0);
    // the dev target's state lives in its own task files
    expect(
      (await readdir(join(repo, "jobs", ".tasks", "dev"))).filter((f) => f.startsWith("orders.")),
    ).toHaveLength(1);
    expect(existsSync(join(repo, "jobs", ".tasks", "prod"))).toBe(false);
  });

  it("then applies to prod in a separate step, as written (no dev override, schedule as written)", async () => {
    await planAndApply("prod");
    const [job, ...others] = await jobsOf(prod);
    expect(others).toHaveLength(0);
    expect(job!.settings!.name).toBe("orders-daily");
    expect(job!.settings!.schedule!.pause_status ?? "UNPAUSED").toBe("UNPAUSED");
    expect(job!.settings!.job_clusters![0]!.new_cluster!.num_workers).toBe(8);
    expect(job!.settings!.tags).toMatchObject({ "jobagent-repo": "acme/data-jobs@prod" });
    // dev untouched
    expect((await jobsOf(dev))[0]!.settings!.job_clusters![0]!.new_cluster!.num_workers).toBe(1);
  });

  it("re-plans both targets with no changes", async () => {
    for (const target of ["dev", "prod"]) {
      const plan = await jobagent(["plan", "--json", "--target", target]);
      expect(plan.code, plan.stderr).toBe(0);
      const counts = JSON.parse(plan.stdout).counts;
      expect(counts, target).toMatchObject({ create: 0, update: 0, delete: 0 });
    }
  });

  it("refuses a dev apply whose plan changed since it was approved, leaving prod's approval alone", async () => {
    expect((await jobagent(["plan", "--json", "--target", "dev"])).code).toBe(0);
    await writeFile(join(repo, "jobagent.yml"), config(2)); // the dev override moves after the plan
    const apply = await jobagent(["apply", "--json", "--target", "dev"]);
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toMatch(/plan.changed|plan-changed|changed since/i);
    expect((await jobsOf(dev))[0]!.settings!.job_clusters![0]!.new_cluster!.num_workers).toBe(1);
    const prodApply = await jobagent(["apply", "--json", "--target", "prod"]);
    expect(prodApply.code, prodApply.stderr).toBe(0);
    await writeFile(join(repo, "jobagent.yml"), config(1));
  });

  it("never adopts a job of another target: a hand-made job with prod's name in dev's workspace is left alone", async () => {
    const client = new WorkspaceClient({ host: dev.url, token: TOKEN, authType: "pat" });
    const { job_id } = await client.jobs.create({
      name: "orders-daily",
      tags: { "jobagent-repo": "acme/data-jobs@prod", "jobagent-task": "orders" },
      tasks: [{ task_key: "x", notebook_task: { notebook_path: "/Workspace/Shared/x" } }],
    });
    const plan = await jobagent(["plan", "--json", "--target", "dev"]);
    expect(plan.code, plan.stderr).toBe(0);
    const parsed = JSON.parse(plan.stdout);
    expect(parsed.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(JSON.stringify(parsed.changes ?? parsed)).not.toContain(String(job_id));
  });

  it("status shows the state of the chosen target; an unknown target is a usage error with a suggestion", async () => {
    const status = await jobagent(["status", "--target", "prod"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("Target: prod");
    expect(status.stdout).not.toContain("Target: dev");
    // no target named: every target's state, in promotion order
    const all = await jobagent(["status", "--json"]);
    expect(all.code, all.stderr).toBe(0);
    const byTarget = JSON.parse(all.stdout).targets;
    expect(Object.keys(byTarget)).toEqual(["dev", "prod"]);
    expect(byTarget.dev.tasks.length).toBeGreaterThan(0);
    expect(byTarget.prod.counts.COMPLETE).toBeGreaterThan(0);
    const text = await jobagent(["status"]);
    expect(text.stdout.indexOf("Target: dev")).toBeLessThan(text.stdout.indexOf("Target: prod"));
    const bad = await jobagent(["plan", "--target", "prd"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/target "prd" is not declared.*did you mean "prod"/);
    const cross = await jobagent(["plan", "--target", "prod"], { DATABRICKS_HOST: dev.url });
    expect(cross.code).toBe(2);
    expect(cross.stderr).toContain("is bound to");
    expect(await readFile(join(repo, "jobagent.yml"), "utf8")).toContain("targets:");
  });
});
