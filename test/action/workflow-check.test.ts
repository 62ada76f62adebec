// The plan comment's "merging will not apply" check over the workflow's `on: push` filter (src/action/workflow-check.ts).
import { describe, expect, it } from "vitest";
import { pushTriggerProblems, workflowPathOf } from "../../src/action/workflow-check.js";

const check = (on: string, defaultBranch = "main", jobsDir = "jobs") =>
  pushTriggerProblems(`name: w\non:\n${on}\njobs: {}\n`, ".github/workflows/w.yml", {
    defaultBranch,
    jobsDir,
  });

describe("pushTriggerProblems", () => {
  it("says nothing when the push of the merge runs the workflow", () => {
    expect(check("  push:\n    branches: [main]\n    paths: ['jobs/**']")).toEqual([]);
    expect(check("  push:")).toEqual([]);
    expect(check("  push:\n    branches: ['release/**', 'ma*']")).toEqual([]);
    expect(check("  push:\n    branches: ['*', '!feature']")).toEqual([]);
    expect(check("  push:\n    paths: ['**/*.md']", "main", "data/jobs")).toEqual([]);
    // no push trigger at all: another workflow may apply
    expect(check("  pull_request:")).toEqual([]);
    expect(
      pushTriggerProblems("on: [push, pull_request]\n", "w.yml", { defaultBranch: "x", jobsDir: "jobs" }),
    ).toEqual([]);
  });

  it("names the default branch the filter leaves out", () => {
    expect(check("  push:\n    branches: [main]", "master")[0]).toContain(
      "leaves out this repository's default branch `master`. Change `on: push: branches:` to `[master]`.",
    );
    expect(check("  push:\n    branches: ['*', '!trunk']", "trunk")).toHaveLength(1);
    expect(check("  push:\n    branches-ignore: [trunk]", "trunk")[0]).toContain(
      "`branches-ignore: [trunk]`",
    );
  });

  it("names the jobs directory the paths filter leaves out", () => {
    expect(check("  push:\n    paths: ['jobs/**']", "main", "pipelines")[0]).toContain(
      'leaves out the jobs directory `pipelines/` (input `jobs-dir`). Add `"pipelines/**"` to `on: push: paths:`',
    );
    expect(check("  push:\n    paths: ['jobs/*']", "main", "jobs")).toEqual([]);
    expect(check("  push:\n    paths-ignore: ['jobs/**']")).toHaveLength(1);
  });
});

describe("workflowPathOf", () => {
  it("reads the workflow file from GITHUB_WORKFLOW_REF", () => {
    expect(
      workflowPathOf("acme/data-jobs/.github/workflows/jobagent.yml@refs/pull/7/merge", "acme/data-jobs"),
    ).toBe(".github/workflows/jobagent.yml");
    expect(
      workflowPathOf("other/repo/.github/workflows/x.yml@refs/heads/main", "acme/data-jobs"),
    ).toBeUndefined();
    expect(workflowPathOf(undefined, "acme/data-jobs")).toBeUndefined();
  });
});
