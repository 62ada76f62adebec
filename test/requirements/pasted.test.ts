// A job pasted as Databricks gives it — the JSON of the job page, a `jobs get` answer, a bundle's YAML — in a
// fenced block of a requirement's body (or a jobs/get answer under `job:`) is read as a structured job: the same work
// item as the front matter form, every field keeping its file line, the prose around it not read as a ticket. Over the
// real-jobs corpus through the local workspace (which reads jobs back like the service: defaults filled in, arrays
// reordered): a pasted jobs/get answer with `adopt: <id>` plans no field change but the ownership tags.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isDeepStrictEqual, promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { corpusPresent, loadCorpus } from "../domain/corpus.js";
import {
  docLineOf,
  interpretStructured,
  parseRequirement,
  validationContextFor,
} from "../../src/techlead/requirements/index.js";
import { validateWorkItem } from "../../src/worker/validate/index.js";
import { diffJobSettings } from "../../src/domain/diff.js";
import { withOwnership } from "../../src/state/ownership.js";
import type { Diagnostic, JobSettings } from "../../src/domain/model.js";
import { BUNDLE_FIELDS } from "../../src/state/ownership.js";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const REPO = "acme/data-jobs";

const fence = (lang: string, value: unknown) => `\`\`\`${lang}\n${JSON.stringify(value, null, 2)}\n\`\`\`\n`;

function read(file: string, text: string) {
  const parsed = parseRequirement(file, text);
  expect(parsed.doc, JSON.stringify(parsed.diagnostics)).toBeDefined();
  const doc = parsed.doc!;
  return { doc, parsed: parsed.diagnostics, structured: interpretStructured(doc) };
}

const errorsOf = (list: Diagnostic[]) => list.filter((d) => d.severity === "error");

const SETTINGS = {
  name: "nightly-sales",
  email_notifications: { on_failure: ["sales-eng@example.com"] },
  timeout_seconds: 7200,
  tasks: [
    {
      task_key: "load",
      notebook_task: { notebook_path: "/Shared/etl/load", source: "WORKSPACE" },
      job_cluster_key: "main",
    },
  ],
  job_clusters: [
    {
      job_cluster_key: "main",
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 4 },
    },
  ],
  schedule: { quartz_cron_expression: "0 30 1 * * ?", timezone_id: "America/New_York" },
};

describe("a job pasted in a fenced block of the body", () => {
  it("is the same work item as the front matter form; the prose around it is not read", () => {
    const pasted = read(
      "jobs/nightly-sales.md",
      `# Nightly sales\n\nCopied from the job page's View JSON:\n\n${fence("json", SETTINGS)}\nIt feeds the morning dashboard.\n`,
    );
    const front = read(
      "jobs/nightly-sales.md",
      `---\njob: ${JSON.stringify(SETTINGS)}\n---\nIt feeds the morning dashboard.\n`,
    );
    expect(pasted.structured, "read as a structured job, not as prose").toBeDefined();
    expect(pasted.structured!.items).toHaveLength(1);
    expect(pasted.structured!.items[0]).toMatchObject({ key: "nightly-sales", action: "create" });
    expect(pasted.structured!.items[0]!.settings).toEqual(front.structured!.items[0]!.settings);
    expect(errorsOf([...pasted.parsed, ...pasted.structured!.diagnostics])).toEqual([]);
    // The block is out of the prose (the consistency check and an LLM read only the words around it).
    expect(pasted.doc.body).not.toContain("notebook_path");
    expect(pasted.doc.body).toContain("It feeds the morning dashboard.");
    expect(pasted.doc.body.split("\n").length, "lines kept").toBe(
      `# Nightly sales\n\nCopied from the job page's View JSON:\n\n${fence("json", SETTINGS)}\nIt feeds the morning dashboard.\n`.split(
        "\n",
      ).length,
    );
  });

  it("gives every field its file line inside the block, for errors too", () => {
    const text = [
      "The job, as the workspace shows it:", // 1
      "", // 2
      "```json", // 3
      "{", // 4
      '  "name": "typo-job",', // 5
      '  "tasks": [', // 6
      "    {", // 7
      '      "task_key": "load",', // 8
      '      "notebook_task": { "notebook_path": "/Shared/etl/load" },', // 9
      '      "max_retires": 2', // 10
      "    }", // 11
      "  ]", // 12
      "}", // 13
      "```", // 14
    ].join("\n");
    const { doc, structured } = read("jobs/typo.md", text);
    const lineOf = docLineOf(doc);
    expect(lineOf("job.tasks[load].notebook_task.notebook_path")).toBe(9);
    expect(lineOf("job.name")).toBe(5);
    // The Worker's schema check names the line of the misspelt field, with the fix.
    const item = structured!.items[0]!;
    const typo = validateWorkItem(item, validationContextFor(doc, item.key)).find((d) =>
      String(d.path).endsWith("max_retires"),
    );
    expect(typo?.line).toBe(10);
    expect(typo?.fix).toContain("max_retries");
    // After front matter, the lines are still the file's.
    const withFront = read("jobs/typo.md", `---\ntitle: x\n---\n${text}`);
    expect(docLineOf(withFront.doc)("job.tasks[load].max_retires")).toBe(13);
  });

  it("reads a YAML block, a bundle's resources (keys kept), and several blocks as several jobs", () => {
    const yaml = read(
      "jobs/y.md",
      "Pasted:\n\n```yaml\nname: from-yaml\ntasks:\n  - task_key: t\n    notebook_task: {notebook_path: /Shared/x}\n```\n",
    );
    expect(yaml.structured!.items.map((i) => [i.key, i.settings?.name])).toEqual([["y", "from-yaml"]]);
    const bundle = read(
      "jobs/b.md",
      "From databricks.yml:\n\n```yaml\nresources:\n  jobs:\n    refresh_job:\n      name: refresh\n      tasks:\n        - task_key: t\n          notebook_task: {notebook_path: /Shared/x}\n  pipelines:\n    p: {name: p}\n```\n",
    );
    expect(bundle.structured!.items.map((i) => [i.key, i.settings?.name])).toEqual([
      ["refresh_job", "refresh"],
    ]);
    expect(bundle.parsed.map((d) => d.code)).toEqual(["requirement.pasted-other-resources"]);
    expect(docLineOf(bundle.doc)("jobs.refresh_job.tasks[t]")).toBe(9);
    const two = read(
      "jobs/two.md",
      `First:\n\n${fence("json", { ...SETTINGS, name: "Sales A" })}\nSecond:\n\n${fence("", { ...SETTINGS, name: "Sales B" })}`,
    );
    expect(two.structured!.items.map((i) => [i.key, i.settings?.name])).toEqual([
      ["sales-a", "Sales A"],
      ["sales-b", "Sales B"],
    ]);
    const same = read(
      "jobs/same.md",
      `${fence("json", SETTINGS)}\n${fence("json", { ...SETTINGS, timeout_seconds: 60 })}`,
    );
    expect(same.parsed.map((d) => d.code)).toEqual(["requirement.pasted-duplicate"]);
  });

  it("leaves blocks that are not jobs to the prose, and a front matter job wins over blocks", () => {
    const params = read(
      "jobs/p.md",
      'Run orders-daily with these parameters:\n\n```json\n{"run_date": "2026-10-01"}\n```\n',
    );
    expect(params.structured).toBeUndefined();
    expect(params.doc.body).toContain("run_date");
    // A nameless fragment is what a ticket shows of a change, not a new job.
    const fragment = read(
      "jobs/f.md",
      `Add this task to orders-daily:\n\n${fence("json", { tasks: [{ task_key: "qa", notebook_task: { notebook_path: "/Shared/qa" } }] })}`,
    );
    expect(fragment.structured).toBeUndefined();
    const both = read(
      "jobs/both.md",
      `---\njob:\n  name: front\n  tasks: [{task_key: t, notebook_task: {notebook_path: /Shared/a}}]\n---\nThe old definition, for reference:\n\n${fence("json", SETTINGS)}`,
    );
    expect(both.structured!.items.map((i) => i.settings?.name)).toEqual(["front"]);
    expect(both.doc.body).toContain("notebook_path");
  });

  it("reports a pasted job that cannot be read, with the file line, instead of reading it as prose", () => {
    const { parsed, structured } = read(
      "jobs/broken.md",
      'Here it is:\n\n```json\n{\n  "name": "x",\n  "tasks": [\n    { "task_key": "a" "notebook_task": {} }\n  ]\n}\n```\n',
    );
    expect(structured).toBeUndefined();
    const error = parsed.find((d) => d.code === "requirement.pasted-syntax");
    expect(error, JSON.stringify(parsed)).toBeDefined();
    expect(error!.line).toBeGreaterThanOrEqual(4);
    expect(error!.line).toBeLessThanOrEqual(7);
    expect(error!.message).toContain("jobs/broken.md:");
    expect(error!.message).toContain("json block at line 3");
    expect(error!.fix).toMatch(/comma/);
  });
});

describe("a jobs/get answer", () => {
  const answer = {
    job_id: 123456,
    creator_user_name: "someone@example.com",
    run_as_user_name: "someone@example.com",
    created_time: 1733400000000,
    settings: { ...SETTINGS, run_as: { user_name: "someone@example.com" }, format: "MULTI_TASK" },
  };

  it("is unwrapped to its settings, in a block and under job:, with a warning naming the job id and the fix", () => {
    for (const text of [
      `\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\`\n`,
      `---\njob: ${JSON.stringify(answer)}\n---\n`,
    ]) {
      const { parsed, structured } = read("jobs/nightly-sales.md", text);
      expect(errorsOf(structured!.diagnostics)).toEqual([]);
      const settings = structured!.items[0]!.settings!;
      expect(settings.name).toBe("nightly-sales");
      expect(settings).not.toHaveProperty("job_id");
      // run_as naming the creator is the service's way of saying "runs as its owner": not a change of identity.
      expect(settings).not.toHaveProperty("run_as");
      const warning = parsed.find((d) => d.code === "requirement.pasted-job-id");
      expect(warning?.severity).toBe("warning");
      expect(warning?.line, "the line of job_id").toBe(text.startsWith("---") ? 2 : 3);
      expect(warning?.message).toContain("does not change job 123456");
      expect(warning?.fix).toContain("adopt: 123456");
      // With adopt naming it, nothing to warn about.
      const adopted = read(
        "jobs/nightly-sales.md",
        text.startsWith("---")
          ? text.replace("---\njob:", "---\nadopt: 123456\njob:")
          : `---\nadopt: 123456\n---\n${text}`,
      );
      expect(adopted.parsed.map((d) => d.code)).not.toContain("requirement.pasted-job-id");
      expect(adopted.structured!.items[0]!.target).toEqual({ job_id: 123456, adopt: true });
    }
  });

  it("keeps a run_as that is not the creator, and reads `jobs list` output as its jobs", () => {
    const other = { ...answer, settings: { ...answer.settings, run_as: { service_principal_name: "sp-1" } } };
    expect(read("jobs/x.md", fence("json", other)).structured!.items[0]!.settings!.run_as).toEqual({
      service_principal_name: "sp-1",
    });
    const list = {
      jobs: [
        { ...answer, settings: { ...answer.settings, name: "Sales A" } },
        { ...answer, job_id: 7, settings: { ...answer.settings, name: "Sales B" } },
      ],
      has_more: false,
    };
    const listed = read("jobs/list.md", fence("json", list));
    expect(listed.structured!.items.map((i) => i.key)).toEqual(["sales-a", "sales-b"]);
  });
});

describe.skipIf(!corpusPresent)("real-world jobs pasted as Databricks gives them", () => {
  let ws: LocalWorkspace;
  beforeAll(async () => {
    ws = await startLocalWorkspace({});
  });
  afterAll(async () => {
    await ws.close();
  });

  const api = async (path: string, body?: unknown) => {
    const response = await fetch(`${ws.url}/api/2.2/jobs/${path}`, {
      method: body ? "POST" : "GET",
      headers: { Authorization: `Bearer ${ws.token}`, "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { ok: response.ok, body: (await response.json()) as Record<string, unknown> };
  };

  it("every suspect-free corpus job: its settings JSON in a block = the front matter form; its jobs/get answer with adopt plans only the ownership tags", async () => {
    const jobs = loadCorpus().filter((j) => j.suspect.length === 0);
    let compared = 0;
    let adoptedCount = 0;
    let readBack = 0;
    let pinned = 0;
    for (const job of jobs) {
      const file = "jobs/pasted.md";
      const inBlock = read(file, `Our job:\n\n${fence("json", job.settings)}`);
      const inFront = read(file, `---\njob: ${JSON.stringify(job.settings)}\n---\n`);
      expect(inBlock.structured, job.file).toBeDefined();
      const bundled = (job.settings.deployment as { kind?: string } | undefined)?.kind === "BUNDLE";
      // (a pasted job a bundle deployed comes without the bundle's claim on it)
      const unclaimed = (settings: unknown) =>
        bundled
          ? Object.fromEntries(Object.entries(settings as object).filter(([k]) => !BUNDLE_FIELDS.includes(k)))
          : settings;
      expect(
        inBlock.structured!.items.map((i) => i.settings),
        job.file,
      ).toEqual(inFront.structured!.items.map((i) => unclaimed(i.settings)));
      compared++;
      const created = await api("create", job.settings);
      if (!created.ok) continue; // references the local workspace refuses (the adoption test counts these)
      const got = await api(`get?job_id=${String(created.body.job_id)}`);
      const text = `---\nadopt: ${String(created.body.job_id)}\n---\nFrom \`databricks jobs get\`:\n\n${fence("json", got.body)}`;
      const adopted = read(file, text);
      expect(
        adopted.parsed.map((d) => d.code),
        job.file,
      ).toEqual(bundled ? ["requirement.pasted-bundle-job"] : []);
      const settings = adopted.structured!.items[0]!.settings as JobSettings;
      const actual = got.body.settings as JobSettings;
      const changes = diffJobSettings(withOwnership(settings, REPO, "pasted.pasted"), actual, {
        creatorUserName: got.body.creator_user_name as string | undefined,
      }).map((f) => f.path);
      expect(
        changes.filter((p) => p !== "tags" && !p.startsWith('tags["jobagent-')),
        job.file,
        // a bundle's job is taken over without the bundle's claim, as `jobagent import --take-over` does
      ).toEqual(bundled ? BUNDLE_FIELDS.filter((f) => f in actual) : []);
      // The Worker accepts the pasted answer as it is (read-back values such as format or run_if included) …
      const item = adopted.structured!.items[0]!;
      expect(errorsOf(validateWorkItem(item, validationContextFor(adopted.doc, item.key))), job.file).toEqual(
        [],
      );
      // … and it keeps every value the job was defined with: what it adds are only fields the service filled in
      // on read-back (cluster fill-ins such as aws_attributes, which a jobs/get answer pins like an import does).
      const kinds = diffJobSettings(settings, job.settings).map((f) => `${f.kind} ${f.path}`);
      expect(
        kinds.filter((k) => !k.startsWith("add ") && !BUNDLE_FIELDS.some((f) => k === `remove ${f}`)),
        job.file,
      ).toEqual([]);
      if (kinds.some((k) => k.startsWith("add "))) pinned++;
      adoptedCount++;
      // What was pasted is what the service read back (defaults filled in, arrays reordered), not what was sent.
      if (!isDeepStrictEqual(actual, job.settings)) readBack++;
    }
    console.log(
      `pasted corpus jobs: ${compared} settings blocks equal to their front matter form; ${adoptedCount} jobs/get ` +
        `answers (${readBack} differing from what was sent) adopt with only the ownership tags to add; ${pinned} of them pin fields the service filled in`,
    );
    expect(compared).toBeGreaterThan(80);
    expect(adoptedCount).toBeGreaterThan(compared * 0.8);
    expect(readBack, "the local workspace reads back like the service, not an echo").toBeGreaterThan(
      adoptedCount / 2,
    );
  }, 120_000);
});

describe("through the CLI (a newcomer pastes the job page's JSON)", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("validate reads it as a job and plan creates it, naming the file line of a field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jobagent-pasted-"));
    dirs.push(dir);
    await run("git", ["init", "-q", "-b", "main"], { cwd: dir });
    await mkdir(join(dir, "jobs"));
    const text = `# Nightly sales\n\nCopied from the job page ("View JSON"):\n\n${fence("json", SETTINGS)}`;
    await writeFile(join(dir, "jobs", "nightly-sales.md"), text);
    const line = text.split("\n").findIndex((l) => l.includes('"notebook_path"')) + 1;
    // A jobs/get answer beside it: the warning about its job id is a requirement's, shown once with its fix.
    const answer = {
      job_id: 4242,
      creator_user_name: "a@example.com",
      settings: { ...SETTINGS, name: "other" },
    };
    await writeFile(join(dir, "jobs", "from-get.md"), fence("json", answer));
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", JOBAGENT_REPO: REPO };
    const plan = await run(process.execPath, [CLI, "plan", "--no-record"], { cwd: dir, env });
    expect(plan.stdout).toContain('+ create "nightly-sales"  [jobs/nightly-sales.md]');
    expect(plan.stdout).not.toMatch(/^\s+\? /m); // no question: the job is fully defined
    // the notebook does not exist in the embedded workspace: the warning names the line of notebook_path
    expect(plan.stdout).toContain(
      `jobs/nightly-sales.md:${line}: job.tasks[load].notebook_task.notebook_path`,
    );
    expect(plan.stdout).toContain('+ create "other"  [jobs/from-get.md]');
    const warning = "  warning: jobs/from-get.md:3: this is the jobs/get answer of job 4242";
    expect(plan.stdout.split(warning).length - 1, plan.stdout).toBe(1);
    expect(plan.stdout).toContain("      fix: to manage job 4242 itself instead, add 'adopt: 4242'");
    // `jobagent interpret` shows the file's own findings too
    const one = await run(process.execPath, [CLI, "interpret", "jobs/from-get.md"], { cwd: dir, env });
    expect(one.stdout).toContain("jobs/from-get.md: interpreted by structured");
    expect(one.stderr).toContain("jobs/from-get.md:3 job_id: this is the jobs/get answer of job 4242");
  });
});

describe("a pasted job a bundle deployed", () => {
  it("`databricks bundle validate --output json` pasted: its jobs are read without the bundle's claim", () => {
    const validated = {
      bundle: { name: "sales", target: "dev" },
      workspace: { root_path: "/Workspace/Users/jane@acme.com/.bundle/sales/dev" },
      resources: {
        jobs: {
          nightly: {
            name: "[dev jane] nightly",
            deployment: {
              kind: "BUNDLE",
              metadata_file_path: "/Workspace/Users/jane@acme.com/.bundle/x/state/metadata.json",
            },
            edit_mode: "UI_LOCKED",
            format: "MULTI_TASK",
            tasks: [{ task_key: "t", notebook_task: { notebook_path: "/Shared/etl/t" } }],
          },
        },
        pipelines: { p: { name: "p" } },
      },
    };
    const { parsed, structured } = read(
      "jobs/sales.md",
      `From bundle validate:\n\n${fence("json", validated)}`,
    );
    const item = structured!.items[0]!;
    expect(item.key).toBe("nightly");
    expect(item.settings).not.toHaveProperty("deployment");
    expect(item.settings).not.toHaveProperty("edit_mode");
    expect(parsed.map((d) => d.code).sort()).toEqual([
      "requirement.pasted-bundle-job",
      "requirement.pasted-other-resources",
    ]);
    expect(parsed.find((d) => d.code === "requirement.pasted-bundle-job")?.fix).toContain(
      "databricks bundle deployment unbind",
    );
  });
});
