import { describe, expect, it } from "vitest";
import type { Interpretation, JobSettings, WorkItem } from "../../src/domain/model.js";
import { ticketTools } from "../../src/dev/eval/tickets.js";
import {
  checkConsistency,
  compareInterpretations,
  createOfflineInterpreter,
} from "../../src/techlead/interpreter/index.js";
import type { RequirementDoc } from "../../src/techlead/types.js";

const doc = (body: string): RequirementDoc => ({
  file: "jobs/orders.md",
  text: `---\nx: 1\n---\n${body}`,
  frontMatter: {},
  body,
  bodyLine: 4,
});
const item: WorkItem = { key: "orders", action: "create" };

const body =
  "Run the notebook /Repos/etl/ingest_orders every weekday at 07:30 Berlin time.\nRetry 2 times. Email data-eng@acme.com on failure. Tag it team=etl.";
const right: JobSettings = {
  name: "orders",
  tasks: [
    {
      task_key: "ingest_orders",
      notebook_task: { notebook_path: "/Repos/etl/ingest_orders" },
      max_retries: 2,
    },
  ],
  schedule: {
    quartz_cron_expression: "0 30 7 ? * MON-FRI",
    timezone_id: "Europe/Berlin",
    pause_status: "UNPAUSED",
  },
  email_notifications: { on_failure: ["data-eng@acme.com"] },
  tags: { team: "etl" },
};

describe("checkConsistency", () => {
  it("is silent when the spec says what the words say", () => {
    expect(checkConsistency(doc(body), item, right)).toEqual([]);
  });

  it("warns when the cron is daily UTC but the words say weekdays Berlin, quoting both and naming the field", () => {
    const wrong = structuredClone(right);
    wrong.schedule = { quartz_cron_expression: "0 30 7 * * ?", timezone_id: "UTC" };
    const [d, ...rest] = checkConsistency(doc(body), item, wrong);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      severity: "warning",
      code: "consistency.schedule",
      file: "jobs/orders.md",
      line: 4,
      path: "schedule.quartz_cron_expression",
    });
    expect(d.message).toContain('says "every weekday');
    expect(d.message).toContain("Berlin");
    expect(d.message).toContain('schedule.quartz_cron_expression "0 30 7 * * ?"');
    expect(d.message).toContain('schedule.timezone_id "UTC"');
    expect(d.fix).toBeTruthy();
  });

  it("warns on retries, recipients, tags, missing code and dependencies", () => {
    const wrong = structuredClone(right);
    wrong.tasks = [
      { task_key: "other", notebook_task: { notebook_path: "/Repos/etl/other" }, max_retries: 1 },
    ];
    wrong.email_notifications = { on_failure: ["someone@acme.com"] };
    wrong.tags = { team: "bi" };
    const codes = checkConsistency(doc(body), item, wrong)
      .map((d) => d.code)
      .sort();
    expect(codes).toEqual([
      "consistency.email_notifications",
      "consistency.max_retries",
      "consistency.tags",
      "consistency.tasks",
    ]);
    const chain = doc("`a` runs /Repos/x/a then `b` runs /Repos/x/b");
    const noDep: JobSettings = {
      tasks: [
        { task_key: "a", notebook_task: { notebook_path: "/Repos/x/a" } },
        { task_key: "b", notebook_task: { notebook_path: "/Repos/x/b" } },
      ],
    };
    const [dep] = checkConsistency(chain, item, noDep);
    expect(dep).toMatchObject({ code: "consistency.depends_on", path: "tasks[b].depends_on" });
  });

  it("warns when the words say serverless and the spec has a cluster", () => {
    const d = checkConsistency(doc("serverless job for /Repos/x/a hourly"), item, {
      tasks: [{ task_key: "a", notebook_task: { notebook_path: "/Repos/x/a" }, job_cluster_key: "c" }],
      job_clusters: [{ job_cluster_key: "c", new_cluster: { num_workers: 2 } }],
      schedule: { quartz_cron_expression: "0 0 * * * ?", timezone_id: "UTC" },
    });
    expect(d.map((x) => x.code)).toEqual(["consistency.compute"]);
  });

  it("has nothing to compare for delete and run items", () => {
    expect(checkConsistency(doc("delete job 5"), { key: "d", action: "delete" }, {})).toEqual([]);
  });
});

describe("compareInterpretations", () => {
  it("agrees with itself and reports a differing schedule from another source", async () => {
    const interpreter = createOfflineInterpreter();
    const a = await interpreter.interpret(doc(body), { existingJobs: [], tools: ticketTools([]) });
    expect(compareInterpretations(a, a)).toEqual([]);
    const llm: Interpretation = structuredClone(a);
    llm.source = "llm";
    llm.items[0].settings!.schedule = { quartz_cron_expression: "0 30 7 * * ?", timezone_id: "UTC" };
    const diffs = compareInterpretations(llm, a);
    expect(diffs.map((d) => d.code).sort()).toEqual(["consistency.schedule", "consistency.schedule"]);
    expect(diffs[0].message).toMatch(/the LLM: .*the offline interpreter/);
  });

  it("reports when one asks and the other does not", async () => {
    const a: Interpretation = {
      requirement: "r",
      source: "llm",
      diagnostics: [],
      items: [{ key: "x", action: "create", settings: { name: "x" } }],
    };
    const b: Interpretation = {
      requirement: "r",
      source: "interpreter",
      diagnostics: [],
      items: [{ key: "x", action: "create", settings: { name: "x" }, questions: ["Which notebook?"] }],
    };
    expect(compareInterpretations(a, b).map((d) => d.code)).toEqual(["consistency.questions"]);
  });
});
