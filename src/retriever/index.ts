/**
 * CONTRACT STUB (owned by the retriever helper; replace the bodies, keep the signatures).
 */
import type { DocHit } from "../techlead/types.js";

export interface Retriever {
  search(query: string, k?: number): DocHit[];
  /** "source › heading" references for a spec field path, for validation messages and the plan comment. */
  seeAlso(fieldPath: string, k?: number): string[];
}

export interface RetrieverOptions {
  /** Extra docs folders (markdown, HTML, text) the user points at. */
  extraDocsDirs?: string[];
}

export function getRetriever(options: RetrieverOptions = {}): Retriever {
  void options;
  return { search: () => [], seeAlso: () => [] };
}
