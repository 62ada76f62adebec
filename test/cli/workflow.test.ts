/**
 * The workflow a newcomer copies is one text: `jobagent init` writes it, this repository's
 * .github/workflows/jobagent.yml is it, docs/action.md shows it. It must start the action on every event the action
 * handles (pull requests, merges, comment commands, the drift schedule), check out a fork's head, and pass only
 * inputs action.yml declares.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { workflowText } from "../../src/cli/commands/init.js";

const repo = (file: string) => readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), "utf8");

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

describe("the workflow that runs the action", () => {
  it("is the same text in init, in .github/workflows and in docs/action.md", () => {
    const text = workflowText("jobs");
    expect(repo(".github/workflows/jobagent.yml")).toBe(text);
    expect(repo("docs/action.md")).toContain("```yaml\n" + text + "```");
  });

  it("starts on pull requests, merges, comment commands, on demand and on a schedule, for the jobs directory given", () => {
    const workflow = parse(workflowText("pipelines")) as {
      on: Record<string, { paths?: string[]; types?: string[] } | null>;
      permissions: Record<string, string>;
      jobs: Record<string, { if?: string; steps: Step[] }>;
    };
    expect(Object.keys(workflow.on).sort()).toEqual(
      ["issue_comment", "pull_request", "push", "schedule", "workflow_dispatch"].sort(),
    );
    expect(workflow.on.pull_request?.paths).toContain("pipelines/**");
    expect(workflow.on.push?.paths).toContain("pipelines/**");
    expect(workflow.on.issue_comment?.types).toEqual(["created"]);
    expect(workflow.permissions).toMatchObject({ contents: "write", "pull-requests": "write" });
    const job = Object.values(workflow.jobs)[0];
    expect(job?.if).toMatch(/issue_comment.*startsWith\(github\.event\.comment\.body, '\/jobagent'\)/);
    const checkout = job?.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toMatchObject({
      repository: "${{ github.event.pull_request.head.repo.full_name || github.repository }}",
      ref: "${{ github.head_ref }}",
      "fetch-depth": 0,
    });
    const action = job?.steps.find((s) => s.uses?.startsWith("databricks-job-agent/jobagent@"));
    expect(action?.with?.["jobs-dir"]).toBe("pipelines");
    const inputs = Object.keys((parse(repo("action.yml")) as { inputs: Record<string, unknown> }).inputs);
    for (const input of Object.keys(action?.with ?? {})) expect(inputs, `input ${input}`).toContain(input);
  });
});
