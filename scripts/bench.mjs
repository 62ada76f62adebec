// `npm run bench`: engine figures (plan/apply/re-plan of N jobs against the local workspace: time, API calls per
// phase, peak memory, validation throughput) and the retriever benchmark. Prints figures; no pass/fail.
// Usage: npm run bench [-- --jobs N] [--json]
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const jobs = Number(args[args.indexOf("--jobs") + 1]) > 0 && args.includes("--jobs") ? Number(args[args.indexOf("--jobs") + 1]) : 200;
const json = args.includes("--json");

const bundled = await build({
  entryPoints: [path.join(root, "src/bench/engine-bench.ts")],
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  write: false,
  logLevel: "warning",
  banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
});
const dir = mkdtempSync(path.join(os.tmpdir(), "jobagent-bench-"));
try {
  const file = path.join(dir, "engine-bench.mjs");
  writeFileSync(file, bundled.outputFiles[0].text);
  const { benchEngine } = await import(pathToFileURL(file).href);
  const result = await benchEngine(jobs);
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`Engine: ${result.jobs} jobs × 3 tasks against the local workspace (official SDK over HTTP, concurrency 8)`);
    console.log("  phase                              time      API calls  by endpoint");
    for (const p of result.phases) {
      const top = Object.entries(p.byEndpoint).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v}`).join(", ");
      console.log(`  ${p.phase.padEnd(34)} ${String(p.ms).padStart(6)} ms ${String(p.apiCalls).padStart(9)}  ${top}`);
    }
    console.log(`  peak RSS ${result.peakRssMb} MB; validation ${(result.validatePerJobMs * 1000).toFixed(0)} µs per job spec`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!json) {
  console.log("");
  execFileSync(process.execPath, [path.join(root, "scripts/bench-retriever.mjs")], { stdio: "inherit" });
}
