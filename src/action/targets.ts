/**
 * Deployment targets in the action (jobagent.yml `targets:`, issue #19): which targets a run works on, the
 * credentials of each, and the engine options that scope a run to one target (task files in `.tasks/<target>/`,
 * ownership id `<project>@<target>`).
 *
 * Credentials of target T (T upper-cased, `-` → `_`), first found wins:
 * - host: `DATABRICKS_HOST_T` in the step's env, else `host:` in jobagent.yml, else the `databricks-host` input;
 * - token: `DATABRICKS_TOKEN_T`, else the `databricks-token` input — but only when the target's host is the input's
 *   host (a token is never sent to another workspace), else GitHub OIDC federation at the target's host;
 * - `auth: oidc` always uses OIDC federation; `auth: token` requires a token and fails without one.
 * A workflow job bound to a GitHub environment maps that environment's secrets to `databricks-host` /
 * `databricks-token` (or to `DATABRICKS_HOST_T` / `DATABRICKS_TOKEN_T`) and names the target with `target:`.
 */
import type { EngineOptions } from "../engine/api.js";
import { activateTarget } from "../engine/targets.js";
import { loadProjectConfig } from "../state/project-config.js";
import { selectTarget, type TargetConfig } from "../state/targets-config.js";
import type { ActionDeps } from "./deps.js";
import { ConfigurationError } from "./errors.js";
import type { ActionInputs } from "./inputs.js";

export interface TargetCredentials {
  host: string;
  /** undefined: GitHub OIDC federation (when the runner offers it). */
  token?: string;
}

/** The suffix of a target's environment variables: `prod-eu` → `PROD_EU`. */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

const norm = (host: string) => host.replace(/\/+$/, "").toLowerCase();

/** Where target `config` connects, and with which token; undefined when no host is known for it. */
export function targetCredentials(
  config: TargetConfig,
  inputs: Pick<ActionInputs, "databricksHost" | "databricksToken">,
  env: Record<string, string | undefined>,
): TargetCredentials | undefined {
  const suffix = envSuffix(config.name);
  const envHost = env[`DATABRICKS_HOST_${suffix}`]?.trim() || undefined;
  const envToken = env[`DATABRICKS_TOKEN_${suffix}`]?.trim() || undefined;
  if (envHost && config.host && norm(envHost) !== norm(config.host))
    throw new ConfigurationError(
      `target "${config.name}" is bound to ${config.host} in jobagent.yml, but DATABRICKS_HOST_${suffix} is ${envHost} — remove one of them`,
    );
  const host = envHost ?? config.host ?? inputs.databricksHost;
  if (!host) return undefined;
  const sameAsInput = inputs.databricksHost !== undefined && norm(inputs.databricksHost) === norm(host);
  let token = envToken ?? (sameAsInput ? inputs.databricksToken : undefined);
  if (config.auth === "oidc") token = undefined;
  if (config.auth === "token" && !token)
    throw new ConfigurationError(
      `target "${config.name}" uses \`auth: token\` but has no token: set DATABRICKS_TOKEN_${suffix} in the step's env, or the "databricks-token" input together with "databricks-host: ${host}"`,
    );
  return { host: host.replace(/\/+$/, ""), ...(token ? { token } : {}) };
}

/** The targets declared in jobagent.yml, in promotion order; undefined when the project declares none. */
export async function declaredTargets(deps: ActionDeps): Promise<TargetConfig[] | undefined> {
  const targets = (await loadProjectConfig(deps.context.workspace)).targets;
  return targets && targets.length > 0 ? targets : undefined;
}

/**
 * The target an apply run works on: the `target` input, else the first target in the promotion order (apply on the
 * merge). Undefined without targets; a `target` input without targets is a configuration error.
 */
export async function applyTarget(deps: ActionDeps): Promise<TargetConfig | undefined> {
  const targets = await declaredTargets(deps);
  if (!targets && !deps.inputs.target) return undefined;
  try {
    return deps.inputs.target ? selectTarget(targets, deps.inputs.target) : targets![0];
  } catch (error) {
    throw new ConfigurationError(`input "target": ${(error as Error).message}`);
  }
}

/** Engine options scoped to one target: its overrides and mode, its task files, its ownership id. */
export async function targetEngineOptions(
  deps: ActionDeps,
  base: EngineOptions,
  config: TargetConfig,
): Promise<EngineOptions> {
  const targets = (await declaredTargets(deps)) ?? [config];
  // Development-mode names must be the same at plan (pull request) and apply (push): a stable identity, not the
  // branch or the actor of the run.
  const env = { JOBAGENT_USER: process.env.JOBAGENT_USER || "ci" };
  const { target, repo } = activateTarget(base.repo, config, targets, env);
  return { ...base, target, repo };
}

/** The workspace of a target, or a ConfigurationError saying how to give it credentials. */
export async function requireTargetWorkspace(deps: ActionDeps, config: TargetConfig) {
  const workspace = await deps.targetWorkspace(config);
  if (workspace) return workspace;
  throw new ConfigurationError(missingCredentials(config));
}

export function missingCredentials(config: TargetConfig): string {
  const suffix = envSuffix(config.name);
  return (
    `no Databricks credentials for target "${config.name}": set DATABRICKS_HOST_${suffix} / DATABRICKS_TOKEN_${suffix} ` +
    `in the step's env (or \`host:\` in jobagent.yml), or the "databricks-host" / "databricks-token" inputs from the ` +
    `secrets of its GitHub environment${config.environment ? ` "${config.environment}"` : ""}, or grant \`id-token: write\` for OIDC federation`
  );
}
