// `jobagent drift` through dist/cli.js in child processes, in a real git repository against the local workspace over
// HTTP: no drift → exit 0; a managed job changed through the API (settings and permissions, as the UI does) → exit 3
// with each field's requirement value → workspace value, in text and in the stable --json shape; nothing written.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simpleGit } from "simple-git";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import {
  cleanupTempDirs,
  cliInvocation,
  commitAll,
  makeRepo,
  parseJsonOutput,
  runCli,
  type CliOptions,
} from "../support/reliability-harness.js";

const ORDERS = `---
job:
  name: orders-daily
  max_concurrent_runs: 2
  access_control_list:
    - group_name: data-eng
      permission_level: CAN_MANAGE_RUN
  tasks:
    - task_key: ingest
      notebook_task:
        notebook_path: /Workspace/Shared/etl/ingest
      environment_key: default
  environments:
    - environment_key: default
      spec: { client: "1" }
---
Orders.
`;

let local: LocalWorkspace;
let workspace: Workspace;
let repoDir: string;
let options: CliOptions;
let jobId: number;

/** The CLI without --json (runCli always passes it). */
function runText(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { args, env } = cliInvocation(command, options);
  const child = spawn(
    process.execPath,
    args.filter((a) => a !== "--json"),
    { cwd: repoDir, env },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

interface DriftJson {
  drift: boolean;
  valid: boolean;
  jobs: Array<{
    task: string;
    requirement: string;
    job: { id: number; name: string; url: string };
    fields: Array<{
      path: string;
      change: string;
      category: string;
      requirement: unknown;
      workspace: unknown;
    }>;
  }>;
  pending: unknown[];
  errors: unknown[];
}

beforeAll(async () => {
  local = await startLocalWorkspace({ token: "dapi-cli-drift-local-token-0123456789" });
  workspace = createSdkWorkspace({ host: local.url, token: local.token });
  repoDir = await makeRepo({ "jobs/orders.md": ORDERS }, "jobagent-cli-drift-");
  options = { repoDir, host: local.url, token: local.token };
  for (const command of ["plan", "apply"]) {
    const r = await runCli(command, options);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }
  await commitAll(repoDir, "applied");
  const jobs = [];
  for await (const job of workspace.listJobs({ name: "orders-daily" })) jobs.push(job);
  jobId = jobs[0]!.job_id;
});

afterAll(async () => {
  await local?.close();
  await cleanupTempDirs();
});

describe("jobagent drift", () => {
  it("exit 0 and 'No drift' while the workspace matches what the last apply left", async () => {
    const text = await runText("drift");
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain("No drift: every managed job matches what the last apply left.");
    const json = parseJsonOutput<DriftJson>(await runCli("drift", options), "drift --json");
    expect(json).toEqual({ drift: false, valid: true, jobs: [], pending: [], errors: [] });
  });

  it("a job changed in the workspace (a setting and a grant): exit 3, each field requirement → workspace; writes nothing", async () => {
    const current = (await workspace.getJob(jobId))!.settings;
    await workspace.resetJob(jobId, { ...current, max_concurrent_runs: 4 });
    await workspace.setJobPermissions(jobId, [
      { group_name: "data-eng", permission_level: "CAN_MANAGE_RUN" },
      { user_name: "ana@example.com", permission_level: "CAN_MANAGE" },
    ]);

    const text = await runText("drift");
    expect(text.code, text.stdout + text.stderr).toBe(3);
    expect(text.stdout).toContain(
      "Drift: 1 managed job(s) changed in the workspace since the last apply (requirement → workspace).",
    );
    expect(text.stdout).toContain(`orders-daily (job ${jobId}, ${local.url}/jobs/${jobId}) — jobs/orders.md`);
    expect(text.stdout).toContain("  max_concurrent_runs: 2 → 4 (changed in the workspace)");
    expect(text.stdout).toContain(
      '  access_control_list: ["data-eng: CAN_MANAGE_RUN"] → ["ana@example.com: CAN_MANAGE","data-eng: CAN_MANAGE_RUN"] (changed in the workspace)',
    );

    const result = await runCli("drift", options);
    expect(result.code, result.stderr).toBe(3);
    const json = parseJsonOutput<DriftJson>(result, "drift --json");
    expect(json.drift).toBe(true);
    expect(json.valid).toBe(true);
    expect(json.jobs).toHaveLength(1);
    const [job] = json.jobs;
    expect(job!.requirement).toBe("jobs/orders.md");
    expect(job!.job).toEqual({ id: jobId, name: "orders-daily", url: `${local.url}/jobs/${jobId}` });
    expect(job!.fields).toEqual([
      { path: "max_concurrent_runs", change: "changed", category: "other", requirement: 2, workspace: 4 },
      {
        path: "access_control_list",
        change: "changed",
        category: "permissions",
        requirement: ["data-eng: CAN_MANAGE_RUN"],
        workspace: ["ana@example.com: CAN_MANAGE", "data-eng: CAN_MANAGE_RUN"],
      },
    ]);

    // Read-only: no task file, no plan record, no local state changed.
    expect((await simpleGit(repoDir).status()).files).toEqual([]);
  });

  it("secret-looking values are redacted in the text and the JSON", async () => {
    const current = (await workspace.getJob(jobId))!.settings;
    const token = "dapi0123456789abcdef0123456789abcdef";
    await workspace.resetJob(jobId, {
      ...current,
      tasks: current.tasks!.map((t) => ({
        ...t,
        notebook_task: { ...t.notebook_task!, base_parameters: { api_token: token } },
      })),
    });
    const text = await runText("drift");
    expect(text.code).toBe(3);
    expect(text.stdout).toContain(
      'tasks[ingest].notebook_task.base_parameters: (not set) → {"api_token":"***"}',
    );
    const json = await runCli("drift", options);
    expect(json.stdout).toContain("base_parameters");
    expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain(token);
  });

  it("a usage error is exit 2", async () => {
    const r = await runCli("drift", { ...options, extraArgs: ["extra"] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: jobagent drift");
  });
});
