// Builds dist/docs-index.json: the Retriever's BM25 index (MiniSearch) over the SDK field reference extracted
// from @databricks/sdk-experimental's type declarations and the knowledge notes in docs/knowledge.
// Run by scripts/build.mjs (Node 24, no network). The TypeScript sources are bundled with esbuild into a
// temporary module, which receives the TypeScript compiler and the paths from here.
import { createRequire } from "node:module";
import path from "node:path";
import { root, withTsModule } from "./lib/import-ts.mjs";

const require = createRequire(path.join(root, "package.json"));

await withTsModule("src/retriever/build.ts", ({ writeDocsIndex }) => {
  const result = writeDocsIndex({
    ts: require("typescript"),
    sdkApisDir: path.join(path.dirname(require.resolve("@databricks/sdk-experimental")), "apis"),
    knowledgeDir: path.join(root, "docs/knowledge"),
    outFile: path.join(root, "dist/docs-index.json"),
  });
  console.log(
    `docs index: ${result.chunks} chunks, ${(result.bytes / 1024).toFixed(0)} KiB, built in ${result.ms} ms → ${path.relative(root, result.outFile)}`,
  );
});
