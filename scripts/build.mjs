// Bundles the action entry (dist/index.js) and the CLI (dist/cli.js) with esbuild, writes dist/licenses.txt (the
// bundled packages' licence texts) and prints the bundle sizes. Output is deterministic so CI can check that the
// committed dist/ is up to date: no source maps, content-hashed chunk names, sorted licences.
// Heavy modules behind a dynamic import() (the LLM client, the engine for the CLI, the local workspace) become
// separate chunks next to the entries, loaded only when a run needs them.
import { build } from "esbuild";
import { existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { bundledPackageDirs, renderLicenses } from "./lib/licenses.mjs";
import { distOptions } from "./lib/esbuild-options.mjs";

const root = process.cwd();

const common = {
  ...distOptions(root),
  splitting: true,
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  metafile: true,
};

rmSync("dist/chunks", { recursive: true, force: true });

const action = await build({ ...common, entryPoints: { index: "src/index.ts" } });
const cli = await build({
  ...common,
  entryPoints: { cli: "src/cli.ts" },
  banner: { js: "#!/usr/bin/env node\n" + common.banner.js },
});

const dirs = bundledPackageDirs([action.metafile, cli.metafile]);
writeFileSync("dist/licenses.txt", renderLicenses(root, dirs));

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const loaded = (metafile, entry) => {
  // The entry plus the chunks it imports statically: what starting it parses.
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? [])
      if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen].reduce((sum, file) => sum + metafile.outputs[file].bytes, 0);
};
const total = (metafile) => Object.values(metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(
  `bundles: dist/index.js ${mb(statSync("dist/index.js").size)} (loaded at start ${mb(loaded(action.metafile, "dist/index.js"))}, ` +
    `with lazy chunks ${mb(total(action.metafile))}); dist/cli.js ${mb(statSync("dist/cli.js").size)} ` +
    `(loaded at start ${mb(loaded(cli.metafile, "dist/cli.js"))}, with lazy chunks ${mb(total(cli.metafile))}); ` +
    `dist/licenses.txt: ${dirs.length} package folders`,
);

// Extra build steps contributed by components (e.g. the retriever's prebuilt index).
for (const step of ["scripts/build-docs-index.mjs"]) {
  if (existsSync(step)) await import(pathToFileURL(step).href);
}
