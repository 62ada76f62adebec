/**
 * Wheels and JARs as people describe them: the wheel named on one line and its package on the next ("it's a python
 * wheel:" / "- package name: churn_model, entry point: score"), "package name is `x`", "wheel pkg `x`", flags on a
 * line of their own, a task name stated apart; a JAR by its main class with the jar file as its library. The
 * tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket, onlyRequest } from "../support/interpret-ticket.js";
import type { JsonObject } from "../../src/domain/model.js";

async function created(body: string): Promise<JsonObject> {
  return (await onlyRequest(body)).body;
}

const CLUSTER = "- cluster: 4 workers, m5.xlarge, 15.4.x-scala2.12\n- daily at 11pm UTC";

describe("wheels", () => {
  it("the wheel on one line, its package and entry point on the next, flags on a line of their own", async () => {
    const body = await created(
      [
        "Please set up **Churn Scoring**, it's a python wheel:",
        "- package name: churn_model, entry point: score",
        "- wheel: /Volumes/ml/artifacts/wheels/churn_model-1.4.2-py3-none-any.whl",
        "- parameters: --env prod --since 7d",
        CLUSTER,
      ].join("\n"),
    );
    const task = (body.tasks as JsonObject[])[0]!;
    expect(task.python_wheel_task).toEqual({
      package_name: "churn_model",
      entry_point: "score",
      parameters: ["--env", "prod", "--since", "7d"],
    });
    expect(task.libraries).toEqual([
      { whl: "/Volumes/ml/artifacts/wheels/churn_model-1.4.2-py3-none-any.whl" },
    ]);
  });

  it("'package name is `x`, entry point is `y`' and a task name stated apart", async () => {
    const body = await created(
      [
        "- job name: demand-forecast",
        "- it runs python wheel. package name is `forecast_core`, entry point is `run_forecast`",
        "- task name: `forecast`",
        CLUSTER,
      ].join("\n"),
    );
    const task = (body.tasks as JsonObject[])[0]!;
    expect(task.task_key).toBe("forecast");
    expect(task.python_wheel_task).toMatchObject({
      package_name: "forecast_core",
      entry_point: "run_forecast",
    });
  });

  it("task `ingest` = wheel pkg `partner_ingest`", async () => {
    const body = await created(
      ["job: ingest-feeds", "task `ingest` = wheel pkg `partner_ingest`, entry point `run`", CLUSTER].join(
        "\n",
      ),
    );
    const task = (body.tasks as JsonObject[])[0]!;
    expect(task.task_key).toBe("ingest");
    expect(task.python_wheel_task).toMatchObject({ package_name: "partner_ingest", entry_point: "run" });
  });
});

describe("JARs", () => {
  it("a JAR task by its main class, with its arguments and the jar file as its library", async () => {
    const body = await created(
      [
        'New job: "clickstream-sessionize"',
        "JAR task, main class com.acme.sessions.SessionizeJob, jar at /Volumes/platform/jars/sessionize-2.3.0.jar",
        "args: --date {{job.start_time.iso_date}} --mode full",
        "Cluster: r5.2xlarge, DBR 15.4.x-scala2.12, 4 workers",
        "Run every 6 hours.",
      ].join("\n"),
    );
    const task = (body.tasks as JsonObject[])[0]!;
    expect(task.spark_jar_task).toEqual({
      main_class_name: "com.acme.sessions.SessionizeJob",
      parameters: ["--date", "{{job.start_time.iso_date}}", "--mode", "full"],
    });
    expect(task.libraries).toEqual([{ jar: "/Volumes/platform/jars/sessionize-2.3.0.jar" }]);
    expect(task.job_cluster_key).toBe("job_cluster");
  });

  it("a main class with no jar file asks where the class is", async () => {
    const { questions } = await answerTicket(
      "Create job etl-jar: main class com.acme.Etl on a cluster of 2 i3.xlarge workers, 15.4.x-scala2.12, daily at 3am.",
    );
    expect(questions.join(" ")).toMatch(/Which JAR file holds com\.acme\.Etl/);
  });
});

describe("two named job clusters", () => {
  it("each cluster from its own line, each task on the one its line names", async () => {
    const body = await created(
      [
        "Job: variant-calling",
        "",
        "Two job clusters:",
        "- `cpu_small`: m5.xlarge, 2 workers, 15.4.x-scala2.12",
        "- `mem_large`: r5.4xlarge, 12 workers, 15.4.x-scala2.12",
        "",
        "Tasks:",
        "- `align` on mem_large → /Workspace/Genomics/align",
        "- `report` on cpu_small, after align → /Workspace/Genomics/report",
        "",
        "Daily at 2am UTC.",
      ].join("\n"),
    );
    expect(body.job_clusters).toEqual([
      {
        job_cluster_key: "cpu_small",
        new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "m5.xlarge", num_workers: 2 },
      },
      {
        job_cluster_key: "mem_large",
        new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "r5.4xlarge", num_workers: 12 },
      },
    ]);
    const tasks = body.tasks as JsonObject[];
    expect(tasks.find((t) => t.task_key === "align")).toMatchObject({ job_cluster_key: "mem_large" });
    expect(tasks.find((t) => t.task_key === "report")).toMatchObject({
      job_cluster_key: "cpu_small",
      depends_on: [{ task_key: "align" }],
    });
  });

  it("a task whose line names no cluster asks which", async () => {
    const { questions } = await answerTicket(
      [
        "Job: variant-calling",
        "- `cpu_small`: m5.xlarge, 2 workers, 15.4.x-scala2.12",
        "- `mem_large`: r5.4xlarge, 12 workers, 15.4.x-scala2.12",
        "- `align` → /Workspace/Genomics/align",
        "Daily at 2am UTC.",
      ].join("\n"),
    );
    expect(questions.join(" ")).toMatch(/On which job cluster should task "align" run/);
  });
});
