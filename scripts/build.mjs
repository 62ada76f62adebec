// Bundles the action entry (dist/index.js) and the CLI (dist/cli.js) with esbuild.
// Output is deterministic so CI can check that the committed dist/ is up to date.
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// `jobagent --version` is the package version, baked in at build time.
const { version } = JSON.parse(readFileSync("package.json", "utf8"));

const common = {
  bundle: true,
  define: { __JOBAGENT_VERSION__: JSON.stringify(version) },
  platform: "node",
  target: "node24",
  format: "esm",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // Some dependencies are CommonJS and call require(); give the ESM bundle a require.
  banner: {
    js: "import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);",
  },
};

await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" });
await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli.js",
  banner: { js: "#!/usr/bin/env node\n" + common.banner.js },
});

// Extra build steps contributed by components (e.g. the retriever's prebuilt index).
for (const step of ["scripts/build-docs-index.mjs"]) {
  if (existsSync(step)) await import(pathToFileURL(step).href);
}
