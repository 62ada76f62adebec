/**
 * Two project ids whose workspace folder names come out alike share nothing silently: the second one's plan is
 * refused, naming both ids, and none of the first project's jobs is touched.
 */
import { stringify } from "yaml";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import { allJobs, cleanupTempDirs, makeRepo } from "../support/reliability-harness.js";
import { jobSettings } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-clash-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

const jobFile = (name: string) => `---\n${stringify({ job: jobSettings({ name }) })}---\n${name}.\n`;

describe("project ids that share a workspace folder", () => {
  it("the second project's plan is refused with both ids named; the first project's job is left alone", async () => {
    const first = await makeRepo({ "jobs/a.md": jobFile("clash-a") }, "jobagent-clash-");
    const a = engineOptions(first, ws, { repo: "acme/col--dev", allowDelete: true });
    expect((await runApply(a, { onPlanChange: "apply" })).ok).toBe(true);

    const second = await makeRepo({ "jobs/b.md": jobFile("clash-b") }, "jobagent-clash-");
    const b = engineOptions(second, ws, { repo: "acme/col@dev", allowDelete: true });
    const failed = await runPlan(b).then(
      () => undefined,
      (error: unknown) => (error as Error).message,
    );
    expect(failed).toContain(
      'the ownership ledger /Workspace/Shared/.jobagent/projects/acme--col--dev/jobs.json belongs to project "acme/col--dev", not "acme/col@dev"',
    );
    const applied = await runApply(b, { onPlanChange: "apply" }).then(
      (r) => r,
      () => undefined,
    );
    expect(applied?.ok ?? false).toBe(false);
    expect((await allJobs(ws)).map((j) => j.settings.name)).toEqual(["clash-a"]);
  });
});
