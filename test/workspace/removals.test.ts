/**
 * Updates that really update, against the realistic local workspace through the official SDK: a field, task, job
 * cluster or parameter removed from the requirement is gone after the planned jobs/update, and the next plan is
 * clean; a 150-task job (paged on jobs/get) takes an added, a removed and a reordered task.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobSettings } from "../../src/domain/model.js";
import { computeUpdateRequest, diffJobSettings } from "../../src/domain/plan.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import type { Workspace } from "../../src/adapters/databricks/port.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const cluster = (key: string) => ({
  job_cluster_key: key,
  new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 },
});
const task = (key: string, clusterKey = "a") => ({
  task_key: key,
  job_cluster_key: clusterKey,
  notebook_task: { notebook_path: `/Shared/${key}` },
});
const FULL: JobSettings = {
  name: "removals",
  timeout_seconds: 3600,
  schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC" },
  email_notifications: { on_failure: ["a@example.com"] },
  parameters: [
    { name: "p1", default: "x" },
    { name: "p2", default: "y" },
  ],
  job_clusters: [cluster("a"), cluster("b")],
  tasks: [task("t1"), task("t2", "b")],
};

let local: LocalWorkspace;
let ws: Workspace;
beforeAll(async () => {
  local = await startLocalWorkspace();
  ws = createSdkWorkspace({ host: local.url, token: local.token });
});
afterAll(async () => {
  await local?.close();
});

async function planAndApply(jobId: number, desired: JobSettings) {
  const before = (await ws.getJob(jobId))!;
  const options = { creatorUserName: before.creator_user_name };
  const fields = diffJobSettings(desired, before.settings, options);
  const request = computeUpdateRequest(desired, before.settings, options);
  if (request) await ws.updateJob(jobId, request.new_settings, request.fields_to_remove);
  const after = (await ws.getJob(jobId))!;
  return { fields, after, again: diffJobSettings(desired, after.settings, options) };
}

describe("removing from a requirement removes in the workspace", () => {
  const cases: Array<[string, (s: JobSettings) => void, (s: JobSettings) => void]> = [
    ["timeout_seconds", (s) => delete s.timeout_seconds, (s) => expect(s.timeout_seconds ?? 0).toBe(0)],
    ["schedule", (s) => delete s.schedule, (s) => expect(s.schedule).toBeUndefined()],
    [
      "email_notifications",
      (s) => delete s.email_notifications,
      (s) => expect(s.email_notifications?.on_failure).toBeUndefined(),
    ],
    [
      "a parameter",
      (s) => (s.parameters = (s.parameters as Array<{ name: string }>).filter((p) => p.name !== "p2")),
      (s) => expect((s.parameters as Array<{ name: string }>).map((p) => p.name)).toEqual(["p1"]),
    ],
    [
      "a task and its job cluster",
      (s) => {
        s.tasks = s.tasks!.filter((t) => t.task_key !== "t2");
        s.job_clusters = s.job_clusters!.filter((c) => c.job_cluster_key !== "b");
      },
      (s) => {
        expect(s.tasks!.map((t) => t.task_key)).toEqual(["t1"]);
        expect(s.job_clusters!.map((c) => c.job_cluster_key)).toEqual(["a"]);
      },
    ],
  ];
  it.each(cases)("%s", async (_name, remove, check) => {
    const jobId = await ws.createJob(FULL);
    const desired = structuredClone(FULL);
    remove(desired);
    const { fields, after, again } = await planAndApply(jobId, desired);
    expect(fields.some((f) => f.kind === "remove")).toBe(true);
    check(after.settings);
    expect(again).toEqual([]);
  });
});

describe("a 150-task job", () => {
  const big: JobSettings = {
    name: "big",
    job_clusters: [cluster("a")],
    tasks: Array.from({ length: 150 }, (_, i) => task(`t${String(i).padStart(3, "0")}`)),
  };
  it("plans clean after create, then takes an added, a removed and a reordered task", async () => {
    const jobId = await ws.createJob(big);
    const first = (await ws.getJob(jobId))!;
    expect(first.settings.tasks).toHaveLength(150); // merged over two jobs/get pages
    expect(diffJobSettings(big, first.settings, { creatorUserName: first.creator_user_name })).toEqual([]);

    const desired = structuredClone(big);
    desired.tasks = desired.tasks!.filter((t) => t.task_key !== "t120").reverse();
    desired.tasks.push(task("t999"));
    const { fields, after, again } = await planAndApply(jobId, desired);
    expect(fields.map((f) => `${f.kind} ${f.path}`).sort()).toEqual([
      "add tasks[t999]",
      "remove tasks[t120]",
    ]);
    expect(after.settings.tasks).toHaveLength(150);
    expect(after.settings.tasks!.some((t) => t.task_key === "t120")).toBe(false);
    expect(again).toEqual([]);
  });
});
