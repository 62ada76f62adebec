import { describe, expect, it } from "vitest";
import {
  DEVELOPMENT_CONCURRENT_RUNS,
  mergeOverrides,
  settingsForTarget,
  shortIdentity,
} from "../../src/domain/targets.js";
import type { JobSettings } from "../../src/domain/model.js";

const base: JobSettings = {
  name: "orders-daily",
  tags: { team: "data-eng" },
  schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC" },
  email_notifications: { on_failure: ["oncall@example.com"] },
  parameters: [
    { name: "env", default: "prod" },
    { name: "date", default: "" },
  ],
  job_clusters: [
    {
      job_cluster_key: "main",
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 8 },
    },
  ],
  tasks: [
    { task_key: "ingest", job_cluster_key: "main", notebook_task: { notebook_path: "/Shared/ingest" } },
    {
      task_key: "report",
      depends_on: [{ task_key: "ingest" }],
      notebook_task: { notebook_path: "/Shared/report" },
    },
  ],
};

describe("mergeOverrides (bundle target merge rules)", () => {
  it("merges maps key by key and replaces scalars", () => {
    const out = mergeOverrides(base, {
      tags: { env: "dev" },
      email_notifications: { on_failure: ["dev@example.com"] },
    });
    expect(out.tags).toEqual({ team: "data-eng", env: "dev" });
    // a plain array inside a map is replaced, not appended
    expect(out.email_notifications).toEqual({ on_failure: ["dev@example.com"] });
  });

  it("merges keyed arrays by key: a cluster size changed, other fields of the cluster kept", () => {
    const out = mergeOverrides(base, {
      job_clusters: [{ job_cluster_key: "main", new_cluster: { num_workers: 1 } }],
    });
    expect(out.job_clusters).toEqual([
      {
        job_cluster_key: "main",
        new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
      },
    ]);
  });

  it("merges parameters by name and appends a new key", () => {
    const out = mergeOverrides(base, {
      parameters: [
        { name: "env", default: "dev" },
        { name: "sample", default: "10" },
      ],
    });
    expect(out.parameters).toEqual([
      { name: "env", default: "dev" },
      { name: "date", default: "" },
      { name: "sample", default: "10" },
    ]);
  });

  it("merges a task by task_key without losing its dependencies", () => {
    const out = mergeOverrides(base, { tasks: [{ task_key: "report", timeout_seconds: 600 }] });
    const report = (out.tasks as JobSettings[]).find((t) => t.task_key === "report");
    expect(report).toEqual({
      task_key: "report",
      depends_on: [{ task_key: "ingest" }],
      notebook_task: { notebook_path: "/Shared/report" },
      timeout_seconds: 600,
    });
  });

  it("removes a field set to null and never modifies its inputs", () => {
    const before = structuredClone(base);
    const out = mergeOverrides(base, { schedule: null });
    expect(out.schedule).toBeUndefined();
    expect(base).toEqual(before);
  });
});

describe("settingsForTarget", () => {
  it("production target: overrides and prefix only, schedule untouched", () => {
    const out = settingsForTarget(
      base,
      { name: "prod", mode: "production", overrides: { tags: { env: "prod" } } },
      { user: "ci" },
    );
    expect(out.name).toBe("orders-daily");
    expect(out.schedule).toEqual(base.schedule);
    expect(out.max_concurrent_runs).toBeUndefined();
  });

  it("development mode: prefixed name, paused schedule, dev tag, concurrent runs", () => {
    const out = settingsForTarget(base, { name: "dev", mode: "development" }, { user: "jane_doe" });
    expect(out.name).toBe("[dev jane_doe] orders-daily");
    expect(out.schedule).toMatchObject({ pause_status: "PAUSED" });
    expect(out.tags).toEqual({ team: "data-eng", dev: "jane_doe" });
    expect(out.max_concurrent_runs).toBe(DEVELOPMENT_CONCURRENT_RUNS);
  });

  it("development mode keeps an explicitly unpaused schedule and an explicit max_concurrent_runs", () => {
    const explicit = {
      ...base,
      max_concurrent_runs: 1,
      schedule: { ...(base.schedule as object), pause_status: "UNPAUSED" },
    };
    const out = settingsForTarget(explicit, { name: "dev", mode: "development" }, { user: "jane" });
    expect(out.schedule).toMatchObject({ pause_status: "UNPAUSED" });
    expect(out.max_concurrent_runs).toBe(1);
  });

  it("applies the requirement's own per-target override after the target's", () => {
    const out = settingsForTarget(
      base,
      {
        name: "staging",
        prefix: "stg-",
        overrides: { job_clusters: [{ job_cluster_key: "main", new_cluster: { num_workers: 2 } }] },
      },
      { user: "ci" },
      { job_clusters: [{ job_cluster_key: "main", new_cluster: { num_workers: 3 } }] },
    );
    expect(out.name).toBe("stg-orders-daily");
    expect((out.job_clusters as JobSettings[])[0]).toMatchObject({
      new_cluster: { num_workers: 3, node_type_id: "i3.xlarge" },
    });
  });
});

describe("shortIdentity", () => {
  it("reduces emails and branch refs to a name fit for a prefix", () => {
    expect(shortIdentity("jane.doe@example.com")).toBe("jane.doe");
    expect(shortIdentity("refs/heads/feature/new job")).toBe("feature_new_job");
    expect(shortIdentity("///")).toBe("user");
  });
});
