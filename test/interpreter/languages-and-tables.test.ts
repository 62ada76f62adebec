/**
 * Two silently wrong readings of batch-3 (x01, a04): day names in the author's own language were dropped (a
 * weekday job became a daily one), and a task table's "Depends on" column was ignored (the steps ran side by
 * side). The tickets here are written for this test, not copied from test/eval.
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { JsonObject } from "../../src/domain/model.js";

async function job(body: string): Promise<JsonObject> {
  const { requests, questions } = await answer(body, []);
  expect(questions).toEqual([]);
  expect(requests).toHaveLength(1);
  return requests[0]!.body;
}

const schedule = async (when: string) =>
  (await job(`Job "ledger-sync" runs the notebook /Repos/fin/ledger_sync ${when}.`)).schedule as JsonObject;

describe("day names and clock habits of other languages", () => {
  it.each([
    ["Montag bis Freitag, 19:00 Uhr (Berlin)", "0 0 19 ? * MON-FRI", "Europe/Berlin"],
    ["Mo-Fr 18.30 Uhr, Berlin time", "0 30 18 ? * MON-FRI", "Europe/Berlin"],
    ["montags um 7 Uhr, Berlin time", "0 0 7 ? * MON", "Europe/Berlin"],
    ["du lundi au vendredi à 7h30 (Paris)", "0 30 7 ? * MON-FRI", "Europe/Paris"],
    ["de lunes a viernes a las 8:00, hora de Madrid", "0 0 8 ? * MON-FRI", "Europe/Madrid"],
    ["de segunda a sexta às 18h, horário de São Paulo", "0 0 18 ? * MON-FRI", "America/Sao_Paulo"],
    ["van maandag tot vrijdag om 6:00 Amsterdam time", "0 0 6 ? * MON-FRI", "Europe/Amsterdam"],
    ["every Samstag at 6am UTC", "0 0 6 ? * SAT", "UTC"],
  ])("%s", async (when, cron, zone) => {
    expect(await schedule(when)).toMatchObject({ quartz_cron_expression: cron, timezone_id: zone });
  });

  it("leaves a capitalised first name that is also a day alone (a signature), and quoted names as written", async () => {
    const body =
      'Job "Freitag Report" runs the notebook /Repos/fin/montag_report daily at 6am UTC.\n\nThanks,\nDomingo';
    const settings = await job(body);
    expect(settings.name).toBe("Freitag Report");
    expect(settings.schedule).toMatchObject({ quartz_cron_expression: "0 0 6 * * ?" });
    expect((settings.tasks as JsonObject[])[0]).toMatchObject({
      notebook_task: { notebook_path: "/Repos/fin/montag_report" },
    });
  });

  it("does not read a duration written with h as a clock time", async () => {
    const settings = await job(
      'Job "ledger-sync" runs the notebook /Repos/fin/ledger_sync every day at 5am UTC, timeout 4h.',
    );
    expect(settings.schedule).toMatchObject({ quartz_cron_expression: "0 0 5 * * ?" });
  });
});

describe("a task table with a Depends on column", () => {
  const table = (rows: string) => `Job "Month End" runs on the 1st of each month at 3am UTC.

| Step | Runs | Depends on |
|------|------|------------|
${rows}
`;
  const tasks = async (rows: string) =>
    ((await job(table(rows))).tasks as JsonObject[]).map((t) => ({
      key: t.task_key,
      after: ((t.depends_on as JsonObject[] | undefined) ?? []).map((d) => d.task_key),
    }));

  it("names each task from the Step column and makes it wait for the steps its row names", async () => {
    expect(
      await tasks(`| Extract Ledger | notebook \`/Repos/fin/close/extract\` | — |
| Build Accruals | python file \`/Workspace/fin/close/accruals.py\` | Extract Ledger |
| Publish | notebook \`/Repos/fin/close/publish\` | Build Accruals, Extract Ledger |`),
    ).toEqual([
      { key: "extract_ledger", after: [] },
      { key: "build_accruals", after: ["extract_ledger"] },
      { key: "publish", after: ["build_accruals", "extract_ledger"] },
    ]);
  });

  it("keeps rows of equal length apart (a table is not a wrapped paragraph) and reads 'none' as no wait", async () => {
    expect(
      await tasks(`| Load Orders Table | notebook \`/Repos/fin/close/orders_load\` | none |
| Load Refunds Table | notebook \`/Repos/fin/close/refund_load\` | none |
| Join Both Of Them | notebook \`/Repos/fin/close/joined_all\` | Load Orders Table and Load Refunds Table |`),
    ).toEqual([
      { key: "load_orders_table", after: [] },
      { key: "load_refunds_table", after: [] },
      { key: "join_both_of_them", after: ["load_orders_table", "load_refunds_table"] },
    ]);
  });
});

describe("the job's name in a title, a bullet or a table of facts (batch-3 fell back to the file's name)", () => {
  const name = async (body: string) => (await job(body)).name;

  it.each([
    [
      "kpi-daily: run /Workspace/Shared/sql/kpis.sql on warehouse 4b9d2e7f1a3c5e60 every weekday 7am CET",
      "kpi-daily",
    ],
    [
      "# Customer Health Score\n\nRun the notebook /Repos/cs/score daily at 7am UTC.",
      "Customer Health Score",
    ],
    ["- Name: Inventory Forecast\n- Notebook /Repos/a/forecast\n- daily at 8 UTC", "Inventory Forecast"],
    [
      "| field | value |\n|---|---|\n| name | Inventory Forecast |\n| notebook | /Repos/a/forecast |\n| schedule | daily at 8 UTC |",
      "Inventory Forecast",
    ],
  ])("%s", async (body, expected) => {
    expect(await name(body)).toBe(expected);
  });

  it("takes no name from a generic heading, or a parameter table's header", async () => {
    expect(await name("# New job request\n\nRun the notebook /Repos/cs/score daily at 7am UTC.")).toBe("req");
    const params = `Job \`wiki-ingest\` runs the notebook /Repos/wiki/ingest every hour.

Notebook params:

| name | value |
|---|---|
| secret_scope | wiki |
`;
    expect(await name(params)).toBe("wiki-ingest");
  });
});
