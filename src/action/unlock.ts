/** mode: unlock — releases the project's apply lock in the workspace (after a cancelled or killed run). */
import type { ActionDeps } from "./deps.js";
import { ConfigurationError } from "./errors.js";
import { engineOptions } from "./shared.js";
import { forceUnlock } from "../state/workspace-lock.js";

export async function runUnlockFlow(deps: ActionDeps): Promise<void> {
  const workspace = await deps.workspace();
  if (!workspace)
    throw new ConfigurationError(
      'no Databricks credentials: set the "databricks-host" and "databricks-token" inputs to release the workspace lock',
    );
  const { repo } = await engineOptions(deps, workspace);
  const { path, released } = await forceUnlock(workspace, repo);
  const text = released
    ? `Released the workspace lock \`${path}\` held by run ${released.holder} (${released.where}, since ${released.acquired}).`
    : `No workspace lock at \`${path}\`: nothing to release.`;
  deps.log.info(text);
  deps.summary.add(`### jobagent unlock\n\n${text}`);
}
