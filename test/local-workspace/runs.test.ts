import { ApiError } from "@databricks/sdk-experimental";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { notebookJob, raw, sdkFor, waitFor } from "./helpers.js";

let ws: LocalWorkspace;
beforeAll(async () => {
  ws = await startLocalWorkspace({ runStepMs: 30 });
});
afterAll(async () => {
  await ws.close();
});

const cluster = { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 };
const task = (key: string, path: string, extra: Record<string, unknown> = {}) => ({
  task_key: key,
  notebook_task: { notebook_path: path },
  new_cluster: cluster,
  ...extra,
});

async function finished(runId: number) {
  const w = sdkFor(ws);
  return waitFor(
    () => w.jobs.getRun({ run_id: runId }),
    (run) => !["QUEUED", "PENDING", "RUNNING", "TERMINATING"].includes(run.state!.life_cycle_state!),
  );
}

describe("runs", () => {
  it("progress through PENDING → RUNNING → TERMINATING → TERMINATED over time and end SUCCESS", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create(notebookJob("lifecycle") as never);
    const { run_id } = await w.jobs.runNow({ job_id: job_id! });
    const seen = new Set<string>();
    const run = await waitFor(
      async () => {
        const r = await w.jobs.getRun({ run_id: run_id! });
        seen.add(r.state!.life_cycle_state!);
        return r;
      },
      (r) => r.state!.life_cycle_state === "TERMINATED",
    );
    expect([...seen]).toEqual(expect.arrayContaining(["PENDING", "RUNNING", "TERMINATED"]));
    expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "SUCCESS" });
    expect(run.status).toMatchObject({
      state: "TERMINATED",
      termination_details: { code: "SUCCESS", type: "SUCCESS" },
    });
    expect(run.tasks![0]).toMatchObject({
      task_key: "ingest",
      state: { life_cycle_state: "TERMINATED", result_state: "SUCCESS" },
    });
    expect(run.end_time).toBeGreaterThanOrEqual(run.start_time!);
  });

  it("a task whose path contains __fail__ fails; the run ends INTERNAL_ERROR/FAILED; dependents follow run_if", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      name: "failing",
      tasks: [
        task("extract", "/Shared/etl/ingest"),
        task("load", "/Shared/etl/load__fail__", { depends_on: [{ task_key: "extract" }] }),
        task("publish", "/Shared/etl/report", { depends_on: [{ task_key: "load" }] }),
        task("cleanup", "/Shared/etl/transform", { depends_on: [{ task_key: "load" }], run_if: "ALL_DONE" }),
        task("alert", "/Shared/etl/transform", {
          depends_on: [{ task_key: "load" }],
          run_if: "AT_LEAST_ONE_FAILED",
        }),
      ],
    } as never);
    const { run_id } = await w.jobs.runNow({ job_id: job_id! });
    const run = await finished(run_id!);
    expect(run.state).toMatchObject({
      life_cycle_state: "INTERNAL_ERROR",
      result_state: "FAILED",
      state_message: "Task load failed with message: Workload failed, see run output for details.",
    });
    expect(run.status).toMatchObject({
      state: "TERMINATED",
      termination_details: { code: "RUN_EXECUTION_ERROR", type: "CLIENT_ERROR" },
    });
    const results = Object.fromEntries(run.tasks!.map((t) => [t.task_key, t.state!.result_state]));
    expect(results).toEqual({
      extract: "SUCCESS",
      load: "FAILED",
      publish: "UPSTREAM_FAILED",
      cleanup: "SUCCESS",
      alert: "SUCCESS",
    });

    // The SDK's waiter throws on INTERNAL_ERROR, as with the real service.
    await expect((await w.jobs.runNow({ job_id: job_id! })).wait()).rejects.toThrow(/INTERNAL_ERROR/);

    const failedTask = run.tasks!.find((t) => t.task_key === "load")!;
    const output = await w.jobs.getRunOutput({ run_id: failedTask.run_id! });
    expect(output.error).toContain("__fail__");
    expect(output.error_trace).toContain("Traceback");
    await expect(w.jobs.getRunOutput({ run_id: run_id! })).rejects.toThrow(/multiple tasks is not supported/);
  });

  it("a failed task whose leaves still succeed gives SUCCESS_WITH_FAILURES", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      name: "tolerant",
      tasks: [
        task("flaky", "/x/__fail__"),
        task("final", "/Shared/etl/report", { depends_on: [{ task_key: "flaky" }], run_if: "ALL_DONE" }),
      ],
    } as never);
    const run = await finished((await w.jobs.runNow({ job_id: job_id! })).run_id!);
    expect(run.state).toMatchObject({
      life_cycle_state: "TERMINATED",
      result_state: "SUCCESS_WITH_FAILURES",
    });
  });

  it("run-now with the same idempotency_token returns the same run; only and job_parameters are honoured", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      name: "params",
      parameters: [
        { name: "env", default: "dev" },
        { name: "day", default: "today" },
      ],
      tasks: [task("a", "/Shared/etl/ingest"), task("b", "/Shared/etl/transform")],
    } as never);
    const first = await w.jobs.runNow({
      job_id: job_id!,
      idempotency_token: "deploy-42",
      job_parameters: { env: "prod" },
      only: ["b"],
    });
    const second = await w.jobs.runNow({ job_id: job_id!, idempotency_token: "deploy-42" });
    expect(second.run_id).toBe(first.run_id);
    const run = await w.jobs.getRun({ run_id: first.run_id! });
    expect(run.tasks!.map((t) => t.task_key)).toEqual(["b"]);
    expect(run.job_parameters).toEqual([
      { name: "env", default: "dev", value: "prod" },
      { name: "day", default: "today", value: "today" },
    ]);
    expect(run.overriding_parameters).toEqual({ job_parameters: { env: "prod" } });
    const unknownTask = await w.jobs.runNow({ job_id: job_id!, only: ["zzz"] }).catch((e: ApiError) => e);
    expect(unknownTask).toBeInstanceOf(ApiError);
    expect((unknownTask as ApiError).message).toContain("'zzz'");
    const longToken = await w.jobs
      .runNow({ job_id: job_id!, idempotency_token: "x".repeat(65) })
      .catch((e: ApiError) => e);
    expect((longToken as ApiError).errorCode).toBe("INVALID_PARAMETER_VALUE");
  });

  it("cancel ends a run TERMINATED/CANCELED; runs/list filters and orders newest first", async () => {
    const slow = await startLocalWorkspace({ runStepMs: 1000 });
    try {
      const w = sdkFor(slow);
      const { job_id } = await w.jobs.create(notebookJob("cancel-me", { max_concurrent_runs: 5 }) as never);
      const { run_id } = await w.jobs.runNow({ job_id: job_id! });
      const { run_id: other } = await w.jobs.runNow({ job_id: job_id! });
      await w.jobs.cancelRun({ run_id: run_id! });
      expect((await w.jobs.getRun({ run_id: run_id! })).state!.life_cycle_state).toBe("TERMINATING");
      const cancelled = await waitFor(
        () => w.jobs.getRun({ run_id: run_id! }),
        (r) => r.state!.life_cycle_state === "TERMINATED",
      );
      expect(cancelled.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "CANCELED" });
      const active = [];
      for await (const r of w.jobs.listRuns({ job_id: job_id!, active_only: true })) active.push(r.run_id);
      expect(active).toEqual([other]);
      const all = [];
      for await (const r of w.jobs.listRuns({ job_id: job_id! })) all.push(r.run_id);
      expect(all).toEqual([other, run_id]);
      const both = await raw(slow, "GET", `/api/2.2/jobs/runs/list?active_only=true&completed_only=true`);
      expect([both.status, both.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    } finally {
      await slow.close();
    }
  });

  it("max_concurrent_runs: queued with queueing on, SKIPPED with queueing off", async () => {
    const w = sdkFor(ws);
    const queued = await w.jobs.create(notebookJob("queued") as never);
    const r1 = await w.jobs.runNow({ job_id: queued.job_id! });
    const r2 = await w.jobs.runNow({ job_id: queued.job_id! });
    expect((await w.jobs.getRun({ run_id: r2.run_id! })).state!.life_cycle_state).toBe("QUEUED");
    expect((await finished(r2.run_id!)).state!.result_state).toBe("SUCCESS");
    expect((await w.jobs.getRun({ run_id: r1.run_id! })).end_time).toBeLessThanOrEqual(
      (await w.jobs.getRun({ run_id: r2.run_id! })).start_time!,
    );

    const skipping = await w.jobs.create(notebookJob("skipping", { queue: { enabled: false } }) as never);
    await w.jobs.runNow({ job_id: skipping.job_id! });
    const skipped = await (await w.jobs.runNow({ job_id: skipping.job_id! })).wait();
    expect(skipped.state).toMatchObject({ life_cycle_state: "SKIPPED" });
    expect(skipped.state!.state_message).toContain("maximum concurrent runs");
  });

  it("runs/submit runs one-time tasks without a job", async () => {
    const w = sdkFor(ws);
    const run = await (
      await w.jobs.submit({
        run_name: "one-off",
        tasks: [
          {
            task_key: "only",
            spark_python_task: { python_file: "/Shared/scripts/main.py" },
            new_cluster: cluster,
          },
        ] as never,
      })
    ).wait();
    expect(run).toMatchObject({
      run_type: "SUBMIT_RUN",
      run_name: "one-off",
      state: { life_cycle_state: "TERMINATED", result_state: "SUCCESS" },
    });
    expect(run.job_id).toBeUndefined();
    expect(run.run_page_url).toContain(`#job/run/${run.run_id}`);
    const output = await w.jobs.getRunOutput({ run_id: run.tasks![0].run_id! });
    expect(output.logs).toContain("finished successfully");
  });
});
