// The task state machine as a table: every (from, to) pair of the six states, legal or not, through the exported
// API (isLegalTransition and transition, which records history or throws IllegalTransitionError).
import { describe, expect, it } from "vitest";
import {
  IllegalTransitionError,
  isLegalTransition,
  TASK_STATES,
  transition,
  type TaskRecord,
  type TaskState,
} from "../../src/state/task-file.js";

// from → the states it may move to (besides itself: re-recording the same state is always legal).
const LEGAL: Record<TaskState, TaskState[]> = {
  PENDING: ["PLANNED", "BLOCKED"],
  PLANNED: ["PENDING", "IN_PROGRESS", "BLOCKED", "COMPLETE"],
  IN_PROGRESS: ["COMPLETE", "FAILED", "PLANNED", "PENDING"],
  COMPLETE: ["PENDING", "PLANNED"],
  FAILED: ["PENDING", "PLANNED", "BLOCKED", "IN_PROGRESS"],
  BLOCKED: ["PENDING", "PLANNED"],
};

function task(status: TaskState): TaskRecord {
  return { id: "core.orders", status, history: [] } as unknown as TaskRecord;
}

const pairs = TASK_STATES.flatMap((from) => TASK_STATES.map((to) => [from, to] as const));

describe("task state transitions", () => {
  it("knows exactly the six states", () => {
    expect([...TASK_STATES].sort()).toEqual(Object.keys(LEGAL).sort());
  });

  it.each(pairs)("%s → %s", (from, to) => {
    const legal = from === to || LEGAL[from].includes(to);
    expect(isLegalTransition(from, to)).toBe(legal);
    const at = new Date("2026-01-02T03:04:05Z");
    if (legal) {
      const next = transition(task(from), to, "worker", at, "why");
      expect(next.status).toBe(to);
      expect(next.history).toEqual([{ at: at.toISOString(), from, to, by: "worker", note: "why" }]);
    } else {
      expect(() => transition(task(from), to, "worker", at)).toThrow(IllegalTransitionError);
      expect(() => transition(task(from), to, "worker", at)).toThrow(
        `illegal state transition ${from} → ${to}`,
      );
    }
  });
});
