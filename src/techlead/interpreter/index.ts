/**
 * The deterministic offline interpreter (INTERPRETATION.md conventions) and the requirement-vs-plan
 * consistency check. See docs/interpreter.md.
 */
import type { Diagnostic, JobSettings, WorkItem } from "../../domain/model.js";
import type { ProseInterpreter, RequirementDoc } from "../types.js";
import { checkConsistencyImpl } from "./consistency.js";
import { interpretOffline } from "./interpret.js";

export { compareInterpretations } from "./consistency.js";
export { toApiRequests } from "./requests.js";

/** The deterministic offline interpreter (INTERPRETATION.md conventions). */
export function createOfflineInterpreter(): ProseInterpreter {
  return { kind: "interpreter", interpret: interpretOffline };
}

/**
 * Requirement-vs-plan consistency: what the requirement's words say vs. the spec that will be applied, on the
 * fields both cover. Returns warnings (code "consistency.*") quoting the words and naming the field.
 */
export function checkConsistency(doc: RequirementDoc, item: WorkItem, desired: JobSettings): Diagnostic[] {
  return checkConsistencyImpl(doc, item, desired);
}
