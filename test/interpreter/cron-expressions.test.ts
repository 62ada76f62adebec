/**
 * Cron expressions pasted into a ticket: from a crontab or a Kubernetes CronJob (Unix, 5 fields), an Airflow DAG
 * (`schedule_interval="@daily"`), or Quartz as Databricks shows it. A Unix expression Quartz cannot say (both day
 * fields restricted: Unix runs when either matches) is a question, never a guess. The tickets here are written for
 * this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { WorkspaceJob } from "../../src/domain/model.js";
import { quartzOfCron } from "../../src/domain/quartz.js";

async function schedule(body: string) {
  const { requests, questions } = await answer(body);
  expect(questions).toEqual([]);
  return requests[0]!.body.schedule as Record<string, string>;
}

describe("cron expressions in a ticket", () => {
  it.each([
    ["Create job cron-port running /Repos/ops/x on cron `0 6 * * 1-5`.", "0 0 6 ? * MON-FRI"],
    ["Create job cron-port running /Repos/ops/x. crontab: 30 2 1 * *", "0 30 2 1 * ?"],
    ['Create job cron-port running /Repos/ops/x, schedule: "0 */2 * * *"', "0 0 */2 * * ?"],
    ['Port the DAG: job cron-port runs /Repos/ops/x, schedule_interval="@daily".', "0 0 0 * * ?"],
    [
      "Create job cron-port running /Repos/ops/x with the Quartz cron `0 15 7 ? * MON,WED`.",
      "0 15 7 ? * MON,WED",
    ],
  ])("%s → %s", async (ticket, quartz) => {
    expect((await schedule(ticket)).quartz_cron_expression).toBe(quartz);
  });

  it("the zone is read beside the expression", async () => {
    const s = await schedule("Create job cron-port running /Repos/ops/x on cron `0 6 * * *`, Berlin time.");
    expect(s).toEqual({
      quartz_cron_expression: "0 0 6 * * ?",
      timezone_id: "Europe/Berlin",
      pause_status: "UNPAUSED",
    });
  });

  it("a Unix expression restricting both day fields asks (Quartz cannot say 'either')", async () => {
    const { requests, questions } = await answer(
      "Create job cron-port running /Repos/ops/x on cron `0 6 1 * 1`.",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/no Quartz equivalent/);
  });

  it("an update takes the pasted expression as the new schedule, keeping the zone", async () => {
    const job: WorkspaceJob = {
      job_id: 42,
      settings: {
        name: "cron-port",
        schedule: {
          quartz_cron_expression: "0 0 5 * * ?",
          timezone_id: "Europe/Paris",
          pause_status: "UNPAUSED",
        },
        tasks: [{ task_key: "x", notebook_task: { notebook_path: "/Repos/ops/x" } }],
      },
    };
    const { requests, questions } = await answer("Change the schedule of cron-port to cron `0 7 * * 1-5`.", [
      job,
    ]);
    expect(questions).toEqual([]);
    expect((requests[0]!.body.new_settings as { schedule: unknown }).schedule).toEqual({
      quartz_cron_expression: "0 0 7 ? * MON-FRI",
      timezone_id: "Europe/Paris",
      pause_status: "UNPAUSED",
    });
  });

  it("quartzOfCron: presets, Unix, Quartz as it is, and the reason when it cannot", () => {
    expect(quartzOfCron("@weekly")).toEqual({ quartz: "0 0 0 ? * SUN" });
    expect(quartzOfCron("15 3 * * 0")).toEqual({ quartz: "0 15 3 ? * SUN" });
    expect(quartzOfCron("0 0 12 * * ?")).toEqual({ quartz: "0 0 12 * * ?" });
    expect(quartzOfCron("0 0 12 * * MON")).toHaveProperty("reason");
  });
});
