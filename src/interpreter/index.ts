/**
 * CONTRACT STUB (owned by the interpreter helper; replace the bodies, keep the signatures).
 */
import type { Diagnostic, JobSettings, WorkItem } from "../domain/model.js";
import type { ProseInterpreter, RequirementDoc } from "../techlead/types.js";

/** The deterministic offline interpreter (INTERPRETATION.md conventions). */
export function createOfflineInterpreter(): ProseInterpreter {
  throw new Error("not implemented");
}

/**
 * Requirement-vs-plan consistency: what the requirement's words say vs. the spec that will be applied, on the
 * fields both cover. Returns warnings (code "consistency.*") quoting the words and naming the field.
 */
export function checkConsistency(doc: RequirementDoc, item: WorkItem, desired: JobSettings): Diagnostic[] {
  void doc;
  void item;
  void desired;
  return [];
}
