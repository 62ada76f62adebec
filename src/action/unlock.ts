/**
 * mode: unlock and `/jobagent unlock` — release the project's apply lock in the workspace (left behind by a
 * cancelled or killed run, until its lease would expire).
 */
import type { ActionDeps } from "./deps.js";
import { missingCredentialsMessage } from "./databricks-auth.js";
import { ConfigurationError } from "./errors.js";
import { engineOptions } from "./shared.js";
import { applyTarget, requireTargetWorkspace, targetEngineOptions } from "./targets.js";
import { forceUnlock } from "../state/workspace-lock.js";

/** Deletes the lock whoever holds it; says what was released (markdown). */
export async function releaseWorkspaceLock(deps: ActionDeps): Promise<{ released: boolean; text: string }> {
  // With deployment targets: the lock of the `target` input's target (else the first), in that target's workspace.
  const target = await applyTarget(deps);
  const workspace = target ? await requireTargetWorkspace(deps, target) : await deps.workspace();
  if (!workspace)
    throw new ConfigurationError(
      missingCredentialsMessage(deps.inputs.databricksHost, "the workspace lock was not released"),
    );
  const base = await engineOptions(deps, workspace);
  const { repo } = target ? await targetEngineOptions(deps, base, target) : base;
  const { path, released } = await forceUnlock(workspace, repo);
  const text = released
    ? `Released the workspace lock \`${path}\` held by run ${released.holder} (${released.where}, since ${released.acquired}).`
    : `No workspace lock at \`${path}\`: nothing to release.`;
  deps.log.info(text);
  return { released: Boolean(released), text };
}

export async function runUnlockFlow(deps: ActionDeps): Promise<void> {
  const { text } = await releaseWorkspaceLock(deps);
  deps.summary.add(`### jobagent unlock\n\n${text}`);
}
