// seeAlso over every field path used by real-world job definitions (../shared/corpus/real-jobs).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readSdkTypes } from "../../src/retriever/corpus.js";
import { getRetriever } from "../../src/retriever/index.js";
import type { SdkType, TypeScriptModule } from "../../src/retriever/sdk-types.js";

const corpusDir = path.resolve("../shared/corpus/real-jobs");
const available = existsSync(corpusDir);
if (!available)
  console.warn(`real-jobs corpus not found at ${corpusDir}; skipping the real-world seeAlso test`);

/** Leaf paths of a settings object: "tasks[].new_cluster.node_type_id". */
function leafPaths(value: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => leafPaths(item, `${prefix}[]`, out));
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) leafPaths(item, prefix ? `${prefix}.${key}` : key, out);
  else out.add(prefix);
  return out;
}

/**
 * Independent oracle: walks the SDK types from JobSettings; returns the "sdk:<type> › <field>" reference the path
 * must get, or undefined when the path is not a valid spec path (unknown or misplaced field).
 */
function expectedSdkRef(types: SdkType[], fieldPath: string): string | undefined {
  const byName = new Map(types.map((type) => [`${type.pkg}.${type.name}`, type]));
  let type = byName.get("jobs.JobSettings");
  const segments = fieldPath.replace(/\[\]/g, "").split(".");
  for (const [position, segment] of segments.entries()) {
    const field = type?.fields.find((candidate) => candidate.name === segment);
    if (!type || !field) return undefined;
    const next = field.refs
      .map((ref) => byName.get(ref))
      .find((candidate) => candidate?.kind === "interface");
    const isMap = /^(Record<|\{ \[)/.test(field.type);
    if (isMap || !next || position === segments.length - 1) {
      // A map's keys are the user's; a scalar must be the last segment.
      return isMap || position === segments.length - 1
        ? `sdk:${type.pkg}.${type.name} › ${segment}`
        : undefined;
    }
    type = next;
  }
  return undefined;
}

describe.skipIf(!available)("seeAlso on real-world job definitions", () => {
  it("gives every field path a reference, and every valid spec path its exact SDK field", () => {
    const require = createRequire(import.meta.url);
    const types = readSdkTypes(
      require("typescript") as TypeScriptModule,
      path.join(path.dirname(require.resolve("@databricks/sdk-experimental")), "apis"),
    );
    const files = readdirSync(corpusDir).filter((name) => name.endsWith(".json"));
    expect(files.length).toBeGreaterThan(10);
    const paths = new Set<string>();
    for (const file of files)
      leafPaths(JSON.parse(readFileSync(path.join(corpusDir, file), "utf8")).settings, "", paths);

    const retriever = getRetriever();
    const wrong: string[] = [];
    const invalid: string[] = [];
    for (const fieldPath of paths) {
      const refs = retriever.seeAlso(fieldPath);
      expect(refs.length, fieldPath).toBeGreaterThan(0);
      const expected = expectedSdkRef(types, fieldPath);
      if (!expected) invalid.push(`${fieldPath} → ${refs.join(" | ")}`);
      else if (!refs.includes(expected))
        wrong.push(`${fieldPath}: expected ${expected}, got ${refs.join(" | ")}`);
    }
    console.log(
      `real-jobs: ${paths.size} distinct field paths in ${files.length} jobs; ${paths.size - invalid.length} valid spec paths, ` +
        `${wrong.length} without their exact SDK field; ${invalid.length} not valid spec paths (answered with their parent):` +
        invalid.map((line) => `\n  ${line}`).join(""),
    );
    expect(paths.size - invalid.length).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });
});
