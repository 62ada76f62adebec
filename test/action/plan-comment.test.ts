// The plan comment a reviewer reads, rendered by the real renderer inside the real comment builder, held against
// reviewed markdown snapshots (test/action/__snapshots__/plan-comment/*.md) and against the properties that
// matter: full YAML of created jobs, field-level changes per task_key, limits measured the way GitHub measures.
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildPlanComment, GITHUB_COMMENT_LIMIT } from "../../src/action/comment.js";
import { cutMarkdownToBytes, SUMMARY_LIMIT_BYTES } from "../../src/action/report.js";
import type { PlanResult } from "../../src/engine/api.js";
import type { JobChange, JobSettings } from "../../src/domain/model.js";
import { diffJobSettings, isDestructiveChange, jobChangeHash, planHash } from "../../src/domain/plan.js";
import { renderPlanMarkdown } from "../../src/domain/render.js";

const RUN_URL = "https://github.example/acme/data-jobs/actions/runs/4242";
const HOST = "https://dbc-1234.cloud.databricks.com";

function job(name: string, tasks: number, workers = 2): JobSettings {
  return {
    name,
    tags: { team: "data-eng" },
    schedule: { quartz_cron_expression: "0 0 6 ? * MON-FRI", timezone_id: "Europe/Berlin" },
    email_notifications: { on_failure: ["data-eng@example.com"] },
    job_clusters: [
      {
        job_cluster_key: "etl",
        new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: workers },
      },
    ],
    tasks: Array.from({ length: tasks }, (_, i) => ({
      task_key: `step_${String(i).padStart(2, "0")}`,
      job_cluster_key: "etl",
      ...(i > 0 ? { depends_on: [{ task_key: `step_${String(i - 1).padStart(2, "0")}` }] } : {}),
      notebook_task: {
        notebook_path: `/Workspace/Shared/${name}/step_${i}`,
        base_parameters: { run_date: "{{job.start_time.iso_date}}", long_note: "x".repeat(300) },
      },
      max_retries: 2,
      timeout_seconds: 3600,
    })),
  };
}

function change(partial: Partial<JobChange> & Pick<JobChange, "taskId" | "op" | "jobName">): JobChange {
  const c: JobChange = {
    requirement: `jobs/${partial.jobName}.md`,
    fields: [],
    drift: [],
    warnings: [],
    hash: "",
    destructive: false,
    ...partial,
  };
  c.hash = jobChangeHash(c);
  return c;
}

function create(name: string, tasks = 3): JobChange {
  const desired = job(name, tasks);
  return change({
    taskId: `${name}/create`,
    op: "create",
    jobName: name,
    desired,
    fields: diffJobSettings(desired, {}),
  });
}

function plan(changes: JobChange[]): PlanResult {
  const count = (op: JobChange["op"]) => changes.filter((c) => c.op === op).length;
  return {
    valid: true,
    diagnostics: [],
    blocked: [],
    changes,
    counts: {
      create: count("create"),
      update: count("update"),
      delete: count("delete"),
      run: count("run"),
      noop: count("no-op"),
      blocked: 0,
    },
    planHash: planHash(changes),
    markdown: "",
  };
}

function comment(p: PlanResult): { body: string; truncated: boolean } {
  return buildPlanComment({
    plan: p,
    jobsDir: "jobs",
    headSha: "a1b2c3d4".repeat(5),
    runUrl: RUN_URL,
    render: (pl, { maxChars }) =>
      renderPlanMarkdown(pl, { maxChars, jobUrl: (id) => `${HOST}/jobs/${id}`, fullPlanUrl: RUN_URL }),
  });
}

/** The YAML inside the first ```yaml fence after `from`. */
function yamlAfter(body: string, from: string): unknown {
  const start = body.indexOf("```yaml\n", body.indexOf(from)) + "```yaml\n".length;
  return parseYaml(body.slice(start, body.indexOf("\n```", start)));
}

describe("the plan comment", () => {
  it("a 3-job create: a summary line per job, schedule in words, task graph and the full settings as YAML", async () => {
    const p = plan([create("orders-daily"), create("invoices-hourly", 2), create("kpi-refresh", 4)]);
    const { body, truncated } = comment(p);
    expect(truncated).toBe(false);
    for (const name of ["orders-daily", "invoices-hourly", "kpi-refresh"]) {
      expect(body).toMatch(new RegExp(`\\| ➕ create \\| ${name} \\|`));
      expect(body).toContain(`➕ create <b>${name}</b>`);
      // the whole settings, readable and complete: parsing the YAML gives the job back, long values uncut
      expect(yamlAfter(body, `➕ create <b>${name}</b>`)).toEqual(
        p.changes.find((c) => c.jobName === name)!.desired,
      );
    }
    expect(body).toContain("**When:** At 06&#58;00 AM, Monday through Friday (Europe/Berlin)");
    expect(body.match(/```mermaid/g)).toHaveLength(3);
    expect(body).toContain(`Plan \`${p.planHash}\``);
    await expect(body).toMatchFileSnapshot("__snapshots__/plan-comment/create-3-jobs.md");
  });

  it("a field-level update of a 30-task job: only the changed fields, per task_key, old → new", async () => {
    const actual = job("warehouse-load", 30);
    const desired = structuredClone(actual);
    desired.tasks![4].max_retries = 5;
    (desired.tasks![17].notebook_task as Record<string, unknown>).notebook_path =
      "/Workspace/Shared/warehouse-load/step_17_v2";
    delete desired.tasks![22].timeout_seconds;
    (desired.tasks![29].notebook_task as Record<string, unknown>).base_parameters = {
      run_date: "{{job.start_time.iso_date}}",
    };
    desired.job_clusters![0].new_cluster.num_workers = 8;
    const fields = diffJobSettings(desired, actual);
    const update = change({
      taskId: "warehouse/update",
      op: "update",
      jobName: "warehouse-load",
      jobId: 812,
      desired,
      fields,
      destructive: isDestructiveChange(fields),
    });
    const unchanged = change({ taskId: "other/noop", op: "no-op", jobName: "still-the-same", jobId: 9 });
    const { body } = comment(plan([update, unchanged]));
    expect(body).toContain(`(<a href="${HOST}/jobs/812">job 812</a>)`);
    expect(body).toContain("@@ task step_04 (1 changed) @@\n- max_retries: 2\n+ max_retries: 5");
    expect(body).toContain(
      "@@ task step_17 (1 changed) @@\n- notebook_task.notebook_path: /Workspace/Shared/warehouse-load/step_17\n" +
        "+ notebook_task.notebook_path: /Workspace/Shared/warehouse-load/step_17_v2",
    );
    expect(body).toContain("@@ task step_22 (1 removed) @@\n- timeout_seconds: 3600\n");
    expect(body).toMatch(
      /@@ task step_29 \(1 removed\) @@\n- notebook_task\.base_parameters\.long_note: x{300}\n/,
    );
    expect(body).toContain(
      "@@ job cluster etl (1 changed) @@\n- new_cluster.num_workers: 2\n+ new_cluster.num_workers: 8",
    );
    // untouched tasks are not listed; the unchanged job is one line
    expect(body).not.toContain("@@ task step_05");
    expect(body.split("\n").filter((l) => l.includes("still-the-same"))).toHaveLength(1);
    await expect(body).toMatchFileSnapshot("__snapshots__/plan-comment/update-30-tasks.md");
  });

  it("a delete says it is destructive", async () => {
    const del = change({
      taskId: "old/delete",
      op: "delete",
      jobName: "legacy-export",
      jobId: 77,
      destructive: true,
    });
    const { body } = comment(plan([del]));
    expect(body).toContain("| 🗑️ delete | legacy-export |");
    expect(body).toContain("this job and its run history will be deleted");
    await expect(body).toMatchFileSnapshot("__snapshots__/plan-comment/delete.md");
  });

  it("a plan past GitHub's comment limit: fits, says so and links the full plan in the job summary", async () => {
    const p = plan(Array.from({ length: 60 }, (_, i) => create(`bulk-${String(i).padStart(2, "0")}`, 12)));
    const { body, truncated } = comment(p);
    expect(truncated).toBe(true);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toContain(`the full plan is in the [job summary of this workflow run](${RUN_URL})`);
    expect(body).toContain(`[the full plan](${RUN_URL})`);
    // every YAML block shown is whole (never cut mid-value)
    for (const m of body.matchAll(/<b>(bulk-\d+)<\/b>[\s\S]*?```yaml\n([\s\S]*?)\n```/g)) {
      expect(parseYaml(m[2])).toEqual(p.changes.find((c) => c.jobName === m[1])!.desired);
    }
    expect(body.match(/<details[ >]/g)!.length).toBe(body.match(/<\/details>/g)!.length);
    const full = renderPlanMarkdown(p, { maxChars: 900_000 });
    expect(full.truncated).toBe(false);
    await expect(body.slice(0, 3000)).toMatchFileSnapshot("__snapshots__/plan-comment/past-limit-head.md");
  });
});

describe("the job summary limit", () => {
  it("cuts multi-byte text past 1 MiB by bytes, at a line, with the fence and details closed", () => {
    const line = "Zeile mit Umlauten äöü und Emoji 🚀🚀 — ".repeat(4);
    const lines = Math.ceil((SUMMARY_LIMIT_BYTES * 1.05) / Buffer.byteLength(`${line}\n`));
    const text = `<details><summary>plan</summary>\n\n\`\`\`yaml\n${`${line}\n`.repeat(lines)}\`\`\`\n\n</details>`;
    // fewer characters than the limit, more bytes: a character count would not have cut it
    expect(text.length).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThan(SUMMARY_LIMIT_BYTES);
    const cut = cutMarkdownToBytes(text, SUMMARY_LIMIT_BYTES, "**cut**");
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(cut).not.toContain("\uFFFD");
    expect(cut.endsWith("```\n\n</details>\n\n**cut**")).toBe(true);
    const body = cut.slice(cut.indexOf("```yaml\n") + 8, cut.lastIndexOf("\n```"));
    expect(body.split("\n").every((l) => l === line)).toBe(true);
    expect(cutMarkdownToBytes("short", SUMMARY_LIMIT_BYTES, "x")).toBe("short");
  });
});
