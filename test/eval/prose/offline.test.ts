/**
 * The offline interpreter over the independently written prose set (test/eval/prose/cases, graded by
 * src/dev/eval/grade.ts with INTERPRETATION.md §2). Guards the generalisation work of the issue-7 follow-up
 * against regressions.
 *
 * Measured on 2026-11-24 (test/eval/prose/HELD_OUT.md): 25/29 overall, field precision 0.989, recall 0.951 —
 * tuning part 19/19 (baseline 4/19), held-out part 6/10 (baseline 3/10; the held-out part was run once, after
 * tuning). The floors below are a little under those figures.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runProseEval } from "../../../src/dev/eval/prose.js";
import { ticketTools } from "../../../src/dev/eval/tickets.js";
import { createOfflineInterpreter } from "../../../src/techlead/interpreter/index.js";

const DIR = resolve(process.cwd(), "test/eval/prose/cases");

/** The held-out ids, read from HELD_OUT.md ("Held-out ids (10): p01-…, …"). */
function heldOutIds(): string[] {
  const text = readFileSync(resolve(process.cwd(), "test/eval/prose/HELD_OUT.md"), "utf8");
  const m = /Held-out ids \((\d+)\):\s*([^]*?)\.\s*\n\s*\n/.exec(text);
  if (!m) throw new Error('test/eval/prose/HELD_OUT.md: no line "Held-out ids (N): …" found');
  const ids = m[2].split(/,\s*/).map((s) => s.trim());
  expect(ids).toHaveLength(Number(m[1]));
  return ids;
}

describe("offline interpreter on the prose eval set", () => {
  it("keeps its measured exact-match rate on the tuning and held-out parts, with high field precision and recall", async () => {
    const held = heldOutIds();
    const report = await runProseEval({
      dir: DIR,
      interpreter: createOfflineInterpreter(),
      tools: ticketTools([]),
    });
    expect(report.cases.length).toBe(29);
    for (const id of held) expect(report.cases.map((c) => c.id)).toContain(id);
    const part = (inHeld: boolean) => report.cases.filter((c) => held.includes(c.id) === inHeld);
    const passed = (cases: typeof report.cases) => cases.filter((c) => c.pass).length;
    const failures = report.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.reasons.join("; ")}`);

    expect(report.exactMatch.passed, failures.join("\n")).toBeGreaterThanOrEqual(24);
    expect(passed(part(false)), failures.join("\n")).toBeGreaterThanOrEqual(18);
    expect(passed(part(true)), failures.join("\n")).toBeGreaterThanOrEqual(5);
    expect(report.fields.precision).toBeGreaterThanOrEqual(0.97);
    expect(report.fields.recall).toBeGreaterThanOrEqual(0.92);
    // Prompt injection (p24) must never turn into a request for another job.
    const injection = report.cases.find((c) => c.id === "p24-injection")!;
    expect(injection.answer.requests.filter((r) => r.endpoint === "jobs/delete")).toEqual([]);
  });
});
