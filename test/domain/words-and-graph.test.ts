import { describe, expect, it } from "vitest";
import { cronToWords, quartzToWords, triggerToWords } from "../../src/domain/cron-words.js";
import { escapeMermaidLabel, jobMermaid } from "../../src/domain/mermaid.js";
import { canonicalJson, hashJson, planHash } from "../../src/domain/hash.js";
import { hashJobSettings, jobChangeHash } from "../../src/domain/plan.js";

describe("cron in words (Quartz)", () => {
  it.each([
    ["0 0 6 ? * MON-FRI", "Europe/Berlin", "At 06:00 AM, Monday through Friday (Europe/Berlin)"],
    ["0 30 19 ? * MON-FRI", "UTC", "At 07:30 PM, Monday through Friday (UTC)"],
    ["0 0/15 * * * ?", "UTC", "Every 15 minutes (UTC)"],
    ["0 0 * * * ?", undefined, "Every hour"],
    ["0 0 0/4 * * ?", "UTC", "On the hour, every 4 hours (UTC)"],
    ["0 0 2 1 * ?", "UTC", "At 02:00 AM, on day 1 of the month (UTC)"],
    ["0 0 0 ? * SUN", "UTC", "At 12:00 AM, only on Sunday (UTC)"],
    ["0 0 0 ? * 1", "UTC", "At 12:00 AM, only on Sunday (UTC)"], // Quartz: 1 = Sunday
    ["0 0 12 L * ?", "UTC", "At 12:00 PM, on the last day of the month (UTC)"],
    [
      "0 15 10 ? * 6#3",
      "America/New_York",
      "At 10:15 AM, on the third Friday of the month (America/New_York)",
    ],
    ["  0  0 6 * * ?  ", "UTC", "At 06:00 AM (UTC)"],
  ])("%s %s", (expr, tz, words) => {
    expect(cronToWords(expr, tz)).toBe(words);
  });

  it("returns the raw expression when it is not Quartz", () => {
    expect(quartzToWords("0 6 * * 1-5")).toBeUndefined(); // unix 5-field cron
    expect(cronToWords("0 6 * * 1-5", "UTC")).toBe("0 6 * * 1-5 (UTC)");
    expect(cronToWords("every day at six", "UTC")).toBe("every day at six (UTC)");
    expect(cronToWords("0 0 99 * * ?")).toBe("0 0 99 * * ?");
  });

  it("describes schedules, continuous jobs and triggers", () => {
    expect(
      triggerToWords({
        schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "PAUSED" },
      }),
    ).toBe("At 06:00 AM (UTC) — paused");
    expect(triggerToWords({ continuous: {} })).toMatch(/^Continuously/);
    expect(triggerToWords({ trigger: { file_arrival: { url: "/Volumes/main/raw/in/" } } })).toBe(
      "When files arrive in /Volumes/main/raw/in/",
    );
    expect(
      triggerToWords({
        trigger: { table_update: { table_names: ["a.b.c", "a.b.d"], condition: "ALL_UPDATED" } },
      }),
    ).toBe("When all of these tables is updated: a.b.c, a.b.d");
    expect(triggerToWords({ trigger: { periodic: { interval: 1, unit: "DAYS" } } })).toBe("Every 1 days");
    expect(triggerToWords({})).toBeUndefined();
  });
});

describe("jobMermaid", () => {
  it("draws tasks, dependencies, condition outcomes and for_each", () => {
    const m = jobMermaid({
      tasks: [
        { task_key: "ingest", notebook_task: { notebook_path: "/n" } },
        {
          task_key: "check",
          depends_on: [{ task_key: "ingest" }],
          condition_task: { left: "1", op: "EQUAL_TO", right: "1" },
        },
        {
          task_key: "load",
          depends_on: [{ task_key: "check", outcome: "true" }],
          spark_python_task: { python_file: "/f.py" },
        },
        {
          task_key: "each",
          depends_on: [{ task_key: "check", outcome: "false" }],
          for_each_task: {
            inputs: "[1,2]",
            task: { task_key: "inner", notebook_task: { notebook_path: "/i" } },
          },
        },
      ],
    });
    const lines = m.split("\n");
    expect(lines[0]).toBe("flowchart TD");
    expect(lines).toContain('  t0["ingest<br/>notebook"]');
    expect(lines).toContain('  t1{"check<br/>condition"}');
    expect(lines).toContain('  t3[["each<br/>for each: inner (notebook)"]]');
    expect(lines).toContain("  t0 --> t1");
    expect(lines).toContain('  t1 -->|"true"| t2');
    expect(lines).toContain('  t1 -->|"false"| t3');
  });

  it("is safe for any task key: quotes, brackets, HTML, backticks, unicode", () => {
    const weird = ['a"b', "x]y[z", "</details><!--", "```", "größe_🚀", "a|b", "#lt;"];
    const m = jobMermaid({
      tasks: weird.map((k, i) => ({
        task_key: k,
        notebook_task: { notebook_path: "/n" },
        depends_on: i > 0 ? [{ task_key: weird[i - 1] }] : undefined,
      })),
    });
    for (const line of m.split("\n").slice(1)) {
      // every node line is id + one quoted label with no raw quote, bracket, angle bracket, backtick or pipe inside
      const node = /^ {2}t\d+\["(.*)"\]$/.exec(line);
      if (node) expect(node[1].replace(/<br\/>/g, "")).not.toMatch(/["[\]<>`|]/);
      else expect(line).toMatch(/^ {2}t\d+ --> t\d+$/);
    }
    expect(m).toContain("größe_#128640;");
    expect(m).not.toContain("```");
    expect(m).not.toContain("</details>");
    expect(escapeMermaidLabel("#lt;")).toBe("#35;lt#59;"); // entity-looking text stays text
  });

  it("marks a dependency on a missing task and caps huge graphs", () => {
    const m = jobMermaid({
      tasks: [{ task_key: "a", depends_on: [{ task_key: "ghost" }], notebook_task: { notebook_path: "/n" } }],
    });
    expect(m).toContain('m0["⚠ missing: ghost"]');
    expect(m).toContain("m0 --> t0");
    const many = jobMermaid(
      {
        tasks: Array.from({ length: 500 }, (_, i) => ({
          task_key: `t${i}`,
          notebook_task: { notebook_path: "/n" },
        })),
      },
      { maxTasks: 20 },
    );
    expect(many).toContain('more["… 480 more tasks"]');
    expect(many.split("\n").length).toBeLessThan(30);
  });

  it("styles added and changed tasks", () => {
    const m = jobMermaid(
      {
        tasks: [
          { task_key: "a", notebook_task: { notebook_path: "/n" } },
          { task_key: "b", notebook_task: { notebook_path: "/n" } },
        ],
      },
      { added: ["a"], changed: ["b"] },
    );
    expect(m).toContain("class t0 added");
    expect(m).toContain("class t1 changed");
    expect(m).toContain("classDef added");
  });
});

describe("hashes", () => {
  it("hashJson is 16 hex chars of sha256 over canonical JSON, stable across key order", () => {
    expect(hashJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toMatch(/^[0-9a-f]{16}$/);
    expect(hashJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(hashJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(hashJson({ a: [1, 2] })).not.toBe(hashJson({ a: [2, 1] }));
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
    // sha256('{"a":1}') = 015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862
    expect(hashJson({ a: 1 })).toBe("015abd7f5cc57a2d");
  });

  it("job settings hash ignores set-array order and defaults, but not real changes", () => {
    const a = {
      name: "j",
      max_concurrent_runs: 1,
      tasks: [
        { task_key: "x", notebook_task: { notebook_path: "/a" } },
        { task_key: "y", notebook_task: { notebook_path: "/b" } },
      ],
    };
    const b = {
      tasks: [
        { task_key: "y", notebook_task: { notebook_path: "/b", source: "WORKSPACE" } },
        { notebook_task: { notebook_path: "/a" }, task_key: "x" },
      ],
      name: "j",
    };
    expect(hashJobSettings(a)).toBe(hashJobSettings(b));
    expect(hashJobSettings(a)).not.toBe(hashJobSettings({ ...a, max_concurrent_runs: 2 }));
  });

  it("plan hash is independent of change order and changes when any job hash changes", () => {
    const c1 = {
      taskId: "r1/a",
      hash: jobChangeHash({ op: "create", jobName: "a", fields: [], desired: { name: "a" } }),
    };
    const c2 = {
      taskId: "r2/b",
      hash: jobChangeHash({
        op: "update",
        jobName: "b",
        jobId: 7,
        fields: [{ path: "tags.x", kind: "add", after: "1", category: "other" }],
      }),
    };
    expect(planHash([c1, c2])).toBe(planHash([c2, c1]));
    const c2b = {
      ...c2,
      hash: jobChangeHash({
        op: "update",
        jobName: "b",
        jobId: 7,
        fields: [{ path: "tags.x", kind: "add", after: "2", category: "other" }],
      }),
    };
    expect(planHash([c1, c2b])).not.toBe(planHash([c1, c2]));
    expect(planHash([c1])).not.toBe(planHash([c1, c2]));
    // field order inside a change does not matter
    const f = [
      { path: "a", kind: "add" as const, after: 1, category: "other" as const },
      { path: "b", kind: "add" as const, after: 2, category: "other" as const },
    ];
    expect(jobChangeHash({ op: "update", jobName: "x", fields: f })).toBe(
      jobChangeHash({ op: "update", jobName: "x", fields: [...f].reverse() }),
    );
  });
});
