// Review hints and documentation links through the real engine: requirement files in a temp repo → plan against the
// local workspace over HTTP. Hints are warnings by default; jobagent.yml `review.blocking` makes one an error that
// fails validation, and apply then changes nothing. Validation errors carry docs.databricks.com links.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/api.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { Logger } from "../../src/domain/model.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, group: (_n, fn) => fn() };

const requirement = (cluster: string, retries = "") => `---
job:
  name: nightly-report
  schedule:
    quartz_cron_expression: "0 15 1 * * ?"
    timezone_id: UTC
  email_notifications: { on_failure: [data@example.com] }
  timeout_seconds: 3600
  tasks:
    - task_key: report
      existing_cluster_id: ${cluster}
      notebook_task: { notebook_path: /Workspace/Shared/report }
      max_retries: ${retries || "2"}
---
The nightly report.
`;

let local: LocalWorkspace;
let repoDir: string;
let options: EngineOptions;
let cluster: string;

beforeEach(async () => {
  local = await startLocalWorkspace({ runStepMs: 5 });
  const workspace = createSdkWorkspace({ host: local.url, token: local.token });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-hints-"));
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  const headers = { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" };
  const clusters = (await fetch(`${local.url}/api/2.0/clusters/list`, { headers }).then((r) => r.json())) as {
    clusters?: Array<{ cluster_id: string }>;
  };
  cluster = clusters.clusters?.[0]?.cluster_id ?? "missing";
  await fetch(`${local.url}/api/2.0/workspace/mkdirs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ path: "/Workspace/Shared" }),
  });
  await fetch(`${local.url}/api/2.0/workspace/import`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      path: "/Workspace/Shared/report",
      format: "SOURCE",
      language: "PYTHON",
      content: Buffer.from("# report").toString("base64"),
    }),
  });
  options = {
    repoDir,
    jobsDir: "jobs",
    workspace,
    repo: "acme/data-jobs",
    allowDelete: false,
    runId: "test-run",
    log: silent,
  };
});

afterEach(async () => {
  await local.close();
  await rm(repoDir, { recursive: true, force: true });
});

describe("review hints in a real plan", () => {
  it("are warnings with a documentation link, on the job and the requirement file", async () => {
    await writeFile(join(repoDir, "jobs", "report.md"), requirement(cluster));
    const plan = await runPlan(options);
    expect(plan.valid).toBe(true);
    const hint = plan.changes[0].warnings.find((w) => w.code === "review.all-purpose-compute");
    expect(hint).toMatchObject({
      severity: "warning",
      file: "jobs/report.md",
      path: "tasks[report].existing_cluster_id",
      see: ["Configure compute for jobs <https://docs.databricks.com/aws/en/jobs/compute>"],
    });
    expect(plan.markdown).toContain("<code>all-purpose-compute</code>");
  });

  it("block the plan when jobagent.yml lists the rule under review.blocking; apply changes nothing", async () => {
    await writeFile(
      join(repoDir, "jobagent.yml"),
      "project: acme/data-jobs\nreview:\n  blocking: [all-purpose-compute]\n",
    );
    await writeFile(join(repoDir, "jobs", "report.md"), requirement(cluster));
    const plan = await runPlan(options);
    expect(plan.valid).toBe(false);
    expect(plan.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "review.all-purpose-compute",
    ]);
    const applied = await runApply(options, { onPlanChange: "fail" });
    expect(applied.results.filter((r) => r.status === "COMPLETE")).toEqual([]);
    const jobs = (await fetch(`${local.url}/api/2.2/jobs/list`, {
      headers: { Authorization: `Bearer ${local.token}` },
    }).then((r) => r.json())) as { jobs?: unknown[] };
    expect(jobs.jobs ?? []).toEqual([]);
  });

  it("validation errors carry docs.databricks.com links", async () => {
    await writeFile(join(repoDir, "jobs", "report.md"), requirement(cluster, "-5"));
    const plan = await runPlan(options);
    expect(plan.valid).toBe(false);
    const error = plan.diagnostics.find((d) => d.severity === "error" && d.path.includes("max_retries"));
    expect(
      error?.see?.some((s) => s.endsWith("<https://docs.databricks.com/aws/en/jobs/configure-task>")),
    ).toBe(true);
    expect(plan.markdown).toMatch(
      /See: \[Retries and timeouts[^\]]*\]\(https:\/\/docs\.databricks\.com\/aws\/en\/jobs\/configure-task\)/,
    );
  });
});
