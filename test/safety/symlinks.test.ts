/**
 * Nothing outside the repository: a committed symbolic link at each path the tool reads or writes is refused with an
 * error naming it, and the file the link points at is left exactly as it was.
 */
import { lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import { loadProjectConfig } from "../../src/state/project-config.js";
import { FileTaskStore } from "../../src/state/task-store.js";
import { allJobs, cleanupTempDirs, makeRepo, tempDir } from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { engineOptions } from "../support/reliability-engine.js";

const ORDERS = requirementFile("orders", { orders: jobSettings({ name: "Orders daily" }) });

let ws: LocalWorkspace;
let outside: string;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-symlinks-0123456789abcdef" });
  outside = await tempDir("jobagent-outside-");
  await writeFile(path.join(outside, "victim.md"), "precious\n");
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

/** A repository with the link committed (git keeps links as links). */
async function repoWithLink(at: string, to: string, files: Record<string, string> = {}) {
  const repoDir = await makeRepo({ "jobs/orders.md": ORDERS, ...files }, "jobagent-link-");
  await mkdir(path.dirname(path.join(repoDir, at)), { recursive: true });
  await symlink(to, path.join(repoDir, at));
  await simpleGit(repoDir).add(".").commit("a link");
  return { repoDir, options: engineOptions(repoDir, ws, { repo: "acme/links" }) };
}

async function expectOutsideUntouched(): Promise<void> {
  expect(await readFile(path.join(outside, "victim.md"), "utf8")).toBe("precious\n");
  expect((await readdir(outside)).sort()).toEqual(["victim.md"]);
}

describe("symbolic links are never followed", () => {
  it("jobs/.tasks/progress.md linked to a file outside: refused, the file unchanged", async () => {
    const { options } = await repoWithLink("jobs/.tasks/progress.md", path.join(outside, "victim.md"));
    await expect(runPlan(options)).rejects.toThrow(/jobs\/\.tasks\/progress\.md: is a symbolic link/);
    await expectOutsideUntouched();
  });

  it("a linked .tasks directory: refused, no task file written outside", async () => {
    const { options } = await repoWithLink("jobs/.tasks", outside);
    await expect(runPlan(options)).rejects.toThrow(/jobs\/\.tasks: is a symbolic link/);
    await expect(runApply(options, { onPlanChange: "apply" })).rejects.toThrow(/symbolic link/);
    await expectOutsideUntouched();
    expect(await allJobs(ws)).toEqual([]);
  });

  it("a linked jobs directory: refused before anything is read or written", async () => {
    const repoDir = await makeRepo({ "README.md": "x\n" }, "jobagent-link-");
    await writeFile(path.join(outside, "orders.md"), ORDERS);
    await symlink(outside, path.join(repoDir, "jobs"));
    const options = engineOptions(repoDir, ws, { repo: "acme/links" });
    await expect(runPlan(options)).rejects.toThrow(/jobs: is a symbolic link/);
    expect((await readdir(outside)).sort()).toEqual(["orders.md", "victim.md"]);
  });

  it("a linked requirement file: an error naming it, its target never read as a requirement", async () => {
    await writeFile(path.join(outside, "victim.md"), ORDERS.replace("Orders daily", "Outside job"));
    const { options } = await repoWithLink("jobs/linked.md", path.join(outside, "victim.md"));
    const plan = await runPlan(options);
    expect(plan.valid).toBe(false);
    expect(plan.diagnostics.find((d) => d.code === "requirement.symlink")?.file).toBe("jobs/linked.md");
    expect(plan.changes.map((c) => c.jobName)).not.toContain("Outside job");
  });

  it("a linked task file: reported as an unreadable task file, never parsed", async () => {
    await writeFile(path.join(outside, "victim.md"), "precious\n");
    const { options } = await repoWithLink("jobs/.tasks/evil.md", path.join(outside, "victim.md"));
    const plan = await runPlan(options);
    expect(plan.diagnostics.find((d) => d.code === "task-file.invalid")?.message).toMatch(/symbolic link/);
    await expectOutsideUntouched();
  });

  it("a task file replaced by a link after the store listed the directory: the link is replaced, never followed", async () => {
    const repoDir = await makeRepo({ "jobs/orders.md": ORDERS }, "jobagent-link-");
    await runPlan(engineOptions(repoDir, ws, { repo: "acme/links" }));
    const store = new FileTaskStore(repoDir, "jobs");
    const { tasks } = await store.list();
    const task = tasks[0]!;
    const file = path.join(repoDir, store.fileOf(task.id));
    await rm(file);
    await symlink(path.join(outside, "victim.md"), file);
    await store.write({ ...task, priority: task.priority + 1 });
    await expectOutsideUntouched();
    expect((await lstat(file)).isSymbolicLink()).toBe(false);
    expect(await readFile(file, "utf8")).toContain(`priority: ${task.priority + 1}`);
  });

  it("a linked jobagent.yml is refused", async () => {
    await writeFile(path.join(outside, "victim.md"), "project: evil/project\n");
    const { repoDir } = await repoWithLink("jobagent.yml", path.join(outside, "victim.md"));
    await expect(loadProjectConfig(repoDir)).rejects.toThrow(/jobagent\.yml: is a symbolic link/);
  });

  it("a requirement file whose name hides bidirectional controls is refused", async () => {
    const repoDir = await makeRepo({ "jobs/invoice\u202egnp.md": ORDERS }, "jobagent-bidi-");
    const plan = await runPlan(engineOptions(repoDir, ws, { repo: "acme/links" }));
    const error = plan.diagnostics.find((d) => d.code === "requirement.unsafe-name");
    expect(error?.message).toContain("\\u202e");
    expect(plan.counts.create).toBe(0);
  });
});
