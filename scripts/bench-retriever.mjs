// Retriever benchmark: index build time, index size, load time and query latency (p50/p95) over the question
// set, then retrieval quality (hit@1/3/5, MRR) of the chosen configuration against alternatives.
// Usage: node_modules/.bin/node scripts/bench-retriever.mjs [--json]   (Node 24, no network)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { root, withTsModule } from "./lib/import-ts.mjs";

const require = createRequire(path.join(root, "package.json"));

await withTsModule("src/retriever/bench.ts", async (bench) => {
  const tsStarted = performance.now();
  const ts = require("typescript");
  const tsLoadMs = Math.round(performance.now() - tsStarted);
  const sources = {
    ts,
    sdkApisDir: path.join(path.dirname(require.resolve("@databricks/sdk-experimental")), "apis"),
    knowledgeDir: path.join(root, "docs/knowledge"),
    questions: JSON.parse(readFileSync(path.join(root, "test/eval/retrieval/questions.json"), "utf8"))
      .questions,
  };
  bench.measureCosts(sources, 1); // warm-up (JIT), not reported
  const costs = bench.measureCosts(sources, 5);
  const variants = bench.compareVariants(sources);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ tsLoadMs, costs, variants }, null, 2));
  } else {
    console.log(`Retriever (MiniSearch BM25+), ${sources.questions.length} questions`);
    console.log(`  chunks            ${costs.chunks}`);
    console.log(`  index build       ${costs.buildMs} ms (+ ${tsLoadMs} ms to load the TypeScript compiler)`);
    console.log(`  index size        ${(costs.indexBytes / 1024).toFixed(0)} KiB (dist/docs-index.json)`);
    console.log(`  index load        ${costs.loadMs} ms (JSON parse + MiniSearch.loadJS)`);
    console.log(
      `  query latency     p50 ${costs.queryP50Ms} ms, p95 ${costs.queryP95Ms} ms over ${costs.queries} queries`,
    );
    console.log("");
    console.log("| variant | chunks | hit@1 | hit@3 | hit@5 | MRR |");
    console.log("|---|---|---|---|---|---|");
    for (const v of variants)
      console.log(`| ${v.name} | ${v.chunks} | ${v.hitAt1} | ${v.hitAt3} | ${v.hitAt5} | ${v.mrr} |`);
  }
});
