import { describe, expect, it } from "vitest";
import { applyRequestToSettings, gradeAnswer, type EvalTicket } from "../../../src/dev/eval/grade.js";
import { normalizeQuartz } from "../../../src/domain/quartz.js";
import type { ApiRequest } from "../../../src/domain/model.js";

const create = (body: Record<string, unknown>): { requests: ApiRequest[]; questions: string[] } => ({
  requests: [{ endpoint: "jobs/create", body }],
  questions: [],
});

const berlinTicket: EvalTicket = {
  id: "t",
  kind: "create",
  ticket: "…",
  expect: {
    tasks: [
      { task_key: "ingest", notebook_task: { notebook_path: "/Repos/x/ingest" } },
      { task_key: "load", depends_on: [{ task_key: "ingest" }] },
    ],
    schedule: {
      quartz_cron_expression: "0 30 19 ? * MON-FRI",
      timezone_id: "Europe/Berlin",
      pause_status: "UNPAUSED",
    },
    tags: { team: "x" },
  },
  expect_absent: ["tasks[load].existing_cluster_id", "timeout_seconds"],
};

const goodBody = {
  name: "anything",
  tasks: [
    { task_key: "ingest", notebook_task: { notebook_path: "/Repos/x/ingest", source: "WORKSPACE" } },
    {
      task_key: "load",
      depends_on: [{ task_key: "ingest" }],
      notebook_task: { notebook_path: "/Repos/x/load" },
    },
  ],
  schedule: { quartz_cron_expression: "0 30 19 ? * 2-6", timezone_id: "Europe/Berlin" },
  tags: { team: "x", other: "y" },
  timeout_seconds: 0,
};

describe("gradeAnswer (INTERPRETATION.md §2)", () => {
  it("accepts a right answer with equivalent cron spelling, extra tag keys, defaults left out and timeout 0", () => {
    const r = gradeAnswer(berlinTicket, create(goodBody));
    expect(r.reasons).toEqual([]);
    expect(r.pass).toBe(true);
  });

  it("marks a daily cron wrong when weekdays were asked for, naming the field", () => {
    const body = structuredClone(goodBody);
    body.schedule.quartz_cron_expression = "0 30 19 * * ?";
    const r = gradeAnswer(berlinTicket, create(body));
    expect(r.pass).toBe(false);
    expect(r.reasons.join("\n")).toContain("schedule.quartz_cron_expression");
  });

  it("marks an extra task wrong (task_key sets must be equal)", () => {
    const body = structuredClone(goodBody);
    body.tasks.push({ task_key: "extra", notebook_task: { notebook_path: "/x" } } as never);
    const r = gradeAnswer(berlinTicket, create(body));
    expect(r.pass).toBe(false);
    expect(r.reasons.join("\n")).toContain("tasks[extra]");
  });

  it("treats depends_on as an exact set: an extra dependency fails, no dependency fails", () => {
    const extra = structuredClone(goodBody);
    (extra.tasks[1] as { depends_on: unknown[] }).depends_on.push({ task_key: "other" });
    expect(gradeAnswer(berlinTicket, create(extra)).pass).toBe(false);
    const none = structuredClone(goodBody);
    delete (none.tasks[1] as { depends_on?: unknown }).depends_on;
    expect(gradeAnswer(berlinTicket, create(none)).pass).toBe(false);
  });

  it("enforces expect_absent with [key] addressing and timeout 0 as absent", () => {
    const body = structuredClone(goodBody);
    (body.tasks[1] as Record<string, unknown>).existing_cluster_id = "0923-164208-meows279";
    const r = gradeAnswer(berlinTicket, create(body));
    expect(r.pass).toBe(false);
    expect(r.reasons.join("\n")).toContain("tasks[load].existing_cluster_id");
    const withTimeout = structuredClone(goodBody);
    withTimeout.timeout_seconds = 60;
    expect(gradeAnswer(berlinTicket, create(withTimeout)).pass).toBe(false);
  });

  it('compares scalars strictly: "7" is not 7', () => {
    const t: EvalTicket = {
      id: "p",
      kind: "create",
      ticket: "",
      expect: { parameters: [{ name: "days", default: "7" }] },
    };
    expect(gradeAnswer(t, create({ parameters: [{ name: "days", default: 7 }] })).pass).toBe(false);
    expect(gradeAnswer(t, create({ parameters: [{ name: "days", default: "7" }] })).pass).toBe(true);
  });

  it("accepts git_provider case-insensitively and GIT as the notebook default with git_source", () => {
    const t: EvalTicket = {
      id: "g",
      kind: "create",
      ticket: "",
      expect: {
        git_source: { git_provider: "gitHub" },
        tasks: [{ task_key: "a", notebook_task: { notebook_path: "n/a", source: "GIT" } }],
      },
    };
    expect(
      gradeAnswer(
        t,
        create({
          git_source: { git_provider: "github", git_url: "u" },
          tasks: [{ task_key: "a", notebook_task: { notebook_path: "n/a" } }],
        }),
      ).pass,
    ).toBe(true);
    expect(
      gradeAnswer(t, create({ tasks: [{ task_key: "a", notebook_task: { notebook_path: "n/a" } }] })).pass,
    ).toBe(false);
  });

  it("matches an unnamed job cluster against any produced cluster; ordered arrays keep order", () => {
    const t: EvalTicket = {
      id: "c",
      kind: "create",
      ticket: "",
      expect: {
        job_clusters: [{ new_cluster: { num_workers: 4 } }],
        tasks: [{ python_wheel_task: { parameters: ["--a", "1"] } }],
      },
    };
    const ok = {
      job_clusters: [{ job_cluster_key: "k", new_cluster: { num_workers: 4 } }],
      tasks: [{ task_key: "w", python_wheel_task: { parameters: ["--a", "1"] } }],
    };
    expect(gradeAnswer(t, create(ok)).pass).toBe(true);
    const swapped = structuredClone(ok);
    swapped.tasks[0].python_wheel_task.parameters = ["1", "--a"];
    expect(gradeAnswer(t, create(swapped)).pass).toBe(false);
    const wrongSize = structuredClone(ok);
    wrongSize.job_clusters[0].new_cluster.num_workers = 5;
    expect(gradeAnswer(t, create(wrongSize)).pass).toBe(false);
  });

  it("needs_clarification passes only on a question with no request", () => {
    const t: EvalTicket = { id: "q", kind: "create", ticket: "", expect: { needs_clarification: true } };
    expect(gradeAnswer(t, { requests: [], questions: ["Which notebook?"] }).pass).toBe(true);
    expect(gradeAnswer(t, create({ name: "guess" })).pass).toBe(false);
    expect(gradeAnswer(t, { requests: [], questions: [] }).pass).toBe(false);
  });

  it("grades an update after applying it: replacing email_notifications without the old keys loses them", () => {
    const t: EvalTicket = {
      id: "u",
      kind: "update",
      ticket: "",
      existing_jobs: [
        {
          job_id: 7,
          settings: { name: "j", email_notifications: { on_success: ["a@x"] }, tasks: [{ task_key: "t" }] },
        },
      ],
      expect: {
        job_id: 7,
        email_notifications: { on_success: ["a@x"], on_failure: ["b@x"] },
        tasks: [{ task_key: "t" }],
      },
    };
    const lossy = {
      requests: [
        {
          endpoint: "jobs/update" as const,
          body: { job_id: 7, new_settings: { email_notifications: { on_failure: ["b@x"] } } },
        },
      ],
      questions: [],
    };
    expect(gradeAnswer(t, lossy).pass).toBe(false);
    const right = {
      requests: [
        {
          endpoint: "jobs/update" as const,
          body: {
            job_id: 7,
            new_settings: { email_notifications: { on_success: ["a@x"], on_failure: ["b@x"] } },
          },
        },
      ],
      questions: [],
    };
    expect(gradeAnswer(t, right).pass).toBe(true);
    const wrongJob = {
      requests: [{ endpoint: "jobs/update" as const, body: { job_id: 8, new_settings: {} } }],
      questions: [],
    };
    expect(gradeAnswer(t, wrongJob).pass).toBe(false);
  });

  it("run-now: extra job_parameters are fine only when they re-send the job's default", () => {
    const t: EvalTicket = {
      id: "r",
      kind: "run",
      ticket: "",
      existing_jobs: [
        {
          job_id: 5,
          settings: {
            parameters: [
              { name: "env", default: "dev" },
              { name: "d", default: "x" },
            ],
          },
        },
      ],
      expect: { job_id: 5, job_parameters: { d: "y" } },
    };
    const run = (jp: Record<string, string>) => ({
      requests: [{ endpoint: "jobs/run-now" as const, body: { job_id: 5, job_parameters: jp } }],
      questions: [],
    });
    expect(gradeAnswer(t, run({ d: "y", env: "dev" })).pass).toBe(true);
    expect(gradeAnswer(t, run({ d: "y", env: "prod" })).pass).toBe(false);
  });
});

describe("applyRequestToSettings", () => {
  it("merges tasks by key, replaces other fields wholesale and removes tasks/<key>", () => {
    const after = applyRequestToSettings(
      {
        name: "j",
        schedule: { quartz_cron_expression: "0 0 1 * * ?", timezone_id: "UTC" },
        tasks: [{ task_key: "a", max_retries: 1 }, { task_key: "b" }, { task_key: "c" }],
      },
      {
        endpoint: "jobs/update",
        body: {
          job_id: 1,
          new_settings: { schedule: { quartz_cron_expression: "0 0 2 * * ?" }, tasks: [{ task_key: "a" }] },
          fields_to_remove: ["tasks/c"],
        },
      },
    );
    expect(after.tasks).toEqual([{ task_key: "a" }, { task_key: "b" }]);
    expect(after.schedule).toEqual({ quartz_cron_expression: "0 0 2 * * ?" });
    expect(after.name).toBe("j");
  });
});

describe("normalizeQuartz", () => {
  it("treats the documented equivalent spellings as equal and different schedules as different", () => {
    expect(normalizeQuartz("0 */15 * * * ?")).toBe(normalizeQuartz("0 0/15 * * * ?"));
    expect(normalizeQuartz("0 0 0 ? * 1")).toBe(normalizeQuartz("0 0 0 ? * SUN"));
    expect(normalizeQuartz("0 30 7 ? * MON,TUE,WED,THU,FRI")).toBe(normalizeQuartz("0 30 7 ? * MON-FRI"));
    expect(normalizeQuartz("0 0 0/1 * * ?")).toBe(normalizeQuartz("0 0 * * * ?"));
    expect(normalizeQuartz("0 0 6 * * ?")).not.toBe(normalizeQuartz("0 0 6 ? * MON-FRI"));
  });
});
