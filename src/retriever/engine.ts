/**
 * The BM25+ index over doc chunks (MiniSearch): term processing, field boosts, search, (de)serialisation.
 * Pure apart from MiniSearch itself.
 */
import MiniSearch, { type AsPlainObject, type Options, type SearchOptions } from "minisearch";
import type { DocHit } from "../techlead/types.js";
import type { DocChunk } from "./chunks.js";

export interface IndexConfig {
  boosts: { heading: number; keywords: number; text: number };
  /** Light English suffix stripping (retries → retry, notifications → notification). */
  stem: boolean;
  /** Fuzzy matching as a fraction of the term length (0 = off); applied to terms of 5–20 characters. */
  fuzzy: number;
  /** Prefix matching for terms of at least 5 characters. */
  prefix: boolean;
  /** Score multiplier for SDK types that do not appear anywhere under JobSettings. */
  unreachableWeight: number;
  /** Score multiplier for the project's knowledge notes (curated explanations) relative to SDK chunks. */
  knowledgeWeight: number;
  /** BM25+ parameters (MiniSearch defaults: k 1.2, b 0.7, d 0.5). */
  bm25: { k: number; b: number; d: number };
}

/** Chosen on the question set (docs/knowledge/README.md has the comparison). */
export const DEFAULT_INDEX_CONFIG: IndexConfig = {
  boosts: { heading: 1.5, keywords: 1, text: 1 },
  stem: true,
  fuzzy: 0.2,
  prefix: false,
  unreachableWeight: 0.7,
  knowledgeWeight: 1.5,
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
};

export const INDEX_FIELDS = ["heading", "keywords", "text"] as const;

/** Queries longer than this are cut (a pasted document is not a question). */
const MAX_QUERY_CHARS = 2000;

const STOP_WORDS = new Set(
  (
    "a an and are as at be but by can could do does for from had has have how i if in into is it its me my no not of on " +
    "or our should so than that the their them then there these they this to too use used using want was we what when " +
    "where which while who why will with would you your please need needs every each also just only get make set"
  ).split(" "),
);

/** Lower-cases, drops stop words and (optionally) strips common English suffixes. */
export function makeTermProcessor(config: Pick<IndexConfig, "stem">): (term: string) => string | null {
  return (term: string) => {
    const lower = term.toLowerCase();
    if (lower.length < 2 && !/^\d$/.test(lower)) return null;
    if (STOP_WORDS.has(lower)) return null;
    return config.stem ? stem(lower) : lower;
  };
}

/** A deliberately small stemmer: plural and -ing/-ed/-e endings, so "schedule", "scheduled", "scheduling" meet. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("ied") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is|os)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1);
  return w;
}

export function miniSearchOptions(config: IndexConfig): Options<DocChunk> {
  return {
    idField: "id",
    fields: [...INDEX_FIELDS],
    storeFields: [],
    processTerm: makeTermProcessor(config),
    searchOptions: searchOptions(config),
  };
}

function searchOptions(config: IndexConfig): SearchOptions {
  return {
    boost: { ...config.boosts },
    combineWith: "OR",
    bm25: { ...config.bm25 },
    prefix: config.prefix ? (term: string) => term.length >= 5 : false,
    fuzzy:
      config.fuzzy > 0
        ? (term: string) => (term.length >= 5 && term.length <= 20 ? config.fuzzy : false)
        : false,
  };
}

export interface LoadedIndex {
  search: MiniSearch<DocChunk>;
  chunks: Map<string, DocChunk>;
  config: IndexConfig;
}

export function createIndex(chunks: DocChunk[], config: IndexConfig = DEFAULT_INDEX_CONFIG): LoadedIndex {
  const search = new MiniSearch<DocChunk>(miniSearchOptions(config));
  const unique = dedupeIds(chunks);
  search.addAll(unique);
  return { search, chunks: new Map(unique.map((chunk) => [chunk.id, chunk])), config };
}

/** Adds chunks (e.g. a user's docs folder) to an index; ids already present get a numeric suffix. */
export function addChunks(index: LoadedIndex, chunks: DocChunk[]): void {
  const fresh = dedupeIds(chunks, index.chunks);
  index.search.addAll(fresh);
  for (const chunk of fresh) index.chunks.set(chunk.id, chunk);
}

export interface SearchFilter {
  /** Only chunks whose source starts with one of these prefixes ("knowledge:", "sdk:jobs."). */
  sourcePrefixes?: string[];
}

/** Best `k` chunks for a query; [] for empty, non-string or stop-word-only queries. Never throws on input. */
export function searchIndex(index: LoadedIndex, query: unknown, k = 5, filter: SearchFilter = {}): DocHit[] {
  if (typeof query !== "string") return [];
  const text = query.slice(0, MAX_QUERY_CHARS).trim();
  const limit = Number.isFinite(k) && k > 0 ? Math.floor(k) : 5;
  if (!text) return [];
  const weight = (id: string): number => {
    const chunk = index.chunks.get(id);
    if (!chunk) return 0;
    if (filter.sourcePrefixes && !filter.sourcePrefixes.some((prefix) => chunk.source.startsWith(prefix)))
      return 0;
    if (chunk.offSpec) return index.config.unreachableWeight;
    if (chunk.source.startsWith("knowledge:")) return index.config.knowledgeWeight ?? 1;
    return 1;
  };
  const results = index.search.search(text, { boostDocument: (id) => weight(String(id)) });
  const hits: DocHit[] = [];
  for (const result of results) {
    if (!(result.score > 0)) continue;
    const chunk = index.chunks.get(String(result.id));
    if (!chunk) continue;
    hits.push({
      id: chunk.id,
      source: chunk.source,
      heading: chunk.heading,
      text: chunk.text,
      score: round(result.score),
    });
    if (hits.length >= limit) break;
  }
  return hits;
}

export interface SerializedIndex {
  format: "jobagent-docs-index";
  version: 1;
  config: IndexConfig;
  chunks: DocChunk[];
  /** MiniSearch.toJSON(). */
  index: AsPlainObject;
  /** For seeAlso: SDK type → field → referenced SDK type ("" for scalars). */
  fieldGraph: Record<string, Record<string, string>>;
  /** For seeAlso: knowledge note source → spec field paths it declares. */
  noteFields: Record<string, string[]>;
  /** Knowledge note source → its title and public documentation URL (absent in indexes built before #16). */
  noteDocs?: Record<string, { title: string; url: string }>;
}

export function loadIndex(serialized: SerializedIndex): LoadedIndex {
  const search = MiniSearch.loadJS<DocChunk>(serialized.index, miniSearchOptions(serialized.config));
  return {
    search,
    chunks: new Map(serialized.chunks.map((chunk) => [chunk.id, chunk])),
    config: serialized.config,
  };
}

function dedupeIds(chunks: DocChunk[], existing: Map<string, DocChunk> = new Map()): DocChunk[] {
  const seen = new Set(existing.keys());
  return chunks.map((chunk) => {
    let id = chunk.id;
    for (let n = 2; seen.has(id); n++) id = `${chunk.id}~${n}`;
    seen.add(id);
    return id === chunk.id ? chunk : { ...chunk, id };
  });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
