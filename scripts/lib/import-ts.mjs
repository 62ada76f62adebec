// Imports a TypeScript module from src/ in a plain Node script: bundles it with esbuild into a temporary ESM file
// (with a require() for CommonJS dependencies), imports it, and removes the file when `use` returns.
import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { distOptions } from "./esbuild-options.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Bundles a TypeScript entry of src/ into `<dir>/<name>.mjs` (see withTsModule) and returns the file's path. With
 * `{ shipped: true }` it is built with the options of dist/ (minified, the package version baked in): for code whose
 * speed or memory is measured.
 */
export async function bundleTs(entry, dir, { shipped = false } = {}) {
  const file = path.join(dir, `${path.basename(entry, ".ts")}.mjs`);
  writeFileSync(file, await bundleText(entry, shipped ? distOptions(root) : undefined));
  return file;
}

async function bundleText(entry, options) {
  const bundled = await build({
    ...(options ?? {
      bundle: true,
      platform: "node",
      target: "node24",
      format: "esm",
      logLevel: "warning",
      banner: {
        js: "import { createRequire as __tsModuleCreateRequire } from 'node:module'; const require = __tsModuleCreateRequire(import.meta.url);",
      },
    }),
    entryPoints: [path.join(root, entry)],
    write: false,
  });
  return bundled.outputFiles[0].text;
}

export async function withTsModule(entry, use) {
  const text = await bundleText(entry);
  const dir = mkdtempSync(path.join(os.tmpdir(), "jobagent-script-"));
  // Interrupted (Ctrl-C, a kill), the script still leaves no temporary directory behind.
  const onSignal = (signal) => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const file = path.join(dir, `${path.basename(entry, ".ts")}.mjs`);
    writeFileSync(file, text);
    return await use(await import(pathToFileURL(file).href));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    rmSync(dir, { recursive: true, force: true });
  }
}
