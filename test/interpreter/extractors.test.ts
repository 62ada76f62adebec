import { describe, expect, it } from "vitest";
import { EXTRACTORS } from "../../src/techlead/interpreter/extractors.js";
import { emptyReading, type Reading } from "../../src/techlead/interpreter/reading.js";
import { readSchedule, toQuartz } from "../../src/techlead/interpreter/schedule.js";
import { correctTypos, parseDuration, toProse, toTaskKey } from "../../src/techlead/interpreter/text.js";
import { normalizeQuartz } from "../../src/domain/quartz.js";

function run(name: string, text: string): Reading {
  const reading = emptyReading(toProse(text, 1));
  const extractor = EXTRACTORS.find((e) => e.name === name);
  if (!extractor) throw new Error(`no extractor ${name}`);
  extractor.extract(reading, { existingJobs: [] });
  return reading;
}

function cron(text: string): { cron?: string; tz?: string } {
  const s = readSchedule(toProse(text, 1));
  if (!s.frequency && !s.time) return {};
  return {
    cron: normalizeQuartz(toQuartz(s.frequency?.value ?? { kind: "daily" }, s.time?.value)),
    tz: s.zone?.value,
  };
}

describe("schedule extractor", () => {
  it.each([
    ["daily at 6am", "0 0 6 * * ?", undefined],
    ["every weekday 7:30 PM Berlin time", "0 30 19 ? * MON-FRI", "Europe/Berlin"],
    ["evry 15 minutes pls", "0 0/15 * * * ?", undefined],
    ["hourly", "0 0 * * * ?", undefined],
    ["every 4 hours", "0 0 0/4 * * ?", undefined],
    ["on the 1st of every month at 02:00", "0 0 2 1 * ?", undefined],
    ["Sundays at midnight", "0 0 0 ? * SUN", undefined],
    ["Monday to Friday at 08:00 Amsterdam time", "0 0 8 ? * MON-FRI", "Europe/Amsterdam"],
    ["Tue and Thu at 10pm Chicago time", "0 0 22 ? * TUE,THU", "America/Chicago"],
    ["nightly 23:00 Singapore", "0 0 23 * * ?", "Asia/Singapore"],
    ["every monday 9am Eastern", "0 0 9 ? * MON", "America/New_York"],
    ["run it at 6:15 every day", "0 15 6 * * ?", undefined],
  ])("%s → %s", (text, expected, tz) => {
    const got = cron(text);
    expect(got.cron).toBe(normalizeQuartz(expected));
    expect(got.tz).toBe(tz);
  });

  it("does not read durations, dates or names as clock times", () => {
    expect(
      cron("retry 3 times with 5 minutes between retries; start_date default 2024-01-01").cron,
    ).toBeUndefined();
    expect(readSchedule(toProse("run the nightly-orders job now", 1)).frequency).toBeUndefined();
  });

  it("records the words and line of each part", () => {
    const s = readSchedule(toProse("Notebook /Repos/x\nevery weekday at 7:30 PM Berlin time", 5));
    expect(s.frequency?.line).toBe(6);
    expect(s.time?.words).toContain("7:30 PM");
    expect(s.zone?.words).toBe("Berlin");
  });
});

describe("text helpers", () => {
  it("corrects typos in domain words only, never in paths or ids", () => {
    expect(correctTypos("run the notebok daily, retry if it failes")).toBe(
      "run the notebook daily, retry if it fails",
    );
    expect(correctTypos("/Repos/notebok/x `notebok`")).toBe("/Repos/notebok/x `notebok`");
  });
  it("parses mixed duration units", () => {
    expect(parseDuration("1.5 hours")?.seconds).toBe(5400);
    expect(parseDuration("90 mins")?.seconds).toBe(5400);
    expect(parseDuration("an hour")?.seconds).toBe(3600);
    expect(parseDuration("20 minutes")?.seconds).toBe(1200);
  });
  it("builds task keys per INTERPRETATION.md §3", () => {
    expect(toTaskKey("Refresh BI Extract")).toBe("refresh_bi_extract");
    expect(toTaskKey("  Load (Meta) Ads! ")).toBe("load_meta_ads");
  });
});

describe("other extractors", () => {
  it("notifications: events per clause, duration warnings, and a question for SMS", () => {
    const r = run(
      "notifications",
      "Send an email to a@x.com when it succeeds and to b@x.com when it fails.\nwarn ops@x.com when a run takes longer than 45 minutes",
    );
    expect(r.emails.map((e) => [e.value, e.event])).toEqual([
      ["a@x.com", "on_success"],
      ["b@x.com", "on_failure"],
      ["ops@x.com", "on_duration_warning_threshold_exceeded"],
    ]);
    expect(r.durationWarning?.value).toBe(2700);
    expect(run("notifications", "send me an SMS on +49 170 1234567 if it fails").questions[0]).toMatch(
      /cannot send SMS/,
    );
    expect(run("notifications", "runs /Users/maria@acme.com/x hourly").emails).toEqual([]);
  });

  it("tags: new tags, but not a tag that names the target job", () => {
    expect(
      run("tags", "Tags: team=supply-chain, cost_center=4410.").tags.map((t) => [t.key, t.value]),
    ).toEqual([
      ["team", "supply-chain"],
      ["cost_center", "4410"],
    ]);
    expect(run("tags", "The job tagged owner=treasury should run at 6").tags).toEqual([]);
  });

  it("compute: workers, node type, runtime, existing cluster, serverless", () => {
    const r = run(
      "compute",
      "16 workers on Standard_E8ds_v5 with DBR 14.3.x-scala2.12, cluster called `etl`",
    );
    expect([
      r.cluster.numWorkers?.value,
      r.cluster.nodeType?.value,
      r.cluster.sparkVersion?.value,
      r.cluster.key?.value,
    ]).toEqual([16, "Standard_E8ds_v5", "14.3.x-scala2.12", "etl"]);
    expect(run("compute", "on cluster 0923-164208-meows279").existingClusterId?.value).toBe(
      "0923-164208-meows279",
    );
    expect(run("compute", "serverless is fine").serverless?.value).toBe(true);
  });

  it("retries and timeouts: job vs task, intervals", () => {
    const r = run("retries", "retry 3 times with 5 minutes between retries, retry on timeout too");
    expect([r.retries?.value, r.retryIntervalMs?.value, r.retryOnTimeout?.value]).toEqual([3, 300000, true]);
    expect(run("retries", "the load task should retry twice").retries).toMatchObject({
      value: 2,
      task: "load",
    });
    expect(run("timeout", "kill it if it runs more than 1.5 hours").timeout).toMatchObject({ value: 5400 });
    expect(run("timeout", "The extract task should time out after 20 minutes").timeout).toMatchObject({
      value: 1200,
      task: "extract",
    });
    expect(run("timeout", "warn me if it takes longer than 2 hours").timeout).toBeUndefined();
  });

  it("concurrency, queueing, git source, run-as, parameters", () => {
    const c = run("concurrency", "Only one run at a time, and queue extra runs instead of skipping them.");
    expect([c.maxConcurrentRuns?.value, c.queue?.value]).toEqual([1, true]);
    expect(run("concurrency", "allow up to 5 concurrent runs").maxConcurrentRuns?.value).toBe(5);
    expect(
      run("git-source", "code in https://dev.azure.com/acme/data/_git/lake , branch release").git?.value,
    ).toEqual({
      git_url: "https://dev.azure.com/acme/data/_git/lake",
      git_provider: "azureDevOpsServices",
      git_branch: "release",
    });
    expect(
      run("run-as", "run as service principal 9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a").runAs?.value,
    ).toEqual({ service_principal_name: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a" });
    const p = run(
      "parameters",
      "job parameters: env default dev, run_date default {{job.start_time.iso_date}}",
    );
    expect(p.jobParameters.map((x) => [x.name, x.value])).toEqual([
      ["env", "dev"],
      ["run_date", "{{job.start_time.iso_date}}"],
    ]);
  });

  it("cannot-do: end dates and resource triggers become questions", () => {
    expect(
      run("cannot-do", "every 10 minutes but only until December 1st, then stop automatically").questions,
    ).toHaveLength(1);
    expect(run("cannot-do", "whenever the cluster CPU usage drops below 20%").questions).toHaveLength(1);
    expect(run("cannot-do", "every day at 6").questions).toHaveLength(0);
  });
});
