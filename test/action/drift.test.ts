// The action's drift flow (workflow_dispatch / schedule, or mode drift): a read-only plan against the workspace,
// drifted fields in the job summary, `fail-on-drift` turning drift into failure-reason drift-detected. Real engine,
// real task files in a temp repo, the local workspace over HTTP through the official SDK.
import { mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as engine from "../../src/engine/index.js";
import { runDriftFlow } from "../../src/action/drift.js";
import type { ActionDeps } from "../../src/action/deps.js";
import { ActionError } from "../../src/action/errors.js";
import { parseInputs } from "../../src/action/inputs.js";
import { JobSummary, Outputs, Redactor, type ActionLogger } from "../../src/action/report.js";
import { createSimpleGitPort } from "../../src/adapters/git/simple-git.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";

const ORDERS = `---
job:
  name: orders-daily
  schedule:
    quartz_cron_expression: "0 0 6 ? * MON-FRI"
    timezone_id: Europe/Berlin
  job_clusters:
    - job_cluster_key: etl
      new_cluster:
        spark_version: 15.4.x-scala2.12
        node_type_id: i3.xlarge
        num_workers: 2
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/orders/ingest
---
Orders every weekday at 6:00 Berlin time.
`;

let local: LocalWorkspace;
let workspace: Workspace;
let repoDir: string;
const REPO = "acme/data-jobs";

function logger(warnings: string[]): ActionLogger {
  return {
    info() {},
    warn: (m) => void warnings.push(m),
    error() {},
    debug() {},
    group: (_name, fn) => fn(),
    annotate() {},
  };
}

function deps(inputs: Record<string, string>, warnings: string[] = []): ActionDeps {
  const redactor = new Redactor();
  return {
    inputs: parseInputs({ get: (n) => inputs[n] ?? "", env: {}, setSecret: (s) => redactor.add(s) }),
    context: {
      eventName: "schedule",
      repository: REPO,
      owner: "acme",
      repo: "data-jobs",
      sha: "",
      ref: "refs/heads/main",
      apiUrl: "https://api.github.com",
      serverUrl: "https://github.com",
      runId: "4242",
      workspace: repoDir,
      payload: {},
    },
    engine,
    git: createSimpleGitPort({ repoDir, log: () => undefined, unionMergePaths: [] }),
    workspace: async () => workspace,
    targetWorkspace: async () => undefined,
    llm: async () => undefined,
    log: logger(warnings),
    summary: new JobSummary(redactor),
    outputs: new Outputs(redactor),
    redactor,
  };
}

beforeAll(async () => {
  local = await startLocalWorkspace({ runStepMs: 5 });
  workspace = createSdkWorkspace({ host: local.url, token: local.token });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-drift-"));
  const api = (path: string, body: unknown) =>
    fetch(`${local.url}/api/2.0/workspace/${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  await api("mkdirs", { path: "/Workspace/Shared/orders" });
  const imported = await api("import", {
    path: "/Workspace/Shared/orders/ingest",
    format: "SOURCE",
    language: "PYTHON",
    content: Buffer.from("# ingest").toString("base64"),
  });
  expect(imported.status).toBeLessThan(300);
  await mkdir(join(repoDir, "jobs"));
  await writeFile(join(repoDir, "jobs", "orders.md"), ORDERS);
  const options = {
    repoDir,
    jobsDir: "jobs",
    workspace,
    repo: REPO,
    runId: "setup",
    log: logger([]),
    allowDelete: false,
  };
  await engine.runPlan(options, { record: true });
  const applied = await engine.runApply(options, { onPlanChange: "fail" });
  expect(applied.ok, applied.message).toBe(true);
});

afterAll(async () => {
  await local?.close();
  await rm(repoDir, { recursive: true, force: true });
});

describe("the drift flow", () => {
  it("reports no drift when every job matches its requirement, and writes nothing", async () => {
    const before = await readdir(join(repoDir, "jobs", ".tasks"));
    const d = deps({ "fail-on-drift": "true" });
    await runDriftFlow(d, { drift: true });
    expect(d.summary.text).toContain("No drift: every job matches its requirement.");
    expect(d.outputs.get("changes")).toBe("false");
    expect(await readdir(join(repoDir, "jobs", ".tasks"))).toEqual(before);
  });

  it("names the fields changed outside the repo; fail-on-drift turns them into drift-detected", async () => {
    const jobs = [];
    for await (const j of workspace.listJobs()) jobs.push(j);
    const [job] = jobs;
    const settings = { ...job!.settings, max_concurrent_runs: 5 };
    await workspace.resetJob(job!.job_id, settings);

    const warnings: string[] = [];
    const lenient = deps({}, warnings);
    await runDriftFlow(lenient, { drift: true });
    expect(lenient.summary.text).toMatch(/\| orders-daily \| \d+ \| [^\n]*`max_concurrent_runs`/);
    expect(warnings.join("\n")).toMatch(/drift in orders-daily: .*max_concurrent_runs/);
    expect(lenient.outputs.get("to-update")).toBe("1");

    const strict = deps({ "fail-on-drift": "true" });
    const error = await runDriftFlow(strict, { drift: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).reason).toBe("drift-detected");
    expect((error as Error).message).toContain("fail-on-drift: true");
  });
});
