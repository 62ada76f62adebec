// Start-up of the CLI beside a bare Node, measured in the same run: `jobagent --help` vs `node -e 0` (median wall
// time of interleaved runs), and the bundle sizes. Used by `npm run bench`.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function wallMs(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: "ignore" });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function measureStartup(root, runs = 15) {
  const cli = path.join(root, "dist/cli.js");
  if (!existsSync(cli)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  const help = [];
  const bare = [];
  wallMs([cli, "--help"]); // warm the file cache
  for (let i = 0; i < runs; i++) {
    bare.push(wallMs(["-e", "0"]));
    help.push(wallMs([cli, "--help"]));
  }
  return { runs, helpMs: median(help), nodeMs: median(bare), ratio: median(help) / median(bare) };
}

export function bundleSizes(root) {
  const size = (file) => statSync(path.join(root, "dist", file)).size;
  const chunksDir = path.join(root, "dist/chunks");
  const chunks = existsSync(chunksDir) ? readdirSync(chunksDir).map((f) => size(`chunks/${f}`)) : [];
  return {
    indexJs: size("index.js"),
    cliJs: size("cli.js"),
    chunks: chunks.reduce((a, b) => a + b, 0),
    chunkCount: chunks.length,
  };
}
