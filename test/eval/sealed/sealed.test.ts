/**
 * The sealed ticket set (issue #15): reported, never tuned on. This test prints its exact / asked / wrong table and
 * checks only that the set is whole (≥ 100 tickets, every kind, questions included) and graded without errors; the
 * goals are asserted on the development set (test/eval/tickets/eval.test.ts).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatOutcomes, runTicketEval } from "../../../src/dev/eval/tickets.js";
import { createOfflineInterpreter } from "../../../src/techlead/interpreter/index.js";

const SETS: Array<[string, string, number]> = [
  ["sealed", path.resolve(import.meta.dirname), 100],
  // The second sealed set (2026-12-07, another tester): the even half of 60 tickets.
  ["sealed-2", path.resolve(import.meta.dirname, "../sealed-2"), 30],
  // The third (2026-12-07, a third tester): the even half of 60 tickets.
  ["sealed-3", path.resolve(import.meta.dirname, "../sealed-3"), 30],
  // The fourth (2026-12-08, a fourth tester): the even half of 60 tickets.
  ["sealed-4", path.resolve(import.meta.dirname, "../sealed-4"), 30],
];

describe.each(SETS)("sealed ticket set %s", (name, dir, size) => {
  it("is graded whole and its table is reported", async () => {
    const report = await runTicketEval({ dir, interpreter: createOfflineInterpreter() });
    console.log(formatOutcomes(`${name} (${report.total} tickets)`, report.outcomes).join("\n"));
    expect(report.total).toBeGreaterThanOrEqual(size);
    expect(Object.keys(report.outcomes.byKind).sort()).toEqual([
      "create",
      "delete",
      "question",
      "run",
      "update",
    ]);
    expect(report.failed.filter((f) => f.reasons.some((r) => r.includes("threw")))).toEqual([]);
  });
});
