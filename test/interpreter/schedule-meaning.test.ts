import { describe, expect, it } from "vitest";
import {
  cronDisagreements,
  cronMeaning,
  periodicDisagreements,
  sameZone,
} from "../../src/techlead/interpreter/schedule-meaning.js";
import { readSchedule, toQuartz } from "../../src/techlead/interpreter/schedule.js";
import { toProse } from "../../src/techlead/interpreter/text.js";

const read = (text: string) => readSchedule(toProse(text, 1));
const differ = (words: string, cron: string) => {
  const s = read(words);
  const meaning = cronMeaning(cron);
  if (!meaning) throw new Error(`unreadable cron ${cron}`);
  return cronDisagreements(s.frequency?.value, s.time?.value, meaning);
};

describe("cronMeaning", () => {
  it("expands Quartz fields into the minutes, hours and days a cron fires on", () => {
    expect(cronMeaning("0 0/15 * * * ?")).toMatchObject({
      minutes: [0, 15, 30, 45],
      days: { kind: "every" },
    });
    expect(cronMeaning("0 0 6 ? * 2-6")).toEqual({
      minutes: [0],
      hours: [6],
      days: { kind: "weekdays", days: ["MON", "TUE", "WED", "THU", "FRI"] },
    });
    expect(cronMeaning("0 0 6 ? * MON-FRI")).toEqual(cronMeaning("0 0 6 ? * 2-6"));
    expect(cronMeaning("0 0 9 L * ?")?.days).toEqual({ kind: "last-of-month" });
    expect(cronMeaning("0 0 7 1,15 * ?")?.days).toEqual({ kind: "month-days", days: [1, 15] });
    expect(cronMeaning("0 0 7 ? * SUN,SAT")?.days).toEqual({ kind: "weekdays", days: ["SAT", "SUN"] });
    expect(cronMeaning("0 0 7 ? JAN MON")?.days.kind).toBe("other");
    expect(cronMeaning("not a cron")).toBeUndefined();
  });
});

describe("cronDisagreements: the words' meaning against the cron, part by part", () => {
  it("agrees with the same schedule however it is written", () => {
    expect(differ("every weekday at 06:00", "0 0 6 ? * 2-6")).toEqual([]);
    expect(differ("Monday to Friday at 6am", "0 0 6 ? * MON-FRI")).toEqual([]);
    expect(differ("every 15 minutes", "0 0/15 * * * ?")).toEqual([]);
    expect(differ("every 15 minutes", "0 */15 * * * ?")).toEqual([]);
    expect(differ("every 7 hours", "0 0 0/7 * * ?")).toEqual([]);
    expect(differ("hourly", "0 5 * * * ?")).toEqual([]);
    expect(differ("on the last day of every month at 09:00", "0 0 9 L * ?")).toEqual([]);
    expect(differ("every day at 7:30 PM", "0 30 19 * * ?")).toEqual([]);
  });

  it("names the part that differs", () => {
    expect(differ("every weekday at 06:00", "0 0 6 * * ?")).toEqual(["days"]);
    expect(differ("every weekday at 06:00", "0 0 7 ? * MON-FRI")).toEqual(["time"]);
    expect(differ("every 15 minutes", "0 0/20 * * * ?")).toEqual(["how often"]);
    expect(differ("daily at 6", "0 0 0/6 * * ?")).toEqual(["how often"]);
    expect(differ("on the 1st of every month at 07:00", "0 0 7 L * ?")).toEqual(["days"]);
    expect(differ("at 9am", "0 0 10 ? * MON")).toEqual(["time"]);
  });
});

describe("periodicDisagreements", () => {
  it("compares how often with a periodic trigger; days or a clock time cannot be said by one", () => {
    expect(
      periodicDisagreements(read("every 6 hours").frequency?.value, undefined, {
        interval: 6,
        unit: "HOURS",
      }),
    ).toEqual([]);
    expect(
      periodicDisagreements(read("daily").frequency?.value, undefined, { interval: 1, unit: "DAYS" }),
    ).toEqual([]);
    expect(
      periodicDisagreements(read("every 6 hours").frequency?.value, undefined, {
        interval: 12,
        unit: "HOURS",
      }),
    ).toEqual(["how often"]);
    expect(
      periodicDisagreements(read("every Monday").frequency?.value, undefined, { interval: 1, unit: "WEEKS" }),
    ).toEqual(["days"]);
    const s = read("daily at 6am");
    expect(periodicDisagreements(s.frequency?.value, s.time?.value, { interval: 1, unit: "DAYS" })).toEqual([
      "time",
    ]);
  });
});

describe("sameZone", () => {
  it("equal ids and aliases agree; a city names one zone; an abbreviation any zone with its offsets", () => {
    expect(sameZone("Europe/Berlin", "Berlin", "Europe/Berlin")).toBe(true);
    expect(sameZone("UTC", "UTC", "Etc/UTC")).toBe(true);
    expect(sameZone("America/New_York", "New York", "US/Eastern")).toBe(true);
    expect(sameZone("Europe/Berlin", "CET", "Europe/Paris")).toBe(true);
    expect(sameZone("Europe/Berlin", "Berlin", "Europe/Paris")).toBe(false);
    expect(sameZone("UTC", "UTC", "Europe/London")).toBe(false);
    expect(sameZone("Europe/Berlin", "Berlin", "Not/AZone")).toBe(false);
  });
});

describe("readSchedule (what the consistency check compares)", () => {
  it("reads a zero-padded 24-hour time after 'night' literally, and a small hour at night as early morning", () => {
    expect(read("every night at 04:00 UTC").time?.value).toEqual({ hour: 4, minute: 0 });
    expect(read("nightly at 2").time?.value).toEqual({ hour: 2, minute: 0 });
    expect(read("every night at 11pm").time?.value).toEqual({ hour: 23, minute: 0 });
    expect(read("every day at 7:30 PM").time?.value).toEqual({ hour: 19, minute: 30 });
  });

  it("does not take a heading's words as the schedule when a sentence says one", () => {
    expect(
      read("# Orders daily ingest\n\nEvery weekday at 06:00 Berlin time, ingest the orders.").frequency
        ?.value,
    ).toEqual({ kind: "weekdays", days: ["MON", "TUE", "WED", "THU", "FRI"] });
    expect(read("# Nightly refresh\n\nRun /Repos/x/a at 03:00.").frequency?.value).toEqual({ kind: "daily" });
  });

  it("reads 'the last day of every month' as Quartz L", () => {
    const s = read("a cost report on the last day of every month at 09:00 Sydney time");
    expect(toQuartz(s.frequency!.value, s.time?.value)).toBe("0 0 9 L * ?");
    expect(s.zone?.value).toBe("Australia/Sydney");
  });
});
