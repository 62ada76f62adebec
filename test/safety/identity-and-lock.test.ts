/**
 * The project's identity (jobagent.yml, the GitHub repository, the origin remote — never a folder name) and the
 * apply lock that lives in the workspace: exclusive across checkouts, taken over when expired, released by unlock.
 */
import { cp, mkdir, rename, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import path from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { runApply, runPlan } from "../../src/engine/index.js";
import {
  parseProjectConfig,
  ProjectConfigError,
  resolveProjectIdentity,
} from "../../src/state/project-config.js";
import {
  acquireWorkspaceLock,
  forceUnlock,
  lockPathOf,
  processTable,
  WorkspaceLockedError,
} from "../../src/state/workspace-lock.js";
import { allJobs, cleanupTempDirs, makeRepo, tempDir } from "../support/reliability-harness.js";
import { jobSettings, requirementFile } from "../support/reliability-fixtures.js";
import { capturingLogger, engineOptions } from "../support/reliability-engine.js";

const FILES = {
  "jobs/orders.md": requirementFile("orders", { orders: jobSettings({ name: "Orders daily" }) }),
  "jobs/billing.md": requirementFile("billing", { billing: jobSettings({ name: "Billing" }) }),
};

let ws: LocalWorkspace;
beforeEach(async () => {
  ws = await startLocalWorkspace({ token: "dapi-identity-0123456789abcdef" });
});
afterEach(async () => ws.close());
afterAll(cleanupTempDirs);

describe("jobagent.yml", () => {
  it("reads project, jobs_dir and targets", () => {
    expect(
      parseProjectConfig("project: acme/data-jobs\njobs_dir: pipelines/\ntargets: { dev: {} }\n"),
    ).toEqual({
      project: "acme/data-jobs",
      jobs_dir: "pipelines",
      targets: [{ name: "dev" }],
    });
    expect(parseProjectConfig("")).toEqual({});
  });

  it.each([
    [
      "project: acme/data-jobs\nprojcet: x\n",
      /jobagent\.yml:2: projcet: unknown key — Did you mean `project`\?/,
    ],
    ["project: [1, 2]\n", /jobagent\.yml:1: project: must be a project id/],
    ["project: ../escape\n", /jobagent\.yml:1: project: must be a project id/],
    ["jobs_dir: ../outside\n", /jobagent\.yml:1: jobs_dir: must be a directory inside the repository/],
    ["project: a\nproject: b\n", /jobagent\.yml:2: not valid YAML/],
    ["- project\n", /jobagent\.yml:1: the file must be a mapping/],
  ])("refuses %j with file, line, field and fix", (text, message) => {
    expect(() => parseProjectConfig(text)).toThrow(ProjectConfigError);
    expect(() => parseProjectConfig(text)).toThrow(message);
  });

  it("resolves the id from the file, then GITHUB_REPOSITORY, then the origin remote — never the folder name", async () => {
    const dir = await makeRepo({ "jobs/.keep": "" }, "jobagent-id-");
    expect((await resolveProjectIdentity(dir, {})).source).toBe("unset");
    expect((await resolveProjectIdentity(dir, {})).id).toBe("");
    await simpleGit(dir).addRemote("origin", "git@github.com:acme/from-remote.git");
    expect(await resolveProjectIdentity(dir, {})).toMatchObject({ id: "acme/from-remote", source: "origin" });
    expect(await resolveProjectIdentity(dir, { GITHUB_REPOSITORY: "acme/from-env" })).toMatchObject({
      id: "acme/from-env",
      source: "github",
    });
    await writeFile(path.join(dir, "jobagent.yml"), "project: acme/from-file\n");
    expect(await resolveProjectIdentity(dir, { GITHUB_REPOSITORY: "acme/from-env" })).toMatchObject({
      id: "acme/from-file",
      source: "config",
    });
  });

  it("apply refuses without a project id, saying how to set one; nothing is created", async () => {
    const repoDir = await makeRepo(FILES, "jobagent-noid-");
    const options = engineOptions(repoDir, ws, { repo: "" });
    await runPlan(options);
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.failureReason).toBe("configuration");
    expect(applied.message).toMatch(
      /create jobagent\.yml at the repository root with `project: <owner>\/<name>`/,
    );
    expect(await allJobs(ws)).toEqual([]);
  });

  it("moving the checkout, renaming its folder or cloning it again plans zero creates", async () => {
    const repoDir = await makeRepo({ ...FILES, "jobagent.yml": "project: acme/moving\n" }, "jobagent-move-");
    const first = engineOptions(repoDir, ws, { repo: (await resolveProjectIdentity(repoDir, {})).id });
    await runPlan(first);
    expect((await runApply(first, { onPlanChange: "fail" })).ok).toBe(true);
    await simpleGit(repoDir).add(".").commit("applied");
    const moved = path.join(await tempDir("jobagent-moved-"), "renamed-folder");
    await rename(repoDir, moved);
    const fresh = path.join(await tempDir("jobagent-reclone-"), "another-name");
    await simpleGit().clone(moved, fresh);
    const copied = path.join(await tempDir("jobagent-copy-"), "copy");
    await mkdir(copied);
    await cp(moved, copied, { recursive: true });
    for (const dir of [moved, fresh, copied]) {
      const id = (await resolveProjectIdentity(dir, {})).id;
      expect(id).toBe("acme/moving");
      const plan = await runPlan(engineOptions(dir, ws, { repo: id }), { record: false });
      expect(plan.counts.create, dir).toBe(0);
      expect(plan.counts.delete, dir).toBe(0);
    }
    expect(await allJobs(ws)).toHaveLength(2);
  });
});

/** The pid of a process that has exited (a child started and waited for). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid as number;
}

describe("the workspace lock", () => {
  const project = "acme/locking";
  const request = (holder: string, seconds = 600) => ({ project, holder, seconds, now: () => new Date() });

  it("is exclusive, names its holder, is taken over once expired, and unlock releases it", async () => {
    const workspace = engineOptions(".", ws).workspace;
    const held = await acquireWorkspaceLock(workspace, { ...request("run-1"), where: "https://ci/run/1" });
    const error = await acquireWorkspaceLock(workspace, request("run-2")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceLockedError);
    expect((error as Error).message).toMatch(/run run-1 at https:\/\/ci\/run\/1/);
    expect((error as Error).message).toContain(lockPathOf(project));
    await held.release();
    const second = await acquireWorkspaceLock(workspace, request("run-2", -1)); // already expired
    const third = await acquireWorkspaceLock(workspace, request("run-3"));
    expect(third.tookOver?.holder).toBe("run-2");
    await second.release(); // not its lock any more: leaves run-3's in place
    expect(await workspace.readFile(lockPathOf(project))).toContain("run-3");
    const unlocked = await forceUnlock(workspace, project);
    expect(unlocked.released?.holder).toBe("run-3");
    expect(await workspace.readFile(lockPathOf(project))).toBeUndefined();
    expect((await forceUnlock(workspace, project)).released).toBeUndefined();
  });

  it("a lock file edited into garbage by hand counts as expired and is taken over", async () => {
    const workspace = engineOptions(".", ws).workspace;
    await workspace.writeFile(lockPathOf(project), "not json");
    const lock = await acquireWorkspaceLock(workspace, request("run-4"));
    expect(lock.tookOver?.holder).toBe("unknown");
    expect(lock.tookOverBecause).toBe("not-a-lock");
    await lock.release();
  });

  it("a lock whose process is gone (this host, this process table) is taken over saying so, not 'expired'", async () => {
    const repoDir = await makeRepo(FILES, "jobagent-deadlock-");
    const log = capturingLogger();
    const options = engineOptions(repoDir, ws, { repo: project, log });
    expect((await runPlan(options)).valid).toBe(true);
    const dead = await deadPid();
    const expires = new Date(Date.now() + 1_800_000).toISOString();
    const lock = (extra: Record<string, unknown>) =>
      JSON.stringify({
        project,
        holder: "killed-run",
        where: `${hostname()} (pid ${dead})`,
        host: hostname(),
        pid: dead,
        acquired: new Date().toISOString(),
        expires,
        nonce: `n${Math.random().toString(16).slice(2, 17)}`,
        ...extra,
      });
    // Same hostname, but another process table (a container with the same hostname, another VM called alike), or a
    // lock that does not say which (an older jobagent): the pid means nothing here, so the lock is held until it expires.
    for (const pids of ["0f0f0f0f-other-boot/pid:[4026531836]", undefined]) {
      await options.workspace.writeFile(lockPathOf(project), lock(pids ? { pids } : {}));
      const refused = await runApply(options, { onPlanChange: "apply" });
      expect(refused.failureReason, refused.message).toBe("locked");
      expect(refused.message).toContain("run killed-run");
    }
    // Same hostname and process table, no process with that pid: its holder is gone.
    await options.workspace.writeFile(lockPathOf(project), lock({ pids: processTable() }));
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.ok, applied.message).toBe(true);
    const warning = log.lines.find((l) => l.includes("workspace lock of run killed-run"));
    expect(warning).toBe(
      `warn: Took over the workspace lock of run killed-run (${hostname()} (pid ${dead})): its process ${dead} on this host (${hostname()}) is no longer running; the lock would have expired at ${expires}.`,
    );
    expect(warning).not.toMatch(/expired workspace lock/);
  });

  it("a lock past its expiry is taken over naming the expiry", async () => {
    const repoDir = await makeRepo(FILES, "jobagent-expiredlock-");
    const log = capturingLogger();
    const options = engineOptions(repoDir, ws, { repo: project, log });
    const old = await acquireWorkspaceLock(options.workspace, {
      ...request("old-run", -1),
      where: "https://ci/run/3",
    });
    const applied = await runApply(options, { onPlanChange: "apply" });
    expect(applied.ok, applied.message).toBe(true);
    expect(log.lines).toContain(
      `warn: Took over the expired workspace lock of run old-run (https://ci/run/3, expired ${old.info.expires}).`,
    );
  });

  it("a lost answer to the delete of a release or a take-over still frees the lock, and never deletes a newer one", async () => {
    const workspace = engineOptions(".", ws).workspace;
    const dropDelete = () =>
      ws.faults.add({ method: "POST", path: "/workspace/delete", kind: "drop-after-commit", times: 1 });
    // Release: the delete happened, its answer was lost; the lock is gone and release says nothing went wrong.
    const held = await acquireWorkspaceLock(workspace, request("run-7"));
    dropDelete();
    await held.release();
    expect(await workspace.readFile(lockPathOf(project))).toBeUndefined();
    // Take-over of an expired lock, the delete's answer lost: the taker gets the lock instead of failing the run.
    await acquireWorkspaceLock(workspace, request("run-8", -1));
    dropDelete();
    const taker = await acquireWorkspaceLock(workspace, request("run-9"));
    expect(taker.tookOver?.holder).toBe("run-8");
    expect(await workspace.readFile(lockPathOf(project))).toContain("run-9");
    // Unlock with a lost answer: released once, and a lock taken afterwards is not touched by a repeat.
    dropDelete();
    expect((await forceUnlock(workspace, project)).released?.holder).toBe("run-9");
    const next = await acquireWorkspaceLock(workspace, request("run-10"));
    expect(await workspace.readFile(lockPathOf(project))).toContain("run-10");
    await next.release();
  });

  it("waits a bounded time for a held lock when asked to, saying so when it starts, while it lasts and when it ends", async () => {
    const workspace = engineOptions(".", ws).workspace;
    const held = await acquireWorkspaceLock(workspace, { ...request("run-5"), where: "https://ci/run/5" });
    setTimeout(() => void held.release(), 1200);
    const started = Date.now();
    const said: string[] = [];
    const next = await acquireWorkspaceLock(workspace, {
      ...request("run-6"),
      waitSeconds: 10,
      waitReportSeconds: 0.1,
      onWait: (message) => said.push(message),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(next.info.holder).toBe("run-6");
    expect(said[0]).toMatch(
      new RegExp(
        `^Waiting up to 10 s for the workspace lock ${lockPathOf(project)}: held by run run-5 \\(https://ci/run/5\\) since ${held.info.acquired}, until ${held.info.expires}\\.$`,
      ),
    );
    expect(said.slice(1, -1).length).toBeGreaterThan(0);
    for (const line of said.slice(1, -1))
      expect(line).toMatch(/^Still waiting for the workspace lock \(\d+ s of 10 s\): held by run run-5 /);
    expect(said.at(-1)).toMatch(/^Took the workspace lock after waiting \d+ s\.$/);
    await next.release();
    // A free lock is taken without a word.
    const quiet: string[] = [];
    const free = await acquireWorkspaceLock(workspace, {
      ...request("run-7"),
      waitSeconds: 10,
      onWait: (m) => quiet.push(m),
    });
    expect(quiet).toEqual([]);
    await free.release();
  });
});
