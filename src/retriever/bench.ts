/**
 * Measurements behind the retriever's choices: retrieval quality of index/chunking variants (and a plain
 * TF-IDF baseline) on the question set, and cost figures (build time, index size, load time, query latency).
 * Entry point for scripts/bench-retriever.mjs.
 */
import type { DocHit } from "../techlead/types.js";
import { DEFAULT_CHUNKING, type ChunkingOptions, type DocChunk } from "./chunks.js";
import { buildCorpus, serializeCorpus, type CorpusSources } from "./corpus.js";
import {
  DEFAULT_INDEX_CONFIG,
  createIndex,
  loadIndex,
  makeTermProcessor,
  searchIndex,
  type IndexConfig,
} from "./engine.js";
import { evaluateRetrieval, type RetrievalQuestion } from "./eval.js";

export interface Variant {
  name: string;
  chunking?: Partial<ChunkingOptions>;
  config?: Partial<IndexConfig>;
  /** Use the TF-IDF cosine baseline instead of MiniSearch. */
  tfidf?: boolean;
}

export interface VariantResult {
  name: string;
  chunks: number;
  hitAt1: number;
  hitAt3: number;
  hitAt5: number;
  mrr: number;
}

/** The chosen configuration first; every other row changes one thing (the last row is the first, untuned one). */
export const VARIANTS: Variant[] = [
  {
    name: "chosen: BM25+, one chunk per SDK type, boosts heading 1.5, stem, fuzzy 0.2, off-spec 0.7, notes 1.5",
  },
  { name: "TF-IDF cosine baseline (same chunks and terms)", tfidf: true },
  { name: "one chunk per SDK field", chunking: { sdk: "field" } },
  { name: "SDK field groups of 12", chunking: { sdk: "group", groupSize: 12 } },
  { name: "SDK field groups of 6", chunking: { sdk: "group", groupSize: 6 } },
  { name: "knowledge sections split at 800 chars", chunking: { maxChars: 800 } },
  { name: "no field boosts (1/1/1)", config: { boosts: { heading: 1, keywords: 1, text: 1 } } },
  { name: "boosts heading 3, keywords 2", config: { boosts: { heading: 3, keywords: 2, text: 1 } } },
  { name: "boost heading 6", config: { boosts: { heading: 6, keywords: 1, text: 1 } } },
  { name: "no stemming", config: { stem: false } },
  { name: "no fuzzy matching", config: { fuzzy: 0 } },
  { name: "prefix matching", config: { prefix: true } },
  { name: "off-spec SDK types not down-weighted (1.0)", config: { unreachableWeight: 1 } },
  { name: "off-spec SDK weight 0.4", config: { unreachableWeight: 0.4 } },
  { name: "knowledge notes not up-weighted (1.0)", config: { knowledgeWeight: 1 } },
  { name: "knowledge notes weight 2", config: { knowledgeWeight: 2 } },
  { name: "BM25 b 0.9", config: { bm25: { k: 1.2, b: 0.9, d: 0.5 } } },
  { name: "BM25 k 2.0", config: { bm25: { k: 2, b: 0.7, d: 0.5 } } },
  {
    name: "first untuned configuration (boosts 3/2/1, notes 1.0)",
    config: { boosts: { heading: 3, keywords: 2, text: 1 }, knowledgeWeight: 1 },
  },
];

export interface BenchSources extends CorpusSources {
  questions: RetrievalQuestion[];
}

export function compareVariants(sources: BenchSources, variants: Variant[] = VARIANTS): VariantResult[] {
  return variants.map((variant) => {
    const chunking = { ...DEFAULT_CHUNKING, ...variant.chunking };
    const config = { ...DEFAULT_INDEX_CONFIG, ...variant.config };
    const corpus = buildCorpus({ ...sources, chunking });
    const retriever = variant.tfidf ? tfidfRetriever(corpus.chunks, config) : searcher(corpus.chunks, config);
    const result = evaluateRetrieval({ questions: sources.questions, retriever });
    return {
      name: variant.name,
      chunks: corpus.chunks.length,
      hitAt1: result.hitAt1,
      hitAt3: result.hitAt3,
      hitAt5: result.hitAt5,
      mrr: result.mrr,
    };
  });
}

function searcher(chunks: DocChunk[], config: IndexConfig): { search(query: string, k?: number): DocHit[] } {
  const index = createIndex(chunks, config);
  return { search: (query, k) => searchIndex(index, query, k) };
}

/** Classic TF-IDF with cosine similarity over heading + keywords + text (no length saturation, no boosts). */
export function tfidfRetriever(
  chunks: DocChunk[],
  config: Pick<IndexConfig, "stem"> = DEFAULT_INDEX_CONFIG,
): { search(query: string, k?: number): DocHit[] } {
  const processTerm = makeTermProcessor(config);
  const terms = (text: string): string[] =>
    text
      .split(/[\n\r\p{Z}\p{P}]+/u)
      .map((term) => processTerm(term))
      .filter((term): term is string => !!term);
  const docs = chunks.map((chunk) => {
    const counts = new Map<string, number>();
    for (const term of terms(`${chunk.heading} ${chunk.keywords} ${chunk.text}`))
      counts.set(term, (counts.get(term) ?? 0) + 1);
    return { chunk, counts };
  });
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string): number => Math.log((docs.length + 1) / ((df.get(term) ?? 0) + 1)) + 1;
  const vectors = docs.map((doc) => {
    const weights = new Map<string, number>();
    let norm = 0;
    for (const [term, count] of doc.counts) {
      const weight = (1 + Math.log(count)) * idf(term);
      weights.set(term, weight);
      norm += weight * weight;
    }
    return { chunk: doc.chunk, weights, norm: Math.sqrt(norm) || 1 };
  });
  return {
    search(query: string, k = 5): DocHit[] {
      const queryTerms = [...new Set(terms(query))];
      if (queryTerms.length === 0) return [];
      const scored = vectors
        .map((vector) => ({
          vector,
          score:
            queryTerms.reduce((sum, term) => sum + (vector.weights.get(term) ?? 0) * idf(term), 0) /
            vector.norm,
        }))
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
      return scored.map(({ vector, score }) => ({
        id: vector.chunk.id,
        source: vector.chunk.source,
        heading: vector.chunk.heading,
        text: vector.chunk.text,
        score,
      }));
    },
  };
}

export interface CostFigures {
  chunks: number;
  buildMs: number;
  indexBytes: number;
  loadMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  queries: number;
}

/** Build, serialise, load and query the chosen configuration; query latency over the question set × rounds. */
export function measureCosts(sources: BenchSources, rounds = 5): CostFigures {
  const started = performance.now();
  const corpus = buildCorpus(sources);
  const json = JSON.stringify(serializeCorpus(corpus, DEFAULT_INDEX_CONFIG));
  const buildMs = performance.now() - started;
  const loadStarted = performance.now();
  const index = loadIndex(JSON.parse(json));
  const loadMs = performance.now() - loadStarted;
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of sources.questions) {
      const t0 = performance.now();
      searchIndex(index, question.q, 5);
      latencies.push(performance.now() - t0);
    }
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    chunks: corpus.chunks.length,
    buildMs: Math.round(buildMs),
    indexBytes: Buffer.byteLength(json),
    loadMs: Math.round(loadMs),
    queryP50Ms: round2(percentile(50)),
    queryP95Ms: round2(percentile(95)),
    queries: latencies.length,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
