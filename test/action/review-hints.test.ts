// Review hints (src/domain/review-rules.ts + review-hints.ts) through the real renderer and comment builder:
// every rule fires on the job that has its problem and on no clean job; the comment shows each hint with its rule
// id, why, fix and a real documentation link; validation errors carry the Retriever's links. Snapshots in
// test/action/__snapshots__/plan-comment/ (no secrets, no volatile values: the clock is fixed).
import { describe, expect, it } from "vitest";
import { buildPlanComment } from "../../src/action/comment.js";
import type { PlanResult } from "../../src/engine/api.js";
import type { Diagnostic, JobChange, JobSettings } from "../../src/domain/model.js";
import { diffJobSettings, jobChangeHash, planHash } from "../../src/domain/plan.js";
import { renderPlanMarkdown } from "../../src/domain/render.js";
import { reviewHints } from "../../src/domain/review-hints.js";
import { REVIEW_RULES } from "../../src/domain/review-rules.js";
import { getRetriever } from "../../src/retriever/index.js";
import { renderPlanText } from "../../src/cli/text.js";

const NOW = new Date("2026-12-06T12:00:00Z");
const HOST = "https://dbc-1234.cloud.databricks.com";

function clean(name: string, minute = 0): JobSettings {
  return {
    name,
    timeout_seconds: 7200,
    schedule: { quartz_cron_expression: `0 ${minute} 6 * * ?`, timezone_id: "Europe/Berlin" },
    email_notifications: { on_failure: ["data-eng@example.com"] },
    job_clusters: [
      {
        job_cluster_key: "etl",
        new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 2 },
      },
    ],
    tasks: [
      {
        task_key: "transform",
        job_cluster_key: "etl",
        notebook_task: { notebook_path: "/Shared/t" },
        max_retries: 2,
      },
    ],
  };
}

function change(
  op: "create" | "update",
  name: string,
  desired: JobSettings,
  actual: JobSettings = {},
): JobChange {
  const c: JobChange = {
    taskId: `${name}/${op}`,
    requirement: `jobs/${name}.md`,
    op,
    jobName: name,
    ...(op === "update" ? { jobId: 501 } : {}),
    desired,
    fields: diffJobSettings(desired, actual),
    drift: [],
    warnings: [],
    hash: "",
    destructive: false,
  };
  c.hash = jobChangeHash(c);
  return c;
}

/** A job with every per-job problem; an update with run_as, permission and size changes. */
function problems(): JobChange[] {
  const bad: JobSettings = {
    name: "vendor-feed",
    schedule: { quartz_cron_expression: "0 30 2 * * ?", timezone_id: "America/New_York" },
    job_clusters: [
      {
        job_cluster_key: "old",
        new_cluster: { spark_version: "12.2.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
      },
      {
        job_cluster_key: "auto",
        new_cluster: { spark_version: "auto:latest-lts", node_type_id: "i3.xlarge", num_workers: 1 },
      },
    ],
    tasks: [
      { task_key: "ingest_api", job_cluster_key: "old", notebook_task: { notebook_path: "/Shared/ingest" } },
      {
        task_key: "report",
        existing_cluster_id: "0101-abc",
        notebook_task: { notebook_path: "/Shared/r" },
        depends_on: [{ task_key: "ingest_api" }],
      },
    ],
  };
  const before = clean("warehouse-load");
  const after = structuredClone(before);
  after.run_as = { service_principal_name: "11111111-2222-3333-4444-555555555555" };
  after.job_clusters![0].new_cluster = {
    ...after.job_clusters![0].new_cluster,
    num_workers: 8,
    node_type_id: "i3.2xlarge",
  };
  const update = change("update", "warehouse-load", after, {
    ...before,
    run_as: { user_name: "alice@example.com" },
  });
  update.fields.push({
    path: "access_control_list",
    kind: "change",
    before: ["data-eng: CAN_MANAGE"],
    after: ["data-eng: CAN_MANAGE", "analysts: CAN_VIEW"],
    category: "permissions",
  });
  // five jobs at 06:00 Europe/Berlin: schedule-same-minute
  const crowd = ["a", "b", "c", "d"].map((n) => change("create", `crowd-${n}`, clean(`crowd-${n}`)));
  // EST: a fixed UTC−5 offset all year, not New York time (timezone-fixed-offset)
  const eastern = clean("eastern-feed", 15);
  eastern.schedule = { quartz_cron_expression: "0 15 6 * * ?", timezone_id: "EST" };
  return [change("create", "vendor-feed", bad), update, ...crowd, change("create", "eastern-feed", eastern)];
}

function plan(changes: JobChange[], diagnostics: Diagnostic[] = []): PlanResult {
  const count = (op: JobChange["op"]) => changes.filter((c) => c.op === op).length;
  return {
    valid: !diagnostics.some((d) => d.severity === "error"),
    diagnostics,
    blocked: [],
    changes,
    counts: { create: count("create"), update: count("update"), delete: 0, run: 0, noop: 0, blocked: 0 },
    planHash: planHash(changes),
    markdown: "",
  };
}

function withHints(changes: JobChange[], options: { blocking?: string[] } = {}): Diagnostic[] {
  const hints = reviewHints(changes, { now: NOW, timezone: "Europe/Berlin", ...options });
  const all: Diagnostic[] = [];
  for (const c of changes) {
    c.warnings.push(...(hints.get(c.taskId) ?? []));
    all.push(...(hints.get(c.taskId) ?? []));
  }
  return all;
}

const comment = (p: PlanResult) =>
  buildPlanComment({
    plan: p,
    jobsDir: "jobs",
    headSha: "a1b2c3d4".repeat(5),
    render: (pl, { maxChars }) => renderPlanMarkdown(pl, { maxChars, jobUrl: (id) => `${HOST}/jobs/${id}` }),
  }).body;

describe("review hints", () => {
  it("every rule of the table fires where its problem is, and not on a clean job", () => {
    const changes = problems();
    const hints = reviewHints(changes, { now: NOW, timezone: "Europe/Berlin" });
    const fired = new Set([...hints.values()].flat().map((d) => d.code.replace("review.", "")));
    expect([...fired].sort()).toEqual(REVIEW_RULES.map((r) => r.id).sort());
    const vendor = hints.get("vendor-feed/create")!.map((d) => d.message);
    expect(vendor).toContain("2 tasks without retries: ingest_api (calling an external system); report");
    expect(vendor).toContain("Databricks Runtime 12.2 LTS reached end of support on 2026-03-01");
    expect(vendor).toContain('spark_version "auto:latest-lts" is not pinned');
    expect(hints.get("eastern-feed/create")!.map((d) => d.message)).toContain(
      "schedule in EST, a fixed offset with no daylight saving",
    );
    // a region zone is not a fixed offset
    expect(hints.get("vendor-feed/create")!.some((d) => d.code === "review.timezone-fixed-offset")).toBe(
      false,
    );
    expect(hints.get("warehouse-load/update")!.map((d) => d.message)).toContain(
      "job cluster etl: 2 × i3.xlarge → 8 × i3.2xlarge",
    );
    // a lone clean job gets nothing; hints are warnings unless blocking
    expect(
      reviewHints([change("create", "fine", clean("fine"))], { now: NOW, timezone: "Europe/Berlin" }).size,
    ).toBe(0);
    expect([...hints.values()].flat().every((d) => d.severity === "warning")).toBe(true);
    const blocking = reviewHints(changes, {
      now: NOW,
      blocking: ["all-purpose-compute"],
      ignore: ["no-timeout"],
    });
    const flat = [...blocking.values()].flat();
    expect(flat.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "review.all-purpose-compute",
    ]);
    expect(flat.some((d) => d.code === "review.no-timeout")).toBe(false);
  });

  it("the comment shows every hint with its rule id, why, fix and documentation link", async () => {
    const changes = problems();
    withHints(changes);
    const body = comment(plan(changes));
    for (const rule of REVIEW_RULES) {
      expect(body).toContain(`<code>${rule.id}</code>`);
      expect(body).toContain(`](${rule.docs.replace("#", "#")})`);
    }
    expect(body).toContain("💡 7 review hints");
    await expect(body).toMatchFileSnapshot("__snapshots__/plan-comment/review-hints.md");
    const text = renderPlanText(plan(changes));
    expect(text).toContain(
      "hint [cluster-cost]: job cluster etl: 2 × i3.xlarge → 8 × i3.2xlarge — https://docs.databricks.com/aws/en/jobs/compute",
    );
  });

  it("a blocking hint fails validation and is listed with the errors", () => {
    const changes = problems();
    const all = withHints(changes, { blocking: ["all-purpose-compute"] });
    const body = comment(
      plan(
        changes,
        all.filter((d) => d.severity === "error"),
      ),
    );
    expect(body).toContain("❌ **Validation failed**");
    expect(body).toContain("<code>all-purpose-compute</code> **(blocking)**");
  });

  it("validation errors carry real documentation links from the Retriever", async () => {
    const retriever = getRetriever();
    const see = retriever.seeAlsoLinks("tasks[ingest].max_retries");
    expect(see).toEqual([
      "Retries and timeouts › Retrying a failed task <https://docs.databricks.com/aws/en/jobs/configure-task>",
      "Jobs API: jobs.Task › max_retries <https://docs.databricks.com/api/workspace/jobs/create>",
    ]);
    const diagnostics: Diagnostic[] = [
      {
        severity: "error",
        code: "semantic.max-retries",
        file: "jobs/orders.md",
        line: 12,
        path: "jobs.orders.tasks[ingest].max_retries",
        value: -5,
        message: "max_retries must be -1 (unlimited) or a number ≥ 0",
        fix: "Use max_retries: 3",
        see,
      },
      {
        severity: "error",
        code: "semantic.cron",
        file: "jobs/orders.md",
        line: 7,
        path: "jobs.orders.schedule.quartz_cron_expression",
        value: "0 0 25 * * ?",
        message: "hour field: '25' is not a valid value",
        fix: "Use an hour from 0 to 23",
        see: retriever.seeAlsoLinks("schedule.quartz_cron_expression"),
      },
    ];
    const body = comment(plan([], diagnostics));
    expect(body).toContain(
      "[Retries and timeouts › Retrying a failed task](https://docs.databricks.com/aws/en/jobs/configure-task)",
    );
    expect(body).toMatch(/\]\(https:\/\/docs\.databricks\.com\/aws\/en\/jobs\/scheduled\)/);
    await expect(body).toMatchFileSnapshot("__snapshots__/plan-comment/validation-errors-links.md");
  });
});
