/**
 * Real-world job definitions (../shared/corpus/real-jobs, read at runtime, never copied): jobs whose `suspect` list
 * is empty validate with no errors; suspect ones produce the errors their notes imply (where checkable).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateJobSettings } from "../../src/worker/validate/index.js";

const CORPUS = path.resolve(process.cwd(), "../shared/corpus/real-jobs");
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus not found at ${CORPUS}: skipping the real-jobs corpus tests`);

interface CorpusJob {
  settings: unknown;
  suspect: string[];
}

const files = present
  ? readdirSync(CORPUS)
      .filter((f) => f.endsWith(".json"))
      .sort()
  : [];
const load = (f: string): CorpusJob => JSON.parse(readFileSync(path.join(CORPUS, f), "utf8")) as CorpusJob;

/** What a suspect note implies, as (diagnostic code, path fragment); undefined when not checkable offline. */
function expectation(note: string): { code: string; path?: string } | undefined {
  let m = /^settings\.(\S+): unknown field/.exec(note);
  if (m) return { code: "schema.unknown-field", path: m[1].split(".").pop() };
  m = /^settings\.(\S+): expected (string|integer|array), got/.exec(note);
  if (m) return { code: "schema.type", path: m[1].split(".").pop() };
  m = /^settings\.(\S+): output-only field/.exec(note);
  if (m) return { code: "schema.unknown-field", path: m[1] };
  if (/both num_workers and autoscale set/.test(note)) return { code: "semantic.cluster-size-conflict" };
  if (/no task type set/.test(note)) return { code: "semantic.task-type-missing" };
  if (/without cluster or environment_key/.test(note)) return { code: "semantic.compute-missing" };
  if (/environment_key together with classic compute/.test(note))
    return { code: "semantic.compute-conflict" };
  if (/relative path .* with WORKSPACE source/.test(note)) return { code: "semantic.relative-path" };
  m = /depends_on unknown task_key '([^']+)'/.exec(note);
  if (m) return { code: "semantic.dependency-unknown" };
  if (/is defined but not referenced by any task/.test(note)) return { code: "semantic.job-cluster-unused" };
  m = /^settings\.(\S+): empty string/.exec(note);
  if (m && !m[1].includes("base_parameters")) return { code: "schema.empty", path: m[1].split(".").pop() };
  return undefined; // e.g. "original text is not valid JSON", blank base_parameters values, 2.0-format summaries
}

describe.skipIf(!present)("real-world corpus", () => {
  const clean = files.filter((f) => load(f).suspect.length === 0);
  const suspect = files.filter((f) => load(f).suspect.length > 0);

  it("has both clean and suspect jobs", () => {
    expect(clean.length).toBeGreaterThan(50);
    expect(suspect.length).toBeGreaterThan(10);
  });

  it.each(clean)("%s validates with no errors", (f) => {
    const diags = validateJobSettings(load(f).settings, { file: f }).filter((d) => d.severity === "error");
    expect(diags.map((d) => `${d.code} ${d.path}: ${d.message}`)).toEqual([]);
  });

  it.each(suspect)("%s reports what its suspect notes imply", (f) => {
    const job = load(f);
    const diags = validateJobSettings(job.settings, { file: f }).filter((d) => d.severity === "error");
    expect(diags.length).toBeGreaterThan(0);
    for (const note of job.suspect) {
      const want = expectation(note);
      if (!want) continue;
      const hit = diags.find(
        (d) => d.code === want.code && (want.path === undefined || d.path.includes(want.path)),
      );
      expect(
        hit,
        `${f}: note "${note}" should give ${want.code}${want.path ? ` at *${want.path}*` : ""}; got ${diags.map((d) => `${d.code}@${d.path}`).join(", ")}`,
      ).toBeDefined();
      expect(hit!.file).toBe(f);
      expect(hit!.fix.length).toBeGreaterThan(5);
    }
  });
});
