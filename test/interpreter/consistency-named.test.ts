// The requirement-vs-plan check uses the accounting (issue #15): a zone, a clock time or a recipient the words name
// that the spec to apply does not use is a consistency finding; values the words retire are not.
import { describe, expect, it } from "vitest";
import type { JobSettings, WorkItem } from "../../src/domain/model.js";
import { checkConsistency } from "../../src/techlead/interpreter/index.js";
import type { RequirementDoc } from "../../src/techlead/types.js";

const doc = (body: string): RequirementDoc => ({
  file: "jobs/ledger.md",
  text: body,
  frontMatter: {},
  body,
  bodyLine: 1,
});
const item: WorkItem = { key: "ledger", action: "create" };
const spec = (over: Partial<JobSettings>): JobSettings => ({
  name: "ledger",
  tasks: [{ task_key: "close", notebook_task: { notebook_path: "/Repos/fin/close" } }],
  ...over,
});
const daily = (expr: string, tz: string) => ({
  quartz_cron_expression: expr,
  timezone_id: tz,
  pause_status: "UNPAUSED",
});

describe("consistency accounting of zones, times and recipients", () => {
  it("flags a named IANA zone the schedule does not use, quoting it with its line", () => {
    const found = checkConsistency(
      doc("Close the ledger with /Repos/fin/close.\nRun it at 3:30am Europe/London every day."),
      item,
      spec({ schedule: daily("0 30 3 * * ?", "UTC") }),
    );
    const zone = found.find((d) => d.path === "schedule.timezone_id");
    expect(zone, JSON.stringify(found)).toMatchObject({ line: 2, severity: "warning" });
    expect(zone?.message).toContain("Europe/London");
  });

  it("flags a recipient the plan never notifies and a time the schedule never runs at", () => {
    const found = checkConsistency(
      doc(
        "Run /Repos/fin/close every weekday at 7:30 PM.\nEmail fin-ops@acme.com and controller@acme.com on failure.",
      ),
      item,
      spec({
        schedule: daily("0 0 6 ? * MON-FRI", "UTC"),
        email_notifications: { on_failure: ["fin-ops@acme.com"] },
      }),
    );
    const messages = found.map((d) => d.message).join("\n");
    expect(messages).toContain("controller@acme.com");
    expect(messages).not.toMatch(/fin-ops@acme\.com"; the plan sends nothing/);
    expect(
      found.some((d) => d.path === "schedule.quartz_cron_expression" && d.message.includes("7:30")),
    ).toBe(true);
  });

  it("is silent when the spec uses every value, and for values the words retire", () => {
    const body =
      "Run /Repos/fin/close daily at 06:15 Berlin time.\nEmail new-owner@acme.com on failure instead of old-owner@acme.com.\nIt currently runs at 04:00.";
    const found = checkConsistency(
      doc(body),
      item,
      spec({
        schedule: daily("0 15 6 * * ?", "Europe/Berlin"),
        email_notifications: { on_failure: ["new-owner@acme.com"] },
      }),
    );
    expect(found.map((d) => d.message)).toEqual([]);
  });
});
