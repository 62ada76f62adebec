import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocsSourceError, getRetriever } from "../../src/retriever/index.js";
import { readKnowledgeNotes } from "../../src/retriever/corpus.js";

describe("search over the SDK field reference and the knowledge notes", () => {
  const retriever = getRetriever();

  it("does not build the index until the first search", () => {
    const lazy = getRetriever();
    expect(lazy.stats()).toEqual({ loaded: false, warnings: [] });
    const hits = lazy.search("quartz cron time zone", 3);
    expect(hits.length).toBeGreaterThan(0);
    const stats = lazy.stats();
    expect(stats.loaded).toBe(true);
    // Running from src/: no prebuilt index next to the module, so it was built in memory from the SDK + notes.
    expect(stats.origin).toBe("memory");
    expect(stats.chunks).toBeGreaterThan(500);
    expect(stats.warnings).toEqual([]);
  });

  it("answers a schedule question with the cron note, carrying source, heading, text and score", () => {
    const [top] = retriever.search("how do I run a job every weekday at 7 Berlin time", 3);
    expect(top.source).toBe("knowledge:quartz-cron.md");
    expect(top.heading).toBeTruthy();
    expect(top.text).toMatch(/Europe\/Berlin|MON-FRI/);
    expect(top.score).toBeGreaterThan(0);
  });

  it("finds SDK field descriptions by field name", () => {
    const hits = retriever.search("min_retry_interval_millis", 5);
    expect(
      hits.some((hit) => hit.source === "sdk:jobs.Task" && hit.text.includes("min_retry_interval_millis")),
    ).toBe(true);
    const warehouse = retriever.search("warehouse_id for a sql task", 5);
    expect(warehouse.some((hit) => hit.source === "sdk:jobs.SqlTask")).toBe(true);
  });

  it("respects k", () => {
    expect(retriever.search("cluster", 2)).toHaveLength(2);
    expect(retriever.search("cluster", 7)).toHaveLength(7);
  });

  it.each([
    ["empty", ""],
    ["blank", "   \n\t "],
    ["punctuation only", "!!! ??? ### ***"],
    ["stop words only", "how do I do it with the"],
    ["unknown words", "zzqxv wqpfk"],
    ["very long noise", "x".repeat(50_000)],
    ["control characters", "\u0000\u0001\u0007"],
    ["regex metacharacters", "(.*)+[^]{,}\\$|"],
  ])("returns [] for a %s query without throwing", (_name, query) => {
    expect(retriever.search(query, 5)).toEqual([]);
  });

  it("returns [] for non-string input from untyped callers", () => {
    expect(retriever.search(undefined as unknown as string)).toEqual([]);
    expect(retriever.search({} as unknown as string)).toEqual([]);
    expect(retriever.seeAlso(null as unknown as string)).toEqual([]);
  });
});

describe("seeAlso for spec field paths", () => {
  const retriever = getRetriever();

  it("points a cron field at the cron note and the SDK field", () => {
    const refs = retriever.seeAlso("schedule.quartz_cron_expression");
    expect(refs[0]).toMatch(/^knowledge:quartz-cron\.md › /);
    expect(refs).toContain("sdk:jobs.CronSchedule › quartz_cron_expression");
  });

  it("resolves task paths with keys in brackets through to the compute model", () => {
    expect(retriever.seeAlso("tasks[x].new_cluster.node_type_id")).toEqual([
      "knowledge:compute.md › Node types per cloud",
      "sdk:compute.ClusterSpec › node_type_id",
    ]);
    expect(retriever.seeAlso("job_clusters[etl].new_cluster.autoscale.max_workers")).toContain(
      "sdk:compute.AutoScale › max_workers",
    );
  });

  it("maps health rules and retries to their sections", () => {
    expect(retriever.seeAlso("health.rules")).toEqual([
      "knowledge:notifications-health.md › Health rules: warn when a run takes too long",
      "sdk:jobs.JobsHealthRules › rules",
    ]);
    expect(retriever.seeAlso("tasks[ingest].max_retries")).toEqual([
      "knowledge:retries-timeouts.md › Retrying a failed task",
      "sdk:jobs.Task › max_retries",
    ]);
  });

  it("stops at map fields: a tag key is documented by the tags field", () => {
    const refs = retriever.seeAlso("tags.team");
    expect(refs).toContain("sdk:jobs.JobSettings › tags");
    expect(refs.every((ref) => !/team/i.test(ref))).toBe(true);
  });

  it("returns at most k references, and the note for an unknown field's parent", () => {
    expect(retriever.seeAlso("tags.team", 1)).toHaveLength(1);
    const unknown = retriever.seeAlso("trigger.file_arrival.no_such_field");
    expect(unknown).toContain("sdk:jobs.TriggerSettings › file_arrival");
    expect(unknown[0]).toMatch(/^knowledge:triggers\.md › File arrival/);
  });
});

describe("seeAlsoLinks: references with their public documentation page", () => {
  const retriever = getRetriever();

  it("links a note to its docs: page and an SDK field to the Jobs API reference", () => {
    expect(retriever.seeAlsoLinks("tasks[x].new_cluster.node_type_id")).toEqual([
      "Choosing compute for a job › Node types per cloud <https://docs.databricks.com/aws/en/jobs/compute>",
      "Jobs API: compute.ClusterSpec › node_type_id <https://docs.databricks.com/api/workspace/jobs/create>",
    ]);
  });

  it("every knowledge note about Databricks names its public page; a note about jobagent itself stays a reference", () => {
    const refs = [
      "tags",
      "run_as",
      "git_source",
      "parameters",
      "environments",
      "trigger.file_arrival",
      "max_concurrent_runs",
    ]
      .flatMap((field) => retriever.seeAlsoLinks(field))
      .filter((ref) => !ref.startsWith("Jobs API: "));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs)
      expect(ref).toMatch(
        / <https:\/\/docs\.databricks\.com\/aws\/en\/[a-z/-]*>$|^knowledge:ownership-and-adoption\.md › /,
      );
  });
});

describe("extra docs folders the user points at", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "retriever-docs-"));
    mkdirSync(path.join(dir, "team", "runbooks"), { recursive: true });
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "node_modules", "pkg"), { recursive: true });
    writeFileSync(
      path.join(dir, "team", "runbooks", "nightly.md"),
      "---\ntitle: Nightly runbook\n---\n# Nightly runbook\nOverview.\n## Restarting the flamingo loader\nCall the flamingo loader with the restart flag, then check the ostrich table.\n",
    );
    writeFileSync(
      path.join(dir, "cluster-policy.html"),
      "<html><head><title>Policies</title></head><body><nav>menu pelican</nav><h1>Policies</h1><h2>Pelican policy</h2><p>The pelican policy caps workers at 8 &amp; forbids GPUs.</p></body></html>",
    );
    writeFileSync(
      path.join(dir, "contacts.txt"),
      "On-call for the walrus pipeline: data-oncall@example.com\n\nEscalate after 30 minutes.",
    );
    writeFileSync(path.join(dir, "image.png"), "not text walrus");
    writeFileSync(path.join(dir, ".git", "HEAD"), "walrus");
    writeFileSync(path.join(dir, "node_modules", "pkg", "README.md"), "# walrus readme");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("indexes markdown by heading, HTML without tags and navigation, and text files", () => {
    const retriever = getRetriever({ extraDocsDirs: [dir] });
    const [md] = retriever.search("restart the flamingo loader", 1);
    expect(md).toMatchObject({
      source: "docs:team/runbooks/nightly.md",
      heading: "Restarting the flamingo loader",
    });

    const [html] = retriever.search("pelican policy workers", 1);
    expect(html).toMatchObject({ source: "docs:cluster-policy.html", heading: "Pelican policy" });
    expect(html.text).toBe("The pelican policy caps workers at 8 & forbids GPUs.");

    const [text] = retriever.search("walrus on-call", 1);
    expect(text).toMatchObject({ source: "docs:contacts.txt", heading: "contacts" });
    // Hidden folders, node_modules and non-text files are not indexed.
    expect(retriever.search("walrus", 10).map((hit) => hit.source)).toEqual(["docs:contacts.txt"]);
  });

  it("keeps the SDK reference and notes in the same index, and does not leak into retrievers without the folder", () => {
    const retriever = getRetriever({ extraDocsDirs: [dir] });
    expect(
      retriever
        .search("quartz_cron_expression", 5)
        .some((hit) => hit.source.startsWith("sdk:") || hit.source.startsWith("knowledge:")),
    ).toBe(true);
    expect(getRetriever().search("flamingo loader", 5)).toEqual([]);
  });

  it("rejects a folder that does not exist, naming it and the fix, before any search", () => {
    const missing = path.join(dir, "nope");
    expect(() => getRetriever({ extraDocsDirs: [missing] })).toThrow(DocsSourceError);
    expect(() => getRetriever({ extraDocsDirs: [missing] })).toThrow(
      new RegExp(`extraDocsDirs: folder ${missing.replace(/[/\\]/g, ".")} does not exist; fix the path`),
    );
    expect(() => getRetriever({ extraDocsDirs: [path.join(dir, "contacts.txt")] })).toThrow(
      /is a file, not a folder/,
    );
  });
});

describe("docs folders never follow symbolic links", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "jobagent-docs-links-"));
  const outside = path.join(root, "outside-secret.md");
  writeFileSync(outside, "# Secret\n\nvault token of the runner");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("a link inside a --docs-dir folder, or the folder itself being a link, is an error naming it", () => {
    const docs = path.join(root, "docs");
    mkdirSync(docs);
    writeFileSync(path.join(docs, "runbook.md"), "# Runbook\n\nrestart the heron loader");
    symlinkSync(outside, path.join(docs, "notes.md"));
    // (the folder is read at the first search)
    expect(() => getRetriever({ extraDocsDirs: [docs] }).search("heron", 1)).toThrow(DocsSourceError);
    expect(() => getRetriever({ extraDocsDirs: [docs] }).search("heron", 1)).toThrow(
      new RegExp(`${path.join(docs, "notes.md").replace(/[/\\]/g, ".")} is a symbolic link`),
    );
    const linkedDir = path.join(root, "linked-docs");
    symlinkSync(docs, linkedDir);
    expect(() => getRetriever({ extraDocsDirs: [linkedDir] }).search("heron", 1)).toThrow(
      /linked-docs is a symbolic link/,
    );
    expect(readFileSync(outside, "utf8")).toContain("vault token"); // read-only: the target is untouched
  });

  it("a knowledge note that is a link (e.g. committed in a pull request's docs/knowledge) is refused", () => {
    const notes = path.join(root, "knowledge");
    mkdirSync(notes);
    writeFileSync(
      path.join(notes, "schedules.md"),
      "---\ntitle: Schedules\nfields: [schedule]\n---\n# Schedules\n\nA quartz cron expression has six or seven fields.\n",
    );
    expect(readKnowledgeNotes(notes).chunks.length).toBeGreaterThan(0);
    symlinkSync(outside, path.join(notes, "leak.md"));
    expect(() => readKnowledgeNotes(notes)).toThrow(/leak\.md is a symbolic link/);
    const linkedNotes = path.join(root, "linked-knowledge");
    symlinkSync(notes, linkedNotes);
    expect(() => readKnowledgeNotes(linkedNotes)).toThrow(/linked-knowledge is a symbolic link/);
  });
});
