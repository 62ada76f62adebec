/**
 * Every file in test/fixtures/bad has one problem (its name says which). Loaded from disk with loadRequirements,
 * interpreted and validated like the engine does; each must give the expected code at the expected file, field path
 * and line, with a fix, and never echo a secret. Expectations: test/fixtures/bad/expected.json.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/domain/model.js";
import { loadRequirements } from "../../src/techlead/requirements/index.js";
import { validateRequirement } from "../../src/worker/validate/index.js";

interface Expected {
  code: string;
  path: string;
  line: number;
  fix: string;
  message?: string;
  secret?: string;
}

const fixtures = path.resolve("test/fixtures");
const expected = JSON.parse(await readFile(path.join(fixtures, "bad", "expected.json"), "utf8")) as Record<
  string,
  Expected
>;

async function diagnosticsByFile(): Promise<Map<string, Diagnostic[]>> {
  const { docs, diagnostics } = await loadRequirements(fixtures, "bad");
  const out = new Map<string, Diagnostic[]>();
  const add = (d: Diagnostic) => out.set(d.file ?? "", [...(out.get(d.file ?? "") ?? []), d]);
  diagnostics.forEach(add);
  for (const doc of docs) validateRequirement(doc).diagnostics.forEach(add);
  return out;
}
const all = await diagnosticsByFile();

describe("bad requirement files", () => {
  it("there are at least 30, each listed in expected.json", async () => {
    const { readdir } = await import("node:fs/promises");
    const files = (await readdir(path.join(fixtures, "bad"))).filter((f) => f.endsWith(".md")).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(Object.entries(expected))("%s → %s", (name, want) => {
    const file = `bad/${name}`;
    const errors = (all.get(file) ?? []).filter((d) => d.severity === "error");
    expect(errors.length, `${file} gave no error`).toBeGreaterThan(0);
    const hit = errors.find((d) => d.code === want.code && d.path === want.path);
    expect(
      hit,
      `${file}: want ${want.code} at ${want.path}; got ${errors.map((d) => `${d.code}@${d.path}`).join(", ")}`,
    ).toBeDefined();
    expect(hit!.file).toBe(file);
    expect(hit!.line).toBe(want.line);
    expect(hit!.message).toContain(file);
    expect(hit!.fix).toContain(want.fix);
    if (want.message) expect(hit!.message).toContain(want.message);
    if (want.secret) {
      // The secret is refused, but never repeated in any diagnostic of that file.
      expect(JSON.stringify(all.get(file))).not.toContain(want.secret);
      expect(String(hit!.value)).toMatch(/^\[redacted /);
    }
  });
});

describe("size limits", () => {
  it("a huge requirement file is refused with a clean error, not parsed", async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), "huge-"));
    try {
      await mkdir(path.join(repo, "jobs"));
      await writeFile(
        path.join(repo, "jobs", "huge.md"),
        `---\njob:\n  name: huge\n---\n${"x".repeat(2 * 1024 * 1024)}\n`,
      );
      await writeFile(path.join(repo, "jobs", "fine.md"), "Just prose.\n");
      const { docs, diagnostics } = await loadRequirements(repo, "jobs");
      expect(docs.map((d) => d.file)).toEqual(["jobs/fine.md"]);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ code: "requirement.too-large", file: "jobs/huge.md", line: 1 });
      expect(diagnostics[0].fix).toContain("split");
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it("a huge front matter is refused", async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), "hugefm-"));
    try {
      await mkdir(path.join(repo, "jobs"));
      const tags = Array.from({ length: 20000 }, (_, i) => `    tag_${i}: value_${i}`).join("\n");
      await writeFile(path.join(repo, "jobs", "big.md"), `---\njob:\n  name: big\n  tags:\n${tags}\n---\n`);
      const { docs, diagnostics } = await loadRequirements(repo, "jobs");
      expect(docs).toEqual([]);
      expect(diagnostics[0]).toMatchObject({ code: "requirement.too-large", file: "jobs/big.md" });
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
