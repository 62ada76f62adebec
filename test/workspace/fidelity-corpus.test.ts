/**
 * No phantom updates against a workspace that reads back like the real service: every job of the real-world corpus
 * (../shared/corpus/real-jobs, read at test time) is created through the official SDK on the realistic local
 * workspace, then planned again with the planner's own diff and update request. The plan must be empty for every
 * job the workspace accepts; when it is not, the update is applied once more to show whether it ever goes away.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobSettings } from "../../src/domain/model.js";
import { computeUpdateRequest, diffJobSettings } from "../../src/domain/plan.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { WorkspaceApiError, type Workspace } from "../../src/adapters/databricks/port.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const corpusDir = resolve(repoRoot, "../shared/corpus/real-jobs");
const present = existsSync(corpusDir);
if (!present)
  console.warn(`[skip] fidelity corpus suite: ${corpusDir} is absent (CI keeps ../shared beside the clone)`);

const files = present
  ? readdirSync(corpusDir)
      .filter((f) => f.endsWith(".json"))
      .sort()
  : [];
const load = (file: string) =>
  JSON.parse(readFileSync(`${corpusDir}/${file}`, "utf8")) as { settings: JobSettings; suspect: string[] };

describe("the corpus directory", () => {
  it("is present on CI", () => {
    if (process.env.CI) expect(present, `${corpusDir} must exist on CI`).toBe(true);
  });
});

describe.skipIf(!present)("every real-world job plans clean after apply (realistic local workspace)", () => {
  let local: LocalWorkspace;
  let ws: Workspace;
  const outcome = { clean: 0, rejected: [] as string[], phantom: [] as string[] };

  beforeAll(async () => {
    local = await startLocalWorkspace();
    ws = createSdkWorkspace({ host: local.url, token: local.token });
  });
  afterAll(async () => {
    console.log(
      `fidelity corpus: ${outcome.clean}/${files.length} jobs plan clean after apply; ` +
        `${outcome.rejected.length} rejected by the workspace (all with a non-empty suspect list); ` +
        `${outcome.phantom.length} with phantom updates${outcome.phantom.length ? `: ${outcome.phantom.join(", ")}` : ""}`,
    );
    await local?.close();
  });

  it("holds the whole corpus (112 jobs)", () => {
    expect(files.length).toBe(112);
  });

  it.each(files)("%s", async (file) => {
    const job = load(file);
    let jobId: number;
    try {
      jobId = await ws.createJob(job.settings);
    } catch (error) {
      expect(error, file).toBeInstanceOf(WorkspaceApiError);
      expect(job.suspect.length, `${file} rejected: ${(error as Error).message}`).toBeGreaterThan(0);
      outcome.rejected.push(file);
      return;
    }
    const back = (await ws.getJob(jobId))!;
    const options = { creatorUserName: back.creator_user_name };
    const fields = diffJobSettings(job.settings, back.settings, options);
    if (fields.length > 0) {
      outcome.phantom.push(file);
      // does applying it help? (a phantom update never goes away: the next read brings the same values back)
      const request = computeUpdateRequest(job.settings, back.settings, options);
      if (request) await ws.updateJob(jobId, request.new_settings, request.fields_to_remove);
      const again = (await ws.getJob(jobId))!;
      const still = diffJobSettings(job.settings, again.settings, options);
      expect({ file, fields, afterApplyingIt: still.map((f) => f.path) }).toEqual({
        file,
        fields: [],
        afterApplyingIt: [],
      });
    }
    expect(computeUpdateRequest(job.settings, back.settings, options), file).toBeUndefined();
    outcome.clean++;
  });
});
