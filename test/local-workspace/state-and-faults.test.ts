import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { notebookJob, raw, sdkFor } from "./helpers.js";

const open: LocalWorkspace[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function start(options: Parameters<typeof startLocalWorkspace>[0] = {}) {
  const ws = await startLocalWorkspace(options);
  open.push(ws);
  return ws;
}
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "local-ws-"));
  dirs.push(dir);
  return dir;
}

describe("state file", () => {
  it("survives a restart: jobs, permissions, objects, runs and id sequence", async () => {
    const stateFile = join(await tempDir(), ".jobagent", "workspace.json");
    const first = await start({ stateFile, token: "t1" });
    const w = sdkFor(first);
    const { job_id } = await w.jobs.create(notebookJob("persisted") as never);
    await w.jobs.setPermissions({
      job_id: String(job_id),
      access_control_list: [{ group_name: "g", permission_level: "CAN_VIEW" }],
    });
    await w.workspace.mkdirs({ path: "/Shared/persisted" });
    const { run_id } = await w.jobs.runNow({ job_id: job_id! });
    await first.close();

    const second = await start({ stateFile, token: "t2" });
    const w2 = sdkFor(second);
    expect((await w2.jobs.get({ job_id: job_id! })).settings?.name).toBe("persisted");
    expect(
      (await w2.jobs.getPermissions({ job_id: String(job_id) })).access_control_list!.some(
        (e) => e.group_name === "g",
      ),
    ).toBe(true);
    expect((await w2.workspace.getStatus({ path: "/Shared/persisted" })).object_type).toBe("DIRECTORY");
    expect((await w2.jobs.getRun({ run_id: run_id! })).run_id).toBe(run_id);
    const { job_id: next } = await w2.jobs.create({ name: "next" });
    expect(next).toBeGreaterThan(job_id!);
  });

  it("concurrent writes leave a complete, parseable file with every job and no temp files", async () => {
    const dir = await tempDir();
    const stateFile = join(dir, "state.json");
    const ws = await start({ stateFile });
    const w = sdkFor(ws);
    await Promise.all(Array.from({ length: 40 }, (_, i) => w.jobs.create({ name: `c${i}` })));
    const saved = JSON.parse(await readFile(stateFile, "utf8")) as { jobs: Record<string, unknown> };
    expect(Object.keys(saved.jobs)).toHaveLength(40);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a corrupt state file is refused with a message naming the file and the fix", async () => {
    const stateFile = join(await tempDir(), "broken.json");
    await writeFile(stateFile, "{ nope");
    await expect(startLocalWorkspace({ stateFile })).rejects.toThrow(
      new RegExp(
        `state file ${stateFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON.*delete it`,
      ),
    );
  });
});

describe("rate limit, faults and counters", () => {
  it("rateLimitPerSecond answers 429 REQUEST_LIMIT_EXCEEDED with Retry-After", async () => {
    const ws = await start({ rateLimitPerSecond: 3 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => raw(ws, "GET", "/api/2.2/jobs/list")));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBe(3);
    expect(limited[0].body.error_code).toBe("REQUEST_LIMIT_EXCEEDED");
    expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("status faults by count, with skip (the Nth request), and Retry-After", async () => {
    const ws = await start();
    ws.faults.add({ method: "POST", path: "/jobs/create", kind: "status", status: 503, skip: 1, times: 2 });
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await raw(ws, "POST", "/api/2.2/jobs/create", JSON.stringify({ name: `f${i}` }))).status);
    expect(codes).toEqual([200, 503, 503, 200]);
    ws.faults.add({ kind: "status", status: 429, retryAfterSeconds: 7, times: 1 });
    const limited = await raw(ws, "GET", "/api/2.2/jobs/list");
    expect([limited.status, limited.body.error_code, limited.headers.get("retry-after")]).toEqual([
      429,
      "REQUEST_LIMIT_EXCEEDED",
      "7",
    ]);
    expect(ws.faults.list().map((f) => f.fired)).toEqual([2, 1]);
  });

  it("probabilistic faults are reproducible with the same faultSeed", async () => {
    const pattern = async () => {
      const ws = await start({ faultSeed: 42 });
      ws.faults.add({ kind: "status", status: 500, probability: 0.5 });
      const out = [];
      for (let i = 0; i < 12; i++) out.push((await raw(ws, "GET", "/api/2.2/jobs/list")).status);
      return out;
    };
    const a = await pattern();
    expect(a).toEqual(await pattern());
    expect(new Set(a)).toEqual(new Set([200, 500]));
  });

  it("drop destroys the connection before processing; drop-after-commit after the write is done", async () => {
    const ws = await start();
    ws.faults.add({ path: "/jobs/create", kind: "drop", times: 1 });
    await expect(
      raw(ws, "POST", "/api/2.2/jobs/create", JSON.stringify({ name: "dropped" })),
    ).rejects.toThrow();
    ws.faults.add({ path: "/jobs/create", kind: "drop-after-commit", times: 1 });
    await expect(
      raw(ws, "POST", "/api/2.2/jobs/create", JSON.stringify({ name: "committed" })),
    ).rejects.toThrow();
    const names = (
      (await raw(ws, "GET", "/api/2.2/jobs/list")).body.jobs as Array<{ settings: { name: string } }>
    ).map((j) => j.settings.name);
    expect(names).toEqual(["committed"]);
  });

  it("delay holds the answer", async () => {
    const ws = await start();
    ws.faults.add({ kind: "delay", delayMs: 300, times: 1 });
    const started = Date.now();
    expect((await raw(ws, "GET", "/api/2.2/jobs/list")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("faults and counters are controllable over HTTP (/__faults, /__stats) with the token", async () => {
    const ws = await start();
    expect(
      (await raw(ws, "POST", "/__faults", JSON.stringify({ kind: "status", status: 500 }), null)).status,
    ).toBe(401);
    const added = await raw(
      ws,
      "POST",
      "/__faults",
      JSON.stringify([{ method: "GET", pathRegex: "jobs/li.t$", kind: "status", status: 502, times: 1 }]),
    );
    expect(added.status).toBe(200);
    expect((await raw(ws, "GET", "/api/2.2/jobs/list")).status).toBe(502);
    expect((await raw(ws, "GET", "/api/2.2/jobs/list")).status).toBe(200);
    const bad = await raw(ws, "POST", "/__faults", JSON.stringify({ kind: "explode" }));
    expect([bad.status, bad.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(bad.body.message).toContain('"kind"');
    const stats = await raw(ws, "GET", "/__stats");
    expect(stats.body).toEqual({ calls: 2, endpoints: { "GET /api/2.2/jobs/list": 2 } });
    expect(ws.faults.calls).toBe(2);
    await raw(ws, "DELETE", "/__faults");
    expect((await raw(ws, "GET", "/__faults")).body).toEqual({ faults: [] });
  });
});
