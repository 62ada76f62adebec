/**
 * Names, keys and identities as people label them: "New job pls: **x**", "Task `dbt_run` should do `dbt deps`, then
 * …" on a warehouse, "running as the service principal (application id …)". The tickets here are written for this
 * test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { onlyRequest } from "../support/interpret-ticket.js";
import type { JsonObject } from "../../src/domain/model.js";

async function created(body: string): Promise<JsonObject> {
  return (await onlyRequest(body)).body;
}

describe("labels", () => {
  it("'New job pls: **x**' and 'Task `k` should do `dbt deps`, then …, on SQL warehouse …'", async () => {
    const body = await created(
      [
        "New job pls: **dbt-finance-models**",
        "Task `dbt_run` should do `dbt deps`, then `dbt run --target prod`, on SQL warehouse a1b2c3d4e5f60718.",
        "Daily at 6am UTC.",
      ].join("\n"),
    );
    expect(body.name).toBe("dbt-finance-models");
    expect((body.tasks as JsonObject[])[0]).toMatchObject({
      task_key: "dbt_run",
      dbt_task: { commands: ["dbt deps", "dbt run --target prod"], warehouse_id: "a1b2c3d4e5f60718" },
    });
  });

  it("'running as the service principal (application id …)'", async () => {
    const body = await created(
      [
        "Please create job **Claims Load**, running as the service principal (application id",
        "5f0c2e7a-3b1d-4c9e-8a6f-2d4b7e9c1a03), not as me.",
        "It runs notebook /Workspace/claims/load daily at 4am London time.",
      ].join("\n"),
    );
    expect(body.run_as).toEqual({ service_principal_name: "5f0c2e7a-3b1d-4c9e-8a6f-2d4b7e9c1a03" });
  });
});

describe("queueing and wrapped lists", () => {
  it("'if a run is still going when the next one is due, queue it, don't drop it'", async () => {
    const body = await created(
      "Create job iot-x running /Workspace/Shared/iot/compact.py every 15 minutes. Never more than one run at a time — if a run is still going when the next one is due, queue it, don't drop it.",
    );
    expect(body.max_concurrent_runs ?? 1).toBe(1);
    expect(body.queue).toEqual({ enabled: true });
  });

  it("pip packages named on the line after 'needs the pip packages'", async () => {
    const body = await created(
      [
        "Job: iot-x",
        "Runs /Workspace/Shared/iot/compact.py every 15 minutes on serverless (it needs the pip packages",
        "`pyarrow==16.1.0` and `delta-spark` in its environment).",
      ].join("\n"),
    );
    const env = (body.environments as Array<{ spec: { dependencies?: string[] } }>)[0]!;
    expect(env.spec.dependencies).toEqual(["pyarrow==16.1.0", "delta-spark"]);
  });
});
