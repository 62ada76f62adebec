/** Typed failures: lower layers throw these; main.ts turns them into `core.setFailed` + the `failure-reason` output. */
import type { FailureReason } from "../engine/api.js";

/**
 * Values of the `failure-reason` output (documented in action.yml):
 * the engine's reasons plus `plan-failed` (the plan could not be computed: workspace or GitHub unreachable, a bug),
 * `drift-detected` (drift check with `fail-on-drift: true`) and `git-push-failed` (task files could not be pushed).
 */
export type ActionFailureReason = FailureReason | "plan-failed" | "drift-detected" | "git-push-failed";

export const FAILURE_REASONS: readonly ActionFailureReason[] = [
  "validation-failed",
  "plan-changed",
  "apply-failed",
  "locked",
  "configuration",
  "plan-failed",
  "drift-detected",
  "git-push-failed",
];

export class ActionError extends Error {
  constructor(
    readonly reason: ActionFailureReason,
    message: string,
  ) {
    super(message);
    this.name = "ActionError";
  }
}

/** A bad input or environment: names the input, quotes the value found and says how to fix it. */
export class ConfigurationError extends ActionError {
  constructor(message: string) {
    super("configuration", message);
    this.name = "ConfigurationError";
  }
}
