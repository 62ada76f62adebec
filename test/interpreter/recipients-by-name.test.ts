/**
 * Recipients named by first name or pronoun: "on success, just Priya" (an address the ticket gives), "bob left —
 * take him off the failure emails" (an address the job has), and the traps: a team alias is not a person
 * ("apac-ops@" and "the APAC team starts its day"), and a name in a clause that takes someone off never adds them.
 * The tickets here are written for this test (not copied from test/eval).
 */
import { describe, expect, it } from "vitest";
import { answerTicket as answer } from "../support/interpret-ticket.js";
import type { WorkspaceJob } from "../../src/domain/model.js";

const recon: WorkspaceJob = {
  job_id: 5150,
  settings: {
    name: "payments-recon",
    email_notifications: {
      on_failure: ["alice.chen@pay.example", "bob.martin@pay.example"],
      on_success: ["alice.chen@pay.example"],
    },
    tasks: [{ task_key: "recon", notebook_task: { notebook_path: "/Repos/pay/recon" } }],
  },
};

const emailsAfter = (body: Record<string, unknown>) =>
  (body.new_settings as { email_notifications?: Record<string, string[]> }).email_notifications;

describe("recipients by name", () => {
  it("'on success, just Priya' is the address the ticket gives Priya", async () => {
    const { requests, questions } = await answer(
      [
        "Job name: gl-recon",
        "Notebook: /Workspace/Finance/recon/gl_recon, weekdays at 6pm London time.",
        "Please email finance-recon@bank.example and priya.nair@bank.example if it fails; on success, just Priya.",
      ].join("\n"),
    );
    expect(questions).toEqual([]);
    expect(requests[0]!.body.email_notifications).toEqual({
      on_failure: ["finance-recon@bank.example", "priya.nair@bank.example"],
      on_success: ["priya.nair@bank.example"],
    });
  });

  it("a team alias is not a person: 'the APAC team starts its day' adds no on_start", async () => {
    const { requests } = await answer(
      "Create job sla-report running /Repos/ops/sla/report daily at 5am UTC, ready before the APAC team starts their day. Email apac-ops@acme.example if it fails.",
    );
    expect(requests[0]?.body.email_notifications).toEqual({ on_failure: ["apac-ops@acme.example"] });
  });

  it("'bob left — take him off the failure emails' takes off the address the job has for bob", async () => {
    const { requests, questions } = await answer(
      "bob left the team, so on payments-recon please take him off the failure emails.",
      [recon],
    );
    expect(questions).toEqual([]);
    expect(emailsAfter(requests[0]!.body)?.on_failure).toEqual(["alice.chen@pay.example"]);
  });

  it("'take him off' with nobody named asks who", async () => {
    const { requests, questions } = await answer(
      "On payments-recon please take him off the failure emails.",
      [recon],
    );
    expect(requests).toEqual([]);
    expect(questions.join(" ")).toMatch(/Whose address should come off/);
  });

  it("a name in a clause that takes someone off never adds them", async () => {
    const { requests, questions } = await answer(
      "On payments-recon please take alice off the failure emails.",
      [recon],
    );
    expect(questions).toEqual([]);
    const emails = emailsAfter(requests[0]!.body);
    expect(emails?.on_failure).toEqual(["bob.martin@pay.example"]);
    expect(emails?.on_success).toEqual(["alice.chen@pay.example"]);
  });

  it("a first name in a clause that keeps someone out never adds them ('carol stays off the success mails')", async () => {
    const { requests } = await answer(
      "On payments-recon, add carol.diaz@pay.example to the failure emails. carol stays off the success mails.",
      [recon],
    );
    const success = requests.flatMap((r) => emailsAfter(r.body)?.on_success ?? []);
    expect(success).not.toContain("carol.diaz@pay.example");
  });
});
