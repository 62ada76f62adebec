// The one transition table of task states: every pair of states is either allowed (and transition() records it in
// the history) or forbidden (and transition() throws IllegalTransitionError naming the task and both states).
import { describe, expect, it } from "vitest";
import {
  HISTORY_LIMIT,
  IllegalTransitionError,
  TASK_STATES,
  transition,
  type TaskRecord,
  type TaskState,
} from "../../src/state/task-file.js";

const ALLOWED: Record<TaskState, TaskState[]> = {
  PENDING: ["PENDING", "PLANNED", "BLOCKED", "IN_PROGRESS"],
  PLANNED: ["PLANNED", "PENDING", "IN_PROGRESS", "BLOCKED", "COMPLETE"],
  IN_PROGRESS: ["IN_PROGRESS", "COMPLETE", "FAILED", "PLANNED", "PENDING", "BLOCKED"],
  COMPLETE: ["COMPLETE", "PENDING", "PLANNED", "BLOCKED"],
  FAILED: ["FAILED", "PENDING", "PLANNED", "BLOCKED", "IN_PROGRESS"],
  BLOCKED: ["BLOCKED", "PENDING", "PLANNED"],
};

function task(status: TaskState): TaskRecord {
  return {
    id: "orders.main",
    requirement: "jobs/orders.md",
    key: "main",
    action: "create",
    status,
    priority: 100,
    depends_on: [],
    source: "structured",
    requirement_hash: "r",
    spec_hash: "s",
    attempts: 0,
    spec: {},
    history: [],
  };
}

const at = new Date("2026-12-06T12:00:00Z");
const pairs = TASK_STATES.flatMap((from) => TASK_STATES.map((to) => [from, to] as const));

describe("task state transitions", () => {
  it.each(pairs)("%s → %s", (from, to) => {
    if (ALLOWED[from].includes(to)) {
      const next = transition(task(from), to, "test", at, "why");
      expect(next.status).toBe(to);
      expect(next.history.at(-1)).toEqual({ at: at.toISOString(), from, to, by: "test", note: "why" });
    } else {
      expect(() => transition(task(from), to, "test", at)).toThrow(IllegalTransitionError);
      expect(() => transition(task(from), to, "test", at)).toThrow(
        `Task orders.main: illegal state transition ${from} → ${to}`,
      );
    }
  });

  it("keeps the newest HISTORY_LIMIT transitions in the task file, oldest first", () => {
    let t = task("PENDING");
    for (let i = 0; i < HISTORY_LIMIT + 10; i++)
      t = transition(
        t,
        i % 2 === 0 ? "PLANNED" : "PENDING",
        "test",
        new Date(at.getTime() + i * 1000),
        `step ${i}`,
      );
    expect(t.history).toHaveLength(HISTORY_LIMIT);
    expect(t.history[0]?.note).toBe("step 10");
    expect(t.history.at(-1)?.note).toBe(`step ${HISTORY_LIMIT + 9}`);
    expect(t.status).toBe("PENDING");
  });

  it("forbids reaching an outcome without applying, and applying without planning", () => {
    const forbidden = pairs.filter(([from, to]) => !ALLOWED[from].includes(to)).map((p) => p.join("→"));
    expect(forbidden.sort()).toEqual(
      [
        "BLOCKED→COMPLETE",
        "BLOCKED→FAILED",
        "BLOCKED→IN_PROGRESS",
        "COMPLETE→FAILED",
        "COMPLETE→IN_PROGRESS",
        "FAILED→COMPLETE",
        "PENDING→COMPLETE",
        "PENDING→FAILED",
        "PLANNED→FAILED",
      ].sort(),
    );
  });
});
