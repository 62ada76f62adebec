import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { WorkspaceJob } from "../../src/domain/model.js";
import { ticketTools } from "../../src/dev/eval/tickets.js";
import { createOfflineInterpreter, toApiRequests } from "../../src/techlead/interpreter/index.js";

const interpreter = createOfflineInterpreter();

async function interpret(body: string, jobs: WorkspaceJob[] = [], file = "jobs/orders-daily.md") {
  const interp = await interpreter.interpret(
    { file, text: body, frontMatter: {}, body, bodyLine: 3 },
    { existingJobs: jobs, tools: ticketTools(jobs) },
  );
  return { interp, item: interp.items[0], answer: toApiRequests(interp, jobs) };
}

describe("offline interpreter", () => {
  it("is the interpreter kind and reports its source", async () => {
    expect(interpreter.kind).toBe("interpreter");
    const { interp } = await interpret("Run /Repos/etl/ingest daily at 6am");
    expect(interp.source).toBe("interpreter");
    expect(interp.requirement).toBe("jobs/orders-daily.md");
  });

  it("explains which words gave which field, with file line numbers", async () => {
    const { item } = await interpret(
      "Job name: orders-daily\nRun the notebook /Repos/etl/ingest_orders every weekday at 7:30 PM Berlin time.\nEmail data-eng@acme.com if it fails.",
    );
    const by = (field: string) => item.explanation?.find((e) => e.field === field);
    expect(by("name")).toMatchObject({ words: expect.stringContaining("orders-daily"), line: 3 });
    expect(by("schedule.quartz_cron_expression")).toMatchObject({
      words: expect.stringContaining("every weekday"),
      line: 4,
    });
    expect(by("schedule.timezone_id")).toMatchObject({ words: "Berlin", line: 4 });
    expect(by("email_notifications.on_failure")).toMatchObject({ line: 5 });
    expect(by("tasks[ingest_orders]")?.words).toContain("/Repos/etl/ingest_orders");
  });

  it("builds dependencies from 'then', 'after X' and 'once A and B are done'", async () => {
    const { answer } = await interpret(
      "* Load A: /Repos/x/load_a\n* Load B: /Repos/x/load_b\n* Merge: /Repos/x/merge — once Load A and Load B are done\n* Publish: /Repos/x/publish, after Merge",
    );
    const tasks = answer.requests[0].body.tasks as Array<{
      task_key: string;
      depends_on?: Array<{ task_key: string }>;
    }>;
    const deps = Object.fromEntries(
      tasks.map((t) => [t.task_key, (t.depends_on ?? []).map((d) => d.task_key).sort()]),
    );
    expect(deps).toEqual({ load_a: [], load_b: [], merge: ["load_a", "load_b"], publish: ["merge"] });
  });

  it("asks instead of guessing when the code is not named, and sends no request", async () => {
    const { answer, item } = await interpret(
      "We need a job that refreshes the sales dashboard every morning at 7.",
    );
    expect(answer.requests).toEqual([]);
    expect(answer.questions[0]).toMatch(/which code to run/i);
    expect(item.questions?.length).toBeGreaterThan(0);
  });

  it("asks which job when several fit, listing them", async () => {
    const jobs: WorkspaceJob[] = [
      { job_id: 1, settings: { name: "ingest-orders" } },
      { job_id: 2, settings: { name: "ingest-customers" } },
    ];
    const { answer } = await interpret("change the ingest job to run at 4am", jobs);
    expect(answer.requests).toEqual([]);
    expect(answer.questions.join(" ")).toContain("ingest-orders");
    expect(answer.questions.join(" ")).toContain("ingest-customers");
  });

  it("update: sends only what changed and keeps what the ticket did not mention", async () => {
    const jobs: WorkspaceJob[] = [
      {
        job_id: 42,
        settings: {
          name: "billing-export",
          email_notifications: { on_success: ["fin@acme.com"] },
          schedule: {
            quartz_cron_expression: "0 0 6 * * ?",
            timezone_id: "Europe/Berlin",
            pause_status: "UNPAUSED",
          },
          tasks: [{ task_key: "export", notebook_task: { notebook_path: "/Repos/b/export" } }],
        },
      },
    ];
    const { answer } = await interpret(
      "billing-export: also email oncall@acme.com on failure and move it to 5am",
      jobs,
    );
    expect(answer.requests).toEqual([
      {
        endpoint: "jobs/update",
        body: {
          job_id: 42,
          new_settings: {
            email_notifications: { on_success: ["fin@acme.com"], on_failure: ["oncall@acme.com"] },
            schedule: {
              quartz_cron_expression: "0 0 5 * * ?",
              timezone_id: "Europe/Berlin",
              pause_status: "UNPAUSED",
            },
          },
        },
      },
    ]);
  });

  it("run: job parameters checked against the job's declared parameters", async () => {
    const jobs: WorkspaceJob[] = [
      { job_id: 9, settings: { name: "backfill", parameters: [{ name: "day", default: "2024-01-01" }] } },
    ];
    expect((await interpret("run backfill now with day=2024-02-02", jobs)).answer.requests).toEqual([
      { endpoint: "jobs/run-now", body: { job_id: 9, job_parameters: { day: "2024-02-02" } } },
    ]);
    const wrong = await interpret("run backfill now with dya=2024-02-02", jobs);
    expect(wrong.answer.requests).toEqual([]);
    expect(wrong.answer.questions[0]).toMatch(/no job parameter "dya"/);
  });
});

const CORPUS = path.resolve(process.cwd(), "../shared/corpus/real-jobs");

describe.skipIf(!existsSync(CORPUS))(
  "target resolution against the real-job corpus (../shared/corpus/real-jobs)",
  () => {
    const jobs: WorkspaceJob[] = existsSync(CORPUS)
      ? readdirSync(CORPUS)
          .filter((f) => f.endsWith(".json"))
          .sort()
          .map((f, i) => ({
            job_id: 1000 + i,
            settings: JSON.parse(readFileSync(path.join(CORPUS, f), "utf8")).settings,
          }))
      : [];
    const nameCount = new Map<string, number>();
    for (const j of jobs)
      nameCount.set(
        (j.settings.name ?? "").toLowerCase(),
        (nameCount.get((j.settings.name ?? "").toLowerCase()) ?? 0) + 1,
      );

    it("deletes each uniquely named real job by its exact name, and asks for duplicated names", async () => {
      expect(jobs.length).toBeGreaterThan(50);
      let checked = 0;
      for (const job of jobs) {
        const name = job.settings.name;
        if (!name || name.length < 3 || /["\n]/.test(name)) continue;
        const { answer } = await interpret(
          `Please delete the job "${name}", it is not needed anymore.`,
          jobs,
        );
        const others = jobs.filter(
          (j) => j !== job && (j.settings.name ?? "").toLowerCase().includes(name.toLowerCase()),
        );
        if ((nameCount.get(name.toLowerCase()) ?? 0) > 1) {
          expect(answer.requests, name).toEqual([]);
          expect(answer.questions.length, name).toBeGreaterThan(0);
        } else if (others.length === 0) {
          expect(answer.requests, name).toEqual([{ endpoint: "jobs/delete", body: { job_id: job.job_id } }]);
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(50);
    });

    it("finds a real job by a notebook path only it runs", async () => {
      const owners = new Map<string, number[]>();
      for (const j of jobs) {
        for (const t of j.settings.tasks ?? []) {
          const p = (t.notebook_task as { notebook_path?: string } | undefined)?.notebook_path;
          if (p?.startsWith("/Workspace/")) owners.set(p, [...new Set([...(owners.get(p) ?? []), j.job_id])]);
        }
      }
      const unique = [...owners].filter(([, ids]) => ids.length === 1).slice(0, 15);
      expect(unique.length).toBeGreaterThan(3);
      for (const [p, [id]] of unique) {
        const { answer } = await interpret(`get rid of whatever job runs ${p}`, jobs);
        expect(answer.requests, p).toEqual([{ endpoint: "jobs/delete", body: { job_id: id } }]);
      }
    });
  },
);
