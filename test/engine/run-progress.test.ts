// A run started by apply reports while it is waited on: one log line per state change of the local workspace's
// simulated run (QUEUED → PENDING → RUNNING → TERMINATING → TERMINATED), then the result, duration and run URL —
// in the log (the CLI's progress lines) and in the apply comment.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/api.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { Logger } from "../../src/domain/model.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import { buildApplyComment } from "../../src/action/comment.js";

let local: LocalWorkspace;
let repoDir: string;
let options: EngineOptions;
const lines: string[] = [];
const logger: Logger = {
  info: (m) => lines.push(m),
  warn: (m) => lines.push(`warn: ${m}`),
  error() {},
  debug() {},
  group: (_n, fn) => fn(),
};

beforeEach(async () => {
  lines.length = 0;
  local = await startLocalWorkspace({ runStepMs: 1000 });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-run-"));
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  const headers = { Authorization: `Bearer ${local.token}`, "Content-Type": "application/json" };
  await fetch(`${local.url}/api/2.0/workspace/mkdirs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ path: "/Workspace/Shared" }),
  });
  await fetch(`${local.url}/api/2.0/workspace/import`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      path: "/Workspace/Shared/check",
      format: "SOURCE",
      language: "PYTHON",
      content: Buffer.from("# check").toString("base64"),
    }),
  });
  await writeFile(
    join(repoDir, "jobs", "check.md"),
    "---\njob:\n  name: data-check\n  tasks:\n    - task_key: check\n      existing_cluster_id: 0101-120000-abcd1234\n      notebook_task: {notebook_path: /Workspace/Shared/check}\nrun:\n  job: data-check\n  wait: true\n---\nCreate the check and run it once.\n",
  );
  options = {
    repoDir,
    jobsDir: "jobs",
    workspace: createSdkWorkspace({ host: local.url, token: local.token }),
    repo: "acme/data-jobs",
    allowDelete: false,
    runId: "test-run",
    log: logger,
  };
});

afterEach(async () => {
  await local.close();
  await rm(repoDir, { recursive: true, force: true });
});

it("logs each state change once, then the result, duration and URL; the apply comment shows them", async () => {
  expect((await runPlan(options)).valid).toBe(true);
  const applied = await runApply(options, { onPlanChange: "fail", runWaitSeconds: 60 });
  expect(applied.ok, JSON.stringify(applied.results)).toBe(true);
  const run = applied.results.find((r) => r.op === "run")!.run!;
  expect(run.result).toBe("SUCCESS");
  expect(run.durationMs).toBeGreaterThan(0);
  const progress = lines.filter((l) => l.startsWith(`run ${run.runId} of job `));
  const states = progress.map((l) => l.replace(/^run \d+ of job \d+: /, "").split(" after ")[0]);
  // one line per state, in the simulated order, ending with the result
  expect(new Set(states).size).toBe(states.length);
  const order = ["QUEUED", "PENDING", "RUNNING", "TERMINATING", "TERMINATED SUCCESS"];
  expect(states.map((s) => order.indexOf(s))).toEqual(
    [...states.map((s) => order.indexOf(s))].sort((a, b) => a - b),
  );
  expect(states.length).toBeGreaterThanOrEqual(2); // a state before the end (each state lasts 1 s)
  expect(states.at(-1)).toBe("TERMINATED SUCCESS");
  expect(progress.at(-1)).toMatch(/ after \d+(\.\d+)? (ms|s) — http:\/\/127\.0\.0\.1:\d+\/.*\d+/);
  const comment = buildApplyComment({ result: applied, jobsDir: "jobs", sha: "a".repeat(40) });
  expect(comment).toMatch(
    new RegExp(`\\[run ${run.runId}\\]\\(${run.url!.replace(/[.?]/g, "\\$&")}\\): SUCCESS in \\d+ (ms|s)`),
  );
});
