/**
 * Apply says what it did not do: a task blocked by the plan (another repository owns the job name) is listed with
 * its reason in the text and the JSON, and the apply is not "complete"; a change the fresh plan shows that no
 * recorded plan approved (drift seen only by `plan --no-record`) is listed as not applied, and the closing line never
 * names a plan whose change was not made. The CLI as a child process against a local workspace over HTTP.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { ApplyResult } from "../../src/engine/api.js";
import {
  allJobs,
  cleanupTempDirs,
  cliInvocation,
  makeRepo,
  parseJsonOutput,
  runCli,
  type CliOptions,
} from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const exec = promisify(execFile);

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-applyreport-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

/** The CLI's text output (runCli always asks for --json). */
async function cliText(command: string, options: CliOptions): Promise<{ code: number; stdout: string }> {
  const { args, env } = cliInvocation(command, options);
  try {
    const { stdout } = await exec(
      process.execPath,
      args.filter((a) => a !== "--json"),
      { cwd: options.repoDir, env },
    );
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "" };
  }
}

describe("what apply did not apply", () => {
  it("a task blocked because another repository owns the job name is reported, and the apply is not 'complete'", async () => {
    const owner = await makeRepo(
      { "jobs/shared.md": requirementFile("shared", { shared: jobSettings({ name: "Shared name" }) }) },
      "jobagent-owner-",
    );
    const ownerCli = { repoDir: owner, host: ws.url, token: ws.token, repo: "acme/owner" };
    expect((await runCli("plan", ownerCli)).code).toBe(0);
    expect((await runCli("apply", ownerCli)).code).toBe(0);

    const other = await makeRepo(
      {
        "jobs/shared.md": requirementFile("shared", { shared: jobSettings({ name: "Shared name" }) }),
        "jobs/mine.md": requirementFile("mine", { mine: jobSettings({ name: "Mine" }) }),
      },
      "jobagent-other-",
    );
    const cli = { repoDir: other, host: ws.url, token: ws.token, repo: "acme/other" };
    const plan = parseJsonOutput<{ counts: { blocked: number; create: number } }>(
      await runCli("plan", cli),
      "plan",
    );
    expect(plan.counts).toMatchObject({ blocked: 1, create: 1 });

    const applied = await runCli("apply", cli);
    const result = parseJsonOutput<ApplyResult>(applied, "apply");
    expect(result.ok).toBe(true);
    expect(result.complete).toBe(false);
    expect(result.results.map((r) => [r.jobName, r.status])).toEqual([["Mine", "COMPLETE"]]);
    expect(result.blocked).toHaveLength(1);
    expect(result.blocked?.[0]).toMatchObject({ jobName: "Shared name", requirement: "jobs/shared.md" });
    expect(result.blocked?.[0]?.reason).toMatch(/acme\/owner/);

    // Text: the blocked task with its reason, and no claim that the apply is complete.
    const text = await cliText("apply", cli);
    expect(text.stdout).toMatch(/⛔ blocked Shared name \[shared\.shared\] — .*acme\/owner/);
    expect(text.stdout).not.toMatch(/Apply complete/);
    expect(text.stdout).toMatch(/Apply incomplete: 0 change\(s\) applied; 1 task\(s\) not applied/);
    expect((await allJobs(ws)).filter((j) => j.settings.name === "Shared name")).toHaveLength(1);
  });

  it("after `plan --no-record`, an update no recorded plan approved is listed as not applied, and no plan is named as applied", async () => {
    const repoDir = await makeRepo(
      { "jobs/orders.md": requirementFile("orders", { orders: jobSettings({ name: "Orders" }) }) },
      "jobagent-norecord-",
    );
    const cli = { repoDir, host: ws.url, token: ws.token, repo: "acme/norecord" };
    expect((await runCli("plan", cli)).code).toBe(0);
    expect((await runCli("apply", cli)).code).toBe(0);
    // Someone edits the job in the workspace; the drift is only looked at, not recorded.
    const job = (await allJobs(ws)).find((j) => j.settings.name === "Orders")!;
    await engineOptions(repoDir, ws).workspace.updateJob(job.job_id, { max_concurrent_runs: 7 }, []);
    const looked = parseJsonOutput<{ planHash: string; counts: { update: number } }>(
      await runCli("plan", { ...cli, extraArgs: ["--no-record"] }),
      "plan --no-record",
    );
    expect(looked.counts.update).toBe(1);

    const result = parseJsonOutput<ApplyResult>(await runCli("apply", cli), "apply");
    expect(result.ok).toBe(true);
    expect(result.complete).toBe(false);
    expect(result.appliedPlans).toEqual([]);
    expect(result.notApplied).toEqual([
      expect.objectContaining({
        op: "update",
        jobName: "Orders",
        jobId: job.job_id,
        taskId: "orders.orders",
      }),
    ]);
    expect(result.notApplied?.[0]?.reason).toMatch(/jobagent plan/);
    const text = await cliText("apply", cli);
    expect(text.stdout).toContain(`– not applied: update Orders (job ${job.job_id}) [orders.orders]`);
    expect(text.stdout).not.toContain(`plan ${looked.planHash}`);
    expect(text.stdout).not.toMatch(/Apply complete/);
    expect((await allJobs(ws)).find((j) => j.job_id === job.job_id)?.settings.max_concurrent_runs).toBe(7);

    // Recorded by a plan, the update is applied and the closing line names that plan.
    expect((await runCli("plan", cli)).code).toBe(0);
    const done = await cliText("apply", cli);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Apply complete (plan ${looked.planHash}).`);
  });
});
