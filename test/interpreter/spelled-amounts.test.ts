/**
 * Amounts of time written in words, read the same wherever they appear (one list of number words, text.ts):
 * a timeout, a retry interval, a schedule's interval, and an "after ninety minutes" that is a time, not a step to
 * wait for. The tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket, onlyRequest } from "../support/interpret-ticket.js";

const JOB = "Create job ops-digest running notebook /Repos/ops/digest/main";

const settingsOf = async (ticket: string) => (await onlyRequest(ticket)).body;

describe("amounts of time in words", () => {
  it("'give up on the whole run (time out) after ninety minutes': a timeout, not a dependency", async () => {
    const s = await settingsOf(
      `${JOB} daily at 06:00 UTC; give up on the whole run (time out) after ninety minutes.`,
    );
    expect(s.timeout_seconds).toBe(5400);
  });

  it("'seven minutes apart': a retry interval", async () => {
    const s = await settingsOf(`${JOB} daily at 06:00 UTC. Retry it 3 times, seven minutes apart.`);
    const task = (s.tasks as Array<Record<string, unknown>>)[0]!;
    expect(task.min_retry_interval_millis).toBe(420_000);
  });

  it("'every twelve minutes': a schedule interval; 'every forty minutes', which Quartz cannot space evenly, a question", async () => {
    const s = await settingsOf(`${JOB} every twelve minutes, UTC.`);
    expect((s.schedule as { quartz_cron_expression: string }).quartz_cron_expression).toBe("0 0/12 * * * ?");
    const { requests, questions } = await answerTicket(`${JOB} every forty minutes, UTC.`, []);
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/every 40 minutes within each hour/);
  });
});
