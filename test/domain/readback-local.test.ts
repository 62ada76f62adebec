/**
 * The no-noise promise against the real local workspace through the official SDK: every clean corpus job, created
 * and read back, diffs to nothing; a minimal update request applied by the workspace gives exactly the desired job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";
import type { JobSettings, JsonObject } from "../../src/domain/model.js";
import { computeUpdateRequest, diffJobSettings, normalizeJobSettings } from "../../src/domain/plan.js";
import { corpusPresent, loadCorpus } from "./corpus.js";

describe.skipIf(!corpusPresent)("read-back from the local workspace (official SDK over HTTP)", () => {
  let local: LocalWorkspace;
  let ws: Workspace;
  const clean = loadCorpus().filter((j) => j.suspect.length === 0);

  beforeAll(async () => {
    local = await startLocalWorkspace();
    ws = createSdkWorkspace({ host: local.url, token: local.token });
  });
  afterAll(async () => {
    await local?.close();
  });

  it("every clean corpus job plans as no-op right after it was created", async () => {
    let created = 0;
    const rejected: string[] = [];
    for (const job of clean) {
      let jobId: number;
      try {
        jobId = await ws.createJob(job.settings);
      } catch (err) {
        rejected.push(`${job.file}: ${(err as Error).message}`);
        continue;
      }
      const back = await ws.getJob(jobId);
      expect(back, job.file).toBeDefined();
      expect(
        diffJobSettings(job.settings, back!.settings, { creatorUserName: back!.creator_user_name }),
        job.file,
      ).toEqual([]);
      created++;
    }
    if (rejected.length > 0)
      console.warn(`local workspace rejected ${rejected.length} clean corpus jobs:\n${rejected.join("\n")}`);
    expect(created).toBeGreaterThanOrEqual(clean.length - 10);
  });

  it("the minimal update request, applied by the workspace, yields the desired job", async () => {
    let updated = 0;
    for (const job of clean.slice(0, 40)) {
      let jobId: number;
      try {
        jobId = await ws.createJob(job.settings);
      } catch {
        continue;
      }
      const desired = structuredClone(job.settings) as JsonObject;
      const tasks = (desired.tasks as JsonObject[] | undefined) ?? [];
      // remove one task nothing depends on and whose job cluster stays in use (the workspace validates both)
      const removable = tasks.find(
        (t) =>
          !tasks.some((o) =>
            ((o.depends_on as JsonObject[] | undefined) ?? []).some((d) => d.task_key === t.task_key),
          ) &&
          (t.job_cluster_key === undefined ||
            tasks.some((o) => o !== t && o.job_cluster_key === t.job_cluster_key)),
      );
      if (tasks.length > 1 && removable) desired.tasks = tasks.filter((t) => t !== removable);
      if (tasks.length > 0)
        (desired.tasks as JsonObject[])[0] = { ...(desired.tasks as JsonObject[])[0], max_retries: 2 };
      desired.tags = { ...((desired.tags as JsonObject) ?? {}), owner: "planner-test" };
      if (desired.schedule) delete desired.schedule;
      else if (!desired.trigger && !desired.continuous)
        desired.schedule = { quartz_cron_expression: "0 0 2 * * ?", timezone_id: "UTC" };
      const before = (await ws.getJob(jobId))!;
      const req = computeUpdateRequest(desired as JobSettings, before.settings, {
        creatorUserName: before.creator_user_name,
      });
      expect(req, job.file).toBeDefined();
      await ws.updateJob(jobId, req!.new_settings, req!.fields_to_remove);
      const after = (await ws.getJob(jobId))!;
      expect(
        diffJobSettings(desired as JobSettings, after.settings, { creatorUserName: after.creator_user_name }),
        job.file,
      ).toEqual([]);
      expect(
        normalizeJobSettings(after.settings, { creatorUserName: after.creator_user_name }).tags,
      ).toMatchObject({ owner: "planner-test" });
      updated++;
    }
    expect(updated).toBeGreaterThan(20);
  });
});
