/**
 * CONTRACT STUB (owned by the requirements/validation helper; replace the body, keep the signature).
 * The Jobs service's own semantic rules, pure. Used by the validator (before any API call) AND by the local
 * workspace server (which answers 400 INVALID_PARAMETER_VALUE with `message`, as the real service does).
 */
import type { JobSettings } from "./model.js";

export interface RuleViolation {
  /** Stable code, e.g. "semantic.task-key-pattern", "semantic.cycle", "semantic.cron". */
  code: string;
  /** Field path, e.g. "tasks[ingest].depends_on[0].task_key". */
  path: string;
  value?: unknown;
  /** Phrased like the service's error message. */
  message: string;
  /** How to fix it. */
  fix: string;
}

export function checkJobRules(settings: JobSettings): RuleViolation[] {
  void settings;
  return [];
}
