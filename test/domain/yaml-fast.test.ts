/**
 * The fast YAML loader (src/domain/yaml-fast.ts) must read exactly what the careful `yaml` parser reads, and hand
 * everything it is not sure of to the careful parser: a value that changed between the two would silently change a
 * job. Compared on the scalars where YAML versions and libraries differ, on every requirement and example in the
 * repository, on the task files a plan writes, and on the real-world corpus written out as YAML.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  stringify,
  visit,
  type Node,
} from "yaml";
import { entryLabel } from "../../src/domain/schema.js";
import { dumpYamlFast, loadYamlFast } from "../../src/domain/yaml-fast.js";
import { parseTaskFile } from "../../src/state/task-file.js";
import { splitFrontMatter } from "../../src/techlead/requirements/frontmatter.js";
import { loadCorpus } from "./corpus.js";

const careful = (source: string): unknown => {
  const doc = parseDocument(source, { version: "1.2", uniqueKeys: true, strict: true });
  return doc.errors.length ? "ERROR" : doc.toJS({ maxAliasCount: 20 });
};
const fast = (source: string) => loadYamlFast(source);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const markdownIn = (dir: string) =>
  readdirSync(join(repo, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(repo, dir, f));

/** Every path of a front matter (keys, list items by label and by index) and its line, from a Document. */
function keyLines(source: string): Map<string, number> {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter });
  const out = new Map<string, number>();
  const lineOf = (node: unknown) => {
    const range = (node as Node | null)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  const walk = (node: unknown, prefix: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const path = /[.[\]"]/.test(key)
          ? `${prefix}[${JSON.stringify(key)}]`
          : `${prefix}${prefix ? "." : ""}${key}`;
        const line = lineOf(pair.key);
        if (line !== undefined) out.set(path, line);
        walk(pair.value, path);
      }
    } else if (isSeq(node)) {
      const labels = new Set<string>();
      node.items.forEach((item, i) => {
        const label = isMap(item) ? entryLabel(item.toJSON()) : undefined;
        const names = [label !== undefined && !labels.has(label) ? label : undefined, String(i)];
        if (label !== undefined) labels.add(label);
        for (const name of names) {
          if (name === undefined || (name === String(i) && labels.has(name))) continue;
          const line = lineOf(item);
          if (line !== undefined) out.set(`${prefix}[${name}]`, line);
          walk(item, `${prefix}[${name}]`);
        }
      });
    }
  };
  walk(doc.contents, "");
  return out;
}

describe("the fast YAML loader", () => {
  it("reads every scalar where YAML 1.1, 1.2 and the libraries disagree exactly as the careful parser does", () => {
    const scalars = [
      ...["1_000", "0b101", "0o17", "017", "08", "0x1F", "0X1F", "+0x1", "1:30", "06:30", "12:00:00"],
      ...[".5", "+1", "-0", "1.", "1e3", "12e3", "1e", "-1.5E+3", "0.1e-2", "-.inf", ".NaN", ".nan", ".Inf"],
      ...["~", "null", "Null", "NULL", "nULL", "yes", "no", "on", "off", "y", "n", "True", "TRUE", "tRue"],
      ...["2024-01-01", "2024-01-01T06:30:00Z", "123456789012345678901234567890", "=", "<<", "'quoted'"],
      ...[
        '"\\u00e9t\\u00e9"',
        "[a, 1, true]",
        "{a: 1, b: [x]}",
        "!!str 12",
        "!!int '7'",
        "|\n  a\n  b",
        ">-\n  a\n  b",
      ],
    ];
    for (const scalar of scalars) {
      const source = `k: ${scalar}\n`;
      const got = fast(source);
      if (got) expect(got.value, scalar).toEqual(careful(source));
      else
        expect(careful(source), `${scalar}: the fast loader passed a document it could read`).toBe("ERROR");
    }
  });

  it("hands aliases, unknown tags, duplicate keys, bad syntax and empty text to the careful parser", () => {
    const bomb = ["a: &a [x, x]", "b: &b [*a, *a]", "c: &c [*b, *b]", "d: [*c, *c]"].join("\n");
    for (const source of [
      bomb,
      "a: &x 1\nb: *x\n",
      "a: !custom 1\n",
      "a: 1\na: 2\n",
      "a: [1\n",
      "",
      "---\na: 1\n---\nb: 2\n",
    ])
      expect(fast(source), source.slice(0, 40)).toBeUndefined();
  });

  it("a requirement nested too deep is still refused (the depth check follows the fast loader)", () => {
    const text = `---\nk: ${"[".repeat(60)}${"]".repeat(60)}\n---\nbody\n`;
    expect(() => splitFrontMatter(text)).toThrow(/nested (more than 40 levels|too deep)/);
  });

  it("reads every requirement and example of the repository as the careful parser does, lines still exact", () => {
    const files = [...markdownIn("jobs"), ...markdownIn("docs/examples")];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const split = splitFrontMatter(text);
      if (split.matter === undefined) continue;
      expect(split.data, file).toEqual(careful(split.matter) ?? {});
      // Lines (read from the text for plain key paths, else from a parse made on demand) are the Document's.
      const lines = keyLines(split.matter);
      expect(lines.size, file).toBeGreaterThan(0);
      for (const [path, line] of lines) expect(split.lineOf?.(path), `${file} ${path}`).toBe(line);
    }
  });

  it("reads the real-world corpus, written out as YAML in every style the yaml package writes, identically", () => {
    const corpus = loadCorpus();
    for (const job of corpus) {
      const styles = [
        {},
        { lineWidth: 0 },
        { defaultStringType: "QUOTE_DOUBLE" as const },
        { indentSeq: false },
      ];
      const sources = styles.map((options) => stringify(job.settings, options));
      // Block style above, flow style (one line each) below: how people write `notebook_task: { … }`.
      const mixed = new Document(job.settings);
      visit(mixed, {
        Collection: (_key, node, path) => void (path.length > 4 && (node.flow = true)),
      });
      sources.push(mixed.toString({ lineWidth: 0 }));
      for (const source of sources) {
        expect(fast(source)?.value, job.file).toEqual(careful(source));
        // The lines of every key and item, read from the text, are the Document's.
        const split = splitFrontMatter(`---\n${source}---\n`);
        for (const [path, line] of keyLines(split.matter ?? ""))
          expect(split.lineOf?.(path), `${job.file} ${path}`).toBe(line);
      }
    }
  });

  it("task files round-trip through the fast loader", () => {
    const text = `---\nversion: 1\nid: orders\nrequirement: jobs/orders.md\nkey: orders\naction: create\nstatus: PLANNED\nspec:\n  settings: { name: "Orders: daily", max_concurrent_runs: 1, tags: { cost: "0123" } }\nhistory: []\n---\n\nbody\n`;
    const task = parseTaskFile("jobs/.tasks/orders.md", text);
    expect(task.spec).toEqual({
      settings: { name: "Orders: daily", max_concurrent_runs: 1, tags: { cost: "0123" } },
    });
    expect(() => parseTaskFile("t.md", "---\nid: a\nid: b\n---\n")).toThrow(
      /t\.md:3: the front matter is not valid YAML at line 3 .*(duplicate|unique)/i,
    );
  });

  it("writes task files that read back as the value, mostly byte for byte as the yaml package does", () => {
    const yamlWrites = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
    const history = [
      {
        at: "2026-12-07T02:03:49.279Z",
        by: "worker@local",
        from: "PENDING",
        to: "PLANNED",
        note: "plan 9c7bce002fed9246",
      },
    ];
    const shapes: unknown[] = [
      {
        version: 1,
        id: "a",
        requirement_hash: "49253741e7157434",
        plan_hash: "36808e5870014424",
        spec: {},
        history,
      },
      {
        tags: {
          cost: "0123",
          yes: "no",
          on: "off",
          n: "null",
          t: "true",
          e: "1e3",
          o: "0o17",
          x: "0x1F",
          d: "2024-01-01",
        },
      },
      {
        note: 'deleting job 1020 ("orders") needs allow-delete',
        quote: "it's",
        colon: "a: b",
        hash: "a #b",
        lead: " x",
      },
      {
        multi: "line one\nline two\n",
        empty: "",
        list: [],
        map: {},
        nested: [[1, 2], { a: [] }],
        n: null,
        f: 1.5,
      },
      { unicode: "café ✓", emoji: "⏰", tab: "a\tb", star: "*", amp: "&a", bang: "!x", dash: "-", q: "?" },
    ];
    const corpus = loadCorpus();
    for (const job of corpus)
      shapes.push({ version: 1, id: job.file, spec: { settings: job.settings }, history });
    let same = 0;
    for (const value of shapes) {
      const fast = dumpYamlFast(value);
      if (fast === undefined) continue;
      // Whatever the fast writer writes reads back as the value, through both readers.
      expect(loadYamlFast(fast)?.value).toEqual(value);
      expect(parseDocument(fast).toJS()).toEqual(value);
      // js-yaml quotes a few strings the yaml package leaves plain (a leading "-"): the same value, other bytes.
      if (fast === yamlWrites(value)) same++;
    }
    expect(same, `${same} of ${shapes.length} written byte for byte alike`).toBeGreaterThan(
      shapes.length * 0.75,
    );
  });
});
