/**
 * Steps waited for as a group ("once both clean steps are done"), a step said to run beside another ("in parallel
 * with 2") that is not a step to wait for, and an issue tracker's field lines around the ask. The tickets here are
 * written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket } from "../support/interpret-ticket.js";
import type { WorkspaceJob } from "../../src/domain/model.js";

const STEPS = [
  'New job "Orders Mart", daily at 05:30 UTC:',
  "1. Ingest Raw — notebook /Repos/core/orders/ingest_raw",
  "2. Clean Orders — notebook /Repos/core/orders/clean_orders (after Ingest Raw)",
  "3. Clean Customers — notebook /Repos/core/orders/clean_customers (after Ingest Raw)",
  "4. Build Mart — notebook /Repos/core/orders/build_mart, once both clean steps are done",
];

async function dependsOn(ticket: string): Promise<Record<string, string[]>> {
  const { requests, questions } = await answerTicket(ticket, []);
  expect(questions).toEqual([]);
  const tasks = requests[0]!.body.tasks as Array<{
    task_key: string;
    depends_on?: Array<{ task_key: string }>;
  }>;
  return Object.fromEntries(
    tasks.map((t) => [t.task_key, (t.depends_on ?? []).map((d) => d.task_key).sort()]),
  );
}

describe("steps waited for as a group", () => {
  it("'once both clean steps are done': the two steps whose names hold 'clean'", async () => {
    expect(await dependsOn(STEPS.join("\n"))).toEqual({
      ingest_raw: [],
      clean_orders: ["ingest_raw"],
      clean_customers: ["ingest_raw"],
      build_mart: ["clean_customers", "clean_orders"],
    });
  });

  it("'both clean steps' where three steps hold 'clean' fits no two: asked", async () => {
    const ticket = [
      ...STEPS.slice(0, 3),
      "3b. Clean Returns — notebook /Repos/core/orders/clean_returns",
      STEPS[3],
      STEPS[4],
    ];
    const { requests, questions } = await answerTicket(ticket.join("\n"), []);
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/both clean steps/);
  });

  it("'(after Ingest Raw, in parallel with 2)': 'in parallel with 2' is not a step to wait for", async () => {
    const ticket = [...STEPS];
    ticket[3] = ticket[3]!.replace("(after Ingest Raw)", "(after Ingest Raw, in parallel with 2)");
    const { questions } = await answerTicket(ticket.join("\n"), []);
    expect(questions.join(" ")).not.toMatch(/no step or existing task is called "in parallel/);
  });

  it("an issue tracker's field lines are not the ask", async () => {
    const ticket = [
      "DATA-1234: New workflow for the orders mart",
      "",
      "Type: Story    Priority: P2    Reporter: Dana Whitfield    Components: Lakehouse",
      "Sprint: shared sprint of the 3 teams (Payments, Growth, Core)",
      "",
      ...STEPS,
    ];
    expect((await dependsOn(ticket.join("\n"))).build_mart).toEqual(["clean_customers", "clean_orders"]);
  });
});

describe("tracker fields that may ask for something are read", () => {
  it("'Status: please pause it' is not a tracker's field line", async () => {
    const jobs: WorkspaceJob[] = [
      {
        job_id: 77,
        settings: {
          name: "orders-daily",
          schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
          tasks: [{ task_key: "a", notebook_task: { notebook_path: "/x" } }],
        },
      },
    ];
    const { requests, questions } = await answerTicket(
      "orders-daily\nStatus: please pause it",
      jobs as never,
    );
    expect(questions).toEqual([]);
    expect(JSON.stringify(requests)).toMatch(/PAUSED/);
  });
});
