/**
 * CONTRACT STUB (owned by the LLM Tech Lead helper; replace the bodies, keep the signatures).
 */
import type { ProseInterpreter, LlmSettings } from "../types.js";

export function createLlmInterpreter(settings: LlmSettings): ProseInterpreter {
  void settings;
  throw new Error("not implemented");
}
