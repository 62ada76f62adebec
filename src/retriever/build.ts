/**
 * Writes the prebuilt docs index (dist/docs-index.json). Entry point for scripts/build-docs-index.mjs, which
 * bundles this file with esbuild and passes in the TypeScript compiler module and the paths.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildCorpus, serializeCorpus } from "./corpus.js";
import { DEFAULT_INDEX_CONFIG } from "./engine.js";
import type { TypeScriptModule } from "./sdk-types.js";

export interface WriteDocsIndexOptions {
  ts: TypeScriptModule;
  sdkApisDir: string;
  knowledgeDir: string;
  outFile: string;
}

export interface WriteDocsIndexResult {
  outFile: string;
  chunks: number;
  bytes: number;
  ms: number;
}

export function writeDocsIndex(options: WriteDocsIndexOptions): WriteDocsIndexResult {
  const started = performance.now();
  const corpus = buildCorpus({
    ts: options.ts,
    sdkApisDir: options.sdkApisDir,
    knowledgeDir: options.knowledgeDir,
  });
  if (!corpus.chunks.some((chunk) => chunk.source.startsWith("knowledge:"))) {
    throw new Error(
      `no knowledge notes found in ${options.knowledgeDir}; the docs index needs docs/knowledge/*.md`,
    );
  }
  const json = JSON.stringify(serializeCorpus(corpus, DEFAULT_INDEX_CONFIG));
  mkdirSync(path.dirname(options.outFile), { recursive: true });
  // Write then rename, so a reader (a test, a running action) never sees a half-written index.
  const temporary = `${options.outFile}.${process.pid}.tmp`;
  writeFileSync(temporary, json);
  renameSync(temporary, options.outFile);
  return {
    outFile: options.outFile,
    chunks: corpus.chunks.length,
    bytes: Buffer.byteLength(json),
    ms: Math.round(performance.now() - started),
  };
}
