/**
 * Tickets that arrive as messages (a signature, a disclaimer, a reply quoting an older message, a chat transcript,
 * an issue form) and trigger timing said in words. The envelope is not the ask: a phone number in a signature is
 * not a notification, the sender's own address is not a recipient, an older quoted message does not add a
 * schedule, "**tom** 16:40" is not a time. The tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { JsonObject } from "../../src/domain/model.js";
import { stripEnvelope } from "../../src/techlead/interpreter/envelope.js";

async function created(body: string): Promise<JsonObject> {
  const { requests, questions } = await answer(body);
  expect(questions).toEqual([]);
  expect(requests).toHaveLength(1);
  return requests[0]!.body;
}

describe("the envelope of a message", () => {
  it("a signature with a phone number, the sender's address and a disclaimer is not part of the ask", async () => {
    const body = await created(
      [
        "Hi team,",
        "",
        "Please set up job fx-rates-load: notebook /Repos/treasury/fx/load_rates, every weekday at 07:15 London time.",
        "Email treasury-data@bank.example if it fails.",
        "",
        "Kind regards,",
        "Ana Ruiz",
        "Treasury Data | Bank Example",
        "+44 20 7946 0958 | ana.ruiz@bank.example",
        "This e-mail may contain confidential information. If you are not the intended recipient, please delete it.",
      ].join("\n"),
    );
    expect(body.name).toBe("fx-rates-load");
    expect(body.email_notifications).toEqual({ on_failure: ["treasury-data@bank.example"] });
    expect(body.schedule).toMatchObject({
      quartz_cron_expression: "0 15 7 ? * MON-FRI",
      timezone_id: "Europe/London",
    });
  });

  it("a postscript under the sign-off is still read", async () => {
    const body = await created(
      [
        "Create job fx-rates-load: notebook /Repos/treasury/fx/load_rates daily at 6am UTC.",
        "",
        "Thanks,",
        "Ana",
        "",
        "P.S. email treasury-data@bank.example when it fails",
      ].join("\n"),
    );
    expect(body.email_notifications).toEqual({ on_failure: ["treasury-data@bank.example"] });
  });

  it("an older message quoted under 'On … wrote:' does not add to a message that names its code", async () => {
    const body = await created(
      [
        "Here is what we agreed: job catalog-loader runs /Workspace/Shared/vendors/load_catalog.py",
        "whenever new files arrive in s3://acme-landing/catalogs/.",
        "",
        "Best,",
        "Kofi",
        "",
        "> On Tue, 3 Nov, Rachel Kim <rachel.kim@acme.example> wrote:",
        "> Could we also run it daily at 6am as a backup?",
      ].join("\n"),
    );
    expect(body.trigger).toEqual({
      file_arrival: { url: "s3://acme-landing/catalogs/" },
      pause_status: "UNPAUSED",
    });
    expect(body.schedule).toBeUndefined();
    expect(body.email_notifications).toBeUndefined();
  });

  it("an issue form's '### Label' headings give their one-line answers; '_No response_' says nothing", async () => {
    const body = await created(
      [
        "### Job name",
        "",
        "invoice-ingest",
        "",
        "### What should it run?",
        "",
        "Notebook `/Workspace/Teams/ap/ingest_invoices`",
        "",
        "### Schedule",
        "",
        "daily at 05:30 UTC",
        "",
        "### Compute",
        "",
        "_No response_",
        "",
        "### Who should be notified?",
        "",
        "On failure: ap-team@contoso.example",
        "On success: _No response_",
      ].join("\n"),
    );
    expect(body.name).toBe("invoice-ingest");
    expect(body.schedule).toMatchObject({ quartz_cron_expression: "0 30 5 * * ?", timezone_id: "UTC" });
    expect(body.email_notifications).toEqual({ on_failure: ["ap-team@contoso.example"] });
  });

  it("who said it and when, before each line of a chat transcript, is not a time", () => {
    const text = stripEnvelope(
      ["**#data-requests**", "", "**tom** 16:40 — please rm job 2602", "**ana** 16:43 — ok"].join("\n"),
    );
    expect(text.split("\n")).toEqual(["", "", "please rm job 2602", "ok"]);
  });

  it("a line under a sign-off that holds something a job could use is not signature", () => {
    const text = stripEnvelope(["Thanks!", "Also retry it twice."].join("\n"));
    expect(text).toContain("Also retry it twice.");
  });

  it("lines are blanked, never removed: file line numbers stay", () => {
    const body = ["Run /Repos/a/b daily.", "", "Cheers,", "Bo", "+1 555 0100"].join("\n");
    expect(stripEnvelope(body).split("\n")).toHaveLength(5);
  });
});

describe("a schedule taken back, and a trigger's timing", () => {
  it("'(the daily 6am run was dropped — no schedule)' beside a file-arrival trigger asks nothing", async () => {
    const body = await created(
      [
        "Job name: scans-loader",
        "Python file: /Workspace/Shared/ops/load_scans.py",
        "Trigger: when new files arrive in /Volumes/ops/landing/scans/",
        "(The daily 6am run we talked about was dropped on the call: the trigger is enough, no schedule.)",
      ].join("\n"),
    );
    expect(body.schedule).toBeUndefined();
    expect((body.trigger as JsonObject).file_arrival).toEqual({ url: "/Volumes/ops/landing/scans/" });
  });

  it("'no more than once every 5 minutes' and 'wait 2 minutes after the last file changes' time the trigger", async () => {
    const body = await created(
      [
        "Job name: scans-loader",
        "Python file: /Workspace/Shared/ops/load_scans.py",
        "Run it when new files land in /Volumes/ops/landing/scans/, but don't fire more than once every 5 minutes,",
        "and wait 2 minutes after the last file changes before starting.",
      ].join("\n"),
    );
    expect(body.schedule).toBeUndefined();
    expect(body.trigger).toEqual({
      file_arrival: {
        url: "/Volumes/ops/landing/scans/",
        min_time_between_triggers_seconds: 300,
        wait_after_last_change_seconds: 120,
      },
      pause_status: "UNPAUSED",
    });
  });

  it("'at most once per hour' on a table-update trigger", async () => {
    const body = await created(
      "Create job sales-refresh running /Repos/bi/refresh_sales whenever table main.sales.orders is updated, at most once per hour.",
    );
    expect(body.trigger).toEqual({
      table_update: { table_names: ["main.sales.orders"], min_time_between_triggers_seconds: 3600 },
      pause_status: "UNPAUSED",
    });
  });

  it("'every 5 minutes' on its own is still a schedule", async () => {
    const body = await created("Create job poller-x running /Repos/ops/poll every 5 minutes.");
    expect(body.schedule).toMatchObject({ quartz_cron_expression: "0 0/5 * * * ?" });
  });
});

describe("a labelled background", () => {
  it("'Background: …' says why, not what: its months and days are not the schedule's", async () => {
    const body = await created(
      [
        "Background: since the reorg in March the team in Sydney rebuilds the deck by hand, which takes most of",
        "Monday morning. We expect the job to save ~6 analyst hours a week.",
        "",
        "What we need:",
        "- notebook /Workspace/Teams/merch/range_prep",
        "- Sunday evening, 23:30 Sydney time",
        "- job name: Range Review Prep (APAC)",
        "- tags: project RANGE-2027, team merch-apac",
      ].join("\n"),
    );
    expect(body.name).toBe("Range Review Prep (APAC)");
    expect(body.schedule).toMatchObject({
      quartz_cron_expression: "0 30 23 ? * SUN",
      timezone_id: "Australia/Sydney",
    });
    expect(body.tags).toEqual({ project: "RANGE-2027", team: "merch-apac" });
  });
});
