/**
 * When a ticket says to notify: the condition may open the sentence after a list marker or a label ("* if a run goes
 * over 45 minutes, warn X", "Alerts: if it fails, email X"), sit in a pasted key ("notify_on_success: yes"), or be
 * turned down for the writer ("please don't email me on failure"). The tickets here are written for this test (not
 * copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket, onlyRequest } from "../support/interpret-ticket.js";

const CODE = "Create job ops-digest running notebook /Repos/ops/digest/main daily at 06:00 UTC.";

const settingsOf = async (ticket: string) => (await onlyRequest(ticket)).body;

describe("notification conditions", () => {
  it("a condition after a label: 'Alerts: if it fails, email X'", async () => {
    const s = await settingsOf(`${CODE}\nAlerts: if it fails, email ops@acme.io.`);
    expect(s.email_notifications).toEqual({ on_failure: ["ops@acme.io"] });
  });

  it("a duration condition after a list marker: '* if a run goes over 45 minutes, warn X'", async () => {
    const s = await settingsOf(`${CODE}\n\n* if a run goes over 45 minutes, warn ops@acme.io`);
    expect(s.email_notifications).toEqual({ on_duration_warning_threshold_exceeded: ["ops@acme.io"] });
    expect(s.health).toEqual({
      rules: [{ metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: 2700 }],
    });
  });

  it("the event of a pasted key: 'notify_on_success ops@acme.io'", async () => {
    const s = await settingsOf(`${CODE}\nnotify_on_success: ops@acme.io`);
    expect(s.email_notifications).toEqual({ on_success: ["ops@acme.io"] });
  });

  it("a destination's event, and a notification the writer turns down for themselves", async () => {
    const hook = "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e";
    const s = await settingsOf(
      `${CODE}\n* on failure, page us through the PagerDuty notification destination, id ${hook}\n* please don't email me on failure, the page is enough`,
    );
    expect(s.webhook_notifications).toEqual({ on_failure: [{ id: hook }] });
    expect(s.email_notifications).toBeUndefined();
  });

  it("a turned-down notification beside an address does not hide the address (it is asked about, not dropped)", async () => {
    const { requests, questions } = await answerTicket(
      `${CODE}\nDon't email me on failure, email ops@acme.io instead.`,
      [],
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/ops@acme\.io/);
  });
});
