/**
 * How people ask to change a job they have: what to keep ("don't touch the node type or anything else"), tags added
 * in a bullet beside a rename, a zone corrected ("6am London time, not 6am UTC"), a job switched back on, and the
 * story around the ask ("we paused it during the audit. The audit's finished"). The tickets here are written for this
 * test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket } from "../support/interpret-ticket.js";
import type { JsonObject, WorkspaceJob } from "../../src/domain/model.js";

const snapshot: WorkspaceJob = {
  job_id: 2150,
  settings: {
    name: "Finance Snapshot",
    schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "PAUSED" },
    tags: { team: "finance" },
    job_clusters: [
      {
        job_cluster_key: "etl_cluster",
        new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "m5.xlarge", num_workers: 4 },
      },
    ],
    tasks: [
      {
        task_key: "snapshot",
        job_cluster_key: "etl_cluster",
        notebook_task: { notebook_path: "/Workspace/Finance/snapshot" },
      },
    ],
  },
};

async function update(body: string): Promise<JsonObject> {
  const jobs = [snapshot];
  const { requests, questions } = await answerTicket(body, jobs);
  expect(questions).toEqual([]);
  expect(requests).toHaveLength(1);
  expect(requests[0]!.body.job_id).toBe(2150);
  return requests[0]!.body.new_settings as JsonObject;
}

describe("updates as people write them", () => {
  it("'don't touch the node type or anything else on it' keeps them", async () => {
    const settings = await update(
      "Finance Snapshot keeps missing its SLA. bump etl_cluster to 10 workers pls. dont touch the node type or anything else on it",
    );
    const cluster = (settings.job_clusters as JsonObject[])[0]!.new_cluster as JsonObject;
    expect(cluster).toMatchObject({ num_workers: 10, node_type_id: "m5.xlarge" });
  });

  it("tags added in a bullet beside a rename", async () => {
    const settings = await update(
      [
        "Job 2150 is production now. Please:",
        "* rename it to `Finance Snapshot Prod`",
        "* add the tags env=prod and owner=fin-data",
      ].join("\n"),
    );
    expect(settings.name).toBe("Finance Snapshot Prod");
    expect(settings.tags).toEqual({ team: "finance", env: "prod", owner: "fin-data" });
  });

  it("'we paused it during the audit … switch it back on', and '6am London time, not 6am UTC'", async () => {
    const settings = await update(
      [
        "Hi, we paused Finance Snapshot during the audit. The audit's finished, so please switch it back on.",
        "Also — it was always meant to be 6am London time, not 6am UTC; please fix that while you're in there.",
      ].join("\n"),
    );
    expect(settings.schedule).toEqual({
      quartz_cron_expression: "0 0 6 * * ?",
      timezone_id: "Europe/London",
      pause_status: "UNPAUSED",
    });
  });
});

describe("a job the words keep out of the change", () => {
  const jobs: WorkspaceJob[] = [
    {
      job_id: 9931,
      settings: { name: "hms_sync", tasks: [{ task_key: "a", notebook_task: { notebook_path: "/x/a" } }] },
    },
    {
      job_id: 9932,
      settings: { name: "uc_sync", tasks: [{ task_key: "b", notebook_task: { notebook_path: "/x/b" } }] },
    },
  ];
  const answer = (body: string) => answerTicket(body, jobs);

  it.each([
    "DECOM-212\n1. DELETE job 9931 (the old sync).\n2. DO NOT touch job 9932 — it is the replacement.",
    "Please delete hms_sync. Leave uc_sync alone.",
  ])("%s", async (ticket) => {
    const { requests, questions } = await answer(ticket);
    expect(questions).toEqual([]);
    expect(requests).toEqual([{ endpoint: "jobs/delete", body: { job_id: 9931 } }]);
  });

  it("the job named before the verb, as Hindi word order puts it: 'hms_sync job delete kar do'", async () => {
    const { requests, questions } = await answer("purana 'hms_sync' job delete kar do please.");
    expect(questions).toEqual([]);
    expect(requests).toEqual([{ endpoint: "jobs/delete", body: { job_id: 9931 } }]);
  });

  it.each([
    "SUP-881: please run hms_sync once more.",
    "The upstream files were late — can you run hms_sync now?",
  ])("a run asked for after a ticket id or a dash: %s", async (ticket) => {
    const { requests, questions } = await answer(ticket);
    expect(questions).toEqual([]);
    expect(requests).toEqual([{ endpoint: "jobs/run-now", body: { job_id: 9931 } }]);
  });

  it("two jobs named for the change still ask which", async () => {
    const { requests, questions } = await answer("Delete job 9931 or job 9932, whichever is older.");
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/More than one job fits/);
  });
});

describe("a job parameter's default", () => {
  const job: WorkspaceJob = {
    job_id: 3300,
    settings: {
      name: "orders-daily",
      parameters: [
        { name: "region", default: "eu" },
        { name: "lookback_days", default: "3" },
      ],
      tasks: [{ task_key: "ingest", notebook_task: { notebook_path: "/Repos/o/ingest" } }],
    },
  };
  it.each([
    "orders-daily: change the default of lookback_days to 7.",
    "orders-daily: set lookback_days default to 7",
    "On orders-daily, lookback_days should default to 7 from now on.",
  ])("%s — every other parameter is sent as it is (parameters is replaced whole)", async (body) => {
    const { requests, questions } = await answerTicket(body, [job]);
    expect(questions).toEqual([]);
    expect(requests[0]!.body.new_settings).toEqual({
      parameters: [
        { name: "region", default: "eu" },
        { name: "lookback_days", default: "7" },
      ],
    });
  });
});

describe("retries on one task, and what a job's name does not cover", () => {
  const job: WorkspaceJob = {
    job_id: 3300,
    settings: {
      name: "orders-daily",
      parameters: [{ name: "lookback_days", default: "3" }],
      tasks: [
        { task_key: "ingest", notebook_task: { notebook_path: "/Repos/o/ingest" } },
        {
          task_key: "transform",
          depends_on: [{ task_key: "ingest" }],
          notebook_task: { notebook_path: "/Repos/o/transform" },
        },
      ],
    },
  };
  const answer = (body: string) => answerTicket(body, [job]);

  it("'retry only the transform task, 3 times, 5 minutes apart' changes that task only", async () => {
    const { requests, questions } = await answer(
      "orders-daily: retry only the transform task, 3 times, 5 minutes apart, and time the whole job out after 2 hours.",
    );
    expect(questions).toEqual([]);
    const settings = requests[0]!.body.new_settings as JsonObject;
    expect(settings.timeout_seconds).toBe(7200);
    expect(settings.tasks).toEqual([
      expect.objectContaining({ task_key: "transform", max_retries: 3, min_retry_interval_millis: 300000 }),
    ]);
  });

  it("words the reader missed in a clause that names the job still ask (the job's name covers nothing)", async () => {
    const { requests, questions } = await answer(
      "Set a timeout of 2 hours on orders-daily. orders-daily should retry the flaky bits a few more times",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/could not use every part/);
  });

  it("a short number the answer does not send is not accounted by the job's own '3' (a parameter default)", async () => {
    const { requests, questions } = await answer(
      "Set a timeout of 2 hours on orders-daily; the team wants 3.",
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/"3"/);
  });
});

describe("a schedule replaced by a trigger", () => {
  it("'replace the every-30-minutes schedule with a file arrival trigger on /Volumes/…'", async () => {
    const job: WorkspaceJob = {
      job_id: 5520,
      settings: {
        name: "Scan Ingest",
        schedule: { quartz_cron_expression: "0 0/30 * * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
        tasks: [{ task_key: "ingest", spark_python_task: { python_file: "/Workspace/Ops/ingest.py" } }],
      },
    };
    const body =
      "job 5520: replace the every-30-minutes schedule with a file arrival trigger on /Volumes/ops/landing/scans/ — we're burning DBUs polling an empty folder.";
    const { requests, questions } = await answerTicket(body, [job]);
    expect(questions).toEqual([]);
    expect(requests[0]!.body).toMatchObject({
      job_id: 5520,
      new_settings: {
        trigger: { file_arrival: { url: "/Volumes/ops/landing/scans/" }, pause_status: "UNPAUSED" },
      },
      fields_to_remove: ["schedule"],
    });
  });
});

describe("changes that depend on what the job has now", () => {
  it.each([
    "Finance Snapshot: if queueing isn't enabled yet, enable it.",
    "Finance Snapshot - if it doesn't have a failure email configured, add ops@acme.io.",
    "For Finance Snapshot, unless it already has a timeout, set one of 2 hours.",
  ])("%s → a question quoting the condition, no request", async (ticket) => {
    const { requests, questions } = await answerTicket(ticket, [snapshot]);
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/does not check conditions/);
  });

  it("an event is not a condition: 'if it fails, email ops@acme.io' is a failure notification", async () => {
    const settings = await update("Finance Snapshot: if it fails, email ops@acme.io.");
    expect(settings.email_notifications).toEqual({ on_failure: ["ops@acme.io"] });
  });
});

describe("a job named by the words of its name, in another order or with words between them", () => {
  const jobs: WorkspaceJob[] = [4701, 4702].map((job_id, i) => ({
    job_id,
    settings: {
      name: `Customer Sync (${i === 0 ? "US" : "EU"})`,
      tasks: [{ task_key: "sync", notebook_task: { notebook_path: "/Repos/crm/sync" } }],
    },
  }));

  it("'run Customer Sync for the EU now': the one job whose name the sentence holds", async () => {
    const { requests, questions } = await answerTicket("Please run Customer Sync for the EU now.", jobs);
    expect(questions).toEqual([]);
    expect(requests).toEqual([{ endpoint: "jobs/run-now", body: { job_id: 4702 } }]);
  });

  it("a sentence that holds both names' words asks which", async () => {
    const { requests, questions } = await answerTicket("Run customer sync for the US and the EU now.", jobs);
    expect(requests).toEqual([]);
    expect(questions.length).toBeGreaterThan(0);
  });
});

describe("moving a job to serverless", () => {
  it("'can we move Finance Snapshot to serverless?': its tasks leave the job cluster, which goes", async () => {
    const settings = await update("can we move Finance Snapshot to serverless? keep everything else as is");
    expect(settings.tasks).toEqual([
      { task_key: "snapshot", notebook_task: { notebook_path: "/Workspace/Finance/snapshot" } },
    ]);
    const { requests } = await answerTicket("can we move Finance Snapshot to serverless?", [snapshot]);
    expect(requests[0]!.body.fields_to_remove).toEqual(["job_clusters"]);
  });

  it("a message pasted under 'Slack DM from …:', in quotes, is the ask", async () => {
    const settings = await update('Slack DM from Oksana:\n"can we move Finance Snapshot to serverless?"');
    expect((settings.tasks as Array<Record<string, unknown>>)[0]!.job_cluster_key).toBeUndefined();
  });
});

describe("a cluster change written as the state now and the state wanted", () => {
  it("'Current: …' above 'Wanted: …': only the wanted line is read; min/max autoscale; the runtime in words and as its key", async () => {
    const settings = await update(
      [
        "Finance Snapshot",
        "Current: 4 fixed workers, DBR 13.3 (13.3.x-scala2.12)",
        "Wanted:  autoscale, min 2 / max 10 workers, DBR 15.4 LTS (15.4.x-scala2.12)",
        "Keep the node type as it is. No other changes.",
      ].join("\n"),
    );
    expect(settings.job_clusters).toEqual([
      {
        job_cluster_key: "etl_cluster",
        new_cluster: {
          spark_version: "15.4.x-scala2.12",
          node_type_id: "m5.xlarge",
          autoscale: { min_workers: 2, max_workers: 10 },
        },
      },
    ]);
  });

  it("a worker count in words: 'set Finance Snapshot to seven workers'", async () => {
    const settings = await update("set Finance Snapshot to seven workers");
    const cluster = (settings.job_clusters as Array<{ new_cluster: Record<string, unknown> }>)[0]!;
    expect(cluster.new_cluster.num_workers).toBe(7);
  });
});

describe("a concept word in the title", () => {
  it("is the ask's topic, used when the answer sets a field of it: 'FIN-12 Finance Snapshot – cluster config'", async () => {
    const settings = await update("FIN-12 Finance Snapshot – cluster config\nset it to 6 workers");
    const cluster = (settings.job_clusters as Array<{ new_cluster: Record<string, unknown> }>)[0]!;
    expect(cluster.new_cluster.num_workers).toBe(6);
  });

  it("and is asked about when the answer sets nothing of it: 'FIN-12 Finance Snapshot – retries'", async () => {
    const { requests, questions } = await answerTicket(
      "FIN-12 Finance Snapshot – retries\nset it to 6 workers",
      [snapshot],
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/"retries"/);
  });
});

describe("a job kept out of the change, and why", () => {
  const jobs: WorkspaceJob[] = [5530, 5531].map((job_id) => ({
    job_id,
    settings: {
      name: `export-${job_id}`,
      tasks: [{ task_key: "x", notebook_task: { notebook_path: "/x" } }],
    },
  }));

  it("'Job 5530 can go. Not 5531 — that one is still used by the logistics team (3 dashboards read from it).'", async () => {
    const { requests, questions } = await answerTicket(
      "Job 5530 can go. Not 5531 — that one is still used by the logistics team (3 dashboards read from it).",
      jobs,
    );
    expect(questions).toEqual([]);
    expect(requests).toEqual([{ endpoint: "jobs/delete", body: { job_id: 5530 } }]);
  });

  it("another ask joined to it is not swallowed: '…, not 5531, and set retries to 3' asks about the retries", async () => {
    const { requests, questions } = await answerTicket(
      "Run job 5530 now, not 5531, and set retries to 3.",
      jobs,
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/"3", "retries"/);
  });
});
