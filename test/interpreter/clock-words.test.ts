/**
 * Minutes said in words: "every hour at twenty past", "at xx:45", "twenty past six", "ten minutes to nine"; and a
 * clock time beside runs every hour, which no schedule can hold (it was dropped without a word: now it asks).
 * "2 to 8" is a range, never 7:58. The tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { ticketTools } from "../../src/dev/eval/tickets.js";
import { createOfflineInterpreter, toApiRequests } from "../../src/techlead/interpreter/index.js";

const interpreter = createOfflineInterpreter();

async function answer(body: string) {
  const interp = await interpreter.interpret(
    { file: "jobs/req.md", text: body, frontMatter: {}, body, bodyLine: 1 },
    { existingJobs: [], tools: ticketTools([]) },
  );
  return toApiRequests(interp, []);
}

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
