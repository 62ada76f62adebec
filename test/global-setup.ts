// Builds dist/ once before the suite so tests that run the real entry points (dist/index.js, dist/cli.js as child
// processes) always exercise the current source.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
