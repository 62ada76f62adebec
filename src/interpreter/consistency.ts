import type { Diagnostic, Interpretation, JobSettings, WorkItem } from "../domain/model.js";
import type { RequirementDoc } from "../techlead/types.js";
export function checkConsistencyImpl(doc: RequirementDoc, item: WorkItem, desired: JobSettings): Diagnostic[] {
  void doc; void item; void desired;
  return [];
}
export function compareInterpretations(a: Interpretation, b: Interpretation): Diagnostic[] {
  void a; void b;
  return [];
}
