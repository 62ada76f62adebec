// The default LLM (docs/llm.md): with a real (non-loopback) Databricks host and no LLM setting, prose goes to the
// workspace's own Foundation Model endpoint `<host>/serving-endpoints` with the workspace token. Real HTTP: the CLI
// (dist/cli.js) in a child process talks to one host that routes /serving-endpoints/* to a scripted
// OpenAI-compatible server and everything else to the local workspace. A loopback host (the local workspace, the
// demo) never gets the default, and `llm-model off` turns it off.
import { execFile } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { DEFAULT_LLM_MODEL } from "../../src/settings/spec.js";
import { reply, startOpenAiServer, type ScriptedOpenAiServer } from "../support/openai-server.js";
import { envelopeItem } from "../techlead/helpers.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
/** A non-loopback address of this machine: the "real" host the default applies to. */
const ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

let local: LocalWorkspace;
let llm: ScriptedOpenAiServer;
let front: Server;
let host: string;
let repo: string;

async function jobagent(args: string[], env: Record<string, string>) {
  const base = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    JOBAGENT_REPO: "acme/data-jobs",
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: repo,
      env: { ...base, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** One host: /serving-endpoints/* → the scripted LLM, the rest → the local workspace. */
function startFront(address: string): Promise<Server> {
  const server = createServer((req, res) => {
    const target = new URL(req.url?.startsWith("/serving-endpoints") ? llm.origin : local.url);
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((done) => server.listen(0, address, () => done(server)));
}

beforeAll(async () => {
  local = await startLocalWorkspace({ runStepMs: 5 });
  llm = await startOpenAiServer();
  if (ADDRESS) {
    front = await startFront(ADDRESS);
    host = `http://${ADDRESS}:${(front.address() as AddressInfo).port}`;
  }
});

afterAll(async () => {
  await new Promise((done) => (front ? front.close(done) : done(undefined)));
  await llm.close();
  await local.close();
});

beforeEach(async () => {
  llm.requests.length = 0;
  llm.setFallback(undefined);
  repo = await mkdtemp(join(tmpdir(), "jobagent-default-llm-"));
  await mkdir(join(repo, "jobs"));
  await writeFile(
    join(repo, "jobs", "orders.md"),
    "Run the notebook /Workspace/Shared/etl/ingest every day at 6am. Email data-eng@example.com on failure.\n",
  );
  return () => rm(repo, { recursive: true, force: true });
});

const ANSWER = envelopeItem({
  key: "orders",
  action: "create",
  settings_json: JSON.stringify({
    name: "orders-read-by-the-llm",
    tasks: [{ task_key: "ingest", notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest" } }],
    schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "UNPAUSED" },
    email_notifications: { on_failure: ["data-eng@example.com"] },
  }),
});

describe.skipIf(!ADDRESS)("default LLM: the workspace's serving endpoint", () => {
  it("is called at <host>/serving-endpoints with the workspace token and its answer is planned", async () => {
    llm.setFallback(reply.json({ items: [ANSWER] }));
    const out = await jobagent(["plan", "--no-record"], {
      DATABRICKS_HOST: host,
      DATABRICKS_TOKEN: local.token,
    });
    expect(out.code, out.stderr).toBe(0);
    expect(llm.requests.length).toBeGreaterThan(0);
    const first = llm.requests[0]!;
    expect(first.path).toBe("/serving-endpoints/chat/completions");
    expect(first.headers.authorization).toBe(`Bearer ${local.token}`);
    expect(first.body?.model).toBe(DEFAULT_LLM_MODEL);
    expect(out.stdout).toContain('create "orders-read-by-the-llm"');
  });

  it("falls back to the offline interpreter with a warning when the workspace has no such endpoint", async () => {
    llm.setFallback(
      reply.status(404, "RESOURCE_DOES_NOT_EXIST: endpoint databricks-claude-sonnet-4-5 not found"),
    );
    const out = await jobagent(["plan", "--no-record", "--json"], {
      DATABRICKS_HOST: host,
      DATABRICKS_TOKEN: local.token,
    });
    expect(out.code, out.stderr).toBe(0);
    expect(llm.requests.length).toBeGreaterThan(0);
    const plan = JSON.parse(out.stdout) as {
      changes: Array<{ op: string; jobName: string }>;
      diagnostics: Array<{ code: string; message: string; fix: string }>;
    };
    expect(plan.changes.map((c) => [c.op, c.jobName])).toEqual([["create", "orders"]]);
    const warning = plan.diagnostics.find((d) => d.code === "llm.default-unavailable");
    expect(warning?.message).toMatch(/default LLM .*databricks-claude-sonnet-4-5.*offline interpreter/);
    expect(warning?.fix).toMatch(/llm-model: off/);
  });

  it("is off with llm-model off, and never used for a loopback host (local workspace, demo)", async () => {
    llm.setFallback(reply.json({ items: [ANSWER] }));
    const off = await jobagent(["plan", "--no-record", "--llm-model", "off"], {
      DATABRICKS_HOST: host,
      DATABRICKS_TOKEN: local.token,
    });
    expect(off.code, off.stderr).toBe(0);
    const loopback = await jobagent(["plan", "--no-record"], {
      DATABRICKS_HOST: local.url,
      DATABRICKS_TOKEN: local.token,
    });
    expect(loopback.code, loopback.stderr).toBe(0);
    const embedded = await jobagent(["plan", "--no-record"], {});
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(llm.requests).toEqual([]);
    for (const out of [off, loopback, embedded]) expect(out.stdout).toMatch(/create "orders"/);
  });
});
