import { describe, expect, it } from "vitest";
import { checkQuartzCron } from "../../src/domain/quartz.js";

describe("a Unix cron expression pasted where Quartz is wanted", () => {
  it.each([
    ["0 6 * * *", "0 0 6 * * ?"],
    ["0 6 * * 1-5", "0 0 6 ? * MON-FRI"], // kept as 1-5, Quartz would run it Sunday to Thursday
    ["30 2 * * 0", "0 30 2 ? * SUN"],
    ["0 6 * * 7", "0 0 6 ? * SUN"],
    ["0 6 * * 1,3,5", "0 0 6 ? * MON,WED,FRI"],
    ["0 6 * * sat", "0 0 6 ? * SAT"],
    ["*/15 * * * *", "0 */15 * * * ?"],
    ["0 0 1 * *", "0 0 0 1 * ?"],
  ])("%s is given its Quartz form %s", (unix, quartz) => {
    const result = checkQuartzCron(unix);
    expect(result.ok).toBe(false);
    expect(result.fromUnix).toBe(quartz);
    expect(result.reason).toContain(`'${unix}' in Quartz is '${quartz}'`);
    expect(checkQuartzCron(quartz).ok).toBe(true);
  });

  it.each([
    "0 6 1 * 1", // both day fields: Unix runs on either, Quartz cannot say that
    "0 6 * * 5-7", // FRI-SUN wraps in Quartz's count
    "0 6 * * */2",
    "0 6 * * 1#2",
  ])("%s gets no guessed Quartz form", (unix) => {
    const result = checkQuartzCron(unix);
    expect(result.ok).toBe(false);
    expect(result.fromUnix).toBeUndefined();
    expect(result.reason).toMatch(/5 fields \(Unix cron\)/);
  });
});

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
