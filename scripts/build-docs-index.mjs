// Builds dist/docs-index.json: the Retriever's BM25 index (MiniSearch) over the SDK field reference extracted
// from @databricks/sdk-experimental's type declarations and the knowledge notes in docs/knowledge.
// Run by scripts/build.mjs (Node 24, no network). The TypeScript sources are bundled with esbuild into a
// temporary module, which receives the TypeScript compiler and the paths from here.
import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));

const bundled = await build({
  entryPoints: [path.join(root, "src/retriever/build.ts")],
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  write: false,
  logLevel: "warning",
  // CommonJS dependencies (yaml) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __docsIndexCreateRequire } from 'node:module'; const require = __docsIndexCreateRequire(import.meta.url);" },
});
const dir = mkdtempSync(path.join(os.tmpdir(), "jobagent-docs-index-"));
try {
  const file = path.join(dir, "build-docs-index.mjs");
  writeFileSync(file, bundled.outputFiles[0].text);
  const { writeDocsIndex } = await import(pathToFileURL(file).href);
  const result = writeDocsIndex({
    ts: require("typescript"),
    sdkApisDir: path.join(path.dirname(require.resolve("@databricks/sdk-experimental")), "apis"),
    knowledgeDir: path.join(root, "docs/knowledge"),
    outFile: path.join(root, "dist/docs-index.json"),
  });
  console.log(`docs index: ${result.chunks} chunks, ${(result.bytes / 1024).toFixed(0)} KiB, built in ${result.ms} ms → ${path.relative(root, result.outFile)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
