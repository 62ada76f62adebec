// `npm run bench`: the engine figures of issue #18, each beside its baseline measured in the same run and its goal
// (PASS/FAIL): read+parse baseline, first plan and re-plan for 100 / 1,000 (and 10,000 with --large or
// BENCH_LARGE=1) requirement files, peak RSS per phase (child processes), requests per job, apply writes/reads,
// apply throughput under a 20 writes/s limit, CLI start-up against `node -e 0`; then the retriever benchmark.
// Usage: npm run bench [-- --large] [--sizes 100,1000] [--json] [--no-retriever]
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundleTs, root, withTsModule } from "./lib/import-ts.mjs";

const args = process.argv.slice(2);
const large = args.includes("--large") || process.env.BENCH_LARGE === "1";
const sizesAt = args.indexOf("--sizes");
const sizes =
  sizesAt >= 0
    ? args[sizesAt + 1]
        .split(",")
        .map(Number)
        .filter((n) => n > 0)
    : [100, 1000, ...(large ? [10000] : [])];
const json = args.includes("--json");

function timeMs(argv) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    execFileSync(process.execPath, argv, { cwd: root, stdio: "ignore" });
    runs.push(performance.now() - start);
  }
  return Math.round(runs.sort((a, b) => a - b)[2]);
}

const cli = path.join(root, "dist/cli.js");
const startup = existsSync(cli) ? { cliMs: timeMs([cli, "--help"]), nodeMs: timeMs(["-e", "0"]) } : undefined;

const dir = mkdtempSync(path.join(os.tmpdir(), "jobagent-bench-child-"));
try {
  // Built like dist/ (minified): the figures are those of the code users run.
  const childScript = await bundleTs("src/dev/bench/bench-child.ts", dir, { shipped: true });
  await withTsModule("src/dev/bench/index.ts", async ({ benchEngine, reportRows, formatRows }) => {
    const progress = json ? undefined : (line) => process.stderr.write(`${line}\n`);
    const result = await benchEngine({ childScript, sizes, progress });
    if (json) {
      console.log(JSON.stringify({ ...result, startup }, null, 2));
      return;
    }
    console.log(
      `Engine: requirement files of one job each (2 tasks on a job cluster, a schedule, a notification) against the local workspace (official SDK over HTTP); each phase in its own process`,
    );
    console.log(formatRows(reportRows(result, startup)));
    if (!startup) console.log("  (CLI start-up not measured: run npm run build first)");
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!json && !args.includes("--no-retriever")) {
  console.log("");
  execFileSync(process.execPath, [path.join(root, "scripts/bench-retriever.mjs")], { stdio: "inherit" });
}
