// What each entry loads at start (the entry and the chunks it imports statically) against what it loads only
// when a run needs it (dynamic import), from the esbuild metafile of the same build options as scripts/build.mjs.
import { statSync } from "node:fs";
import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    splitting: true,
    outdir: "/nonexistent",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return result.metafile;
}

/** The source inputs (files) of an output and every chunk it imports statically. */
function loadedWith(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]!.imports)
      if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(output);
  return [...seen].flatMap((file) => Object.keys(metafile.outputs[file]!.inputs));
}

/**
 * What an entry loads at start: its output and the chunks it imports statically, and, with `first`, the chunk of a
 * module it imports dynamically before anything else (the CLI entry checks the Node version, then imports
 * src/cli/main.ts) with that chunk's static imports.
 */
function loadedAtStart(metafile: Metafile, entryPoint: string, first?: string): string[] {
  const outputs = Object.keys(metafile.outputs);
  const entry = outputs.find((o) => metafile.outputs[o]!.entryPoint === entryPoint)!;
  const chunk = first ? outputs.find((o) => metafile.outputs[o]!.inputs[first] !== undefined) : undefined;
  if (first && !chunk) throw new Error(`${first} is in no output of ${entryPoint}`);
  return [...new Set([...loadedWith(metafile, entry), ...(chunk ? loadedWith(metafile, chunk) : [])])];
}

describe("lazy loading", () => {
  let action: string[];
  let cli: string[];
  beforeAll(async () => {
    [action, cli] = await Promise.all([
      metafileOf("src/index.ts").then((m) => loadedAtStart(m, "src/index.ts")),
      metafileOf("src/cli.ts").then((m) => loadedAtStart(m, "src/cli.ts", "src/cli/main.ts")),
    ]);
  });

  it("the action does not load the LLM client or dev tools until a requirement needs them", () => {
    expect(action.filter((f) => f.includes("node_modules/openai/"))).toEqual([]);
    expect(action.filter((f) => f.startsWith("src/techlead/llm/index.ts"))).toEqual([]);
    expect(action.filter((f) => f.startsWith("src/dev/"))).toEqual([]);
    expect(action.some((f) => f.includes("sdk-experimental/dist/apis/jobs/"))).toBe(true);
  });

  it("the CLI's --help loads no SDK, LLM client, retriever or engine", () => {
    for (const heavy of [
      "node_modules/@databricks/",
      "node_modules/openai/",
      "src/retriever/",
      "src/engine/",
      "src/dev/",
    ])
      expect(cli.filter((f) => f.includes(heavy))).toEqual([]);
    expect(cli).toContain("src/settings/read.ts");
  });

  it("imports only the SDK services it calls (no WorkspaceClient with every API)", () => {
    expect(
      action.filter((f) => /sdk-experimental\/dist\/(WorkspaceClient|apis\/(catalog|ml|serving))/.test(f)),
    ).toEqual([]);
  });

  it("keeps dist/index.js within 3 MB", () => {
    expect(statSync("dist/index.js").size).toBeLessThanOrEqual(3 * 1024 * 1024);
  });
});
