/**
 * Retrieval quality on the labelled question set (test/eval/retrieval/questions.json): hit@1, hit@3, hit@5
 * and MRR over the top 10. Called by `jobagent eval` and by the retrieval test.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DocHit } from "../techlead/types.js";
import { DocsSourceError, getRetriever, type Retriever } from "./index.js";

export interface ExpectedSection {
  source: string;
  /** Substring of the hit's heading (case-insensitive); absent = any section of the source. */
  heading?: string;
}

export interface RetrievalQuestion {
  q: string;
  expect: ExpectedSection[];
}

export interface RetrievalMiss {
  question: string;
  expected: string[];
  /** "source › heading" of the top 3 hits. */
  got: string[];
  /** 1-based rank of the first acceptable hit in the top 10, or null. */
  rank: number | null;
}

export interface RetrievalEvaluation {
  questions: number;
  hitAt1: number;
  hitAt3: number;
  hitAt5: number;
  mrr: number;
  /** Questions without an acceptable hit in the top 3. */
  misses: RetrievalMiss[];
}

export interface EvaluateRetrievalOptions {
  /** Default: test/eval/retrieval/questions.json of this checkout (or of the current directory). */
  questionsFile?: string;
  questions?: RetrievalQuestion[];
  /** Default: getRetriever(). */
  retriever?: Pick<Retriever, "search">;
}

const RANK_DEPTH = 10;

export function evaluateRetrieval(options: EvaluateRetrievalOptions = {}): RetrievalEvaluation {
  const questions = options.questions ?? readQuestions(options.questionsFile ?? defaultQuestionsFile());
  const retriever = options.retriever ?? getRetriever();
  let hit1 = 0;
  let hit3 = 0;
  let hit5 = 0;
  let reciprocal = 0;
  const misses: RetrievalMiss[] = [];
  for (const question of questions) {
    const hits = retriever.search(question.q, RANK_DEPTH);
    const rank = firstAcceptableRank(hits, question.expect);
    if (rank !== null) {
      reciprocal += 1 / rank;
      if (rank <= 1) hit1++;
      if (rank <= 3) hit3++;
      if (rank <= 5) hit5++;
    }
    if (rank === null || rank > 3) {
      misses.push({
        question: question.q,
        expected: question.expect.map((e) => (e.heading ? `${e.source} › ${e.heading}` : e.source)),
        got: hits.slice(0, 3).map((hit) => `${hit.source} › ${hit.heading}`),
        rank,
      });
    }
  }
  const n = questions.length || 1;
  return {
    questions: questions.length,
    hitAt1: round(hit1 / n),
    hitAt3: round(hit3 / n),
    hitAt5: round(hit5 / n),
    mrr: round(reciprocal / n),
    misses,
  };
}

export function firstAcceptableRank(hits: DocHit[], expect: ExpectedSection[]): number | null {
  const index = hits.findIndex((hit) => expect.some((e) => matches(hit, e)));
  return index < 0 ? null : index + 1;
}

function matches(hit: Pick<DocHit, "source" | "heading">, expected: ExpectedSection): boolean {
  if (hit.source !== expected.source) return false;
  return !expected.heading || hit.heading.toLowerCase().includes(expected.heading.toLowerCase());
}

/** Reads and checks a question file; errors name the file, the entry and the fix. */
export function readQuestions(file: string): RetrievalQuestion[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DocsSourceError(
      `retrieval questions ${file}: cannot read JSON (${(error as Error).message}); fix the file`,
      file,
    );
  }
  const list = (data as { questions?: unknown })?.questions;
  if (!Array.isArray(list)) {
    throw new DocsSourceError(
      `retrieval questions ${file}: field "questions" is ${JSON.stringify(typeof list)}, expected an array of {q, expect}`,
      file,
    );
  }
  return list.map((entry, index) => {
    const item = entry as Partial<RetrievalQuestion>;
    const expectOk =
      Array.isArray(item?.expect) &&
      item.expect.length > 0 &&
      item.expect.every((e) => typeof e?.source === "string");
    if (typeof item?.q !== "string" || !item.q.trim() || !expectOk) {
      throw new DocsSourceError(
        `retrieval questions ${file}: questions[${index}] is ${JSON.stringify(entry)}; each entry needs "q" (a question) and "expect" (a non-empty list of {source, heading?})`,
        file,
      );
    }
    return { q: item.q, expect: item.expect as ExpectedSection[] };
  });
}

function defaultQuestionsFile(): string {
  const relative = "test/eval/retrieval/questions.json";
  const candidates = [
    fileURLToPath(new URL(`../../${relative}`, import.meta.url)),
    fileURLToPath(new URL(`../${relative}`, import.meta.url)),
    path.resolve(relative),
  ];
  return candidates.find((file) => existsSync(file)) ?? candidates[candidates.length - 1];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
