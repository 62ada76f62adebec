/**
 * Safe front matter: gray-matter splits the file, a YAML 1.2 engine parses it — the fast loader (domain/yaml-fast.ts)
 * for files it reads cleanly, else the `yaml` package with an alias cap (YAML bombs), a size cap, a depth cap and
 * duplicate-key errors, which also gives every error its line. Only YAML front matter is accepted
 * (gray-matter's `---js` engine would eval code). Line numbers are file lines (the `---` line is line 1).
 */
import matter from "gray-matter";
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Node, type Document } from "yaml";
import { entryLabel, parsePath } from "../../domain/schema.js";
import { loadYamlFast } from "../../domain/yaml-fast.js";

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_FRONT_MATTER_BYTES = 256 * 1024;
export const MAX_ALIAS_COUNT = 20;
export const MAX_DEPTH = 40;

export class FrontMatterError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly fix: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "FrontMatterError";
  }
}

const YAML_OPTIONS = {
  version: "1.2" as const,
  // `<<: *defaults` merge keys, as the Databricks CLI reads databricks.yml (its own templates use them).
  merge: true,
  uniqueKeys: true,
  prettyErrors: true,
  strict: true,
  maxAliasCount: MAX_ALIAS_COUNT,
};

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH) return depth;
  if (value === null || typeof value !== "object") return depth;
  let max = depth;
  for (const v of Array.isArray(value) ? value : Object.values(value as object)) {
    max = Math.max(max, depthOf(v, depth + 1));
    if (max > MAX_DEPTH) break;
  }
  return max;
}

/** Parses YAML text (front matter) safely; throws FrontMatterError with a 1-based line of `source`. */
export function parseYamlSafely(source: string, lineOffset = 0): unknown {
  return parseYamlWithLines(source, lineOffset).value;
}

/** parseYamlSafely, plus the line lookup of the same parse (no second parse for line numbers). */
function parseYamlWithLines(
  source: string,
  lineOffset = 0,
): { value: unknown; lineOf: (path: string) => number | undefined } {
  if (Buffer.byteLength(source, "utf8") > MAX_FRONT_MATTER_BYTES) {
    throw new FrontMatterError(
      `front matter is ${Buffer.byteLength(source, "utf8")} bytes; the limit is ${MAX_FRONT_MATTER_BYTES}`,
      1 + lineOffset,
      "keep the front matter small: split the jobs into several requirement files",
      "requirement.too-large",
    );
  }
  // Most files: the fast loader, with the positions (a Document) built only when a diagnostic asks for a line.
  const fast = loadYamlFast(source);
  if (fast && depthOf(fast.value) <= MAX_DEPTH) {
    let documentLines: ((path: string) => number | undefined) | undefined;
    let textLines: readonly string[] | undefined;
    return {
      value: fast.value,
      lineOf: (path) =>
        keyLine((textLines ??= source.split("\n")), fast.value, path) ??
        (documentLines ??= linesOfSource(source))(path),
    };
  }
  let doc: Document;
  const lineCounter = new LineCounter();
  try {
    doc = parseDocument(source, { ...YAML_OPTIONS, lineCounter });
  } catch (error) {
    throw new FrontMatterError(
      `front matter could not be parsed: ${error instanceof RangeError ? "nesting too deep" : (error as Error).message}`,
      1 + lineOffset,
      "simplify the YAML (no deep nesting)",
      "requirement.yaml",
    );
  }
  const first = doc.errors[0];
  if (first && /call stack/i.test(first.message)) {
    throw new FrontMatterError(
      `front matter is nested too deep to read`,
      1 + lineOffset,
      "flatten the YAML: job settings never need more than a few levels",
      "requirement.too-deep",
    );
  }
  if (first) {
    const line = first.linePos?.[0]?.line;
    const summary = first.message.split("\n")[0];
    throw new FrontMatterError(
      `invalid YAML in front matter: ${summary}`,
      line === undefined ? undefined : line + lineOffset,
      first.code === "DUPLICATE_KEY"
        ? "remove or rename the repeated key (each key may appear once per mapping)"
        : "fix the YAML syntax at that line (indentation with spaces, ': ' after keys, quotes around values with ': ' or '#')",
      "requirement.yaml",
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    if (/unresolved alias|undefined alias|alias .* (?:not|never) defined/i.test(message)) {
      throw new FrontMatterError(
        `front matter uses a YAML alias that is not defined: ${message.split("\n")[0]}`,
        1 + lineOffset,
        "define the anchor (&name) before using the alias (*name), or write the value out",
        "requirement.yaml",
      );
    }
    if (error instanceof RangeError) {
      throw new FrontMatterError(
        `front matter is nested too deep to read`,
        1 + lineOffset,
        "flatten the YAML: job settings never need more than a few levels",
        "requirement.too-deep",
      );
    }
    const bomb = /alias/i.test(message);
    throw new FrontMatterError(
      bomb
        ? `front matter uses too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions): refused as a possible YAML bomb`
        : `front matter could not be read: ${error instanceof RangeError ? "nesting too deep" : message}`,
      1 + lineOffset,
      bomb ? "write the values out instead of using anchors (&a) and aliases (*a)" : "simplify the YAML",
      bomb ? "requirement.yaml-bomb" : "requirement.yaml",
    );
  }
  if (depthOf(value) > MAX_DEPTH) {
    throw new FrontMatterError(
      `front matter is nested more than ${MAX_DEPTH} levels deep`,
      1 + lineOffset,
      "flatten the YAML: job settings never need more than a few levels",
      "requirement.too-deep",
    );
  }
  return { value, lineOf: lineOfIndex(lineIndex(doc, lineCounter)) };
}

/**
 * A YAML or JSON block of a requirement's body (a pasted job), read with the front matter's engine and limits.
 * `firstLine` is the file line of the block's first line; errors and the line lookup give file lines.
 */
export function parseYamlBlock(
  content: string,
  firstLine: number,
): { value: unknown; lineOf: (path: string) => number | undefined } {
  // One empty line first, as the front matter's text starts with the rest of its `---` line.
  const parsed = parseYamlWithLines(`\n${content}`, firstLine - 2);
  return {
    value: parsed.value,
    lineOf: (path) => {
      const line = parsed.lineOf(path);
      return line === undefined ? undefined : line + firstLine - 2;
    },
  };
}

export interface SplitFile {
  /** Raw front matter text (starts with the rest of the opening `---` line), or undefined when none. */
  matter?: string;
  data: unknown;
  body: string;
  bodyLine: number;
  /** Field path → file line, from the same parse as `data` (absent when the front matter was empty). */
  lineOf?: (path: string) => number | undefined;
}

function refuse(name: string) {
  return () => {
    throw new FrontMatterError(
      `front matter language '${name}' is not supported`,
      1,
      "write the front matter in YAML between two '---' lines",
      "requirement.front-matter-language",
    );
  };
}

/** Splits a requirement file into front matter data and body (throws FrontMatterError). */
export function splitFrontMatter(rawText: string): SplitFile {
  const text = rawText.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (Buffer.byteLength(text, "utf8") > MAX_FILE_BYTES) {
    throw new FrontMatterError(
      `the file is ${Buffer.byteLength(text, "utf8")} bytes; the limit is ${MAX_FILE_BYTES}`,
      1,
      "keep requirement files under 1 MiB: split them, and keep data out of requirement files",
      "requirement.too-large",
    );
  }
  if (!text.startsWith("---")) return { data: {}, body: text, bodyLine: 1 };
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? text.length : text.indexOf("\n"));
  if (/^---+\s*$/.test(firstLine) && firstLine.trim() !== "---") return { data: {}, body: text, bodyLine: 1 }; // a markdown rule
  const language = firstLine.slice(3).trim();
  if (language !== "" && language !== "yaml" && language !== "yml") refuse(language)();
  if (!/\n---[ \t]*(\n|$)/.test(text)) {
    throw new FrontMatterError(
      "front matter is not closed: the opening '---' has no closing '---' line",
      1,
      "add a line with '---' after the front matter",
      "requirement.front-matter-unclosed",
    );
  }
  let lineOf: SplitFile["lineOf"];
  const yamlEngine = (source: string): object => {
    const parsed = parseYamlWithLines(source);
    lineOf = parsed.lineOf;
    return (parsed.value ?? {}) as object;
  };
  const engines = {
    yaml: { parse: yamlEngine },
    javascript: { parse: refuse("javascript") },
    coffee: { parse: refuse("coffee") },
    json: { parse: refuse("json") },
  };
  const file = matter(text, { engines, language: "yaml" } as unknown as Parameters<typeof matter>[1]);
  const raw = file.matter;
  const matterLines = raw.split("\n").length;
  const split: SplitFile = { matter: raw, data: file.data, body: file.content, bodyLine: matterLines + 2 };
  if (lineOf) split.lineOf = lineOf;
  return split;
}

/** Lines of a front matter's nodes: a small trie (map keys; list items by label and by index), not the YAML tree. */
interface LineNode {
  line?: number;
  children?: Map<string, LineNode>;
}

function lineIndex(doc: Document, lineCounter: LineCounter): LineNode {
  const lineAt = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const build = (node: unknown, line: number | undefined): LineNode => {
    const out: LineNode = line === undefined ? {} : { line };
    if (isMap(node)) {
      out.children = new Map();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (!out.children.has(name)) out.children.set(name, build(pair.value, lineAt(pair.key) ?? line));
      }
    } else if (isSeq(node)) {
      const children = new Map<string, LineNode>();
      const items = node.items as Node[];
      const built = items.map((it) => build(it, lineAt(it) ?? line));
      items.forEach((it, i) => {
        // Read within the document: a `<<: *alias` merge resolves only there.
        const label = isMap(it) ? entryLabel(labelSource(it, doc)) : undefined;
        if (label !== undefined && !children.has(label)) children.set(label, built[i] as LineNode);
      });
      built.forEach((b, i) => {
        if (!children.has(String(i))) children.set(String(i), b);
      });
      out.children = children;
    }
    return out;
  };
  return build(doc.contents, lineAt(doc.contents));
}

function labelSource(node: Node, doc: Document): unknown {
  try {
    return (node as unknown as { toJS(doc: Document, options: object): unknown }).toJS(doc, {
      maxAliasCount: MAX_ALIAS_COUNT,
    });
  } catch {
    return undefined;
  }
}

function lineOfIndex(root: LineNode): (path: string) => number | undefined {
  return (path: string) => {
    let node = root;
    let line = root.line;
    for (const seg of parsePath(path)) {
      const name = "key" in seg ? seg.key : seg.item;
      const next = node.children?.get(name);
      if (!next) return line;
      line = next.line ?? line;
      node = next;
    }
    return line;
  };
}

/**
 * Maps field paths (our notation, e.g. `jobs.orders.tasks[ingest].new_cluster.num_workers`) to 1-based file lines of
 * the front matter. Resolves as deep as it can: an unknown tail maps to the deepest existing node's line.
 */
export function buildLineOf(rawText: string): (path: string) => number | undefined {
  let split: SplitFile;
  try {
    split = splitFrontMatter(rawText);
  } catch {
    return () => undefined;
  }
  if (split.lineOf) return split.lineOf;
  if (split.matter === undefined) return () => undefined;
  return linesOfSource(split.matter);
}

/**
 * The line of a path (`jobs.orders`, `job.tasks[ingest].notebook_task`) read from the text of block-style YAML
 * without a parse: a key is looked up among the lines indented exactly like the first child of its parent; a list
 * item (by label, as the Document index does: the first item with that label, else the index) is the n-th `- ` line
 * at the list's indent, n taken from the value already read. undefined — the Document decides — for anything else:
 * a key that is quoted or written in flow style, an item whose content starts on the next line, tabs, a key not
 * found. Every work item records its line, and preflight warnings name lines, so this spares a positions parse of
 * nearly every file.
 */
function keyLine(sourceLines: readonly string[], value: unknown, path: string): number | undefined {
  const segments = parsePath(path);
  if (segments.length === 0 || sourceLines.some((l) => l.includes("\t"))) return undefined;
  const lines = [...sourceLines]; // an item's dash line is rewritten below
  let from = 1; // line index 0 is the rest of the opening `---` line
  let to = lines.length;
  let parentIndent = -1;
  let node = value;
  let found: number | undefined;
  for (const segment of segments) {
    let index: number | undefined;
    if ("key" in segment) {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(segment.key) || !isPlainObject(node)) return undefined;
      node = node[segment.key];
    } else {
      if (!Array.isArray(node)) return undefined;
      index = node.findIndex((entry) => entryLabel(entry) === segment.item);
      if (index < 0) index = /^[0-9]+$/.test(segment.item) ? Number(segment.item) : -1;
      if (index < 0 || index >= node.length) return undefined;
      node = node[index];
    }
    let childIndent: number | undefined;
    let seen = 0;
    found = undefined;
    for (let i = from; i < to; i++) {
      const line = lines[i] as string;
      const text = line.trimStart();
      if (text === "" || text.startsWith("#")) continue;
      const indent = line.length - text.length;
      if (indent <= parentIndent) {
        to = i;
        break;
      }
      childIndent ??= indent;
      if (indent !== childIndent) continue;
      if ("key" in segment) {
        if (text.startsWith(`${segment.key}:`) && /^:(\s|$)/.test(text.slice(segment.key.length))) {
          found = i;
          // A value written in flow style on this one line holds everything below it on this line too.
          if (segment !== segments.at(-1) && oneLineFlow(text.slice(segment.key.length + 1))) return i + 1;
          break;
        }
      } else if (/^-(\s|$)/.test(text) && seen++ === index) {
        const rest = text.slice(1).trimStart();
        if (rest === "" || rest.startsWith("#")) return undefined;
        // The item's own content is on the dash line: read it as if the dash were a space.
        lines[i] = " ".repeat(line.length - rest.length) + rest;
        found = i;
        break;
      }
    }
    if (found === undefined || childIndent === undefined) return undefined;
    parentIndent = childIndent;
    from = "key" in segment ? found + 1 : found;
    let end = found + 1;
    while (end < to) {
      const line = lines[end] as string;
      const text = line.trimStart();
      if (text !== "" && !text.startsWith("#") && line.length - text.length <= parentIndent) break;
      end++;
    }
    to = end;
  }
  return found === undefined ? undefined : found + 1;
}

/** True when `text` (after a key's colon) is a flow collection that opens and closes on this line. */
function oneLineFlow(text: string): boolean {
  const value = text.trimStart();
  if (!value.startsWith("{") && !value.startsWith("[")) return false;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote) {
      if (quote === '"' && ch === "\\") i++;
      else if (ch === quote) {
        if (quote === "'" && value[i + 1] === "'") i++;
        else quote = undefined;
      }
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return value.slice(i + 1).trim() === "" || /^\s+#/.test(value.slice(i + 1));
      if (depth < 0) return false;
    }
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The line lookup of front matter text (a Document parse with positions). */
function linesOfSource(source: string): (path: string) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { ...YAML_OPTIONS, lineCounter });
  return lineOfIndex(lineIndex(doc, lineCounter));
}

const docLines = new WeakMap<object, (path: string) => number | undefined>();

/** The line lookup of a parsed requirement: the one built while it was read, else built now (once per doc). */
export function docLineOf(doc: { text: string }): (path: string) => number | undefined {
  let lineOf = docLines.get(doc);
  if (!lineOf) {
    lineOf = buildLineOf(doc.text);
    docLines.set(doc, lineOf);
  }
  return lineOf;
}

/** Records the line lookup built while a requirement was parsed (see docLineOf). */
export function rememberLineOf(
  doc: object,
  lineOf: ((path: string) => number | undefined) | undefined,
): void {
  if (lineOf) docLines.set(doc, lineOf);
}
