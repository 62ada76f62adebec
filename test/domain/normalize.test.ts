import { describe, expect, it } from "vitest";
import { normalizeJobSettings, hashJobSettings, diffJobSettings } from "../../src/domain/plan.js";
import type { JobSettings } from "../../src/domain/model.js";
import { corpusPresent, loadCorpus, readBack } from "./corpus.js";

const CREATOR = "jane.doe@example.com";
const corpus = loadCorpus();

describe("normalizeJobSettings", () => {
  it("drops the service's read-back defaults and keeps what the user set", () => {
    const desired: JobSettings = {
      name: "nightly",
      tasks: [
        {
          task_key: "ingest",
          notebook_task: { notebook_path: "/Workspace/ingest" },
          job_cluster_key: "main",
        },
      ],
      job_clusters: [
        {
          job_cluster_key: "main",
          new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
        },
      ],
    };
    const readBackForm: JobSettings = {
      name: "nightly",
      format: "MULTI_TASK",
      max_concurrent_runs: 1,
      timeout_seconds: 0,
      email_notifications: { no_alert_for_skipped_runs: false },
      webhook_notifications: {},
      queue: { enabled: true },
      tasks: [
        {
          task_key: "ingest",
          run_if: "ALL_SUCCESS",
          timeout_seconds: 0,
          email_notifications: {},
          notebook_task: { notebook_path: "/Workspace/ingest", source: "WORKSPACE" },
          job_cluster_key: "main",
        },
      ],
      job_clusters: [
        {
          job_cluster_key: "main",
          new_cluster: {
            num_workers: 1,
            node_type_id: "i3.xlarge",
            spark_version: "15.4.x-scala2.12",
            apply_policy_default_values: true,
          },
        },
      ],
    };
    expect(normalizeJobSettings(readBackForm)).toEqual(normalizeJobSettings(desired));
    expect(JSON.stringify(normalizeJobSettings(readBackForm))).toBe(
      JSON.stringify(normalizeJobSettings(desired)),
    );
  });

  it("never drops a value that differs from the default", () => {
    const n = normalizeJobSettings({
      max_concurrent_runs: 0,
      timeout_seconds: 3600,
      queue: { enabled: false },
      continuous: { pause_status: "UNPAUSED" },
      schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "PAUSED" },
      tasks: [
        {
          task_key: "a",
          run_if: "ALL_DONE",
          max_retries: -1,
          spark_submit_task: {},
          new_cluster: { num_workers: 3, spark_version: "x" },
        },
      ],
    });
    expect(n.max_concurrent_runs).toBe(0);
    expect(n.timeout_seconds).toBe(3600);
    expect(n.queue).toEqual({ enabled: false });
    expect(n.continuous).toEqual({}); // continuous with default pause status still means "continuous"
    expect(n.schedule).toEqual({
      quartz_cron_expression: "0 0 6 * * ?",
      timezone_id: "UTC",
      pause_status: "PAUSED",
    });
    const task = n.tasks![0];
    expect(task.run_if).toBe("ALL_DONE");
    expect(task.max_retries).toBe(-1);
    expect(task.spark_submit_task).toEqual({});
    expect((task.new_cluster as { num_workers: number }).num_workers).toBe(3); // 0 is the default (table)
  });

  it("keeps string and number values distinct", () => {
    const a = normalizeJobSettings({ parameters: [{ name: "n", default: "7" }] });
    const b = normalizeJobSettings({ parameters: [{ name: "n", default: 7 as unknown as string }] });
    expect(a).not.toEqual(b);
  });

  it("treats absent, null, [] and {} alike", () => {
    const plain = normalizeJobSettings({ name: "x" });
    expect(
      normalizeJobSettings({
        name: "x",
        tags: {},
        parameters: [],
        description: null as unknown as string,
        health: { rules: [] },
      }),
    ).toEqual(plain);
  });

  it("makes the notebook source default explicit from git_source, so switching git_source shows on tasks", () => {
    const task = { task_key: "t", notebook_task: { notebook_path: "etl/nb" } };
    const withGit = normalizeJobSettings({
      git_source: { git_url: "https://github.com/o/r", git_provider: "github", git_branch: "main" },
      tasks: [task],
    });
    expect((withGit.tasks![0].notebook_task as { source: string }).source).toBe("GIT");
    expect((withGit.git_source as { git_provider: string }).git_provider).toBe("gitHub");
    expect(
      (normalizeJobSettings({ tasks: [task] }).tasks![0].notebook_task as { source: string }).source,
    ).toBe("WORKSPACE");
  });

  it("drops run_as only when it names the creator", () => {
    expect(
      normalizeJobSettings({ run_as: { user_name: CREATOR } }, { creatorUserName: CREATOR }).run_as,
    ).toBeUndefined();
    expect(
      normalizeJobSettings({ run_as: { user_name: "other@example.com" } }, { creatorUserName: CREATOR })
        .run_as,
    ).toEqual({ user_name: "other@example.com" });
    expect(
      normalizeJobSettings({ run_as: { service_principal_name: "abc" } }, { creatorUserName: CREATOR })
        .run_as,
    ).toEqual({ service_principal_name: "abc" });
  });

  it("sorts order-insensitive arrays and keeps ordered ones", () => {
    const a = normalizeJobSettings({
      email_notifications: { on_failure: ["b@x.com", "a@x.com"] },
      webhook_notifications: { on_start: [{ id: "2" }, { id: "1" }] },
      trigger: { table_update: { table_names: ["c.s.t2", "c.s.t1"] } },
      tasks: [
        {
          task_key: "z",
          depends_on: [{ task_key: "b" }, { task_key: "a" }],
          spark_python_task: { python_file: "/f.py", parameters: ["--b", "--a"] },
          libraries: [{ pypi: { package: "b" } }, { pypi: { package: "a" } }],
        },
        { task_key: "a", notebook_task: { notebook_path: "/n" } },
      ],
    });
    const b = normalizeJobSettings({
      email_notifications: { on_failure: ["a@x.com", "b@x.com"] },
      webhook_notifications: { on_start: [{ id: "1" }, { id: "2" }] },
      trigger: { table_update: { table_names: ["c.s.t1", "c.s.t2"] } },
      tasks: [
        { task_key: "a", notebook_task: { notebook_path: "/n" } },
        {
          task_key: "z",
          depends_on: [{ task_key: "a" }, { task_key: "b" }],
          spark_python_task: { python_file: "/f.py", parameters: ["--b", "--a"] },
          libraries: [{ pypi: { package: "a" } }, { pypi: { package: "b" } }],
        },
      ],
    });
    expect(a).toEqual(b);
    expect(hashJobSettings(a)).toBe(hashJobSettings(b));
    const reordered = normalizeJobSettings({
      tasks: [{ task_key: "z", spark_python_task: { python_file: "/f.py", parameters: ["--a", "--b"] } }],
    });
    const original = normalizeJobSettings({
      tasks: [{ task_key: "z", spark_python_task: { python_file: "/f.py", parameters: ["--b", "--a"] } }],
    });
    expect(reordered).not.toEqual(original); // program arguments keep their order
  });

  describe.skipIf(!corpusPresent)("over the real-world corpus", () => {
    it("is idempotent for every job", () => {
      for (const job of corpus) {
        const once = normalizeJobSettings(job.settings);
        expect(normalizeJobSettings(once), job.file).toEqual(once);
        expect(JSON.stringify(normalizeJobSettings(once)), job.file).toBe(JSON.stringify(once));
      }
    });

    it("a job and its read-back form diff to nothing (every job with an empty suspect list)", () => {
      const clean = corpus.filter((j) => j.suspect.length === 0);
      expect(clean.length).toBeGreaterThan(50);
      for (const job of clean) {
        const back = readBack(job.settings, { creator: CREATOR, awsFillIns: true });
        expect(diffJobSettings(job.settings, back, { creatorUserName: CREATOR }), job.file).toEqual([]);
        const plainBack = readBack(job.settings, { creator: CREATOR });
        expect(normalizeJobSettings(plainBack, { creatorUserName: CREATOR }), job.file).toEqual(
          normalizeJobSettings(job.settings),
        );
        expect(hashJobSettings(plainBack, { creatorUserName: CREATOR }), job.file).toBe(
          hashJobSettings(job.settings),
        );
      }
    });
  });
});
