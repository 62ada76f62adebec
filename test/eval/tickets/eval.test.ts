import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatOutcomes, runTicketEval } from "../../../src/dev/eval/tickets.js";
import { createOfflineInterpreter } from "../../../src/techlead/interpreter/index.js";

const DIR = path.resolve(import.meta.dirname);
const BATCH3_PASSED = 65;
const BATCH3_PRECISION = 0.97;
const BATCH4_PASSED = 18;
const BATCH4_PRECISION = 0.95;
const BATCH5_PASSED = 27;
const BATCH5_PRECISION = 0.95;
const BATCH6_PASSED = 13;
const BATCH6_PRECISION = 0.95;

describe("offline interpreter on the labelled ticket set (INTERPRETATION.md §2 grading)", () => {
  it("meets the measured pass rates and the issue-15 goals on every part of the development set", async () => {
    const report = await runTicketEval({ dir: DIR, interpreter: createOfflineInterpreter() });
    console.log(
      Object.entries(report.parts)
        .flatMap(([name, part]) => formatOutcomes(name, part.outcomes))
        .join("\n"),
    );
    expect(report.total).toBeGreaterThanOrEqual(80);
    expect(report.heldOut.total).toBeGreaterThanOrEqual(15);
    const { tuning, "held-out": heldOut, "batch-2": batch2 } = report.parts;
    // Session 3 added tickets in new styles that the interpreter asks about (never answers wrongly): the exact
    // rate is lower, precision below is the goal that must hold.
    expect(tuning.passed / tuning.total).toBeGreaterThanOrEqual(0.9);
    expect(heldOut.passed / heldOut.total).toBeGreaterThanOrEqual(0.85);
    for (const part of [tuning, heldOut]) expect(part.fields.recall).toBeGreaterThanOrEqual(0.9);
    // batch-2 (issue #15, written before the changes it measures; create tickets take their expectation from the
    // real-jobs corpus, skipped where the corpus is absent): measured 52/65 exact, precision 1.000, answered 75.5 %.
    if (report.skipped.length === 0) {
      expect(batch2.total).toBe(65);
      expect(batch2.passed / batch2.total).toBeGreaterThanOrEqual(0.75);
    }
    // batch-3 (2026-12-07, two testers who had not seen the code; 20/89 exact and precision 0.245 when committed):
    // held to what the interpreter now reaches on it, so that it only moves up (59/89, precision 0.977 after the silently-wrong fixes, day names, task tables, names in titles, months, concurrency).
    const batch3 = report.parts["batch-3"];
    expect(batch3.total).toBe(89);
    expect(batch3.passed).toBeGreaterThanOrEqual(BATCH3_PASSED);
    expect(batch3.outcomes.precision).toBeGreaterThanOrEqual(BATCH3_PRECISION);
    // batch-4 (2026-12-07, the development half of another tester's set; 6/30 exact and precision 0.333 when
    // committed): held to what the interpreter reaches on it, so that it only moves up (17/30, precision 1.000 after the batch-4 phrasings; the sealed half did not move: 8/30).
    const batch4 = report.parts["batch-4"];
    if (report.skipped.length === 0) expect(batch4.total).toBe(30);
    expect(batch4.passed).toBeGreaterThanOrEqual(BATCH4_PASSED);
    expect(batch4.outcomes.precision).toBeGreaterThanOrEqual(BATCH4_PRECISION);
    // batch-5 (2026-12-07, the development half of a third tester's set; 7/30 exact and precision 0.667 when
    // committed, on the interpreter of 0b6d95f): held to what the interpreter reaches on it, so that it only moves up
    // (27/30, precision 1.000 after the batch-5 readings; the sealed half did not move: 9/30).
    const batch5 = report.parts["batch-5"];
    expect(batch5.total).toBe(30);
    expect(batch5.passed).toBeGreaterThanOrEqual(BATCH5_PASSED);
    expect(batch5.outcomes.precision).toBeGreaterThanOrEqual(BATCH5_PRECISION);
    // batch-6 (2026-12-08, the development half of a fourth tester's set; 5/30 exact and precision 0.333 when
    // committed, on the interpreter of 8994853): held to what the interpreter reaches on it, so that it only moves up
    // (13/30, precision 1.000 after the batch-6 readings; the sealed half did not move: 7/30).
    const batch6 = report.parts["batch-6"];
    expect(batch6.total).toBe(30);
    expect(batch6.passed).toBeGreaterThanOrEqual(BATCH6_PASSED);
    expect(batch6.outcomes.precision).toBeGreaterThanOrEqual(BATCH6_PRECISION);
    for (const [name, part] of Object.entries(report.parts)) {
      if (["batch-3", "batch-4", "batch-5", "batch-6"].includes(name)) continue;
      // When it answers it is right; it answers most answerable tickets; it asks on every ticket needing a question.
      expect(part.outcomes.precision).toBeGreaterThanOrEqual(0.95);
      expect(part.outcomes.answered).toBeGreaterThanOrEqual(0.6);
      expect(part.outcomes.askedWhenNeeded).toBe(1);
    }
  });
});
