/**
 * Readings the batch-3 testers found silently wrong: each is now read as the words say, or asked about. The tickets
 * here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { WorkspaceJob } from "../../src/domain/model.js";

async function cron(body: string, jobs: WorkspaceJob[] = []): Promise<string | undefined> {
  const { requests, questions } = await answer(body, jobs);
  expect(questions).toEqual([]);
  const schedule = requests[0]?.body.schedule as { quartz_cron_expression?: string } | undefined;
  return schedule?.quartz_cron_expression;
}

async function asked(body: string, jobs: WorkspaceJob[] = []): Promise<string> {
  const { requests, questions } = await answer(body, jobs);
  expect(requests).toEqual([]);
  expect(questions.length).toBeGreaterThan(0);
  return questions.join(" | ");
}

const job = (when: string) => `Job "stock-sync" runs the notebook /Repos/ops/stock_sync ${when}.`;

describe("intervals Quartz cannot keep even", () => {
  it.each([
    ["every 90 minutes", /every hour.*hourly or every 2 hours/],
    ["every 40 minutes", /restarts the count every hour.*:00, :40.*every 30 or every 60 minutes/],
    ["every 9 hours", /midnight.*every 8 hours or every 12 hours/],
    ["every 5 hours", /midnight.*every 4 hours or every 6 hours/],
    ["every 30 hours", /more than a day/],
    ["every 2 days at 03:00", /2 days apart/],
    ["every four days", /4 days apart/],
    ["every hour and a half", /90 minutes apart/],
    ["every 1.5 hours", /90 minutes/],
  ])("asks about %s, saying why", async (when, why) => {
    expect(await asked(job(when))).toMatch(why);
  });

  it.each([
    ["every 20 minutes", "0 0/20 * * * ?"],
    ["every 3 hours", "0 0 0/3 * * ?"],
    ["every 120 minutes", "0 0 0/2 * * ?"],
    ["every 60 minutes", "0 0 * * * ?"],
    ["every minute", "0 0/1 * * * ?"],
  ])("reads %s", async (when, expression) => {
    expect(await cron(job(when))).toBe(expression);
  });
});

describe("schedules limited to some months", () => {
  // A daily or monthly schedule would run in every month: the months are written into Quartz's month field.
  it.each([
    ["quarterly, on the first day of each quarter at 07:00", "0 0 7 1 1,4,7,10 ?"],
    ["on the last day of each quarter at 23:00", "0 0 23 L 3,6,9,12 ?"],
    ["every year on 1 March at 05:00", "0 0 5 1 3 ?"],
    ["yearly on March 1st at 5am", "0 0 5 1 3 ?"],
    ["annually on 15 Dec at 9pm", "0 0 21 15 12 ?"],
    ["every day in November at 06:00", "0 0 6 * 11 ?"],
    ["on weekdays at 7am in January and July", "0 0 7 ? 1,7 MON-FRI"],
  ])("reads %s into the month field", async (when, expected) => {
    expect(await cron(job(when))).toBe(expected);
  });

  it.each([
    ["quarterly at 07:00", /which day of each quarter/],
    ["every year at 05:00", /which date each year/],
    ["on March 15 at 6am", /single date is not a schedule/],
  ])("asks when %s leaves the day open", async (when, why) => {
    expect(await asked(job(when))).toMatch(why);
  });

  it("asks about a change of months in an update (the job's month field would be kept silently)", async () => {
    const jobs = [
      {
        job_id: 77,
        settings: {
          name: "stock-sync",
          tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Repos/ops/stock_sync" } }],
          schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC" },
        },
      },
    ];
    expect(await asked("Change stock-sync to run every day in December at 06:00.", jobs)).toMatch(
      /months .* not read/,
    );
  });

  it("does not read the verb may as a month", async () => {
    expect(await cron(job("daily at 6am; step 2 may take long"))).toBe("0 0 6 * * ?");
  });

  it("does not ask about a month in a line that says no schedule", async () => {
    expect(
      await cron(
        'Job "stock-sync" runs the notebook /Repos/ops/stock_sync daily at 6am.\nIt replaces the March backfill.',
      ),
    ).toBe("0 0 6 * * ?");
  });
});

describe("business hours and minutes past the hour", () => {
  it("asks which hours 'business hours' are when the words do not say", async () => {
    expect(await asked(job("every 20 minutes during business hours"))).toMatch(/which hours/);
  });

  it("keeps the hours 'business hours' are given with", async () => {
    expect(await cron(job("every 20 minutes during business hours (8-6 weekdays)"))).toBe(
      "0 0/20 8-17 ? * MON-FRI",
    );
  });

  it("reads business hours defined in another line", async () => {
    expect(
      await cron(`${job("every 20 minutes during business hours")}\nOur business hours = 8 to 4, Mon–Fri.`),
    ).toBe("0 0/20 8-15 ? * MON-FRI");
  });

  it.each([
    ["hourly at quarter past", "0 15 * * * ?"],
    ["every hour at half past", "0 30 * * * ?"],
    ["every 3 hours at quarter past", "0 15 0/3 * * ?"],
  ])("reads %s", async (when, expression) => {
    expect(await cron(job(when))).toBe(expression);
  });
});

describe("negated notifications and retries", () => {
  const body = async (words: string) => {
    const { requests, questions } = await answer(`${job("daily at 6am")}\n${words}`);
    expect(questions).toEqual([]);
    return requests[0].body as Record<string, unknown>;
  };

  it("does not email on an event the words rule out", async () => {
    expect((await body("Email ops@acme.io on success (not on failure).")).email_notifications).toEqual({
      on_success: ["ops@acme.io"],
    });
    expect(
      (await body("Email ops@acme.io when it starts or fails, but not when it succeeds."))
        .email_notifications,
    ).toEqual({ on_start: ["ops@acme.io"], on_failure: ["ops@acme.io"] });
  });

  it("gives each side of a 'but' its own recipients", async () => {
    expect(
      (await body("Email ops@acme.io and lead@acme.io on failure, but only lead@acme.io on success."))
        .email_notifications,
    ).toEqual({ on_failure: ["ops@acme.io", "lead@acme.io"], on_success: ["lead@acme.io"] });
  });

  it("does not retry on timeout when the words say not to", async () => {
    const tasks = (await body("Retry twice but not on timeout.")).tasks as Array<Record<string, unknown>>;
    expect(tasks[0].max_retries).toBe(2);
    expect(tasks[0].retry_on_timeout).toBeUndefined();
  });
});

describe("zone words", () => {
  const zone = async (words: string) => {
    const { requests, questions } = await answer(job(`daily at ${words}`));
    expect(questions).toEqual([]);
    return (requests[0].body.schedule as { timezone_id: string }).timezone_id;
  };

  it.each([
    ["8 PM Central European Time", "Europe/Berlin"],
    ["8 PM central european summer time", "Europe/Berlin"],
    ["8 PM Indian time", "Asia/Kolkata"],
    ["8 PM IST (India Standard Time)", "Asia/Kolkata"],
    ["8 AM San Francisco time", "America/Los_Angeles"],
    ["8 AM Houston time", "America/Chicago"],
    ["8 AM Munich time", "Europe/Berlin"],
    ["8 AM Mumbai time", "Asia/Kolkata"],
    ["8 AM Tel Aviv time", "Asia/Jerusalem"],
    ["8am Central time", "America/Chicago"],
  ])("%s → %s", async (words, id) => {
    expect(await zone(words)).toBe(id);
  });

  it("asks about a place it cannot map instead of using UTC", async () => {
    expect(await asked(job("daily at 8 AM Gotham time"))).toMatch(/"Gotham"/);
  });
});

describe("sentence punctuation after paths and values", () => {
  it("does not glue a question mark to a notebook path or a parameter value", async () => {
    const { requests, questions } = await answer(
      'Could you set up job "ledger" for /Repos/fin/close_books? Notebook params: region=emea?',
    );
    expect(questions).toEqual([]);
    const nb = (requests[0].body.tasks as Array<{ notebook_task: Record<string, unknown> }>)[0].notebook_task;
    expect(nb.notebook_path).toBe("/Repos/fin/close_books");
    expect(nb.base_parameters).toEqual({ region: "emea" });
  });

  it("reads one quoted notebook parameter", async () => {
    const { requests } = await answer(
      "Job \"ledger\" for notebook /Repos/fin/close_books with notebook parameter region='emea'",
    );
    const nb = (requests[0].body.tasks as Array<{ notebook_task: Record<string, unknown> }>)[0].notebook_task;
    expect(nb.base_parameters).toEqual({ region: "emea" });
  });
});

describe("schedule updates that add or drop a part", () => {
  const existing = (cron: string): WorkspaceJob => ({
    job_id: 77,
    settings: {
      name: "Stock Sync",
      schedule: { quartz_cron_expression: cron, timezone_id: "UTC", pause_status: "UNPAUSED" },
      tasks: [{ task_key: "stock_sync", notebook_task: { notebook_path: "/Repos/ops/stock_sync" } }],
    },
  });
  const updated = async (words: string, cron: string) => {
    const jobs = [existing(cron)];
    const { requests, questions } = await answer(words, jobs);
    expect(questions).toEqual([]);
    const body = requests[0].body as { new_settings?: { schedule?: { quartz_cron_expression: string } } };
    return body.new_settings?.schedule?.quartz_cron_expression;
  };

  it("adds days said with 'too' / 'also'", async () => {
    expect(await updated("Stock Sync should run on Sundays too.", "0 0 6 ? * MON-FRI")).toBe(
      "0 0 6 ? * MON,TUE,WED,THU,FRI,SUN",
    );
    expect(await updated("Stock Sync: also run on Wednesdays.", "0 0 6 ? * MON,FRI")).toBe(
      "0 0 6 ? * MON,WED,FRI",
    );
  });

  it("adds an hour said with 'also', and asks when the minutes differ", async () => {
    expect(await updated("Stock Sync should also run at 18:00.", "0 0 6 ? * MON-FRI")).toBe(
      "0 0 6,18 ? * MON-FRI",
    );
    expect(await asked("Stock Sync should also run at 18:15.", [existing("0 0 6 ? * MON-FRI")])).toMatch(
      /another minute/,
    );
  });

  it("drops one day from the schedule, not the whole schedule", async () => {
    expect(await updated("Stock Sync: drop Friday from the schedule.", "0 0 6 ? * MON,WED,FRI")).toBe(
      "0 0 6 ? * MON,WED",
    );
  });
});

describe("a step that runs when another fails", () => {
  const tasksOf = async (ticket: string) => {
    const { requests, questions } = await answer(ticket);
    expect(questions).toEqual([]);
    return requests[0].body.tasks as Array<{ task_key: string; depends_on?: unknown; run_if?: string }>;
  };

  it.each([
    'Job "etl": run /Repos/w/publish as `publish`. If publish fails, run `cleanup` (/Repos/w/cleanup).',
    'Job "etl": run /Repos/w/publish as `publish`, then `cleanup` (/Repos/w/cleanup) on failure of publish.',
  ])("waits for it and runs only when it failed: %s", async (ticket) => {
    const cleanup = (await tasksOf(ticket)).find((t) => t.task_key === "cleanup");
    expect(cleanup).toMatchObject({ depends_on: [{ task_key: "publish" }], run_if: "AT_LEAST_ONE_FAILED" });
  });

  it("does not give the failure phrase to the step it names", async () => {
    const publish = (
      await tasksOf(
        'Job "etl": run /Repos/w/publish as `publish`. If publish fails, run `cleanup` (/Repos/w/cleanup).',
      )
    ).find((t) => t.task_key === "publish");
    expect(publish?.run_if).toBeUndefined();
    expect(publish?.depends_on).toBeUndefined();
  });
});

describe("fan-out after fan-in", () => {
  const deps = async (ticket: string) => {
    const { requests, questions } = await answer(ticket);
    expect(questions).toEqual([]);
    const tasks = requests[0].body.tasks as Array<{
      task_key: string;
      depends_on?: Array<{ task_key: string }>;
    }>;
    return Object.fromEntries(
      tasks.map((t) => [t.task_key, (t.depends_on ?? []).map((d) => d.task_key).sort()]),
    );
  };

  it("gives both steps after 'After X, a and b can both go at the same time' only X", async () => {
    expect(
      await deps(
        'Job "fx": `p1` (/Repos/f/p1) and `p2` (/Repos/f/p2) run in parallel, then `merge` (/Repos/f/merge) once both are done. After merge, `mail` (/Repos/f/mail) and `store` (/Repos/f/store) can both go at the same time.',
      ),
    ).toEqual({ p1: [], p2: [], merge: ["p1", "p2"], mail: ["merge"], store: ["merge"] });
  });

  it("gives 'a and b both run after X' to both", async () => {
    expect(
      await deps(
        'Job "fx":\n`p1` (/Repos/f/p1) runs first.\n`mail` (/Repos/f/mail) and `store` (/Repos/f/store) both run after p1.',
      ),
    ).toEqual({ p1: [], mail: ["p1"], store: ["p1"] });
  });
});

describe("a quoted job name is not a schedule", () => {
  it.each([
    'Job "Nightly Sweep" runs /Repos/ops/sweep.',
    "A job called **Weekly Rollup** that runs /Repos/ops/rollup.",
  ])("%s gets no schedule", async (ticket) => {
    const { requests, questions } = await answer(ticket);
    expect(questions).toEqual([]);
    expect(requests[0].body.schedule).toBeUndefined();
  });

  it("still reads a schedule said outside the name", async () => {
    expect(await cron('Job "Nightly Sweep" runs /Repos/ops/sweep every 4 hours.')).toBe("0 0 0/4 * * ?");
  });
});

describe("different days at different times", () => {
  it("asks instead of dropping the other days' time", async () => {
    expect(await asked(job("every weekday at 7 and on Sundays at 10"))).toMatch(/one clock time/);
  });

  it("still reads one time for several days", async () => {
    expect(await cron(job("on Mondays and Thursdays at 7"))).toBe("0 0 7 ? * MON,THU");
  });
});

describe("'once' and 'after' that are no order of steps", () => {
  it.each([
    "every night at 1am UTC. Retry once if it fails.",
    "every night at 1am UTC. It should time out after 30 minutes and retry 3 times.",
    "every night at 1am UTC, give up after 2 hours.",
  ])("%s", async (when) => {
    const { requests, questions } = await answer(job(when));
    expect(questions).toEqual([]);
    const tasks = requests[0]!.body.tasks as Array<{ depends_on?: unknown }>;
    expect(tasks[0]!.depends_on).toBeUndefined();
  });
});

describe("how many runs at once, and queueing the rest", () => {
  it.each([
    "every 10 minutes. Allow up to 3 runs at the same time; if more pile up, queue them rather than dropping.",
    "every 10 minutes. At most 3 runs at once, and queue anything beyond that.",
  ])("%s", async (when) => {
    const { requests, questions } = await answer(job(when));
    expect(questions).toEqual([]);
    expect(requests[0]!.body).toMatchObject({ max_concurrent_runs: 3, queue: { enabled: true } });
  });
});
