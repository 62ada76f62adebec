// The esbuild options of the shipped bundles (dist/), in one place: scripts/build.mjs builds dist/ with them and the
// engine benchmark (scripts/bench.mjs) builds its child process with them, so that the bench measures code compiled
// the way users run it (minified: a smaller source string held by V8, less to parse) rather than a debug build.
import { readFileSync } from "node:fs";
import path from "node:path";

/** `jobagent --version` is the package version, baked in at build time. */
export function packageVersion(root) {
  return JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
}

export function distOptions(root) {
  return {
    bundle: true,
    define: { __JOBAGENT_VERSION__: JSON.stringify(packageVersion(root)) },
    platform: "node",
    target: "node24",
    format: "esm",
    minify: true,
    keepNames: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    // Some dependencies are CommonJS and call require(); give the ESM bundle a require.
    banner: {
      js: "import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);",
    },
  };
}
