/**
 * The consistency check must not cry wolf: every example requirement in this repository (hand-checked: its words
 * agree with its structured block) produces no consistency warning, through the same path the engine uses
 * (interpretStructured → work items → checkConsistency with the settings the plan would apply).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic, JobSettings, WorkItem } from "../../src/domain/model.js";
import { applyUpdateRequest } from "../../src/domain/plan.js";
import { withOwnership } from "../../src/state/ownership.js";
import { checkConsistency } from "../../src/techlead/interpreter/index.js";
import { interpretStructured, parseRequirement } from "../../src/techlead/requirements/index.js";
import type { RequirementDoc } from "../../src/techlead/types.js";

const root = join(import.meta.dirname, "..", "..");
const files = ["jobs", "docs/examples"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `${dir}/${f}`),
);

/** The settings the plan would apply for an item: created jobs carry the ownership tags; a patch is applied to the job. */
function desiredOf(item: WorkItem): JobSettings | undefined {
  if (item.settings) return withOwnership(item.settings, "acme/jobs", `${item.key}-task`);
  if (item.patch) return applyUpdateRequest({ name: item.target?.name, tasks: [] }, item.patch);
  return undefined;
}

function loadExample(
  file: string,
  words: Array<[string, string]> = [],
): { doc: RequirementDoc; items: WorkItem[] } {
  let text = readFileSync(join(root, file), "utf8");
  for (const [from, to] of words) {
    if (!text.includes(from)) throw new Error(`${file} no longer says "${from}": update this test`);
    text = text.replace(from, to);
  }
  const { doc, diagnostics } = parseRequirement(file, text);
  if (!doc) throw new Error(`${file}: ${diagnostics.map((d) => d.message).join("; ")}`);
  return { doc, items: interpretStructured(doc)?.items ?? [] };
}

describe("consistency check on the repository's own example requirements", () => {
  it("finds the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of files) {
    it(`${file}: no warning (its words agree with its structured block)`, () => {
      const { doc, items } = loadExample(file);
      const warnings = items.flatMap((item) => {
        const desired = desiredOf(item);
        return desired
          ? checkConsistency(doc, item, desired).map((d) => `${item.key}: ${d.code} ${d.message}`)
          : [];
      });
      expect(warnings).toEqual([]);
    });
  }
});

/**
 * An example with its words and/or its structured spec changed: the warnings the plan would show, per item key.
 * `spec` edits the settings the plan would apply for the item with that key.
 */
function mutated(
  file: string,
  change: { words?: Array<[string, string]>; spec?: Record<string, (s: JobSettings) => void> },
): Array<Diagnostic & { item: string }> {
  const { doc, items } = loadExample(file, change.words);
  return items.flatMap((item) => {
    const desired = desiredOf(item);
    if (!desired) return [];
    change.spec?.[item.key]?.(desired);
    return checkConsistency(doc, item, desired).map((d) => ({ ...d, item: item.key }));
  });
}

const task = (s: JobSettings, key: string) => {
  const t = (s.tasks ?? []).find((x) => x.task_key === key);
  if (!t) throw new Error(`no task ${key}`);
  return t;
};
const cron = (s: JobSettings, expression: string, zone?: string) => {
  s.schedule = {
    ...(s.schedule as object),
    quartz_cron_expression: expression,
    ...(zone ? { timezone_id: zone } : {}),
  };
};
/** A quote never repeats a word ("night night", "UTC UTC"). */
const REPEATED_WORD = /\b([a-z]\w*)\s+\1\b/i;
const quoted = (message: string): string => /^says "([^"]*)"/.exec(message)?.[1] ?? "";

describe("the check still catches real disagreements (examples with the spec or the words changed)", () => {
  it("orders-daily-ingest: the cron's hour moved to 07:00 → consistency.schedule quoting the words, naming the time", () => {
    const [d, ...rest] = mutated("jobs/orders-daily-ingest.md", {
      spec: { "orders-daily-ingest": (s) => cron(s, "0 0 7 ? * MON-FRI") },
    });
    expect(rest).toEqual([]);
    const line =
      readFileSync(join(root, "jobs/orders-daily-ingest.md"), "utf8")
        .split("\n")
        .findIndex((l) => l.startsWith("Every weekday")) + 1;
    expect(d).toMatchObject({
      code: "consistency.schedule",
      path: "schedule.quartz_cron_expression",
      file: "jobs/orders-daily-ingest.md",
      line,
    });
    expect(d.message).toContain('says "Every weekday at 06:00 Berlin"');
    expect(d.message).toContain('schedule.quartz_cron_expression "0 0 7 ? * MON-FRI"');
    expect(d.message).toMatch(/differ in: time$/);
  });

  it("orders-daily-ingest: the cron runs every day instead of weekdays → the days differ", () => {
    const ds = mutated("jobs/orders-daily-ingest.md", {
      spec: { "orders-daily-ingest": (s) => cron(s, "0 0 6 * * ?") },
    });
    expect(ds.map((d) => [d.code, d.message.split("differ in: ")[1]])).toEqual([
      ["consistency.schedule", "days"],
    ]);
  });

  it("orders-daily-ingest: the time zone is UTC instead of Berlin → consistency.schedule on schedule.timezone_id", () => {
    const [d, ...rest] = mutated("jobs/orders-daily-ingest.md", {
      spec: { "orders-daily-ingest": (s) => cron(s, "0 0 6 ? * MON-FRI", "UTC") },
    });
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "consistency.schedule", path: "schedule.timezone_id" });
    expect(d.message).toMatch(/differ in: time zone$/);
    expect(d.fix).toContain('"Europe/Berlin"');
  });

  it("orders-daily-ingest: the ingest retries 3 times, the words say twice → consistency.max_retries", () => {
    const ds = mutated("jobs/orders-daily-ingest.md", {
      spec: { "orders-daily-ingest": (s) => void (task(s, "ingest").max_retries = 3) },
    });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({
      code: "consistency.max_retries",
      path: "tasks[ingest].max_retries",
      value: 3,
    });
    expect(ds[0].message).toMatch(/^says "Retry the ingest twice/);
  });

  it("orders-daily-ingest with a named recipient: a different recipient in the spec → consistency.email_notifications", () => {
    const words: Array<[string, string]> = [
      ["email data-eng when a run fails", "email data-eng@example.com when a run fails"],
    ];
    expect(mutated("jobs/orders-daily-ingest.md", { words })).toEqual([]);
    const ds = mutated("jobs/orders-daily-ingest.md", {
      words,
      spec: {
        "orders-daily-ingest": (s) => void (s.email_notifications = { on_failure: ["oncall@example.com"] }),
      },
    });
    expect(ds.map((d) => d.code)).toEqual(["consistency.email_notifications"]);
    expect(ds[0].message).toContain("data-eng@example.com");
    expect(ds[0].message).toContain('email_notifications.on_failure is ["oncall@example.com"]');
  });

  it("orders-daily-ingest naming its notebook: the task runs another notebook → consistency.tasks", () => {
    const words: Array<[string, string]> = [
      ["ingest yesterday's orders and", "ingest yesterday's orders with /Workspace/Shared/etl/ingest and"],
    ];
    expect(mutated("jobs/orders-daily-ingest.md", { words })).toEqual([]);
    const ds = mutated("jobs/orders-daily-ingest.md", {
      words,
      spec: {
        "orders-daily-ingest": (s) =>
          void (task(s, "ingest").notebook_task = { notebook_path: "/Workspace/Shared/etl/ingest_v2" }),
      },
    });
    expect(ds.map((d) => d.code)).toEqual(["consistency.tasks"]);
    expect(ds[0].message).toContain("no task runs /Workspace/Shared/etl/ingest ");
  });

  it("dbt-analytics: 16:00 is not 'every night at 04:00 UTC'; the words are quoted once, cleanly", () => {
    const [d, ...rest] = mutated("jobs/dbt-analytics.md", {
      spec: { "dbt-analytics": (s) => cron(s, "0 0 16 * * ?") },
    });
    expect(rest).toEqual([]);
    expect(d.code).toBe("consistency.schedule");
    expect(d.message).toMatch(/^says "every night at 04:00 UTC";/);
    expect(quoted(d.message)).not.toMatch(REPEATED_WORD);
  });

  it("ops-jobs (two jobs, one file): each job is compared only with the words about it", () => {
    // The monthly report moved to the 1st: only that job is flagged, quoting only its words.
    const monthly = mutated("jobs/ops-jobs.md", {
      spec: { monthly_cost_report: (s) => cron(s, "0 0 9 1 * ?") },
    });
    expect(monthly.map((d) => [d.item, d.code])).toEqual([["monthly_cost_report", "consistency.schedule"]]);
    expect(monthly[0].message).toMatch(/^says "on the last day of every month at 09:00 Sydney"/);
    expect(monthly[0].message).toMatch(/differ in: days$/);
    // The roll-up every 12 hours instead of 6: only the roll-up job, on its periodic trigger.
    const rollup = mutated("jobs/ops-jobs.md", {
      spec: { log_rollup: (s) => void (s.trigger = { periodic: { interval: 12, unit: "HOURS" } }) },
    });
    expect(rollup.map((d) => [d.item, d.code, d.path])).toEqual([
      ["log_rollup", "consistency.trigger", "trigger.periodic"],
    ]);
    expect(rollup[0].message).toMatch(/^says "every 6 hours"/);
    // Sydney → UTC for the report.
    const zone = mutated("jobs/ops-jobs.md", {
      spec: { monthly_cost_report: (s) => cron(s, "0 0 9 L * ?", "UTC") },
    });
    expect(zone.map((d) => [d.item, d.path])).toEqual([["monthly_cost_report", "schedule.timezone_id"]]);
  });

  it("data-quality-gate: Tuesday instead of 'Every Monday' → the days differ", () => {
    const ds = mutated("jobs/data-quality-gate.md", {
      spec: { "data-quality-gate": (s) => cron(s, "0 0 8 ? * TUE") },
    });
    expect(ds.map((d) => [d.code, d.message.split("differ in: ")[1]])).toEqual([
      ["consistency.schedule", "days"],
    ]);
    expect(ds[0].message).toMatch(/^says "Every Monday at 08:00 Amsterdam"/);
  });

  it("wheel-scoring: 'London time' is Europe/London, not Europe/Dublin (same offsets, another place)", () => {
    const ds = mutated("jobs/wheel-scoring.md", {
      spec: { "wheel-scoring": (s) => cron(s, "0 15 5 * * ?", "Europe/Dublin") },
    });
    expect(ds.map((d) => d.path)).toEqual(["schedule.timezone_id"]);
  });

  it("serverless-python-env: every 3 hours instead of 'Every 4 hours' → how often differs", () => {
    const ds = mutated("jobs/serverless-python-env.md", {
      spec: { "serverless-python-env": (s) => cron(s, "0 0 0/3 * * ?") },
    });
    expect(ds.map((d) => [d.code, d.message.split("differ in: ")[1]])).toEqual([
      ["consistency.schedule", "how often"],
    ]);
  });

  it("sales-medallion: a 60-minute duration warning where the words say 90 → consistency.health", () => {
    const ds = mutated("jobs/sales-medallion.md", {
      spec: {
        "sales-medallion": (s) =>
          void (s.health = { rules: [{ metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: 3600 }] }),
      },
    });
    expect(ds.map((d) => d.code)).toEqual(["consistency.health"]);
    expect(ds[0].message).toContain("90 minutes");
  });

  it("every example: moving its cron by one hour is noticed", () => {
    let scheduled = 0;
    for (const file of files) {
      const { doc, items } = loadExample(file);
      for (const item of items) {
        const desired = desiredOf(item);
        const expression = (desired?.schedule as { quartz_cron_expression?: string } | undefined)
          ?.quartz_cron_expression;
        // Only requirements whose words say when the job runs.
        if (
          !desired ||
          !expression ||
          item.action !== "create" ||
          !/\d[:.]\d\d|\b\d{1,2}\s*(?:am|pm)\b/i.test(doc.body)
        )
          continue;
        const f = expression.split(" ");
        if (!/^\d+$/.test(f[2])) continue;
        f[2] = String((Number(f[2]) + 1) % 24);
        cron(desired, f.join(" "));
        scheduled++;
        const codes = checkConsistency(doc, item, desired).map((d) => d.code);
        expect(codes, `${file} ${item.key}: ${f.join(" ")}`).toContain("consistency.schedule");
      }
    }
    expect(scheduled).toBeGreaterThanOrEqual(8);
  });
});
