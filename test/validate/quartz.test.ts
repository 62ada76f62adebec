import { describe, expect, it } from "vitest";
import { checkQuartzCron } from "../../src/domain/quartz.js";

describe("Quartz cron", () => {
  it.each([
    "0 0 6 * * ?",
    "0 30 19 ? * MON-FRI",
    "0 0/15 * * * ?",
    "0 */15 * * * ?",
    "0 0 0/4 * * ?",
    "0 0 2 1 * ?",
    "0 0 0 ? * SUN",
    "0 0 9 L * ?",
    "0 0 9 L-3 * ?",
    "0 0 9 LW * ?",
    "0 0 9 15W * ?",
    "0 0 9 ? * 6L",
    "0 0 9 ? * FRIL",
    "0 0 9 ? * MON#2",
    "0 0 9 ? * 2#1",
    "0 0 12 ? JAN,JUL,DEC WED",
    "0 0 12 ? JUL-SEP MON,WED,FRI",
    "0 15 10 ? * * 2030",
    "0 0 22-2 * * ?",
    "0 5,35 8-18/2 ? * MON-FRI",
  ])("accepts %s", (expr) => {
    expect(checkQuartzCron(expr)).toEqual({ ok: true });
  });

  it.each([
    ["0 6 * * *", /5 fields \(Unix cron\).*'0 0 6 \* \* \?'/],
    ["0 0 6 * *", /5 fields/],
    ["0 0 6 * * ? 2030 x", /8 fields/],
    ["0 0 6 * * MON-FRI", /exactly one of them must be '\?'.*'0 0 6 \? \* MON-FRI'/],
    ["0 0 6 ? * ?", /both day-of-month and day-of-week are '\?'/],
    ["60 0 6 * * ?", /seconds field: 60 is out of range 0-59/],
    ["0 0 24 * * ?", /hours field: 24 is out of range 0-23/],
    ["0 0 6 32 * ?", /day-of-month field: 32 is out of range 1-31/],
    ["0 0 6 ? 13 MON", /month field: 13 is out of range 1-12/],
    ["0 0 6 ? * MOO", /day-of-week field: 'MOO' is not a valid value/],
    ["0 0 6 ? * 8", /day-of-week field: 8 is out of range 1-7/],
    ["0 0/0 6 * * ?", /step 0/],
    ["0 0/61 6 * * ?", /step 61/],
    ["0 0 6 ? * MON#6", /'#n' must be 1-5/],
    ["0 0 6 L * L", /exactly one of them/],
    ["0 L 6 * * ?", /minutes field: 'L' and 'W' are only allowed/],
    ["? 0 6 * * ?", /seconds field: '\?' is only allowed/],
    ["0 0 6 1W,15 * ?", /cannot be combined with a list/],
    ["0 0 6 * * ? 1900", /year field: 1900 is out of range/],
    ["0 0 6 1-  * ?", /./],
    ["", /empty/],
  ])("rejects %s with a precise reason", (expr, reason) => {
    const result = checkQuartzCron(expr);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(reason);
  });
});
