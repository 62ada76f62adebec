/**
 * The Retriever: BM25+ search over Databricks documentation for the Tech Lead, validation messages ("see: …")
 * and the plan comment.
 *
 * The corpus is the SDK field reference + the knowledge notes in docs/knowledge, prebuilt by
 * scripts/build-docs-index.mjs into dist/docs-index.json and loaded lazily at the first search. When that file
 * is not next to the running module (tests run from src/), the index is built in memory from the installed SDK's
 * type declarations and the notes. Folders the user points at (extraDocsDirs) are added on top.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DocHit } from "../techlead/types.js";
import type { DocChunk } from "./chunks.js";
import { DocsSourceError, assertDocsDir, buildCorpus, readDocsDir } from "./corpus.js";
import {
  DEFAULT_INDEX_CONFIG,
  addChunks,
  createIndex,
  loadIndex,
  searchIndex,
  type LoadedIndex,
  type SerializedIndex,
} from "./engine.js";
import type { TypeScriptModule } from "./sdk-types.js";

export { DocsSourceError } from "./corpus.js";

export interface Retriever {
  search(query: string, k?: number): DocHit[];
  /** "source › heading" references for a spec field path, for validation messages and the plan comment. */
  seeAlso(fieldPath: string, k?: number): string[];
  /**
   * seeAlso's references with their public documentation page, as `label <https://…>` (a note's `docs:` URL, the
   * Jobs API reference for an SDK field); references without a known page stay as they are.
   */
  seeAlsoLinks(fieldPath: string, k?: number): string[];
}

export interface RetrieverOptions {
  /** Extra docs folders (markdown, HTML, text) the user points at. */
  extraDocsDirs?: string[];
  /** A prebuilt index (dist/docs-index.json); default: docs-index.json next to the running module, if present. */
  indexFile?: string;
  /** Knowledge notes folder for the in-memory build; default: docs/knowledge of this checkout. */
  knowledgeDir?: string;
}

export interface RetrieverStats {
  /** False until the first search / seeAlso (the index is loaded lazily). */
  loaded: boolean;
  /** "file": prebuilt index; "memory": built from the SDK declarations and notes at first use. */
  origin?: "file" | "memory";
  indexFile?: string;
  chunks?: number;
  loadMs?: number;
  warnings: string[];
}

export interface DocsRetriever extends Retriever {
  stats(): RetrieverStats;
}

interface Base {
  origin: "file" | "memory";
  indexFile?: string;
  serialized?: SerializedIndex;
  chunks: DocChunk[];
  fieldGraph: Record<string, Record<string, string>>;
  noteFields: Record<string, string[]>;
  noteDocs: Record<string, { title: string; url: string }>;
  shared?: LoadedIndex;
  warnings: string[];
}

const bases = new Map<string, Base>();
const SEE_ALSO_MEMO_LIMIT = 10_000;

export function getRetriever(options: RetrieverOptions = {}): DocsRetriever {
  const extraDirs = (options.extraDocsDirs ?? []).map((dir) => {
    assertDocsDir(dir);
    return path.resolve(dir);
  });
  if (options.indexFile !== undefined && !existsSync(options.indexFile)) {
    throw new DocsSourceError(
      `docs index ${options.indexFile} does not exist; run \`npm run build\` to write dist/docs-index.json, or leave indexFile unset`,
      options.indexFile,
    );
  }

  let state: { index: LoadedIndex; base: Base; loadMs: number } | undefined;
  const seeAlsoMemo = new Map<string, string[]>();
  const load = (): { index: LoadedIndex; base: Base } => {
    if (state) return state;
    const started = performance.now();
    const base = loadBase(options);
    let index: LoadedIndex;
    if (extraDirs.length === 0) {
      base.shared ??= base.serialized
        ? loadIndex(base.serialized)
        : createIndex(base.chunks, DEFAULT_INDEX_CONFIG);
      index = base.shared;
    } else {
      index = base.serialized ? loadIndex(base.serialized) : createIndex(base.chunks, DEFAULT_INDEX_CONFIG);
      for (const dir of extraDirs) addChunks(index, readDocsDir(dir));
    }
    state = { index, base, loadMs: performance.now() - started };
    return state;
  };

  return {
    search(query: string, k = 5): DocHit[] {
      if (typeof query !== "string" || query.trim() === "") return [];
      return searchIndex(load().index, query, k);
    },
    seeAlso(fieldPath: string, k = 3): string[] {
      if (typeof fieldPath !== "string" || fieldPath.trim() === "") return [];
      // Jobs of the same shape ask the same few questions: each distinct one is searched once per retriever.
      const key = `${k}|${fieldPath}`;
      const known = seeAlsoMemo.get(key);
      if (known) return [...known];
      const { index, base } = load();
      const refs = seeAlsoRefs(index, base, fieldPath, k);
      if (seeAlsoMemo.size < SEE_ALSO_MEMO_LIMIT) seeAlsoMemo.set(key, refs);
      return [...refs];
    },
    seeAlsoLinks(fieldPath: string, k = 3): string[] {
      const refs = this.seeAlso(fieldPath, k);
      if (refs.length === 0) return refs;
      const { base } = load();
      return refs.map((ref) => linkedRef(ref, base.noteDocs));
    },
    stats(): RetrieverStats {
      if (!state) return { loaded: false, warnings: [] };
      return {
        loaded: true,
        origin: state.base.origin,
        indexFile: state.base.indexFile,
        chunks: state.index.chunks.size,
        loadMs: Math.round(state.loadMs),
        warnings: [...state.base.warnings],
      };
    },
  };
}

function loadBase(options: RetrieverOptions): Base {
  const indexFile = options.indexFile ?? defaultIndexFile();
  const key = indexFile ? `file:${path.resolve(indexFile)}` : `memory:${options.knowledgeDir ?? ""}`;
  const cached = bases.get(key);
  if (cached) return cached;
  const base = indexFile ? readIndexFile(indexFile) : buildInMemory(options.knowledgeDir);
  bases.set(key, base);
  return base;
}

function defaultIndexFile(): string | undefined {
  // Bundled, this module is dist/index.js, dist/cli.js or a lazy chunk in dist/chunks/.
  return ["./docs-index.json", "../docs-index.json"]
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((candidate) => existsSync(candidate));
}

/** Reads a prebuilt index (dist/docs-index.json). */
export function readIndexFile(file: string): Base {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DocsSourceError(
      `docs index ${file} is not valid JSON (${(error as Error).message}); rebuild it with \`npm run build\``,
      file,
    );
  }
  const serialized = parsed as Partial<SerializedIndex>;
  if (
    serialized?.format !== "jobagent-docs-index" ||
    serialized.version !== 1 ||
    !Array.isArray(serialized.chunks) ||
    !serialized.index
  ) {
    throw new DocsSourceError(
      `docs index ${file}: field "format" is ${JSON.stringify(serialized?.format)} (version ${JSON.stringify(serialized?.version)}), expected "jobagent-docs-index" version 1; rebuild it with \`npm run build\``,
      file,
    );
  }
  const full = serialized as SerializedIndex;
  return {
    origin: "file",
    indexFile: file,
    serialized: full,
    chunks: full.chunks,
    fieldGraph: full.fieldGraph ?? {},
    noteFields: full.noteFields ?? {},
    noteDocs: full.noteDocs ?? {},
    warnings: [],
  };
}

function buildInMemory(knowledgeDir?: string): Base {
  const warnings: string[] = [];
  const require = createRequire(import.meta.url);
  const notes = knowledgeDir ?? findKnowledgeDir();
  if (!notes)
    warnings.push("knowledge notes (docs/knowledge) not found; searching the SDK field reference only");
  let ts: TypeScriptModule | undefined;
  let sdkApisDir: string | undefined;
  try {
    ts = require("typescript") as TypeScriptModule;
    sdkApisDir = path.join(path.dirname(require.resolve("@databricks/sdk-experimental")), "apis");
  } catch (error) {
    warnings.push(
      `SDK field reference left out: ${(error as Error).message.split("\n")[0]} (ship dist/docs-index.json to include it)`,
    );
  }
  const corpus = buildCorpus({ ts, sdkApisDir, knowledgeDir: notes });
  return {
    origin: "memory",
    chunks: corpus.chunks,
    fieldGraph: corpus.fieldGraph,
    noteFields: corpus.noteFields,
    noteDocs: corpus.noteDocs,
    warnings,
  };
}

function findKnowledgeDir(): string | undefined {
  const candidates = [
    new URL("../../docs/knowledge/", import.meta.url),
    new URL("../docs/knowledge/", import.meta.url),
  ].map((url) => fileURLToPath(url));
  candidates.push(path.resolve("docs/knowledge"));
  return candidates.find((dir) => existsSync(dir));
}

/** The Jobs API reference: every SDK field the references name is part of the jobs/create request body. */
const JOBS_API_URL = "https://docs.databricks.com/api/workspace/jobs/create";

/** `knowledge:x.md › Heading` → `Title › Heading <url>`; `sdk:jobs.Task › field` → `Jobs API: jobs.Task › field <url>`. */
export function linkedRef(ref: string, noteDocs: Record<string, { title: string; url: string }>): string {
  const [source, ...rest] = ref.split(" › ");
  const heading = rest.join(" › ");
  const note = noteDocs[source];
  if (note) return `${note.title}${heading && heading !== note.title ? ` › ${heading}` : ""} <${note.url}>`;
  if (source.startsWith("sdk:"))
    return `Jobs API: ${source.slice(4)}${heading ? ` › ${heading}` : ""} <${JOBS_API_URL}>`;
  return ref;
}

const ROOTS = ["jobs.JobSettings", "jobs.Task", "jobs.JobCluster", "compute.ClusterSpec"];

/** "tasks[ingest].new_cluster.node_type_id" → ["tasks", "new_cluster", "node_type_id"]. */
export function fieldSegments(fieldPath: string): string[] {
  return fieldPath
    .replace(/\[[^\]]*\]/g, "")
    .split(/[./]/)
    .map((segment) => segment.trim())
    .filter(Boolean)
    .filter((segment, index) => !(index === 0 && (segment === "settings" || segment === "new_settings")));
}

function seeAlsoRefs(index: LoadedIndex, base: Base, fieldPath: string, k: number): string[] {
  const all = fieldSegments(fieldPath);
  if (all.length === 0) return [];
  // The SDK field itself; segments past it are map keys (tags.team) or unknown fields, not documentation topics.
  const sdkRef = resolveSdkField(base.fieldGraph, all);
  const segments = sdkRef ? all.slice(0, sdkRef.depth) : all;
  const refs: string[] = [];

  // Knowledge notes that declare the field (longest declared path wins), best section of each by search.
  const notes = Object.entries(base.noteFields)
    .map(([source, fields]) => ({
      source,
      score: Math.max(0, ...fields.map((field) => declaredMatch(field, segments))),
    }))
    .filter((note) => note.score > 0)
    .sort((a, b) => b.score - a.score || a.source.localeCompare(b.source));
  const query = segments.join(" ").replace(/_/g, " ");
  // A second note only when it declares the field as specifically as the first.
  for (const note of notes.filter((candidate) => candidate.score === notes[0].score).slice(0, 2)) {
    const [best] = searchIndex(index, query, 1, { sourcePrefixes: [note.source] });
    const chunk = best ?? [...index.chunks.values()].find((candidate) => candidate.source === note.source);
    if (chunk) refs.push(`${chunk.source} › ${chunk.heading}`);
  }
  if (sdkRef) refs.push(`sdk:${sdkRef.type} › ${sdkRef.field}`);

  if (refs.length === 0) {
    const [best] = searchIndex(index, query, 1, { sourcePrefixes: ["knowledge:"] });
    if (best) refs.push(`${best.source} › ${best.heading}`);
  }
  return [...new Set(refs)].slice(0, Math.max(1, Math.floor(k) || 3));
}

/** How well a declared note field ("schedule", "tasks.new_cluster", "timeout_seconds") covers a path; 0 = not. */
function declaredMatch(declared: string, segments: string[]): number {
  const want = fieldSegments(declared);
  if (want.length === 0 || want.length > segments.length) return 0;
  for (let start = 0; start + want.length <= segments.length; start++) {
    if (want.every((segment, offset) => segments[start + offset] === segment)) {
      // Longer declarations win; a declaration anchored at the path's start beats one found deeper.
      return want.length * 10 + (start === 0 ? 5 : 0) + (start + want.length === segments.length ? 1 : 0);
    }
  }
  return 0;
}

/** Walks the field graph from the job-spec roots; `depth` = how many segments are SDK fields. */
function resolveSdkField(
  graph: Record<string, Record<string, string>>,
  segments: string[],
): { type: string; field: string; depth: number } | undefined {
  let best: { type: string; field: string; depth: number } | undefined;
  for (const root of ROOTS) {
    let type = root;
    let found: { type: string; field: string; depth: number } | undefined;
    for (const [position, segment] of segments.entries()) {
      const fields = graph[type];
      if (!fields || !Object.hasOwn(fields, segment)) break;
      found = { type, field: segment, depth: position + 1 };
      type = fields[segment];
      if (!type) break;
    }
    if (found && (!best || found.depth > best.depth)) best = found;
  }
  return best;
}
