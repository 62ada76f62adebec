// A data engineer who uses the Databricks CLI has a ~/.databrickscfg with profiles. `--databricks-profile NAME` (or
// DATABRICKS_CONFIG_PROFILE, as the Databricks CLI reads it) selects that workspace and its credentials, with
// dist/cli.js in child processes and a local workspace server behind the profile; the profile's token never shows.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const TOKEN = "dapi-profile-token-5f3c9e1b";

let ws: LocalWorkspace;
let home: string;
let repo: string;
let jobId: number;

async function jobagent(args: string[], env: Record<string, string>) {
  const base = { PATH: process.env.PATH ?? "", HOME: home, JOBAGENT_REPO: "acme/data-jobs" };
  try {
    const r = await run(process.execPath, [CLI, ...args], { cwd: repo, env: { ...base, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

beforeAll(async () => {
  ws = await startLocalWorkspace({ token: TOKEN });
  home = await mkdtemp(join(tmpdir(), "jobagent-home-"));
  repo = await mkdtemp(join(tmpdir(), "jobagent-profile-"));
  await run("git", ["init", "-q", "-b", "main"], { cwd: repo });
  await writeFile(
    join(home, ".databrickscfg"),
    `[DEFAULT]\nhost = https://not-this-one.cloud.databricks.com\n\n[prod]\nhost = ${ws.url}\ntoken = ${TOKEN}\n`,
  );
  const response = await fetch(`${ws.url}/api/2.2/jobs/create`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "Legacy ETL",
      tasks: [{ task_key: "load", notebook_task: { notebook_path: "/Shared/etl/ingest" } }],
    }),
  });
  jobId = ((await response.json()) as { job_id: number }).job_id;
});

afterAll(async () => {
  await ws.close();
  await rm(home, { recursive: true, force: true });
  await rm(repo, { recursive: true, force: true });
});

describe("a Databricks config profile", () => {
  it("DATABRICKS_CONFIG_PROFILE selects the profile's workspace and credentials (no DATABRICKS_HOST)", async () => {
    const imported = await jobagent(["import", "--job-id", String(jobId)], {
      DATABRICKS_CONFIG_PROFILE: "prod",
    });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`(job ${jobId} "Legacy ETL")`);
    expect(imported.stderr).toContain(`Databricks config profile "prod": ${ws.url}`);
    expect(await readdir(join(repo, "jobs"))).toEqual(["legacy-etl.md"]);
    expect(imported.stdout + imported.stderr).not.toContain(TOKEN);
  });

  it("--databricks-profile does the same as a flag; the plan is against that workspace", async () => {
    const plan = await jobagent(["plan", "--no-record", "--databricks-profile", "prod"], {});
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`~ update "Legacy ETL" (job ${jobId})`);
    expect(plan.stderr).not.toContain("embedded local workspace");
    expect(plan.stdout + plan.stderr).not.toContain(TOKEN);
  });

  it("a profile that is not there is a configuration error naming it (exit 2); a host given wins", async () => {
    const missing = await jobagent(["validate", "--databricks-profile", "staging"], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Databricks config profile "staging"');
    expect(missing.stderr).toContain("has no staging profile configured");
    const noFile = await jobagent(["validate"], {
      DATABRICKS_CONFIG_PROFILE: "prod",
      DATABRICKS_CONFIG_FILE: join(home, "absent.cfg"),
    });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('no host for the config profile "prod"');
    // DATABRICKS_HOST given: the profile is not read for the host (the embedded workspace is not used either).
    const both = await jobagent(["validate"], {
      DATABRICKS_CONFIG_PROFILE: "staging",
      DATABRICKS_HOST: ws.url,
      DATABRICKS_TOKEN: TOKEN,
    });
    expect(both.code, both.stderr).toBe(0);
    expect(both.stderr).not.toContain("config profile");
  });
});
