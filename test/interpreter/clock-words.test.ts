/**
 * Minutes said in words: "every hour at twenty past", "at xx:45", "twenty past six", "ten minutes to nine"; and a
 * clock time beside runs every hour, which no schedule can hold (it was dropped without a word: now it asks).
 * "2 to 8" is a range, never 7:58. The tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";

async function cron(when: string): Promise<string> {
  const { requests, questions } = await answer(`Create job clock-test running /Repos/ops/clock ${when}.`);
  expect(questions).toEqual([]);
  return (requests[0]!.body.schedule as { quartz_cron_expression: string }).quartz_cron_expression;
}

describe("minutes said in words", () => {
  it.each([
    ["every hour at twenty past", "0 20 * * * ?"],
    ["every hour at 20 past", "0 20 * * * ?"],
    ["every hour at xx:45", "0 45 * * * ?"],
    ["every 2 hours, 10 past the hour", "0 10 0/2 * * ?"],
    ["daily at twenty past six in the morning", "0 20 6 * * ?"],
    ["daily at 10 past 7 pm", "0 10 19 * * ?"],
    ["daily at ten minutes to nine", "0 50 8 * * ?"],
  ])("%s → %s", async (when, expected) => {
    expect(await cron(when)).toBe(expected);
  });

  it("'2 to 8' in a cluster size is a range, not a time", async () => {
    const { requests } = await answer(
      "Create job clock-test running /Repos/ops/clock daily at 6am on a job cluster of i3.xlarge, autoscale 2 to 8 workers.",
    );
    expect(requests[0]?.body.schedule).toMatchObject({ quartz_cron_expression: "0 0 6 * * ?" });
  });

  it("a clock time beside runs every hour is a question, not dropped", async () => {
    const { requests, questions } = await answer(
      "Create job clock-test running /Repos/ops/clock every hour starting at 8am.",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/every hour have no clock time/);
  });
});

describe("the time the job has now, and places named as context", () => {
  const job = {
    job_id: 7101,
    settings: {
      name: "Sales Rollup EU",
      schedule: { quartz_cron_expression: "0 0 5 * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
      tasks: [{ task_key: "rollup", notebook_task: { notebook_path: "/Repos/sales/rollup" } }],
    },
  };

  it("'so 5am UTC is too early now' is the old time, not the new one", async () => {
    const body =
      "Can we move **Sales Rollup EU** to 6:30 in the morning Amsterdam time? The stores close later now, so 5am UTC is too early now. Everything else stays.";
    const { requests, questions } = await answer(body, [job]);
    expect(questions).toEqual([]);
    expect((requests[0]!.body.new_settings as { schedule: unknown }).schedule).toEqual({
      quartz_cron_expression: "0 30 6 * * ?",
      timezone_id: "Europe/Amsterdam",
      pause_status: "UNPAUSED",
    });
  });

  it("'until now Priya has run it by hand at 18:00' and 'after the London close' are context", async () => {
    const { requests, questions } = await answer(
      [
        "Every business day after the London close we reconcile the books.",
        "Until now Priya has run the notebook by hand at 18:00.",
        "Job name: recon-daily",
        "Notebook: /Workspace/Finance/recon/recon",
        "Time: 7pm UK time, Mon-Fri",
      ].join("\n"),
    );
    expect(questions).toEqual([]);
    expect(requests[0]!.body.schedule).toMatchObject({
      quartz_cron_expression: "0 0 19 ? * MON-FRI",
      timezone_id: "Europe/London",
    });
  });

  it("with one step, 'after the ingest job finishes' still asks (a run of something else, not context)", async () => {
    const { requests, questions } = await answer(
      "Create job recon-daily running /Workspace/Finance/recon/recon every weekday at 7pm, after the ingest job finishes.",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/after/);
  });
});

describe("day lists and sloppy chat", () => {
  it.each([
    ["run it monday wednesday and friday at 5am", "0 0 5 ? * MON,WED,FRI"],
    ["Mon/Wed/Fri at 5am", "0 0 5 ? * MON,WED,FRI"],
  ])("%s → %s (three days at one time, not two schedules)", async (when, expected) => {
    expect(await cron(when)).toBe(expected);
  });

  it("every weekday at 6 and on Saturday at 9 is still two times (a question)", async () => {
    const { requests, questions } = await answer(
      "Create job clock-test running /Repos/ops/clock every weekday at 6 and on Saturday at 9.",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/one clock time for all its days/);
  });

  it("'call it churn feats oh and put 2 retrys on it thx'", async () => {
    const { requests, questions } = await answer(
      "hey can u make a job, notebook is /Workspace/Users/raj@acme.com/churn/feat_eng . run it daily at 5am. call it churn feats\noh and put 2 retrys on it thx",
    );
    expect(questions).toEqual([]);
    expect(requests[0]!.body.name).toBe("churn feats");
    expect((requests[0]!.body.tasks as Array<{ max_retries?: number }>)[0]!.max_retries).toBe(2);
  });
});
