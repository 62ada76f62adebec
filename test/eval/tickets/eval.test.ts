import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatOutcomes, runTicketEval } from "../../../src/dev/eval/tickets.js";
import { createOfflineInterpreter } from "../../../src/techlead/interpreter/index.js";

const DIR = path.resolve(import.meta.dirname);

describe("offline interpreter on the labelled ticket set (INTERPRETATION.md §2 grading)", () => {
  it("meets the measured pass rates and the issue-15 goals on both parts of the development set", async () => {
    const report = await runTicketEval({ dir: DIR, interpreter: createOfflineInterpreter() });
    console.log(
      [
        ...formatOutcomes("tuning", report.tuning.outcomes),
        ...formatOutcomes("held-out", report.heldOut.outcomes),
      ].join("\n"),
    );
    expect(report.total).toBeGreaterThanOrEqual(80);
    expect(report.heldOut.total).toBeGreaterThanOrEqual(15);
    // Session 3 added tickets in new styles that the interpreter asks about (never answers wrongly): the exact
    // rate is lower, precision below is the goal that must hold.
    expect(report.tuning.passed / report.tuning.total).toBeGreaterThanOrEqual(0.9);
    expect(report.heldOut.passed / report.heldOut.total).toBeGreaterThanOrEqual(0.85);
    expect(report.fields.recall).toBeGreaterThanOrEqual(0.9);
    for (const part of [report.tuning, report.heldOut]) {
      // When it answers it is right; it answers most answerable tickets; it asks on every ticket needing a question.
      expect(part.outcomes.precision).toBeGreaterThanOrEqual(0.95);
      expect(part.outcomes.answered).toBeGreaterThanOrEqual(0.6);
      expect(part.outcomes.askedWhenNeeded).toBe(1);
    }
  });
});
