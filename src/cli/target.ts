/**
 * The CLI's choice of deployment target: `--target NAME`, else JOBAGENT_TARGET, else the default target of
 * jobagent.yml. A target bound to a host refuses a different host from the flag or the environment, so a token meant
 * for one workspace is never used against another by mistake.
 */
import { activateTarget } from "../engine/targets.js";
import type { ProjectIdentity } from "../state/project-config.js";
import { selectTarget } from "../state/targets-config.js";
import type { ActiveTarget } from "../techlead/targets.js";

export interface CliTarget {
  target?: ActiveTarget;
  /** The workspace host to use (undefined: the embedded local workspace). */
  host?: string;
  /** The project id recorded in ownership tags for this target. */
  repo: string;
}

export class TargetError extends Error {}

export function resolveCliTarget(
  identity: ProjectIdentity,
  name: string | undefined,
  host: string | undefined,
  env: Record<string, string | undefined>,
): CliTarget {
  let config;
  try {
    config = selectTarget(identity.config.targets, name);
  } catch (error) {
    throw new TargetError((error as Error).message);
  }
  if (!config) return { host, repo: identity.id };
  const norm = (h: string) => h.replace(/\/+$/, "").toLowerCase();
  if (config.host && host && norm(config.host) !== norm(host))
    throw new TargetError(
      `target "${config.name}" is bound to ${config.host} in jobagent.yml, but the Databricks host given is ${host} — unset DATABRICKS_HOST / --databricks-host, or choose the target that uses it`,
    );
  const { target, repo } = activateTarget(identity.id, config, identity.config.targets ?? [], env);
  return { target, host: config.host ?? host, repo };
}
