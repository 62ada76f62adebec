/**
 * `jobagent demo`: the whole flow in a temporary git repository against the embedded local workspace, printed as it
 * goes: requirements → task files → plan → apply → plan (no changes) → an edit → plan/apply → drift → retire.
 */
import { mkdtemp, mkdir, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import type { EngineOptions } from "../engine/api.js";
import { readStatus, runApply, runPlan } from "../engine/index.js";
import type { Logger } from "../domain/model.js";
import { startLocalWorkspace } from "../dev/local-workspace/index.js";
import { renderPlanText } from "./text.js";
import { createSdkWorkspace } from "../adapters/databricks/sdk-workspace.js";

const ORDERS = `---
title: Orders pipeline
job:
  name: orders-daily
  description: Ingest raw orders, then build the daily aggregates.
  schedule:
    quartz_cron_expression: "0 0 6 ? * MON-FRI"
    timezone_id: Europe/Berlin
  email_notifications:
    on_failure: [data-eng@example.com]
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
        notebook_path: /Workspace/Shared/etl/ingest
    - task_key: aggregate
      depends_on: [{ task_key: ingest }]
      job_cluster_key: etl
      notebook_task:
        notebook_path: /Workspace/Shared/etl/transform
      max_retries: 2
---
Run the orders ingest every weekday at 6:00 Berlin time, then the aggregation.
Email data-eng@example.com on failure.
`;

const PROSE = `# Nightly customer export

Run the notebook /Workspace/Shared/etl/report every day at 2am UTC on a small cluster
(2 workers, i3.xlarge, runtime 15.4.x-scala2.12). Retry twice. Email ops@example.com if it fails.
`;

interface DemoIO {
  out: (text: string) => void;
  log: Logger;
  /** Keep the demo repository in this directory instead of a temporary one. */
  keep?: string;
}

export async function runDemo(io: DemoIO): Promise<number> {
  const { out } = io;
  const repoDir = io.keep ?? (await mkdtemp(join(tmpdir(), "jobagent-demo-")));
  await mkdir(repoDir, { recursive: true });
  const local = await startLocalWorkspace({});
  const workspace = createSdkWorkspace({ host: local.url, token: local.token });
  const quiet: Logger = { ...io.log, info: () => undefined, debug: () => undefined, group: (_n, fn) => fn() };
  const options: EngineOptions = {
    repoDir,
    jobsDir: "jobs",
    workspace,
    repo: "acme/data-jobs",
    allowDelete: false,
    runId: "demo",
    log: quiet,
  };
  const git = simpleGit(repoDir);
  const step = (title: string) => out(`\n━━ ${title} ━━\n`);
  try {
    step(`1. A repository with two requirements (${repoDir})`);
    await git.init();
    await git.addConfig("user.name", "Demo");
    await git.addConfig("user.email", "demo@example.com");
    await mkdir(join(repoDir, "jobs"), { recursive: true });
    await writeFile(join(repoDir, "jobs", "orders-daily.md"), ORDERS);
    await writeFile(join(repoDir, "jobs", "customer-export.md"), PROSE);
    out("jobs/orders-daily.md     structured job block (Jobs API 2.2 field names) + prose");
    out("jobs/customer-export.md  prose only (read by the offline interpreter; no LLM configured)");

    step("2. Plan (Tech Lead writes task files; Worker validates and plans)");
    const plan1 = await runPlan(options);
    out(renderPlanText(plan1));
    out(
      `\nvalid: ${plan1.valid}; the same plan as a PR comment: \`jobagent plan --markdown\`; as JSON: \`--json\``,
    );
    await commitAll(git, "Plan: task files");

    step("3. Apply");
    const apply1 = await runApply(options, { onPlanChange: "fail" });
    if (!apply1.ok) out(`Apply failed (${apply1.failureReason ?? ""}): ${apply1.message ?? ""}`);
    for (const r of apply1.results)
      out(
        `${r.status === "COMPLETE" ? "✓" : "✗"} ${r.op} ${r.jobName}${r.jobId !== undefined ? ` → job ${r.jobId} (${r.jobUrl})` : ""}${r.error ? ` — ${r.error}` : ""}`,
      );
    await commitAll(git, "Apply: progress [skip ci]");

    step("4. Plan again: nothing to change");
    const plan2 = await runPlan(options);
    out(
      `create ${plan2.counts.create}, update ${plan2.counts.update}, delete ${plan2.counts.delete}, run ${plan2.counts.run}, no-op ${plan2.counts.noop}`,
    );

    step("5. Edit the requirement: 7:30 instead of 6:00, three workers");
    const edited = (await readFile(join(repoDir, "jobs", "orders-daily.md"), "utf8"))
      .replace('"0 0 6 ? * MON-FRI"', '"0 30 7 ? * MON-FRI"')
      .replace("num_workers: 2", "num_workers: 3")
      .replace("at 6:00 Berlin", "at 7:30 Berlin");
    await writeFile(join(repoDir, "jobs", "orders-daily.md"), edited);
    const plan3 = await runPlan(options);
    out(renderPlanText(plan3));
    const apply3 = await runApply(options, { onPlanChange: "fail" });
    out(apply3.ok ? `Applied (plan ${apply3.planHash}).` : `Apply failed: ${apply3.message ?? ""}`);
    await commitAll(git, "Change the orders schedule");

    step("6. Someone edits the job in the workspace by hand: drift");
    const ordersJob = apply1.results.find((r) => r.jobName === "orders-daily")?.jobId;
    if (ordersJob !== undefined) {
      await workspace.updateJob(ordersJob, { max_concurrent_runs: 5 }, []);
      const drift = await runPlan(options, { record: false, drift: true });
      const change = drift.changes.find((c) => c.jobId === ordersJob);
      out(
        `plan: ${change?.op ?? "?"} orders-daily — drift: ${(change?.drift ?? []).map((f) => `${f.path} ${JSON.stringify(f.before) ?? "(default)"} → ${JSON.stringify(f.after) ?? "(default)"}`).join(", ") || "none"}`,
      );
      for (const w of drift.diagnostics.filter((d) => d.code.startsWith("drift")))
        out(`warning: ${w.message} — ${w.fix}`);
    }

    step("7. Remove a requirement: the job is deleted only with allow-delete");
    await rm(join(repoDir, "jobs", "customer-export.md"));
    const blocked = await runPlan(options);
    for (const b of blocked.blocked) out(`blocked: ${b.reason}`);
    const planDelete = await runPlan({ ...options, allowDelete: true });
    out(
      `with allow-delete: ${planDelete.counts.delete} to delete, ${planDelete.counts.update} to update (restores the drifted job)`,
    );
    const applyDelete = await runApply({ ...options, allowDelete: true }, { onPlanChange: "fail" });
    for (const r of applyDelete.results)
      out(
        `${r.status === "COMPLETE" ? "✓" : "✗"} ${r.op} ${r.jobName}${r.jobId !== undefined ? ` (job ${r.jobId})` : ""}`,
      );

    step("8. The state database: task files in git");
    const status = await readStatus(options);
    for (const t of status.tasks)
      out(`${t.status.padEnd(9)} ${t.id}${t.jobId !== undefined ? `  job ${t.jobId}` : ""}`);
    const ordersTask = status.tasks.find((t) => t.jobName === "orders-daily");
    if (ordersTask) {
      const text = await readFile(join(repoDir, ordersTask.file), "utf8");
      const front = text
        .split("\n")
        .filter((l) =>
          /^(id|requirement|action|status|spec_hash|plan_hash|applied_hash|job_id|attempts):/.test(l),
        );
      out(`\n${ordersTask.file} (front matter, excerpt):\n${front.map((l) => `  ${l}`).join("\n")}`);
    }
    out(`\n${(await git.log()).total} commits; progress log: jobs/.tasks/progress.md`);
    out(
      io.keep
        ? `\nDemo finished. Repository: ${repoDir}`
        : "\nDemo finished; its temporary repository was removed (keep one with `jobagent demo --dir DIR`).",
    );
    return apply1.ok && apply3.ok && applyDelete.ok ? 0 : 1;
  } finally {
    await local.close();
    if (!io.keep) await rm(repoDir, { recursive: true, force: true });
  }
}

async function commitAll(git: ReturnType<typeof simpleGit>, message: string): Promise<void> {
  await git.add(".");
  const status = await git.status();
  if (status.staged.length > 0 || status.created.length > 0 || status.files.length > 0)
    await git.commit(message);
}
