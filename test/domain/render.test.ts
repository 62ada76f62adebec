import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../src/engine/api.js";
import type { Diagnostic, JobChange, JobSettings } from "../../src/domain/model.js";
import { diffJobSettings, isDestructiveChange, jobChangeHash, planHash } from "../../src/domain/plan.js";
import { planToJson, renderPlanJson, renderPlanMarkdown } from "../../src/domain/render.js";

const actual: JobSettings = {
  name: "orders",
  schedule: { quartz_cron_expression: "0 0 6 ? * MON-FRI", timezone_id: "Europe/Berlin" },
  tasks: [
    { task_key: "ingest", notebook_task: { notebook_path: "/Workspace/etl/ingest" }, job_cluster_key: "etl" },
    {
      task_key: "transform",
      depends_on: [{ task_key: "ingest" }],
      notebook_task: { notebook_path: "/Workspace/etl/transform" },
      job_cluster_key: "etl",
    },
  ],
  job_clusters: [
    {
      job_cluster_key: "etl",
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 2 },
    },
  ],
};

function change(partial: Partial<JobChange> & Pick<JobChange, "taskId" | "op" | "jobName">): JobChange {
  const c: JobChange = {
    requirement: "jobs/orders.md",
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

function plan(changes: JobChange[], extra: Partial<PlanResult> = {}): PlanResult {
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
      blocked: extra.blocked?.length ?? 0,
    },
    planHash: planHash(changes),
    markdown: "",
    ...extra,
  };
}

function updateChange(): JobChange {
  const desired: JobSettings = structuredClone(actual);
  desired.schedule = { quartz_cron_expression: "0 30 7 ? * MON-FRI", timezone_id: "Europe/Berlin" };
  desired.job_clusters![0].new_cluster.num_workers = 8;
  desired.run_as = { service_principal_name: "6f1e2d3c-4b5a-4968-8776-1a2b3c4d5e6f" };
  desired.tasks![1].task_key = "transform_v2";
  desired.description = "Daily orders";
  const fields = diffJobSettings(desired, actual);
  return change({
    taskId: "orders/update-orders",
    op: "update",
    jobName: "orders",
    jobId: 42,
    fields,
    desired,
    destructive: isDestructiveChange(fields),
    warnings: [
      {
        severity: "warning",
        code: "consistency.schedule",
        path: "schedule",
        message: "The requirement says 07:00 but the cron fires at 07:30",
        fix: "Align the cron with the text",
      },
      {
        severity: "warning",
        code: "review.no-retries",
        path: "tasks[ingest]",
        message: "No retries",
        fix: "Add max_retries",
      },
    ],
    drift: [{ path: "max_concurrent_runs", kind: "change", before: 3, after: 1, category: "other" }],
    see: ["Jobs API › schedule"],
    requirementText: "Run the orders ETL every weekday at 07:30 Berlin time.",
  });
}

/** CommonMark fences: a fence closes only with the same character, at least as long, alone on its line. */
function splitFences(markdown: string): {
  outside: string;
  fences: Array<{ open: string; closed: boolean }>;
} {
  const outside: string[] = [];
  const fences: Array<{ open: string; closed: boolean }> = [];
  let open: { marker: string; entry: { open: string; closed: boolean } } | undefined;
  for (const line of markdown.split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (m && m[1][0] === open.marker[0] && m[1].length >= open.marker.length && m[2].trim() === "") {
        open.entry.closed = true;
        open = undefined;
      }
      continue;
    }
    if (m) {
      const entry = { open: line.trim(), closed: false };
      fences.push(entry);
      open = { marker: m[1], entry };
      continue;
    }
    outside.push(line);
  }
  return { outside: outside.join("\n"), fences };
}

describe("renderPlanMarkdown", () => {
  it("renders header counts, summary table, highlighted diff, cron words, graph, warnings, drift, docs and requirement", () => {
    const u = updateChange();
    const c = change({
      taskId: "events/create-events",
      op: "create",
      jobName: "events",
      desired: { name: "events", tasks: [{ task_key: "load", notebook_task: { notebook_path: "/n" } }] },
      fields: diffJobSettings(
        { name: "events", tasks: [{ task_key: "load", notebook_task: { notebook_path: "/n" } }] },
        {},
      ),
    });
    const n = change({ taskId: "misc/noop", op: "no-op", jobName: "unchanged job", jobId: 7 });
    const diag: Diagnostic = {
      severity: "error",
      code: "semantic.cycle",
      file: "jobs/bad.md",
      line: 12,
      path: "tasks[a].depends_on[0].task_key",
      value: "b",
      message: "Tasks a and b depend on each other",
      fix: "Remove one dependency",
    };
    const p = plan([n, u, c], {
      valid: false,
      diagnostics: [diag],
      blocked: [
        {
          taskId: "prose/job",
          requirement: "jobs/prose.md",
          reason: "Prose-only requirement needs an LLM",
          questions: ["Which notebook should run?"],
        },
      ],
    });
    p.counts.blocked = 1;
    const { markdown, truncated, omitted } = renderPlanMarkdown(p, {
      repoUrl: "https://github.com/o/r/blob/abc",
      jobUrl: (id) => `https://dbc.example.com/#job/${id}`,
    });
    expect(truncated).toBe(false);
    expect(omitted).toEqual([]);
    expect(markdown).toMatch(
      /➕ 1 to create · 🔄 1 to update · 🗑️ 0 to delete · ▶️ 0 to run · ✅ 1 unchanged · ⛔ 1 blocked/,
    );
    expect(markdown).toContain(`Plan hash <code>${p.planHash}</code>`);
    expect(markdown).toContain("validation failed");
    // summary: changed jobs first, no-op last, job id linked
    const rows = markdown.split("\n").filter((l) => /^\| (➕|🔄|✅)/.test(l));
    expect(rows.map((r) => r.split("|")[1].trim())).toEqual(["🔄 update", "➕ create", "✅ no-op"]);
    expect(rows[0]).toContain("[42](https://dbc.example.com/#job/42)");
    expect(rows[0]).toContain("⚠️ destructive");
    expect(rows[0]).toContain("⚠️ run as, compute");
    // validation error with file:line link, path and fix
    expect(markdown).toContain("[jobs/bad.md&#58;12](https://github.com/o/r/blob/abc/jobs/bad.md#L12)");
    expect(markdown).toContain("<code>tasks&#91;a&#93;.depends&#95;on&#91;0&#93;.task&#95;key</code>");
    expect(markdown).toContain("**Fix:** Remove one dependency");
    // blocked with question
    expect(markdown).toContain("❓ Which notebook should run?");
    // details: the changed fields per task_key / job cluster as YAML, old (-) and new (+)
    expect(markdown).toContain("**Changed fields** (`-` old, `+` new):");
    expect(markdown).toContain(
      "@@ job cluster etl (1 changed) @@\n- new_cluster.num_workers: 2\n+ new_cluster.num_workers: 8",
    );
    expect(markdown).toContain("+ run_as:\n+   service_principal_name: 6f1e2d3c-4b5a-4968-8776-1a2b3c4d5e6f");
    expect(markdown).toMatch(/@@ task transform \(removed\) @@\n- depends_on:/);
    expect(markdown).toMatch(/@@ task transform_v2 \(added\) @@\n\+ depends_on:/);
    // the job id in the block's summary links to the workspace
    expect(markdown).toContain('(<a href="https://dbc.example.com/#job/42">job 42</a>)');
    // a created job's full settings, collapsed, as YAML
    expect(markdown).toMatch(
      /<details><summary>Full settings \(YAML\) · \d+ lines<\/summary>\n\n```yaml\nname: events\ntasks:\n {2}- task_key: load/,
    );
    expect(markdown).toContain("**When:** At 07&#58;30 AM, Monday through Friday (Europe/Berlin)");
    expect(markdown).toContain("task <code>transform</code> becomes <code>transform&#95;v2</code>");
    expect(markdown).toContain("```mermaid\nflowchart TD");
    expect(markdown).toContain("class t1 added");
    expect(markdown).toContain("**Requirement vs. plan:**");
    expect(markdown).toContain("The requirement says 07&#58;00 but the cron fires at 07&#58;30");
    // a review hint is listed with its rule id and the rule's why (src/domain/review-rules.ts)
    expect(markdown).toContain("**Review hints:**");
    expect(markdown).toContain("- 💡 <code>no-retries</code> No retries — a task without retries fails");
    expect(markdown).toContain("🔀 Drift");
    expect(markdown).toContain("**Docs:** Jobs API › schedule");
    expect(markdown).toContain("<details><summary>Requirement text</summary>");
    expect(markdown).toContain("<pre>Run the orders ETL every weekday at 07:30 Berlin time.</pre>");
    expect(markdown.match(/<details[ >]/g)!.length).toBe(markdown.match(/<\/details>/g)!.length);
  });

  it("keeps a 2,000-job plan under the comment limit and says what was cut", () => {
    const changes: JobChange[] = [];
    for (let i = 0; i < 2000; i++) {
      const desired: JobSettings = {
        name: `job ${i} with a fairly long descriptive name for the summary table`,
        tasks: Array.from({ length: 30 }, (_, t) => ({
          task_key: `task_${t}`,
          notebook_task: { notebook_path: `/Workspace/very/long/path/to/notebook_${i}_${t}` },
          depends_on: t > 0 ? [{ task_key: `task_${t - 1}` }] : undefined,
        })),
      };
      const op = i % 4 === 0 ? "no-op" : i % 4 === 1 ? "create" : i % 4 === 2 ? "update" : "delete";
      changes.push(
        change({
          taskId: `req-${i}/job-${i}`,
          requirement: `jobs/req-${i}.md`,
          op,
          jobName: desired.name!,
          jobId: op === "create" ? undefined : 1000 + i,
          desired: op === "delete" || op === "no-op" ? undefined : desired,
          fields:
            op === "create" || op === "update"
              ? diffJobSettings(desired, op === "update" ? { name: desired.name } : {})
              : [],
          destructive: op === "delete",
          requirementText: "Lorem ipsum dolor sit amet. ".repeat(200),
        }),
      );
    }
    const diagnostics: Diagnostic[] = Array.from({ length: 500 }, (_, i) => ({
      severity: "error" as const,
      code: "schema.type",
      file: `jobs/req-${i}.md`,
      line: 3,
      path: "max_concurrent_runs",
      value: "many",
      message: "expected an integer",
      fix: "write a number, e.g. 1",
    }));
    const p = plan(changes, { diagnostics, valid: false });
    const started = performance.now();
    const { markdown, truncated, omitted } = renderPlanMarkdown(p);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(markdown.length).toBeLessThanOrEqual(60000);
    expect(markdown.length).toBeLessThanOrEqual(65536);
    expect(truncated).toBe(true);
    expect(markdown).toContain(
      "➕ 500 to create · 🔄 500 to update · 🗑️ 500 to delete · ▶️ 0 to run · ✅ 500 unchanged",
    );
    expect(markdown).toMatch(
      /Plan truncated.*jobs' details omitted.*; see the full plan \(job summary \/ log\)/,
    );
    expect(markdown).toMatch(/…and [\d,]+ more jobs not listed/);
    // every job with changes is either shown in details or listed as omitted
    for (const c of changes.filter((x) => x.op !== "no-op")) {
      const shown = markdown.includes(
        `task <code>${c.taskId.replace(/[-/]/g, (ch) => (ch === "/" ? "/" : "-"))}</code>`,
      );
      expect(shown || omitted.includes(`details:${c.taskId}`), c.taskId).toBe(true);
    }
    expect(omitted.some((o) => o.startsWith("diagnostic:"))).toBe(true);
    expect(markdown.match(/<details>/g)!.length).toBe(markdown.match(/<\/details>/g)!.length);
    // details are dropped from the end: the first detailed job is the first changed job
    expect(markdown.indexOf("req-1/job-1")).toBeGreaterThan(0);
    expect(omitted).toContain("details:req-1999/job-1999");
  });

  it("fits a 300-job plan in one comment with a small maxChars too", () => {
    const changes = Array.from({ length: 300 }, (_, i) =>
      change({
        taskId: `r/${i}`,
        op: "create",
        jobName: `job ${i}`,
        desired: { name: `job ${i}`, tasks: [{ task_key: "a", notebook_task: { notebook_path: "/n" } }] },
        fields: [],
      }),
    );
    for (const maxChars of [65536, 20000, 5000]) {
      const { markdown, truncated, omitted } = renderPlanMarkdown(plan(changes), { maxChars });
      expect(markdown.length, String(maxChars)).toBeLessThanOrEqual(maxChars);
      expect(markdown).toContain("➕ 300 to create");
      expect(truncated).toBe(true); // 300 details blocks never fit in one comment
      if (maxChars === 65536) expect(omitted.filter((o) => o.startsWith("row:"))).toEqual([]); // but every summary row does
    }
    // no limit (job summary / log): everything is there
    const full = renderPlanMarkdown(plan(changes), { maxChars: Number.POSITIVE_INFINITY });
    expect(full.truncated).toBe(false);
    expect(full.omitted).toEqual([]);
    expect(full.markdown.match(/<details><summary>➕ create/g)!.length).toBe(300);
  });

  it("escapes user-controlled text so it cannot break the comment", () => {
    const evil =
      "</details><!-- hidden --> ```js\n| pipe | @octocat [x](javascript:alert(1)) <img src=x onerror=alert(1)> *bold* _it_";
    const desired: JobSettings = {
      name: evil,
      tasks: [{ task_key: evil, notebook_task: { notebook_path: evil } }],
    };
    const c = change({
      taskId: `evil/${evil}`,
      op: "create",
      jobName: evil,
      desired,
      fields: diffJobSettings(desired, {}),
      warnings: [
        { severity: "warning", code: "consistency.x", path: evil, message: evil, fix: evil, value: evil },
      ],
      requirementText: `# Title\n${evil}\n</pre></details><!--`,
      see: [evil],
    });
    const p = plan([c], {
      diagnostics: [
        { severity: "error", code: "x", file: evil, line: 1, path: evil, message: evil, fix: evil },
      ],
      blocked: [{ taskId: evil, requirement: evil, reason: evil, questions: [evil] }],
    });
    const { markdown } = renderPlanMarkdown(p, {
      repoUrl: "https://github.com/o/r/blob/main",
      jobUrl: () => "javascript:alert(1)",
    });
    // values inside code fences are literal (GitHub renders no HTML and sends no mention there); outside them,
    // nothing of the user's text is markup
    const { outside, fences } = splitFences(markdown);
    expect(fences.map((f) => f.open)).toEqual(["````yaml", "```mermaid"]);
    expect(fences.every((f) => f.closed)).toBe(true);
    expect(outside).not.toContain("<!--");
    expect(outside).not.toContain("@octocat");
    expect(outside).not.toContain("<img");
    expect(outside).not.toContain("](javascript:");
    expect(outside).not.toMatch(/<\/pre><\/details>/);
    expect(outside.match(/<details[ >]/g)!.length).toBe(outside.match(/<\/details>/g)!.length);
    expect(outside.match(/<pre>/g)!.length).toBe(outside.match(/<\/pre>/g)!.length);
    // table rows keep their column count (no raw pipes from user text)
    for (const row of markdown.split("\n").filter((l) => l.startsWith("| ➕")))
      expect(row.split("|").length).toBe(7);
  });

  it("redacts secret-looking values in markdown and JSON", () => {
    const desired: JobSettings = {
      name: "secrets",
      tasks: [
        {
          task_key: "a",
          notebook_task: {
            notebook_path: "/n",
            base_parameters: {
              db_password: "hunter2-very-secret",
              ref: "{{secrets/scope/key}}",
              note: "dapi0123456789abcdef0123456789abcdef",
            },
          },
        },
      ],
    };
    const c = change({
      taskId: "s/s",
      op: "update",
      jobName: "secrets",
      jobId: 1,
      desired,
      fields: diffJobSettings(desired, {
        name: "secrets",
        tasks: [{ task_key: "a", notebook_task: { notebook_path: "/n" } }],
      }),
    });
    c.request = { endpoint: "jobs/update", body: { job_id: 1, new_settings: desired } };
    const p = plan([c]);
    const { markdown } = renderPlanMarkdown(p);
    const json = renderPlanJson(p);
    for (const text of [markdown, json]) {
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("dapi0123456789abcdef");
    }
    expect(markdown).toContain('+ notebook_task.base_parameters:\n+   db_password: "***"');
    expect(json).toContain('"db_password": "***"');
    expect(json).toContain("{{secrets/scope/key}}");
  });
});

describe("renderPlanJson", () => {
  it("has the documented stable shape", () => {
    const u = updateChange();
    u.request = { endpoint: "jobs/update", body: { job_id: 42 } };
    const p = plan([u]);
    const json = JSON.parse(renderPlanJson(p)) as ReturnType<typeof planToJson>;
    expect(Object.keys(json)).toEqual([
      "version",
      "valid",
      "planHash",
      "counts",
      "changes",
      "blocked",
      "diagnostics",
    ]);
    expect(json.version).toBe(1);
    expect(json.planHash).toBe(p.planHash);
    expect(Object.keys(json.changes[0])).toEqual([
      "taskId",
      "requirement",
      "op",
      "jobName",
      "jobId",
      "hash",
      "destructive",
      "fields",
      "drift",
      "warnings",
      "request",
      "see",
      "run",
    ]);
    expect(json.changes[0]).toMatchObject({
      taskId: "orders/update-orders",
      op: "update",
      jobId: 42,
      destructive: true,
      run: null,
      request: { endpoint: "jobs/update" },
    });
    expect(
      json.changes[0].fields.find((f) => f.path === "job_clusters[etl].new_cluster.num_workers"),
    ).toEqual({
      path: "job_clusters[etl].new_cluster.num_workers",
      kind: "change",
      category: "compute",
      before: 2,
      after: 8,
    });
    expect(renderPlanJson(p)).toBe(renderPlanJson(p));
  });
});
