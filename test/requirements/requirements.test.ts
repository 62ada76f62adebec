/** Requirement files on disk → docs → structured work items (real files in a temp dir). */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildLineOf,
  interpretStructured,
  loadRequirements,
  parseRequirement,
  validationContextFor,
} from "../../src/techlead/requirements/index.js";
import { validateWorkItem } from "../../src/worker/validate/index.js";

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), "req-"));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const put = async (rel: string, text: string) => {
  await mkdir(path.dirname(path.join(repo, rel)), { recursive: true });
  await writeFile(path.join(repo, rel), text);
};

const NB = "notebook_task: {notebook_path: /Workspace/Shared/etl/ingest}";

describe("loadRequirements", () => {
  it("walks the jobs dir recursively, skips dot-dirs and non-markdown, sorts by path", async () => {
    await put("jobs/b.md", "prose b\n");
    await put("jobs/a/z.md", "prose z\n");
    await put("jobs/.tasks/task.md", "---\nstatus: PENDING\n---\n");
    await put("jobs/notes.txt", "not a requirement");
    await put("jobs/Orders.MD", "upper-case extension counts\n");
    await put("other/c.md", "outside the jobs dir\n");
    const { docs, diagnostics } = await loadRequirements(repo, "jobs");
    expect(diagnostics).toEqual([]);
    expect(docs.map((d) => d.file)).toEqual(["jobs/Orders.MD", "jobs/a/z.md", "jobs/b.md"]);
  });

  it("reads a README.md of the jobs dir as the folder's documentation, unless it defines jobs", async () => {
    await put("jobs/README.md", "# Jobs\n\nEach file describes one job. Owners: the data platform team.\n");
    await put("jobs/finance/readme.md", "Finance jobs run after the ledger closes.\n");
    await put("jobs/team/README.md", `---\njob:\n  name: r\n  tasks:\n    - task_key: a\n      ${NB}\n---\n`);
    await put("jobs/orders.md", "Run /Workspace/Shared/etl/ingest every day at 6am UTC.\n");
    // a README that shows a pasted job as an example of the format is still documentation
    await put(
      "jobs/ops/README.md",
      '# How to add a job\n\nPaste it like this:\n\n```json\n{"name": "example", "tasks": [{"task_key": "t", "notebook_task": {"notebook_path": "/Shared/x"}}]}\n```\n',
    );
    const { docs, diagnostics } = await loadRequirements(repo, "jobs");
    expect(diagnostics).toEqual([]);
    expect(docs.map((d) => d.file)).toEqual(["jobs/orders.md", "jobs/team/README.md"]);
  });

  it("returns nothing (no error) when the jobs dir does not exist, and refuses a dir outside the repo", async () => {
    expect(await loadRequirements(repo, "jobs")).toEqual({ docs: [], diagnostics: [] });
    const outside = await loadRequirements(repo, "../elsewhere");
    expect(outside.diagnostics[0]).toMatchObject({ code: "requirement.jobs-dir", value: "../elsewhere" });
  });

  it("turns an unparseable file into a diagnostic and keeps loading the others", async () => {
    await put("jobs/bad.md", "---\njob: [unclosed\n---\n");
    await put("jobs/good.md", `---\njob:\n  name: g\n  tasks:\n    - task_key: a\n      ${NB}\n---\nbody\n`);
    const { docs, diagnostics } = await loadRequirements(repo, "jobs");
    expect(docs.map((d) => d.file)).toEqual(["jobs/good.md"]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: "error",
      code: "requirement.yaml",
      file: "jobs/bad.md",
    });
    expect(diagnostics[0].line).toBeGreaterThanOrEqual(2);
  });
});

describe("parseRequirement", () => {
  it("splits front matter and body, with the body's line, CRLF and BOM tolerated", () => {
    const { doc } = parseRequirement(
      "jobs/x.md",
      "\uFEFF---\r\ntitle: X\r\nowner: me\r\n---\r\nRun it daily.\r\n",
    );
    expect(doc).toMatchObject({
      file: "jobs/x.md",
      frontMatter: { title: "X", owner: "me" },
      body: "Run it daily.\n",
      bodyLine: 5,
    });
  });

  it("treats a file without front matter as prose", () => {
    const { doc } = parseRequirement("jobs/p.md", "# Title\n\nEvery day at 6.\n");
    expect(doc?.frontMatter).toEqual({});
    expect(doc?.bodyLine).toBe(1);
    expect(interpretStructured(doc!)).toBeUndefined();
  });

  it("uses YAML 1.2: yes/no/on stay strings (no Norway problem), dates stay strings", () => {
    const { doc } = parseRequirement("jobs/y.md", "---\ntitle: no\nowner: 2024-01-01\n---\n");
    expect(doc?.frontMatter).toEqual({ title: "no", owner: "2024-01-01" });
  });
});

describe("interpretStructured", () => {
  const parse = (text: string, file = "jobs/orders-daily.md") => {
    const { doc, diagnostics } = parseRequirement(file, text);
    expect(diagnostics).toEqual([]);
    return { doc: doc!, interpretation: interpretStructured(doc!)! };
  };

  it("job: one create item keyed by the file name, with its line", () => {
    const { interpretation } = parse(
      `---\ntitle: t\njob:\n  name: Orders\n  tasks:\n    - task_key: a\n      ${NB}\n---\n`,
    );
    expect(interpretation.source).toBe("structured");
    expect(interpretation.requirement).toBe("jobs/orders-daily.md");
    expect(interpretation.items).toEqual([
      {
        key: "orders-daily",
        action: "create",
        settings: {
          name: "Orders",
          tasks: [{ task_key: "a", notebook_task: { notebook_path: "/Workspace/Shared/etl/ingest" } }],
        },
        line: 3,
      },
    ]);
    expect(interpretation.diagnostics).toEqual([]);
  });

  it("duplicates: `keep <id>[, <id>]` is read; another form, or a file defining no job, is an error at its line", () => {
    const job = `job:\n  name: Orders\n  tasks:\n    - task_key: a\n      ${NB}\n`;
    expect(parse(`---\nduplicates: keep 1020, 2040\n${job}---\n`).interpretation.diagnostics).toEqual([]);
    const errors = (text: string) =>
      parse(text).interpretation.diagnostics.map((d) => [d.code, d.line, d.path, d.message]);
    expect(errors(`---\nduplicates: oldest\n${job}---\n`)).toEqual([
      [
        "requirement.duplicates",
        2,
        "duplicates",
        'jobs/orders-daily.md:2: duplicates must be `keep <job id>` (the copy to keep; several jobs in this file: one id each, comma-separated), found "oldest"',
      ],
    ]);
    expect(errors(`---\n${job}duplicates: keep 7, 7\n---\n`)).toEqual([
      ["requirement.duplicates", 7, "duplicates", "jobs/orders-daily.md:7: duplicates names job 7 twice"],
    ]);
    expect(
      errors(
        `---\nduplicates: keep 7\nupdate:\n  job: {name: Orders}\n  set: {max_concurrent_runs: 2}\n---\n`,
      ),
    ).toEqual([
      [
        "requirement.duplicates",
        2,
        "duplicates",
        "jobs/orders-daily.md:2: duplicates resolves copies of a job this file defines, and this file defines none (adopt, update, run and delete name existing jobs)",
      ],
    ]);
  });

  it("jobs: and pasted resources.jobs: one item per key; a missing name defaults to the key (with a warning)", () => {
    const { interpretation } = parse(
      `---\njobs:\n  first:\n    name: First job\n    tasks: [{task_key: a, ${NB}}]\nresources:\n  jobs:\n    second:\n      tasks: [{task_key: b, ${NB}}]\n      permissions:\n        - {level: CAN_VIEW, group_name: users}\n---\n`,
    );
    expect(interpretation.items.map((i) => [i.key, i.action, i.settings?.name, i.line])).toEqual([
      ["first", "create", "First job", 3],
      ["second", "create", "second", 8],
    ]);
    expect(interpretation.items[1].settings?.access_control_list).toEqual([
      { group_name: "users", permission_level: "CAN_VIEW" },
    ]);
    expect(interpretation.items[1].settings).not.toHaveProperty("permissions");
    expect(interpretation.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([
      ["warning", "requirement.permissions-mapped", 10],
      ["warning", "requirement.name-defaulted", 8],
    ]);
  });

  it("update / run / delete act on existing jobs by id, name or tag; adopt is explicit", () => {
    const { interpretation } = parse(
      [
        "---",
        "update:",
        "  - job: {tag: {key: team, value: data-eng}}",
        "    set: {max_concurrent_runs: 2}",
        "  - job: Legacy job",
        "    adopt: true",
        "    remove: [schedule]",
        "run: {job: 42, job_parameters: {day: '2024-01-01'}, only: [a], wait: true, priority: 5}",
        "delete: {job: {job_id: 7}, key: drop_old}",
        "depends_on: [other-req]",
        "---",
      ].join("\n"),
    );
    expect(interpretation.diagnostics).toEqual([]);
    expect(interpretation.items).toEqual([
      {
        key: "update-team-data-eng",
        action: "update",
        target: { tag: { key: "team", value: "data-eng" } },
        patch: { new_settings: { max_concurrent_runs: 2 } },
        line: 3,
        depends_on: ["other-req"],
      },
      {
        key: "update-legacy-job",
        action: "update",
        target: { name: "Legacy job", adopt: true },
        patch: { new_settings: {}, fields_to_remove: ["schedule"] },
        line: 5,
        depends_on: ["other-req"],
      },
      {
        key: "run-42",
        action: "run",
        target: { job_id: 42 },
        run: { job_parameters: { day: "2024-01-01" }, only: ["a"], wait: true },
        line: 8,
        priority: 5,
        depends_on: ["other-req"],
      },
      { key: "drop_old", action: "delete", target: { job_id: 7 }, line: 9, depends_on: ["other-req"] },
    ]);
  });

  it("a run of a job defined in the same file waits for it", () => {
    const { interpretation } = parse(
      `---\njob:\n  name: Smoke\n  tasks: [{task_key: a, ${NB}}]\nrun: {job: Smoke}\n---\n`,
      "jobs/smoke.md",
    );
    expect(interpretation.items[1]).toMatchObject({
      key: "run-smoke",
      action: "run",
      target: { name: "Smoke" },
      depends_on: ["smoke"],
    });
  });

  it("top-level adopt turns the declared job into an explicit adoption", () => {
    const { interpretation } = parse(
      `---\nadopt: true\njob:\n  name: Hand made\n  tasks: [{task_key: a, ${NB}}]\n---\n`,
    );
    expect(interpretation.items[0]).toMatchObject({
      action: "update",
      target: { name: "Hand made", adopt: true },
      settings: { name: "Hand made" },
    });
  });

  it("documentation-only front matter is prose; unknown keys get a did-you-mean", () => {
    expect(
      parse("---\ntitle: T\nowner: o\ndescription: d\nlabels: [a]\n---\nprose\n").interpretation,
    ).toBeUndefined();
    const { interpretation } = parse("---\ntitle: T\nrunn: {job: 1}\n---\n");
    expect(interpretation.items).toEqual([]);
    expect(interpretation.diagnostics[0]).toMatchObject({
      code: "requirement.unknown-key",
      path: "runn",
      line: 3,
    });
    expect(interpretation.diagnostics[0].fix).toContain("did you mean 'run'");
  });

  it("validationContextFor maps item fields to file lines", () => {
    const text = `---\njobs:\n  a:\n    name: A\n    tasks:\n      - task_key: t1\n        ${NB}\n      - task_key: t2\n        max_retry: 1\n        ${NB}\n---\n`;
    const { doc, interpretation } = parse(text);
    const ctx = validationContextFor(doc, "a");
    expect(ctx.basePath).toBe("jobs.a");
    const diags = validateWorkItem(interpretation.items[0], ctx);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({
      code: "schema.unknown-field",
      path: "jobs.a.tasks[t2].max_retry",
      line: 9,
      file: "jobs/orders-daily.md",
    });
    const lineOf = buildLineOf(text);
    expect(lineOf("jobs.a.tasks[t2]")).toBe(8);
    expect(lineOf("jobs.a.tasks[1].task_key")).toBe(8);
    expect(lineOf("jobs.a.tasks[t1].notebook_task.notebook_path")).toBe(7);
    expect(lineOf("jobs.a.tasks[t9].whatever")).toBe(5); // deepest existing node: tasks
  });
});

describe("YAML anchors and merge keys in front matter", () => {
  it("merges `<<: *base` as the Databricks CLI does, with file lines for the merged entry", () => {
    const text = [
      "---", // 1
      "job:", // 2
      "  name: merge-keys", // 3
      "  job_clusters:", // 4
      "    - job_cluster_key: main", // 5
      "      new_cluster: &base", // 6
      "        spark_version: 15.4.x-scala2.12", // 7
      "        node_type_id: i3.xlarge", // 8
      "        num_workers: 2", // 9
      "    - job_cluster_key: big", // 10
      "      new_cluster:", // 11
      "        <<: *base", // 12
      "        num_workers: 8", // 13
      "  tasks:", // 14
      "    - task_key: a", // 15
      "      job_cluster_key: big", // 16
      `      ${NB}`, // 17
      "    - task_key: b", // 18
      "      job_cluster_key: main", // 19
      `      ${NB}`, // 20
      "---", // 21
    ].join("\n");
    const { doc, diagnostics } = parseRequirement("jobs/merge.md", text);
    expect(diagnostics).toEqual([]);
    const item = interpretStructured(doc!)!.items[0]!;
    expect(item.settings?.job_clusters?.[1]).toEqual({
      job_cluster_key: "big",
      new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 8 },
    });
    expect(
      validateWorkItem(item, validationContextFor(doc!, item.key)).filter((d) => d.severity === "error"),
    ).toEqual([]);
    expect(buildLineOf(text)("job.job_clusters[big].new_cluster.num_workers")).toBe(13);
  });
});
