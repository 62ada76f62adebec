// dist/licenses.txt (written by scripts/build.mjs; test/global-setup.ts builds dist/ first) names every third-party
// package esbuild puts into the bundles, each with its licence text. The set of packages is computed here
// independently, from a fresh esbuild metafile of both entries.
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const licenses = () => readFileSync("dist/licenses.txt", "utf8");

async function bundledPackages(): Promise<Map<string, { version: string; dir: string }>> {
  const result = await build({
    entryPoints: ["src/index.ts", "src/cli.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    splitting: true,
    outdir: "/nonexistent",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const found = new Map<string, { version: string; dir: string }>();
  for (const output of Object.values(result.metafile.outputs))
    for (const [input, info] of Object.entries(output.inputs)) {
      if (info.bytesInOutput === 0) continue;
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (!match) continue;
      const dir = match[1]!;
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name: string;
        version: string;
      };
      found.set(`${manifest.name}@${manifest.version}`, { version: manifest.version, dir });
    }
  return found;
}

describe("dist/licenses.txt", () => {
  let packages: Map<string, { version: string; dir: string }>;
  beforeAll(async () => {
    packages = await bundledPackages();
  });

  it("lists every bundled package once, and nothing else", () => {
    const headings = [...licenses().matchAll(/^(\S+@\d\S*) — /gm)].map((m) => m[1]);
    expect(new Set(headings).size).toBe(headings.length);
    expect([...headings].sort()).toEqual([...packages.keys()].sort());
    expect(packages.has("@databricks/sdk-experimental@0.17.0")).toBe(true);
  });

  it("carries each package's licence file text", () => {
    const text = licenses();
    const sdk = readFileSync(
      path.join(packages.get("@databricks/sdk-experimental@0.17.0")!.dir, "LICENSE"),
      "utf8",
    );
    expect(text).toContain(sdk.trim());
    const withoutFile = [...text.matchAll(/^(\S+@\d\S*) — .*\n=+\n\(no licence file/gm)].map((m) => m[1]);
    expect(withoutFile.length).toBeLessThanOrEqual(2); // reported as the licence package.json declares
  });
});
