// Provenance shown in the plan (issue #15): every field the offline interpreter produced from a requirement's prose
// appears in the PR comment's "Interpretation" section and in the CLI plan text as `field ← 'words' (line N)`.
// Real parts: requirement files in a temp repo, the local workspace over HTTP through the SDK, the real planner.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/api.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { JobChange, Logger } from "../../src/domain/model.js";
import { renderPlanMarkdown } from "../../src/domain/render.js";
import { renderPlanText } from "../../src/cli/text.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, group: (_n, fn) => fn() };

let local: LocalWorkspace;
let repoDir: string;
let options: EngineOptions;

async function api(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${local.url}/api/${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return res.json();
}

beforeEach(async () => {
  local = await startLocalWorkspace({ runStepMs: 5 });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-provenance-"));
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  for (const path of ["/Workspace/Shared/orders/ingest", "/Workspace/Shared/billing/sync"]) {
    await api("2.0/workspace/mkdirs", { path: path.slice(0, path.lastIndexOf("/")) });
    await api("2.0/workspace/import", {
      path,
      format: "SOURCE",
      language: "PYTHON",
      content: Buffer.from("print(1)").toString("base64"),
      overwrite: true,
    });
  }
  options = {
    repoDir,
    jobsDir: "jobs",
    workspace: createSdkWorkspace({ host: local.url, token: local.token }),
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

/** The comment's markdown with its HTML entities decoded, as a reviewer reads it. */
const decoded = (markdown: string) =>
  markdown.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

/** A provenance entry covers a changed field path when it names it, a parent or a part of it (`[*]` = any task). */
function covered(change: JobChange, path: string): boolean {
  const plain = path.replace(/\[[^\]]+\]/g, "[*]");
  return (change.provenance ?? []).some((p) => {
    const field = p.field.replace(/\s*\(.*\)$/, "");
    const wild = field.replace(/\[[^\]]+\]/g, "[*]");
    return [path, plain].some((f) =>
      [field, wild].some(
        (g) => f === g || f.startsWith(`${g}.`) || g.startsWith(`${f}.`) || g.startsWith(`${f}[`),
      ),
    );
  });
}

describe("provenance in the plan", () => {
  it("shows every interpreted field of a created job with its words and line, in the comment and the CLI text", async () => {
    await writeFile(
      join(repoDir, "jobs", "orders.md"),
      "# Orders ingest\n\nRun the notebook /Workspace/Shared/orders/ingest\nevery weekday at 7:30 PM Berlin time.\nEmail data-eng@example.com on failure; retry twice.\n",
    );
    const plan = await runPlan(options);
    expect(plan.valid, JSON.stringify(plan.diagnostics)).toBe(true);
    const change = plan.changes.find((c) => c.op === "create") as JobChange;
    expect(change.provenance?.length).toBeGreaterThan(0);
    // Every field the plan creates from the prose (tags are the tool's ownership marks) has its words.
    const missing = change.fields
      .map((f) => f.path)
      .filter((p) => !p.startsWith("tags") && !covered(change, p));
    expect(missing).toEqual([]);

    const markdown = decoded(renderPlanMarkdown(plan).markdown);
    expect(markdown).toContain("**Interpretation**");
    // One stretch of the line when the schedule's words overlap, not "every weekday … weekday at 7:30 PM".
    expect(markdown).toContain("- schedule.quartz_cron_expression ← 'every weekday at 7:30 PM' (line 4)");
    expect(markdown).toMatch(/- schedule\.timezone_id ← '[^']*Berlin[^']*' \(line 4\)/);
    expect(markdown).toMatch(
      /- email_notifications\.on_failure ← '[^']*data-eng@example\.com[^']*' \(line 5\)/,
    );
    for (const p of change.provenance ?? []) expect(markdown).toContain(`- ${p.field} ← `);

    const text = renderPlanText(plan);
    expect(text).toMatch(/from the words: schedule\.quartz_cron_expression ← '[^']*7:30 PM[^']*' \(line 4\)/);
    expect(text).toMatch(
      /from the words: tasks\[\S+\]\.max_retries ← '[^']*retry twice[^']*' \(line 5\)|from the words: tasks\[\*\]\.max_retries ← '[^']*retry twice/,
    );
  });

  it("shows the words behind an update of an existing job, and nothing for a job given as YAML", async () => {
    // A job this project created and applied earlier, so the prose update may change it.
    await writeFile(
      join(repoDir, "jobs", "billing-base.md"),
      "---\njob:\n  name: billing-sync\n  schedule: { quartz_cron_expression: '0 0 6 * * ?', timezone_id: UTC }\n  tasks:\n    - task_key: sync\n      notebook_task: { notebook_path: /Workspace/Shared/billing/sync }\n---\nBilling sync.\n",
    );
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.ok, applied.message).toBe(true);
    const created = { job_id: applied.results.find((r) => r.op === "create")?.jobId };
    await writeFile(
      join(repoDir, "jobs", "billing.md"),
      `Hi team,\nplease pause the schedule of billing-sync and rename it to **Billing Sync v2**.\nThanks\n`,
    );
    await writeFile(
      join(repoDir, "jobs", "yaml.md"),
      "---\njob:\n  name: yaml-job\n  tasks:\n    - task_key: ingest\n      notebook_task: { notebook_path: /Workspace/Shared/orders/ingest }\n---\nGiven as YAML.\n",
    );
    const plan = await runPlan(options);
    const update = plan.changes.find((c) => c.op === "update" && c.jobId === created.job_id);
    expect(
      update,
      JSON.stringify([plan.changes.map((c) => [c.op, c.jobName, c.jobId]), plan.diagnostics, plan.blocked]),
    ).toBeDefined();
    const markdown = decoded(renderPlanMarkdown(plan).markdown);
    expect(markdown).toMatch(/- name ← 'rename it to \*\*Billing Sync v2\*\*' \(line 2\)/);
    const yaml = plan.changes.find((c) => c.jobName === "yaml-job");
    expect(yaml?.provenance ?? []).toEqual([]);
  });
});
