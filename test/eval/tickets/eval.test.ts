import path from "node:path";
import { describe, expect, it } from "vitest";
import { runTicketEval } from "../../../src/dev/eval/tickets.js";
import { createOfflineInterpreter } from "../../../src/techlead/interpreter/index.js";

const DIR = path.resolve(import.meta.dirname);

describe("offline interpreter on the labelled ticket set (INTERPRETATION.md §2 grading)", () => {
  it("meets the measured pass rates (tuning ≥ 95 %, held-out ≥ 85 %)", async () => {
    const report = await runTicketEval({ dir: DIR, interpreter: createOfflineInterpreter() });
    console.log(
      JSON.stringify(
        {
          total: report.total,
          passed: report.passed,
          tuning: { passed: report.tuning.passed, total: report.tuning.total },
          heldOut: report.heldOut,
          byKind: report.byKind,
          fields: report.fields,
        },
        null,
        1,
      ),
    );
    expect(report.total).toBeGreaterThanOrEqual(60);
    expect(report.heldOut.total).toBeGreaterThanOrEqual(15);
    expect(report.tuning.passed / report.tuning.total).toBeGreaterThanOrEqual(0.95);
    expect(report.heldOut.passed / report.heldOut.total).toBeGreaterThanOrEqual(0.85);
    expect(report.fields.recall).toBeGreaterThanOrEqual(0.9);
  });
});
