/**
 * The consistency check must not cry wolf: every example requirement in this repository (hand-checked: its words
 * agree with its structured block) produces no consistency warning, through the same path the engine uses
 * (interpretStructured → work items → checkConsistency with the settings the plan would apply).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JobSettings, WorkItem } from "../../src/domain/model.js";
import { applyUpdateRequest } from "../../src/domain/plan.js";
import { withOwnership } from "../../src/engine/ownership.js";
import { checkConsistency } from "../../src/interpreter/index.js";
import { interpretStructured, parseRequirement } from "../../src/requirements/index.js";
import type { RequirementDoc } from "../../src/techlead/types.js";

const root = join(import.meta.dirname, "..", "..");
const files = ["jobs", "docs/examples"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `${dir}/${f}`),
);

/** The settings the plan would apply for an item: created jobs carry the ownership tags; a patch is applied to the job. */
export function desiredOf(item: WorkItem): JobSettings | undefined {
  if (item.settings) return withOwnership(item.settings, "acme/jobs", `${item.key}-task`);
  if (item.patch) return applyUpdateRequest({ name: item.target?.name, tasks: [] }, item.patch);
  return undefined;
}

export function loadExample(file: string): { doc: RequirementDoc; items: WorkItem[] } {
  const { doc, diagnostics } = parseRequirement(file, readFileSync(join(root, file), "utf8"));
  if (!doc) throw new Error(`${file}: ${diagnostics.map((d) => d.message).join("; ")}`);
  return { doc, items: interpretStructured(doc)?.items ?? [] };
}

describe("consistency check on the repository's own example requirements", () => {
  it("finds the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of files) {
    it(`${file}: no warning (its words agree with its structured block)`, () => {
      const { doc, items } = loadExample(file);
      const warnings = items.flatMap((item) => {
        const desired = desiredOf(item);
        return desired ? checkConsistency(doc, item, desired).map((d) => `${item.key}: ${d.code} ${d.message}`) : [];
      });
      expect(warnings).toEqual([]);
    });
  }
});
