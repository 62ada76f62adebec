/**
 * Issue #15 mechanisms, through the offline interpreter's real entry point: clock times said in words, several
 * times a day, the nth weekday of a month; explicit keys kept verbatim and never "accounted" by a longer derived
 * key; run-now parameters named by the job's own parameter list; dropping a job cluster; and the eval loader
 * reading a create ticket's expectation from the real-jobs corpus. The tickets are written for this test.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { JsonObject, WorkspaceJob } from "../../src/domain/model.js";
import { loadTicketSet, ticketTools } from "../../src/dev/eval/tickets.js";
import { createOfflineInterpreter, toApiRequests } from "../../src/techlead/interpreter/index.js";

const interpreter = createOfflineInterpreter();

async function read(body: string, jobs: WorkspaceJob[] = []) {
  const interp = await interpreter.interpret(
    { file: "jobs/req-file.md", text: body, frontMatter: {}, body, bodyLine: 1 },
    { existingJobs: jobs, tools: ticketTools(jobs) },
  );
  return { interp, ...toApiRequests(interp, jobs) };
}

async function created(body: string): Promise<JsonObject> {
  const { requests, questions } = await read(body);
  expect(questions).toEqual([]);
  expect(requests.map((r) => r.endpoint)).toEqual(["jobs/create"]);
  return requests[0].body;
}

const schedule = (body: JsonObject) =>
  body.schedule as { quartz_cron_expression: string; timezone_id: string };

describe("clock times and calendars said in words", () => {
  it.each([
    ["on weekdays at half past six in the evening CET", "0 30 18 ? * MON-FRI", "Europe/Berlin"],
    ["every night at a quarter past ten (UTC)", "0 15 22 * * ?", "UTC"],
    ["daily at a quarter to eight in the morning, London time", "0 45 7 * * ?", "Europe/London"],
    ["daily at noon Asia/Tokyo", "0 0 12 * * ?", "Asia/Tokyo"],
    ["twice a day, at 6am and 6pm New York time", "0 0 6,18 * * ?", "America/New_York"],
    ["on the first Monday of the month at 07:00 UTC", "0 0 7 ? * MON#1", "UTC"],
    ["on the last Friday of every month at 5pm UTC", "0 0 17 ? * FRIL", "UTC"],
  ])("'%s' → %s %s", async (when, cron, zone) => {
    const body = await created(`Job "kpi-snap": notebook /Repos/bi/kpi/snap, ${when}.`);
    expect(schedule(body)).toMatchObject({ quartz_cron_expression: cron, timezone_id: zone });
  });

  it("'twice a day' with one clock time asks, quoting the words it could not use", async () => {
    const { requests, questions } = await read(
      'Job "kpi-snap": notebook /Repos/bi/kpi/snap twice a day at 6am.',
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toContain('"twice"');
  });

  it("a spoken time moves an existing schedule; the days it has stay unless the words say others", async () => {
    const job: WorkspaceJob = {
      job_id: 51,
      settings: {
        name: "stock-sync",
        schedule: { quartz_cron_expression: "0 0 3 * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
        tasks: [{ task_key: "sync", notebook_task: { notebook_path: "/Repos/s/sync" } }],
      },
    };
    const { requests } = await read("move stock-sync to half past six in the evening, Chicago time", [job]);
    expect(requests).toEqual([
      {
        endpoint: "jobs/update",
        body: {
          job_id: 51,
          new_settings: {
            schedule: {
              quartz_cron_expression: "0 30 18 * * ?",
              timezone_id: "America/Chicago",
              pause_status: "UNPAUSED",
            },
          },
        },
      },
    ]);
  });
});

describe("explicit names and keys", () => {
  it("a backticked key is not accounted by a longer derived key that contains it: it asks instead", async () => {
    const { requests, questions } = await read(
      'Job "regatta": the notebook /Repos/r/notebooks/01_boat_speed runs first, and then\n' +
        "the step `boat_speed_report` summarises it.",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toContain('"boat_speed_report"');
  });

  it("a key in parentheses after the code, on the next line, is that step's key", async () => {
    const body = await created(
      'Job "regatta" runs the notebook /Repos/r/notebooks/01_boat_speed\n(task `boat_speed`) every day at 6am.',
    );
    expect((body.tasks as Array<{ task_key: string }>).map((t) => t.task_key)).toEqual(["boat_speed"]);
  });

  it("a snake_case name the answer does not use blocks, even where no extractor knows the phrase", async () => {
    const { requests, questions } = await read(
      'Job "kpi-snap": notebook /Repos/bi/kpi/snap daily at 6am, results land in kpi_snapshots_v2.',
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toContain('"kpi_snapshots_v2"');
  });

  it("'no full refresh' is not a full refresh", async () => {
    const body = await created(
      'Job "refresh-orders": `refresh` refreshes the pipeline 1f0c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b (no full refresh), daily at 1am.',
    );
    expect((body.tasks as JsonObject[])[0].pipeline_task).toEqual({
      pipeline_id: "1f0c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b",
    });
  });
});

const nightly: WorkspaceJob = {
  job_id: 77,
  settings: {
    name: "nightly-sales",
    parameters: [
      { name: "threshold", default: "0.9" },
      { name: "run_date", default: "" },
    ],
    job_clusters: [
      {
        job_cluster_key: "big",
        new_cluster: { num_workers: 8, node_type_id: "i3.xlarge", spark_version: "15.4.x-scala2.12" },
      },
      {
        job_cluster_key: "small",
        new_cluster: { num_workers: 1, node_type_id: "i3.xlarge", spark_version: "15.4.x-scala2.12" },
      },
    ],
    tasks: [
      { task_key: "load", job_cluster_key: "small", notebook_task: { notebook_path: "/Repos/s/load" } },
      {
        task_key: "publish",
        job_cluster_key: "big",
        depends_on: [{ task_key: "load" }],
        notebook_task: { notebook_path: "/Repos/s/publish" },
      },
    ],
  },
};

describe("operations on existing jobs", () => {
  it("run-now reads a declared parameter given a value in words, and 'tasks a and b only'", async () => {
    const { requests } = await read(
      "please rerun nightly-sales with threshold set to 0.98, tasks load and publish only",
      [nightly],
    );
    expect(requests).toEqual([
      {
        endpoint: "jobs/run-now",
        body: { job_id: 77, job_parameters: { threshold: "0.98" }, only: ["load", "publish"] },
      },
    ]);
  });

  it("dropping a job cluster that a task still uses asks where the task should run", async () => {
    const { requests, questions } = await read("drop the `big` job cluster from nightly-sales", [nightly]);
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toContain("publish");
  });

  it("a job cluster no task uses is removed by key", async () => {
    const job = structuredClone(nightly);
    job.settings.tasks![1].job_cluster_key = "small";
    const { requests } = await read("remove the `big` job cluster from nightly-sales", [job]);
    expect(requests).toEqual([
      {
        endpoint: "jobs/update",
        body: { job_id: 77, new_settings: {}, fields_to_remove: ["job_clusters/big"] },
      },
    ]);
  });
});

describe("eval tickets that take their expectation from the real-jobs corpus", () => {
  const dirs: string[] = [];
  const saved = process.env.JOBAGENT_CORPUS_DIR;
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    if (saved === undefined) delete process.env.JOBAGENT_CORPUS_DIR;
    else process.env.JOBAGENT_CORPUS_DIR = saved;
  });

  function ticketDir(): { tickets: string; corpus: string } {
    const root = mkdtempSync(path.join(tmpdir(), "jobagent-corpus-"));
    dirs.push(root);
    const tickets = path.join(root, "tickets");
    const corpus = path.join(root, "real-jobs");
    mkdirSync(tickets);
    mkdirSync(corpus);
    writeFileSync(
      path.join(corpus, "001-example.json"),
      JSON.stringify({
        settings: {
          name: "example",
          description: "not in the prose",
          tasks: [{ task_key: "t", description: "x", notebook_task: { notebook_path: "/Repos/e/t" } }],
        },
      }),
    );
    writeFileSync(
      path.join(tickets, "c.yaml"),
      [
        "id: c1",
        "kind: create",
        "ticket: |",
        "  Job example runs /Repos/e/t",
        "corpus:",
        "  file: 001-example.json",
        "  keys: [name, tasks]",
        '  omit: ["tasks[t].description"]',
        "expect:",
        "  max_concurrent_runs: 1",
        "",
      ].join("\n"),
    );
    return { tickets, corpus };
  }

  it("picks the listed settings, drops the omitted paths and merges the ticket's own expect", async () => {
    const { tickets, corpus } = ticketDir();
    process.env.JOBAGENT_CORPUS_DIR = corpus;
    const { tickets: loaded, skipped } = await loadTicketSet(tickets);
    expect(skipped).toEqual([]);
    expect(loaded[0].expect).toEqual({
      name: "example",
      tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Repos/e/t" } }],
      max_concurrent_runs: 1,
    });
  });

  it("skips the ticket, saying why, when the corpus is not on the machine", async () => {
    const { tickets, corpus } = ticketDir();
    process.env.JOBAGENT_CORPUS_DIR = path.join(corpus, "missing");
    const { tickets: loaded, skipped } = await loadTicketSet(tickets);
    expect(loaded).toEqual([]);
    expect(skipped).toEqual([{ id: "c1", reason: expect.stringContaining("corpus") }]);
  });

  it("names the file and field of a corpus key the job does not have", async () => {
    const { tickets, corpus } = ticketDir();
    process.env.JOBAGENT_CORPUS_DIR = corpus;
    writeFileSync(
      path.join(tickets, "c.yaml"),
      "id: c1\nkind: create\nticket: x\ncorpus: { file: 001-example.json, keys: [schedule] }\n",
    );
    await expect(loadTicketSet(tickets)).rejects.toThrow(/c\.yaml: field "corpus\.keys" has "schedule"/);
  });
});
