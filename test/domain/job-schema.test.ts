/**
 * The job schema generated from the installed SDK's type declarations: in sync with the SDK (the staleness check,
 * run for real), read by the validator (did-you-mean from its field names, SDK fields the old hand-written schema
 * lacked, wrong types named by path and line), and accepting the real-world corpus.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { checkJobRules } from "../../src/domain/rules.js";
import { checkJobSchema } from "../../src/domain/schema-check.js";
import { definition, fieldNamesAt } from "../../src/domain/job-schema.js";
import type { TaskSettings } from "../../src/domain/model.js";
import { TASK_TYPES } from "../../src/domain/vocabulary.js";
import { loadRequirements } from "../../src/techlead/requirements/index.js";
import { validateRequirement } from "../../src/worker/validate/index.js";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../..");
const generator = path.join(repoRoot, "scripts/generate-job-schema.mjs");
const committed = path.join(repoRoot, "src/domain/generated/job-settings.schema.json");
const temps: string[] = [];
afterAll(async () => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function check(against: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [generator, "--check", "--against", against], {
      cwd: repoRoot,
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

describe("generated from the installed SDK", () => {
  it("the committed schema matches what the installed SDK generates; a stale copy fails the check", async () => {
    expect(await check(committed)).toMatchObject({ code: 0, out: expect.stringMatching(/up to date/) });
    const dir = await mkdtemp(path.join(os.tmpdir(), "schema-"));
    temps.push(dir);
    const stale = path.join(dir, "stale.json");
    const text = await readFile(committed, "utf8");
    // An SDK upgrade that adds a task field, seen from the old file: the field is missing.
    await writeFile(stale, text.replace('"disable_auto_optimization"', '"disable_auto_optimization_old"'));
    const result = await check(stale);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/stale\.json is stale.*npm run schema:generate/);
  }, 180_000);

  it("names the SDK version and carries the SDK's field descriptions", () => {
    const sdk = JSON.parse(
      readFileSync(path.join(repoRoot, "node_modules/@databricks/sdk-experimental/package.json"), "utf8"),
    ) as { version: string };
    const schema = JSON.parse(readFileSync(committed, "utf8")) as { $comment: string };
    expect(schema.$comment).toContain(`@databricks/sdk-experimental ${sdk.version}`);
    expect(definition("CronSchedule").properties?.quartz_cron_expression.description).toMatch(/Quartz/);
    expect(definition("ClusterSpec").properties?.num_workers).toMatchObject({ type: "integer", minimum: 0 });
    expect(TASK_TYPES).toEqual(expect.arrayContaining(["notebook_task", "for_each_task", "power_bi_task"]));
    expect(fieldNamesAt(["tasks", "new_cluster", "autoscale"]).sort()).toEqual([
      "max_workers",
      "min_workers",
    ]);
  });
});

describe("validation reads the generated schema", () => {
  const base = { name: "j", tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Shared/x" } }] };

  it("an unknown field deep in a preview task type gets did-you-mean from the SDK's field names", () => {
    const issues = checkJobSchema({
      ...base,
      tasks: [{ task_key: "bi", power_bi_task: { power_bi_model: { model_nme: "sales" } } }],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "schema.unknown-field",
        path: "tasks[bi].power_bi_task.power_bi_model.model_nme",
        fix: expect.stringContaining("did you mean 'model_name'"),
      }),
    ]);
  });

  it("accepts a field the SDK declares that the hand-written schema did not (git_source.job_source)", () => {
    const job_source = { job_config_path: "jobs/x.yml", import_from_git_branch: "main" };
    const git_source = { git_url: "https://github.com/acme/etl", git_provider: "gitHub", job_source };
    expect(checkJobSchema({ ...base, git_source })).toEqual([]);
    const missing = checkJobSchema({
      ...base,
      git_source: { ...git_source, job_source: { job_config_path: "x" } },
    });
    expect(missing.map((i) => [i.code, i.path])).toEqual([
      ["schema.required", "git_source.job_source.import_from_git_branch"],
    ]);
  });

  it("a top-level task field and an output-only field are explained from the SDK's Task and Job types", () => {
    const issues = checkJobSchema({ ...base, job_id: 5, spark_jar_task: { main_class_name: "A" } });
    expect(issues.map((i) => [i.path, i.fix.split(";")[0]])).toEqual([
      ["job_id", "'job_id' is returned by jobs/get but not accepted by jobs/create"],
      ["spark_jar_task", "'spark_jar_task' is a task-level field (Jobs API 2.0 single-task format)"],
    ]);
  });

  it("a for_each inside a for_each passes the SDK's recursive type but not the service rules", () => {
    const inner = { task_key: "i", notebook_task: { notebook_path: "/Shared/x" } };
    const loop = (task: TaskSettings): TaskSettings => ({
      task_key: "loop",
      for_each_task: { inputs: "[1,2]", task },
    });
    const nested = { ...base, tasks: [loop({ ...loop(inner), task_key: "inner_loop" })] };
    expect(checkJobSchema(nested)).toEqual([]);
    expect(checkJobRules(nested).map((v) => [v.code, v.path])).toContainEqual([
      "semantic.for-each-nested",
      "tasks[loop].for_each_task.task.for_each_task",
    ]);
    expect(checkJobRules({ ...base, tasks: [loop(inner)] }).map((v) => v.code)).not.toContain(
      "semantic.for-each-nested",
    );
  });

  it("wrong types name the field path, the line and the fix", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "schema-req-"));
    temps.push(dir);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(dir, "jobs"));
    await writeFile(
      path.join(dir, "jobs", "typed.md"),
      [
        "---",
        "job:",
        "  name: typed",
        "  max_concurrent_runs: many",
        "  tasks:",
        "    - task_key: ingest",
        "      retry_on_timeout: yes please",
        "      notebook_task: {notebook_path: /Shared/x, base_parameters: {rows: 10}}",
        "---",
        "",
      ].join("\n"),
    );
    const { docs } = await loadRequirements(dir, "jobs");
    const errors = validateRequirement(docs[0]).diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.path, d.line, d.message])).toEqual([
      [
        "schema.type",
        "job.max_concurrent_runs",
        4,
        'jobs/typed.md:4: max_concurrent_runs must be an integer, found string "many"',
      ],
      [
        "schema.type",
        "job.tasks[ingest].retry_on_timeout",
        7,
        'jobs/typed.md:7: tasks[ingest].retry_on_timeout must be a boolean, found string "yes please"',
      ],
      [
        "schema.type",
        "job.tasks[ingest].notebook_task.base_parameters.rows",
        8,
        "jobs/typed.md:8: tasks[ingest].notebook_task.base_parameters.rows must be a string, found integer 10",
      ],
    ]);
    expect(errors[2].fix).toBe('quote it: "10" (the Jobs API takes strings here)');
  });
});

const CORPUS = path.resolve(repoRoot, "../shared/corpus/real-jobs");
const corpus = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith(".json")) : [];
if (corpus.length === 0)
  console.warn(`[skip] real-jobs corpus not found at ${CORPUS}: schema corpus test skipped`);

describe.skipIf(corpus.length === 0)("the real-world corpus against the generated schema", () => {
  const jobs = corpus.sort().map((file) => {
    const data = JSON.parse(readFileSync(path.join(CORPUS, file), "utf8")) as {
      settings: unknown;
      suspect: string[];
    };
    return { file, ...data };
  });

  it("every job without a suspect note passes the schema; the count is printed", () => {
    const clean = jobs.filter((j) => j.suspect.length === 0);
    const failing = clean.map((j) => ({ file: j.file, issues: checkJobSchema(j.settings) }));
    const passed = failing.filter((f) => f.issues.length === 0).length;
    console.log(`schema: ${passed}/${clean.length} clean corpus jobs pass (${jobs.length} files in all)`);
    expect(
      failing.filter((f) => f.issues.length > 0).map((f) => `${f.file}: ${f.issues[0].message}`),
    ).toEqual([]);
    expect(clean.length).toBeGreaterThan(50);
  });

  it("schema issues on suspect jobs are ones their notes name", () => {
    for (const job of jobs.filter((j) => j.suspect.length > 0)) {
      for (const issue of checkJobSchema(job.settings)) {
        const leaf =
          issue.path
            .split(/[.[\]"]+/)
            .filter(Boolean)
            .pop() ?? "";
        const named = job.suspect.some((note) => note.includes(leaf) || /2\.0 single-task/.test(note));
        expect(named, `${job.file}: ${issue.code} at ${issue.path} is not among its notes`).toBe(true);
      }
    }
  });
});
