// Which flow a run takes, from the `mode` input and the GitHub event (action.yml documents the table under `mode`).
import { describe, expect, it } from "vitest";
import { chooseFlow, type Flow } from "../../src/action/main.js";
import type { PullRequestContext } from "../../src/action/context.js";
import type { ActionInputs } from "../../src/action/inputs.js";

const pr: PullRequestContext = {
  number: 7,
  action: "opened",
  headRef: "feature",
  headSha: "a".repeat(40),
  baseRef: "main",
  baseSha: "b".repeat(40),
  fromFork: false,
};

// mode, event, with a pull request in the payload, → flow
const TABLE: Array<[ActionInputs["mode"], string, boolean, Flow]> = [
  ["auto", "pull_request", true, "pull-request"],
  ["auto", "pull_request_target", true, "pull-request"],
  ["auto", "pull_request", false, "skip"],
  ["auto", "push", false, "apply"],
  ["auto", "workflow_dispatch", false, "drift"],
  ["auto", "schedule", false, "drift"],
  ["auto", "issue_comment", false, "comment-command"], // the flow answers only /jobagent commands on pull requests
  ["auto", "release", false, "skip"],
  ["tech-lead", "pull_request", true, "tech-lead"],
  ["tech-lead", "push", false, "tech-lead"],
  ["plan", "pull_request", true, "pull-request"],
  ["plan", "push", false, "plan-readonly"],
  ["plan", "workflow_dispatch", false, "plan-readonly"],
  ["apply", "push", false, "apply"],
  ["apply", "workflow_dispatch", false, "apply"],
  ["drift", "schedule", false, "drift"],
  ["drift", "pull_request", true, "drift"],
];

describe("chooseFlow", () => {
  it.each(TABLE)("mode %s on %s (pull request: %s) → %s", (mode, eventName, withPr, flow) => {
    expect(chooseFlow(mode, { eventName, pullRequest: withPr ? pr : undefined })).toBe(flow);
  });

  it("a tag push in auto mode is skipped; in apply mode it still reaches the apply flow (which refuses a non-branch ref)", () => {
    expect(chooseFlow("auto", { eventName: "push", ref: "refs/tags/v1.0.0" })).toBe("skip");
    expect(chooseFlow("auto", { eventName: "push", ref: "refs/heads/main" })).toBe("apply");
    expect(chooseFlow("apply", { eventName: "push", ref: "refs/tags/v1.0.0" })).toBe("apply");
  });
});
