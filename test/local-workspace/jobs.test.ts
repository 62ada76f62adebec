import { ApiError } from "@databricks/sdk-experimental";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { notebookJob, raw, sdkFor } from "./helpers.js";

let ws: LocalWorkspace;
beforeAll(async () => {
  ws = await startLocalWorkspace({ runStepMs: 20 });
});
afterAll(async () => {
  await ws.close();
});

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("Jobs API through the official SDK", () => {
  it("create → get → list → update → reset → run-now → TERMINATED → delete", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create(notebookJob("round-trip") as never);
    expect(job_id).toBeGreaterThan(0);

    const job = await w.jobs.get({ job_id: job_id! });
    expect(job.settings?.name).toBe("round-trip");
    expect(job.creator_user_name).toBe("jane.doe@example.com");

    const listed = [];
    for await (const j of w.jobs.list({ name: "ROUND-TRIP" })) listed.push(j);
    expect(listed.map((j) => j.job_id)).toEqual([job_id]);

    await w.jobs.update({
      job_id: job_id!,
      new_settings: { max_concurrent_runs: 3, tags: { team: "data" } },
    });
    expect((await w.jobs.get({ job_id: job_id! })).settings).toMatchObject({
      max_concurrent_runs: 3,
      tags: { team: "data" },
      name: "round-trip",
    });

    await w.jobs.reset({ job_id: job_id!, new_settings: notebookJob("round-trip-reset") as never });
    const reset = await w.jobs.get({ job_id: job_id! });
    expect(reset.settings?.name).toBe("round-trip-reset");
    expect(reset.settings?.tags).toBeUndefined();
    expect(reset.settings?.max_concurrent_runs).toBe(1);

    const run = await (await w.jobs.runNow({ job_id: job_id! })).wait();
    expect(run.state?.life_cycle_state).toBe("TERMINATED");
    expect(run.state?.result_state).toBe("SUCCESS");
    expect(run.run_page_url).toContain(`#job/${job_id}/run/${run.run_id}`);

    await w.jobs.delete({ job_id: job_id! });
    const error = await apiError(w.jobs.get({ job_id: job_id! }));
    expect(error.statusCode).toBe(400);
    expect(error.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toBe(`Job ${job_id} does not exist.`);
  });

  it("read-back shows the documented server defaults", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      tasks: [
        {
          task_key: "b",
          notebook_task: { notebook_path: "/Shared/etl/transform" },
          job_cluster_key: "main",
          depends_on: [{ task_key: "z" }, { task_key: "a" }],
        },
        {
          task_key: "a",
          spark_python_task: { python_file: "/Shared/scripts/main.py" },
          job_cluster_key: "main",
        },
        { task_key: "z", spark_python_task: { python_file: "dbfs:/scripts/z.py" }, job_cluster_key: "main" },
      ],
      job_clusters: [
        {
          job_cluster_key: "main",
          new_cluster: {
            spark_version: "15.4.x-scala2.12",
            node_type_id: "i3.xlarge",
            num_workers: 1,
            apply_policy_default_values: true,
          },
        },
      ],
    } as never);
    const { settings } = await w.jobs.get({ job_id: job_id! });
    expect(settings).toMatchObject({
      name: "Untitled",
      format: "MULTI_TASK",
      email_notifications: {},
      webhook_notifications: {},
      timeout_seconds: 0,
      max_concurrent_runs: 1,
      queue: { enabled: true },
    });
    const b = settings!.tasks!.find((t) => t.task_key === "b")!;
    expect(b).toMatchObject({
      run_if: "ALL_SUCCESS",
      timeout_seconds: 0,
      email_notifications: {},
      notebook_task: { source: "WORKSPACE" },
    });
    expect(b.depends_on!.map((d) => d.task_key)).toEqual(["a", "z"]);
    expect(settings!.tasks!.find((t) => t.task_key === "a")!.spark_python_task!.source).toBe("WORKSPACE");
    // simplification: the table fills source for cloud URIs too; the normaliser treats absent as WORKSPACE anyway
    expect(settings!.tasks!.find((t) => t.task_key === "z")!.spark_python_task!.source).toBe("WORKSPACE");
    const cluster = settings!.job_clusters![0].new_cluster as Record<string, unknown>;
    expect(cluster.apply_policy_default_values).toBeUndefined();
    expect(cluster).toMatchObject({
      aws_attributes: { availability: "SPOT_WITH_FALLBACK" },
      data_security_mode: "SINGLE_USER",
    });
  });

  it("update merges tasks and job_clusters by key and honours fields_to_remove", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      name: "merge",
      schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC" },
      tags: { a: "1" },
      tasks: [
        { task_key: "one", notebook_task: { notebook_path: "/Shared/etl/ingest" }, job_cluster_key: "c1" },
        {
          task_key: "two",
          notebook_task: { notebook_path: "/Shared/etl/transform" },
          job_cluster_key: "c2",
          depends_on: [{ task_key: "one" }],
        },
      ],
      job_clusters: [
        {
          job_cluster_key: "c1",
          new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
        },
        {
          job_cluster_key: "c2",
          new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 2 },
        },
      ],
    } as never);
    await w.jobs.update({
      job_id: job_id!,
      new_settings: {
        tasks: [
          { task_key: "one", notebook_task: { notebook_path: "/Shared/etl/report" }, job_cluster_key: "c1" },
          {
            task_key: "three",
            notebook_task: { notebook_path: "/Shared/etl/report" },
            job_cluster_key: "c1",
            depends_on: [{ task_key: "one" }],
          },
        ],
        job_clusters: [
          {
            job_cluster_key: "c1",
            new_cluster: {
              spark_version: "16.4.x-scala2.12",
              node_type_id: "Standard_DS3_v2",
              num_workers: 4,
            },
          },
        ],
        tags: { b: "2" },
      } as never,
      fields_to_remove: ["schedule"],
    });
    let { settings } = await w.jobs.get({ job_id: job_id! });
    // the service returns tasks sorted by task_key (field-behaviour table)
    expect(settings!.tasks!.map((t) => t.task_key)).toEqual(["one", "three", "two"]);
    expect(settings!.tasks![0].notebook_task!.notebook_path).toBe("/Shared/etl/report");
    // job_clusters come back in another order than sent (reversed; field-behaviour table)
    expect(settings!.job_clusters!.map((c) => [c.job_cluster_key, c.new_cluster.num_workers])).toEqual([
      ["c2", 2],
      ["c1", 4],
    ]);
    expect(settings!.tags).toEqual({ b: "2" });
    expect(settings!.schedule).toBeUndefined();

    await w.jobs.update({ job_id: job_id!, fields_to_remove: ["tasks/two", "job_clusters/c2"] });
    ({ settings } = await w.jobs.get({ job_id: job_id! }));
    expect(settings!.tasks!.map((t) => t.task_key)).toEqual(["one", "three"]);
    expect(settings!.job_clusters!.map((c) => c.job_cluster_key)).toEqual(["c1"]);

    const nested = await apiError(
      w.jobs.update({ job_id: job_id!, fields_to_remove: ["tasks/one/libraries"] }),
    );
    expect(nested.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(nested.message).toContain("tasks/one/libraries");
    const unknownTask = await apiError(w.jobs.update({ job_id: job_id!, fields_to_remove: ["tasks/nope"] }));
    expect(unknownTask.message).toContain("no tasks entry with task_key 'nope'");
  });

  it("validation errors answer 400 INVALID_PARAMETER_VALUE with the service's shape", async () => {
    const w = sdkFor(ws);
    const tooManyTags = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, "v"]));
    const tags = await apiError(w.jobs.create({ name: "tags", tags: tooManyTags } as never));
    expect([tags.statusCode, tags.errorCode]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(tags.message).toContain("at most 25");

    const concurrency = await apiError(w.jobs.create({ name: "c", max_concurrent_runs: 1001 } as never));
    expect(concurrency.message).toContain("settings.max_concurrent_runs");

    const hooks = { on_failure: [{ id: "1" }, { id: "2" }, { id: "3" }, { id: "4" }] };
    const webhooks = await apiError(w.jobs.create({ name: "w", webhook_notifications: hooks } as never));
    expect(webhooks.message).toContain("at most 3");

    const tasks = Array.from({ length: 1001 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: "/Shared/etl/ingest" },
    }));
    const many = await apiError(w.jobs.create({ name: "many", tasks } as never));
    expect(many.message).toContain("at most 1000");

    const wrongType = await apiError(
      w.jobs.create({ name: "types", parameters: [{ name: "n", default: 5 }] } as never),
    );
    expect(wrongType.message).toBe(
      "Invalid value for settings.parameters[0].default: expected a string, got number 5.",
    );

    const missing = await apiError(
      w.jobs.create({ name: "m", tasks: [{ notebook_task: { notebook_path: "/x" } }] } as never),
    );
    expect(missing.message).toBe("Missing required field: settings.tasks[0].task_key");

    // update is validated on the merged result
    const { job_id } = await w.jobs.create(notebookJob("valid") as never);
    const merged = await apiError(
      w.jobs.update({ job_id: job_id!, new_settings: { max_concurrent_runs: -1 } as never }),
    );
    expect(merged.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect((await w.jobs.get({ job_id: job_id! })).settings?.max_concurrent_runs).toBe(1);
  });

  it("not-found answers: update/reset/delete/run-now of a missing job, runs/get of a missing run", async () => {
    const w = sdkFor(ws);
    for (const call of [
      w.jobs.update({ job_id: 987654, new_settings: { name: "x" } }),
      w.jobs.reset({ job_id: 987654, new_settings: { name: "x" } }),
      w.jobs.delete({ job_id: 987654 }),
      w.jobs.runNow({ job_id: 987654 }),
    ]) {
      const error = await apiError(call);
      expect([error.statusCode, error.errorCode, error.message]).toEqual([
        400,
        "INVALID_PARAMETER_VALUE",
        "Job 987654 does not exist.",
      ]);
    }
    const run = await apiError(w.jobs.getRun({ run_id: 987654 }));
    expect([run.statusCode, run.errorCode, run.message]).toEqual([
      400,
      "INVALID_PARAMETER_VALUE",
      "Run 987654 does not exist.",
    ]);
    const noId = await apiError(w.jobs.get({} as never));
    expect(noId.message).toBe("Missing required field: job_id");
  });

  it("list pages: 250 jobs, limit 100, next_page_token only while more exist, jobs omitted when empty", async () => {
    const own = await startLocalWorkspace();
    try {
      const empty = await raw(own, "GET", "/api/2.2/jobs/list");
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({});
      const w = sdkFor(own);
      for (let i = 0; i < 250; i++) await w.jobs.create({ name: `job-${i}` });
      const seen: number[] = [];
      for await (const job of w.jobs.list({ limit: 100 })) seen.push(job.job_id!);
      expect(seen).toHaveLength(250);
      expect(new Set(seen).size).toBe(250);
      expect(own.stats()["GET /api/2.2/jobs/list"]).toBe(1 + 3);

      const first = await raw(own, "GET", "/api/2.2/jobs/list");
      expect((first.body.jobs as unknown[]).length).toBe(20);
      expect(first.body.has_more).toBe(true);
      const last = await raw(own, "GET", `/api/2.2/jobs/list?limit=100&offset=200`);
      expect((last.body.jobs as unknown[]).length).toBe(50);
      expect(last.body.next_page_token).toBeUndefined();
      expect(last.body.has_more).toBeUndefined();
      const bad = await raw(own, "GET", "/api/2.2/jobs/list?limit=101");
      expect([bad.status, bad.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    } finally {
      await own.close();
    }
  });

  it("jobs/get pages task arrays at 100 (2.2) and refuses >100 tasks on 2.1; expand_tasks flags truncation", async () => {
    const w = sdkFor(ws);
    const tasks = Array.from({ length: 250 }, (_, i) => ({
      task_key: `t${String(i).padStart(3, "0")}`,
      notebook_task: { notebook_path: "/Shared/etl/ingest" },
    }));
    const { job_id } = await w.jobs.create({ name: "wide", tasks } as never);
    const page1 = await w.jobs.get({ job_id: job_id! });
    expect(page1.settings!.tasks).toHaveLength(100);
    expect(page1.next_page_token).toBe("1");
    const page2 = await w.jobs.get({ job_id: job_id!, page_token: page1.next_page_token });
    expect(page2.settings!.tasks![0].task_key).toBe("t100");
    const page3 = await w.jobs.get({ job_id: job_id!, page_token: page2.next_page_token });
    expect(page3.settings!.tasks).toHaveLength(50);
    expect(page3.next_page_token).toBeUndefined();

    const v21 = await raw(ws, "GET", `/api/2.1/jobs/get?job_id=${job_id}`);
    expect([v21.status, v21.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(v21.body.message).toContain("more than 100 tasks");

    const expanded = await raw(ws, "GET", `/api/2.2/jobs/list?name=wide&expand_tasks=true`);
    const entry = (expanded.body.jobs as Array<Record<string, unknown>>)[0];
    expect(entry.has_more).toBe(true);
    expect(((entry.settings as Record<string, unknown>).tasks as unknown[]).length).toBe(100);
    const plain = await raw(ws, "GET", `/api/2.2/jobs/list?name=wide`);
    expect(
      ((plain.body.jobs as Array<Record<string, unknown>>)[0].settings as Record<string, unknown>).tasks,
    ).toBeUndefined();
  });

  it("2.1 create: no queueing default; >100 tasks refused", async () => {
    const created = await raw(ws, "POST", "/api/2.1/jobs/create", JSON.stringify({ name: "v21" }));
    const job = await raw(ws, "GET", `/api/2.1/jobs/get?job_id=${created.body.job_id}`);
    expect((job.body.settings as Record<string, unknown>).queue).toBeUndefined();
    const tasks = Array.from({ length: 101 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: "/Shared/etl/ingest" },
    }));
    const refused = await raw(ws, "POST", "/api/2.1/jobs/create", JSON.stringify({ name: "v21", tasks }));
    expect([refused.status, refused.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
  });

  it("reset without run_as keeps the previous run_as (cloud quirk)", async () => {
    const w = sdkFor(ws);
    const { job_id } = await w.jobs.create({
      name: "runas",
      run_as: { service_principal_name: "8a3b-sp" },
    } as never);
    expect((await w.jobs.get({ job_id: job_id! })).run_as_user_name).toBe("8a3b-sp");
    await w.jobs.reset({ job_id: job_id!, new_settings: { name: "runas2" } });
    expect((await w.jobs.get({ job_id: job_id! })).settings?.run_as).toEqual({
      service_principal_name: "8a3b-sp",
    });
  });
});

describe("bad input gets the service's answer, never a 500", () => {
  it.each([
    ["malformed JSON", "POST", "/api/2.2/jobs/create", "{not json", 400, "MALFORMED_REQUEST"],
    ["array body", "POST", "/api/2.2/jobs/create", "[1,2]", 400, "MALFORMED_REQUEST"],
    [
      "name as number",
      "POST",
      "/api/2.2/jobs/create",
      JSON.stringify({ name: 42 }),
      400,
      "INVALID_PARAMETER_VALUE",
    ],
    [
      "tasks as object",
      "POST",
      "/api/2.2/jobs/create",
      JSON.stringify({ tasks: { a: 1 } }),
      400,
      "INVALID_PARAMETER_VALUE",
    ],
    ["job_id not a number", "GET", "/api/2.2/jobs/get?job_id=abc", undefined, 400, "INVALID_PARAMETER_VALUE"],
    [
      "update without job_id",
      "POST",
      "/api/2.2/jobs/update",
      JSON.stringify({ new_settings: {} }),
      400,
      "INVALID_PARAMETER_VALUE",
    ],
    [
      "new_settings not an object",
      "POST",
      "/api/2.2/jobs/reset",
      JSON.stringify({ job_id: 1, new_settings: "x" }),
      400,
      "INVALID_PARAMETER_VALUE",
    ],
    ["unknown endpoint", "GET", "/api/2.2/jobs/nope", undefined, 404, "ENDPOINT_NOT_FOUND"],
    ["wrong method", "GET", "/api/2.2/jobs/create", undefined, 404, "ENDPOINT_NOT_FOUND"],
    ["bad page token", "GET", "/api/2.2/jobs/list?page_token=zzz", undefined, 400, "INVALID_PARAMETER_VALUE"],
  ])("%s", async (_name, method, path, body, status, code) => {
    const response = await raw(ws, method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.error_code).toBe(code);
    expect(typeof response.body.message).toBe("string");
  });

  it("missing token → 401; wrong token → 403; neither echoes the token", async () => {
    const missing = await raw(ws, "GET", "/api/2.2/jobs/list", undefined, null);
    expect([missing.status, missing.body.error_code]).toEqual([401, "UNAUTHENTICATED"]);
    const wrong = await raw(ws, "GET", "/api/2.2/jobs/list", undefined, "dapi-wrong-secret-123");
    expect([wrong.status, wrong.body.error_code, wrong.body.message]).toEqual([
      403,
      "PERMISSION_DENIED",
      "Invalid access token.",
    ]);
    expect(JSON.stringify(wrong.body)).not.toContain("dapi-wrong-secret-123");
    const viaSdk = await apiError(sdkFor(ws, "dapi-wrong-secret-123").jobs.get({ job_id: 1 }));
    expect(viaSdk.statusCode).toBe(403);
    expect(viaSdk.message).not.toContain("dapi-wrong-secret-123");
  });
});
