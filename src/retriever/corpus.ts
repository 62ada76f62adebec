/**
 * Reading the corpus from disk: SDK type declarations, the project's knowledge notes, and user docs folders.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  DEFAULT_CHUNKING,
  htmlToMarkdown,
  markdownChunks,
  sdkChunks,
  splitFrontMatter,
  textChunks,
  type ChunkingOptions,
  type DocChunk,
} from "./chunks.js";
import { DEFAULT_INDEX_CONFIG, createIndex, type IndexConfig, type SerializedIndex } from "./engine.js";
import {
  SDK_PACKAGES,
  extractSdkTypes,
  qualifiedName,
  type SdkType,
  type TypeScriptModule,
} from "./sdk-types.js";
import { withSchemaFacts } from "./schema-facts.js";

/** A problem with a docs folder or file the user pointed at. */
export class DocsSourceError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = "DocsSourceError";
  }
}

export interface Corpus {
  chunks: DocChunk[];
  fieldGraph: Record<string, Record<string, string>>;
  noteFields: Record<string, string[]>;
  /** Note source → its title and public documentation URL (front matter `docs:`). */
  noteDocs: Record<string, NoteDoc>;
}

export interface NoteDoc {
  title: string;
  url: string;
}

export interface CorpusSources {
  /** The TypeScript compiler module; without it (or without sdkApisDir) the SDK field reference is left out. */
  ts?: TypeScriptModule;
  /** `node_modules/@databricks/sdk-experimental/dist/apis`. */
  sdkApisDir?: string;
  /** `docs/knowledge`. */
  knowledgeDir?: string;
  chunking?: ChunkingOptions;
}

export function readSdkTypes(ts: TypeScriptModule, apisDir: string): SdkType[] {
  const types: SdkType[] = [];
  for (const pkg of SDK_PACKAGES) {
    const file = path.join(apisDir, pkg, "model.d.ts");
    if (!existsSync(file))
      throw new DocsSourceError(
        `SDK model declarations not found at ${file}; reinstall @databricks/sdk-experimental (npm ci)`,
        file,
      );
    types.push(...extractSdkTypes(ts, pkg, file, readFileSync(file, "utf8")));
  }
  return withSchemaFacts(types);
}

/** SDK type → field → referenced SDK type (first reference, "" for scalars); used by seeAlso. */
export function fieldGraphOf(types: SdkType[]): Record<string, Record<string, string>> {
  const known = new Set(types.map(qualifiedName));
  const graph: Record<string, Record<string, string>> = {};
  for (const type of types) {
    if (type.kind !== "interface") continue;
    const fields: Record<string, string> = {};
    for (const field of type.fields) fields[field.name] = field.refs.find((ref) => known.has(ref)) ?? "";
    graph[qualifiedName(type)] = fields;
  }
  return graph;
}

/**
 * Docs folders are read without following symbolic links: a committed link (in a pull request's docs/knowledge,
 * or in a folder given with --docs-dir) could otherwise pull any file the runner can read into the index.
 */
function refuseLink(full: string, what: string): void {
  if (!lstatSync(full, { throwIfNoEntry: false })?.isSymbolicLink()) return;
  throw new DocsSourceError(
    `${what}: ${full} is a symbolic link; jobagent does not follow links in docs folders (one could point outside them). Fix: replace it with a real file or folder, or remove it`,
    full,
  );
}

/** The project's knowledge notes: every `*.md` in the folder except README.md; source `knowledge:<file>`. */
export function readKnowledgeNotes(
  dir: string,
  maxChars = DEFAULT_CHUNKING.maxChars,
): { chunks: DocChunk[]; noteFields: Record<string, string[]>; noteDocs: Record<string, NoteDoc> } {
  const chunks: DocChunk[] = [];
  const noteFields: Record<string, string[]> = {};
  const noteDocs: Record<string, NoteDoc> = {};
  if (!existsSync(dir)) return { chunks, noteFields, noteDocs };
  refuseLink(dir, "knowledge notes");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".md") && name.toLowerCase() !== "readme.md")
    .sort();
  for (const name of files) {
    const source = `knowledge:${name}`;
    refuseLink(path.join(dir, name), "knowledge notes");
    const { meta, body } = splitFrontMatter(readFileSync(path.join(dir, name), "utf8"));
    noteFields[source] = meta.fields;
    if (meta.docs) noteDocs[source] = { title: meta.title ?? name, url: meta.docs };
    chunks.push(
      ...markdownChunks(source, body, {
        maxChars,
        title: meta.title,
        keywords: meta.fields.join(" ").replace(/[.[\]]/g, " "),
      }),
    );
  }
  return { chunks, noteFields, noteDocs };
}

const MARKDOWN = new Set([".md", ".markdown", ".mdx"]);
const HTML = new Set([".html", ".htm"]);
const TEXT = new Set([".txt", ".text", ".rst"]);
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 20_000;

/**
 * A docs folder the user points at: markdown, HTML (tags stripped) and text files, recursively (hidden folders
 * and node_modules skipped), chunked by heading. Source is `docs:<path relative to the folder>`.
 */
export function readDocsDir(dir: string, maxChars = DEFAULT_CHUNKING.maxChars): DocChunk[] {
  assertDocsDir(dir);
  refuseLink(dir, "extraDocsDirs");
  const chunks: DocChunk[] = [];
  let count = 0;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = path.join(current, entry.name);
      if (entry.isSymbolicLink()) refuseLink(full, "extraDocsDirs");
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const ext = path.extname(entry.name).toLowerCase();
      if (!MARKDOWN.has(ext) && !HTML.has(ext) && !TEXT.has(ext)) continue;
      if (statSync(full).size > MAX_FILE_BYTES) continue;
      if (++count > MAX_FILES) {
        throw new DocsSourceError(
          `extraDocsDirs: ${dir} holds more than ${MAX_FILES} documents; point extraDocsDirs at the folder of the docs you need, not a whole disk`,
          dir,
        );
      }
      const relative = path.relative(dir, full).split(path.sep).join("/");
      const source = `docs:${relative}`;
      const raw = readFileSync(full, "utf8");
      const title = path.basename(entry.name, ext);
      if (MARKDOWN.has(ext)) {
        const { meta, body } = splitFrontMatter(raw);
        chunks.push(...markdownChunks(source, body, { maxChars, title: meta.title ?? title }));
      } else if (HTML.has(ext)) {
        const html = htmlToMarkdown(raw);
        chunks.push(...markdownChunks(source, html.markdown, { maxChars, title: html.title ?? title }));
      } else {
        chunks.push(...textChunks(source, raw, title, maxChars));
      }
    }
  };
  walk(dir);
  return chunks;
}

/** Throws a DocsSourceError naming the folder and the fix when it cannot be read. */
export function assertDocsDir(dir: string): void {
  if (typeof dir !== "string" || dir.trim() === "") {
    throw new DocsSourceError(
      `extraDocsDirs: expected a folder path, found ${JSON.stringify(dir)}; give the path of a folder holding .md, .html or .txt files`,
      String(dir),
    );
  }
  if (!existsSync(dir)) {
    throw new DocsSourceError(
      `extraDocsDirs: folder ${dir} does not exist; fix the path (relative paths are resolved from the current directory) or remove it`,
      dir,
    );
  }
  if (!statSync(dir).isDirectory()) {
    throw new DocsSourceError(
      `extraDocsDirs: ${dir} is a file, not a folder; give the folder that holds the docs`,
      dir,
    );
  }
}

/** SDK field reference + knowledge notes. */
export function buildCorpus(sources: CorpusSources): Corpus {
  const chunking = sources.chunking ?? DEFAULT_CHUNKING;
  const chunks: DocChunk[] = [];
  let fieldGraph: Record<string, Record<string, string>> = {};
  let noteFields: Record<string, string[]> = {};
  let noteDocs: Record<string, NoteDoc> = {};
  if (sources.knowledgeDir) {
    const notes = readKnowledgeNotes(sources.knowledgeDir, chunking.maxChars);
    chunks.push(...notes.chunks);
    noteFields = notes.noteFields;
    noteDocs = notes.noteDocs;
  }
  if (sources.ts && sources.sdkApisDir) {
    const types = readSdkTypes(sources.ts, sources.sdkApisDir);
    chunks.push(...sdkChunks(types, chunking));
    fieldGraph = fieldGraphOf(types);
  }
  return { chunks, fieldGraph, noteFields, noteDocs };
}

export function serializeCorpus(corpus: Corpus, config: IndexConfig = DEFAULT_INDEX_CONFIG): SerializedIndex {
  const index = createIndex(corpus.chunks, config);
  return {
    format: "jobagent-docs-index",
    version: 1,
    config,
    chunks: [...index.chunks.values()],
    index: index.search.toJSON(),
    fieldGraph: corpus.fieldGraph,
    noteFields: corpus.noteFields,
    noteDocs: corpus.noteDocs,
  };
}
