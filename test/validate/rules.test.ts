/** Service rules that the bad fixtures do not cover, called directly (the local workspace server uses them too). */
import { describe, expect, it } from "vitest";
import { checkJobRules, isValidTimezoneId } from "../../src/domain/rules.js";
import { checkJobSchema } from "../../src/domain/schema-check.js";

const nb = { notebook_path: "/Workspace/Shared/etl/ingest" };
const codes = (s: Record<string, unknown>) => checkJobRules(s).map((v) => `${v.code}@${v.path}`);

describe("checkJobRules", () => {
  it("accepts a valid multi-task job", () => {
    expect(
      codes({
        name: "ok",
        tasks: [
          { task_key: "a", notebook_task: nb },
          { task_key: "b", depends_on: [{ task_key: "a" }], run_if: "ALL_DONE", notebook_task: nb },
        ],
      }),
    ).toEqual([]);
  });

  it("checks the nested for_each task's compute and references", () => {
    expect(
      codes({
        name: "f",
        tasks: [
          {
            task_key: "loop",
            for_each_task: {
              inputs: "[1]",
              task: {
                task_key: "inner",
                job_cluster_key: "missing",
                python_wheel_task: { package_name: "p", entry_point: "e" },
              },
            },
          },
        ],
      }),
    ).toEqual(["semantic.job-cluster-undefined@tasks[loop].for_each_task.task.job_cluster_key"]);
    expect(
      codes({
        name: "f",
        tasks: [
          {
            task_key: "loop",
            job_cluster_key: "c",
            for_each_task: { inputs: "[1]", task: { task_key: "i", notebook_task: nb } },
          },
        ],
        job_clusters: [
          {
            job_cluster_key: "c",
            new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
          },
        ],
      }),
    ).toEqual(["semantic.compute-not-allowed@tasks[loop].job_cluster_key"]);
  });

  it('condition outcomes must be "true"/"false" and run_if needs dependencies', () => {
    expect(
      codes({
        name: "c",
        tasks: [
          { task_key: "cond", condition_task: { left: "1", op: "EQUAL_TO", right: "1" } },
          { task_key: "x", depends_on: [{ task_key: "cond", outcome: "yes" }], notebook_task: nb },
          { task_key: "y", run_if: "ALL_FAILED", notebook_task: nb },
        ],
      }),
    ).toEqual([
      "semantic.dependency-outcome@tasks[x].depends_on[0].outcome",
      "semantic.run-if-without-dependencies@tasks[y].run_if",
    ]);
  });

  it("limits: tasks, tags, max_concurrent_runs, timeouts, retries", () => {
    const tasks = Array.from({ length: 1001 }, (_, i) => ({ task_key: `t${i}`, notebook_task: nb }));
    const tags = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, "v"]));
    expect(codes({ name: "l", tasks, tags, max_concurrent_runs: 1001, timeout_seconds: -1 })).toEqual([
      "semantic.tags-limit@tags",
      "semantic.max-concurrent-runs@max_concurrent_runs",
      "semantic.timeout@timeout_seconds",
      "semantic.too-many-tasks@tasks",
    ]);
    expect(codes({ name: "r", tasks: [{ task_key: "a", max_retries: -2, notebook_task: nb }] })).toEqual([
      "semantic.max-retries@tasks[a].max_retries",
    ]);
  });

  it("git provider is case-insensitive; one git ref; one run_as; one trigger kind; one owner", () => {
    expect(
      codes({
        name: "g",
        git_source: { git_url: "u", git_provider: "github", git_branch: "main" },
        tasks: [{ task_key: "a", notebook_task: { notebook_path: "nb" } }],
      }),
    ).toEqual([]);
    expect(
      codes({
        name: "g",
        git_source: { git_url: "u", git_provider: "githup", git_branch: "main", git_tag: "v1" },
        run_as: { user_name: "a", service_principal_name: "b" },
        trigger: {},
        access_control_list: [
          { user_name: "a", permission_level: "IS_OWNER" },
          { user_name: "b", permission_level: "IS_OWNER" },
        ],
      }),
    ).toEqual([
      "semantic.git-provider@git_source.git_provider",
      "semantic.git-ref@git_source.git_tag",
      "semantic.run-as@run_as",
      "semantic.acl-owner@access_control_list",
      "semantic.trigger-kind@trigger",
    ]);
  });

  it("never throws on garbage (the local workspace feeds it raw request bodies)", () => {
    for (const body of [
      null,
      1,
      "x",
      [],
      { tasks: "no" },
      { tasks: [null, 1, { depends_on: "x" }] },
      { job_clusters: [{}], schedule: { quartz_cron_expression: 5 } },
    ]) {
      expect(() => checkJobRules(body as never)).not.toThrow();
    }
  });
});

describe("timezone ids", () => {
  it.each(["UTC", "Europe/Berlin", "America/Los_Angeles", "Etc/GMT+5", "US/Pacific", "Asia/Calcutta", "GMT"])(
    "accepts %s",
    (tz) => {
      expect(isValidTimezoneId(tz)).toBe(true);
    },
  );
  it.each(["europe/berlin", "Europe/Berlinn", "Mars/Olympus", "UTC+2", ""])("rejects %s", (tz) => {
    expect(isValidTimezoneId(tz)).toBe(false);
  });
});

describe("schema", () => {
  it("did-you-mean at every level, paths named by keys", () => {
    const issues = checkJobSchema({
      nmae: "x",
      tasks: [{ task_key: "t", notebook_task: { notebook_pth: "/x" } }],
      job_clusters: [
        { job_cluster_key: "c", new_cluster: { spark_version: "v", node_type_id: "n", num_worker: 1 } },
      ],
    });
    expect(issues.map((i) => [i.code, i.path, i.fix.match(/did you mean '([^']+)'/)?.[1]])).toEqual([
      ["schema.unknown-field", "nmae", "name"],
      ["schema.required", "tasks[t].notebook_task.notebook_path", undefined],
      ["schema.unknown-field", "tasks[t].notebook_task.notebook_pth", "notebook_path"],
      ["schema.unknown-field", "job_clusters[c].new_cluster.num_worker", "num_workers"],
    ]);
  });
  it("every task type, health rules, triggers and spark_conf keys with dots", () => {
    expect(
      checkJobSchema({
        name: "all",
        health: { rules: [{ metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: 60 }] },
        trigger: { periodic: { interval: 1, unit: "DAYS" } },
        tasks: [
          {
            task_key: "a",
            spark_submit_task: { parameters: ["--class", "x"] },
            new_cluster: {
              spark_version: "v",
              node_type_id: "n",
              num_workers: 1,
              spark_conf: { "spark.sql.x": "1" },
              init_scripts: [{ workspace: { destination: "/x.sh" } }],
            },
          },
          { task_key: "b", dbt_task: { commands: ["dbt run"] }, environment_key: "e" },
          { task_key: "c", clean_rooms_notebook_task: { clean_room_name: "r", notebook_name: "n" } },
          { task_key: "d", dashboard_task: { dashboard_id: "d", warehouse_id: "w" } },
          { task_key: "e", sql_task: { warehouse_id: "w", alert: { alert_id: "a" } } },
          { task_key: "f", sql_task: { warehouse_id: "w", dashboard: { dashboard_id: "d" } } },
        ],
        environments: [{ environment_key: "e", spec: { environment_version: "2" } }],
      }),
    ).toEqual([]);
    const bad = checkJobSchema({
      health: { rules: [{ metric: "RUN_TIME", op: "LESS_THAN", value: 1 }] },
      trigger: { periodic: { interval: 1, unit: "MINUTES" } },
      tasks: [{ task_key: "a", new_cluster: { spark_conf: { "spark.x": 1 } }, notebook_task: nb }],
    });
    // listed in document order (health, trigger, tasks as written above)
    expect(bad.map((i) => i.path)).toEqual([
      "health.rules[0].metric",
      "health.rules[0].op",
      "trigger.periodic.unit",
      'tasks[a].new_cluster.spark_conf["spark.x"]',
    ]);
  });
});
