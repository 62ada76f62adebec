/**
 * A declared target made active for one run (CLI and action alike): the identity its development mode prefixes
 * names with, the list of declared targets (to check a requirement's `targets:`) and the project id it records in
 * ownership tags (`<project>@<target>`), so jobs of one target are never another's.
 */
import { shortIdentity } from "../domain/targets.js";
import { targetProjectId, type TargetConfig } from "../state/targets-config.js";
import type { ActiveTarget } from "../techlead/targets.js";

export function activateTarget(
  projectId: string,
  config: TargetConfig,
  declared: readonly TargetConfig[],
  env: Record<string, string | undefined>,
): { target: ActiveTarget; repo: string } {
  const user = env.JOBAGENT_USER ?? env.GITHUB_HEAD_REF ?? env.GITHUB_ACTOR ?? env.USER ?? "user";
  const target: ActiveTarget = {
    ...config,
    identity: { user: shortIdentity(user) },
    declared: declared.map((t) => t.name),
  };
  return { target, repo: targetProjectId(projectId, config) };
}
