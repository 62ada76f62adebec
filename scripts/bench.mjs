// `npm run bench`: engine figures (plan/apply/re-plan of N jobs against the local workspace: time, API calls per
// phase, peak memory, validation throughput), the CLI's start-up beside a bare node and the bundle sizes, and the
// retriever benchmark. Prints figures; no pass/fail.
// Usage: npm run bench [-- --jobs N] [--json]
import { execFileSync } from "node:child_process";
import path from "node:path";
import { root, withTsModule } from "./lib/import-ts.mjs";
import { bundleSizes, measureStartup } from "./lib/startup.mjs";

const args = process.argv.slice(2);
const jobsAt = args.indexOf("--jobs");
const jobs = jobsAt >= 0 && Number(args[jobsAt + 1]) > 0 ? Number(args[jobsAt + 1]) : 1000;
const json = args.includes("--json");

const startup = measureStartup(root);
const bundles = bundleSizes(root);
if (!json) {
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  console.log(
    `Start-up: jobagent --help ${startup.helpMs.toFixed(0)} ms vs node -e 0 ${startup.nodeMs.toFixed(0)} ms ` +
      `(median of ${startup.runs}) = ${startup.ratio.toFixed(2)}× (goal ≤ 3×)`,
  );
  console.log(
    `Bundles: dist/index.js ${mb(bundles.indexJs)} (goal ≤ 3 MB), dist/cli.js ${mb(bundles.cliJs)}, ` +
      `${bundles.chunkCount} lazy chunks ${mb(bundles.chunks)} in dist/chunks/`,
  );
  console.log("");
}

await withTsModule("src/dev/bench/engine-bench.ts", async ({ benchEngine }) => {
  const result = await benchEngine(jobs);
  if (json) {
    console.log(JSON.stringify({ startup, bundles, ...result }, null, 2));
  } else {
    console.log(
      `Engine: ${result.jobs} jobs × 3 tasks against the local workspace (official SDK over HTTP, concurrency 8)`,
    );
    console.log("  phase                              time      API calls  by endpoint");
    for (const p of result.phases) {
      const top = Object.entries(p.byEndpoint)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      console.log(
        `  ${p.phase.padEnd(34)} ${String(p.ms).padStart(6)} ms ${String(p.apiCalls).padStart(9)}  ${top}`,
      );
    }
    const replan = result.phases[2];
    const n = result.naive;
    console.log(`  ${n.phase.padEnd(34)} ${String(n.ms).padStart(6)} ms ${String(n.apiCalls).padStart(9)}`);
    console.log(
      `  re-plan vs naive: ${(replan.apiCalls / result.jobs).toFixed(3)} vs ${(n.apiCalls / result.jobs).toFixed(2)} API calls per job (${(n.apiCalls / Math.max(1, replan.apiCalls)).toFixed(0)}× fewer); local wall time naive / ours = ${(n.ms / Math.max(1, replan.ms)).toFixed(1)}× (reads cost ~0 ms locally)`,
    );
    for (const p of result.withLatency)
      console.log(
        `  ${p.phase.padEnd(44)} ${String(p.ms).padStart(6)} ms ${String(p.apiCalls).padStart(6)} API calls`,
      );
    const [ours, theirs] = result.withLatency;
    console.log(
      `  with 50 ms reads: naive / ours = ${(theirs.ms / Math.max(1, ours.ms)).toFixed(1)}× wall time`,
    );
    console.log(
      `  peak RSS ${result.peakRssMb} MB; validation ${(result.validatePerJobMs * 1000).toFixed(0)} µs per job spec`,
    );
    const rl = result.rateLimited;
    if (rl)
      console.log(
        `  apply of ${rl.jobs} jobs under a ${rl.writesPerSecond} writes/s limit: ${rl.ms} ms, ${rl.jobsPerSecond} jobs/s = ${(rl.fractionOfLimit * 100).toFixed(0)}% of the limit (429 answers: ${rl.retries429})`,
      );
  }
});
if (!json) {
  console.log("");
  execFileSync(process.execPath, [path.join(root, "scripts/bench-retriever.mjs")], { stdio: "inherit" });
}
