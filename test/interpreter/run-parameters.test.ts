/**
 * Run-now parameters said loosely against the names the job declares: "start 2026-11-01, end 2026-11-30" for
 * start_date / end_date, and a flag said in words ("not a dry run", "as a dry run", "dry run: false"). The tickets
 * here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { WorkspaceJob } from "../../src/domain/model.js";

const backfill: WorkspaceJob = {
  job_id: 1201,
  settings: {
    name: "backfill_orders",
    parameters: [
      { name: "start_date", default: "{{job.start_time.iso_date}}" },
      { name: "end_date", default: "{{job.start_time.iso_date}}" },
      { name: "dry_run", default: "true" },
    ],
    tasks: [{ task_key: "backfill", notebook_task: { notebook_path: "/Repos/de/backfill" } }],
  },
};

async function run(body: string) {
  const { requests, questions } = await answer(body, [backfill]);
  expect(questions).toEqual([]);
  expect(requests[0]!.endpoint).toBe("jobs/run-now");
  return requests[0]!.body.job_parameters;
}

describe("run parameters against the names the job declares", () => {
  it("'start 2026-11-01, end 2026-11-30' and 'not a dry run'", async () => {
    expect(
      await run(
        "Please run backfill_orders for November: start 2026-11-01, end 2026-11-30. For real this time, not a dry run.",
      ),
    ).toEqual({ start_date: "2026-11-01", end_date: "2026-11-30", dry_run: "false" });
  });

  it("'as a dry run' is true; 'dry run: false' is false", async () => {
    expect(await run("Run backfill_orders as a dry run, start date 2026-10-01.")).toEqual({
      start_date: "2026-10-01",
      dry_run: "true",
    });
    expect(await run("Run backfill_orders with dry run: false.")).toEqual({ dry_run: "false" });
  });
});

describe("a run asked for now", () => {
  it("'trigger the job that runs /x right now', beside the job's own schedule words, is a run of that job", async () => {
    const jobs: WorkspaceJob[] = [
      {
        job_id: 6601,
        settings: {
          name: "Monthly Ops Maintenance",
          schedule: { quartz_cron_expression: "0 0 3 1 * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
          tasks: [
            {
              task_key: "rotate_keys",
              notebook_task: { notebook_path: "/Workspace/Shared/ops/rotate_keys" },
            },
          ],
        },
      },
      {
        job_id: 6602,
        settings: {
          name: "Weekly Ops Cleanup",
          tasks: [{ task_key: "vacuum", notebook_task: { notebook_path: "/Workspace/Shared/ops/vacuum" } }],
        },
      },
    ];
    const body =
      "Security asked us to rotate the keys today instead of waiting for the monthly run. Please trigger the job that runs /Workspace/Shared/ops/rotate_keys right now.";
    const { requests, questions } = await answer(body, jobs);
    expect(questions).toEqual([]);
    expect(requests).toEqual([{ endpoint: "jobs/run-now", body: { job_id: 6601 } }]);
  });
});

describe("a date in words beside the date sent", () => {
  it("'Finance needs March 31 recomputed — can you run backfill_orders now with start_date 2024-03-31'", async () => {
    const params = await run(
      "Finance needs March 31 recomputed — can you run backfill_orders now with start_date 2024-03-31?",
    );
    expect(params).toEqual({ start_date: "2024-03-31" });
  });

  it("a day the answer does not send is still asked about: 'March 30 recomputed … start_date 2024-03-31'", async () => {
    const { requests, questions } = await answer(
      "Finance needs March 30 recomputed — can you run backfill_orders now with start_date 2024-03-31?",
      [backfill],
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/"30"/);
  });
});
