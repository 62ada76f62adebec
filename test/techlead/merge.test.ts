/** Structured front-matter fields win over the model; conflicts are reported. */
import { describe, expect, it } from "vitest";
import { mergeWithStructured } from "../../src/techlead/llm/index.js";
import type { Interpretation } from "../../src/domain/model.js";

const llm: Interpretation = {
  requirement: "jobs/orders.md",
  source: "llm",
  diagnostics: [],
  items: [
    {
      key: "orders",
      action: "create",
      settings: {
        name: "orders-daily",
        tasks: [
          { task_key: "ingest", notebook_task: { notebook_path: "/Repos/etl/ingest" }, max_retries: 3 },
          {
            task_key: "report",
            notebook_task: { notebook_path: "/Repos/etl/report" },
            depends_on: [{ task_key: "ingest" }],
          },
        ],
        schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
        email_notifications: { on_failure: ["a@example.com"] },
      },
      explanation: [{ field: "schedule", words: "every day at 6" }],
    },
    { key: "first_run", action: "run", depends_on: ["orders"] },
  ],
};

const structured: Interpretation = {
  requirement: "jobs/orders.md",
  source: "structured",
  diagnostics: [],
  items: [
    {
      key: "orders_daily",
      action: "create",
      settings: {
        name: "orders-daily",
        tasks: [{ task_key: "ingest", notebook_task: { notebook_path: "/Repos/etl/ingest_v2" } }],
        schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "Europe/Berlin" },
      },
    },
  ],
};

describe("mergeWithStructured", () => {
  it("keeps every structured value, adds what the prose added, and reports each disagreement", () => {
    const merged = mergeWithStructured(llm, structured);
    expect(merged.source).toBe("llm");
    expect(merged.items).toHaveLength(2);
    const job = merged.items[0]!;
    expect(job.key).toBe("orders_daily");
    expect(job.settings).toEqual({
      name: "orders-daily",
      tasks: [
        { task_key: "ingest", notebook_task: { notebook_path: "/Repos/etl/ingest_v2" }, max_retries: 3 },
        {
          task_key: "report",
          notebook_task: { notebook_path: "/Repos/etl/report" },
          depends_on: [{ task_key: "ingest" }],
        },
      ],
      schedule: {
        quartz_cron_expression: "0 0 6 * * ?",
        timezone_id: "Europe/Berlin",
        pause_status: "UNPAUSED",
      },
      email_notifications: { on_failure: ["a@example.com"] },
    });
    expect(job.explanation).toEqual(llm.items[0]!.explanation);
    // the run that waited on the LLM's key now waits on the structured key
    expect(merged.items[1]).toMatchObject({ key: "first_run", depends_on: ["orders_daily"] });
    const conflicts = merged.diagnostics.filter((d) => d.code === "llm.conflict");
    expect(conflicts.map((c) => c.path).sort()).toEqual([
      "settings.schedule.timezone_id",
      "settings.tasks[ingest].notebook_task.notebook_path",
    ]);
    expect(conflicts.find((c) => c.path === "settings.schedule.timezone_id")).toMatchObject({
      severity: "warning",
      file: "jobs/orders.md",
      value: "Europe/Berlin",
    });
    expect(conflicts[0]!.message).toMatch(/structured value is used/);
  });

  it("without a structured interpretation the LLM's answer is returned as is", () => {
    expect(mergeWithStructured(llm, undefined)).toBe(llm);
  });

  it("structured items with no LLM partner are kept", () => {
    const other: Interpretation = {
      ...structured,
      items: [{ key: "drop_old", action: "delete", target: { job_id: 9 } }],
    };
    const merged = mergeWithStructured(llm, other);
    expect(merged.items.map((i) => i.key)).toEqual(["drop_old", "orders", "first_run"]);
    expect(merged.diagnostics).toEqual([]);
  });
});
