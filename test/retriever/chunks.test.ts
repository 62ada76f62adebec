import { describe, expect, it } from "vitest";
import { htmlToMarkdown, markdownChunks, splitFrontMatter, textChunks } from "../../src/retriever/chunks.js";

describe("markdown chunking by heading path", () => {
  const doc = [
    "# Scheduling guide",
    "Intro about schedules.",
    "## Cron",
    "Quartz has six fields.",
    "```bash",
    "# not a heading: a shell comment inside a fence",
    "```",
    "### Examples",
    "0 0 6 * * ? runs daily at six.",
    "## Empty section",
    "",
    "## Time zones",
    "Use Europe/Berlin.",
  ].join("\n");

  it("cuts one chunk per section, headings without the document title, empty sections dropped", () => {
    const chunks = markdownChunks("docs:guide.md", doc);
    expect(chunks.map((chunk) => chunk.heading)).toEqual([
      "Scheduling guide",
      "Cron",
      "Cron › Examples",
      "Time zones",
    ]);
    expect(chunks.every((chunk) => chunk.source === "docs:guide.md")).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
  });

  it("keeps fenced code (and the # lines inside it) in the section's text", () => {
    const cron = markdownChunks("docs:guide.md", doc).find((chunk) => chunk.heading === "Cron")!;
    expect(cron.text).toContain("# not a heading: a shell comment inside a fence");
  });

  it("keeps the title's words searchable on subsections", () => {
    const zones = markdownChunks("docs:guide.md", doc).find((chunk) => chunk.heading === "Time zones")!;
    expect(zones.keywords).toContain("Scheduling guide");
  });

  it("uses the full heading path when a document has several top-level headings", () => {
    const chunks = markdownChunks("docs:two.md", "# A\ntext a\n## Sub\ntext sub\n# B\ntext b");
    expect(chunks.map((chunk) => chunk.heading)).toEqual(["A", "A › Sub", "B"]);
  });

  it("splits a long section at paragraph boundaries under the same heading", () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} ` + "word ".repeat(60));
    const chunks = markdownChunks("docs:long.md", `# Long\n\n${paragraphs.join("\n\n")}`, { maxChars: 800 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((chunk) => chunk.heading === "Long" && chunk.text.length <= 800)).toBe(true);
    expect(chunks.map((chunk) => chunk.text).join("\n\n")).toContain("Paragraph 9");
  });

  it("uses the given title for text before the first heading", () => {
    const [chunk] = markdownChunks("docs:notes.md", "just some text", { title: "notes" });
    expect(chunk.heading).toBe("notes");
  });
});

describe("front matter of knowledge notes", () => {
  it("reads title and declared field paths, and returns the body", () => {
    const { meta, body } = splitFrontMatter(
      "---\ntitle: Retries\nfields:\n  - tasks.max_retries\n  - timeout_seconds\n---\n# Retries\ntext",
    );
    expect(meta).toEqual({ title: "Retries", fields: ["tasks.max_retries", "timeout_seconds"] });
    expect(body).toBe("# Retries\ntext");
  });

  it("treats broken YAML as no metadata instead of throwing", () => {
    const { meta, body } = splitFrontMatter("---\nfields: [unclosed\n---\nbody");
    expect(meta.fields).toEqual([]);
    expect(body).toBe("body");
  });
});

describe("HTML to chunkable text", () => {
  it("keeps headings, drops scripts/navigation and decodes entities", () => {
    const html = `<!doctype html><html><head><title>Jobs &amp; clusters</title><style>h1{}</style></head>
      <body><nav>Home | Docs</nav><main><h1>Jobs &amp; clusters</h1><p>Use a <b>job cluster</b> &lt;shared&gt;.</p>
      <script>alert("x")</script><h2 id="auto">Autoscale</h2><ul><li>min_workers</li><li>max_workers</li></ul></main></body></html>`;
    const { title, markdown } = htmlToMarkdown(html);
    expect(title).toBe("Jobs & clusters");
    expect(markdown).toContain("# Jobs & clusters");
    expect(markdown).toContain("## Autoscale");
    expect(markdown).toContain("Use a job cluster <shared>.");
    expect(markdown).toContain("- min_workers");
    expect(markdown).not.toMatch(/alert|Home \| Docs|h1\{\}/);
    const chunks = markdownChunks("docs:page.html", markdown);
    expect(chunks.map((chunk) => chunk.heading)).toEqual(["Jobs & clusters", "Autoscale"]);
  });
});

describe("plain text", () => {
  it("groups paragraphs into chunks headed by the document title", () => {
    const text = Array.from({ length: 6 }, (_, i) => `para ${i} ` + "x".repeat(300)).join("\n\n");
    const chunks = textChunks("docs:a.txt", text, "a", 700);
    expect(chunks.length).toBe(3);
    expect(chunks.every((chunk) => chunk.heading === "a")).toBe(true);
  });
});
