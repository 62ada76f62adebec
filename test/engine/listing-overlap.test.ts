// The one listing of the workspace a plan makes is started before the Tech Lead reads the repository, and the
// reading yields to the event loop now and then (state/read-text.ts), so the listing's pages arrive while files are
// read — with the real service (hundreds of milliseconds per page of 100 jobs) that wait is hidden behind the reads
// instead of added to them. What is checked is order, not time: the workspace has answered listing requests before
// the Tech Lead is done, with every page asked for once; a workspace that cannot be listed fails the plan as before
// (the error is reported where the snapshot is used; the Tech Lead's task files are kept, none planned).
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/api.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import type { Logger } from "../../src/domain/model.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const LIST = "GET /api/2.2/jobs/list";
const FILES = 240;

const requirement = (i: number) => `---
job:
  name: overlap-${i}
  tasks:
    - task_key: main
      notebook_task: { notebook_path: /Workspace/Shared/main }
---
`;

let local: LocalWorkspace;
let repoDir: string;

/** Engine options whose logger records how many listing requests the workspace had answered when each group ended. */
function options(atEnd: Record<string, number>): EngineOptions {
  const log: Logger = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    group: async (name, fn) => {
      try {
        return await fn();
      } finally {
        atEnd[name] = local.stats()[LIST] ?? 0;
      }
    },
  };
  return {
    repoDir,
    jobsDir: "jobs",
    workspace: createSdkWorkspace({ host: local.url, token: local.token }),
    repo: "acme/data-jobs",
    allowDelete: false,
    runId: "test-run",
    log,
  };
}

beforeEach(async () => {
  local = await startLocalWorkspace({ runStepMs: 5, fidelity: "realistic" });
  repoDir = await mkdtemp(join(tmpdir(), "jobagent-overlap-"));
  await mkdir(join(repoDir, "jobs"), { recursive: true });
  for (let i = 0; i < FILES; i++)
    await writeFile(join(repoDir, `jobs/job-${String(i).padStart(3, "0")}.md`), requirement(i));
});

afterEach(async () => {
  await local.close();
  await rm(repoDir, { recursive: true, force: true });
});

describe("the plan's listing of the workspace runs while the repository is read", () => {
  it("has pages answered before the Tech Lead is done, and plans the same", async () => {
    // Jobs to list: the first apply creates them (3 pages of 100).
    const applied = await runApply(options({}), { onPlanChange: "apply" });
    expect(applied.ok).toBe(true);
    local.resetStats();

    const atEnd: Record<string, number> = {};
    const plan = await runPlan(options(atEnd), { record: false });
    expect(atEnd["Tech Lead: requirements → task files"]).toBeGreaterThan(0);
    expect(plan.valid).toBe(true);
    expect(plan.counts.noop).toBe(FILES);
    // Still one listing: every page once.
    expect(local.stats()[LIST]).toBe(Math.ceil(FILES / 100));
  });

  it("reports a workspace that cannot be listed where the plan needs it; nothing is planned", async () => {
    local.faults.add({ kind: "status", method: "GET", path: "/jobs/list", status: 403 });
    await expect(runPlan(options({}))).rejects.toThrow(/jobs\/list/);
    // The Tech Lead's task files are kept (as when the listing failed after it), none of them planned.
    const files = (await readdir(join(repoDir, "jobs/.tasks"))).filter((n) => n.startsWith("job-"));
    expect(files).toHaveLength(FILES);
    const texts = await Promise.all(files.map((n) => readFile(join(repoDir, "jobs/.tasks", n), "utf8")));
    expect(texts.filter((t) => /^status: PENDING$/m.test(t))).toHaveLength(FILES);
  });
});
