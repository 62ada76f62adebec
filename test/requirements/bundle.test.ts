// The bundle reader over bundle fixtures on disk (real files, include globs through fs.globSync): resolved settings
// compared with what `databricks bundle deploy` would send, a message per construct it cannot honour, and the
// round trip through the CLI: export the example requirements as a bundle → import --bundle into a fresh repo →
// the same plan.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { readBundleFile } from "../../src/cli/commands/import-bundle.js";
import { normalizeJobSettings } from "../../src/domain/normalize.js";
import type { JobSettings } from "../../src/domain/model.js";
import { BUNDLE_USER, FIXTURES } from "./bundle-fixtures.js";

const run = promisify(execFile);
const dirs: string[] = [];

async function bundleDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "jobagent-bundle-"));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

async function read(files: Record<string, string>, target?: string, env: Record<string, string> = {}) {
  const dir = await bundleDir(files);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return readBundleFile(join(dir, "databricks.yml"), target, BUNDLE_USER);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("bundle reader: fixtures", () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))("%s", async (_name, fixture) => {
    const result = await read(fixture.files, fixture.target, fixture.env);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const job = result.jobs.find((j) => j.settings.name === fixture.expect.name);
    expect(job, JSON.stringify(result.jobs.map((j) => j.settings.name))).toBeDefined();
    expect(normalizeJobSettings(job!.settings)).toEqual(normalizeJobSettings(fixture.expect as JobSettings));
    for (const [key, runs] of Object.entries(fixture.runs ?? {}))
      expect(result.jobs.find((j) => j.key === key)?.runs).toEqual(runs);
  });
  it("has at least 10 fixtures", () => expect(FIXTURES.length).toBeGreaterThanOrEqual(10));
});

const job = (body: string) => `resources:\n  jobs:\n    j:\n      name: j\n${body}`;
const TASK = `      tasks:\n        - task_key: t\n          notebook_task: {notebook_path: /Shared/etl/report}\n`;

describe("bundle reader: constructs it cannot honour are reported with file, line and why", () => {
  const cases: Array<[string, Record<string, string>, RegExp, string | undefined]> = [
    [
      "a lookup variable",
      { "databricks.yml": `variables:\n  cl:\n    lookup: {cluster: shared-autoscaling}\n${job(TASK)}` },
      /databricks\.yml:2: variables\.cl: 'cl' is a lookup \(cluster\).*BUNDLE_VAR_cl/,
      undefined,
    ],
    [
      "an undeclared variable",
      { "databricks.yml": job(`      description: \${var.nope}\n${TASK}`) },
      /databricks\.yml:5: resources\.jobs\.j\.description: cannot resolve '\$\{var\.nope\}': variable 'nope' is not declared/,
      undefined,
    ],
    [
      "a pipeline id reference",
      {
        "databricks.yml": job(
          `      tasks:\n        - task_key: p\n          pipeline_task:\n            pipeline_id: \${resources.pipelines.dlt.id}\n`,
        ),
      },
      /databricks\.yml:8: .*pipeline_id: cannot resolve '\$\{resources\.pipelines\.dlt\.id\}': references to other resource types/,
      undefined,
    ],
    [
      "a reference to a job the bundle does not define",
      {
        "databricks.yml": job(
          `      tasks:\n        - task_key: r\n          run_job_task:\n            job_id: \${resources.jobs.ghost.id}\n`,
        ),
      },
      /run_job_task\.job_id: cannot resolve '\$\{resources\.jobs\.ghost\.id\}': no job 'ghost' in this bundle/,
      undefined,
    ],
    [
      "a complex variable inside a string",
      {
        "databricks.yml": `variables:\n  c: {type: complex, default: {a: 1}}\n${job(`      description: "uses \${var.c}"\n${TASK}`)}`,
      },
      /cannot resolve '\$\{var\.c\}': a complex value cannot be part of a string/,
      undefined,
    ],
    [
      "several targets and none default",
      { "databricks.yml": `targets:\n  a: {}\n  b: {}\n${job(TASK)}` },
      /databricks\.yml:1: targets: several targets and none is `default: true`/,
      undefined,
    ],
    [
      "an unknown --target",
      { "databricks.yml": `targets:\n  dev: {default: true}\n${job(TASK)}` },
      /databricks\.yml:1: targets: no target 'prod'.*use one of: dev/,
      "prod",
    ],
    [
      "a target override of a job nobody defines",
      {
        "databricks.yml": `targets:\n  dev:\n    resources:\n      jobs:\n        other: {max_concurrent_runs: 2}\n${job(TASK)}`,
      },
      /databricks\.yml:5: targets\.dev\.resources\.jobs\.other: target 'dev' overrides job 'other', which no resources\.jobs defines/,
      undefined,
    ],
    [
      "a YAML syntax error in an included file",
      {
        "databricks.yml": `include: [res/*.yml]\n`,
        "res/bad.yml": `resources:\n  jobs:\n    j: {name: [unclosed\n`,
      },
      /res\/bad\.yml:\d+: /,
      undefined,
    ],
  ];
  it.each(cases)("%s", async (_name, files, message, target) => {
    const result = await read(files, target);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.message} — fix: ${d.fix}`).join("\n")).toMatch(message);
    for (const d of errors) expect(d.fix.length).toBeGreaterThan(0);
  });

  it("warns about resources it leaves to the bundle and about includes that match nothing", async () => {
    const result = await read({
      "databricks.yml": `include: [missing/*.yml]\nresources:\n  pipelines:\n    dlt: {name: dlt}\n  jobs:\n    j:\n      name: j\n${TASK}`,
    });
    const warnings = result.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
    expect(warnings.join("\n")).toMatch(
      /databricks\.yml:1: include: include 'missing\/\*\.yml' matches no file/,
    );
    expect(warnings.join("\n")).toMatch(/databricks\.yml:3: resources\.pipelines: .*not managed by jobagent/);
    expect(result.jobs.map((j) => j.key)).toEqual(["j"]);
  });
});

describe("a bundle that defines its jobs in Python (pydabs)", () => {
  it("says those jobs are not read and how to take them; the import writes nothing and exits 1", async () => {
    const files = {
      "databricks.yml": `bundle:\n  name: py\npython:\n  venv_path: .venv\n  resources:\n    - "resources:load_resources"\ninclude:\n  - resources/*.yml\ntargets:\n  dev:\n    default: true\n`,
    };
    const result = await read(files);
    const python = result.diagnostics.find((d) => d.path === "python.resources");
    expect(python?.severity).toBe("warning");
    expect(python?.message).toContain("resources:load_resources");
    expect(python?.message).toContain("databricks.yml:5:");
    expect(python?.fix).toContain("databricks bundle validate --output json");
    const dir = await bundleDir(files);
    const repo = await mkdtemp(join(tmpdir(), "jobagent-pyimport-"));
    dirs.push(repo);
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", JOBAGENT_REPO: "acme/x" };
    const imported = await run(
      process.execPath,
      [resolve("dist/cli.js"), "import", "--bundle", join(dir, "databricks.yml")],
      {
        cwd: repo,
        env,
      },
    ).catch((e: { code: number; stdout: string }) => e);
    expect((imported as { code?: number }).code).toBe(1);
    expect(imported.stdout).toContain("No job found in the bundle for target dev");
    expect(existsSync(join(repo, "jobs"))).toBe(false);
    // reading a bundle keeps no embedded-workspace state in the repository
    expect(existsSync(join(repo, ".jobagent"))).toBe(false);
  });
});

describe("bundles out and back in", () => {
  it("export --bundle → import --bundle into a fresh repository → the same plan", async () => {
    const cli = resolve("dist/cli.js");
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", JOBAGENT_REPO: "acme/x" };
    const a = await mkdtemp(join(tmpdir(), "jobagent-export-"));
    const b = await mkdtemp(join(tmpdir(), "jobagent-reimport-"));
    dirs.push(a, b);
    await cp(resolve("jobs"), join(a, "jobs"), { recursive: true, filter: (s) => !s.includes(".tasks") });
    const exported = await run(process.execPath, [cli, "export", "--bundle", "bundle"], { cwd: a, env });
    expect(exported.stdout).toMatch(/wrote {3}bundle\/databricks\.yml {2}\(bundle x, \d+ job\(s\)\)/);
    await run(process.execPath, [cli, "import", "--bundle", join(a, "bundle", "databricks.yml")], {
      cwd: b,
      env,
    });
    const plan = async (cwd: string) => {
      const { stdout } = await run(process.execPath, [cli, "plan", "--json", "--no-record"], { cwd, env });
      const parsed = JSON.parse(stdout) as {
        valid: boolean;
        changes: Array<{ op: string; jobName: string; request: { body: { tags?: Record<string, string> } } }>;
      };
      expect(parsed.valid).toBe(true);
      return Object.fromEntries(
        parsed.changes
          .filter((c) => c.op === "create")
          .map((c) => {
            const body = structuredClone(c.request.body);
            delete body.tags?.["jobagent-task"]; // the task id names the requirement file, which differs
            return [c.jobName, body];
          }),
      );
    };
    const before = await plan(a);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(15);
    expect(await plan(b)).toEqual(before);
  }, 120_000);
});
