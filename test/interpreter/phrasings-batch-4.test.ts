/**
 * Phrasings the development half of batch-4 showed read wrongly or asked about without need. The tickets here are
 * written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { JsonObject, WorkspaceJob } from "../../src/domain/model.js";

async function request(body: string, jobs: WorkspaceJob[] = []) {
  const { requests, questions } = await answer(body, jobs);
  expect(questions).toEqual([]);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

const tasksOf = (body: JsonObject) => body.tasks as JsonObject[];
const keyed = (body: JsonObject, key: string) => tasksOf(body).find((t) => t.task_key === key)!;

const billing: WorkspaceJob = {
  job_id: 812,
  settings: {
    name: "Billing Close",
    max_concurrent_runs: 3,
    schedule: {
      quartz_cron_expression: "0 30 4 ? * MON-FRI",
      timezone_id: "Europe/Oslo",
      pause_status: "UNPAUSED",
    },
    tasks: [
      { task_key: "pull_invoices", notebook_task: { notebook_path: "/Repos/bill/pull" } },
      {
        task_key: "post_ledger",
        depends_on: [{ task_key: "pull_invoices" }],
        notebook_task: { notebook_path: "/Repos/bill/post" },
      },
      {
        task_key: "mail_summary",
        depends_on: [{ task_key: "post_ledger" }],
        notebook_task: { notebook_path: "/Repos/bill/mail" },
      },
    ],
  },
};

describe("schedules", () => {
  it("reads 'Monday till Friday' as a day range", async () => {
    const { body } = await request(
      'Job "fx-rates" runs /Repos/fx/pull each Monday till Friday at 05:45, Oslo time.',
    );
    expect(body.schedule).toMatchObject({
      quartz_cron_expression: "0 45 5 ? * MON-FRI",
      timezone_id: "Europe/Oslo",
    });
  });

  it("pauses on 'put the schedule of X on hold', and 'this weekend' changes no days", async () => {
    const { body } = await request(
      "We move the ledger database this weekend, so please put the schedule of **Billing Close** on hold.",
      [billing],
    );
    expect(body.new_settings ?? body).toMatchObject({
      schedule: { quartz_cron_expression: "0 30 4 ? * MON-FRI", pause_status: "PAUSED" },
    });
  });
});

describe("runs at once", () => {
  it.each([
    ["- max 1 concurrent", 1],
    ["concurrency: 2", 2],
    ["Up to 5 runs may overlap.", 5],
  ])("%s", async (words, n) => {
    const { body } = await request(`Job "meter-scan" runs /Repos/iot/meter_scan every 10 minutes.\n${words}`);
    expect(body.max_concurrent_runs).toBe(n);
  });

  it("reads 'never two runs at once' in an update, and 'should be queued' is not a typo of queue", async () => {
    const { body } = await request(
      "Billing Close: never two runs at once from now on. Anything extra should be queued.",
      [billing],
    );
    expect(body.new_settings ?? body).toMatchObject({ max_concurrent_runs: 1, queue: { enabled: true } });
  });
});

describe("steps", () => {
  it("resolves 'after step 1' / 'needs step 2' in a numbered list and runs 'whether it succeeded or failed' as ALL_DONE", async () => {
    const { body } = await request(`The new "Claims Triage" job:

1. Load Claims: /Repos/claims/load
2. Rank Claims: /Repos/claims/rank — needs step 1
3. Page Adjusters: /Repos/claims/page — after step 2, whether step 2 succeeded or failed

Every day at 7am UTC.`);
    expect(body.name).toBe("Claims Triage");
    expect(keyed(body, "rank_claims").depends_on).toEqual([{ task_key: "load_claims" }]);
    expect(keyed(body, "page_adjusters")).toMatchObject({
      depends_on: [{ task_key: "rank_claims" }],
      run_if: "ALL_DONE",
    });
  });

  it("uses a job cluster's own key when the ticket names it", async () => {
    const { body } = await request(`Job \`churn-features\`
- job cluster \`ml_big\`: 6 workers, r5d.2xlarge, 16.4.x-cpu-ml-scala2.12
- /Repos/ml/churn/build_features on ml_big
- daily at 03:00 UTC`);
    expect(body.job_clusters).toMatchObject([{ job_cluster_key: "ml_big" }]);
    expect(tasksOf(body)[0]!.job_cluster_key).toBe("ml_big");
  });

  it("takes one dbt task from a summary line that repeats the detail", async () => {
    const { body } = await request(`Summary: nightly dbt build for marts

Please create a job "marts-build" that runs \`dbt deps\` then \`dbt build --target prod\` on SQL warehouse 1a2b3c4d5e6f7a8b, every day at 2am UTC.`);
    expect(tasksOf(body)).toHaveLength(1);
    expect((tasksOf(body)[0]!.dbt_task as JsonObject).commands).toEqual([
      "dbt deps",
      "dbt build --target prod",
    ]);
  });

  it("reads terse labels: 'svc:' names the job, 'nb:' is no task name", async () => {
    const { body } = await request("svc: stock-levels\nnb: /Repos/ops/stock/levels\nwhen: daily 06:00 UTC");
    expect(body.name).toBe("stock-levels");
    expect(tasksOf(body)[0]!.task_key).toBe("levels");
  });
});

describe("retries of one task", () => {
  it("gives 'that task' the task an earlier sentence named, not every task", async () => {
    const { body } = await request(
      "**BILL-77: Billing Close keeps failing**\n\nThe `post_ledger` task of Billing Close times out on the ERP API.\n\n- Please let that task retry twice (only that task).",
      [billing],
    );
    const settings = (body.new_settings ?? body) as JsonObject;
    expect(keyed(settings, "post_ledger").max_retries).toBe(2);
    expect(
      tasksOf(settings)
        .filter((t) => t.max_retries !== undefined)
        .map((t) => t.task_key),
    ).toEqual(["post_ledger"]);
  });
});

describe("a run request on its own", () => {
  it("is one run, not a run beside a new job without code", async () => {
    const { requests, questions } = await answer(
      "Hi,\n\nthe vendor file arrived late, so last night's scheduled run did nothing.\nCould you trigger job 812 right now?\n\nThanks",
      [billing],
    );
    expect(questions).toEqual([]);
    expect(requests.map((r) => r.endpoint)).toEqual(["jobs/run-now"]);
  });
});
