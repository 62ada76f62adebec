/**
 * The second sealed ticket set (2026-12-07, another tester): reported, never tuned on. This test prints its exact /
 * asked / wrong table and checks only that the set is whole (30 tickets, every kind, questions included) and graded
 * without errors; the goals are asserted on the development set (test/eval/tickets/eval.test.ts).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatOutcomes, runTicketEval } from "../../../src/dev/eval/tickets.js";
import { createOfflineInterpreter } from "../../../src/techlead/interpreter/index.js";

const DIR = path.resolve(import.meta.dirname);

describe("second sealed ticket set", () => {
  it("is graded whole and its table is reported", async () => {
    const report = await runTicketEval({ dir: DIR, interpreter: createOfflineInterpreter() });
    console.log(formatOutcomes(`sealed-2 (${report.total} tickets)`, report.outcomes).join("\n"));
    expect(report.total).toBe(30);
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
